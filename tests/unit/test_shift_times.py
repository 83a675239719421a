"""Clock times of shifts: midnight, DST change days, 24:00, bad input."""
from datetime import date, time

import pytest

from assistance.shift_times import hours, parse_clock, parse_month, shift_span


def _hours(day, start, end, end_day=None):
    s, e = shift_span(day, parse_clock(start), parse_clock(end, is_end=True), end_day)
    return hours(e - s)


def test_ordinary_day_shift():
    assert _hours(date(2026, 5, 4), "08:00", "16:30") == 8.5


def test_end_at_or_before_start_is_next_day():
    assert _hours(date(2026, 5, 4), "22:00", "06:00") == 8
    assert _hours(date(2026, 5, 4), "08:00", "08:00") == 24


def test_24_00_as_end_is_midnight():
    assert _hours(date(2026, 5, 4), "16:00", "24:00") == 8
    with pytest.raises(ValueError):
        parse_clock("24:00")


def test_dst_march_night_is_one_hour_shorter():
    # 2026-03-29: clocks go 02:00 -> 03:00
    assert _hours(date(2026, 3, 28), "22:00", "06:00") == 7
    assert _hours(date(2026, 3, 29), "00:00", "24:00") == 23
    assert _hours(date(2026, 3, 27), "22:00", "06:00") == 8


def test_dst_october_night_is_one_hour_longer():
    # 2026-10-25: clocks go 03:00 -> 02:00
    assert _hours(date(2026, 10, 24), "22:00", "06:00") == 9
    assert _hours(date(2026, 10, 25), "00:00", "24:00") == 25
    assert _hours(date(2026, 10, 25), "22:00", "06:00") == 8


def test_stated_end_day_is_taken_as_given():
    s, e = shift_span(date(2026, 5, 4), time(10), time(9), date(2026, 5, 4))
    assert e < s


@pytest.mark.parametrize("text", ["25:00", "7", "07:60", "", "ab:cd"])
def test_bad_clock_times_raise_swedish_message(text):
    with pytest.raises(ValueError, match="Ogiltig tid"):
        parse_clock(text)


def test_parse_month():
    assert parse_month("2026-03") == date(2026, 3, 1)
    with pytest.raises(ValueError, match="Ogiltig månad"):
        parse_month("2026-13")


def test_gettext_works_in_an_app_context_without_a_request():
    """CLI commands and jobs format Swedish explanations through gettext."""
    from flask_babel import gettext

    from oversight.app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite://"})
    with app.app_context():
        assert gettext("rad %(row)s", row=3) == "rad 3"
