"""The one reader of Swedish tabular files: one test per defect of the core issue's list, with
the exact input given there, plus property tests for amounts, dates, encodings and field
counts."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from oversight.tabular import (
    CellError, Column, Limits, TableError, header_key, open_table, parse_amount, parse_date,
    read_table,
)
from oversight.tabular_values import parse_bool, parse_int, parse_time

DEBT = [Column("organisationsnummer", aliases=("orgnr",), kind="orgnr"),
        Column("belopp", kind="amount"),
        Column("datum", required=False, kind="date")]


def _messages(exc: pytest.ExceptionInfo) -> str:
    return " | ".join(str(e) for e in exc.value.errors)


def _refused(data: bytes, columns=DEBT, filename="fil.csv", **kw) -> str:
    with pytest.raises(TableError) as exc:
        read_table(data, filename, columns, **kw)
    return _messages(exc)


# --- the defects, with the inputs ----------------------------------------------------

@pytest.mark.parametrize("amount", ["1e6", "NaN", "Infinity", "-Infinity", "nan", "1E+6"])
def test_exponents_nan_and_infinity_are_not_amounts(amount):
    message = _refused(f"organisationsnummer;belopp\n556016-0680;{amount}\n".encode())
    assert "Rad 2, kolumn belopp" in message and amount in message


def test_a_cell_over_131072_characters_is_refused_with_row_and_column():
    data = b"organisationsnummer;belopp;anteckning\n556016-0680;100;" + b"x" * 131_073 + b"\n"
    columns = DEBT[:2] + [Column("anteckning", required=False)]
    message = _refused(data, columns)
    assert "Rad 2" in message and "32767" in message.replace("\u00a0", "").replace(" ", "")


def test_a_cell_larger_than_the_csv_module_limit_is_a_message_not_a_traceback():
    data = b"organisationsnummer;belopp;anteckning\n556016-0680;100;" + b"x" * 131_073 + b"\n"
    columns = DEBT[:2] + [Column("anteckning", required=False)]
    table = read_table(data, "f.csv", columns, max_cell_chars=200_000)
    assert len(table.rows[0].values["anteckning"]) == 131_073


def test_duplicated_headers_are_refused():
    message = _refused(b"orgnr;belopp;organisationsnummer\n556016-0680;1;556016-0680\n")
    assert "finns två gånger" in message and "orgnr" in message


def test_unknown_columns_are_named_unless_allowed():
    data = b"orgnr;belopp;extra\n556016-0680;1;x\n"
    assert "Okända kolumner: extra" in _refused(data)
    table = read_table(data, "f.csv", DEBT, allow_unknown_columns=True)
    assert table.rows[0].values["belopp"] == Decimal(1)


def test_missing_columns_are_named():
    assert "Rubrikraden saknar belopp" in _refused(b"orgnr;datum\n556016-0680;2026-01-01\n")


def test_rows_with_too_few_fields_are_refused():
    message = _refused(b"orgnr;belopp;datum\n556016-0680;100;2026-01-01\n556016-0680;100\n")
    assert "Rad 3: Raden har 2 fält men rubrikraden har 3" in message


def test_utf8_file_with_one_cp1252_line_is_refused_naming_that_line():
    data = ("orgnr;belopp;namn\n556016-0680;1;Förening ett\n".encode()
            + "556016-0680;2;Förening två\n".encode("cp1252")
            + "556016-0680;3;Förening tre\n".encode())
    columns = DEBT[:2] + [Column("namn")]
    message = _refused(data, columns)
    assert "blandar teckenkodningar" in message and "rad 3" in message


def test_cp1252_file_is_read_as_cp1252():
    data = "orgnr;belopp;namn\n556016-0680;1;Förening två\n".encode("cp1252")
    table = read_table(data, "f.csv", DEBT[:2] + [Column("namn")])
    assert table.rows[0].values["namn"] == "Förening två" and table.encoding == "cp1252"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_truncated_zip_is_named_as_such():
    data = _zip({"skulder.csv": b"orgnr;belopp\n556016-0680;1\n" * 2000})
    message = _refused(data[: len(data) // 2], filename="skulder.zip")
    assert "trasig eller avkortad" in message and "saknar" not in message


def test_a_zip_with_two_members_is_refused():
    data = _zip({"a.csv": b"orgnr;belopp\n556016-0680;1\n",
                 "b.csv": b"orgnr;belopp\n556016-0680;1000000\n" * 10})
    message = _refused(data, filename="skulder.zip")
    assert "exakt en fil men innehåller 2" in message and "a.csv" in message


def test_a_zip_with_one_member_is_read():
    data = _zip({"skulder.csv": "orgnr;belopp\n556016-0680;1 234,50\n".encode("cp1252")})
    assert read_table(data, "s.zip", DEBT).rows[0].values["belopp"] == Decimal("1234.50")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_are_read(encoding):
    text = "orgnr;belopp;namn\n556016-0680;1 234,50;Förening\n"
    data = text.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + text).encode(encoding)
    table = read_table(data, "f.csv", DEBT[:2] + [Column("namn")])
    assert table.rows[0].values == {"organisationsnummer": "556016-0680",
                                    "belopp": Decimal("1234.50"), "namn": "Förening"}


def test_an_invalid_date_reads_in_swedish():
    message = _refused(b"orgnr;belopp;datum\n556016-0680;1;2026-02-30\n")
    assert "Rad 2, kolumn datum" in message and "dagen finns inte i månaden" in message
    assert "day is out of range" not in message


def _xlsx(rows: list[list], formula_without_value: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)  # openpyxl stores formulas without a cached value
    return buffer.getvalue()


def test_xlsx_formula_without_cached_value_is_named_with_its_cell():
    data = _xlsx([["orgnr", "belopp", "datum"]] + [["556016-0680", 100, None]] * 5
                 + [["556016-0680", "=SUM(B2:B6)", None]])
    message = _refused(data, filename="f.xlsx")
    assert "B7" in message and "formel utan sparat värde" in message


def test_xlsx_values_are_converted():
    data = _xlsx([["Orgnr", "Belopp", "Datum"], [5560160680, 1234.5, datetime(2026, 3, 1)],
                  [None, None, None], ["556016-0680", "12,50", "2026-03-02"]])
    rows = read_table(data, "f.xlsx", DEBT).rows
    assert [(r.number, r.values["belopp"], r.values["datum"]) for r in rows] == [
        (2, Decimal("1234.5"), date(2026, 3, 1)), (4, Decimal("12.50"), date(2026, 3, 2))]
    assert rows[0].values["organisationsnummer"] == "556016-0680"


def test_orgnr_with_a_wrong_check_digit_is_refused():
    message = _refused(b"orgnr;belopp\n556016-0681;1\n")
    assert "Rad 2, kolumn organisationsnummer" in message and "Ogiltigt organisationsnummer" in message


@pytest.mark.parametrize("value", ["0001-01-01", "2031-02-03"])
def test_implausible_dates_are_refused_by_default(value):
    today = date.today()
    assert today < date(2030, 2, 3), "the default range is a year ahead of today"
    message = _refused(f"orgnr;belopp;datum\n556016-0680;1;{value}\n".encode())
    assert "Rad 2, kolumn datum" in message


def test_a_column_may_widen_its_date_range():
    columns = [Column("slut", kind="date", latest=date(2040, 12, 31))]
    assert read_table(b"slut\n2031-02-03\n", "f.csv", columns).rows[0].values["slut"] == \
        date(2031, 2, 3)


def test_an_amount_with_three_decimals_is_refused():
    message = _refused(b"orgnr;belopp\n556016-0680;125000.001\n")
    assert "för många decimaler" in message and "125000.001" in message


# --- more behaviour -------------------------------------------------------------------------

def test_row_numbers_count_lines_as_a_person_does():
    data = b'orgnr;belopp;text\n\n556016-0680;1;"two\nlines"\n556016-0680;x;y\n'
    columns = DEBT[:2] + [Column("text")]
    with pytest.raises(TableError) as exc:
        read_table(data, "f.csv", columns)
    assert exc.value.errors[0].row == 5 and exc.value.errors[0].column == "belopp"


def test_keep_bad_rows_returns_good_rows_and_errors():
    table = read_table(b"orgnr;belopp\n556016-0680;1\n556016-0680;x\n556016-0680;3\n", "f.csv",
                       DEBT, keep_bad_rows=True)
    assert [r.number for r in table.rows] == [2, 4]
    assert [(e.row, e.column) for e in table.errors] == [(3, "belopp")]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiters_are_detected(delimiter):
    data = delimiter.join(["orgnr", "belopp"]).encode() + b"\n" \
        + delimiter.join(["556016-0680", '"1 234,50"']).encode() + b"\n"
    assert read_table(data, "f.csv", DEBT).rows[0].values["belopp"] == Decimal("1234.50")


def test_headers_match_without_case_and_accents():
    assert header_key("Organisations-nummer") == header_key("organisationsnummer")
    assert header_key("Källa") == header_key("kalla") == header_key("KALLA")


def test_limits_are_checked_before_parsing():
    data = b"orgnr;belopp\n" + b"556016-0680;1\n" * 50
    assert "fler än gränsen 10" in _refused(data, max_rows=10)
    assert "för stor" in _refused(data, max_bytes=100)
    assert "för många celler" in _refused(data, max_cells=20)


def test_a_zip_bomb_is_refused_by_its_declared_size_before_unpacking():
    data = _zip({"big.csv": b"orgnr;belopp\n" + b"556016-0680;1\n" * 400_000})
    assert len(data) < 100_000
    assert "packas upp till" in _refused(data, filename="big.zip",
                                         limits=Limits(max_uncompressed_bytes=1024 * 1024))


def test_empty_and_header_only_files_are_refused():
    assert "tom" in _refused(b"")
    assert "inga rader" in _refused(b"orgnr;belopp\n")


def test_binary_file_is_refused():
    assert "ingen textfil" in _refused(b"\x00\x01\x02\x03" * 100)


def test_required_values_and_kinds():
    columns = [Column("namn", allow_empty=False), Column("aktiv", kind="bool"),
               Column("antal", kind="int"), Column("start", kind="time"),
               Column("pnr", kind="personnummer")]
    rows = read_table("namn;aktiv;antal;start;pnr\nA;ja;1 200;08.30;19121212-1212\n".encode(),
                      "f.csv", columns).rows
    assert rows[0].values == {"namn": "A", "aktiv": True, "antal": 1200, "start": time(8, 30),
                              "pnr": "19121212-1212"}
    message = _refused(b"namn;aktiv;antal;start;pnr\n;kanske;1,5;25:00;19121212-1213\n", columns)
    for part in ("kolumn namn", "kolumn aktiv", "kolumn antal", "kolumn start", "kolumn pnr"):
        assert part in message
    assert "1213" not in message  # a personnummer is masked even in a message


def test_cell_error_texts():
    assert str(CellError(3, "belopp", "x")) == "Rad 3, kolumn belopp: x"
    assert str(CellError(3, None, "x")) == "Rad 3: x"
    assert str(CellError(None, None, "x")) == "x"


def test_open_table_streams_rows():
    reader = open_table(b"orgnr;belopp\n556016-0680;1\n556016-0680;2\n", "f.csv", DEBT)
    assert reader.found == {"organisationsnummer": "orgnr", "belopp": "belopp"}
    assert [r.values["belopp"] for r in reader] == [Decimal(1), Decimal(2)]


# --- values ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("1 234,50", "1234.50"), ("1\u00a0234,50", "1234.50"), ("1.234,50", "1234.50"),
    ("1,234.50", "1234.50"), ("1.234.567", "1234567"), ("-12,5", "-12.5"), ("12,5-", "-12.5"),
    ("\u2212500", "-500"), ("500 kr", "500"), ("+3", "3"), ("0,00", "0.00"), ("-0", "0"),
    ("1234.5", "1234.5"), ("1\u202f234", "1234"),
])
def test_amounts(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.23.4", "1e6", "--1", "1,234.5.6",
                                  "12.3456", "1 234,567", "0x10", "١٢"])
def test_bad_amounts(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize("text,expected", [
    ("2026-03-01", date(2026, 3, 1)), ("20260301", date(2026, 3, 1)), ("260301", date(2026, 3, 1)),
    ("2026/03/01", date(2026, 3, 1)), ("1/3 2026", date(2026, 3, 1)),
    ("01.03.2026", date(2026, 3, 1)), ("2026-3-1", date(2026, 3, 1)),
    ("2026-03-01 12:30:00", date(2026, 3, 1)), ("2026-03-01T12:30", date(2026, 3, 1)),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


def test_date_messages_are_swedish():
    with pytest.raises(ValueError, match="ligger för långt fram"):
        parse_date("2031-02-03")
    with pytest.raises(ValueError, match="för långt bak"):
        parse_date("0001-01-01")
    with pytest.raises(ValueError, match="månaden 13 finns inte"):
        parse_date("2026-13-01")
    with pytest.raises(ValueError, match="inget datum"):
        parse_date("igår")


def test_small_parsers():
    assert parse_bool("X") is True and parse_bool("Nej") is False
    assert parse_int("−3") == -3 and parse_time("1745") == time(17, 45)
    with pytest.raises(ValueError):
        parse_time("24:00")


# --- properties -----------------------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"),
                      places=2, allow_nan=False, allow_infinity=False)


def _swedish(amount: Decimal, thousands: str, decimal_mark: str) -> str:
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + thousands.join(groups) + decimal_mark + fraction


@settings(max_examples=300, deadline=None)
@given(amounts, st.sampled_from([("", ","), (" ", ","), ("\u00a0", ","), (".", ","),
                                 ("", "."), (",", "."), (" ", ".")]))
def test_formatted_amounts_read_back(amount, marks):
    assert parse_amount(_swedish(amount, *marks)) == amount


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=3,
                   allow_nan=False, allow_infinity=False))
def test_three_decimals_are_never_accepted_silently(amount):
    text = f"{amount:.3f}"  # 12,500 could be 12.5 or 12 500: never read silently
    with pytest.raises(ValueError):
        parse_amount(text)
    with pytest.raises(ValueError):
        parse_amount(text.replace(".", ","))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789eE+-.,naifNIFty ", max_size=12))
def test_amount_parser_never_crashes_and_never_reads_an_exponent(text):
    try:
        value = parse_amount(text)
    except ValueError:
        return
    assert value.is_finite() and "e" not in text.lower()


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date.today() + timedelta(days=300)),
       st.sampled_from(["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%d.%m.%Y"]))
def test_dates_read_back(value, fmt):
    assert parse_date(value.strftime(fmt)) == value


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abcåäöÅÄÖéü -", min_size=1, max_size=12)
                .map(str.strip).filter(bool), min_size=1, max_size=5),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_any_single_encoding_reads_back(names, encoding):
    text = "namn\n" + "".join(f"{n}\n" for n in names)
    rows = read_table(text.encode(encoding), "f.csv", [Column("namn")]).rows
    assert [r.values["namn"] for r in rows] == names


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.lists(st.integers(0, 8), min_size=1, max_size=10))
def test_every_row_with_a_wrong_field_count_is_named(width, counts):
    header = ";".join(f"k{i}" for i in range(width))
    lines = [";".join("v" for _ in range(max(n, 1))) for n in counts]
    data = (header + "\n" + "\n".join(lines) + "\n").encode()
    columns = [Column(f"k{i}") for i in range(width)]
    table = read_table(data, "f.csv", columns, keep_bad_rows=True)
    wrong = [i + 2 for i, n in enumerate(counts) if max(n, 1) != width]
    assert [e.row for e in table.errors] == wrong
    assert [r.number for r in table.rows] == [i + 2 for i, n in enumerate(counts)
                                              if max(n, 1) == width]
