"""Demo data for time reports (synthetic; runs after the assistance demo has users).

For the demo districts Järva and Bromma: two assistants per user with a provider, the reports of
the last two months through the real services (approved, except a few), a provider login
``anordnare.demo`` (password as the other demo users) for the provider with most Järva users,
and planted cases so the queue tells the story: one assistant reported at a Järva user and a
Bromma user at the same time (two providers), hours during a hospital stay, an assistant under
18, and a report never approved. Then the month's checks run. Idempotent: existing reports are
kept (the same content again is a no-op), assistants and stays are found by natural key.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistance import timereport_codes as C
from assistance.models import Arrangement, AssistanceUser
from assistance.timereport_checks import decided_hours
from assistance.timereport_models import Assistant, HospitalStay
from assistance.timereport_run import check_month
from assistance.timereport_submit import (
    LineInput,
    approve_as_assistant,
    approve_as_user,
    submit_report,
)
from oversight.auth import services as auth
from oversight.auth.models import Department, User
from oversight.identifiers import luhn_check_digit

DISTRICTS = ("sdf-jarva", "sdf-bromma")
PROVIDER_USERNAME = "anordnare.demo"


def _pnr(born: date, serial: int) -> str:
    ten = f"{born.year % 100:02d}{born.month:02d}{born.day:02d}{serial % 999 + 1:03d}"
    return f"{born.year // 100}{ten}{luhn_check_digit(ten)}"


def _months(today: date) -> list[date]:
    previous = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    before = (previous - timedelta(days=1)).replace(day=1)
    return [before, previous]


def _users(session: Session) -> list[tuple[AssistanceUser, Arrangement]]:
    stmt = (select(AssistanceUser, Arrangement).join(Arrangement).join(Department)
            .where(Department.code.in_(DISTRICTS), Arrangement.kind == "provider",
                   Arrangement.valid_to.is_(None)).order_by(AssistanceUser.id))
    return list(session.execute(stmt).tuples())


def _assistant(session, provider_id: int, serial: int, born=date(1985, 4, 4)) -> str:
    aid = _pnr(born.replace(year=born.year + serial % 20), serial)
    _ensure(session, provider_id, aid)
    return aid


def _lines(month: date, assistants: list[str], target_hours, extra=()) -> list[LineInput]:
    """Four-hour shifts, alternating assistants, up to about 90 % of the decided hours; the
    pattern shifts each month (a copied report would repeat it)."""
    out, n, hours = [], 0, 0
    day = month + timedelta(days=month.month % 2)
    while day.month == month.month and hours + 4 <= float(target_hours) * 0.9:
        aid = assistants[(day.day + month.month) % len(assistants)]
        start = time(8 + (month.month % 3) * 2)
        n += 1
        out.append(LineInput(n, aid, day, start, time(start.hour + 4)))
        hours += 4
        day += timedelta(days=1)
    for aid, on, start, end in extra:
        n += 1
        out.append(LineInput(n, aid, on, start, end))
    return out


def load(session: Session, today: date | None = None) -> str:
    pairs = _users(session)
    if not pairs:
        return gettext("Tidrapporter: inga assistansanvändare i demostadsdelarna (ladda "
                       "assistansdemo först).")
    months = _months(today or date.today())
    plan = {}
    for i, (user, arrangement) in enumerate(pairs[:80]):
        provider = arrangement.provider_organisation_id
        plan[user.id] = (user, provider, [_assistant(session, provider, 2 * i),
                                          _assistant(session, provider, 2 * i + 1)])
    ids = list(plan)
    jarva = [u for u in ids if plan[u][0].department.code == "sdf-jarva"]
    bromma = [u for u in ids if plan[u][0].department.code == "sdf-bromma"]
    if jarva and bromma:  # the same assistant at a Järva and a Bromma user, same afternoon
        shared = plan[jarva[0]][2][1]
        plan[bromma[0]] = (plan[bromma[0]][0], plan[bromma[0]][1], plan[bromma[0]][2] + [shared])
        _ensure(session, plan[bromma[0]][1], shared)
    if len(jarva) > 1:
        young = _pnr(date(months[0].year - 17, 6, 1), 901)
        _ensure(session, plan[jarva[1]][1], young)
        plan[jarva[1]][2][1] = young
        stay_start = months[1] + timedelta(days=9)
        if session.scalar(select(HospitalStay).where(HospitalStay.assistance_user_id == jarva[1],
                                                     HospitalStay.start == stay_start)) is None:
            session.add(HospitalStay(assistance_user_id=jarva[1], start=stay_start,
                                     end=stay_start + timedelta(days=3), special_reasons=False))
    session.flush()
    reports = 0
    for month in months:
        lines = {uid: _lines(month, plan[uid][2][:2], decided_hours(
            [C.Decision("", d.valid_from, d.valid_to, d.hours_per_week)
             for d in plan[uid][0].decisions], month)) for uid in ids}
        if jarva and bromma:  # the shared assistant's first Järva shift, two hours later
            first = next((ln for ln in lines[jarva[0]] if ln.assistant_id == plan[bromma[0]][2][-1]),
                         None)
            if first is not None:
                lines[bromma[0]].append(LineInput(len(lines[bromma[0]]) + 1, first.assistant_id,
                                                  first.day, time(first.start.hour + 2),
                                                  time(first.start.hour + 7)))
        for n, uid in enumerate(ids):
            user, provider, _assistants = plan[uid]
            if not lines[uid]:
                continue
            report, created = submit_report(session, None, user, provider, month, lines[uid],
                                            source="demo")
            reports += created
            if created and n % 17 != 5:  # a few reports are never approved
                approve_as_user(session, None, report, "Företrädare (demo)")
                for aid in sorted({ln.assistant_id for ln in report.lines}):
                    approve_as_assistant(session, None, report, aid, "Assistent (demo)")
        check_month(session, None, month)
    _provider_login(session, plan)
    return gettext("Tidrapporter: %(reports)s för %(users)s, %(months)s.", reports=ngettext(
        "%(num)s ny rapport", "%(num)s nya rapporter", reports),
        users=ngettext("%(num)s användare", "%(num)s användare", len(ids)),
        months=ngettext("%(num)s månad", "%(num)s månader", len(months)))


def _ensure(session, provider_id: int, aid: str) -> None:
    session.flush()
    if session.scalar(select(Assistant).where(Assistant.assistant_id == aid,
                                              Assistant.provider_organisation_id == provider_id)) is None:
        session.add(Assistant(provider_organisation_id=provider_id, assistant_id=aid,
                              lives_in_eea=True))


def _provider_login(session: Session, plan) -> None:
    from oversight.demo import DEMO_PASSWORD

    if session.scalar(select(User).where(User.username == PROVIDER_USERNAME)) is not None:
        return
    jarva = Counter(p for u, p, _a in plan.values() if u.department.code == "sdf-jarva")
    if not jarva:
        return
    dept = auth.upsert_department(session, code="externa-anordnare",
                                  name="Externa assistansanordnare", kind="other")
    user = auth.create_user(session, username=PROVIDER_USERNAME, name="Anordnare (demo)",
                            password=DEMO_PASSWORD, role="provider", department=dept,
                            email=f"{PROVIDER_USERNAME}@example.invalid")
    user.organisation_id = jarva.most_common(1)[0][0]
    session.flush()
