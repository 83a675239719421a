"""The month's settlement over the database (see ``settlement`` for the rule): one line per
user and provider, the advance on the decided hours of the days that provider was arranged,
the approved hours, the hours refused by upheld findings, and the amount to reclaim."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from assistance import timereport_codes as C
from assistance.models import Arrangement, AssistanceUser
from assistance.settlement import SettlementLine, settle
from assistance.shift_times import hours, month_bounds
from assistance.timereport_checks import decision_on, time_shifts
from assistance.timereport_models import REFUSING_STATES, TimeReport, TimeReportFinding
from assistance.timereport_rules import SCHABLONBELOPP, rule_value
from oversight.cases.stops import active_stops
from oversight.scoping import restrict_to_department


def _decided_by_provider(user: AssistanceUser, first: date, last: date) -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    day = first
    while day <= last:
        decision = decision_on(user.decisions, day)
        arrangement = next((a for a in user.arrangements if a.active_on(day)), None)
        if decision is not None and arrangement is not None:
            out[arrangement.provider_organisation_id or 0] += Decimal(decision.hours_per_week) / 7
        day += timedelta(days=1)
    return {k: v.quantize(Decimal("0.01")) for k, v in out.items()}


def _shift(line, report) -> C.Shift:
    return C.Shift(line.id, line.assistant_id, report.assistance_user.person_id, "", line.day,
                   line.start, line.end, line.kind, line.end_day)


def _refused(report: TimeReport, findings, minutes_by_row) -> dict[str, Decimal]:
    rows = set(minutes_by_row)
    out: dict[str, Decimal] = defaultdict(Decimal)
    taken: set[int] = set()
    for f in sorted(findings, key=lambda f: f.code):
        mine = [r for r in f.row_ids if r in rows]
        if not mine:
            continue
        if f.code in C.ROW_REFUSING:
            new = [r for r in mine if r not in taken]
            taken.update(new)
            out[f.code] += hours(sum(minutes_by_row[r] for r in new))
        elif f.code in C.HOURS_REFUSING:
            out[f.code] += Decimal(f.hours)
    return {k: v for k, v in out.items() if v}


def settle_month(session: Session, month: date, user=None) -> list[SettlementLine]:
    """Lines for every user with an arrangement or a report in the month; ``user`` given:
    only that officer's district (department scoping)."""
    first, last = month_bounds(month)
    rate = rule_value(session, SCHABLONBELOPP, first)
    stmt = (select(AssistanceUser).join(Arrangement).where(
        Arrangement.valid_from <= last, or_(Arrangement.valid_to.is_(None),
                                            Arrangement.valid_to >= first))
            .options(selectinload(AssistanceUser.decisions),
                     selectinload(AssistanceUser.arrangements)).distinct())
    if user is not None:
        stmt = restrict_to_department(stmt, AssistanceUser, user)
    users = list(session.scalars(stmt))
    reports = _approved_reports(session, first, [u.id for u in users])
    findings = defaultdict(list)
    for f in session.scalars(select(TimeReportFinding).where(
            TimeReportFinding.month == first, TimeReportFinding.current.is_(True),
            TimeReportFinding.state.in_(REFUSING_STATES))):
        findings[f.assistance_user_id].append(f)
    lines = []
    stops = active_stops(session, {a.provider_organisation_id for u in users for a in u.arrangements
                                   if a.provider_organisation_id})
    for u in users:
        decided = _decided_by_provider(u, first, last)
        for key in sorted(set(decided) | {k for (uid, k) in reports if uid == u.id}):
            report = reports.get((u.id, key))
            approved, refused = None, {}
            if report is not None:
                timed, _invalid = time_shifts([_shift(ln, report) for ln in report.lines], first)
                minutes = {t.shift.row: t.minutes for t in timed}
                approved = hours(sum(minutes.values()))
                refused = _refused(report, findings[u.id], minutes)
            orgnr = report.provider.orgnr if report is not None and report.provider else _orgnr(u, key)
            line = settle(u.person_id, orgnr, first, rate, decided.get(key, Decimal(0)),
                          approved, refused)
            lines.append(_with_stops(line, stops.get(key, ()), u.department_id))
    return lines


def _with_stops(line: SettlementLine, stops, department_id: int) -> SettlementLine:
    """The provider's month is withheld (not payable) under its district's own active stop;
    another district's stop is shown as a note (oversight.cases.stops)."""
    own = [s.text() for s in stops if s.department_id == department_id]
    other = [s.text(department_id) for s in stops if s.department_id != department_id]
    if not own and not other:
        return line
    return replace(line, withheld=" ".join(own), stop_note=" ".join(other))


def _orgnr(user: AssistanceUser, key: int) -> str:
    for a in user.arrangements:
        if (a.provider_organisation_id or 0) == key and a.provider is not None:
            return a.provider.orgnr
    return ""


def _approved_reports(session, first, user_ids) -> dict[tuple[int, int], TimeReport]:
    out = {}
    if not user_ids:
        return out
    for r in session.scalars(select(TimeReport).where(
            TimeReport.month == first, TimeReport.status == "approved",
            TimeReport.assistance_user_id.in_(user_ids))
            .options(selectinload(TimeReport.lines), selectinload(TimeReport.provider),
                     selectinload(TimeReport.assistance_user))):
        out[(r.assistance_user_id, r.provider_key)] = r
    return out


EXPORT_HEADERS = ("Anordnare", "Månad", "Användare", "Schablonbelopp", "Beslutade timmar",
                  "Förskott", "Godkända timmar", "Underkända timmar", "Timmar att betala",
                  "Att betala", "Att återkräva (LSS 12 §)", "Skäl", "Betalas ut nu",
                  "Betalningsstopp")


def export_rows(lines: list[SettlementLine], mask) -> list[list]:
    return [[ln.provider or "Egen regi/egen arbetsgivare", ln.month.strftime("%Y-%m"),
             mask(ln.person_id), ln.rate, ln.decided_hours, ln.advance, ln.approved_hours,
             ln.refused_hours, ln.payable_hours, ln.payable, ln.reclaim, ln.reason_text,
             ln.payable_now, ln.withheld or ln.stop_note]
            for ln in sorted(lines, key=lambda x: (x.provider, x.person_id))]
