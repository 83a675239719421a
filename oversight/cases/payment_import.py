"""Payments received on recoveries, from the finance system's file (CSV/XLSX through the core
reader): ``ärende;betaldatum;belopp;referens`` (also ``reference;paid_on;amount;payment_reference``).
All or nothing; a payment already registered (same case, date, amount and reference) is skipped."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from oversight.cases import decisions
from oversight.cases.access import accessible_cases
from oversight.cases.models import Case
from oversight.tabular import CellError, Column, TableError, read_table

COLUMNS = [
    Column("case", aliases=("ärende", "arende", "reference", "diarienummer"), label="ärende"),
    Column("paid_on", aliases=("betaldatum", "datum"), kind="date", allow_empty=False, label="betaldatum"),
    Column("amount", aliases=("belopp",), kind="amount", allow_negative=False, allow_empty=False, label="belopp"),
    Column("ref", aliases=("referens", "ocr", "payment_reference"), required=False, label="referens"),
]


@dataclass
class PaymentImport:
    added: int = 0
    skipped: int = 0
    cases: set[str] = field(default_factory=set)


def import_payments(session: Session, user, data: bytes, filename: str,
                    cases_stmt=None) -> PaymentImport:
    """``cases_stmt`` limits which cases may be paid on (the user's; the CLI passes its own)."""
    table = read_table(data, filename, COLUMNS, allow_unknown_columns=True)
    stmt = cases_stmt if cases_stmt is not None else accessible_cases(user)
    refs = {str(r.values["case"]).strip() for r in table.rows}
    cases = {c.reference: c for c in session.scalars(stmt.where(Case.reference.in_(refs)))}
    errors, planned = [], []
    for row in table.rows:
        ref = str(row.values["case"]).strip()
        case = cases.get(ref)
        if case is None:
            errors.append(CellError(row.number, "ärende",
                                    _("ärendet %(ref)s finns inte (eller hör till en annan förvaltning)", ref=ref)))
            continue
        if row.values["paid_on"] > date.today():
            errors.append(CellError(row.number, "betaldatum",
                                    _("betaldatum ligger i framtiden")))
            continue
        planned.append((row.number, case, row.values))
    if errors:
        raise TableError(errors)
    result = PaymentImport()
    for number, case, v in planned:
        reference = str(v.get("ref") or "")
        if any(p.paid_on == v["paid_on"] and p.amount == v["amount"] and p.reference == reference
               for p in case.payments):
            result.skipped += 1
            continue
        try:
            decisions.add_payment(session, user, case, paid_on=v["paid_on"], amount=v["amount"],
                                  reference=reference, source="import")
        except ValueError as exc:
            raise TableError([CellError(number, "ärende", str(exc))]) from None
        result.added += 1
        result.cases.add(case.reference)
    return result
