"""Association grants: profiles, grants and their decisions and reports, rule values; the
ledger and detection models live in ledger_models.py and are re-exported here.

None of these tables is department-scoped: grants to associations are public decisions and the
point of the module is that every department sees what the others pay. Key persons and warnings
live in the shared register (oversight.organisations)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oversight.db import TimestampMixin, utcnow
from oversight.extensions import db
from oversight.labels import Labels

Money = Numeric(16, 2)

GRANT_FORMS = Labels({
    "tidsbegransat": "Tidsbegränsat bidrag",
    "verksamhetsbidrag": "Verksamhetsbidrag",
    "projekt": "Projektbidrag",
    "ovrigt": "Övrigt bidrag",
})
GRANT_STATUSES = Labels({
    "applied": "Ansökt",
    "granted": "Beviljat",
    "rejected": "Avslag",
    "withheld": "Utbetalning innehållen",
    "stopped": "Stoppat",
    "reclaimed": "Återkrävt",
})
# Statuses in which the money was (or is being) paid: these count as funding.
FUNDED_STATUSES = ("granted", "withheld", "stopped", "reclaimed")

DECISION_ACTIONS = Labels({
    "withhold": "Innehåll utbetalning",
    "resume": "Återuppta utbetalning",
    "stop": "Stoppa bidraget",
    "reclaim": "Återkräv bidraget",
})
REPORT_KINDS = Labels({"annual": "Årsredovisning av bidraget", "halfyear": "Halvårsredovisning"})
REPORT_STATUSES = Labels({"expected": "Väntas", "received": "Inkommen", "approved": "Godkänd",
                          "rejected": "Underkänd"})

class AssociationProfile(TimestampMixin, db.Model):
    """What the grant process needs beyond the shared register (1:1 with an organisation)."""

    __tablename__ = "association_profile"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    statutes_date: Mapped[date | None] = mapped_column(Date)
    activity_since: Mapped[date | None] = mapped_column(Date)
    activity_description: Mapped[str | None] = mapped_column(Text)
    members: Mapped[int | None] = mapped_column(Integer)
    democracy_conditions_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation = relationship("Organisation")

    def __str__(self) -> str:
        return f"Föreningsuppgifter för organisation {self.organisation_id}"


class Grant(TimestampMixin, db.Model):
    """An application and its decision, from a department or an external funder. Every
    department reads it; only the owning department (the granting department, or for an
    external funder's grant the department that registered it) decides on it and its reports
    (oversight.scoping)."""

    __tablename__ = "association_grant"
    __audited__ = True
    __owner_column__ = "owner_department_id"
    __table_args__ = (
        CheckConstraint("(department_id IS NULL) <> (funder_name IS NULL)", name="one_grantor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    funder_name: Mapped[str | None] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(Text)
    activity: Mapped[str | None] = mapped_column(String(300))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    applied_on: Mapped[date | None] = mapped_column(Date)
    decision_date: Mapped[date | None] = mapped_column(Date)
    conditions: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="granted", index=True)
    reference: Mapped[str | None] = mapped_column(String(100))  # diarienummer
    # Eligibility warnings found when the grant was registered: [{code, severity, message}]
    eligibility: Mapped[list | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    owner_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"),
                                                            index=True)

    organisation = relationship("Organisation")
    department = relationship("Department", foreign_keys=[department_id])
    decisions: Mapped[list[GrantDecision]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantDecision.id")
    reports: Mapped[list[GrantReport]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantReport.due_on")

    @property
    def grantor(self) -> str:
        return self.department.name if self.department_id else (self.funder_name or "")

    @property
    def form_label(self) -> str:
        return GRANT_FORMS.get(self.form, self.form)

    @property
    def status_label(self) -> str:
        return GRANT_STATUSES.get(self.status, self.status)

    def __str__(self) -> str:
        return f"{self.form_label} {self.period_start}–{self.period_end} ({self.grantor})"


class GrantDecision(db.Model):
    """Withhold / resume / stop / reclaim. The municipality's case register does not exist yet,
    so the decision record is kept here (with its diarienummer)."""

    __tablename__ = "grant_decision"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("association_grant.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Money)  # reclaimed amount
    reference: Mapped[str | None] = mapped_column(String(100))
    previous_status: Mapped[str] = mapped_column(String(20))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    grant: Mapped[Grant] = relationship(back_populates="decisions")
    decided_by = relationship("User")

    @property
    def action_label(self) -> str:
        return DECISION_ACTIONS.get(self.action, self.action)

    def __str__(self) -> str:
        return f"{self.action_label} för bidrag {self.grant_id}"


class GrantReport(TimestampMixin, db.Model):
    """A report (redovisning) the association owes for a grant year or half-year."""

    __tablename__ = "grant_report"
    __audited__ = True
    __owned_through__ = "grant"  # the grant's department approves its reports

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("association_grant.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    received_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="expected")
    note: Mapped[str | None] = mapped_column(Text)

    grant: Mapped[Grant] = relationship(back_populates="reports")

    @property
    def kind_label(self) -> str:
        return REPORT_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return REPORT_STATUSES.get(self.status, self.status)

    def is_overdue(self, today: date | None = None) -> bool:
        return self.received_on is None and self.due_on < (today or date.today())

    def __str__(self) -> str:
        return f"{self.kind_label} {self.period_start}–{self.period_end} (bidrag {self.grant_id})"


from associations.ledger_models import (  # noqa: E402,F401  (one import path for all models)
    CLUSTER_STATUSES,
    VERDICTS,
    ClusterJudgement,
    DetectionCluster,
    DetectionClusterEntry,
    DetectionRun,
    LedgerEntry,
    LedgerImport,
    LedgerMapping,
    LedgerUpload,
)
