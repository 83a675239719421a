"""Bank-account holder registry, verification records, the shared-account allow list and
payment-file checks."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from oversight.accounts.verification import (
    KIND_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
    Finding,
    mask_holder_id,
)
from oversight.db import utcnow
from oversight.extensions import db
from oversight.labels import Labels

HOLDER_SOURCES = Labels({
    "bank": "Bankens besked",
    "bankgirot": "Bankgirots sökning",
    "vop": "Betalningsmottagarkontroll (VoP-svar)",
    "register_file": "Importerad kontoregisterfil",
})
HOLDER_STATUSES = Labels({
    "active": "Aktivt",
    "closed": "Avslutat / avregistrerat",
    "not_found": "Kontot finns inte",
})
ENTRY_METHODS = Labels({"manual": "Manuell registrering", "import": "Filimport",
                 "registry": "Registeradapter"})
ALLOWANCE_CATEGORIES = Labels({
    "factoring": "Factoringbolag",
    "municipality": "Kommunens egna konton",
    "group": "Koncern / gemensam ekonomifunktion",
    "payment_service": "Betaltjänst / ombud",
    "other": "Annat (ange skäl)",
})


class AccountDocument(db.Model):
    """A document behind a holder answer (bank certificate, screenshot of Bankgirot's search,
    a VoP answer): PDF or image, size-limited, kept in the database so several machines
    share it."""

    __tablename__ = "account_document"
    __audited__ = True
    __audit_exclude__ = {"data"}

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __str__(self) -> str:
        return f"Underlag {self.filename}"


class AccountHolderEvidence(db.Model):
    """One answer about who holds an account: bank, Bankgirot's search, a payee-verification
    answer or an imported account-register file; manual entries carry a document."""

    __tablename__ = "account_holder_evidence"
    __audited__ = True
    __audit_exclude__ = {"holder_personnummer"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40))  # normalised by oversight.identifiers
    digits: Mapped[str] = mapped_column(String(40))
    holder_name: Mapped[str | None] = mapped_column(String(300))
    holder_orgnr: Mapped[str | None] = mapped_column(String(11), index=True)
    holder_personnummer: Mapped[str | None] = mapped_column(String(13))  # personkonto
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="active")
    answered_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    entry: Mapped[str] = mapped_column(String(10), default="manual")
    import_sha256: Mapped[str | None] = mapped_column(String(64))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("account_document.id"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document: Mapped[AccountDocument | None] = relationship()
    entered_by = relationship("User")

    __table_args__ = (Index("ix_account_holder_evidence_kind_digits", "kind", "digits"),)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def source_label(self) -> str:
        return HOLDER_SOURCES.get(self.source, self.source)

    @property
    def status_label(self) -> str:
        return HOLDER_STATUSES.get(self.status, self.status)

    @property
    def entry_label(self) -> str:
        return ENTRY_METHODS.get(self.entry, self.entry)

    @property
    def is_private(self) -> bool:
        return bool(self.holder_personnummer)

    @property
    def holder_id_display(self) -> str | None:
        return self.holder_orgnr or mask_holder_id(self.holder_personnummer)

    def __str__(self) -> str:
        return (f"Kontohavarbesked {self.kind_label} {self.number}: "
                f"{self.holder_name or self.status_label} ({self.answered_on})")


class SharedAccountAllowance(db.Model):
    """An account several organisations may legitimately share (allow list, with reason)."""

    __tablename__ = "account_shared_allowance"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40))
    digits: Mapped[str] = mapped_column(String(40), index=True)
    category: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))

    created_by = relationship("User")
    department = relationship("Department")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def category_label(self) -> str:
        return ALLOWANCE_CATEGORIES.get(self.category, self.category)

    def __str__(self) -> str:
        return f"Godkänt delat konto {self.kind_label} {self.number}"


class _ResultMixin:
    """Status, findings and explanation as stored for a verification or a payment line."""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def badge(self) -> str:
        return STATUS_BADGES.get(self.status, "badge-warn")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind or "")

    @property
    def finding_list(self) -> list[Finding]:
        return [Finding.from_json(f) for f in (self.findings or [])]

    @property
    def alerts(self) -> list[Finding]:
        return [f for f in self.finding_list if f.severity != "info"]


class AccountVerificationRecord(_ResultMixin, db.Model):
    """A verification someone ran (web, CLI): who, when, on what evidence, with what result."""

    __tablename__ = "account_verification"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40))
    digits: Mapped[str | None] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(4), index=True)
    holder_name: Mapped[str | None] = mapped_column(String(300))
    holder_id: Mapped[str | None] = mapped_column(String(13))  # masked if a personnummer
    score: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("account_holder_evidence.id"))
    context: Mapped[str] = mapped_column(String(20), default="web")  # web | cli | organisation
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                  index=True)

    organisation = relationship("Organisation")
    verified_by = relationship("User")
    evidence: Mapped[AccountHolderEvidence | None] = relationship()

    def __str__(self) -> str:
        return f"Kontokontroll {self.kind_label} {self.number}: {self.status}"


CHECK_STATUSES = Labels({"queued": "I kö", "running": "Pågår", "done": "Klar",
                  "invalid": "Filen kunde inte läsas", "failed": "Misslyckades"})


class PaymentCheck(db.Model):
    """A payment file checked before it is sent. The file is never changed; its SHA-256 is
    kept with the result (the bytes only until the check has run)."""

    __tablename__ = "payment_check"
    __audited__ = True
    __audit_exclude__ = {"data", "summary", "errors", "warnings"}
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    filename: Mapped[str] = mapped_column(String(255))
    requested_format: Mapped[str | None] = mapped_column(String(10))
    file_format: Mapped[str | None] = mapped_column(String(20))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    n_payments: Mapped[int | None] = mapped_column(Integer)
    total_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    summary: Mapped[dict | None] = mapped_column(JSON)
    errors: Mapped[list | None] = mapped_column(JSON)
    warnings: Mapped[list | None] = mapped_column(JSON)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))

    created_by = relationship("User")

    @property
    def status_label(self) -> str:
        return CHECK_STATUSES.get(self.status, self.status)

    @property
    def attention_count(self) -> int:
        s = self.summary or {}
        return int(s.get("attention", 0))

    def __str__(self) -> str:
        return f"Betalfilskontroll {self.filename}"


class PaymentCheckLine(_ResultMixin, db.Model):
    """One payment of a checked file with its verification (written in bulk; not audited:
    the check itself is)."""

    __tablename__ = "payment_check_line"
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("payment_check.id", ondelete="CASCADE"),
                                          index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(120))
    paying_department: Mapped[str | None] = mapped_column(String(200))
    payee_name: Mapped[str] = mapped_column(String(300))
    payee_id: Mapped[str | None] = mapped_column(String(40))  # as shown (masked if personal)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    matched_by: Mapped[str | None] = mapped_column(String(10))  # orgnr | name | None
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(60))
    normalized: Mapped[str | None] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3))
    pay_date: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(4), index=True)
    holder_name: Mapped[str | None] = mapped_column(String(300))
    holder_id: Mapped[str | None] = mapped_column(String(13))
    score: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    finding_codes: Mapped[str | None] = mapped_column(String(300))  # " CODE1 CODE2 " filter
    attention: Mapped[bool] = mapped_column(Boolean, default=False)  # NMTC/CMTC or a finding

    def __str__(self) -> str:
        return f"Betalning {self.position}"
