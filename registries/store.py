"""Storing evidence: blobs (stored once by SHA-256) and ``registry_lookup`` rows.

Reusable by every module that checks something against a registry (the bank-account holder
answers included): build a :class:`registries.base.RegistryResult` and call
:func:`store_result`; it returns the stored row (``StoredLookup``) to link from the finding.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.db import utcnow
from oversight.organisations.models import Organisation
from registries.base import RegistryResult
from registries.models import RegistryBlob, RegistryLookup


def dialect_insert(session: Session, table):
    """``INSERT`` with ``on_conflict_do_*`` for the session's database (SQLite/PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(session: Session, data: bytes, content_type: str) -> str:
    """Store ``data`` once; return its SHA-256. Safe when two processes store the same body."""
    digest = sha256_hex(data)
    stmt = dialect_insert(session, RegistryBlob.__table__).values(
        sha256=digest, content_type=(content_type or "application/octet-stream")[:100],
        size=len(data), data=data)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["sha256"]))
    return digest


def _put_blobs(session: Session, results: list[RegistryResult]) -> dict[int, str]:
    """Store the raw answers of ``results`` (each body once, in one statement);
    ``{id(raw): sha256}`` (a yente batch may share one body between its results)."""
    digests: dict[int, str] = {}
    blobs: dict[str, dict] = {}
    for result in results:
        if result.raw is None or id(result.raw) in digests:
            continue
        digest = digests[id(result.raw)] = sha256_hex(result.raw)
        blobs.setdefault(digest, dict(
            sha256=digest, content_type=(result.raw_content_type or "application/octet-stream")[:100],
            size=len(result.raw), data=result.raw, created_at=utcnow()))
    if blobs:
        stmt = dialect_insert(session, RegistryBlob.__table__)
        session.execute(stmt.on_conflict_do_nothing(index_elements=["sha256"]), list(blobs.values()))
    return digests


def blob_data(session: Session, digest: str | None) -> bytes | None:
    if not digest:
        return None
    return session.scalar(select(RegistryBlob.data).where(RegistryBlob.sha256 == digest))


def organisations_by_orgnr(session: Session, orgnrs: Iterable[str]) -> dict[str, tuple[int, str]]:
    """{orgnr: (organisation id, name)} for the numbers the register has."""
    wanted = sorted({o for o in orgnrs if o})
    out = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(select(Organisation.orgnr, Organisation.id, Organisation.name).where(
            Organisation.orgnr.in_(wanted[start:start + 500])))
        out.update({orgnr: (org_id, name) for orgnr, org_id, name in rows})
    return out


def store_results(session: Session, user, results: list[RegistryResult],
                  organisation_ids: dict[str, int] | None = None) -> list[RegistryLookup]:
    """Store many results in one flush; each gets its organisation when the register has it."""
    if organisation_ids is None:
        organisation_ids = {k: v[0] for k, v in organisations_by_orgnr(
            session, (r.identifier for r in results)).items()}
    rows, digests = [], _put_blobs(session, results)
    for result in results:
        digest = digests.get(id(result.raw)) if result.raw is not None else None
        rows.append(RegistryLookup(
            registry=result.registry, identifier=result.identifier[:40],
            organisation_id=organisation_ids.get(result.identifier), status=result.status,
            source=result.source, retrieved_at=result.retrieved_at, document_date=result.document_date,
            request_id=result.request_id, query=dict(result.query or {}),
            normalized=result.normalized(), message=result.message, raw_sha256=digest,
            http_status=result.http_status, duration_ms=result.duration_ms,
            document_id=result.document_id, user_id=getattr(user, "id", None),
            department_id=getattr(user, "department_id", None)))
    session.add_all(rows)
    session.flush()
    return rows


def store_result(session: Session, user, result: RegistryResult,
                 organisation: Organisation | None = None) -> RegistryLookup:
    ids = {result.identifier: organisation.id} if organisation is not None else None
    return store_results(session, user, [result], ids)[0]
