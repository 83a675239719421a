"""Reading payment ledgers (leverantörsreskontra) from CSV and XLSX — pure parsing, no database.

Accepts what Swedish finance systems export: semicolon, comma or tab separated; UTF-8 with or
without BOM, or Latin-1/cp1252; decimal comma or point; thousands separated by space/nbsp.
Rows are streamed (a ledger may have a million lines). A bad organisation number never drops a
row: it is kept raw and flagged in ``org_nr_problem``. Structural faults (missing column, file
that is not a ledger, an amount that cannot be read) raise LedgerError with a Swedish message.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import IO

FIELDS = ("department", "payee_name", "org_nr", "bank_account", "amount", "date",
          "account_text", "purpose")
REQUIRED = ("department", "payee_name", "amount")


@dataclass(frozen=True)
class Preset:
    name: str
    columns: dict[str, tuple[str, ...]]  # field -> accepted headers, first is shown in errors


PRESETS = {
    "orebro": Preset("orebro", {
        "department": ("RN1/FÖRVALTNING", "Förvaltning"), "payee_name": ("LEVERANTÖR",),
        "org_nr": ("ORGANISATIO", "Organisationsnummer"), "account_text": ("KONTO",),
        "amount": ("UTFALL",)}),
    "goteborg": Preset("goteborg", {
        "department": ("Förvaltning", "Nämnd/förvaltning", "Nämnd"),
        "payee_name": ("Leverantör", "Leverantörsnamn", "Leverantörens namn"),
        "org_nr": ("Organisationsnummer", "Leverantörens organisationsnummer", "Orgnr",
                   "Org nr", "Organisationsnr"),
        "account_text": ("Kontotext",), "amount": ("Belopp", "Konterat belopp"),
        "date": ("Bokföringsdatum", "Verifikationsdatum", "Fakturadatum", "Datum"),
        "purpose": ("Syfte", "Ändamål", "Beskrivning")}),
    "standard": Preset("standard", {f: (f,) for f in FIELDS}),
}


class LedgerError(ValueError):
    """A ledger that cannot be read; ``row`` is the 1-based data row when one is to blame."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(f"Rad {row}: {message}" if row else message)
        self.row = row


@dataclass(slots=True)
class LedgerRow:
    row: int
    department: str
    payee_name: str
    org_nr_raw: str | None
    org_nr: str | None
    org_nr_problem: str | None
    bank_account: str | None
    amount: Decimal
    date: date | None
    account_text: str | None
    purpose: str | None


def read_ledger(source: str | Path | IO[bytes], preset: str = "standard") -> Iterator[LedgerRow]:
    """Open a ledger and check its header now; the rows are then read lazily.

    Missing columns, an unknown preset, an unreadable file raise LedgerError at once;
    a bad value raises LedgerError when its row is reached.
    """
    if preset not in PRESETS:
        raise LedgerError(f"Okänd förinställning '{preset}' (välj {', '.join(PRESETS)})")
    try:
        stream = open(source, "rb") if isinstance(source, (str, Path)) else source
    except OSError as exc:
        raise LedgerError(f"Filen kunde inte öppnas: {exc}") from exc
    try:
        if stream.read(4) == b"PK\x03\x04":  # zip container: XLSX whatever the name says
            stream.seek(0)
            header, records, close = _open_xlsx(stream)
        else:
            stream.seek(0)
            header, records, close = _open_csv(stream)
        columns = resolve_columns(header, PRESETS[preset])
    except BaseException:
        if stream is not source:
            stream.close()
        raise
    return _rows(records, columns, close if stream is source else _both(close, stream.close))


def _both(first, second):
    def close():
        first()
        second()
    return close


# --- header ---------------------------------------------------------------------------------

def _norm_header(value) -> str:
    return " ".join(str(value or "").replace("\ufeff", "").split()).casefold()


def resolve_columns(header: list, preset: Preset) -> dict[str, int]:
    """Field -> column index. Exact (case-insensitive) names win over prefix matches."""
    names = [_norm_header(h) for h in header]
    found: dict[str, int] = {}
    for exact in (True, False):
        for field, accepted in preset.columns.items():
            if field in found:
                continue
            for candidate in map(_norm_header, accepted):
                idx = next((i for i, h in enumerate(names) if i not in found.values() and h
                            and (h == candidate if exact else h.startswith(candidate))), None)
                if idx is not None:
                    found[field] = idx
                    break
    missing = [preset.columns[f][0] for f in REQUIRED if f not in found]
    if missing:
        cols = ", ".join(f"'{m}'" for m in missing)
        noun = "Kolumnen" if len(missing) == 1 else "Kolumnerna"
        shown = ", ".join(str(h) for h in header if h not in (None, "")) or "ingen rubrikrad"
        raise LedgerError(f"{noun} {cols} saknas (förinställning '{preset.name}'; "
                          f"filens kolumner: {shown})")
    return found


# --- CSV ------------------------------------------------------------------------------------

_CHUNK = 1 << 20


def _detect_encoding(stream: IO[bytes]) -> str:
    """UTF-8 (BOM or not) if the whole file decodes as UTF-8, else cp1252, else Latin-1."""
    start = stream.read(4096)
    if b"\x00" in start:
        raise LedgerError("Filen är ingen CSV-text i UTF-8 eller Latin-1 (den innehåller "
                          "NUL-tecken: troligen UTF-16 eller en binärfil). Spara den som "
                          "'CSV UTF-8' eller 'CSV (semikolonavgränsad)'.")
    for encoding in ("utf-8-sig", "cp1252"):
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _open_csv(stream: IO[bytes]):
    encoding = _detect_encoding(stream)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    first = ""
    while not first.strip():
        first = text.readline()
        if not first:
            raise LedgerError("Filen är tom: ingen rubrikrad hittades.")
    delimiter = _sniff_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter))
    reader = csv.reader(text, delimiter=delimiter)
    return header, reader, text.detach


