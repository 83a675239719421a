"""Evidence tables of the registries.

* ``registry_lookup``: every lookup: who, when, query, status, source, normalized JSON, and
  the SHA-256 of the raw answer, whose body is stored once in ``registry_blob``.
* ``registry_document``: documents attached to manual entries (PDF/images), body in the blob.
* ``registry_record``: answers that arrive as files or by hand (Skatteverket, Kronofogden,
  IVO, the local sanctions list): append-only, deduplicated by a hash of their content.
* ``registry_import``: one row per imported file, with counts and rejected lines.
* ``bolagsverket_bulk``: the local copy of Bolagsverket's bulk file (one row per
  organisation and namnskyddslöpnummer, raw line kept as evidence).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oversight.db import utcnow
from oversight.extensions import db
from oversight.identifiers import mask_personnummer
from registries.base import CONCLUSIVE, REGISTRY_LABELS, STATUS_LABELS
from registries.normalized import records_of
from registries.verdicts import answer_day, freshness


class RegistryBlob(db.Model):
    """A body stored once, addressed by its SHA-256 (raw answers, attached documents)."""

    __tablename__ = "registry_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RegistryDocument(db.Model):
    __tablename__ = "registry_document"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("registry_blob.sha256"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    document_date: Mapped[date | None] = mapped_column(Date)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    uploaded_by = relationship("User")

    def __str__(self) -> str:
        return f"Dokument {self.filename} ({self.document_date})"


class RegistryImport(db.Model):
    __tablename__ = "registry_import"
    __audited__ = True
    __audit_exclude__ = {"rejected_rows", "header"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    data_date: Mapped[date | None] = mapped_column(Date)  # the date the file's data refers to
    status: Mapped[str] = mapped_column(String(10), default="running")  # running|done|failed
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    rejected_rows: Mapped[list | None] = mapped_column(JSON)  # [{"line": n, "error": "..."}], capped
    header: Mapped[list | None] = mapped_column(JSON)  # bulk file: its column order
    message: Mapped[str | None] = mapped_column(Text)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    imported_by = relationship("User")

    def __str__(self) -> str:
        return f"Import av {self.kind}: {self.filename}"


class RegistryRecord(db.Model):
    """One answer received as a file row or entered by hand; never updated in place."""

    __tablename__ = "registry_record"
    __audited__ = True
    __table_args__ = (UniqueConstraint("registry", "row_hash"),
                      Index("ix_registry_record_lookup", "registry", "identifier"))

    id: Mapped[int] = mapped_column(primary_key=True)
    registry: Mapped[str] = mapped_column(String(30))  # skatteverket|kronofogden|ivo|sanctions-list
    identifier: Mapped[str] = mapped_column(String(40))  # normalized orgnr ("" for name-only rows)
    name: Mapped[str | None] = mapped_column(String(300))
    data: Mapped[dict] = mapped_column(JSON)  # the normalized record (registries.normalized)
    document_date: Mapped[date | None] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(String(10))  # import | manual
    line: Mapped[int | None] = mapped_column(Integer)  # line in the imported file
    row_hash: Mapped[str] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_import.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("registry_document.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document = relationship(RegistryDocument)

    def __str__(self) -> str:
        return f"Besked ({self.origin}) från {self.registry} om {mask_personnummer(self.identifier)}"


class RegistryLookup(db.Model):
    """The stored evidence of one lookup (``StoredLookup`` in the service API)."""

    __tablename__ = "registry_lookup"
    __audited__ = True
    __table_args__ = (Index("ix_registry_lookup_latest", "registry", "identifier", "retrieved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registry: Mapped[str] = mapped_column(String(30))
    identifier: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    source: Mapped[str] = mapped_column(String(40))
    retrieved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    document_date: Mapped[date | None] = mapped_column(Date)
    request_id: Mapped[str | None] = mapped_column(String(100))
    query: Mapped[dict | None] = mapped_column(JSON)
    normalized: Mapped[dict | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("registry_blob.sha256"))
    http_status: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("registry_document.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    department_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User")
    organisation = relationship("Organisation")
    document = relationship(RegistryDocument)

    # A person lookup (who screened whom) is personal data: its audit entries are of their own
    # type and belong to the department that made it (oversight/admin: the audit page).
    __audit_personal_types__ = ("registry_person_lookup",)

    def __str__(self) -> str:
        if self.audit_personal:
            return f"Uppslag i {self.registry_label} om en person: {self.status_label}"
        return f"Uppslag i {self.registry_label} om {mask_personnummer(self.identifier)}: {self.status_label}"

    @property
    def audit_personal(self) -> bool:
        return (self.identifier or "").startswith("person:")

    @property
    def audit_entity_type(self) -> str:
        return "registry_person_lookup" if self.audit_personal else "registry_lookup"

    @property
    def registry_label(self) -> str:
        return REGISTRY_LABELS.get(self.registry, self.registry)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def conclusive(self) -> bool:
        return self.status in CONCLUSIVE

    @property
    def records(self) -> tuple:
        return records_of(self.registry, self.normalized)

    @property
    def missing(self) -> list[str]:
        return list((self.normalized or {}).get("missing") or [])

    @property
    def evidence_date(self) -> date:
        """What the answer's age is measured from: the document's date, else retrieval."""
        return answer_day(self.document_date, self.retrieved_at)

    def is_stale(self, max_age_days: int | None, today: date | None = None) -> bool:
        """The one age rule (``registries.verdicts.freshness``; None: no limit)."""
        return freshness(self.evidence_date, today or date.today(), max_age_days).stale


StoredLookup = RegistryLookup


class BolagsverketBulkRow(db.Model):
    __tablename__ = "bolagsverket_bulk"
    __table_args__ = (UniqueConstraint("identity", "namnskydd"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(String(12))  # digits: orgnr (10) or personnummer (12)
    namnskydd: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str | None] = mapped_column(String(300))
    raw: Mapped[str] = mapped_column(Text)  # the line as it stood in the file
    row_hash: Mapped[str] = mapped_column(String(32))
    import_id: Mapped[int] = mapped_column(ForeignKey("registry_import.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
