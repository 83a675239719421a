"""Reading payment ledgers (leverantörsreskontra) — pure parsing, no database.

The file is read by the core reader (oversight.tabular: CSV/XLSX/zip, encodings, delimiters,
field counts, amounts, dates, limits); this module maps the preset's header titles to fields
and flags organisation numbers. Rows are yielded one at a time. A bad organisation number never drops a
row: it is kept raw and flagged in ``org_nr_problem``. Structural faults (missing column, file
that is not a ledger, an amount that cannot be read) raise LedgerError with a Swedish message.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO

from flask_babel import gettext as _
from flask_babel import ngettext

from oversight.tabular import Column, TableError, open_table
from oversight.tabular import parse_amount as _parse_amount
from oversight.tabular import parse_date as _parse_date
from oversight.tabular_files import FileProblem

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


def read_ledger(source: str | Path | IO[bytes] | bytes, preset: str = "standard",
                filename: str | None = None, *, limits=None) -> Iterator[LedgerRow]:
    """Open a ledger with the core reader (oversight.tabular) and check its header now; the
    rows are then read lazily. Row numbers are the file's (header = row 1). ``limits``
    (``oversight.tabular_files.Limits``): the file limits, by default the app's ``IMPORT_MAX_*``.

    Missing or duplicated columns, an unknown preset, an unreadable file raise LedgerError at
    once; a bad value raises LedgerError when its row is reached.
    """
    if preset not in PRESETS:
        raise LedgerError(_("Okänd förinställning '%(preset)s' (välj %(presets)s)",
                            preset=preset, presets=', '.join(PRESETS)))
    data, name = _read_source(source, filename)
    try:
        reader = open_table(data, name, [], allow_unknown_columns=True, limits=limits)
        columns = resolve_columns(reader.header, PRESETS[preset])
        reader.select([Column(f, aliases=(str(reader.header[i]),), kind=_KINDS.get(f, "text"),
                              label=str(reader.header[i]).strip()) for f, i in columns.items()],
                      allow_unknown_columns=True)
    except TableError as exc:
        raise LedgerError(_table_message(exc)) from None
    return _rows(reader, "org_nr" in columns, reader.header_row)


_KINDS = {"amount": "amount", "date": "date"}


def _read_source(source, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, filename or "reskontra.csv"
    if isinstance(source, (str, Path)):
        try:
            return Path(source).read_bytes(), filename or Path(source).name
        except OSError as exc:
            raise LedgerError(_("Filen kunde inte öppnas: %(exc)s", exc=exc)) from exc
    return source.read(), filename or getattr(source, "name", None) or "reskontra.csv"


def _table_message(exc: TableError) -> str:
    return "; ".join((f"{e.column}: {e.message}" if e.column else e.message)
                     for e in exc.errors[:5])


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
        shown = ", ".join(str(h) for h in header if h not in (None, "")) or _("ingen rubrikrad")
        raise LedgerError(ngettext(
            "Kolumnen %(cols)s saknas (förinställning '%(name)s'; filens kolumner: %(shown)s)",
            "Kolumnerna %(cols)s saknas (förinställning '%(name)s'; filens kolumner: %(shown)s)",
            len(missing), cols=cols, name=preset.name, shown=shown))
    return found


# --- rows -----------------------------------------------------------------------------------

def _rows(reader, has_org: bool, header_row: int) -> Iterator[LedgerRow]:
    """Rows numbered as data rows (the first row under the header is 1), as the ledger has
    always stored and shown them."""
    intern: dict = {}  # repeated texts (departments, names) stored once
    orgs: dict = {} if has_org else None  # org.nr cell text -> parse_org_nr's answer
    # each field's place among the reader's values (None: not in the file)
    where = {c.name: i for i, c in enumerate(reader.columns)}
    places = [where.get(f) for f in FIELDS]
    in_order = places == list(range(len(FIELDS)))  # every field, in FIELDS order
    try:
        for number, values, errors in reader.value_rows():
            number -= header_row
            if errors:
                first = errors[0]
                message = f"{first.column}: {first.message}" if first.column else first.message
                raise LedgerError(message, row=number)
            if not in_order:
                values = [None if i is None else values[i] for i in places]
            yield _make_row(number, values, intern, orgs)
    except TableError as exc:
        raise LedgerError(_table_message(exc)) from None
    except FileProblem as exc:
        raise LedgerError(exc.message) from None


def _make_row(number: int, values: list, intern: dict, orgs: dict | None) -> LedgerRow:
    """``values`` in the order of FIELDS; the reader's texts are stripped and non-empty or
    None. Repeated texts are kept once (``intern``); ``orgs``: org numbers parsed so far
    (None: the ledger has none)."""
    department, payee, org_raw, account, amount, day, text, purpose = values
    if not department:
        raise LedgerError(_("förvaltning saknas"), row=number)
    if not payee:
        raise LedgerError(_("leverantör/mottagare saknas"), row=number)
    if amount is None:
        raise LedgerError(_("belopp saknas"), row=number)
    keep = intern.setdefault
    org_raw = keep(org_raw, org_raw) if org_raw else None
    org, problem = (None, None) if orgs is None else _parsed_org_nr(org_raw, orgs)
    return LedgerRow(number, keep(department, department), keep(payee, payee), org_raw, org,
                     problem, keep(account, account) if account else None, amount, day,
                     keep(text, text) if text else None, keep(purpose, purpose) if purpose else None)


def _parsed_org_nr(raw: str | None, orgs: dict) -> tuple[str | None, str | None]:
    """``parse_org_nr`` once per distinct cell text (a payee's number recurs on its rows)."""
    found = orgs.get(raw)
    if found is None:
        found = orgs[raw] = parse_org_nr(raw)
    return found


# --- values ---------------------------------------------------------------------------------

def parse_amount(value) -> Decimal:
    """The core reader's amount (``1 234,50``, ``1.234,50``, ``12,5-`` ...; at most 2 decimals)."""
    return _parse_amount(value)


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    return _parse_date(value)


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
