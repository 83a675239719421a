"""The thin layer between the registries package and the supplier checks.

``fetch(session, user, requests)`` asks the registries for every (registry, subject) pair a
batch of checks needs, stores each answer as registry evidence (``registry_lookup``), and
returns :class:`suppliers.evidence.Evidence` items. ``translate`` maps the registries'
normalized records to the small fact types the rules read. Nothing here decides anything.

Fail closed: an exception from a registry (record-level or run-level) becomes evidence with
status ``error`` / ``unavailable`` for the subjects it concerned; it is never dropped, so the
rules cannot mistake a failed lookup for a clean answer.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy.orm import Session

from suppliers import evidence as ev

log = logging.getLogger(__name__)

REGISTRY_SOURCES = (ev.BOLAGSVERKET, ev.SKATTEVERKET, ev.KRONOFOGDEN, ev.SANCTIONS, ev.IVO)


@dataclass(frozen=True)
class LookupRequest:
    registry: str
    identifier: str  # organisationsnummer (companies); personnummer or name (persons)
    subject: str  # "org" or "person:<key_person_id>"
    subject_label: str
    name: str | None = None
    schema: str = "Company"  # Company | Person
    birth_date: date | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.registry, self.schema, self.identifier)


# --- translation: registry records -> facts ------------------------------------------------------

def _label(code) -> str | None:
    return None if code is None else (getattr(code, "label", None) or getattr(code, "code", None))


def _company(record) -> ev.CompanyStatus:
    reason = record.deregistration_reason
    return ev.CompanyStatus(
        orgnr=record.orgnr, name=record.name, active=record.active,
        deregistered_on=record.deregistration_date,
        deregistration_code=getattr(reason, "code", None), deregistration_label=_label(reason),
        proceedings=tuple(ev.Proceeding(code=p.code, label=p.label or p.code,
                                        from_date=p.from_date) for p in record.proceedings))


def _tax(record) -> ev.TaxStatus:
    return ev.TaxStatus(f_tax=record.f_tax, vat=record.vat, employer=record.employer,
                        document_date=record.document_date, note=record.note)


def _debt(record) -> ev.DebtStatus:
    return ev.DebtStatus(amount=record.amount, case_types=tuple(record.case_types),
                         document_date=record.document_date, note=record.note)


def _hit(record) -> ev.SanctionsHit:
    datasets = tuple(record.datasets)
    topics = tuple(record.topics)
    if getattr(record, "source", None) == "local-list" and not datasets:
        # The municipality's own list: an exclusion list unless it says sanction.
        datasets = ("local_exclusion",) if "sanction" not in topics else ("local_sanctions",)
    return ev.SanctionsHit(caption=record.caption, score=float(record.score),
                           match=bool(record.match), datasets=datasets, topics=topics,
                           entity_id=record.entity_id,
                           registration_numbers=tuple(record.registration_numbers),
                           listed_on=getattr(record, "listed_on", None))


def _permit(record) -> ev.Permit:
    return ev.Permit(activity=record.activity, status=record.status,
                     decision_date=record.decision_date, reference=record.diarienummer)


TRANSLATORS = {ev.BOLAGSVERKET: _company, ev.SKATTEVERKET: _tax, ev.KRONOFOGDEN: _debt,
               ev.SANCTIONS: _hit, ev.IVO: _permit}


def translate(result, request: LookupRequest, *, ref: str | None = None,
              raw_hash: str | None = None) -> ev.Evidence:
    """A ``registries.base.RegistryResult`` as evidence about ``request.subject``."""
    status = result.status
    facts: tuple = ()
    message = result.message
    try:
        facts = tuple(TRANSLATORS[request.registry](r) for r in result.records)
    except Exception as exc:  # a record the translation does not understand: fail closed
        log.exception("could not translate %s result for %s", request.registry, request.subject)
        status, facts = ev.ERROR, ()
        message = f"Svaret kunde inte tolkas ({type(exc).__name__})."
    query = getattr(result, "query", None)
    return ev.Evidence(
        source=request.registry, subject=request.subject, subject_label=request.subject_label,
        status=status, retrieved_at=result.retrieved_at,
        document_date=getattr(result, "document_date", None), facts=facts,
        missing_parts=tuple(getattr(result, "missing", ()) or ()), message=message, ref=ref,
        origin=getattr(result, "source", None),
        query=", ".join(f"{k}={v}" for k, v in query.items()) if isinstance(query, dict) else None,
        raw_hash=raw_hash)


def failure(request: LookupRequest, status: str, message: str) -> ev.Evidence:
    return ev.Evidence(source=request.registry, subject=request.subject,
                       subject_label=request.subject_label, status=status, message=message,
                       retrieved_at=datetime.now(UTC),
                       query=f"{request.schema} {request.identifier}")


# --- fetching --------------------------------------------------------------------------------

def concurrency() -> int | None:
    """SUPPLIERS_CHECK_CONCURRENCY, or None for the registries' own REGISTRY_CONCURRENCY."""
    value = current_app.config.get("SUPPLIERS_CHECK_CONCURRENCY")
    return max(1, int(value)) if value else None


