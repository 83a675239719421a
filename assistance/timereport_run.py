"""Running the month's checks over the database: collect plain data (column selects, no ORM
objects per line, so a national month fits), run the pure checks, store the findings in each
district's exception queue. Accepted findings stay accepted when the same rows come back."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import String, or_, select, type_coerce
from sqlalchemy.orm import Session

from assistance import timereport_codes as C
from assistance.models import Arrangement, AssistanceDecision, AssistanceUser, Permit
from assistance.permits import days_without_permit
from assistance.shift_times import month_bounds
from assistance.timereport_checks_more import report_pattern, run_checks
from assistance.timereport_models import (
    Assistant,
    AssistantApproval,
    HospitalStay,
    TimeReport,
    TimeReportFinding,
    TimeReportLine,
)
from assistance.timereport_rules import parameters_on
from oversight.gc_pause import paused_gc
from oversight.organisations.models import Organisation
from oversight.scoping import owned_by

LINE_COLUMNS = (TimeReportLine.id, TimeReportLine.assistant_id, type_coerce(TimeReportLine.day, String),
                type_coerce(TimeReportLine.start, String), type_coerce(TimeReportLine.end, String),
                TimeReportLine.kind, type_coerce(TimeReportLine.end_day, String),
                TimeReportLine.report_id)


def birth_date_of(person_id: str) -> date | None:
    """Birth date of a 12-digit personnummer or samordningsnummer (day + 60)."""
    try:
        day = int(person_id[6:8])
        return date(int(person_id[:4]), int(person_id[4:6]), day - 60 if day > 60 else day)
    except (ValueError, TypeError):
        return None


def _reports_in(months_from: date, months_to: date):
    return (TimeReport.status != "superseded", TimeReport.month >= months_from,
            TimeReport.month <= months_to)


def _line_select(months_from: date, months_to: date, days_from: date | None = None):
    """The lines of the months' current reports: line columns only (the user and provider
    come per report, not per line: joining them to 1.5 M lines cost a third of the read)."""
    stmt = (select(*LINE_COLUMNS).join(TimeReport, TimeReportLine.report_id == TimeReport.id)
            .where(*_reports_in(months_from, months_to)))
    if days_from is not None:
        stmt = stmt.where(TimeReportLine.day >= days_from)
    return stmt


def _report_parties(session: Session, months_from: date, months_to: date) -> dict[int, tuple]:
    """Report id -> (the user's person id, the provider's org nr or "")."""
    stmt = (select(TimeReport.id, AssistanceUser.person_id, Organisation.orgnr)
            .join(AssistanceUser, TimeReport.assistance_user_id == AssistanceUser.id)
            .outerjoin(Organisation, TimeReport.provider_organisation_id == Organisation.id)
            .where(*_reports_in(months_from, months_to)))
    return {rid: (pid, org or "") for rid, pid, org in session.execute(stmt)}


def _shifts(session: Session, months_from: date, months_to: date,
            days_from: date | None = None) -> list[C.Shift]:
    """Plain shifts of the months' current reports. The date and time columns come untyped
    (SQLite's text, PostgreSQL's objects): SQLAlchemy's per-row parsing dominated at a national
    month, so they are parsed here once per distinct value (which also shares one object per
    value); the rows come from the driver's cursor in batches, with no Row object per line."""
    parties = _report_parties(session, months_from, months_to)
    stmt = _line_select(months_from, months_to, days_from)
    seen: dict = {}
    get = seen.get
    rows = []
    append = rows.append
    for part in _fetch_batches(session, stmt):
        for row, aid, day, start, end, kind, end_day, rid in part:
            d, s, e = get(day), get(start), get(end)
            if d is None:
                d = seen[day] = _day(day) if isinstance(day, str) else day
            if s is None:
                s = seen[start] = _time(start) if isinstance(start, str) else start
            if e is None:
                e = seen[end] = _time(end) if isinstance(end, str) else end
            a = get(aid)
            if a is None:
                a = seen[aid] = aid
            pid, org = parties[rid]
            append(C.Shift(row, a, pid, org, d, s, e, kind,
                           (_day(end_day) if isinstance(end_day, str) else end_day)
                           if end_day else None))
    return rows


