"""Statistics as rows for CSV/XLSX: one row per measure (value and definition), breakdowns
flattened as ``measure: key``; the XLSX has a second sheet comparing the districts."""
from __future__ import annotations

import io

from oversight.exports import safe_cell
from oversight.statistics import measures as m
from oversight.statistics.service import comparison

HEADERS = ("Mått", "Nyckel", "Värde", "Definition")
SCALARS = [x for x in m.MEASURES if x.unit != "breakdown"]


def measure_rows(values: dict) -> list[tuple]:
    rows = []
    for measure in m.MEASURES:
        value = values[measure.key]
        if isinstance(value, dict):
            for key, sub in value.items():
                sub = sum(sub.values()) if isinstance(sub, dict) else sub
                rows.append((f"{measure.label}: {key}", f"{measure.key}.{key}", sub, measure.definition))
        else:
            rows.append((measure.label, measure.key, value, measure.definition))
    for key, value in values.get("rates", {}).items():
        rows.append((key, key, value, "Per 1 000 enligt nämnare som registrerats för året."))
    return rows


def comparison_rows(session, year: int, month: int | None) -> tuple[list[str], list[list]]:
    headers = ["Förvaltning"] + [x.label for x in SCALARS]
    rows = [[r.department.name] + [r.values[x.key] for x in SCALARS]
            for r in comparison(session, year, month)]
    return headers, rows


def workbook_bytes(session, values: dict, year: int, month: int | None) -> bytes:
    from openpyxl import Workbook

    from oversight.exports import _xlsx_value

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"Statistik {year}" + (f"-{month:02d}" if month else ""))
    ws.append(list(HEADERS))
    for row in measure_rows(values):
        ws.append([_xlsx_value(v) for v in row])
    headers, rows = comparison_rows(session, year, month)
    cmp_ws = wb.create_sheet("Per förvaltning")
    cmp_ws.append([safe_cell(h) for h in headers])
    for row in rows:
        cmp_ws.append([_xlsx_value(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
