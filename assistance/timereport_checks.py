"""The time-report checks: pure functions over ``timereport_codes`` data, one per reason code.

``run_checks(data, params)`` returns every finding of a month. Parameters are the dated rule
values on the month's first day, passed in (no lookups here). Every finding names its rows and
the rule in its explanation. Shift times follow ``shift_times`` (real elapsed hours; a shift
belongs to the day it starts on).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _

from assistance import timereport_codes as C
from assistance.shift_times import (
    MINUTES_PER_DAY,
    clock,
    clock_minutes,
    hours,
    hours_text,
    month_bounds,
    shift_span,
)
from oversight.formatting import number


@dataclass(slots=True, unsafe_hash=True)  # read-only by convention (see C.Shift)
class Timed:
    shift: C.Shift
    start: int      # UTC minutes
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start


def _rows_text(rows) -> str:
    return ", ".join(str(r) for r in rows)


def _shift_text(t: Timed) -> str:
    s = t.shift
    return _("rad %(row)s (%(day)s %(start)s–%(end)s)", row=s.row, day=s.day.isoformat(),
             start=clock(s.start), end=clock(s.end))


def _finding(code, shift: C.Shift, rows, minutes: int, explanation: str, day=None) -> C.Finding:
    return C.Finding(code, shift.person_id, shift.assistant_id, shift.provider,
                     day if day is not None else shift.day, tuple(rows), hours(minutes), explanation)


# --- SHIFT_INVALID ------------------------------------------------------------------------

def time_shifts(shifts, month: date | None = None) -> tuple[list[Timed], list[C.Finding]]:
    """Valid shifts with their instants, and a SHIFT_INVALID finding for each invalid one (end
    before start with a stated end date, over 24 hours, outside the month, unknown kind)."""
    first, last = month_bounds(month) if month else (date.min, date.max)
    valid, findings = [], []
    append = valid.append
    spans: dict = {}  # the same day, clock times and kind recur across a month's shifts
    for s in shifts:
        key = (s.day, s.start, s.end, s.end_day, s.kind)
        span = spans.get(key)
        if span is None:
            span = spans[key] = _span(s, first, last)
        start, end, reason = span
        if reason is None:
            append(Timed(s, start, end))
        else:
            findings.append(_finding(C.SHIFT_INVALID, s, (s.row,), max(end - start, 0), _(
                "Rad %(row)s (%(day)s %(start)s–%(end)s): %(reason)s.", row=s.row,
                day=s.day.isoformat(), start=clock(s.start), end=clock(s.end), reason=reason)))
    return valid, findings


def _span(s: C.Shift, first: date, last: date) -> tuple[int, int, str | None]:
    """(start, end in UTC minutes, why the shift is invalid or None)."""
    start, end = shift_span(s.day, s.start, s.end, s.end_day)
    reason = None
    if end <= start:
        reason = _("passet slutar före eller när det börjar")
    elif clock_minutes(s.day, s.start, s.end, s.end_day) > MINUTES_PER_DAY:
        reason = _("passet är längre än 24 timmar")
    elif not first <= s.day <= last:
        reason = _("passets datum ligger utanför rapportens månad")
    elif s.kind not in C.KIND_LABELS:
        reason = _("okänd passtyp %(kind)s", kind=s.kind)
    return start, end, reason


# --- ASSISTANT_OVERLAP: sort and sweep per assistant, O(n log n) -------------------------

def overlap_pairs(timed: list[Timed]) -> list[tuple[Timed, Timed, int]]:
    """(earlier, later, overlapping minutes) for every shift that starts before an earlier
    shift of the same assistant has ended, paired with the one reaching furthest. Every shift
    that overlaps any other appears in at least one pair; never compares all pairs."""
    by_assistant: dict[str, list[Timed]] = defaultdict(list)
    for t in timed:
        by_assistant[t.shift.assistant_id].append(t)
    pairs = []
    for items in by_assistant.values():
        if len(items) < 2:
            continue
        items.sort(key=lambda t: (t.start, t.end))
        reach = items[0]
        for t in items[1:]:
            if t.start < reach.end:
                pairs.append((reach, t, min(t.end, reach.end) - t.start))
            if t.end > reach.end:
                reach = t
    return pairs


def check_overlap(timed: list[Timed], since: date = date.min) -> list[C.Finding]:
    """One finding per overlapping pair and user: when the two shifts are at different users
    (perhaps in different districts), each user's finding names the other only as "another
    user". Shifts before ``since`` (earlier weeks given as context) get no finding."""
    out = []
    for a, b, minutes in overlap_pairs(timed):
        sides = ((b, a), (a, b)) if a.shift.person_id != b.shift.person_id else ((b, a),)
        for mine, other in sides:
            if mine.shift.day < since:
                continue
            where = (_("hos samma användare") if a.shift.person_id == b.shift.person_id
                     else _("hos en annan användare"))
            if a.shift.provider != b.shift.provider:
                where += _(" och en annan anordnare (%(org)s)", org=other.shift.provider or "-")
            rows = sorted((a.shift.row, b.shift.row))
            out.append(_finding(C.ASSISTANT_OVERLAP, mine.shift, rows, minutes, _(
                "Assistenten är rapporterad i två pass samtidigt: %(mine)s överlappar %(other)s "
                "%(where)s med %(h)s timmar. En assistent kan inte arbeta i två pass samtidigt.",
                mine=_shift_text(mine), other=_shift_text(other), where=where, h=hours_text(minutes))))
    return out


# --- decisions: NO_DECISION, HOURS_ABOVE_DECISION ----------------------------------------

def decision_on(decisions, day: date):
    """The decision valid on ``day`` (the latest starting one if several), else None."""
    best = None
    for d in decisions:
        if d.valid_from <= day and (d.valid_to is None or day <= d.valid_to):
            if best is None or d.valid_from > best.valid_from:
                best = d
    return best