def _fetch_batches(session: Session, stmt, size: int = 50_000):
    """Plain tuples straight from the DB-API cursor (SQLAlchemy binds and executes; its Row
    per line is skipped), ``size`` rows at a time."""
    result = session.connection().execute(stmt)
    try:
        while part := result.cursor.fetchmany(size):
            yield part
    finally:
        result.close()


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


def _time(text: str):
    from datetime import time as clock
    return clock(int(text[:2]), int(text[3:5]))


def _assistants(session: Session, ids) -> dict[str, C.Assistant]:
    """Facts per assistant id; when providers disagree the less favourable fact wins."""
    rows = defaultdict(list)
    for a in session.execute(select(Assistant.assistant_id, Assistant.lives_in_eea,
                                     Assistant.needs_work_permit, Assistant.work_permit_until,
                                     Assistant.relative_of_person_id)):
        if a[0] in ids:
            rows[a[0]].append(a)
    out = {}
    for aid, facts in rows.items():
        eea = [f[1] for f in facts]
        lives = False if False in eea else (None if None in eea else True)
        needs = any(f[2] for f in facts)
        untils = [f[3] for f in facts if f[2]]
        until = None if (not untils or None in untils) else min(untils)
        relative = next((f[4] for f in facts if f[4]), None)
        out[aid] = C.Assistant(aid, birth_date_of(aid), lives, needs, until, relative)
    return out


def collect_month(session: Session, month: date, params: C.Parameters) -> C.MonthData:
    first, last = month_bounds(month)
    shifts = _shifts(session, first, first)
    context_from = first - timedelta(days=params.window_weeks * 7 - 1)
    context = _shifts(session, context_from.replace(day=1), first - timedelta(days=1),
                      days_from=context_from)
    persons = {s.person_id for s in shifts}
    users = {u.person_id: u for u in session.scalars(select(AssistanceUser)) if u.person_id in persons}
    by_id = {u.id: u.person_id for u in users.values()}
    data = C.MonthData(first, shifts, context_shifts=context)
    data.assistants = _assistants(session, {s.assistant_id for s in shifts + context})
    for d in session.scalars(select(AssistanceDecision).where(AssistanceDecision.valid_from <= last)):
        if d.assistance_user_id in by_id:
            data.decisions.append(C.Decision(by_id[d.assistance_user_id], d.valid_from,
                                             d.valid_to, Decimal(d.hours_per_week)))
    for s in session.scalars(select(HospitalStay).where(HospitalStay.start <= last, or_(
            HospitalStay.end.is_(None), HospitalStay.end >= first))):
        if s.assistance_user_id in by_id:
            data.stays.append(C.HospitalStay(by_id[s.assistance_user_id], s.start, s.end,
                                             s.special_reasons))
    data.deaths = {p: u.death_date for p, u in users.items() if u.death_date}
    data.arrangements = _arrangements(session, by_id, first, last)
    data.no_permit_days = _no_permit_days(session, {s.provider for s in shifts if s.provider},
                                          first, last)
    data.approvals = _approvals(session, first)
    data.earlier_patterns = _earlier_patterns(session, first)
    return data


def _arrangements(session, by_id, first, last) -> list[C.Arrangement]:
    orgs = dict(session.execute(select(Organisation.id, Organisation.orgnr)).all())
    out = []
    for a in session.scalars(select(Arrangement).where(Arrangement.valid_from <= last, or_(
            Arrangement.valid_to.is_(None), Arrangement.valid_to >= first))):
        if a.assistance_user_id in by_id:
            out.append(C.Arrangement(by_id[a.assistance_user_id], a.valid_from, a.valid_to, a.kind,
                                     orgs.get(a.provider_organisation_id, ""),
                                     a.user_told_of_revocation_on))
    return out


