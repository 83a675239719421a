"""The preview of an uploaded ledger: its header, the columns found (by the preset or a chosen
mapping) and the first rows, read by the preview job (associations.hooks.preview_job) and
stored as JSON in ``LedgerUpload.preview``; the page reads it back (``preview_of``), so a web
request never parses the file."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from associations.imports import LedgerImportError, open_rows, read_header, resolved_columns
from associations.ledger import LedgerError, LedgerRow

PREVIEW_ROWS = 20


@dataclass
class Preview:
    header: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header (resolved)
    rows: list[LedgerRow] = field(default_factory=list)
    error: str | None = None


def preview(data: bytes, preset: str = "standard", columns: dict | None = None,
            limit: int = PREVIEW_ROWS) -> Preview:
    out = Preview(header=read_header(data))
    try:
        rows = open_rows(data, preset, columns)
        out.columns = resolved_columns(out.header, preset, columns)
        for row in rows:
            out.rows.append(row)
            if len(out.rows) >= limit:
                break
        rows.close()
    except LedgerImportError as exc:
        out.error = str(exc)
    except LedgerError as exc:
        out.error = str(exc)
    return out


def preview_record(pv: Preview, columns: dict | None) -> dict:
    """A preview as JSON for ``LedgerUpload.preview`` (written by the preview job; the page
    reads it, so the web request never parses the file). ``mapping`` is the chosen column
    mapping it was read with (None: the preset's)."""
    return {"ready": True, "header": pv.header, "columns": pv.columns, "error": pv.error,
            "mapping": columns,
            "rows": [{"row": r.row, "department": r.department, "payee_name": r.payee_name,
                      "org_nr_raw": r.org_nr_raw, "org_nr": r.org_nr,
                      "org_nr_problem": r.org_nr_problem, "bank_account": r.bank_account,
                      "amount": str(r.amount), "date": r.date.isoformat() if r.date else None,
                      "account_text": r.account_text, "purpose": r.purpose} for r in pv.rows]}


def preview_of(record: dict | None) -> Preview | None:
    """The stored preview (None while its job has not finished)."""
    if not record or not record.get("ready"):
        return None
    rows = [LedgerRow(r["row"], r["department"], r["payee_name"], r["org_nr_raw"], r["org_nr"],
                      r["org_nr_problem"], r["bank_account"], Decimal(r["amount"]),
                      date.fromisoformat(r["date"]) if r["date"] else None,
                      r["account_text"], r["purpose"]) for r in record.get("rows") or []]
    return Preview(header=list(record.get("header") or []),
                   columns=dict(record.get("columns") or {}), rows=rows,
                   error=record.get("error"))
