"""The case register: cases (a tip is a case in status *registered*), their transitions,
assignments to other departments' investigators, links, activities, decisions, instalment
plans, payments received, and the control calendar (årshjul) with its runs.

Every table holds personal data of one department: ``department_id`` is the owning department
(children repeat it so scoping and the audit trail work on them too)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oversight.auth.models import Department, User
from oversight.cases import codes
from oversight.db import TimestampMixin, utcnow
from oversight.extensions import db
from oversight.identifiers import mask_personnummer

Amount = Numeric(14, 2)


class _Owned:
    __audited__ = True
    __department_scoped__ = True


class Case(_Owned, TimestampMixin, db.Model):
    __tablename__ = "fut_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    investigator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reporting_unit: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    module: Mapped[str] = mapped_column(String(20), default="tip")
    finding_ref: Mapped[str | None] = mapped_column(String(200), index=True)
    evidence: Mapped[str | None] = mapped_column(Text)
    receipt_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    reporter_contact: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="registered", index=True)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    assessed_on: Mapped[date | None] = mapped_column(Date)
    not_opened_reason: Mapped[str | None] = mapped_column(String(20))
    investigation_started_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    amount_estimate: Mapped[Decimal | None] = mapped_column(Amount)
    risk_of_loss: Mapped[bool] = mapped_column(Boolean, default=False)
    ongoing_error: Mapped[bool] = mapped_column(Boolean, default=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_name: Mapped[str | None] = mapped_column(String(200))
    person_pnr: Mapped[str | None] = mapped_column(String(13))
    sex: Mapped[str | None] = mapped_column(String(10))
    cause: Mapped[str | None] = mapped_column(String(30))
    intent: Mapped[str | None] = mapped_column(String(20))
    preventable: Mapped[str | None] = mapped_column(String(10))
    detected_by: Mapped[str | None] = mapped_column(String(200))
    saved_amount: Mapped[Decimal | None] = mapped_column(Amount)
    saved_on: Mapped[date | None] = mapped_column(Date)
    control_run_id: Mapped[int | None] = mapped_column(ForeignKey("control_run.id"))

    department: Mapped[Department] = relationship()
    investigator: Mapped[User | None] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseEvent.id")
    decisions: Mapped[list[CaseDecision]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseDecision.id")
    payments: Mapped[list[CasePayment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CasePayment.paid_on")
    assignments: Mapped[list[CaseAssignment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseAssignment.id")
    activities: Mapped[list[CaseActivity]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseActivity.id")
    links: Mapped[list[CaseLink]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseLink.id")

    __audit_exclude__ = {"reporter_contact"}

    def audit_value(self, key: str, value):
        if key == "person_pnr" and value:
            return mask_personnummer(value)
        return value

    @property
    def status_label(self) -> str:
        return codes.label(codes.STATUSES, self.status)

    @property
    def source_label(self) -> str:
        return codes.label(codes.SOURCES, self.source)

    @property
    def masked_pnr(self) -> str:
        return mask_personnummer(self.person_pnr) if self.person_pnr else ""

    @property
    def queued_on(self) -> date | None:
        return self.assessed_on if self.not_opened_reason is None else None

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class CaseEvent(_Owned, db.Model):
    """One transition: from, to, who and when (the audit trail has the same, this is for the
    case page and the statistics)."""
    __tablename__ = "fut_case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fut_case.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="events")

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"


class CaseAssignment(_Owned, db.Model):
    """An investigator of another department (a central unit, a lending district) given access
    to this one case. Revoking keeps the row."""
    __tablename__ = "fut_case_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fut_case.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(String(300))

    case: Mapped[Case] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __str__(self) -> str:
        return f"Tilldelning av ärende {self.case_id} till användare {self.user_id}"


class CaseLink(_Owned, db.Model):
    __tablename__ = "fut_case_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fut_case.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(200))
    label: Mapped[str | None] = mapped_column(String(300))

    case: Mapped[Case] = relationship(back_populates="links")

    @property
    def kind_label(self) -> str:
        return codes.label(codes.LINK_KINDS, self.kind)

    def __str__(self) -> str:
        return f"{self.kind}: {self.ref}"


class CaseActivity(_Owned, db.Model):
    """Documents, requests to other authorities (with a follow-up date), meetings, notes."""
    __tablename__ = "fut_case_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fut_case.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    kind: Mapped[str] = mapped_column(String(20))
    on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    counterpart: Mapped[str | None] = mapped_column(String(200))
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    author_name: Mapped[str] = mapped_column(String(200))
    # What raised an automatic entry (e.g. "assistance_user:12:2026-10-31"), so a daily job
    # does not add the same notice twice; None for what a person entered.
    origin: Mapped[str | None] = mapped_column(String(120))

    case: Mapped[Case] = relationship(back_populates="activities")
    documents: Mapped[list[CaseDocument]] = relationship(
        back_populates="activity", order_by="CaseDocument.id")

    @property
    def kind_label(self) -> str:
        return codes.label(codes.ACTIVITY_KINDS, self.kind)

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class CaseDocument(_Owned, db.Model):
    """A document uploaded to an investigation activity. The body is stored once by its
    SHA-256 in ``registry_blob`` (registries.store.put_blob, the platform's one store of
    bodies); this row says which case and activity it belongs to, and who uploaded it."""
    __tablename__ = "fut_case_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fut_case.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("fut_case_activity.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    sha256: Mapped[str] = mapped_column(ForeignKey("registry_blob.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_by_name: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    activity: Mapped[CaseActivity] = relationship(back_populates="documents")

    def __str__(self) -> str:
        return f"Dokument {self.filename} i ärende {self.case_id}"


class CaseDecision(_Owned, TimestampMixin, db.Model):
    __tablename__ = "fut_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fut_case.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    decided_by: Mapped[str] = mapped_column(String(20), default="officer")
    decided_by_name: Mapped[str] = mapped_column(String(200))
    meeting_date: Mapped[date | None] = mapped_column(Date)
    paragraph: Mapped[str | None] = mapped_column(String(40))
    legal_basis: Mapped[str | None] = mapped_column(String(30))
    amount: Mapped[Decimal | None] = mapped_column(Amount)
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    payment_dates: Mapped[list | None] = mapped_column(JSON)
    repayment_method: Mapped[str | None] = mapped_column(String(20))
    ability_to_pay: Mapped[str | None] = mapped_column(Text)
    recipient: Mapped[str | None] = mapped_column(String(30))
    police_reference: Mapped[str | None] = mapped_column(String(60))
    outcome: Mapped[str | None] = mapped_column(Text)
    reasoning: Mapped[str | None] = mapped_column(Text)
    # A stop / withhold decision: whose payments it stops, and its lifting (oversight.cases.stops).
    target_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                               index=True)
    lifted_on: Mapped[date | None] = mapped_column(Date)
    lifted_reason: Mapped[str | None] = mapped_column(Text)
    lifted_by_name: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship(back_populates="decisions")
    target_organisation = relationship("Organisation")
    instalments: Mapped[list[CaseInstalment]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="CaseInstalment.due_on")

    @property
    def kind_label(self) -> str:
        return codes.label(codes.DECISION_KINDS, self.kind)

    @property
    def legal_basis_label(self) -> str:
        return codes.label(codes.LEGAL_BASES, self.legal_basis)

    @property
    def repayment_method_label(self) -> str:
        return codes.label(codes.REPAYMENT_METHODS, self.repayment_method)

    @property
    def recipient_label(self) -> str:
        return codes.label(codes.RECIPIENTS, self.recipient)

    def __str__(self) -> str:
        return f"{self.kind} {self.decided_on}"


class CaseInstalment(_Owned, db.Model):
    __tablename__ = "fut_instalment"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("fut_decision.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Amount)

    decision: Mapped[CaseDecision] = relationship(back_populates="instalments")

    def __str__(self) -> str:
        return f"{self.due_on} {self.amount}"


class CasePayment(_Owned, db.Model):
    """Money received on a recovery (manual entry or the finance system's file)."""
    __tablename__ = "fut_payment"
    __table_args__ = (UniqueConstraint("case_id", "paid_on", "amount", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fut_case.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    paid_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(Amount)
    reference: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual | import

    case: Mapped[Case] = relationship(back_populates="payments")

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"


class ControlRoutine(_Owned, TimestampMixin, db.Model):
    """A recurring control in the department's calendar (årshjul)."""
    __tablename__ = "control_routine"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    interval_months: Mapped[int] = mapped_column(Integer, default=12)
    next_due_on: Mapped[date] = mapped_column(Date)

    owner: Mapped[User | None] = relationship()
    runs: Mapped[list[ControlRun]] = relationship(
        back_populates="routine", cascade="all, delete-orphan", order_by="ControlRun.run_on.desc()")

    def __str__(self) -> str:
        return self.name


class ControlRun(_Owned, db.Model):
    __tablename__ = "control_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    routine_id: Mapped[int] = mapped_column(ForeignKey("control_routine.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    run_on: Mapped[date] = mapped_column(Date)
    sample_size: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(Text)
    run_by_name: Mapped[str] = mapped_column(String(200))

    routine: Mapped[ControlRoutine] = relationship(back_populates="runs")
    cases: Mapped[list[Case]] = relationship()

    def __str__(self) -> str:
        return f"{self.routine_id} {self.run_on}"


class Denominator(db.Model):
    """Denominators entered per year and department (recipients, households) for rates."""
    __tablename__ = "stat_denominator"
    __audited__ = True
    __table_args__ = (UniqueConstraint("department_id", "year", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # recipients | households
    value: Mapped[int] = mapped_column(Integer)

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.value}"


class TipSubmission(db.Model):
    """One submission of the public tip form, for throttling per address. Only a keyed hash
    of the address is kept, never the address or anything that links it to the tip."""
    __tablename__ = "fut_tip_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
