"""Import of payment ledgers into the database (parsing is associations.ledger).

The file is read and checked completely before anything is written (any error, LedgerError
with its row number, leaves nothing behind once the caller rolls back); the rows are then
written in chunks that the background job and the CLI commit one by one, resumably (see
``import_ledger``). The file's
SHA-256 is recorded and unique: importing the same file again adds nothing. Invalid
organisation numbers are kept raw and flagged, never dropped.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from associations.ledger import (
    FIELDS,
    PRESETS,
    REQUIRED,
    LedgerError,
    LedgerRow,
    Preset,
    read_ledger,
    resolve_columns,
)
from associations.models import LedgerEntry, LedgerImport, LedgerMapping, LedgerUpload
from oversight.auth.models import Department
from oversight.formatting import count_text
from oversight.jobs import Progress
from oversight.organisations.models import Organisation
from oversight.scoping import owned_by
from oversight.tabular import TableError, open_table
from oversight.tabular_files import estimate_text_rows, is_zip, xlsx_dimensions

ALLOWED_EXTENSIONS = ("csv", "txt", "xlsx")
FIELD_LABELS = {
    "department": "Förvaltning/nämnd", "payee_name": "Leverantör/mottagare",
    "org_nr": "Organisationsnummer", "bank_account": "Bankgiro/plusgiro/konto",
    "amount": "Belopp", "date": "Datum", "account_text": "Konto (kontoplan)",
    "purpose": "Syfte/ändamål",
}
PRESET_LABELS = {"orebro": "Örebro (RN1/FÖRVALTNING, LEVERANTÖR, ORGANISATIO, KONTO, UTFALL)",
                 "goteborg": "Göteborg (Förvaltning, Leverantör, Organisationsnummer, Belopp ...)",
                 "standard": "Standard (department, payee_name, org_nr, amount ...)"}
BATCH = 5000
PROGRESS_EVERY = 2000  # rows between progress calls during an import


class LedgerImportError(ValueError):
    """The file cannot be imported; the message is Swedish and names the row when one is to
    blame. Nothing has been written that the caller's rollback does not remove."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def grant_prefixes() -> list[str]:
    value = current_app.config["GRANT_ACCOUNT_PREFIXES"]
    if isinstance(value, str):  # OVERSIGHT_GRANT_ACCOUNT_PREFIXES=451,452,453
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


_ACCOUNT_CODE = re.compile(r"\s*(\d{3,})")


def account_code(text: str | None) -> str | None:
    m = _ACCOUNT_CODE.match(text or "")
    return m.group(1) if m else None


