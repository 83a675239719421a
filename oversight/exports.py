"""CSV and XLSX exports that are safe to open in Excel.

A cell starting with = + - @ (or tab/CR) is read by Excel as a formula: an org name such as
"=HYPERLINK(...)" from an imported ledger would run on the officer's machine. Such cells get a
leading apostrophe, which Excel shows as text.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import Response

from oversight.formatting import STOCKHOLM, local_datetime

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _local_naive(value: datetime) -> datetime:
    """Excel has no time zones: write Stockholm wall-clock time (naive values are UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(STOCKHOLM).replace(tzinfo=None)


def _csv_value(value) -> str:
    """Numbers as numbers with a decimal comma, which Swedish Excel reads in a semicolon file (a
    negative amount is not a formula); everything else as text, neutralised if it starts like
    a formula."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    return safe_cell(_text(value))


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """Semicolon-separated UTF-8 with BOM: what Swedish Excel opens correctly by double-click."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], sheet: str = "Export") -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append([safe_cell(h) for h in headers])
    for row in rows:
        ws.append([_xlsx_value(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return _local_naive(value)
    if isinstance(value, (int, float, date)) or value is None:
        return value
    return safe_cell(str(value))


def export_response(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    if fmt == "xlsx":
        body = xlsx_bytes(headers, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        fmt, body, mimetype = "csv", csv_bytes(headers, rows), "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"'})
