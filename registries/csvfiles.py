"""Reading the small registry files (Skatteverket, Kronofogden, IVO, the local sanctions list)
through the core reader (``oversight.tabular``): CSV or XLSX (or a zip with one of them) with a
header row, any encoding and delimiter the reader accepts, Swedish booleans (ja/nej) and
amounts with decimal comma. Pure functions, no I/O."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from flask_babel import gettext as _

from oversight.tabular import Column, TableError
from oversight.tabular import parse_amount as _parse_amount
from oversight.tabular import parse_bool as _parse_bool
from oversight.tabular import read_table as _read_table


class ImportRejected(ValueError):
    """The file is refused as a whole: nothing is saved. ``errors`` lists lines and reasons."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        shown = "; ".join(f"rad {e['line']}: {e['error']}" if e.get("line") else e["error"] for e in errors[:5])
        more = f" (och {len(errors) - 5} fel till)" if len(errors) > 5 else ""
        super().__init__(f"Filen importerades inte: {shown}{more}.")


def _error(e) -> dict:
    message = e.message if e.column is None else f"{e.column}: {e.message}"
    return {"line": e.row, "error": message}


def read_table(data: bytes, aliases: dict[str, str], required: tuple[str, ...],
               filename: str = "fil.csv", errors: list | None = None) -> Iterator[tuple[int, dict]]:
    """Yield (line number, {field: text}) for every non-empty data line that has the header's
    number of fields; rows with the wrong number go to ``errors`` (dicts with line and error)
    when given, else the file is refused.

    ``aliases`` maps header titles (``organisationsnummer``, ``orgnr``, ...) to field names;
    unknown columns are ignored, a field named twice is refused. Raises ImportRejected for an
    unusable file or header."""
    titles: dict[str, list[str]] = defaultdict(list)
    for title, field in aliases.items():
        titles[field].append(title)
    columns = [Column(field, aliases=tuple(names), required=field in required)
               for field, names in titles.items()]
    try:
        table = _read_table(data, filename, columns, keep_bad_rows=True, allow_unknown_columns=True)
    except TableError as exc:
        raise ImportRejected([_error(e) for e in exc.errors]) from None
    if table.errors:
        if errors is None:
            raise ImportRejected([_error(e) for e in table.errors])
        errors.extend(_error(e) for e in table.errors)
    for row in table.rows:
        yield row.number, {f: ("" if v is None else v) for f, v in row.values.items()}


def parse_bool(value: str | None, field: str) -> bool | None:
    if not (value or "").strip():
        return None
    try:
        return _parse_bool(value)
    except ValueError as exc:
        raise ValueError(f"{field}: {exc}") from None


def parse_amount(value: str | None, field: str) -> Decimal:
    if not (value or "").strip():
        raise ValueError(_("%(field)s saknas", field=field))
    try:
        amount = _parse_amount(value, max_decimals=2, allow_negative=False)
    except ValueError as exc:
        raise ValueError(f"{field}: {exc}") from None
    return amount.quantize(Decimal("0.01"))
