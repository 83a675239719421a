"""Statistics from the case register: the database rows become ``CaseFacts`` (one per case),
then every measure of ``measures.py`` is computed on them. Statistics are aggregates: every
department sees every district's figures (no individual case is shown)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from oversight.auth.models import Department
from oversight.cases.models import Case, CaseDecision, Denominator
from oversight.statistics.measures import CaseFacts, Period, compute, rates

_EVENT_KINDS = {"recovery": "recoveries", "police_report": "police_reports",
                "ivo_report": "ivo_reports"}


class StatisticsError(ValueError):
    """Bad request for statistics (Swedish message)."""


def facts_for(case: Case) -> CaseFacts:
    assessment = None
    if case.assessed_on is not None:
        assessment = "not_opened" if case.not_opened_reason else "opened"
    facts = CaseFacts(
        department=case.department.name, unit=case.reporting_unit, received_on=case.received_on,
        assessment=assessment, not_opened_reason=case.not_opened_reason,
        assessed_on=case.assessed_on, investigation_started_on=case.investigation_started_on,
        closed_on=case.closed_on, cause=case.cause, sex=case.sex, module=case.module,
        repayments=[(p.paid_on, p.amount) for p in case.payments])
    for d in case.decisions:
        _add_decision(facts, d)
    if case.saved_amount:
        facts.saved.append((case.saved_on or case.closed_on or case.received_on, case.saved_amount))
    return facts


def _add_decision(facts: CaseFacts, d: CaseDecision) -> None:
    if d.kind == "recovery":
        facts.recoveries.append((d.decided_on, d.amount or Decimal(0)))
    elif d.kind == "notification":
        facts.notifications.append((d.decided_on, d.recipient or "unknown"))
    elif d.kind in _EVENT_KINDS:
        getattr(facts, _EVENT_KINDS[d.kind]).append(d.decided_on)


def department_by_code(session: Session, code: str) -> Department:
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        raise StatisticsError(_("Okänd förvaltning: %(code)s", code=code))
    return dept


def load_facts(session: Session, department: Department | None = None,
               unit: str | None = None) -> list[CaseFacts]:
    stmt = select(Case).options(selectinload(Case.decisions), selectinload(Case.payments),
                                selectinload(Case.department))
    if department is not None:
        # Aggregates only: a department filter chosen by the reader, not a scoping rule.
        stmt = stmt.where(Case.department_id == department.id)
    if unit:
        stmt = stmt.where(Case.reporting_unit == unit)
    return [facts_for(c) for c in session.scalars(stmt.execution_options(yield_per=500))]


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


def measures_for(session: Session, year: int, month: int | None = None,
                 department: Department | None = None, unit: str | None = None) -> dict:
    if month is not None and not 1 <= month <= 12:
        raise StatisticsError(_("Månaden ska vara 1–12."))
    values = compute(load_facts(session, department, unit), Period.year(year, month))
    values["rates"] = rates(values, denominators(session, year, department))
    return values


@dataclass
class DistrictRow:
    department: Department
    values: dict


def comparison(session: Session, year: int, month: int | None = None) -> list[DistrictRow]:
    """The measures per department that has cases, for the comparison table."""
    facts = load_facts(session)
    period = Period.year(year, month)
    by_dept: dict[str, list[CaseFacts]] = {}
    for f in facts:
        by_dept.setdefault(f.department, []).append(f)
    depts = {d.name: d for d in session.scalars(select(Department))}
    return [DistrictRow(depts[name], compute(fs, period))
            for name, fs in sorted(by_dept.items()) if name in depts]
