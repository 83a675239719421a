"""Department-scoped case records: hearings with their documents, decisions, monitoring
findings and runs, and the flush-time guard that keeps evidence and signed decisions
immutable. Re-exported from ``suppliers.models``."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from oversight.db import TimestampMixin, utcnow
from oversight.extensions import db
from suppliers.models import (
    DECISION_OUTCOMES,
    DOCUMENT_KINDS,
    HEARING_STATUSES,
    PUBLISHABLE_OUTCOMES,
    ImmutableError,
    Supplier,
    SupplierCheck,
)

# --- hearings and decisions ------------------------------------------------------------------

class Hearing(TimestampMixin, db.Model):
    """Kommunicering / hearing of the supplier before a decision: the letter, the supplier's
    statement and self-cleaning measures, and the officer's internal notes."""

    __tablename__ = "supplier_hearing"
    __audited__ = True
    __audit_exclude__ = {"letter_text", "statement", "self_cleaning", "internal_notes"}
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    check_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_check.id"))
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurement.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_contract.id"))
    reference: Mapped[str] = mapped_column(String(60))
    grounds: Mapped[list] = mapped_column(JSON, default=list)  # [{code, label, law, reasons}]
    letter_text: Mapped[str] = mapped_column(Text)
    recipient: Mapped[str | None] = mapped_column(String(300))
    deadline: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(15), default="draft")
    statement: Mapped[str | None] = mapped_column(Text)
    statement_received_on: Mapped[date | None] = mapped_column(Date)
    self_cleaning: Mapped[str | None] = mapped_column(Text)
    internal_notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    supplier: Mapped[Supplier] = relationship()
    check = relationship("SupplierCheck")
    procurement = relationship("Procurement")
    contract = relationship("Contract")
    department = relationship("Department")
    created_by = relationship("User")
    documents: Mapped[list[HearingDocument]] = relationship(
        back_populates="hearing", order_by="HearingDocument.id")

    @property
    def status_label(self) -> str:
        return HEARING_STATUSES.get(self.status, self.status)

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status == "sent" and self.deadline < (today or date.today())

    def __str__(self) -> str:
        return f"Kommunicering {self.reference}"


class HearingDocument(db.Model):
    __tablename__ = "supplier_hearing_document"
    __audited__ = True
    __audit_exclude__ = {"data"}
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("supplier_hearing.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="statement")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    hearing: Mapped[Hearing] = relationship(back_populates="documents")

    @property
    def kind_label(self) -> str:
        return DOCUMENT_KINDS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return f"Dokument {self.filename}"


class Decision(db.Model):
    """A decision on exclusion or termination. Drafts can be edited; a signed decision is
    frozen together with a snapshot of the check's grounds and evidence and the hearing
    (``snapshot`` and its SHA-256 ``snapshot_hash``). A correction is a new version."""

    __tablename__ = "supplier_decision"
    __audited__ = True
    __audit_exclude__ = {"snapshot"}
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_hearing.id"))
    check_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_check.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_contract.id"))
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurement.id"))
    reference: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(20))
    grounds: Mapped[list] = mapped_column(JSON, default=list)  # codes relied on
    reasoning: Mapped[str] = mapped_column(Text)
    self_cleaning_assessment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_decision.id"))
    correction_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    decided_on: Mapped[date | None] = mapped_column(Date)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    snapshot_hash: Mapped[str | None] = mapped_column(String(64))
    superseded_by_id: Mapped[int | None] = mapped_column(Integer)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warning.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    supplier: Mapped[Supplier] = relationship()
    hearing = relationship("Hearing")
    check = relationship("SupplierCheck")
    contract = relationship("Contract")
    procurement = relationship("Procurement")
    signed_by = relationship("User", foreign_keys=[signed_by_id])
    warning = relationship("OrganisationWarning")
    previous = relationship("Decision", remote_side=[id], foreign_keys=[previous_id])

    # Columns that may still be set once after signing (publishing, superseding).
    AFTER_SIGNING = frozenset({"warning_id", "superseded_by_id"})

    @property
    def outcome_label(self) -> str:
        return DECISION_OUTCOMES.get(self.outcome, self.outcome)

    @property
    def signed(self) -> bool:
        return self.status == "signed"

    @property
    def publishable(self) -> bool:
        return self.signed and self.outcome in PUBLISHABLE_OUTCOMES and self.warning_id is None

    def __str__(self) -> str:
        return f"Beslut {self.reference} v{self.version}: {self.outcome}"


class MonitoringFinding(db.Model):
    """A ground that became ``found`` (or could no longer be checked) since the previous
    monitoring check of a supplier with an active contract, for the contract's department."""

    __tablename__ = "supplier_monitoring_finding"
    __department_scoped__ = True
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_contract.id"))
    check_id: Mapped[int] = mapped_column(ForeignKey("supplier_check.id"))
    previous_check_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_check.id"))
    code: Mapped[str] = mapped_column(String(30))
    label: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    detected_on: Mapped[date] = mapped_column(Date, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    supplier: Mapped[Supplier] = relationship()
    contract = relationship("Contract")

    @property
    def severity(self) -> str:
        return "danger" if self.outcome == "found" else "warning"

    def __str__(self) -> str:
        return f"Bevakningsfynd {self.code} för leverantör {self.supplier_id}"


class MonitorRun(db.Model):
    """One run of ``flask suppliers monitor`` (or the periodic task): counts, for the feed."""

    __tablename__ = "supplier_monitor_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    suppliers: Mapped[int] = mapped_column(Integer, default=0)
    checks: Mapped[int] = mapped_column(Integer, default=0)
    new_findings: Mapped[int] = mapped_column(Integer, default=0)
    unknown: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


# --- immutability ------------------------------------------------------------------------------

def _changed_columns(obj) -> set[str]:
    state = inspect(obj)
    return {attr.key for attr in state.mapper.column_attrs
            if state.attrs[attr.key].history.has_changes()}


def _was_signed(obj: Decision) -> bool:
    hist = inspect(obj).attrs.status.history
    if hist.deleted:
        return hist.deleted[0] == "signed"
    return obj.status == "signed" and not hist.added


def guard_immutable(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        deleted = obj in session.deleted
        if getattr(obj, "__immutable__", False):
            if deleted or session.is_modified(obj):
                raise ImmutableError(_("Kontrollunderlag kan inte ändras i efterhand; gör en ny "
                                     "kontroll."))
        elif isinstance(obj, SupplierCheck) and (deleted or _changed_columns(obj)):
            raise ImmutableError(_("En kontroll kan inte ändras i efterhand; gör en ny kontroll."))
        elif isinstance(obj, Decision) and _was_signed(obj):
            if deleted or _changed_columns(obj) - Decision.AFTER_SIGNING:
                raise ImmutableError(_("Ett signerat beslut kan inte ändras; gör en rättelse som "
                                     "en ny version."))


def install_guards() -> None:
    if not event.contains(Session, "before_flush", guard_immutable):
        event.listen(Session, "before_flush", guard_immutable)
