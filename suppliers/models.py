"""Suppliers, procurements, contracts, checks with their evidence, criminal-record extracts,
complaints, hearings, decisions and monitoring findings.

Visibility:

* the supplier register, procurements, contracts and complaints' facts are shared between
  departments (they are about companies);
* checks, their evidence and grounds, criminal-record extracts, hearings (with the supplier's
  statement and the officer's notes), decisions and monitoring findings may hold personal data
  (representatives' convictions) and internal assessments: they are department-scoped and read
  only through ``oversight.scoping``. What other departments should know goes out as a central
  warning (``OrganisationWarning``), which a signed decision can publish.

Immutability: a check's evidence and grounds never change after they are written, and a
signed decision never changes (corrections are new versions pointing at the previous one).
``guard_immutable`` (in ``case_models.py``, with hearings, decisions and monitoring, all
re-exported here) enforces both at flush time.
"""
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

from oversight.db import TimestampMixin, utcnow
from oversight.extensions import db
from oversight.labels import Labels
from suppliers import rules

PROCEDURES = Labels({
    "lou_open": "LOU öppet förfarande (över tröskelvärdet)",
    "lou_simplified": "LOU förenklat förfarande (under tröskelvärdet)",
    "direct_award": "Direktupphandling",
    "lov": "LOV valfrihetssystem",
    "framework": "Ramavtal",
    "call_off": "Avrop från ramavtal",
})
CONTRACT_STATUSES = Labels({"planned": "Planerat", "active": "Aktivt", "ended": "Avslutat",
                            "terminated": "Uppsagt/hävt"})
PROCUREMENT_STATUSES = Labels({"open": "Pågår", "evaluating": "Utvärdering", "awarded": "Tilldelad",
                               "cancelled": "Avbruten"})
CHECK_TRIGGERS = Labels({"manual": "Manuell kontroll", "screening": "Kontroll av anbudsgivare",
                         "monitor": "Bevakning under avtalstiden", "cli": "Kommandorad"})
COMPLAINT_CATEGORIES = Labels({
    "quality": "Kvalitet i utförandet",
    "delivery": "Uteblivna eller försenade leveranser",
    "invoicing": "Felaktig fakturering",
    "staffing": "Bemanning och kompetens",
    "safety": "Säkerhet eller vanvård",
    "other": "Övrigt",
})
COMPLAINT_SEVERITIES = Labels({"minor": "Mindre allvarligt", "serious": "Allvarligt"})
COMPLAINT_STATUSES = Labels({"open": "Ej bedömt", "confirmed": "Bekräftat", "rejected": "Avfärdat"})
HEARING_STATUSES = Labels({"draft": "Utkast", "sent": "Skickad", "answered": "Yttrande inkommet",
                           "decided": "Beslutad"})
DECISION_OUTCOMES = Labels({
    "exclude": "Leverantören utesluts",
    "not_exclude": "Leverantören utesluts inte",
    "terminate_notice": "Avtalet sägs upp",
    "terminate_breach": "Avtalet hävs",
    "cancel": "Avtalet avbryts (upphandlingen avbryts för leverantören)",
})
PUBLISHABLE_OUTCOMES = {"exclude", "terminate_notice", "terminate_breach"}
DOCUMENT_KINDS = Labels({"statement": "Yttrande", "self_cleaning": "Självsanering",
                         "other": "Övrigt underlag"})


class ImmutableError(RuntimeError):
    """Attempt to change evidence or a signed decision."""


class Supplier(TimestampMixin, db.Model):
    """An organisation in the shared register in its role as supplier."""

    __tablename__ = "supplier"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organisation = relationship("Organisation")
    contracts: Mapped[list[Contract]] = relationship(
        back_populates="supplier", order_by="Contract.start_date.desc()",
        foreign_keys="Contract.supplier_id")

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def orgnr(self) -> str:
        return self.organisation.display_orgnr

    def active_contracts(self, today: date | None = None) -> list[Contract]:
        return [c for c in self.contracts if c.is_active(today)]

    def __str__(self) -> str:
        return f"Leverantör {self.organisation.name}" if self.organisation else "Leverantör"


class _ProcedureMixin:
    procedure: Mapped[str] = mapped_column(String(20))
    service_category: Mapped[str | None] = mapped_column(String(200))
    welfare: Mapped[bool] = mapped_column(Boolean, default=False)  # välfärdstjänst
    above_threshold: Mapped[bool] = mapped_column(Boolean, default=False)
    permit_bound: Mapped[bool] = mapped_column(Boolean, default=False)  # IVO-tillstånd krävs
    permit_activity: Mapped[str | None] = mapped_column(String(200))

    @property
    def procedure_label(self) -> str:
        return PROCEDURES.get(self.procedure, self.procedure)

    @property
    def regime(self) -> str:
        return rules.regime_for(self.procedure, above_threshold=self.above_threshold,
                                welfare=self.welfare)

    @property
    def regime_label(self) -> str:
        return rules.REGIME_LABELS[self.regime]


