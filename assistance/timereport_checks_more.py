"""The time-report checks about assistants, working time, permits, copies and approvals, and
``run_checks`` that runs every check of a month. Pure; see ``timereport_checks``."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from flask_babel import gettext as _

from assistance import timereport_codes as C
from assistance.shift_times import hours_text, month_bounds
from assistance.timereport_checks import (
    Timed,
    _finding,
    _rows_text,
    check_death,
    check_decision_hours,
    check_hospital,
    check_overlap,
    time_shifts,
)
from oversight.formatting import number


def eighteenth_birthday(birth: date) -> date:
    """A person born on 29 February turns 18 on 1 March in a common year."""
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:
        return date(birth.year + 18, 3, 1)


def _group(timed, *fields: str):
    """``timed`` grouped by the shift's ``fields`` (one: its value; several: a tuple)."""
    key = attrgetter(*(f"shift.{f}" for f in fields))
    out = defaultdict(list)
    for t in timed:
        out[key(t)].append(t)
    return out


def _group_finding(code, items, text, **kw) -> C.Finding:
    """One finding over ``items``; ``text`` is a gettext source with %(h)s and %(rows)s."""
    minutes = sum(t.minutes for t in items)
    rows = [t.shift.row for t in items]
    return _finding(code, items[0].shift, rows, minutes,
                    _(text, h=hours_text(minutes), rows=_rows_text(rows), **kw))


# --- the assistant: age, residence, work permit -------------------------------------------

def check_assistants(timed: list[Timed], assistants: dict) -> list[C.Finding]:
    """Missing facts fail closed: an unknown assistant or residence is a finding, not a pass."""
    under, outside, no_permit = defaultdict(list), defaultdict(list), defaultdict(list)
    adult_from = {aid: eighteenth_birthday(a.birth_date) for aid, a in assistants.items()
                  if a.birth_date is not None}
    clear = _clear_days(assistants, adult_from)
    for t in timed:
        s = t.shift
        days = clear.get(s.assistant_id)
        if days is not None and days[0] <= s.day <= days[1]:
            continue  # adult, in the EEA and with any permit needed on that day
        a = assistants.get(s.assistant_id)
        key = (s.assistant_id, s.person_id)
        adult = adult_from.get(s.assistant_id)
        if adult is None or s.day < adult:
            under[key].append(t)
        if a is None or a.lives_in_eea is not True:
            outside[key].append(t)
        if a is not None and a.needs_work_permit and (
                a.work_permit_until is None or s.day > a.work_permit_until):
            no_permit[key].append(t)
    out = []
    for (aid, _p), items in under.items():
        a = assistants.get(aid)
        born = a.birth_date.isoformat() if a and a.birth_date else _("okänt")
        out.append(_group_finding(C.ASSISTANT_UNDER_18, items,
            "Assistenten (född %(born)s) var under 18 år: %(h)s timmar, rad %(rows)s. "
            "En assistent ska ha fyllt 18 år.", born=born))
    for (aid, _p), items in outside.items():
        a = assistants.get(aid)
        why = (_("uppgift om bosättning saknas") if a is None or a.lives_in_eea is None
               else _("assistenten bor utanför EES"))
        out.append(_group_finding(C.ASSISTANT_OUTSIDE_EEA, items,
            "%(why)s: %(h)s timmar, rad %(rows)s. En assistent ska vara bosatt inom EES.",
            why=why[:1].upper() + why[1:]))
    for (aid, _p), items in no_permit.items():
        until = assistants[aid].work_permit_until
        why = (_("arbetstillstånd saknas") if until is None
               else _("arbetstillståndet gällde till %(d)s", d=until.isoformat()))
        out.append(_group_finding(C.ASSISTANT_NO_WORK_PERMIT, items,
            "Assistenten behöver arbetstillstånd; %(why)s: %(h)s timmar, rad %(rows)s.",
            why=why))
    return out


