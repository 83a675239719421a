"""Reading the module's import files: every file goes through ``read_rows`` (the core reader of
Swedish tabular files); the importers get text values and parse them with the helpers below,
collecting row-numbered errors."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _


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
    """(row number in the file, {field: text}) for every data row, through the core reader of
    Swedish tabular files (encodings, delimiters, XLSX, zip, limits, header checks)."""
    from oversight import tabular

    columns = [tabular.Column(f.name, aliases=f.aliases, required=f.required, kind="text")
               for f in fields]
    try:
        table = tabular.read_table(data, filename, columns)
    except tabular.TableError as exc:
        raise ImportFailed([RowError(e.row, e.column, e.message) for e in exc.errors]
                           or [RowError(None, None, str(exc))]) from exc
    return [(row.number, {f.name: _cell(row.values.get(f.name)) for f in fields})
            for row in table.rows]


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


# --- value parsers (raise ValueError with a Swedish message) -----------------------------------

def parse_day(text: str | None, *, required: bool = True) -> date | None:
    from oversight.tabular import parse_date

    value = (text or "").strip()
    if not value:
        if required:
            raise ValueError(_("datum saknas"))
        return None
    return parse_date(value)


def parse_hours(text: str | None) -> Decimal:
    """Hours per week (``37,5``, ``20``) through the core ``parse_amount``; more than 0, at most 168."""
    from oversight.tabular_values import parse_amount

    if not (text or "").strip():
        raise ValueError(_("antal timmar saknas"))
    try:
        hours = parse_amount(text, allow_negative=False)
    except ValueError:
        raise ValueError(_("%(text)r är inget antal timmar", text=text)) from None
    if hours <= 0 or hours > 168:
        raise ValueError(_("%(text)r: timmar per vecka ska vara mellan 0 och 168", text=text))
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
    raise ValueError(_("%(what)s %(text)r är okänd (tillåtna: %(allowed)s)", what=what, text=text, allowed=allowed))
