"""Bolagsverket's weekly bulk file (``bolagsverket_bulkfil.zip``): streamed import into
``bolagsverket_bulk`` and offline lookups that give the same normalized result as the API.

Format (one header row, then one line per organisation and namnskyddslöpnummer; ``;``-separated,
every field quoted, subfields joined by ``$``, repeated values by ``|``)::

    organisationsidentitet;namnskyddslopnummer;registreringsland;organisationsnamn;organisationsform;
    avregistreringsdatum;avregistreringsorsak;pagandeAvvecklingsEllerOmstruktureringsforfarande;
    registreringsdatum;verksamhetsbeskrivning;postadress
    "5566778899$ORGNR-IDORG";"";"SE-LAND";"Exempel AB$FORETAGSNAMN-ORGNAM$2020-01-02";"AB-ORGFO";
    "";"";"|KK-AVOMFO$2025-06-12";"2020-01-02";"Byggverksamhet";"Box 1$$STOCKHOLM$11122$SE-LAND"

Columns are found by the header (any order; both spellings of the proceedings column; an
optional ``naringsgren`` column ``47610$Klartext|...``). UTF-8 (with or without BOM) and
Latin-1 are accepted (a file mixing them is refused), read with the core reader's line-level
pieces (oversight.tabular_files: encoding, field counts, the one-member zip rule). Memory
stays bounded: rows are parsed and upserted in chunks, and a row
whose content hash is unchanged is not written at all, so a re-import changes nothing.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from oversight import identifiers
from oversight.db import utcnow
from oversight.identifiers import mask_personnummer
from oversight.jobs import Progress
from oversight.tabular import parse_date
from oversight.tabular_files import (
    MB,
    SAMPLE,
    FileProblem,
    Limits,
    check_field_count,
    decide_encoding,
    open_single_member,
    refuse_mixed,
)
from registries.base import FOUND, NOT_FOUND, UNAVAILABLE, RegistryResult, failed
from registries.bolagsverket import NAME, result_from_answer
from registries.bolagsverket_codes import (
    AVREGISTRERINGSORSAK,
    FORFARANDE,
    LAND,
    NAMNTYP,
    ORGANISATIONSFORM,
    care_of,
    code,
)
from registries.models import BolagsverketBulkRow, RegistryImport
from registries.normalized import Address, Code, CompanyRecord, NameEntry, Proceeding
from registries.store import dialect_insert

KIND = "bolagsverket-bulk"
SOURCE = "bolagsverket-bulk"
COLUMNS = ("organisationsidentitet", "namnskyddslopnummer", "registreringsland", "organisationsnamn",
           "organisationsform", "avregistreringsdatum", "avregistreringsorsak",
           "pagandeAvvecklingsEllerOmstruktureringsforfarande", "registreringsdatum",
           "verksamhetsbeskrivning", "postadress")
_ALIASES = {c.lower(): c for c in COLUMNS} | {
    "pagaendeavvecklingselleromstruktureringsforfarande": "pagandeAvvecklingsEllerOmstruktureringsforfarande",
    "naringsgren": "naringsgren", "sni": "naringsgren", "naringsgrenorganisation": "naringsgren",
}
REQUIRED = ("organisationsidentitet", "organisationsnamn")
MAX_REJECTED_KEPT = 1000

class BulkFileError(ValueError):
    """The file as a whole cannot be read (Swedish message)."""


# --- reading ---------------------------------------------------------------------------------

BULK_LIMITS = Limits(max_bytes=8 * 1024 * MB, max_uncompressed_bytes=32 * 1024 * MB,
                     max_rows=50_000_000, max_cells=10 ** 9, max_cell_chars=1 << 20)


@contextmanager
def open_binary(path: str):
    """The bulk file's bytes: a .txt/.csv as it is, or the one member of a .zip (a zip with
    several files, or a truncated one, is refused by name), capped at its declared size."""
    try:
        with open_single_member(path, BULK_LIMITS, (".txt", ".csv")) as stream:
            yield stream
    except FileProblem as exc:
        raise BulkFileError(exc.message) from None


def header_map(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, title in enumerate(header):
        key = _ALIASES.get(title.strip().strip('"').lower())
        if key and key not in columns:
            columns[key] = index
    absent = [c for c in REQUIRED if c not in columns]
    if absent:
        raise BulkFileError(_("Rubrikraden saknar kolumnen %(columns)s. Första raden ska vara "
                              "Bolagsverkets rubrikrad.", columns=", ".join(absent)))
    return columns


def parse_fields(fields: list[str], columns: dict[str, int], orgnr: str | None = None) -> CompanyRecord:
    """One line as a CompanyRecord; raises ValueError (Swedish) on a bad value. ``orgnr`` is the
    normalized identity when the caller has it (a lookup); the import does without."""
    def get(name: str) -> str:
        index = columns.get(name)
        return fields[index].strip() if index is not None and index < len(fields) else ""

    identity = get("organisationsidentitet").split("$")[0].strip()
    if not identity.isdigit() or len(identity) not in (10, 12):
        raise ValueError(_("ogiltig organisationsidentitet %(identity)r", identity=identity[:20]))
    if orgnr is None:
        check = identifiers.validate("orgnr", identity)
        if not check.valid:
            raise ValueError(_("ogiltig organisationsidentitet %(identity)s: %(error)s",
                               identity=mask_personnummer(identity), error=check.error))
    names = tuple(_name(part) for part in get("organisationsnamn").split("|") if part.strip())
    if not names:
        raise ValueError(_("organisationsnamn saknas"))
    reason = _strip_suffix(get("avregistreringsorsak"))
    deregistered = _date(get("avregistreringsdatum"), "avregistreringsdatum")
    namnskydd = get("namnskyddslopnummer")
    return CompanyRecord(
        orgnr=orgnr or f"{identity[:-4]}-{identity[-4:]}", name=names[0].name, names=names,
        namnskydd=int(namnskydd) if namnskydd.isdigit() else None,
        legal_form=code(ORGANISATIONSFORM, _strip_suffix(get("organisationsform"))),
        active=deregistered is None,
        registration_date=_date(get("registreringsdatum"), "registreringsdatum"),
        deregistration_date=deregistered,
        deregistration_reason=code(AVREGISTRERINGSORSAK, reason),
        proceedings=tuple(_proceeding(p) for p in get("pagandeAvvecklingsEllerOmstruktureringsforfarande").split("|")
                          if p.strip()),
        sni=tuple(_sni(p) for p in get("naringsgren").split("|") if p.strip()),
        address=_address(get("postadress")),
        description=get("verksamhetsbeskrivning") or None)


def _strip_suffix(value: str) -> str:
    """``AB-ORGFO`` -> ``AB``; ``KKAV-AVORG`` -> ``KKAV``."""
    return value.rsplit("-", 1)[0] if "-" in value else value


def _date(value: str, column: str) -> date | None:
    if not value.strip():
        return None
    try:
        return parse_date(value, earliest=EARLIEST)
    except ValueError as exc:
        raise ValueError(f"{column}: {exc}") from None


EARLIEST = date(1800, 1, 1)  # the oldest Swedish companies still registered


def _name(part: str) -> NameEntry:
    name, _, rest = part.partition("$")
    kind, _, registered = rest.partition("$")
    kind = _strip_suffix(kind) or None
    return NameEntry(name=name.strip(), kind=kind, kind_label=NAMNTYP.get(kind or ""),
                     registered=_date(registered, "organisationsnamn"))


def _proceeding(part: str) -> Proceeding:
    kod, _, since = part.strip().partition("$")
    kod = _strip_suffix(kod)
    return Proceeding(code=kod, label=FORFARANDE.get(kod), from_date=_date(since, "pågående förfarande"))


def _sni(part: str) -> Code:
    kod, _, label = part.strip().partition("$")
    return Code(kod.strip(), label.strip() or None)


def _address(value: str) -> Address | None:
    if not value.strip("$ "):
        return None
    parts = (value.split("$") + [""] * 5)[:5]
    street, co, city, postcode, country = (p.strip() or None for p in parts)
    if city and city.replace(" ", "").isdigit() and not (postcode or "").replace(" ", "").isdigit():
        city, postcode = postcode, city  # tolerate postnummer before postort
    return Address(street=street, co=care_of(co), postcode=postcode, city=city, country=LAND.get(country, country))


def _row_hash(fields: list[str], columns: dict[str, int]) -> str:
    values = [fields[columns[c]] if c in columns and columns[c] < len(fields) else ""
              for c in COLUMNS + ("naringsgren",)]
    return hashlib.blake2b("\x1f".join(values).encode(), digest_size=16).hexdigest()


def _line(fields: list[str]) -> str:
    return ";".join('"' + f.replace('"', '""') + '"' for f in fields)


def read_rows(stream, columns_out: list) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """Yield (line number, fields, error) for every data line; fills ``columns_out`` with the
    header. Reading never stops at a bad line."""
    csv.field_size_limit(max(csv.field_size_limit(), BULK_LIMITS.max_cell_chars))
    head = stream.read(SAMPLE)
    rest = io.BufferedReader(_Prepend(head, stream), buffer_size=1 << 20)
    try:
        encoding = decide_encoding(head, complete=len(head) < SAMPLE)
        if encoding == "cp1252":
            refuse_mixed(head)
    except FileProblem as exc:
        raise BulkFileError(exc.message) from None
    # strict: a UTF-8 file with a Latin-1 line is refused, not read half one way
    text = io.TextIOWrapper(rest, encoding=encoding,
                            errors="tabular-latin1" if encoding == "cp1252" else "strict",
                            newline="")
    reader = csv.reader(text, delimiter=";", quotechar='"')
    try:
        header = next(reader)
    except StopIteration:
        raise BulkFileError(_("Filen är tom.")) from None
    except UnicodeDecodeError:
        raise BulkFileError(_mixed(1)) from None
    header = [h.lstrip("\ufeff") for h in header]
    columns_out.extend(header)
    width, previous = len(header), reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise BulkFileError(_mixed(previous + 1)) from None
        except csv.Error as exc:
            yield previous + 1, None, f"raden kunde inte läsas ({exc})"
            previous = reader.line_num
            continue
        start, previous = previous + 1, reader.line_num
        if not fields or fields == [""]:
            continue
        problem = check_field_count(fields, width, start)
        if problem:
            yield start, None, problem
            continue
        yield start, fields[:width], None


def _mixed(line: int) -> str:
    return (f"Filen blandar teckenkodningar: den är UTF-8 men omkring rad {line} är den inte "
            "(troligen Latin-1). Inget importerades; be om en ny fil.")


class _Prepend(io.RawIOBase):
    """A raw stream that first returns ``head`` and then the rest of ``stream``."""

    def __init__(self, head: bytes, stream):
        self._head, self._stream = memoryview(head), stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


# --- importing -----------------------------------------------------------------------------



def import_file(session: Session, user, path: str, *, filename: str | None = None,
                data_date: date | None = None, chunk_size: int = 5000,
                progress: Progress | None = None) -> RegistryImport:
    """Stream the file into ``bolagsverket_bulk``; flushes, never commits."""
    imp = RegistryImport(kind=KIND, filename=filename or path.rsplit("/", 1)[-1],
                         data_date=data_date or date.today(), imported_by_id=getattr(user, "id", None),
                         rejected_rows=[])
    session.add(imp)
    session.flush()
    header: list[str] = []
    rejected: list[dict] = []
    chunk: dict[tuple[str, int], dict] = {}
    counts = {"rows_total": 0, "inserted": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    with open_binary(path) as stream:
        columns = None
        for line_no, fields, error in read_rows(stream, header):
            if columns is None:
                columns = header_map(header)
            counts["rows_total"] += 1
            if error is None:
                try:
                    record = parse_fields(fields, columns)
                except ValueError as exc:
                    error = str(exc)
            if error is not None:
                counts["rejected"] += 1
                if len(rejected) < MAX_REJECTED_KEPT:
                    rejected.append({"line": line_no, "error": error})
                continue
            identity = fields[columns["organisationsidentitet"]].split("$")[0].strip()
            key = (identity, record.namnskydd or 0)
            chunk[key] = {"identity": identity, "namnskydd": key[1], "name": (record.name or "")[:300],
                          "raw": _line(fields), "row_hash": _row_hash(fields, columns), "import_id": imp.id}
            if len(chunk) >= chunk_size:
                _write_chunk(session, chunk, counts)
                if progress:
                    progress(counts["rows_total"], None,
                             _("%(rows)s rader lästa", rows=counts["rows_total"]))
        if columns is None:
            header_map(header)  # a header without data lines is still checked
        _write_chunk(session, chunk, counts)
    for key, value in counts.items():
        setattr(imp, key, value)
    imp.header = header
    imp.rejected_rows = rejected
    imp.status, imp.finished_at = "done", utcnow()
    session.flush()
    return imp


def _write_chunk(session: Session, chunk: dict, counts: dict) -> None:
    if not chunk:
        return
    table = BolagsverketBulkRow.__table__
    existing = _existing_hashes(session, table, sorted({k[0] for k in chunk}))
    now = utcnow()
    rows = []
    for key, row in chunk.items():
        old = existing.get(key)
        if old == row["row_hash"]:
            counts["unchanged"] += 1
            continue
        counts["inserted" if old is None else "updated"] += 1
        rows.append({**row, "updated_at": now})
    if rows:
        stmt = dialect_insert(session, table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["identity", "namnskydd"],
            set_={c: stmt.excluded[c] for c in ("name", "raw", "row_hash", "import_id", "updated_at")})
        session.execute(stmt, rows)
    chunk.clear()


IN_SIZE = 500


def _existing_hashes(session: Session, table, identities: list[str]) -> dict[tuple[str, int], str]:
    """Row hashes by (identity, namnskydd). The IN list always has IN_SIZE values (the last
    one repeated), so the database sees one statement, not one per chunk size: prepared
    statements with thousands of parameters are cached per distinct text and add up."""
    stmt = select(table.c.identity, table.c.namnskydd, table.c.row_hash).where(
        table.c.identity.in_(bindparam("ids", expanding=True)))
    found = {}
    for start in range(0, len(identities), IN_SIZE):
        part = identities[start:start + IN_SIZE]
        part += [part[-1]] * (IN_SIZE - len(part))
        found.update({(i, n): h for i, n, h in session.execute(stmt, {"ids": part})})
    return found


# --- offline lookups --------------------------------------------------------------------------

class BolagsverketOffline:
    """Lookups without network: the imported bulk file first, then the bundled fixtures."""

    name = NAME
    thread_safe = False

    def __init__(self, session: Session, fixtures: dict[str, dict]):
        self.session = session
        self.fixtures = fixtures
        self._imports: dict[int, RegistryImport] = {}

    def _import(self, import_id: int) -> RegistryImport:
        if import_id not in self._imports:
            self._imports[import_id] = self.session.get(RegistryImport, import_id)
        return self._imports[import_id]

    def _latest_import(self) -> RegistryImport | None:
        return self.session.scalar(select(RegistryImport).where(
            RegistryImport.kind == KIND, RegistryImport.status == "done").order_by(RegistryImport.id.desc()).limit(1))

    def lookup(self, identifier: str, *, name: str | None = None) -> RegistryResult:
        check = identifiers.validate("orgnr", identifier)
        if not check.valid:
            return failed(NAME, str(identifier), "error", SOURCE,
                          _("Ogiltigt organisationsnummer: %(error)s", error=check.error))
        digits = check.normalized.replace("-", "")
        query = {"identitetsbeteckning": digits}
        rows = self.session.scalars(select(BolagsverketBulkRow).where(
            BolagsverketBulkRow.identity == digits).order_by(BolagsverketBulkRow.namnskydd)).all()
        if rows:
            return self._from_rows(check.normalized, query, rows)
        if digits in self.fixtures:
            body = json.dumps(self.fixtures[digits], ensure_ascii=False, indent=1).encode()
            return result_from_answer(check.normalized, self.fixtures[digits], source="fixture",
                                      raw=body, query=query)
        latest = self._latest_import()
        if latest is not None:
            return RegistryResult(
                registry=NAME, identifier=check.normalized, status=NOT_FOUND, source=SOURCE, query=query,
                document_date=latest.data_date,
                message=_("Finns inte i Bolagsverkets bulkfil (import %(id)s, %(data_date)s).",
                          id=latest.id, data_date=latest.data_date))
        return failed(NAME, check.normalized, UNAVAILABLE, "offline", query=query, message=(
            _("Offlineläge: ingen bulkfil från Bolagsverket är importerad och organisationen finns inte "
            "bland exempeldata. Importera bulkfilen eller använd HTTP-läget.")))

    def _from_rows(self, identifier: str, query: dict, rows) -> RegistryResult:
        records, lines, dates = [], [], []
        for row in rows:
            imp = self._import(row.import_id)
            columns = header_map(imp.header or list(COLUMNS))
            fields = next(csv.reader([row.raw], delimiter=";", quotechar='"'))
            records.append(parse_fields(fields, columns, orgnr=identifier))
            lines.append(row.raw)
            dates.append(imp.data_date)
        header = ";".join(self._import(rows[0].import_id).header or COLUMNS)
        return RegistryResult(
            registry=NAME, identifier=identifier, status=FOUND, source=SOURCE, records=tuple(records),
            query=query, document_date=min(d for d in dates if d) if any(dates) else None,
            raw="\n".join([header] + lines).encode(), raw_content_type="text/csv; charset=utf-8")