class Procurement(_ProcedureMixin, TimestampMixin, db.Model):
    __tablename__ = "procurement"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)  # diarienummer
    title: Mapped[str] = mapped_column(String(300))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    estimated_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))

    department = relationship("Department")
    tenders: Mapped[list[Tender]] = relationship(back_populates="procurement",
                                                 cascade="all, delete-orphan",
                                                 order_by="Tender.id")

    @property
    def status_label(self) -> str:
        return PROCUREMENT_STATUSES.get(self.status, self.status)

    def __str__(self) -> str:
        return f"Upphandling {self.reference} {self.title}"


class Tender(db.Model):
    """A supplier taking part in a procurement (anbudsgivare / sökande)."""

    __tablename__ = "tender"
    __audited__ = True
    __owned_through__ = "procurement"  # changed by the procurement's department only
    __table_args__ = (UniqueConstraint("procurement_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurement.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    procurement: Mapped[Procurement] = relationship(back_populates="tenders")
    supplier: Mapped[Supplier] = relationship()

    def __str__(self) -> str:
        return f"Anbud {self.procurement_id}/{self.supplier_id}"


class Contract(_ProcedureMixin, TimestampMixin, db.Model):
    __tablename__ = "supplier_contract"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str] = mapped_column(String(300))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurement.id"))
    framework_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_contract.id"))
    calling_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")

    supplier: Mapped[Supplier] = relationship(back_populates="contracts",
                                              foreign_keys=[supplier_id])
    department = relationship("Department", foreign_keys=[department_id])
    calling_department = relationship("Department", foreign_keys=[calling_department_id])
    procurement = relationship("Procurement")
    framework = relationship("Contract", remote_side=[id])

    @property
    def status_label(self) -> str:
        return CONTRACT_STATUSES.get(self.status, self.status)

    def is_active(self, today: date | None = None) -> bool:
        today = today or date.today()
        return (self.status == "active" and (self.start_date is None or self.start_date <= today)
                and (self.end_date is None or today <= self.end_date))

    def departments(self) -> set[int]:
        """The owning department and, for a call-off, the calling one: both are told."""
        return {d for d in (self.department_id, self.calling_department_id) if d}

    def __str__(self) -> str:
        return f"Avtal {self.reference} {self.title}"


# --- checks ----------------------------------------------------------------------------------

class SupplierCheck(db.Model):
    __tablename__ = "supplier_check"
    __audited__ = True
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurement.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_contract.id"),
                                                    index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"), index=True)
    regime: Mapped[str] = mapped_column(String(10))
    on_date: Mapped[date] = mapped_column(Date)
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    overall: Mapped[str] = mapped_column(String(10), index=True)
    permit_required: Mapped[bool] = mapped_column(Boolean, default=False)
    permit_activity: Mapped[str | None] = mapped_column(String(200))
    rule_values: Mapped[dict] = mapped_column(JSON, default=dict)
    representatives: Mapped[list] = mapped_column(JSON, default=list)  # labels, no personnummer
    run_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)

    supplier: Mapped[Supplier] = relationship()
    procurement = relationship("Procurement")
    contract = relationship("Contract")
    department = relationship("Department")
    run_by = relationship("User")
    grounds: Mapped[list[CheckGround]] = relationship(back_populates="check",
                                                      order_by="CheckGround.position")
    evidence: Mapped[list[CheckEvidence]] = relationship(back_populates="check",
                                                         order_by="CheckEvidence.id")

    @property
    def overall_label(self) -> str:
        return OVERALL_LABELS.get(self.overall, self.overall)

    @property
    def badge(self) -> str:
        return rules.OUTCOME_BADGES.get(self.overall, "")

    @property
    def regime_label(self) -> str:
        return rules.REGIME_LABELS.get(self.regime, self.regime)

    @property
    def trigger_label(self) -> str:
        return CHECK_TRIGGERS.get(self.trigger, self.trigger)

    @property
    def evidence_by_key(self) -> dict[str, CheckEvidence]:
        return {e.key: e for e in self.evidence}

    @property
    def manual_grounds(self) -> tuple[str, ...]:
        return rules.MANUAL_GROUNDS.get(self.regime, ())

    def __str__(self) -> str:
        return f"Kontroll {self.id} av leverantör {self.supplier_id}: {self.overall}"


OVERALL_LABELS = Labels({"found": "Grund föreligger", "unknown": "Kunde inte kontrolleras helt",
                         "clear": "Ingen grund funnen"})