# --- XLSX -----------------------------------------------------------------------------------

def _open_xlsx(stream: IO[bytes]):
    """First sheet, streamed (openpyxl read-only); the header is the first non-empty row."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next((r for r in rows if any(v not in (None, "") for v in r)), None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, StopIteration) as exc:
        raise LedgerError(f"Excel-filen kunde inte läsas (trasig eller inte XLSX): {exc}") \
            from exc
    if header is None:
        book.close()
        raise LedgerError("Excel-filen är tom: ingen rubrikrad hittades.")
    return list(header), _guard_xlsx(rows), book.close


def _guard_xlsx(rows):
    try:
        yield from rows
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise LedgerError(f"Excel-filen kunde inte läsas till slut (trasig): {exc}") from exc


# --- rows -----------------------------------------------------------------------------------

def _rows(records, columns: dict[str, int], close) -> Iterator[LedgerRow]:
    get = {f: columns.get(f) for f in FIELDS}
    intern: dict[str, str] = {}  # repeated texts (departments, names) stored once
    has_org = get["org_nr"] is not None
    try:
        for number, record in enumerate(records, start=1):
            if any(record):
                row = _make_row(number, record, get, intern, has_org)
                if row is not None:
                    yield row
    except csv.Error as exc:
        raise LedgerError(f"CSV-filen kunde inte läsas: {exc}") from exc
    finally:
        close()


def _cell(record, idx):
    if idx is None or idx >= len(record):
        return None
    value = record[idx]
    if value.__class__ is str:
        return value.strip() or None
    return value


def _text(record, idx, intern: dict[str, str]) -> str | None:
    value = _cell(record, idx)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an Excel number cell (org.nr 5560160680.0) means the digits
    value = str(value)
    return intern.setdefault(value, value)


def _make_row(number, record, get, intern, has_org) -> LedgerRow | None:
    department = _text(record, get["department"], intern)
    payee = _text(record, get["payee_name"], intern)
    raw_amount = _cell(record, get["amount"])
    if department is None and payee is None and raw_amount is None:
        if not any(_cell(record, i) is not None for i in range(len(record))):
            return None  # a blank line (cells of spaces only)
    if department is None:
        raise LedgerError("förvaltning saknas", row=number)
    if payee is None:
        raise LedgerError("leverantör/mottagare saknas", row=number)
    if raw_amount is None:
        raise LedgerError("belopp saknas", row=number)
    try:
        amount = parse_amount(raw_amount)
    except ValueError:
        raise LedgerError(f"beloppet '{raw_amount}' kan inte tolkas som ett tal",
                          row=number) from None
    raw_date = _cell(record, get["date"])
    try:
        when = parse_date(raw_date)
    except ValueError:
        raise LedgerError(f"datumet '{raw_date}' kan inte tolkas (använd ÅÅÅÅ-MM-DD)",
                          row=number) from None
    org_raw = _text(record, get["org_nr"], intern)
    org, problem = parse_org_nr(org_raw) if has_org else (None, None)
    return LedgerRow(number, department, payee, org_raw, org, problem,
                     _text(record, get["bank_account"], intern), amount, when,
                     _text(record, get["account_text"], intern),
                     _text(record, get["purpose"], intern))


# --- values ---------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_amount(value) -> Decimal:
    """'1 234,50', '1.234,50', '1,234.50', '-12,5', '12,5-', 1234.5 -> Decimal.

    Both separators present: the last one is the decimal mark. Only a comma: decimal comma
    (Swedish). Only points: one is a decimal point, several are thousands separators.
    """
    if value is None or value == "":
        raise ValueError("tomt belopp")
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = _SPACES.sub("", str(value)).removesuffix("kr").removesuffix("SEK")
    if text.endswith("-") and len(text) > 1:  # some systems write the minus last
        text = "-" + text[:-1]
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not _NUMBER.fullmatch(text):
        raise ValueError(value)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d")


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date_text(str(value).strip())


@lru_cache(maxsize=10_000)  # a ledger has few distinct dates
def _parse_date_text(text: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


_ORGNR_IN_TEXT = re.compile(r"(?<!\d)(?:16)?\d{6}-?\d{4}(?!\d)")
_FOREIGN_VAT = re.compile(r"([A-Z]{2})[0-9A-Z]{2,13}")
_SE_VAT = re.compile(r"SE(\d{10})01")


@lru_cache(maxsize=100_000)
def parse_org_nr(raw) -> tuple[str | None, str | None]:
    """(normalized org.nr or None, Swedish problem text or None) for one ledger cell."""
    from oversight.identifiers import InvalidIdentifier, normalize_orgnr

    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, "Organisationsnummer saknas"
    compact = re.sub(r"[\s.]", "", text.upper())
    if se_vat := _SE_VAT.fullmatch(compact):
        text = se_vat.group(1)
    elif (vat := _FOREIGN_VAT.fullmatch(compact)) and any(c.isdigit() for c in compact):
        return None, f"Utländskt momsregistreringsnummer ({vat.group(1)}): {text}"
    if not any(c.isdigit() for c in text):
        return None, f"Inget organisationsnummer, bara texten '{text}'"
    numbers = _ORGNR_IN_TEXT.findall(text)
    if len(numbers) > 1:
        return None, f"Flera organisationsnummer i samma cell: {', '.join(numbers)}"
    try:
        return normalize_orgnr(text), None
    except InvalidIdentifier as exc:
        return None, f"Ogiltigt organisationsnummer '{text}': {exc}"
