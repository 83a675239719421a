"""Statistics from the case register: the database rows become ``CaseFacts`` (one per case),
then every measure of ``measures.py`` is computed on them. Statistics are aggregates: every
department sees every district's figures (no individual case is shown)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oversight.auth.models import Department
from oversight.cases.models import Case, CaseDecision, CasePayment, Denominator
from oversight.statistics.measures import CaseFacts, Period, compute, rates

_EVENT_KINDS = {"recovery": "recoveries", "police_report": "police_reports",
                "ivo_report": "ivo_reports"}


class StatisticsError(ValueError):
    """Bad request for statistics (Swedish message)."""


# The case columns the measures read, in CaseFacts' order (rows, not ORM objects: the page
# reads every case of every year, and building thousands of entities took seconds).
_CASE_COLUMNS = (Case.id, Department.name, Case.reporting_unit, Case.received_on,
                 Case.assessed_on, Case.not_opened_reason, Case.investigation_started_on,
                 Case.closed_on, Case.cause, Case.sex, Case.module, Case.saved_amount,
                 Case.saved_on)


def _facts(row) -> CaseFacts:
    (_id, department, unit, received_on, assessed_on, not_opened_reason, started_on, closed_on,
     cause, sex, module, saved_amount, saved_on) = row
    assessment = None
    if assessed_on is not None:
        assessment = "not_opened" if not_opened_reason else "opened"
    facts = CaseFacts(
        department=department, unit=unit, received_on=received_on, assessment=assessment,
        not_opened_reason=not_opened_reason, assessed_on=assessed_on,
        investigation_started_on=started_on, closed_on=closed_on, cause=cause, sex=sex,
        module=module)
    if saved_amount:
        facts.saved.append((saved_on or closed_on or received_on, saved_amount))
    return facts


def _add_decision(facts: CaseFacts, kind: str, decided_on, amount, recipient) -> None:
    if kind == "recovery":
        facts.recoveries.append((decided_on, amount or Decimal(0)))
    elif kind == "notification":
        facts.notifications.append((decided_on, recipient or "unknown"))
    elif kind in _EVENT_KINDS:
        getattr(facts, _EVENT_KINDS[kind]).append(decided_on)


def department_by_code(session: Session, code: str) -> Department:
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        raise StatisticsError(_("Okänd förvaltning: %(code)s", code=code))
    return dept


def load_facts(session: Session, department: Department | None = None,
               unit: str | None = None) -> list[CaseFacts]:
    """One ``CaseFacts`` per case, in three statements (cases, decisions, payments)."""
    cases = select(*_CASE_COLUMNS).join(Department, Department.id == Case.department_id)
    if department is not None:
        # Aggregates only: a department filter chosen by the reader, not a scoping rule.
        cases = cases.where(Case.department_id == department.id)
    if unit:
        cases = cases.where(Case.reporting_unit == unit)
    facts = {row[0]: _facts(row) for row in session.execute(cases.order_by(Case.id))}
    ids = cases.with_only_columns(Case.id).scalar_subquery()
    # Three statements, each seeing what is committed when it runs (READ COMMITTED, SQLite
    # outside a transaction): a case committed in between is not in this reading, so its
    # decisions and payments are left out with it.
    for case_id, *decision in session.execute(
            select(CaseDecision.case_id, CaseDecision.kind, CaseDecision.decided_on,
                   CaseDecision.amount, CaseDecision.recipient)
            .where(CaseDecision.case_id.in_(ids)).order_by(CaseDecision.id)):
        if case_id in facts:
            _add_decision(facts[case_id], *decision)
    for case_id, paid_on, amount in session.execute(
            select(CasePayment.case_id, CasePayment.paid_on, CasePayment.amount)
            .where(CasePayment.case_id.in_(ids)).order_by(CasePayment.paid_on, CasePayment.id)):
        if case_id in facts:
            facts[case_id].repayments.append((paid_on, amount))
    return list(facts.values())


def reporting_units(session: Session) -> list[str]:
    """Reporting units that are not departments (e.g. a unit for the homeless), as entered."""
    stmt = select(Case.reporting_unit).where(Case.reporting_unit.is_not(None)).distinct()
    return sorted(u for u in session.scalars(stmt) if u)


def denominators(session: Session, year: int, department: Department | None) -> dict[str, int]:
    stmt = select(Denominator.kind, Denominator.value).where(Denominator.year == year)
    if department is not None:
        stmt = stmt.where(Denominator.department_id == department.id)
    out: dict[str, int] = {}
    for kind, value in session.execute(stmt):
        out[kind] = out.get(kind, 0) + value
    return out


# Statistics are read far more often than cases change: per process, computed measures are
# kept while a fingerprint of every table they are computed from is unchanged (row counts,
# highest ids, latest change; payments are never edited, only added or removed). Rates are
# not kept: denominators are edited in place and cost one statement.
_MEMO: OrderedDict[tuple, object] = OrderedDict()
_MEMO_SIZE = 64
_MEMO_LOCK = threading.Lock()


def _fingerprint(session: Session) -> tuple:
    """Counts, highest ids and the sum of every ``updated_at`` (as seconds) of the tables the
    measures read. The sum, not the latest ``updated_at``: with several workers an edit stamped
    before another one may commit after it (or on a machine whose clock is behind), and it still
    changes the sum."""
    postgres = session.get_bind().dialect.name == "postgresql"

    def seconds(column):  # exact numeric on PostgreSQL; SQLite has one writer at a time anyway
        return (func.extract("epoch", column) if postgres
                else (func.julianday(column) - 2440587.5) * 86400)

    def stats(*columns):
        return [select(c).scalar_subquery() for c in columns]

    figures = session.execute(select(*stats(
        func.count(Case.id), func.max(Case.id), func.sum(seconds(Case.updated_at)),
        func.count(CaseDecision.id), func.max(CaseDecision.id),
        func.sum(seconds(CaseDecision.updated_at)),
        func.count(CasePayment.id), func.max(CasePayment.id),
        func.count(Department.id), func.max(Department.id),
        func.sum(seconds(Department.updated_at))))).one()
    return (str(session.get_bind().url), *figures)


def _memo(session: Session, key: tuple, build: Callable[[], object]):
    full = (_fingerprint(session), *key)
    with _MEMO_LOCK:  # threaded servers: one reader may evict what another is about to read
        if full in _MEMO:
            _MEMO.move_to_end(full)
            return _MEMO[full]
    value = build()
    with _MEMO_LOCK:
        _MEMO[full] = value
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return value


def measures_for(session: Session, year: int, month: int | None = None,
                 department: Department | None = None, unit: str | None = None) -> dict:
    if month is not None and not 1 <= month <= 12:
        raise StatisticsError(_("Månaden ska vara 1–12."))
    def build():
        return compute(load_facts(session, department, unit), Period.year(year, month))

    key = ("measures", year, month, getattr(department, "id", None), unit)
    values = dict(_memo(session, key, build))  # a copy: the rates are added below
    values["rates"] = rates(values, denominators(session, year, department))
    return values


@dataclass
class DistrictRow:
    department: Department
    values: dict


def comparison(session: Session, year: int, month: int | None = None) -> list[DistrictRow]:
    """The measures per department that has cases, for the comparison table."""
    def build():
        by_dept: dict[str, list[CaseFacts]] = {}
        for f in load_facts(session):
            by_dept.setdefault(f.department, []).append(f)
        period = Period.year(year, month)
        return [(name, compute(fs, period)) for name, fs in sorted(by_dept.items())]

    depts = {d.name: d for d in session.scalars(select(Department))}
    return [DistrictRow(depts[name], values)
            for name, values in _memo(session, ("districts", year, month), build) if name in depts]
