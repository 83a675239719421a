"""The assistance importers' value parsers are the core ones (oversight.tabular_values) with
the module's own limits: hours per week 0-168, an empty yes/no cell takes its default."""
from decimal import Decimal

import pytest

from assistance.fileio import parse_hours
from assistance.timereport_imports import parse_bool


@pytest.mark.parametrize("text,hours", [("37,5", Decimal("37.50")), (" 20 ", Decimal("20.00")),
                                        ("12.25", Decimal("12.25")), ("168", Decimal("168.00"))])
def test_hours_per_week_in_swedish_notation(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text,message", [("", "saknas"), ("x", "inget antal timmar"),
                                          ("-3", "inget antal timmar"), ("0", "mellan 0 och 168"),
                                          ("169", "mellan 0 och 168"), ("1e3", "inget antal timmar")])
def test_bad_hours_get_a_swedish_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_hours(text)


def test_yes_no_cells_use_the_core_words_and_a_default_for_empty():
    assert [parse_bool(v) for v in ("Ja", "nej", "X", "0", "sant")] == [True, False, True, False, True]
    assert parse_bool("  ") is None and parse_bool("", default=False) is False
    with pytest.raises(ValueError, match="varken ja eller nej"):
        parse_bool("kanske")
