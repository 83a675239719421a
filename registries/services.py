"""The service API of the registries (plain functions; they flush, never commit).

    lookup(session, user, "bolagsverket", "556901-2346") -> StoredLookup
    batch_lookup(session, user, "sanctions", ["556901-2346", ...], concurrency=8) -> [StoredLookup]
    person_lookup(session, user, "Anna Andersson", birth_date=date(1982, 12, 30)) -> StoredLookup
    batch_person_lookup(session, user, [("Anna Andersson", date(1982, 12, 30)), ("Bo Berg", None)])
        -> [StoredLookup]  (in order; yente answers 100 persons per call)
    latest_results(session, organisation) -> {"bolagsverket": StoredLookup, ...}

Every lookup is stored as evidence. A run-level failure (credentials rejected, the service
keeps failing) stops a batch; what was not looked up is stored as ``unavailable``.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import abort, current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from oversight import identifiers
from oversight.db import utcnow
from oversight.jobs import Progress
from oversight.labels import Labels, _l
from oversight.organisations.models import Organisation
from oversight.scoping import owner_condition
from registries.adapters import build_adapter, per_registry
from registries.base import CONCLUSIVE, REGISTRIES, RegistryResult, parse_date
from registries.batch import run_batch
from registries.models import RegistryLookup, StoredLookup
from registries.store import organisations_by_orgnr, store_results

log = logging.getLogger(__name__)


class RegistryInputError(ValueError):
    """Bad input from a user (Swedish message)."""


def normalize_identifier(identifier: str) -> str:
    result = identifiers.validate("orgnr", identifier)
    if not result.valid:
        raise RegistryInputError(_("Ogiltigt organisationsnummer %(identifier)r: %(error)s",
                                   identifier=identifier, error=result.error))
    return result.normalized


def _check_registry(registry: str) -> None:
    if registry not in REGISTRIES:
        raise RegistryInputError(_("Okänt register: %(registry)s", registry=registry))


def _cached(session: Session, registry: str, orgnrs: list[str], user=None) -> dict[str, StoredLookup]:
    """Recent conclusive answers to reuse; with ``user`` only those the user may read (a person
    lookup of another department is not reused: its evidence would be out of the user's reach)."""
    max_age = per_registry(current_app.config, "REGISTRY_CACHE_MAX_AGE", registry, 0)
    if not max_age or not orgnrs:
        return {}
    since = utcnow() - timedelta(seconds=float(max_age))
    found: dict[str, StoredLookup] = {}
    for start in range(0, len(orgnrs), 500):
        stmt = select(RegistryLookup).where(
            RegistryLookup.registry == registry, RegistryLookup.identifier.in_(orgnrs[start:start + 500]),
            RegistryLookup.status.in_(CONCLUSIVE), RegistryLookup.retrieved_at >= since)
        if user is not None:
            stmt = visible_lookups(stmt, user)
        rows = session.scalars(stmt.order_by(RegistryLookup.id.desc()))
        for row in rows:
            found.setdefault(row.identifier, row)
    return found


def lookup(session: Session, user, registry: str, identifier: str, *, name: str | None = None,
           use_cache: bool = True, adapter=None) -> StoredLookup:
    """Look one identifier up in one registry and store the evidence (or reuse a recent
    conclusive answer when ``use_cache`` and the registry's cache max-age allow)."""
    return batch_lookup(session, user, registry, [identifier], names={identifier: name} if name else None,
                        use_cache=use_cache, adapter=adapter, concurrency=1)[0]


@dataclass
class Prepared:
    """One run of lookups made ready on the session's thread: the identifiers in the order
    given (``keys``), the recent conclusive answers reused (``cached``), what must still be
    asked (``queries``, ``(identifier, name)`` each) and how (``adapter``, ``batch_size``,
    ``subject``). Run ``queries`` with :func:`run_batch` (or the supplier screening's pool),
    then :meth:`store` the results on the session's thread."""

    registry: str
    keys: list[str]
    cached: dict[str, StoredLookup]
    queries: list[tuple[str, str | None]]
    adapter: object = None
    batch_size: int = 100
    subject: str | None = None
    organisation_ids: dict[str, int] = field(default_factory=dict)

    def store(self, session: Session, user, results: list[RegistryResult]) -> list[StoredLookup]:
        return store_results(session, user, results, self.organisation_ids)


def prepare_lookup(session: Session, user, registry: str, identifiers_: list[str], *,
                   names: dict[str, str] | None = None, use_cache: bool = True,
                   adapter=None) -> Prepared:
    """The first half of :func:`batch_lookup`. Raises RegistryInputError for a bad number."""
    _check_registry(registry)
    normalized = [normalize_identifier(i) for i in identifiers_]
    names = {normalize_identifier(k): v for k, v in (names or {}).items() if v}
    wanted = list(dict.fromkeys(normalized))
    known = organisations_by_orgnr(session, wanted)
    cached = _cached(session, registry, wanted) if use_cache else {}
    todo = [(orgnr, names.get(orgnr) or (known.get(orgnr) or (None, None))[1])
            for orgnr in wanted if orgnr not in cached]
    if todo:
        adapter = adapter or build_adapter(session, registry)
        if hasattr(adapter, "prefetch"):  # a database-bound adapter: one read for the batch
            adapter.prefetch([orgnr for orgnr, _name in todo])
    return Prepared(registry, normalized, cached, todo, adapter=adapter,
                    organisation_ids={k: v[0] for k, v in known.items()})


def batch_lookup(session: Session, user, registry: str, identifiers_: list[str], *,
                 names: dict[str, str] | None = None, concurrency: int | None = None, use_cache: bool = True,
                 progress: Progress | None = None, adapter=None) -> list[StoredLookup]:
    """Look many identifiers up (threads for HTTP registries; yente in batches of 100).
    Returns one stored lookup per identifier, in the order given."""
    prepared = prepare_lookup(session, user, registry, identifiers_, names=names,
                              use_cache=use_cache, adapter=adapter)
    return _run_prepared(session, user, prepared, concurrency, progress)


def _run_prepared(session: Session, user, prepared: Prepared, concurrency: int | None,
                  progress: Progress | None) -> list[StoredLookup]:
    config = current_app.config
    stored: dict[str, StoredLookup] = dict(prepared.cached)
    if prepared.queries:
        results = run_batch(prepared.adapter, prepared.queries,
                            concurrency=concurrency or int(config["REGISTRY_CONCURRENCY"]),
                            abort_after=int(config["REGISTRY_ABORT_AFTER_FAILURES"]),
                            progress=progress, batch_size=prepared.batch_size,
                            subject=prepared.subject)
        stored.update({row.identifier: row for row in prepared.store(session, user, results)})
    elif progress:
        done = len(set(prepared.keys))
        progress(done, done, _("%(done)s av %(total)s klara", done=done, total=done))
    return [stored[key] for key in prepared.keys]


PERSON_PREFIX = "person:"


def person_identifier(name: str, birth_date: date | None = None) -> str:
    """The ``registry_lookup.identifier`` a person's screening is stored (and cached) under:
    ``person:<birth date>:<name>`` (name with whitespace collapsed), at most 40 characters; a
    longer one keeps its first 31 characters and a hash of the whole, so two long names that
    begin alike are never taken for the same person."""
    full = f"{PERSON_PREFIX}{birth_date.isoformat() if birth_date else ''}:{name}"
    if len(full) <= 40:
        return full
    return full[:31] + "~" + hashlib.sha256(full.encode()).hexdigest()[:8]


def _person(name, birth_date, row: int | None = None) -> tuple[str, date | None]:
    """Validated ``(name, birth date)``; raises RegistryInputError (Swedish)."""
    where = f"Rad {row}: " if row is not None else ""
    name = " ".join((name or "").split())
    if not name:
        raise RegistryInputError(_("%(where)sAnge personens namn.", where=where))
    if birth_date is not None and not isinstance(birth_date, date):
        try:
            birth_date = parse_date(birth_date)
        except ValueError:
            raise RegistryInputError(_("%(where)sOgiltigt födelsedatum %(birth_date)r.",
                                       where=where, birth_date=str(birth_date)[:20])) from None
    return name, birth_date


class _People:
    """run_batch's view of the sanctions adapter for persons: ``lookup_many`` over
    ``(identifier, None)`` pairs, the names and birth dates looked up by identifier."""

    def __init__(self, adapter, details: dict[str, tuple[str, date | None]]):
        self.adapter, self.details = adapter, details
        self.name = getattr(adapter, "name", "sanctions")
        self.thread_safe = getattr(adapter, "thread_safe", False)

    def lookup_many(self, unit: list[tuple[str, str | None]]) -> list[RegistryResult]:
        people = [(identifier, *self.details[identifier]) for identifier, _ in unit]
        return self.adapter.lookup_people(people)


def batch_person_lookup(session: Session, user, people: list[tuple[str, date | None]], *,
                        concurrency: int | None = None, use_cache: bool = True,
                        progress: Progress | None = None, adapter=None) -> list[StoredLookup]:
    """Sanctions and debarment screening of many persons (representatives of suppliers) by
    name and, when known, birth date: one stored lookup per ``(name, birth date)``, in the
    order given (the same person twice is asked once and gets the same row).

    Exactly like :func:`person_lookup`, person by person: stored under
    :func:`person_identifier` as ``registry_lookup`` evidence with the query and the raw
    answer, a recent conclusive answer reused when ``use_cache`` and the sanctions cache
    max-age allow, the local list consulted, offline mode ``unavailable``. yente is asked up
    to ``YENTE_BATCH_SIZE`` (at most 100) persons per ``POST /match/{dataset}``, batches run
    on ``concurrency`` threads (default ``REGISTRY_CONCURRENCY``). Fail closed: a call that
    fails (timeout, 5xx, unreadable answer) makes every person of that call ``unavailable`` /
    ``error``, a failed part of an answer that person ``error``, rejected credentials or
    ``REGISTRY_ABORT_AFTER_FAILURES`` failures in a row stop the run and the persons not yet
    asked are ``unavailable``; never ``not_found``.

    Raises RegistryInputError (Swedish, with the row number) for a person without a name or
    with an unreadable birth date, before anything is looked up or stored."""
    prepared = prepare_person_lookup(session, user, people, use_cache=use_cache, adapter=adapter)
    return _run_prepared(session, user, prepared, concurrency, progress)


def prepare_person_lookup(session: Session, user, people: list[tuple[str, date | None]], *,
                          use_cache: bool = True, adapter=None) -> Prepared:
    """The first half of :func:`batch_person_lookup` (the same validation and cache)."""
    checked = [_person(name, born, row) for row, (name, born) in enumerate(people, start=1)]
    keys = [person_identifier(name, born) for name, born in checked]
    details = dict(zip(keys, checked))
    wanted = list(dict.fromkeys(keys))
    cached = _cached(session, "sanctions", wanted, user) if use_cache else {}
    todo = [(key, None) for key in wanted if key not in cached]
    prepared = Prepared("sanctions", keys, cached, todo, subject=_("personen"),
                        batch_size=max(1, min(int(current_app.config.get("YENTE_BATCH_SIZE") or 100), 100)))
    if todo:
        prepared.adapter = _People(adapter or build_adapter(session, "sanctions"), details)
    return prepared


def person_lookup(session: Session, user, name: str, *, birth_date=None, use_cache: bool = True,
                  adapter=None) -> StoredLookup:
    """Sanctions and debarment screening of a person (a representative of a supplier) by name
    and, when known, birth date. Stored under :func:`person_identifier`
    (``person:<birth date>:<name>``). Many persons at once: :func:`batch_person_lookup`."""
    return batch_person_lookup(session, user, [_person(name, birth_date)], use_cache=use_cache,
                               adapter=adapter, concurrency=1)[0]


def is_person_lookup(identifier: str | None) -> bool:
    return bool(identifier) and identifier.startswith(PERSON_PREFIX)


def visible_lookups(stmt, user):
    """Restrict a select over ``RegistryLookup`` to what ``user`` may read: lookups of
    organisations are shared, a person lookup (personal data: who screened whom) only inside
    the department that made it (the rule of oversight/scoping.py; no department: none)."""
    department_id = getattr(user, "department_id", None) if getattr(user, "is_authenticated", False) else None
    return stmt.where(or_(~RegistryLookup.identifier.startswith(PERSON_PREFIX),
                          owner_condition(RegistryLookup, department_id)))


def get_visible_lookup_or_404(session: Session, lookup_id: int, user) -> StoredLookup:
    """One stored lookup for ``user``; 404 (not 403) for another department's person lookup."""
    row = session.scalar(visible_lookups(select(RegistryLookup).where(RegistryLookup.id == lookup_id), user))
    if row is None:
        abort(404)
    return row


def latest_results(session: Session, organisation: Organisation) -> dict[str, StoredLookup]:
    """The latest stored lookup per registry for an organisation (any status)."""
    ids = select(func.max(RegistryLookup.id)).where(
        RegistryLookup.identifier == organisation.orgnr).group_by(RegistryLookup.registry)
    rows = session.scalars(select(RegistryLookup).where(RegistryLookup.id.in_(ids)))
    return {row.registry: row for row in rows}


def lookups_for(session: Session, identifier: str, registry: str | None = None, limit: int = 50,
                user=None) -> list[StoredLookup]:
    """Stored lookups of ``identifier``, newest first; with ``user``, only those the user may
    read (:func:`visible_lookups`)."""
    stmt = select(RegistryLookup).where(RegistryLookup.identifier == identifier)
    if user is not None:
        stmt = visible_lookups(stmt, user)
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
            raise RegistryInputError(_("Bulkfilen importeras från kommandoraden: flask registries import "
                                     "bolagsverket-bulk FIL.zip"))
        return bolagsverket_bulk.import_file(
            session, user, path, filename=filename, data_date=data_date,
            chunk_size=int(current_app.config["REGISTRY_BULK_CHUNK_ROWS"]), progress=progress)
    if kind not in filed.KINDS:
        raise RegistryInputError(_("Okänd filtyp: %(kind)s", kind=kind))
    if data is None:
        with open(path, "rb") as handle:
            data = handle.read()
    return filed.import_records(session, user, kind, filename, data, data_date)


IMPORT_JOB = "registries.import"  # the job kind of a file import: one at a time (web and CLI)
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
        out.append({"registry": registry, "mode": mode, "mode_label": MODE_LABELS[mode],
                    "configured": configured, "reachable": reachable,
                    "last_success": last.get(registry), "lookups": total,
                    "error_rate": (bad / total) if total else None})
    return out


MODE_LABELS = Labels({
    "file": _l("Fil eller manuellt besked"),
    "http": _l("Direktfråga till registrets tjänst"),
    "offline": _l("Exempeldata (inget riktigt register)"),
})


def _configuration(session: Session, registry: str, config) -> tuple[str, str]:
    """(mode code, what is configured), the text in the reader's language."""
    from registries.models import RegistryImport, RegistryRecord

    if registry in ("skatteverket", "kronofogden", "ivo"):
        n = session.scalar(select(func.count()).select_from(RegistryRecord).where(RegistryRecord.registry == registry))
        return "file", ngettext("%(num)s besked registrerat", "%(num)s besked registrerade", n)
    http = config["REGISTRY_MODE"] == "http"
    if registry == "bolagsverket":
        if http:
            ok = bool(config["BOLAGSVERKET_CLIENT_ID"] and config["BOLAGSVERKET_CLIENT_SECRET"])
            return "http", _("klientuppgifter finns") if ok else _("klientuppgifter saknas")
        latest = session.scalar(select(RegistryImport).where(RegistryImport.kind == "bolagsverket-bulk",
                                                             RegistryImport.status == "done").order_by(
            RegistryImport.id.desc()).limit(1))
        return "offline", (ngettext("bulkfil importerad %(day)s (%(num)s rad)",
                                    "bulkfil importerad %(day)s (%(num)s rader)", latest.rows_total,
                                    day=latest.data_date) if latest
                           else _("ingen bulkfil importerad: endast exempeldata"))
    n = session.scalar(select(func.count()).select_from(RegistryRecord)
                       .where(RegistryRecord.registry == "sanctions-list"))
    local = ngettext("lokal lista %(num)s post", "lokal lista %(num)s poster", n)
    if http:
        return "http", f"yente {config['YENTE_URL']} ({config['YENTE_DATASET']}), {local}"
    return "offline", _("endast exempeldata, %(local)s", local=local)
