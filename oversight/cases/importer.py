"""``flask cases import FILE``: existing case lists (one row per case) into the register.

All or nothing: every row is checked first and every bad cell is reported with its row and
column; nothing is written when one is bad. A reference already in the register is skipped,
so importing the same file twice adds nothing. See README "Case register" for the columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.auth.models import Department
from oversight.cases import codes
from oversight.cases.filereader import CellError, read_rows
from oversight.cases.models import Case, CaseDecision, CaseEvent, CasePayment
from oversight.tabular import parse_amount, parse_date

COLUMNS = ("reference", "department", "received_on", "source", "assessment", "not_opened_reason",
           "assessed_on", "investigation_started_on", "closed_on", "cause", "sex",
           "recovery_decided_on", "recovery_amount", "repaid_amount", "police_report_on",
           "notified_to", "saved_amount")
OPTIONAL = ("title", "unit", "module")
REQUIRED = ("reference", "department", "received_on")
DATES = ("received_on", "assessed_on", "investigation_started_on", "closed_on",
         "recovery_decided_on", "police_report_on")
AMOUNTS = ("recovery_amount", "repaid_amount", "saved_amount")


class CaseImportError(ValueError):
    def __init__(self, errors: list[CellError]):
        self.errors = errors
        lines = [f"rad {e.row}, kolumn {e.column}: {e.message}" for e in errors[:50]]
        more = f"\n… och {len(errors) - 50} fel till" if len(errors) > 50 else ""
        super().__init__("Filen importerades inte:\n" + "\n".join(lines) + more)


@dataclass
class ImportResult:
    imported: int = 0
    skipped: list[str] = field(default_factory=list)


def _code(codes_: dict, value: str) -> str | None:
    """A code given as the code itself or as its Swedish label (case-insensitive)."""
    text = value.strip().lower()
    for code, label in codes_.items():
        if text in (code.lower(), str(label).lower()):
            return code
    return None


def _parse_amount(text: str) -> Decimal:
    return parse_amount(text, allow_negative=False)


def _parse_date(text: str) -> date:
    return parse_date(text, latest=date.today())


def _departments(session: Session) -> dict[str, Department]:
    out = {}
    for d in session.scalars(select(Department)):
        out[d.code.lower()] = out[d.name.lower()] = d
    return out


def _check_row(number: int, raw: dict[str, str], depts: dict, errors: list[CellError]) -> dict | None:
    row: dict = {}

    def bad(column: str, message: str) -> None:
        errors.append(CellError(number, column, message))

    for col in REQUIRED:
        if not raw.get(col, "").strip():
            bad(col, "värde saknas")
    for col, value in raw.items():
        value = (value or "").strip()
        if not value:
            row[col] = None
            continue
        try:
            if col in DATES:
                row[col] = _parse_date(value)
            elif col in AMOUNTS:
                row[col] = _parse_amount(value)
            else:
                row[col] = value
        except ValueError as exc:
            bad(col, str(exc))
    _check_codes(raw, row, depts, bad)
    _check_order(row, bad)
    return row


def _check_codes(raw, row, depts, bad) -> None:
    if row.get("department"):
        dept = depts.get(row["department"].lower())
        if dept is None:
            bad("department", f"okänd förvaltning {row['department']!r} (kod eller namn)")
        row["department"] = dept
    row["source"] = _code(codes.SOURCES, row["source"]) if row.get("source") else "caseworker"
    if row["source"] is None:
        bad("source", "okänd källa (" + ", ".join(codes.SOURCES) + ")")
    assessment = (row.get("assessment") or "").lower()
    if assessment not in ("", "opened", "not_opened"):
        bad("assessment", "ska vara opened eller not_opened")
    row["assessment"] = assessment or None
    for col, table in (("not_opened_reason", codes.NOT_OPENED_REASONS), ("cause", codes.CAUSES),
                       ("sex", codes.SEXES), ("module", codes.MODULES)):
        if row.get(col):
            code = _code(table, row[col])
            if code is None:
                bad(col, f"okänd kod {row[col]!r} (" + ", ".join(table) + ")")
            row[col] = code
    recipients = []
    for part in (row.get("notified_to") or "").replace("|", ",").split(","):
        if part.strip():
            code = _code(codes.RECIPIENTS, part)
            if code is None:
                bad("notified_to", f"okänd mottagare {part.strip()!r} (" + ", ".join(codes.RECIPIENTS) + ")")
            recipients.append(code)
    row["notified_to"] = recipients


def _check_order(row, bad) -> None:
    if row.get("assessment") and not row.get("assessed_on"):
        bad("assessed_on", "bedömningsdatum saknas")
    if row.get("assessed_on") and not row.get("assessment"):
        bad("assessment", "ange opened eller not_opened när assessed_on är ifyllt")
    if row.get("assessment") == "not_opened" and (row.get("investigation_started_on") or row.get("recovery_amount")):
        bad("assessment", "ett ärende som inte inleddes kan inte ha utredning eller återkrav")
    if row.get("investigation_started_on") and row.get("assessment") != "opened":
        bad("investigation_started_on", "utredning utan att ärendet inletts (assessment=opened)")
    sequence = ("received_on", "assessed_on", "investigation_started_on", "closed_on")
    present = [(c, row[c]) for c in sequence if isinstance(row.get(c), date)]
    for (c1, d1), (c2, d2) in zip(present, present[1:]):
        if d2 < d1:
            bad(c2, f"ligger före {c1}")
    if bool(row.get("recovery_amount")) != bool(row.get("recovery_decided_on")):
        bad("recovery_amount", "återkrav behöver både belopp och beslutsdatum")


def import_cases(session: Session, user, data: bytes, filename: str) -> ImportResult:
    table = read_rows(data, filename, COLUMNS + OPTIONAL, required=REQUIRED)
    depts, errors, rows = _departments(session), [], []
    seen: set[str] = set()
    for number, raw in table:
        row = _check_row(number, raw, depts, errors)
        if row.get("reference") in seen:
            errors.append(CellError(number, "reference",
                                    _("referensen finns redan tidigare i filen")))
        seen.add(row.get("reference"))
        rows.append(row)
    if errors:
        raise CaseImportError(errors)
    existing = set(session.scalars(select(Case.reference).where(Case.reference.in_(seen))))
    result = ImportResult()
    for row in rows:
        if row["reference"] in existing:
            result.skipped.append(row["reference"])
            continue
        session.add(_case_from_row(row, getattr(user, "name", "import")))
        result.imported += 1
    session.flush()
    return result


def _status(row) -> str:
    if row.get("closed_on"):
        return "closed"
    if row.get("recovery_decided_on") or row.get("police_report_on"):
        return "decision"
    if row.get("investigation_started_on"):
        return "investigation"
    return {"opened": "queued", "not_opened": "not_opened"}.get(row.get("assessment"), "registered")


def _case_from_row(row: dict, actor: str) -> Case:
    dept = row["department"]
    case = Case(
        reference=row["reference"], department_id=dept.id, title=row.get("title") or "Importerat ärende",
        source=row["source"], module=row.get("module") or "import", received_on=row["received_on"],
        assessed_on=row.get("assessed_on"), investigation_started_on=row.get("investigation_started_on"),
        not_opened_reason=(row.get("not_opened_reason") or "other") if row.get("assessment") == "not_opened" else None,
        closed_on=row.get("closed_on"), cause=row.get("cause"), sex=row.get("sex"),
        reporting_unit=row.get("unit"), status=_status(row), saved_amount=row.get("saved_amount"))
    case.saved_on = (row.get("closed_on") or row.get("recovery_decided_on")) if case.saved_amount else None
    case.events.append(CaseEvent(department_id=dept.id, from_status=None, to_status=case.status,
                                 on=row["received_on"], actor_name=actor, note="Importerad från ärendelista"))
    decided = row.get("recovery_decided_on") or row.get("closed_on") or row.get("investigation_started_on") \
        or row.get("assessed_on") or row["received_on"]

    def decision(kind: str, on: date, **extra) -> None:
        case.decisions.append(CaseDecision(department_id=dept.id, kind=kind, decided_on=on,
                                       decided_by="officer", decided_by_name=actor, **extra))

    if row.get("recovery_amount"):
        decision("recovery", row["recovery_decided_on"], amount=row["recovery_amount"])
    if row.get("police_report_on"):
        decision("police_report", row["police_report_on"], legal_basis="bbl_6")
    for recipient in row["notified_to"]:
        decision("notification", decided, recipient=recipient, legal_basis="lag_2008_206")
    if row.get("repaid_amount"):
        case.payments.append(CasePayment(department_id=dept.id, paid_on=row.get("closed_on") or decided,
                                     amount=row["repaid_amount"], reference="import", source="import"))
    return case