def _clear_days(assistants: dict, adult_from: dict) -> dict[str, tuple[date, date]]:
    """Per assistant the days on which none of the three rules can apply (first, last)."""
    out = {}
    for aid, a in assistants.items():
        adult = adult_from.get(aid)
        if adult is None or a.lives_in_eea is not True:
            continue
        until = date.max
        if a.needs_work_permit:
            if a.work_permit_until is None:
                continue
            until = a.work_permit_until
        out[aid] = (adult, until)
    return out


# --- WORKING_TIME_CAP: 48 h (52 h for a relative) a week on average over the window -------

def check_working_time(timed, context, assistants, month: date, params) -> list[C.Finding]:
    """Rolling windows of ``window_weeks`` weeks ending on each day of the month; the earlier
    weeks (``context``, valid shifts of the previous month) count in the windows. Hours count
    on the day a shift starts. A total above cap × weeks is a finding, for the worst window."""
    first, last = month_bounds(month)
    span = params.window_weeks * 7
    origin = first - timedelta(days=span - 1)
    per_assistant = _group(list(context) + list(timed), "assistant_id")
    out = []
    for aid, items in per_assistant.items():
        a = assistants.get(aid)
        weekly = params.cap_hours_relative if a and a.relative_of else params.cap_hours
        cap = int(Decimal(weekly) * 60 * params.window_weeks)
        if sum(t.minutes for t in items) <= cap:
            continue
        worst = _worst_window(items, origin, first, last, span)
        if worst[0] <= cap:
            continue
        out += _cap_findings(items, worst, cap, weekly, params.window_weeks, first, last)
    return out


def _worst_window(items, origin: date, first: date, last: date, span: int):
    daily = [0] * ((last - origin).days + 1)
    for t in items:
        i = (t.shift.day - origin).days
        if 0 <= i < len(daily):
            daily[i] += t.minutes
    best = (-1, None)
    running = sum(daily[:span - 1])
    for end in range(span - 1, len(daily)):
        running += daily[end]
        if running > best[0]:
            best = (running, origin + timedelta(days=end))
        running -= daily[end - span + 1]
    return best


