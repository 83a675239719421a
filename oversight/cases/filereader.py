"""The case register's one entry to tabular files: ``read_rows(data, filename, columns,
required)`` -> ``[(row_number, {column: text})]``.

It is meant to delegate to the core reader ``oversight.tabular`` (branch ``reader``); until
that is merged it reads CSV (UTF-8 with or without BOM, or Latin-1; ``;`` ``,`` or tab) and
XLSX (first sheet) itself. Headers are matched case-insensitively; unknown columns are ignored.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str


class FileError(ValueError):
    """The file as a whole cannot be read (Swedish message)."""


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileError(f"Excelfilen kan inte läsas: {exc.__class__.__name__}") from None
    ws = wb.worksheets[0]
    out = []
    for values in ws.iter_rows(values_only=True):
        out.append(["" if v is None else (v.date().isoformat() if hasattr(v, "date") and callable(v.date)
                                          else str(v)) for v in values])
    return out


def read_rows(data: bytes, filename: str, columns: Sequence[str],
              required: Sequence[str] = ()) -> list[tuple[int, dict[str, str]]]:
    if not data:
        raise FileError("Filen är tom.")
    rows = _xlsx_rows(data) if filename.lower().endswith(".xlsx") else _csv_rows(data)
    if not rows:
        raise FileError("Filen saknar rubrikrad.")
    header = [h.strip().lower().lstrip("\ufeff") for h in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise FileError("Kolumner saknas i rubrikraden: " + ", ".join(missing))
    index = {c: header.index(c) for c in columns if c in header}
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise FileError(f"Rad {number} har {len(row)} fält men rubrikraden {len(header)}.")
        out.append((number, {c: (row[i] if i < len(row) else "") for c, i in index.items()}))
    return out
