"""Figures that agree: shares add to 100 %, one amount format, plurals."""
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from oversight.formatting import NBSP, percent_texts, percentages, sek


def test_three_equal_shares_add_to_exactly_100():
    assert percentages([1, 1, 1], 1) == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]
    assert percent_texts([1, 1, 1], 1) == [f"33,4{NBSP}%", f"33,3{NBSP}%", f"33,3{NBSP}%"]


def test_the_case_of_the_issue_does_not_add_to_100_1():
    # 1/3 + 1/3 + 1/3 rounded each on its own gives 100,1 % with two decimals of the fraction.
    shares = percentages([2000, 2000, 2000, 3000], 0)
    assert sum(shares) == 100


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30),
       st.integers(min_value=0, max_value=2))
def test_shares_always_add_to_100(values, decimals):
    shares = percentages(values, decimals)
    assert len(shares) == len(values)
    assert sum(shares) == (100 if sum(values) else 0)
    assert all(s >= 0 for s in shares)


def test_one_amount_format():
    assert sek(275000) == f"275{NBSP}000{NBSP}kr"
    assert sek(Decimal("275000.00")) == f"275{NBSP}000{NBSP}kr"
    assert sek(Decimal("275000.5")) == f"275{NBSP}000,50{NBSP}kr"
    assert sek(None) == "" and sek(0) == f"0{NBSP}kr"


def test_plurals_through_ngettext(app):
    from oversight.formatting import count_text

    with app.test_request_context():
        assert count_text(1, "%(num)s dag", "%(num)s dagar") == "1 dag"
        assert count_text(2, "%(num)s dag", "%(num)s dagar") == "2 dagar"
        assert count_text(1, "%(num)s förvaltning", "%(num)s förvaltningar") == "1 förvaltning"
