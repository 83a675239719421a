"""The service API of the registries (plain functions; they flush, never commit).

    lookup(session, user, "bolagsverket", "556901-2346") -> StoredLookup
    batch_lookup(session, user, "sanctions", ["556901-2346", ...], concurrency=8) -> [StoredLookup]
    latest_results(session, organisation) -> {"bolagsverket": StoredLookup, ...}

Every lookup is stored as evidence. A run-level failure (credentials rejected, the service
keeps failing) stops a batch; what was not looked up is stored as ``unavailable``.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oversight import identifiers
from oversight.db import utcnow
from oversight.organisations.models import Organisation
from registries.adapters import build_adapter, per_registry
from registries.base import (
    CONCLUSIVE, REGISTRIES, UNAVAILABLE, RegistryResult, RunAbort, failed,
)
from registries.models import RegistryLookup, StoredLookup
from registries.store import organisations_by_orgnr, store_results

Progress = Callable[[int, int | None, str | None], None]
log = logging.getLogger(__name__)


class RegistryInputError(ValueError):
    """Bad input from a user (Swedish message)."""


def normalize_identifier(identifier: str) -> str:
    result = identifiers.validate("orgnr", identifier)
    if not result.valid:
        raise RegistryInputError(f"Ogiltigt organisationsnummer {identifier!r}: {result.error}")
    return result.normalized


def _check_registry(registry: str) -> None:
    if registry not in REGISTRIES:
        raise RegistryInputError(f"Okänt register: {registry}")


def _cached(session: Session, registry: str, orgnrs: list[str]) -> dict[str, StoredLookup]:
    max_age = per_registry(current_app.config, "REGISTRY_CACHE_MAX_AGE", registry, 0)
    if not max_age or not orgnrs:
        return {}
    since = utcnow() - timedelta(seconds=float(max_age))
    found: dict[str, StoredLookup] = {}
    for start in range(0, len(orgnrs), 500):
        rows = session.scalars(select(RegistryLookup).where(
            RegistryLookup.registry == registry, RegistryLookup.identifier.in_(orgnrs[start:start + 500]),
            RegistryLookup.status.in_(CONCLUSIVE), RegistryLookup.retrieved_at >= since,
        ).order_by(RegistryLookup.id.desc()))
        for row in rows:
            found.setdefault(row.identifier, row)
    return found


def lookup(session: Session, user, registry: str, identifier: str, *, name: str | None = None,
           use_cache: bool = True, adapter=None) -> StoredLookup:
    """Look one identifier up in one registry and store the evidence (or reuse a recent
    conclusive answer when ``use_cache`` and the registry's cache max-age allow)."""
    return batch_lookup(session, user, registry, [identifier], names={identifier: name} if name else None,
                        use_cache=use_cache, adapter=adapter, concurrency=1)[0]


def batch_lookup(session: Session, user, registry: str, identifiers_: list[str], *,
                 names: dict[str, str] | None = None, concurrency: int | None = None, use_cache: bool = True,
                 progress: Progress | None = None, adapter=None) -> list[StoredLookup]:
    """Look many identifiers up (threads for HTTP registries; yente in batches of 100).
    Returns one stored lookup per identifier, in the order given."""
    _check_registry(registry)
    config = current_app.config
    normalized = [normalize_identifier(i) for i in identifiers_]
    names = {normalize_identifier(k): v for k, v in (names or {}).items() if v}
    wanted = list(dict.fromkeys(normalized))
    known = organisations_by_orgnr(session, wanted)
    cached = _cached(session, registry, wanted) if use_cache else {}
    todo = [(orgnr, names.get(orgnr) or (known.get(orgnr) or (None, None))[1])
            for orgnr in wanted if orgnr not in cached]
    stored: dict[str, StoredLookup] = dict(cached)
    if todo:
        adapter = adapter or build_adapter(session, registry)
        results = run_batch(adapter, todo, concurrency=concurrency or int(config["REGISTRY_CONCURRENCY"]),
                            abort_after=int(config["REGISTRY_ABORT_AFTER_FAILURES"]), progress=progress)
        rows = store_results(session, user, results, {k: v[0] for k, v in known.items()})
        stored.update({row.identifier: row for row in rows})
    return [stored[orgnr] for orgnr in normalized]


def run_batch(adapter, queries: list[tuple[str, str | None]], *, concurrency: int = 4, abort_after: int = 5,
              progress: Progress | None = None, batch_size: int = 100) -> list[RegistryResult]:
    """Run lookups (no database access for thread-safe adapters). Stops the run on
    :class:`RunAbort` or after ``abort_after`` consecutive ``unavailable`` results; what was
    not looked up comes back ``unavailable`` with the reason."""
    many = getattr(adapter, "lookup_many", None)
    units = ([queries[i:i + batch_size] for i in range(0, len(queries), batch_size)] if many
             else [[q] for q in queries])

    def run(unit):
        return many(unit) if many else [adapter.lookup(unit[0][0], name=unit[0][1])]

    results: dict[str, RegistryResult] = {}
    state = {"streak": 0, "abort": None}

    def collect(outcome: Callable[[], list[RegistryResult]]) -> None:
        try:
            unit_results = outcome()
        except RunAbort as exc:
            state["abort"] = state["abort"] or str(exc)
            return
        except Exception as exc:  # a bug must stop the run, never read as "checked"
            log.exception("registry lookup failed")
            state["abort"] = state["abort"] or f"oväntat fel ({type(exc).__name__})"
            return
        for result in unit_results:
            results[result.identifier] = result
            state["streak"] = state["streak"] + 1 if result.status == UNAVAILABLE else 0
        if abort_after and state["streak"] >= abort_after and state["abort"] is None:
            state["abort"] = f"{state['streak']} anrop i rad kunde inte genomföras"
        if progress:
            progress(len(results), len(queries), f"{len(results)} av {len(queries)} klara")

    if concurrency <= 1 or not getattr(adapter, "thread_safe", False) or len(units) == 1:
        for unit in units:
            if state["abort"]:
                break
            collect(lambda: run(unit))
    else:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            futures = [pool.submit(run, unit) for unit in units]
            for future in as_completed(futures):
                collect(future.result)
                if state["abort"]:
                    for other in futures:
                        other.cancel()
    name = getattr(adapter, "name", "register")
    out = []
    for orgnr, _ in queries:
        result = results.get(orgnr)
        if result is None:
            result = failed(name, orgnr, UNAVAILABLE, "körning avbruten",
                            f"Körningen avbröts innan organisationen kontrollerades: {state['abort']}.")
        out.append(result)
    return out


def person_lookup(session: Session, user, name: str, *, birth_date=None, use_cache: bool = True,
                  adapter=None) -> StoredLookup:
    """Sanctions and debarment screening of a person (a representative of a supplier) by name
    and, when known, birth date. Stored under ``person:<birth date>:<name>``."""
    name = " ".join((name or "").split())
    if not name:
        raise RegistryInputError("Ange personens namn.")
    identifier = f"person:{birth_date or ''}:{name}"[:40]
    cached = _cached(session, "sanctions", [identifier]) if use_cache else {}
    if identifier in cached:
        return cached[identifier]
    adapter = adapter or build_adapter(session, "sanctions")
    try:
        result = adapter.lookup_person(identifier, name, birth_date)
    except RunAbort as exc:
        result = failed("sanctions", identifier, UNAVAILABLE, "körning avbruten", str(exc))
    return store_results(session, user, [result], {})[0]


def latest_results(session: Session, organisation: Organisation) -> dict[str, StoredLookup]:
    """The latest stored lookup per registry for an organisation (any status)."""
    ids = select(func.max(RegistryLookup.id)).where(
        RegistryLookup.identifier == organisation.orgnr).group_by(RegistryLookup.registry)
    rows = session.scalars(select(RegistryLookup).where(RegistryLookup.id.in_(ids)))
    return {row.registry: row for row in rows}


def lookups_for(session: Session, identifier: str, registry: str | None = None, limit: int = 50) -> list[StoredLookup]:
    stmt = select(RegistryLookup).where(RegistryLookup.identifier == identifier)
    if registry:
        stmt = stmt.where(RegistryLookup.registry == registry)
    return list(session.scalars(stmt.order_by(RegistryLookup.id.desc()).limit(limit)))


# --- manual answers and imported files ------------------------------------------------------------

def enter_manual_answer(session: Session, user, kind: str, row: dict, filename: str, data: bytes,
                        document_date) -> StoredLookup:
    """Store the document, the answer it carries, and the lookup that now reads it.
    Raises ValueError (DocumentError, RegistryInputError) with a Swedish message."""
    from registries.documents import store_document
    from registries.filed import record_manual

    max_bytes = int(current_app.config["REGISTRY_DOCUMENT_MAX_MB"]) * 1024 * 1024
    document = store_document(session, user, filename, data, document_date, max_bytes)
    try:
        record = record_manual(session, user, kind, row, document.id, document_date)
    except ValueError as exc:
        raise RegistryInputError(str(exc)[:1].upper() + str(exc)[1:] + ".") from None
    return lookup(session, user, kind, record.identifier, use_cache=False)


def import_registry_file(session: Session, user, kind: str, filename: str, *, data: bytes | None = None,
                         path: str | None = None, data_date=None, progress: Progress | None = None):
    """Import one file of ``kind`` (see README: import formats). Small files are all or
    nothing (ImportRejected lists every bad line); the Bolagsverket bulk file keeps the good
    lines and reports the rejected ones with line numbers."""
    from registries import bolagsverket_bulk, filed

    if kind == bolagsverket_bulk.KIND:
        if path is None:
            raise RegistryInputError("Bulkfilen importeras från kommandoraden: flask registries import "
                                     "bolagsverket-bulk FIL.zip")
        return bolagsverket_bulk.import_file(
            session, user, path, filename=filename, data_date=data_date,
            chunk_size=int(current_app.config["REGISTRY_BULK_CHUNK_ROWS"]), progress=progress)
    if kind not in filed.KINDS:
        raise RegistryInputError(f"Okänd filtyp: {kind}")
    if data is None:
        with open(path, "rb") as handle:
            data = handle.read()
    return filed.import_records(session, user, kind, filename, data, data_date)


IMPORT_KINDS = ("bolagsverket-bulk", "skatteverket", "kronofogden", "ivo", "sanctions-list")


# --- status ---------------------------------------------------------------------------------------

def registry_status(session: Session, *, ping: bool = False, days: int = 7) -> list[dict]:
    """Per registry: mode, configured, reachable (HTTP only, when ``ping``), last success and
    the share of lookups in the last ``days`` days that could not give a conclusive answer."""
    config = current_app.config
    since = utcnow() - timedelta(days=days)
    counts = session.execute(select(RegistryLookup.registry, RegistryLookup.status, func.count()).where(
        RegistryLookup.retrieved_at >= since).group_by(RegistryLookup.registry, RegistryLookup.status)).all()
    last = dict(session.execute(select(RegistryLookup.registry, func.max(RegistryLookup.retrieved_at)).where(
        RegistryLookup.status.in_(CONCLUSIVE)).group_by(RegistryLookup.registry)).all())
    out = []
    for registry in REGISTRIES:
        total = sum(n for r, _, n in counts if r == registry)
        bad = sum(n for r, s, n in counts if r == registry and s not in CONCLUSIVE)
        mode, configured = _configuration(session, registry, config)
        reachable = None
        if ping and mode == "http":
            adapter = build_adapter(session, registry)
            target = adapter.primary if registry == "sanctions" else adapter
            reachable = target.ping()
        out.append({"registry": registry, "mode": mode, "configured": configured, "reachable": reachable,
                    "last_success": last.get(registry), "lookups": total,
                    "error_rate": (bad / total) if total else None})
    return out


def _configuration(session: Session, registry: str, config) -> tuple[str, str]:
    from registries.models import RegistryImport, RegistryRecord

    if registry in ("skatteverket", "kronofogden", "ivo"):
        n = session.scalar(select(func.count()).select_from(RegistryRecord).where(RegistryRecord.registry == registry))
        return "fil/manuell", f"{n} besked registrerade"
    http = config["REGISTRY_MODE"] == "http"
    if registry == "bolagsverket":
        if http:
            ok = bool(config["BOLAGSVERKET_CLIENT_ID"] and config["BOLAGSVERKET_CLIENT_SECRET"])
            return "http", "klientuppgifter finns" if ok else "klientuppgifter saknas"
        latest = session.scalar(select(RegistryImport).where(RegistryImport.kind == "bolagsverket-bulk",
                                                             RegistryImport.status == "done").order_by(
            RegistryImport.id.desc()).limit(1))
        return "offline", (f"bulkfil importerad {latest.data_date} ({latest.rows_total} rader)" if latest
                           else "ingen bulkfil importerad: endast exempeldata")
    n = session.scalar(select(func.count()).select_from(RegistryRecord).where(RegistryRecord.registry == "sanctions-list"))
    if http:
        return "http", f"yente {config['YENTE_URL']} ({config['YENTE_DATASET']}), lokal lista {n} poster"
    return "offline", f"endast exempeldata, lokal lista {n} poster"