def fetch(session: Session, user, requests: Iterable[LookupRequest]) -> dict[tuple, ev.Evidence]:
    """Evidence for every request, keyed by ``(registry, subject, identifier)``; identical
    questions (the same person on two boards) are asked once."""
    unique: dict[tuple, LookupRequest] = {}
    by_request: dict[LookupRequest, tuple] = {}
    for req in requests:
        unique.setdefault(req.key, req)
        by_request[req] = req.key
    answers: dict[tuple, ev.Evidence] = {}
    for registry in REGISTRY_SOURCES:
        batch = [r for r in unique.values() if r.registry == registry]
        if batch:
            answers.update(_fetch_registry(session, user, registry, batch))
    out = {}
    for req, key in by_request.items():
        base = answers[key]
        out[(req.registry, req.subject, req.identifier)] = base if base.subject == req.subject \
            else _for_subject(base, req)
    return out


def pooled_registries() -> frozenset[str]:
    """The registries whose calls the screening pipeline (``suppliers.pipeline``) runs on its
    worker threads: the HTTP ones (thread-safe adapters, no database access). Files, manual
    answers and offline data are read on the session's thread through ``_fetch_registry``."""
    if current_app.config.get("REGISTRY_MODE") != "http":
        return frozenset()
    return frozenset({ev.BOLAGSVERKET, ev.SANCTIONS})


def could_not_ask(requests: Iterable[LookupRequest], exc: Exception) -> dict[tuple, ev.Evidence]:
    """Fail closed: every request of a lookup that raised is "could not be checked"."""
    status = ev.UNAVAILABLE if exc.__class__.__name__ in ("RunAbort",
                                                          "CredentialsRejected") else ev.ERROR
    return {r.key: failure(r, status, f"Registret kunde inte frågas "
                                      f"({type(exc).__name__}: {str(exc)[:200]}).")
            for r in requests}


def persons_not_asked(requests: Iterable[LookupRequest], exc: Exception) -> dict[tuple, ev.Evidence]:
    return {req.key: failure(req, ev.ERROR, f"Personkontrollen misslyckades "
                                            f"({type(exc).__name__}).") for req in requests}


def _for_subject(item: ev.Evidence, req: LookupRequest) -> ev.Evidence:
    from dataclasses import replace
    return replace(item, subject=req.subject, subject_label=req.subject_label)


def _fetch_registry(session: Session, user, registry: str,
                    batch: list[LookupRequest]) -> dict[tuple, ev.Evidence]:
    """One registry's part through ``registries.services.batch_lookup`` (which stores every
    answer as ``registry_lookup`` evidence, reuses recent conclusive answers, runs HTTP
    lookups concurrently and turns a run-level abort into ``unavailable`` results)."""
    from registries import services

    out: dict[tuple, ev.Evidence] = {}
    persons = [r for r in batch if r.schema == "Person"]
    if persons:
        out.update(_person_lookups(session, user, persons))
    companies = [r for r in batch if r.schema != "Person"]
    if not companies:
        return out
    try:
        rows = services.batch_lookup(
            session, user, registry, [r.identifier for r in companies],
            names={r.identifier: r.name for r in companies if r.name},
            concurrency=concurrency())
    except Exception as exc:  # noqa: BLE001 - any failure is "could not be checked"
        log.exception("registry %s failed", registry)
        return out | could_not_ask(companies, exc)
    for req, row in zip(companies, rows):
        out[req.key] = translate(row, req, ref=f"registry_lookup:{row.id}",
                                 raw_hash=row.raw_sha256)
    return out


def _person_lookups(session: Session, user, batch: list[LookupRequest]) -> dict[tuple, ev.Evidence]:
    """Sanctions screening of representatives: ``registries.services.batch_person_lookup``
    when the registries offer it (``(session, user, [(name, birth_date)], concurrency=...)
    -> [StoredLookup]`` in order), otherwise ``person_lookup`` one person after another with
    the adapter built once for the batch."""
    from registries import services

    batch_lookup = getattr(services, "batch_person_lookup", None)
    if batch_lookup is not None:  # one call for all persons (yente: 100 queries per request)
        try:
            rows = batch_lookup(session, user, [(r.name or r.identifier, r.birth_date)
                                                for r in batch], concurrency=concurrency())
        except Exception as exc:  # noqa: BLE001 - never a clean answer
            log.exception("batch person lookup failed")
            return persons_not_asked(batch, exc)
        return {req.key: translate(row, req, ref=f"registry_lookup:{row.id}",
                                   raw_hash=row.raw_sha256) for req, row in zip(batch, rows)}
    person_lookup = getattr(services, "person_lookup", None)
    if person_lookup is None:
        return {req.key: failure(req, ev.UNAVAILABLE, "Sanktionskontroll av personer stöds "
                                                      "ännu inte av registertjänsten.")
                for req in batch}
    try:
        from registries.adapters import build_adapter
        adapter = build_adapter(session, ev.SANCTIONS)
    except Exception as exc:  # noqa: BLE001
        return {req.key: failure(req, ev.ERROR, f"Sanktionstjänsten kunde inte nås "
                                                f"({type(exc).__name__}).") for req in batch}
    out = {}
    for req in batch:
        try:
            row = person_lookup(session, user, req.name or req.identifier,
                                birth_date=req.birth_date, adapter=adapter)
        except Exception as exc:  # noqa: BLE001 - never a clean answer
            log.exception("person lookup failed")
            out[req.key] = failure(req, ev.ERROR, f"Personkontrollen misslyckades "
                                                  f"({type(exc).__name__}).")
            continue
        out[req.key] = translate(row, req, ref=f"registry_lookup:{row.id}",
                                 raw_hash=row.raw_sha256)
    return out