class CheckGround(db.Model):
    __tablename__ = "supplier_check_ground"
    __department_scoped__ = True
    __immutable__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("supplier_check.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(30))
    label: Mapped[str] = mapped_column(String(300))
    law: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_required: Mapped[bool] = mapped_column(Boolean, default=True)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    actions: Mapped[list] = mapped_column(JSON, default=list)
    evidence_keys: Mapped[list] = mapped_column(JSON, default=list)

    check: Mapped[SupplierCheck] = relationship(back_populates="grounds")

    @property
    def outcome_label(self) -> str:
        labels = rules.REQUIREMENT_LABELS if self.kind == "requirement" else rules.OUTCOME_LABELS
        return labels.get(self.outcome, self.outcome)

    @property
    def badge(self) -> str:
        return rules.OUTCOME_BADGES.get(self.outcome, "")


class CheckEvidence(db.Model):
    """One piece of evidence as it was when the check ran (a copy: later lookups do not
    change it), with a link to the registry's own evidence row where there is one."""

    __tablename__ = "supplier_check_evidence"
    __department_scoped__ = True
    __immutable__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("supplier_check.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    source: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(40))
    subject_label: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(15))
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    retrieved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    document_date: Mapped[date | None] = mapped_column(Date)
    message: Mapped[str | None] = mapped_column(Text)
    missing_parts: Mapped[list] = mapped_column(JSON, default=list)
    facts: Mapped[list] = mapped_column(JSON, default=list)
    ref: Mapped[str | None] = mapped_column(String(60))
    origin: Mapped[str | None] = mapped_column(String(60))
    query: Mapped[str | None] = mapped_column(String(300))
    raw_hash: Mapped[str | None] = mapped_column(String(64))

    check: Mapped[SupplierCheck] = relationship(back_populates="evidence")

    @property
    def key(self) -> str:
        return f"{self.source}:{self.subject}"


# --- criminal-record extracts ------------------------------------------------------------------

class CriminalRecordExtract(TimestampMixin, db.Model):
    """An extract from the criminal records register (belastningsregistret) that the officer
    received and entered: about the company (företagsbot) or one representative."""

    __tablename__ = "criminal_record_extract"
    __audited__ = True
    __audit_exclude__ = {"subject_name"}
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    key_person_id: Mapped[int | None] = mapped_column(ForeignKey("key_person.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(300))
    document_date: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(100))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    key_person = relationship("KeyPerson")
    entered_by = relationship("User")
    convictions: Mapped[list[Conviction]] = relationship(
        back_populates="extract", cascade="all, delete-orphan", order_by="Conviction.id")

    @property
    def subject_key(self) -> str:
        return f"person:{self.key_person_id}" if self.key_person_id else "org"

    def __str__(self) -> str:
        return f"Utdrag ur belastningsregistret {self.id}"


class Conviction(db.Model):
    __tablename__ = "criminal_record_conviction"
    __audited__ = True
    __audit_exclude__ = {"description", "case_number"}
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    extract_id: Mapped[int] = mapped_column(ForeignKey("criminal_record_extract.id"),
                                            index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    judgment_date: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    court: Mapped[str | None] = mapped_column(String(200))
    case_number: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text)

    extract: Mapped[CriminalRecordExtract] = relationship(back_populates="convictions")

    def __str__(self) -> str:
        return f"Dom {self.id} ({self.category})"


# --- complaints --------------------------------------------------------------------------------

class Complaint(TimestampMixin, db.Model):
    """A department's complaint about a supplier's performance in a contract (klagomål).

    Its facts (contract, category, severity, dates, departments, status) are shared; the free
    text is shown only to the filing and the contract-owning department (``can_read_text``)."""

    __tablename__ = "supplier_complaint"
    __audited__ = True
    __owner_column__ = "owner_department_id"  # the contract's department assesses it
    __audit_exclude__ = {"description", "assessment"}

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("supplier_contract.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    owner_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    assessment: Mapped[str | None] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assessed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    contract: Mapped[Contract] = relationship()
    supplier: Mapped[Supplier] = relationship()
    department = relationship("Department", foreign_keys=[department_id])
    owner_department = relationship("Department", foreign_keys=[owner_department_id])

    @property
    def category_label(self) -> str:
        return COMPLAINT_CATEGORIES.get(self.category, self.category)

    @property
    def severity_label(self) -> str:
        return COMPLAINT_SEVERITIES.get(self.severity, self.severity)

    @property
    def status_label(self) -> str:
        return COMPLAINT_STATUSES.get(self.status, self.status)

    def can_read_text(self, user) -> bool:
        return getattr(user, "department_id", None) in (self.department_id,
                                                        self.owner_department_id)

    def __str__(self) -> str:
        return f"Klagomål {self.id} på avtal {self.contract_id}"


# Hearings, decisions and monitoring live in case_models.py (same tables, same metadata).
from suppliers.case_models import (  # noqa: E402,F401
    Decision,
    Hearing,
    HearingDocument,
    MonitoringFinding,
    MonitorRun,
    guard_immutable,
    install_guards,
)
