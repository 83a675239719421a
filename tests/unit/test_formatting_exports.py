from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from oversight.exports import csv_bytes, safe_cell, xlsx_bytes
from oversight.formatting import NBSP, age_text, local_datetime, number, sek


def test_swedish_number_and_money_formats():
    assert sek(1234567) == f"1{NBSP}234{NBSP}567{NBSP}kr"
    assert number(Decimal("1234.5"), 2) == f"1{NBSP}234,50"
    assert number(-1000) == f"-1{NBSP}000" and number(0) == "0" and number(None) == ""


def test_dates_are_iso_in_stockholm_time():
    assert local_datetime(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "2026-07-02 00:30"
    assert local_datetime(datetime(2026, 1, 1, 12, 0)) == "2026-01-01 13:00"  # naive = UTC
    assert age_text(date(2026, 11, 20), today=date(2026, 11, 22)) == "2 dagar sedan"


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**12, max_value=10**12))
def test_number_roundtrips(value):
    text = number(value, 2)
    assert Decimal(text.replace(NBSP, "").replace(",", ".")) == value.quantize(
        Decimal("0.01"), rounding="ROUND_HALF_UP")


def test_formula_cells_are_neutralised():
    for dangerous in ("=1+1", "+46", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous).startswith("'")
    assert safe_cell("Bolag AB") == "Bolag AB" and safe_cell(5) == 5


def test_csv_and_xlsx_exports_are_safe():
    body = csv_bytes(["namn"], [["=cmd|' /C calc'!A0"], ["Vanligt"]]).decode("utf-8-sig")
    assert body.splitlines()[1].startswith("\"'=cmd") or body.splitlines()[1].startswith("'=cmd")
    import io

    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(xlsx_bytes(["namn", "belopp"], [["=1+1", Decimal("12.5")]]))).active
    assert ws["A2"].value == "'=1+1" and ws["B2"].value == 12.5