def decided_hours(decisions, month: date) -> Decimal:
    """Decided hours of a month: each day with a valid decision counts hours_per_week / 7."""
    first, last = month_bounds(month)
    total, day = Decimal(0), first
    while day <= last:
        d = decision_on(decisions, day)
        if d is not None:
            total += Decimal(d.hours_per_week) / 7
        day += timedelta(days=1)
    return total.quantize(Decimal("0.01"))


def _by_person(items):
    out = defaultdict(list)
    for item in items:
        out[item.person_id].append(item)
    return out


def _decision_days(decisions, month: date, cache: dict) -> tuple[dict, Decimal]:
    """({day of the month: True when no decision is valid}, decided hours), computed once for
    each distinct set of decision terms (many users share them)."""
    key = tuple((d.valid_from, d.valid_to, d.hours_per_week) for d in decisions)
    found = cache.get(key)
    if found is None:
        first, last = month_bounds(month)
        days = (first + timedelta(days=i) for i in range((last - first).days + 1))
        found = cache[key] = ({d: decision_on(decisions, d) is None for d in days},
                              decided_hours(decisions, month))
    return found


def _without_decision(items, decisions, lacking: dict) -> list[Timed]:
    out = []
    for t in items:
        day = t.shift.day
        lacks = lacking.get(day)
        if lacks is None:  # a day outside the month (callers other than run_checks)
            lacks = decision_on(decisions, day) is None
        if lacks:
            out.append(t)
    return out


def _check_person_decisions(person, items, decisions, month, cache=None) -> list[C.Finding]:
    lacking, decided = _decision_days(decisions, month, {} if cache is None else cache)
    without = _without_decision(items, decisions, lacking)
    out = []
    if without:
        minutes = sum(t.minutes for t in without)
        out.append(_finding(C.NO_DECISION, without[0].shift, [t.shift.row for t in without],
                            minutes, _(
            "%(n)s pass (%(h)s timmar) ligger på dagar utan gällande beslut om assistans: "
            "rad %(rows)s.", n=len(without), h=hours_text(minutes),
            rows=_rows_text(t.shift.row for t in without))))
    limit = int(decided * 60)
    if without:
        excluded = {id(t) for t in without}
        items = [t for t in items if id(t) not in excluded]
    total = sum(t.end - t.start for t in items)
    if items and total > limit:
        within = sorted(items, key=lambda t: (t.start, t.end))
        running, rows = 0, []
        for t in within:
            running += t.minutes
            if running > limit:
                rows.append(t.shift.row)
        out.append(_finding(C.HOURS_ABOVE_DECISION, within[0].shift, rows, total - limit, _(
            "Månadens rapporterade timmar %(got)s överstiger de beslutade %(decided)s timmarna "
            "med %(over)s timmar; överskjutande från rad %(rows)s.", got=hours_text(total),
            decided=number(decided, 2), over=hours_text(total - limit), rows=_rows_text(rows)),
            day=month))
    return out


def check_decision_hours(timed: list[Timed], decisions, month: date) -> list[C.Finding]:
    decisions_by = _by_person(decisions)
    shifts_by = defaultdict(list)
    for t in timed:
        shifts_by[t.shift.person_id].append(t)
    out, cache = [], {}
    for person, items in shifts_by.items():
        out += _check_person_decisions(person, items, decisions_by.get(person, []), month, cache)
    return out


# --- HOSPITAL_STAY, AFTER_DEATH ------------------------------------------------------------

def check_hospital(timed: list[Timed], stays, max_days: int) -> list[C.Finding]:
    """Days start..end of a stay (both inclusive) are hospital days. Without special reasons
    every hour then is refused; with them the first ``max_days`` days are allowed."""
    stays_by = _by_person(stays)
    hits = defaultdict(list)
    for t in timed:
        for stay in stays_by.get(t.shift.person_id, ()):
            day = t.shift.day
            if stay.start <= day and (stay.end is None or day <= stay.end):
                if not stay.special_reasons or (day - stay.start).days >= max_days:
                    hits[stay].append(t)
                break
    out = []
    for stay, items in hits.items():
        minutes = sum(t.minutes for t in items)
        end = stay.end.isoformat() if stay.end else _("pågår")
        if stay.special_reasons:
            rule = _("Med särskilda skäl betalas högst %(n)s dagar av en sjukhusvistelse.",
                     n=max_days)
        else:
            rule = _("Assistans betalas inte under sjukhusvistelse utan särskilda skäl.")
        out.append(_finding(C.HOSPITAL_STAY, items[0].shift, [t.shift.row for t in items],
                            minutes, _(
            "%(h)s timmar under sjukhusvistelse %(start)s–%(end)s: rad %(rows)s. %(rule)s",
            h=hours_text(minutes), start=stay.start.isoformat(), end=end,
            rows=_rows_text(t.shift.row for t in items), rule=rule)))
    return out


def check_death(timed: list[Timed], deaths: dict) -> list[C.Finding]:
    """Shifts starting after the day of death (the day itself is allowed)."""
    hits = defaultdict(list)
    for t in timed:
        died = deaths.get(t.shift.person_id)
        if died is not None and t.shift.day > died:
            hits[t.shift.person_id].append(t)
    out = []
    for person, items in hits.items():
        minutes = sum(t.minutes for t in items)
        out.append(_finding(C.AFTER_DEATH, items[0].shift, [t.shift.row for t in items], minutes,
                            _("%(h)s timmar rapporterade efter dödsdagen %(died)s: rad %(rows)s.",
                              h=hours_text(minutes), died=deaths[person].isoformat(),
                              rows=_rows_text(t.shift.row for t in items))))
    return out
