"""The case register's one entry to tabular files, through the core reader
``oversight.tabular`` (encodings, delimiters, XLSX, zip, limits, row-numbered errors):
``read_rows(data, filename, columns, required)`` -> ``[(row_number, {column: text})]``.
The cells stay text here; ``importer.py`` converts them with the core's ``parse_date`` and
``parse_amount`` so every message names the row and the column."""
from __future__ import annotations

from collections.abc import Sequence

from oversight.tabular import CellError, Column, TableError, read_table

__all__ = ["CellError", "FileError", "read_rows"]

FileError = TableError  # the file as a whole cannot be read (Swedish message)


def read_rows(data: bytes, filename: str, columns: Sequence[str],
              required: Sequence[str] = ()) -> list[tuple[int, dict[str, str]]]:
    spec = [Column(name, required=name in required, kind="text") for name in columns]
    table = read_table(data, filename, spec, allow_unknown_columns=True)
    return [(row.number, {k: "" if v is None else str(v) for k, v in row.values.items()})
            for row in table.rows]
