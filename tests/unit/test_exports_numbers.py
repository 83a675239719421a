"""Numbers are not formulas: a negative amount (a credit, a reversal) stays a number in the
CSV export; only text that starts like a formula is neutralised."""
from decimal import Decimal

from oversight.exports import csv_bytes


def test_negative_numbers_are_not_turned_into_text():
    body = csv_bytes(["belopp", "antal", "text"],
                     [[Decimal("-1500.50"), -3, "-2+3"]]).decode("utf-8-sig")
    assert body.splitlines()[1] == "-1500,50;-3;'-2+3"  # decimal comma for Swedish Excel
