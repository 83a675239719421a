"""Registries without an API: answers arrive as files (imported lists) or documents (entered by
hand with the document attached). Skatteverket (F-skatt, VAT, employer registration),
Kronofogden (debts, "utdrag i upphandlingssyfte"), IVO (permits and notices) and the
municipality's own sanctions / warning list.

Every answer is a ``registry_record`` row: append-only (a new answer never overwrites an old
one) and deduplicated by a hash of its content, so importing the same file twice adds
nothing. A lookup reads the latest answer; no answer at all is ``unavailable`` (not checked),
never "no findings".
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight import identifiers
from oversight.db import utcnow
from oversight.tabular import parse_date as _parse_date
from registries.base import (
    ERROR,
    FOUND,
    NOT_FOUND,
    UNAVAILABLE,
    RegistryResult,
    failed,
    to_jsonable,
)
from registries.csvfiles import ImportRejected, parse_amount, parse_bool, read_table
from registries.models import RegistryImport, RegistryRecord
from registries.normalized import (
    IVO_STATUSES,
    DebtRecord,
    PermitRecord,
    TaxRegistration,
    records_of,
)
from registries.store import sha256_hex

# --- building records from a row (file line or form) ----------------------------------------

def _orgnr(row: dict, required: bool = True) -> str:
    value = row.get("orgnr") or ""
    if not value and not required:
        return ""
    result = identifiers.validate("orgnr", value)
    if not result.valid:
        raise ValueError(_("organisationsnummer %(value)r: %(error)s", value=value, error=result.error))
    return result.normalized


def parse_date(value) -> date | None:
    """A date cell or form value (the core reader's forms; empty is None); a date after
    today is checked by the caller."""
    if value is None or value == "":
        return None
    return _parse_date(value, latest=date.max)


def _document_date(row: dict, default: date | None) -> date:
    value = _date_field(row, "date", "datum") if row.get("date") else default
    if value is None:
        raise ValueError(_("datum saknas (ange kolumnen datum eller datum för hela filen)"))
    if value > date.today():
        raise ValueError(_("datumet %(value)s ligger i framtiden", value=value))
    return value


def _date_field(row: dict, key: str, label: str) -> date | None:
    try:
        return parse_date(row.get(key))
    except ValueError as exc:
        raise ValueError(f"{label}: {exc}") from None


def build_skatteverket(row: dict, default_date: date | None):
    orgnr, when = _orgnr(row), _document_date(row, default_date)
    record = TaxRegistration(orgnr=orgnr, f_tax=parse_bool(row.get("f_tax"), "F-skatt"),
                             vat=parse_bool(row.get("vat"), "moms"),
                             employer=parse_bool(row.get("employer"), "arbetsgivare"),
                             document_date=when, note=row.get("note") or None)
    if record.f_tax is None and record.vat is None and record.employer is None:
        raise ValueError(_("ange minst en av F-skatt, moms och arbetsgivare"))
    return orgnr, None, record, when


def build_kronofogden(row: dict, default_date: date | None):
    orgnr, when = _orgnr(row), _document_date(row, default_date)
    types = tuple(t.strip() for t in (row.get("case_types") or "").replace("|", ",").split(",") if t.strip())
    record = DebtRecord(orgnr=orgnr, amount=parse_amount(row.get("amount"), "belopp"), case_types=types,
                        document_date=when, extract_kind=row.get("extract_kind") or "utdrag i upphandlingssyfte",
                        note=row.get("note") or None)
    return orgnr, None, record, when


_IVO_ALIASES = {"gallande": "gällande", "galler": "gällande", "aterkallat": "återkallat",
                "aterkallad": "återkallat", "tillfalligt forbud": "tillfälligt förbud",
                "upphort": "upphört", "inget tillstand": "saknas"}


def ivo_status(value: str | None) -> str:
    text = " ".join((value or "").strip().lower().split())
    folded = text.replace("å", "a").replace("ä", "a").replace("ö", "o")
    status = text if text in IVO_STATUSES else _IVO_ALIASES.get(folded)
    if status is None:
        raise ValueError(_("status %(value)r är okänd (tillåtna: %(ivo_statuses)s)",
                           value=value, ivo_statuses=', '.join(IVO_STATUSES)))
    return status


def build_ivo(row: dict, default_date: date | None):
    orgnr = _orgnr(row)
    decided = _date_field(row, "decision_date", "beslutsdatum")
    when = _document_date(row, default_date or decided)
    activity = " ".join((row.get("activity") or "").split())
    if not activity:
        raise ValueError(_("verksamhet saknas (t.ex. LSS 9 § 2 personlig assistans)"))
    record = PermitRecord(orgnr=orgnr, holder_name=row.get("name") or None, activity=activity,
                          status=ivo_status(row.get("status")), decision_date=decided,
                          diarienummer=row.get("diarienummer") or None, note=row.get("note") or None)
    return orgnr, record.holder_name, record, when


def build_sanctions_list(row: dict, default_date: date | None):
    orgnr = _orgnr(row, required=False)
    name = (row.get("name") or "").strip()
    if not orgnr and not name:
        raise ValueError(_("ange namn eller organisationsnummer"))
    when = _document_date(row, default_date)
    data = {"category": row.get("category") or None, "list_source": row.get("source") or None}
    return orgnr, name or None, data, when


@dataclass(frozen=True)
class Kind:
    registry: str
    label: str
    aliases: dict[str, str]
    required: tuple[str, ...]
    build: Callable


_COMMON = {"organisationsnummer": "orgnr", "orgnr": "orgnr", "orgnummer": "orgnr", "organisationsnr": "orgnr",
           "datum": "date", "date": "date", "anteckning": "note", "kommentar": "note", "note": "note"}
KINDS = {
    "skatteverket": Kind("skatteverket", "Skatteverket", _COMMON | {
        "fskatt": "f_tax", "momsregistrerad": "vat", "moms": "vat", "arbetsgivare": "employer",
        "arbetsgivarregistrerad": "employer"}, ("orgnr",), build_skatteverket),
    "kronofogden": Kind("kronofogden", "Kronofogden", _COMMON | {
        "belopp": "amount", "skuld": "amount", "maltyper": "case_types", "maltyp": "case_types",
        "utdrag": "extract_kind"}, ("orgnr", "amount"), build_kronofogden),
    "ivo": Kind("ivo", "IVO", _COMMON | {
        "namn": "name", "tillstandshavare": "name", "verksamhet": "activity", "beslutsdatum": "decision_date",
        "status": "status", "diarienummer": "diarienummer", "dnr": "diarienummer"},
        ("orgnr", "activity", "status"), build_ivo),
    "sanctions-list": Kind("sanctions-list", "Lokal varningslista", _COMMON | {
        "namn": "name", "name": "name", "kategori": "category", "category": "category", "kalla": "source",
        "source": "source"}, ("name",), build_sanctions_list),
}


def _data(record) -> dict:
    return record if isinstance(record, dict) else to_jsonable(record)


def _hash(registry: str, identifier: str, name, data: dict, when: date | None) -> str:
    text = json.dumps([registry, identifier, name, data, when.isoformat() if when else None],
                      sort_keys=True, ensure_ascii=False)
    return sha256_hex(text.encode())


# --- import and manual entry --------------------------------------------------------------------

def import_records(session: Session, user, kind: str, filename: str, data: bytes,
                   data_date: date | None = None) -> RegistryImport:
    """All or nothing: a file with any bad line is refused with every bad line named."""
    spec = KINDS[kind]
    parsed, errors = [], []
    for line, row in read_table(data, spec.aliases, spec.required, filename, errors):
        try:
            parsed.append((line, *spec.build(row, data_date)))
        except ValueError as exc:
            errors.append({"line": line, "error": str(exc)})
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e["line"] or 0))
    if not parsed:
        raise ImportRejected([{"line": None, "error": "filen har inga rader med uppgifter"}])
    hashes = {}
    for line, identifier, name, record, when in parsed:
        hashes.setdefault(_hash(spec.registry, identifier, name, _data(record), when),
                          (line, identifier, name, record, when))
    existing = set()
    keys = list(hashes)
    for start in range(0, len(keys), 500):
        existing.update(session.scalars(select(RegistryRecord.row_hash).where(
            RegistryRecord.registry == spec.registry, RegistryRecord.row_hash.in_(keys[start:start + 500]))))
    imp = RegistryImport(kind=kind, filename=filename[:255], sha256=sha256_hex(data), size=len(data),
                         data_date=data_date, imported_by_id=getattr(user, "id", None), rows_total=len(parsed),
                         unchanged=len(parsed) - len(hashes) + len(existing), rejected=0, rejected_rows=[])
    session.add(imp)
    session.flush()
    for digest, (line, identifier, name, record, when) in hashes.items():
        if digest not in existing:
            session.add(RegistryRecord(registry=spec.registry, identifier=identifier, name=name,
                                       data=_data(record), document_date=when, origin="import", line=line,
                                       row_hash=digest, import_id=imp.id, created_by_id=getattr(user, "id", None)))
            imp.inserted += 1
    imp.status, imp.finished_at = "done", utcnow()
    session.flush()
    return imp


def record_manual(session: Session, user, kind: str, row: dict, document_id: int | None,
                  document_date: date | None) -> RegistryRecord:
    """One answer entered by hand (with its document); raises ValueError with a Swedish message."""
    spec = KINDS[kind]
    identifier, name, record, when = spec.build(row, document_date)
    entry = RegistryRecord(registry=spec.registry, identifier=identifier, name=name, data=_data(record),
                           document_date=when, origin="manual", document_id=document_id,
                           row_hash=sha256_hex(f"manual:{uuid.uuid4()}".encode()),
                           created_by_id=getattr(user, "id", None))
    session.add(entry)
    session.flush()
    return entry


# --- lookups ---------------------------------------------------------------------------------------

class FiledAdapter:
    """The latest answers on file for one of skatteverket, kronofogden, ivo."""

    thread_safe = False

    def __init__(self, session: Session, registry: str):
        self.session, self.name = session, registry
        self.spec = KINDS[registry]
        self._prefetched: dict[str, list[RegistryRecord]] = {}

    def prefetch(self, orgnrs: list[str]) -> None:
        """Read the answers on file for many (normalized) numbers at once, so a batch's
        lookups need no statement each."""
        wanted = sorted(set(orgnrs) - set(self._prefetched))
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            found: dict[str, list[RegistryRecord]] = {orgnr: [] for orgnr in part}
            for row in self.session.scalars(select(RegistryRecord).where(
                    RegistryRecord.registry == self.name, RegistryRecord.identifier.in_(part))):
                found[row.identifier].append(row)
            for rows in found.values():  # as lookup orders them: newest document first
                rows.sort(key=lambda r: r.id, reverse=True)
                rows.sort(key=lambda r: (r.document_date is None,
                                         -(r.document_date.toordinal() if r.document_date else 0)))
            self._prefetched.update(found)

    def _rows(self, orgnr: str) -> list[RegistryRecord]:
        if orgnr in self._prefetched:
            return self._prefetched[orgnr]
        return self.session.scalars(select(RegistryRecord).where(
            RegistryRecord.registry == self.name, RegistryRecord.identifier == orgnr).order_by(
            RegistryRecord.document_date.desc().nulls_last(), RegistryRecord.id.desc())).all()

    def lookup(self, identifier: str, *, name: str | None = None) -> RegistryResult:
        check = identifiers.validate("orgnr", identifier)
        if not check.valid:
            return failed(self.name, str(identifier), ERROR, "file",
                          _("Ogiltigt organisationsnummer: %(error)s", error=check.error))
        orgnr, query = check.normalized, {"organisationsnummer": check.normalized}
        rows = self._rows(orgnr)
        if not rows:
            return failed(self.name, orgnr, UNAVAILABLE, "file", query=query, message=(
                _("Inga uppgifter från %(registry)s finns registrerade för organisationen. "
                  "Importera en fil eller registrera ett besked med dokument.", registry=self.spec.label)))
        if self.name == "ivo":
            latest = {}
            for row in rows:  # newest first: the first answer per activity is the current one
                latest.setdefault(" ".join(row.data.get("activity", "").lower().split()), row)
            chosen = list(latest.values())
        else:
            chosen = rows[:1]
        records = records_of(self.name, {"records": [r.data for r in chosen]})
        status = NOT_FOUND if self.name == "ivo" and all(r.status == "saknas" for r in records) else FOUND
        origins = sorted({r.origin for r in chosen})
        raw = json.dumps([{"record_id": r.id, "origin": r.origin, "import_id": r.import_id, "line": r.line,
                           "document_id": r.document_id, "document_date": str(r.document_date), "data": r.data}
                          for r in chosen], ensure_ascii=False, indent=1).encode()
        manual = next((r.document_id for r in chosen if r.document_id), None)
        return RegistryResult(registry=self.name, identifier=orgnr, status=status, source="+".join(origins),
                              records=records, query=query, raw=raw, document_id=manual,
                              document_date=min((r.document_date for r in chosen if r.document_date), default=None))
