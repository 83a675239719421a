"""Imported payment ledgers, multi-department detection runs with their clusters, and the
handlers' judgements (re-exported by associations.models)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oversight.db import TimestampMixin, utcnow
from oversight.extensions import db
from oversight.labels import Labels

Money = Numeric(16, 2)

VERDICTS = Labels({
    "same_org": "Samma organisation",
    "different_orgs": "Olika organisationer",
    "co_funding": "Godkänd samfinansiering",
    "investigate": "Utreds",
})
CLUSTER_STATUSES = Labels({"new": "Ny", "reraised": "Ny uppgift efter bedömning", "judged": "Bedömd"})


# --- ledger import --------------------------------------------------------------------------

class LedgerMapping(TimestampMixin, db.Model):
    """A department's saved column mapping: field -> the file's header text."""

    __tablename__ = "ledger_mapping"
    __audited__ = True
    __table_args__ = (UniqueConstraint("department_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    columns: Mapped[dict] = mapped_column(JSON)

    def __str__(self) -> str:
        return f"Kolumnmappning {self.name}"


class LedgerUpload(db.Model):
    """An uploaded file waiting for its preview to be confirmed (deleted on import)."""

    __tablename__ = "ledger_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    preset: Mapped[str] = mapped_column(String(60))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # What the preview job read (header, resolved columns, first rows or the error); None
    # until it has run. The web request never parses the file.
    preview: Mapped[dict | None] = mapped_column(JSON)

    department = relationship("Department")


class LedgerImport(db.Model):
    """One imported file. The file's SHA-256 is unique: the same file is never imported twice."""

    __tablename__ = "ledger_import"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    preset: Mapped[str] = mapped_column(String(60))
    columns: Mapped[dict | None] = mapped_column(JSON)  # the mapping used (field -> header)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    grant_row_count: Mapped[int] = mapped_column(Integer, default=0)
    flagged_row_count: Mapped[int] = mapped_column(Integer, default=0)
    department_count: Mapped[int] = mapped_column(Integer, default=0)
    total_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    grant_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    grant_prefixes: Mapped[list | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(10), default="web")  # web | cli | demo
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # False while its rows are being written chunk by chunk (a crash leaves it False: the
    # next run of the same file continues it); readers take only complete imports.
    complete: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    department = relationship("Department")
    imported_by = relationship("User")

    def __str__(self) -> str:
        return f"Reskontraimport {self.filename} ({self.row_count} rader)"


class LedgerEntry(db.Model):
    """One ledger row as read: raw texts kept, the org.nr normalized when valid, else flagged.
    Not audited row by row (a file has up to a million rows): the import is."""

    __tablename__ = "ledger_entry"
    # One row per file row: a resumed import can never write a row twice.
    __table_args__ = (Index("ix_ledger_entry_import_row", "import_id", "row_number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("ledger_import.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    department_raw: Mapped[str] = mapped_column(String(300))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    payee_name: Mapped[str] = mapped_column(String(500))
    org_nr_raw: Mapped[str | None] = mapped_column(String(100))
    org_nr: Mapped[str | None] = mapped_column(String(13), index=True)
    org_nr_problem: Mapped[str | None] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    bank_account: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Money)
    booked_on: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date, index=True)  # booked_on or period
    account_text: Mapped[str | None] = mapped_column(String(300))
    account_code: Mapped[str | None] = mapped_column(String(20))
    purpose: Mapped[str | None] = mapped_column(Text)
    is_grant: Mapped[bool] = mapped_column(Boolean, default=False)

    ledger_import = relationship("LedgerImport")
    department = relationship("Department")

    @property
    def department_label(self) -> str:
        return self.department.name if self.department_id else self.department_raw


def in_complete_import():
    """A filter for LedgerEntry queries: rows of finished imports only (an import still being
    written chunk by chunk, or cut off and not yet continued, is left out)."""
    from sqlalchemy import select

    return LedgerEntry.import_id.in_(select(LedgerImport.id)
                                     .where(LedgerImport.complete.is_(True)))


# --- multi-department detection -----------------------------------------------------------

class DetectionRun(db.Model):
    __tablename__ = "detection_run"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    grants_only: Mapped[bool] = mapped_column(Boolean, default=False)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    payee_count: Mapped[int] = mapped_column(Integer, default=0)
    cluster_count: Mapped[int] = mapped_column(Integer, default=0)
    association_count: Mapped[int] = mapped_column(Integer, default=0)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    clusters: Mapped[list[DetectionCluster]] = relationship(
        back_populates="run", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        if self.period_start or self.period_end:
            return f"{self.period_start or '…'} – {self.period_end or '…'}"
        return "Alla perioder"

    def __str__(self) -> str:
        return f"Flerförvaltningskörning {self.label}"


class DetectionCluster(db.Model):
    """One payee (cluster of ledger rows) paid by two or more departments in a run."""

    __tablename__ = "detection_cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("detection_run.id"), index=True)
    cluster_key: Mapped[str] = mapped_column(String(400), index=True)
    canonical_name: Mapped[str] = mapped_column(String(500))
    resolved_org_nr: Mapped[str | None] = mapped_column(String(13), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    is_association: Mapped[bool] = mapped_column(Boolean, default=False)
    total: Mapped[Decimal] = mapped_column(Money)
    grant_total: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    department_count: Mapped[int] = mapped_column(Integer)
    row_count: Mapped[int] = mapped_column(Integer)
    departments: Mapped[list] = mapped_column(JSON)  # [{department, rows, amount, share}]
    names: Mapped[list] = mapped_column(JSON)
    org_numbers: Mapped[list] = mapped_column(JSON)
    accounts: Mapped[list] = mapped_column(JSON)
    purposes: Mapped[list] = mapped_column(JSON)
    explanation: Mapped[list] = mapped_column(JSON)
    double_funding: Mapped[bool] = mapped_column(Boolean, default=False)
    funding_reasons: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="new")
    change_reasons: Mapped[list] = mapped_column(JSON, default=list)

    run: Mapped[DetectionRun] = relationship(back_populates="clusters")
    organisation = relationship("Organisation")

    @property
    def status_label(self) -> str:
        return CLUSTER_STATUSES.get(self.status, self.status)

    @property
    def department_names(self) -> list[str]:
        return [d["department"] for d in self.departments]


class DetectionClusterEntry(db.Model):
    """Which ledger rows a stored cluster holds."""

    __tablename__ = "detection_cluster_entry"

    cluster_id: Mapped[int] = mapped_column(ForeignKey("detection_cluster.id"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"), primary_key=True,
                                          index=True)
    method: Mapped[str] = mapped_column(String(20))


class ClusterJudgement(db.Model):
    """A handler's judgement of a multi-department payee, keyed by the stable cluster key
    (``orgnr:NNNNNN-NNNN`` or ``namn:<normalized name>``), so it survives re-runs. Appended,
    never edited: the latest one per key counts. ``snapshot`` is what was judged (departments,
    accounts, amounts) and decides when something new re-raises the case."""

    __tablename__ = "cluster_judgement"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_key: Mapped[str] = mapped_column(String(400), index=True)
    canonical_name: Mapped[str] = mapped_column(String(500))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    verdict: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[dict] = mapped_column(JSON)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("detection_run.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    decided_by = relationship("User")

    @property
    def verdict_label(self) -> str:
        return VERDICTS.get(self.verdict, self.verdict)

    def __str__(self) -> str:
        return f"Bedömning '{self.verdict_label}' av {self.canonical_name}"
