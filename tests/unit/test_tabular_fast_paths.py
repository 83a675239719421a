"""The core reader's short paths for the common case (lines split at once, text cells, amounts
written 1234,50, dates remembered per text) give exactly what the full path gives: the same
records, values and Swedish messages."""
from __future__ import annotations

import csv
import io

from hypothesis import example, given, settings
from hypothesis import strategies as st

from oversight.tabular import _MISSING, Column, _lines, open_table, read_table
from oversight.tabular_values import common_amount, convert, parse_amount


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='ab;"\r\n\x0c\x1c\u2028\x85å ', max_size=40))
@example("a\r\nb\rc\n")
@example('"a\rb";c\r\n"d\u2028e"\n')
def test_lines_are_the_records_csv_reads_from_a_stringio(text):
    expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert list(csv.reader(_lines(text), delimiter=";")) == expected


def test_a_cell_with_a_line_separator_or_form_feed_stays_one_cell():
    for odd in ("\u2028", "\x0c", "\x85"):
        data = f"namn;belopp\nFören{odd}ing X;100\nY;200\n".encode()
        table = read_table(data, "f.csv", [Column("namn"), Column("belopp", kind="amount")])
        assert [r.values["namn"] for r in table.rows] == [f"Fören{odd}ing X", "Y"]
        assert [r.number for r in table.rows] == [2, 3]


COLUMNS = [Column("v"), Column("v", allow_empty=False), Column("v", kind="amount"),
           Column("v", kind="amount", max_decimals=0), Column("v", kind="amount", max_decimals=1),
           Column("v", kind="amount", allow_negative=False), Column("v", kind="date"),
           Column("v", kind="date", required=False, allow_empty=False)]
CELLS = st.one_of(st.text(alphabet="0123456789,.- −kr", max_size=14),
                  st.from_regex(r"-?\d{1,16}(,\d{0,3})?", fullmatch=True),
                  st.sampled_from(["", "  ", "-0,00", "0", "-0", "2016-03-01", "2016-02-30",
                                   " 2016-03-01 ", "x" * 12, " Rinkeby IF "]))


def _full_path(column: Column, cell: str):
    try:
        return "value", convert(column, cell)
    except ValueError as exc:
        return "error", str(exc)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(range(len(COLUMNS))), st.lists(CELLS, min_size=1, max_size=4))
def test_each_cell_reads_as_the_full_path_reads_it(which, cells):
    column = COLUMNS[which]
    data = "v;w\n" + "".join(f'"{c}";x\n' for c in cells)
    table = read_table(data.encode(), "f.csv", [column, Column("w")], keep_bad_rows=True,
                       max_cell_chars=14)
    got = {r.number: ("value", r.values["v"]) for r in table.rows}
    got.update({e.row: ("error", e.message) for e in table.errors})
    for number, cell in enumerate(cells, start=2):
        if len(cell) > 14:
            assert got[number][0] == "error" and "14" in got[number][1]
        else:
            assert got[number] == _full_path(column, cell), cell


@given(st.text(alphabet="0123456789,-", max_size=20))
def test_common_amount_is_parse_amount_or_none(text):
    quick = common_amount(text)
    if quick is not None:
        value = parse_amount(text)
        assert quick == value and str(quick) == str(value)


def test_value_rows_are_the_rows_without_row_objects():
    data = (b"namn;belopp;datum\nA;100;2016-03-01\nB;1e6;2016-03-01\nC;12,5;2016-02-30\n"
            b"D;7\n\nE;-0,00;\n")
    columns = [Column("namn"), Column("belopp", kind="amount"), Column("datum", kind="date")]
    rows = list(open_table(data, "f.csv", columns))
    values = list(open_table(data, "f.csv", columns).value_rows())
    assert [r.number for r in rows] == [n for n, _, _ in values] == [2, 3, 4, 5, 7]
    for row, (_, cells, errors) in zip(rows, values):
        assert row.errors == errors
        assert row.values == {c.name: v for c, v in zip(columns, cells) if v is not _MISSING}
    assert [len(e) for _, _, e in values] == [0, 1, 1, 1, 0]
    assert rows[0].values["belopp"] == 100 and rows[4].values == {
        "namn": "E", "belopp": 0, "datum": None}