def check_upload(filename: str, data: bytes) -> None:
    """File type and size: a clear Swedish message before anything is parsed."""
    ext = os.path.splitext(filename or "")[1].lower().lstrip(".")
    if ext not in ALLOWED_EXTENSIONS:
        raise LedgerImportError(_("Filtypen '.%(ext)s' stöds inte: ladda upp en CSV-, TXT- eller XLSX-fil (export "
                                  "från ekonomisystemet).",
                                  ext=ext or '?'))
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and len(data) > limit:
        raise LedgerImportError(_("Filen är för stor (%(count)s MB; högst %(limit)s MB).",
                                  count=len(data) // 1048576, limit=limit // 1048576))
    if not data.strip():
        raise LedgerImportError(_("Filen är tom."))
    is_zip = data[:4] == b"PK\x03\x04"
    if ext == "xlsx" and not is_zip:
        raise LedgerImportError(_("Filen heter .xlsx men är ingen Excel-fil (XLSX). Spara om den "
                                "från Excel eller exportera som CSV."))
    if ext != "xlsx" and is_zip:
        raise LedgerImportError(_("Filen heter .%(ext)s men är en komprimerad fil (troligen Excel): byt ändelse "
                                  "till .xlsx eller exportera som CSV.",
                                  ext=ext))


def _preset(preset: str, columns: dict | None) -> Preset:
    if columns:
        missing = [FIELD_LABELS[f] for f in REQUIRED if not columns.get(f)]
        if missing:
            raise LedgerImportError(_("Välj vilken kolumn i filen som innehåller: %(columns)s.",
                                      columns=", ".join(missing)))
        return Preset("egen kolumnmappning", {f: (h,) for f, h in columns.items() if h})
    if preset not in PRESETS:
        raise LedgerImportError(_("Okänd förinställning '%(preset)s' (välj %(presets)s).",
                                  preset=preset, presets=', '.join(PRESETS)))
    return PRESETS[preset]


def check_columns(preset: str, columns: dict | None) -> None:
    """A chosen mapping lacks a required column, or the preset is unknown: LedgerImportError."""
    _preset(preset, columns)


def open_rows(data: bytes, preset: str = "standard",
              columns: dict | None = None) -> Iterator[LedgerRow]:
    """read_ledger over bytes, with a saved or chosen column mapping (field -> header text).

    read_ledger takes a preset *name*; a custom mapping is registered under a unique name
    for the moment the header is resolved (read_ledger resolves it before returning)."""
    chosen = _preset(preset, columns)
    key = preset if not columns else f"_mapping_{uuid.uuid4().hex}"
    if columns:
        PRESETS[key] = chosen
    try:
        return read_ledger(io.BytesIO(data), key)
    except LedgerError as exc:
        raise LedgerImportError(str(exc), exc.row) from exc
    finally:
        if columns:
            PRESETS.pop(key, None)


# --- header ---------------------------------------------------------------------------------

def read_header(data: bytes, filename: str = "reskontra.csv") -> list[str]:
    """The file's header cells, for the column-mapping form (the core reader's header row;
    empty when the file cannot be read: the real reading reports the exact problem)."""
    try:
        reader = open_table(data, filename, [], allow_unknown_columns=True)
    except TableError:
        return []
    return [str(h).strip() for h in reader.header if str(h).strip()]


def resolved_columns(header: list[str], preset: str, columns: dict | None) -> dict[str, str]:
    if columns:
        return {f: h for f, h in columns.items() if h}
    try:
        found = resolve_columns(header, _preset(preset, None))
    except LedgerError:
        return {}
    return {f: header[i] for f, i in found.items() if i < len(header)}


# --- pending uploads -------------------------------------------------------------------------

def store_upload(session: Session, user, *, filename: str, data: bytes, department,
                 preset: str, period_start: date | None = None,
                 period_end: date | None = None) -> LedgerUpload:
    check_upload(filename, data)
    # Uploads never confirmed are removed after a day.
    session.execute(delete(LedgerUpload).where(LedgerUpload.created_at < _day_ago()))
    upload = LedgerUpload(filename=os.path.basename(filename)[:255], sha256=sha256(data),
                          size=len(data), content=data, department_id=department.id,
                          preset=preset, period_start=period_start, period_end=period_end,
                          uploaded_by_id=getattr(user, "id", None))
    session.add(upload)
    session.flush()
    return upload


def _day_ago():
    from oversight.db import utcnow
    return utcnow() - timedelta(days=1)


def save_mapping(session: Session, department, name: str, columns: dict) -> LedgerMapping:
    name = (name or "").strip()
    if not name:
        raise LedgerImportError(_("Ange ett namn på kolumnmappningen."))
    columns = {f: h for f, h in columns.items() if f in FIELDS and h}
    mapping = session.scalar(owned_by(select(LedgerMapping), LedgerMapping, department.id)
                             .where(LedgerMapping.name == name))
    if mapping is None:
        mapping = LedgerMapping(department_id=department.id, name=name, columns=columns)
        session.add(mapping)
    else:
        mapping.columns = columns
    session.flush()
    return mapping


# --- import ---------------------------------------------------------------------------------

@dataclass
class ImportReport:
    ledger_import: LedgerImport | None
    created: bool
    problems: list[tuple[int, str, str | None, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        li = self.ledger_import
        if not self.created:
            return ngettext("Filen är redan importerad (%(day)s, import %(id)s, %(num)s rad): inget "
                            "nytt importerades.", "Filen är redan importerad (%(day)s, import "
                            "%(id)s, %(num)s rader): inget nytt importerades.", li.row_count,
                            day=f"{li.created_at:%Y-%m-%d}", id=li.id)
        return _("%(rows)s importerade från %(departments)s, %(grant)s på bidragskonton, "
                 "%(flagged)s med problem i organisationsnumret (behållna och flaggade).",
                 rows=count_text(li.row_count, "%(num)s rad", "%(num)s rader"),
                 departments=count_text(li.department_count, "%(num)s förvaltning",
                                        "%(num)s förvaltningar"),
                 grant=li.grant_row_count,
                 flagged=count_text(li.flagged_row_count, "%(num)s rad", "%(num)s rader"))


class _Resolver:
    """Department texts and org numbers -> ids, cached for the whole file."""

    def __init__(self, session: Session):
        self.depts: dict[str, int | None] = {}
        self.by_text = {}
        for d in session.scalars(select(Department)):
            self.by_text[d.code.casefold()] = d.id
            self.by_text[d.name.casefold()] = d.id
        self.orgs = dict(session.execute(select(Organisation.orgnr, Organisation.id)).all())

    def department(self, text: str) -> int | None:
        if text not in self.depts:
            self.depts[text] = self.by_text.get(" ".join(text.split()).casefold())
        return self.depts[text]


def _no_progress(done: int, total: int | None = None, message: str | None = None) -> None:
    pass


def nothing_imported(message: str) -> str:
    if "Inget importerades" in message:
        return message
    return message.rstrip() + ("" if message.rstrip().endswith((".", "!", "?")) else ".") \
        + " Inget importerades."


def estimate_rows(data: bytes) -> int | None:
    """Roughly how many data rows the file has (for a progress bar), without parsing it: the
    lines of a text file, the dimension an Excel sheet declares (its first bytes only, so a
    web request never unpacks a workbook)."""
    if not is_zip(data):
        return max(estimate_text_rows(data) - 1, 0)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            dims = xlsx_dimensions(book)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None  # the real reading reports the exact problem
    return max(dims[0] - 1, 0) if dims else None


def chunk_rows() -> int:
    """Rows written per committed chunk (``LEDGER_IMPORT_CHUNK_ROWS``)."""
    return max(1, int(current_app.config.get("LEDGER_IMPORT_CHUNK_ROWS") or BATCH))


def import_ledger(session: Session, user, *, data: bytes, filename: str, department,
                  preset: str = "standard", columns: dict | None = None,
                  period_start: date | None = None, period_end: date | None = None,
                  source: str = "web", max_problems: int = 500,
                  progress: Progress | None = None, progress_every: int | None = None,
                  commit: Callable[[], None] | None = None) -> ImportReport:
    """Import one file. Returns the existing import (created=False) for a file seen before.
    Raises LedgerImportError; the caller must then roll back.

    Two passes. The first reads and checks every row and writes nothing: a structural error
    (row N) imports nothing. The second writes the rows in chunks of ``chunk_rows()``; with
    ``commit`` (the background job's and the CLI's) each chunk is committed, so a 200 000-row
    file never holds one large transaction or a list of all its rows. The LedgerImport row comes
    first with ``complete=False`` (readers skip it) and is completed, with its totals counted
    in the database, after the last chunk. **Restart**: a run that died between chunks leaves
    an incomplete import with every committed chunk; importing the same file again (its
    SHA-256: a retried job, the CLI, a new upload) continues after the last stored row. Rows
    are unique per (import, row number), so nothing is written twice. Without ``commit`` the
    whole import is one transaction, as before."""
    progress = progress or _no_progress
    check_upload(filename, data)
    if period_start and period_end and period_end < period_start:
        raise LedgerImportError(_("Periodens slut ligger före dess början."))
    digest = sha256(data)
    li = session.scalar(select(LedgerImport).where(LedgerImport.sha256 == digest))
    if li is not None and li.complete:
        return ImportReport(li, created=False)
    estimate = estimate_rows(data)
    report = ImportReport(None, created=True)
    every = max(1, int(progress_every or PROGRESS_EVERY))
    rows = _check_file(data, preset, columns, report, max_problems, estimate, every, progress)
    prefixes = tuple(grant_prefixes())
    if li is None:
        li = LedgerImport(sha256=digest, filename=os.path.basename(filename)[:255],
                          size=len(data), department_id=department.id,
                          preset="egen" if columns else preset,
                          columns=columns or resolved_columns(read_header(data), preset, None),
                          period_start=period_start, period_end=period_end,
                          grant_prefixes=list(prefixes), source=source,
                          imported_by_id=getattr(user, "id", None), complete=False)
        session.add(li)
        session.flush()
        _commit(commit)
    report.ledger_import = li
    _write_rows(session, li, data, preset, columns, prefixes, rows, progress, commit)
    _finish(session, li)
    if li.period_start is None:
        report.warnings.append("Raderna saknar datum och ingen period angavs: de tas bara med "
                               "i flerförvaltningskörningar utan periodfilter.")
    return report


def _commit(commit: Callable[[], None] | None) -> None:
    if commit is not None:
        commit()


def _check_file(data, preset, columns, report, max_problems, estimate, every, progress) -> int:
    """Pass 1: read every row, write nothing; the number of rows, problems noted in report."""
    progress(0, estimate, _("Läser filen"))
    count = 0
    try:
        for row in open_rows(data, preset, columns):
            count += 1
            if row.org_nr_problem and len(report.problems) < max_problems:
                report.problems.append((row.row, row.payee_name, row.org_nr_raw,
                                        row.org_nr_problem))
            if count % every == 0:  # the first half of the bar: reading
                total = max(estimate or 0, count)
                progress(count // 2, total, f"Kontrollerat {count:,} av cirka {total:,} rader"
                         .replace(",", "\u00a0"))
    except LedgerError as exc:
        raise LedgerImportError(nothing_imported(str(exc)), exc.row) from exc
    if count == 0:
        raise LedgerImportError(_("Filen innehåller inga rader under rubrikraden. Inget "
                                  "importerades."))
    progress(count // 2, count, f"Sparar {count:,} rader".replace(",", "\u00a0"))
    return count


def _write_rows(session, li, data, preset, columns, prefixes, total, progress, commit) -> None:
    """Pass 2: the rows after the last stored one, in committed chunks."""
    stored = session.scalar(select(func.max(LedgerEntry.row_number))
                            .where(LedgerEntry.import_id == li.id)) or 0
    resolver = _Resolver(session)
    size, batch, written = chunk_rows(), [], 0
    for row in open_rows(data, preset, columns):
        written += 1
        if row.row <= stored:
            continue  # written by an earlier run of this file
        batch.append(_entry(li, row, resolver, prefixes))
        if len(batch) >= size:
            _insert_chunk(session, batch)
            batch = []
            _commit(commit)
            progress((total + written) // 2, total, f"Sparat {written:,} av {total:,} rader"
                     .replace(",", "\u00a0"))
    if batch:
        _insert_chunk(session, batch)
    progress(total, total, f"Sparat {total:,} rader".replace(",", "\u00a0"))


def _insert_chunk(session: Session, batch: list[dict]) -> None:
    session.execute(insert(LedgerEntry), batch)


def _entry(li: LedgerImport, row: LedgerRow, resolver: _Resolver, prefixes: tuple) -> dict:
    """One row as LedgerEntry values."""
    code = account_code(row.account_text)
    return {
        "import_id": li.id, "row_number": row.row, "department_raw": row.department[:300],
        "department_id": resolver.department(row.department), "payee_name": row.payee_name[:500],
        "org_nr_raw": row.org_nr_raw[:100] if row.org_nr_raw else None, "org_nr": row.org_nr,
        "org_nr_problem": row.org_nr_problem[:300] if row.org_nr_problem else None,
        "organisation_id": resolver.orgs.get(row.org_nr) if row.org_nr else None,
        "bank_account": row.bank_account[:100] if row.bank_account else None,
        "amount": row.amount, "booked_on": row.date,
        "effective_on": row.date or li.period_start,
        "account_text": row.account_text[:300] if row.account_text else None,
        "account_code": code, "purpose": row.purpose,
        "is_grant": bool(code and prefixes and code.startswith(prefixes)),
    }


def _finish(session: Session, li: LedgerImport) -> None:
    """The import's totals, counted in the database (also over rows of an earlier run)."""
    e = LedgerEntry
    grant = e.is_grant.is_(True)
    (rows, grant_rows, flagged, total, grant_total, departments, first, last) = session.execute(
        select(func.count(), func.count(case((grant, 1))), func.count(e.org_nr_problem),
               func.sum(e.amount), func.sum(case((grant, e.amount))),
               func.count(func.distinct(e.department_raw)), func.min(e.booked_on),
               func.max(e.booked_on)).where(e.import_id == li.id)).one()
    li.row_count, li.grant_row_count, li.flagged_row_count = rows, grant_rows, flagged
    li.total_amount = Decimal(str(total or 0))
    li.grant_amount = Decimal(str(grant_total or 0))
    li.department_count = departments
    if li.period_start is None and li.period_end is None and first:
        li.period_start, li.period_end = first, last
    li.complete = True
    session.flush()


def month_period(text: str | None) -> tuple[date | None, date | None]:
    """'2016-03' -> (2016-03-01, 2016-03-31); '' -> (None, None)."""
    text = (text or "").strip()
    if not text:
        return None, None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise LedgerImportError(_("Perioden '%(text)s' ska skrivas ÅÅÅÅ-MM, t.ex. 2016-03.", text=text))
    start = date(int(m.group(1)), int(m.group(2)), 1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start, end
