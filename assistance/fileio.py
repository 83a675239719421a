"""Reading the module's import files. Every file goes through ``read_rows``: it uses the core
reader of Swedish tabular files (``oversight.tabular``, branch `reader`) when present, otherwise
the registries' CSV reader (and openpyxl for XLSX). Only this function knows which; the
importers get text values and parse them with the helpers below."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Sequence


@dataclass(frozen=True)
class Field:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolumn {self.column}")
        return (", ".join(where).capitalize() + ": " if where else "") + self.message


class ImportFailed(ValueError):
    """The file was refused as a whole: nothing was imported. ``errors``: list of RowError."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        shown = "; ".join(str(e) for e in self.errors[:10])
        more = f" (och {len(self.errors) - 10} fel till)" if len(self.errors) > 10 else ""
        super().__init__(f"Inget importerades. {shown}{more}.")


def _fold(title: str) -> str:
    text = str(title or "").strip().strip('"').lower()
    text = text.replace("å", "a").replace("ä", "a").replace("ö", "o")
    return re.sub(r"[^a-z0-9]+", "", text)


def read_rows(data: bytes, filename: str, fields: Sequence[Field]) -> list[tuple[int, dict[str, str]]]:
    """(row number in the file, {field: text}) for every non-empty data row."""
    try:
        from oversight import tabular
    except ImportError:
        tabular = None
    if tabular is not None and hasattr(tabular, "read_table"):
        return _read_core(tabular, data, filename, fields)
    return _read_fallback(data, filename, fields)


def _read_core(tabular, data, filename, fields):
    columns = [tabular.Column(f.name, aliases=f.aliases, required=f.required, kind="text")
               for f in fields]
    try:
        table = tabular.read_table(data, filename, columns)
    except tabular.TableError as exc:
        raise ImportFailed([RowError(e.row, e.column, e.message) for e in exc.errors]
                           or [RowError(None, None, str(exc))]) from exc
    return [(row.number, {k: "" if v is None else str(v).strip() for k, v in row.values.items()})
            for row in table.rows]


def _xlsx_to_csv(data: bytes) -> bytes:
    import csv

    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # noqa: BLE001  (any unreadable workbook is the user's file)
        raise ImportFailed([RowError(None, None, f"XLSX-filen kunde inte läsas ({exc.__class__.__name__}).")])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for values in sheet.iter_rows(values_only=True):
        writer.writerow(["" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else v)
                         for v in values])
    return out.getvalue().encode("utf-8")


def _read_fallback(data, filename, fields):
    from registries.csvfiles import ImportRejected, read_table

    if data[:2] == b"PK":
        data = _xlsx_to_csv(data)
    aliases = {}
    for f in fields:
        for title in (f.name, *f.aliases):
            aliases.setdefault(_fold(title), f.name)
    required = tuple(f.name for f in fields if f.required)
    try:
        rows = list(read_table(data, aliases, required))
    except ImportRejected as exc:
        raise ImportFailed([RowError(e.get("line"), None, e["error"]) for e in exc.errors]) from exc
    return [(line, {f.name: values.get(f.name, "") for f in fields}) for line, values in rows]


# --- value parsers (raise ValueError with a Swedish message) -----------------------------------

def parse_day(text: str | None, *, required: bool = True) -> date | None:
    value = (text or "").strip()
    if not value:
        if required:
            raise ValueError("datum saknas")
        return None
    for pattern in (r"(\d{4})-(\d{2})-(\d{2})", r"(\d{4})(\d{2})(\d{2})"):
        m = re.fullmatch(pattern, value[:10] if len(value) > 10 and value[10:11] in " T" else value)
        if m:
            try:
                return date(*map(int, m.groups()))
            except ValueError:
                break
    raise ValueError(f"{value!r} är inget giltigt datum (ÅÅÅÅ-MM-DD)")


def parse_hours(text: str | None) -> Decimal:
    value = re.sub(r"\s|\u00a0", "", text or "").replace(",", ".")
    if not value:
        raise ValueError("antal timmar saknas")
    try:
        hours = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{text!r} är inget antal timmar") from None
    if hours <= 0 or hours > 168:
        raise ValueError(f"{text!r}: timmar per vecka ska vara mellan 0 och 168")
    return hours.quantize(Decimal("0.01"))


def parse_choice(text: str | None, choices: dict, what: str, extra: dict | None = None) -> str:
    """A code from ``choices`` given as the code or its label (case and å/ä/ö folded)."""
    folded = _fold(text or "")
    lookup = {_fold(code): code for code in choices}
    lookup.update({_fold(str(lbl)): code for code, lbl in choices.items()})
    lookup.update({_fold(k): v for k, v in (extra or {}).items()})
    if folded in lookup:
        return lookup[folded]
    allowed = ", ".join(choices)
    raise ValueError(f"{what} {text!r} är okänd (tillåtna: {allowed})")