def _cap_findings(items, worst, cap, weekly, weeks, first, last) -> list[C.Finding]:
    total, end = worst
    start = end - timedelta(days=weeks * 7 - 1)
    in_window = [t for t in items if start <= t.shift.day <= end and first <= t.shift.day <= last]
    out = []
    for _person, mine in _group(in_window, "person_id").items():
        minutes = min(total - cap, sum(t.minutes for t in mine))
        rows = [t.shift.row for t in mine]
        out.append(_finding(C.WORKING_TIME_CAP, mine[0].shift, rows, minutes, _(
            "Assistenten arbetade %(total)s timmar under %(weeks)s veckor %(start)s–%(end)s, i "
            "snitt %(avg)s timmar i veckan, över gränsen %(cap)s timmar i veckan i snitt "
            "(arbetstidslagen; 52 timmar för anhörig eller samma hushåll). Rad %(rows)s.",
            total=hours_text(total), weeks=weeks, start=start.isoformat(), end=end.isoformat(),
            avg=hours_text(total // weeks), cap=number(weekly), rows=_rows_text(rows)), day=end))
    return out


# --- PROVIDER_NO_PERMIT ---------------------------------------------------------------------

def _arrangement_on(arrangements, day: date):
    for a in arrangements:
        if a.valid_from <= day and (a.valid_to is None or day <= a.valid_to):
            return a
    return None


def check_provider_permit(timed, arrangements, no_permit_days: dict, grace_days: int):
    """A provider's shift on a day without a valid permit (unknown counts as without), unless
    the user's arrangement that day is own employer or municipal, or the day is within
    ``grace_days`` after the day the user was told of the revocation."""
    arr_by = defaultdict(list)
    for a in arrangements:
        arr_by[a.person_id].append(a)
    hits = defaultdict(list)
    for t in timed:
        s = t.shift
        if not s.provider:
            continue
        days = no_permit_days.get(s.provider)
        if days is not None and s.day not in days:
            continue  # a valid permit that day (the cheapest test first: most shifts end here)
        arr = _arrangement_on(arr_by.get(s.person_id, ()), s.day)
        if arr is not None and arr.kind != "provider":
            continue
        told = arr.told_of_revocation_on if arr is not None else None
        if told is not None and s.day <= told + timedelta(days=grace_days):
            continue
        hits[(s.person_id, s.provider)].append(t)
    out = []
    for (person, provider), items in hits.items():
        arr = _arrangement_on(arr_by.get(person, ()), items[0].shift.day)
        told = arr.told_of_revocation_on if arr is not None else None
        grace = (_("användaren fick veta om återkallelsen %(d)s; betalning medges t.o.m. "
                   "%(last)s", d=told.isoformat(), last=(told + timedelta(days=grace_days)).isoformat())
                 if told else _("inget datum då användaren fick veta är registrerat"))
        unknown = provider not in no_permit_days
        out.append(_group_finding(C.PROVIDER_NO_PERMIT, items,
            "Anordnaren %(org)s saknade %(what)s IVO-tillstånd (LSS 23 §) dessa dagar: "
            "%(h)s timmar, rad %(rows)s; %(grace)s.", org=provider,
            what=_("känt") if unknown else _("giltigt"), grace=grace))
    return out


# --- REPEATED_REPORT, MISSING_APPROVAL --------------------------------------------------------

def report_pattern(shifts) -> frozenset:
    """What a copied report repeats: assistant, day of month, clock times and kind."""
    return frozenset((s.assistant_id, s.day.day, s.start, s.end, s.kind) for s in shifts)


def check_repeated(timed, earlier: dict, params) -> list[C.Finding]:
    out = []
    for person, items in _group(timed, "person_id").items():
        if len(items) < params.repeat_min_lines or person not in earlier:
            continue
        mine = report_pattern(t.shift for t in items)
        for month, pattern in earlier[person]:
            similarity = Decimal(len(mine & pattern)) / Decimal(len(mine | pattern) or 1)
            if similarity >= params.repeat_similarity:
                out.append(_group_finding(C.REPEATED_REPORT, items,
                    "Rapporten upprepar %(month)s rad för rad (samma assistenter, dagar och "
                    "tider; %(pct)s %% lika): %(h)s timmar, rad %(rows)s. En kopierad rapport "
                    "visar inte utförd tid.", month=month.strftime("%Y-%m"),
                    pct=int(similarity * 100)))
                break
    return out


def check_approvals(timed, approvals) -> list[C.Finding]:
    by_report = {(a.person_id, a.provider): a for a in approvals}
    out = []
    for (person, provider), items in _group(timed, "person_id", "provider").items():
        a = by_report.get((person, provider))
        if a is not None and a.user_approved:
            items = [t for t in items if t.shift.assistant_id not in a.approved_assistants]
            who = _("assistent %(ids)s", ids=", ".join(sorted({t.shift.assistant_id
                                                                for t in items})))
        else:
            who = _("användaren eller företrädaren")
        if items:
            out.append(_group_finding(C.MISSING_APPROVAL, items,
                "Rapporten är inte godkänd av %(who)s: %(h)s timmar, rad %(rows)s. Både "
                "användaren och assistenten ska godkänna tidrapporten.", who=who))
    return out


def run_checks(data: C.MonthData, params: C.Parameters) -> list[C.Finding]:
    timed, findings = time_shifts(data.shifts, data.month)
    context, _ignored = time_shifts(data.context_shifts)
    findings += check_overlap(context + timed, since=data.month)
    findings += check_decision_hours(timed, data.decisions, data.month)
    findings += check_hospital(timed, data.stays, params.hospital_max_days)
    findings += check_assistants(timed, data.assistants)
    findings += check_working_time(timed, context, data.assistants, data.month, params)
    findings += check_provider_permit(timed, data.arrangements, data.no_permit_days,
                                      params.grace_days)
    findings += check_death(timed, data.deaths)
    findings += check_repeated(timed, data.earlier_patterns, params)
    if data.approvals is not None:
        findings += check_approvals(timed, data.approvals)
    return findings
