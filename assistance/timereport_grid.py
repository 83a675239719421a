"""The web grid of a time report: numbered input rows and text pasted from a spreadsheet
(tab-separated, as Excel and LibreOffice copy; semicolons also work), both as the numbered
rows ``timereport_submit.parse_lines`` reads. Pure: no request, no database."""
from __future__ import annotations

import re
from collections.abc import Mapping

COLUMNS = ("assistant_id", "date", "start", "end", "kind")
BLANK_ROWS = 8
# A submitted report's shifts as a sortable list (``views_support.sorted_rows``), row order first.
LINE_SORTS = {"line": lambda ln: ln.line_no,
              "date": lambda ln: (ln.day, ln.start, ln.line_no),
              "assistant": lambda ln: (ln.assistant_id, ln.day, ln.start),
              "kind": lambda ln: (ln.kind, ln.day, ln.start)}


def grid_rows(form: Mapping[str, str], count: int) -> list[tuple[int, dict]]:
    """``line-3-date`` etc. for rows 1..count."""
    return [(i, {c: (form.get(f"line-{i}-{c}") or "").strip() for c in COLUMNS})
            for i in range(1, count + 1)]


def paste_rows(text: str, first_number: int) -> list[tuple[int, dict]]:
    """Pasted lines in the grid's column order; a header line (no digit in the first two
    cells) is skipped. Numbers continue after the grid's rows."""
    out = []
    number = first_number
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        cells = [c.strip() for c in re.split(r"\t|;", raw)]
        if not any(ch.isdigit() for ch in "".join(cells[:2])):
            continue
        cells += [""] * (len(COLUMNS) - len(cells))
        out.append((number, dict(zip(COLUMNS, cells))))
        number += 1
    return out


def rows_for_lines(lines, blank: int = BLANK_ROWS) -> list[dict]:
    """Pre-filled grid rows from a stored version, then blank rows."""
    rows = [{"assistant_id": ln.assistant_id, "date": ln.day.isoformat(),
             "start": ln.start.strftime("%H:%M"), "end": ln.end.strftime("%H:%M"),
             "kind": "jour" if ln.kind == "on_call" else "ordinarie"} for ln in lines]
    return rows + [dict.fromkeys(COLUMNS, "") for _ in range(blank)]
