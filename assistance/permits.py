"""Pure permit logic (no I/O): the status of a provider's IVO permit on a day, the days without
a valid permit in a period, and the last payable day after a revocation. The time-report checks
reuse these functions.

A permit row covers the days from its effective start (``valid_from``, else ``decision_date``,
else from the beginning) to ``valid_to`` (inclusive; open when empty). Rows are history: when
several rows of the activity cover a day, the one recorded last decides (a revocation entered
today with ``valid_from`` in the past turns those past days red). No covering row: ``missing``
if the organisation has rows for the activity, ``unknown`` if it has none at all. Only
``valid`` allows assistance on the day; every other status (including unknown) fails closed.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Protocol, Sequence

PERSONAL_ASSISTANCE = "LSS 9 § 2 personlig assistans"
VALID = "valid"
_EPOCH = datetime.min.replace(tzinfo=timezone.utc)


class PermitLike(Protocol):
    id: int | None
    activity: str
    status: str
    decision_date: date | None
    valid_from: date | None
    valid_to: date | None
    recorded_at: datetime | None


def _activity_key(text: str | None) -> str:
    return " ".join((text or "").lower().replace("§", " § ").split())


def same_activity(a: str | None, b: str | None) -> bool:
    return _activity_key(a) == _activity_key(b)


def effective_from(permit: PermitLike) -> date | None:
    return permit.valid_from or permit.decision_date


def covers(permit: PermitLike, day: date) -> bool:
    start = effective_from(permit)
    return (start is None or start <= day) and (permit.valid_to is None or day <= permit.valid_to)


def _recorded_key(permit: PermitLike):
    recorded = permit.recorded_at or _EPOCH
    if recorded.tzinfo is None:
        recorded = recorded.replace(tzinfo=timezone.utc)
    return (recorded, permit.id or 0)


def _of_activity(permits: Iterable[PermitLike], activity: str) -> list[PermitLike]:
    return sorted((p for p in permits if same_activity(p.activity, activity)), key=_recorded_key)


def permit_on(permits: Sequence[PermitLike], day: date,
              activity: str = PERSONAL_ASSISTANCE) -> PermitLike | None:
    """The permit row that decides ``day`` (the last recorded covering row), or None."""
    deciding = None
    for permit in _of_activity(permits, activity):
        if covers(permit, day):
            deciding = permit
    return deciding


def permit_status_on(permits: Sequence[PermitLike], day: date,
                     activity: str = PERSONAL_ASSISTANCE) -> str:
    """Status code (see assistance.models.PERMIT_STATUSES) of the permit on ``day``."""
    rows = _of_activity(permits, activity)
    if not rows:
        return "unknown"
    deciding = permit_on(rows, day, activity)
    return deciding.status if deciding is not None else "missing"


def is_valid_on(permits: Sequence[PermitLike], day: date,
                activity: str = PERSONAL_ASSISTANCE) -> bool:
    return permit_status_on(permits, day, activity) == VALID


def each_day(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def days_without_permit(permits: Sequence[PermitLike], start: date, end: date,
                        activity: str = PERSONAL_ASSISTANCE) -> list[date]:
    """Every day from ``start`` to ``end`` (inclusive) without a valid permit."""
    rows = _of_activity(permits, activity)
    return [day for day in each_day(start, end) if permit_status_on(rows, day, activity) != VALID]


def as_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days joined into (first, last) ranges."""
    ranges: list[list[date]] = []
    for day in sorted(set(days)):
        if ranges and day - ranges[-1][1] == timedelta(days=1):
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return [(a, b) for a, b in ranges]


def last_payable_day(told_on: date | None, grace_days: int) -> date | None:
    """After a revocation, assistance within ``grace_days`` of the day the user was told may
    still be paid (prop. 2020/21:205); None while the day the user was told is not recorded."""
    if told_on is None:
        return None
    return told_on + timedelta(days=int(grace_days))


def overlap(a_start: date, a_end: date | None, b_start: date, b_end: date) -> tuple[date, date] | None:
    """The part of period a (open end allowed) inside [b_start, b_end], or None."""
    start = max(a_start, b_start)
    end = min(a_end or b_end, b_end)
    return (start, end) if start <= end else None
