"""Reading the files Swedish finance systems export, through the core reader
(``oversight.tabular``), with errors as FileError (line and/or XML element) for the payment
and holder files (pure, no I/O beyond the bytes given)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from oversight.tabular import Column, TableError, parse_amount as _parse_amount, \
    parse_date as _parse_date, read_table


@dataclass(frozen=True)
class FileError:
    """A problem at a place in a file: ``line`` (1-based) and/or ``element`` (XML path)."""

    message: str
    line: int | None = None
    element: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.element:
            where.append(self.element)
        return (", ".join(where) + ": " if where else "") + self.message

    def to_json(self) -> dict:
        return {"message": self.message, "line": self.line, "element": self.element,
                "text": str(self)}


class FileFormatError(ValueError):
    """The file cannot be read; ``errors`` lists every problem found (nothing was saved)."""

    def __init__(self, errors: list[FileError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


def read_rows(data: bytes, columns: dict[str, tuple[str, ...]], required: set[str],
              max_errors: int = 100, filename: str = "fil.csv") -> list[tuple[int, dict[str, str]]]:
    """Rows as ``(line number, {column: text})`` read by the core reader (oversight.tabular:
    encoding, delimiter, header, field counts, limits); raises FileFormatError listing the
    problems. ``columns`` maps our column name to accepted header spellings; other columns
    in the file are ignored."""
    spec = [Column(name, aliases=tuple(names), required=name in required,
                   label=names[0] if names else name) for name, names in columns.items()]
    try:
        table = read_table(data, filename, spec, allow_unknown_columns=True, max_errors=max_errors)
    except TableError as exc:
        raise FileFormatError([FileError(e.message if e.column is None else
                                         f"{e.column}: {e.message}", e.row)
                               for e in exc.errors]) from None
    return [(row.number, {name: ("" if value is None else value)
                          for name, value in row.values.items()}) for row in table.rows]


def parse_amount(text: str) -> Decimal:
    """``1 234,50`` / ``1234.50`` / ``1.234,50`` / ``-500`` -> Decimal (at most 2 decimals);
    ValueError with a Swedish message otherwise."""
    return _parse_amount(text, max_decimals=2)


def parse_date(text: str) -> date:
    """ISO date ``2026-03-01`` (also ``20260301``, a date-time's date part and the usual
    Swedish forms) in a plausible range; ValueError with a Swedish message otherwise."""
    return _parse_date(text)
