"""Clock times of assistance shifts: pure arithmetic, no I/O.

Decisions (documented in the README, tested in tests/unit/test_shift_times.py):

* Times are Europe/Stockholm local clock times, as on a paper time report.
* An end at or before the start means the next day (22:00-06:00 is a night shift; 08:00-08:00
  is 24 hours). ``24:00`` as an end is midnight at the end of the day.
* The hours of a shift are the **real elapsed hours**, computed on UTC instants: a night shift
  22:00-06:00 is 7 hours on the last Sunday of March and 9 hours on the last Sunday of October.
  The assistant really worked that long, and the overlap check needs real instants anyway.
* A clock time that does not exist (02:30 on the March change day) is read with the offset before
  the change (as 03:30 summer time); a time that occurs twice (02:30 on the October change day)
  is read as the first occurrence (summer time). Both are rare; the rule is fixed so that the
  same report always gives the same hours.
* A shift belongs to the day (and month) it starts on.
* The 24-hour limit of a shift is on the clock: 00:00-24:00 on the October change day is a
  valid shift of 25 real hours.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MINUTES_PER_DAY = 24 * 60
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_clock(text: str, *, is_end: bool = False) -> time:
    """``"7:30"``/``"07.30"`` -> ``time(7, 30)``; ``"24:00"`` as an end is midnight.

    Raises ValueError with a Swedish message."""
    m = _TIME.match(str(text or ""))
    if not m:
        raise ValueError(_("Ogiltig tid %(text)r: ange TT:MM, t.ex. 07:30.", text=text))
    hh, mm = int(m.group(1)), int(m.group(2))
    if is_end and hh == 24 and mm == 0:
        return time(0, 0)
    if hh > 23 or mm > 59:
        raise ValueError(_("Ogiltig tid %(text)r: timmar 00-23 och minuter 00-59.", text=text))
    return time(hh, mm)


@lru_cache(maxsize=200_000)
def utc_minute(day: date, hour: int, minute: int) -> int:
    """Minutes since 0001-01-01 UTC of a Stockholm clock time (see the module notes)."""
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)
    offset = int(local.utcoffset().total_seconds()) // 60
    return day.toordinal() * MINUTES_PER_DAY + hour * 60 + minute - offset


def shift_span(day: date, start: time, end: time, end_day: date | None = None) -> tuple[int, int]:
    """(start, end) as UTC minutes. Without ``end_day`` an end at or before the start is on the
    next day; with it (a report that states the end date) the end is taken as given."""
    begin = utc_minute(day, start.hour, start.minute)
    if end_day is None:
        end_day = day + timedelta(days=1) if (end.hour, end.minute) <= (start.hour, start.minute) else day
    return begin, utc_minute(end_day, end.hour, end.minute)


def clock_minutes(day: date, start: time, end: time, end_day: date | None = None) -> int:
    """Length on the clock (not elapsed): the 24-hour limit on a shift is a clock limit, so a
    00:00-24:00 shift on the October change day (25 real hours) is valid."""
    if end_day is None:
        end_day = day + timedelta(days=1) if (end.hour, end.minute) <= (start.hour, start.minute) else day
    return ((end_day - day).days * MINUTES_PER_DAY + end.hour * 60 + end.minute
            - start.hour * 60 - start.minute)


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def hours_text(minutes: int) -> str:
    """Swedish hours for explanations: ``1,5`` / ``8`` (no trailing zeros)."""
    from oversight.formatting import number
    h = hours(minutes)
    return number(h, 0 if h == h.to_integral() else (1 if (h * 10) == (h * 10).to_integral() else 2))


def clock(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def parse_month(text: str) -> date:
    """``"2026-03"`` -> ``date(2026, 3, 1)``; ValueError with a Swedish message."""
    m = re.match(r"^\s*(\d{4})-(\d{2})\s*$", str(text or ""))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(_("Ogiltig månad %(text)r: ange ÅÅÅÅ-MM, t.ex. 2026-03.", text=text))
    return date(int(m.group(1)), int(m.group(2)), 1)