def _no_permit_days(session, orgnrs, first, last) -> dict[str, frozenset]:
    orgs = {o.id: o.orgnr for o in session.scalars(select(Organisation).where(
        Organisation.orgnr.in_(orgnrs)))} if orgnrs else {}
    permits = defaultdict(list)
    if orgs:
        for p in session.scalars(select(Permit).where(Permit.organisation_id.in_(list(orgs)))):
            permits[p.organisation_id].append(p)
    return {orgnr: frozenset(days_without_permit(permits[oid], first, last))
            for oid, orgnr in orgs.items()}


def _approvals(session, first) -> list[C.ReportApproval]:
    approved = defaultdict(set)
    for rid, aid in session.execute(select(AssistantApproval.report_id, AssistantApproval.assistant_id)
                                    .join(TimeReport).where(TimeReport.month == first)):
        approved[rid].add(aid)
    stmt = (select(TimeReport.id, AssistanceUser.person_id, Organisation.orgnr,
                   TimeReport.user_approved_at)
            .join(AssistanceUser, TimeReport.assistance_user_id == AssistanceUser.id)
            .outerjoin(Organisation, TimeReport.provider_organisation_id == Organisation.id)
            .where(TimeReport.month == first, TimeReport.status != "superseded"))
    return [C.ReportApproval(pid, org or "", at is not None, frozenset(approved[rid]))
            for rid, pid, org, at in session.execute(stmt)]


def _earlier_patterns(session, first, months: int = 3) -> dict[str, list]:
    start = first
    for _i in range(months):
        start = (start - timedelta(days=1)).replace(day=1)
    per = defaultdict(list)
    for s, month in _shifts_with_month(session, start, first - timedelta(days=1)):
        per[(s.person_id, month)].append(s)
    out = defaultdict(list)
    for (person, month), shifts in sorted(per.items(), key=lambda kv: kv[0][1], reverse=True):
        out[person].append((month, report_pattern(shifts)))
    return out


def _shifts_with_month(session, start, end):
    for s in _shifts(session, start, end):
        yield s, s.day.replace(day=1)


def check_month(session: Session, actor, month: date,
                department_id: int | None = None) -> list[TimeReportFinding]:
    """Run every check for the month and store the findings (flush, no commit). Returns the
    month's current findings that are not accepted. The checks always see every district's
    reports (an assistant may work in two); with ``department_id`` (an officer's run) only that
    district's queue is written."""
    params = parameters_on(session, month)
    with paused_gc():  # millions of acyclic shift objects (oversight.gc_pause)
        findings = run_checks(collect_month(session, month, params), params)
    return store_findings(session, month, findings, department_id)



def store_findings(session: Session, month: date, findings,
                   department_id: int | None = None) -> list[TimeReportFinding]:
    users = {pid: (uid, dep) for uid, pid, dep in session.execute(
        select(AssistanceUser.id, AssistanceUser.person_id, AssistanceUser.department_id))}
    orgs = dict(session.execute(select(Organisation.orgnr, Organisation.id)).all())
    stmt = select(TimeReportFinding).where(TimeReportFinding.month == month)
    if department_id is not None:
        stmt = owned_by(stmt, TimeReportFinding, department_id)
    existing = {(f.department_id, f.fingerprint): f for f in session.scalars(stmt)}
    seen, out = set(), []
    for f in findings:
        uid, dep = users[f.person_id]
        if department_id is not None and dep != department_id:
            continue
        key = (dep, f.fingerprint[:500])
        if key in seen:
            continue
        seen.add(key)
        row = existing.get(key)
        if row is None:
            row = TimeReportFinding(department_id=dep, month=month, code=f.code,
                                    fingerprint=key[1], assistance_user_id=uid, state="open")
            session.add(row)
        row.provider_organisation_id = orgs.get(f.provider)
        row.assistant_id, row.day, row.hours = f.assistant_id, f.day, f.hours
        row.rows, row.explanation, row.current = ",".join(map(str, f.rows)), f.explanation, True
        if row.state != "accepted":
            out.append(row)
    for key, row in existing.items():
        if key not in seen and row.current:
            row.current = False
    session.flush()
    return out
