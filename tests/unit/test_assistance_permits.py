"""Permit status on a day: history with effective dates, the latest recorded row decides."""
from dataclasses import dataclass
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from assistance.permits import (
    PERSONAL_ASSISTANCE,
    as_ranges,
    days_without_permit,
    last_payable_day,
    permit_status_on,
)


@dataclass
class P:
    status: str
    valid_from: date | None = None
    valid_to: date | None = None
    recorded_at: datetime | None = None
    decision_date: date | None = None
    activity: str = PERSONAL_ASSISTANCE
    id: int | None = None


def at(day: int) -> datetime:
    return datetime(2026, 12, day, 9, tzinfo=UTC)


def test_no_rows_is_unknown_and_uncovered_day_is_missing():
    assert permit_status_on([], date(2026, 1, 1)) == "unknown"
    permits = [P("valid", date(2020, 1, 1), recorded_at=at(1))]
    assert permit_status_on(permits, date(2019, 12, 31)) == "missing"
    assert permit_status_on(permits, date(2020, 1, 1)) == "valid"


def test_revocation_recorded_later_but_dated_in_the_past_turns_earlier_days_red():
    permits = [P("valid", date(2015, 3, 1), recorded_at=at(1)),
               P("revoked", date(2026, 10, 15), recorded_at=at(2))]
    assert permit_status_on(permits, date(2026, 10, 14)) == "valid"
    assert permit_status_on(permits, date(2026, 10, 15)) == "revoked"
    assert days_without_permit(permits, date(2026, 10, 10), date(2026, 10, 20)) == [
        date(2026, 10, d) for d in range(15, 21)]


def test_ban_with_end_date_then_valid_again():
    permits = [P("valid", date(2015, 1, 1), recorded_at=at(1)),
               P("banned", date(2026, 6, 1), date(2026, 6, 30), recorded_at=at(2))]
    days = days_without_permit(permits, date(2026, 5, 30), date(2026, 7, 2))
    assert as_ranges(days) == [(date(2026, 6, 1), date(2026, 6, 30))]


def test_other_activity_does_not_count():
    permits = [P("valid", date(2015, 1, 1), activity="LSS 9 § 9 bostad med särskild service för vuxna")]
    assert permit_status_on(permits, date(2026, 1, 1)) == "unknown"
    activity = "lss 9 §9 bostad med särskild service för vuxna"
    assert permit_status_on(permits, date(2026, 1, 1), activity=activity) == "valid"


def test_decision_date_is_the_start_when_valid_from_is_missing():
    permits = [P("valid", None, decision_date=date(2024, 5, 1))]
    assert permit_status_on(permits, date(2024, 4, 30)) == "missing"
    assert permit_status_on(permits, date(2024, 5, 1)) == "valid"


def test_last_payable_day_after_revocation():
    assert last_payable_day(date(2026, 11, 2), 14) == date(2026, 11, 16)
    assert last_payable_day(None, 14) is None


@settings(deadline=None)
@given(st.lists(st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 12, 31)), max_size=40))
def test_ranges_cover_exactly_the_days(days):
    ranges = as_ranges(days)
    covered = {d for a, b in ranges for d in _each(a, b)}
    assert covered == set(days)
    assert all(ranges[i][1] < ranges[i + 1][0] for i in range(len(ranges) - 1))


def _each(a, b):
    from assistance.permits import each_day
    return list(each_day(a, b))
