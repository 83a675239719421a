"""Holder answers: field checks and the CSV import format."""
from datetime import date
from pathlib import Path

import pytest

from oversight.accounts.holderfile import HolderError, check_fields, parse_holder_file
from oversight.accounts.textfile import FileFormatError

FIXTURES = Path(__file__).resolve().parents[2] / "oversight" / "accounts" / "fixtures"
TODAY = date(2026, 3, 20)
HEADER = "kontotyp;kontonummer;kontohavare;organisationsnummer;datum;källa;status\n"


def test_fixture_file():
    rows = parse_holder_file((FIXTURES / "holders.csv").read_bytes(), today=TODAY)
    assert [line for line, _ in rows] == [2, 3, 4, 5, 6]
    first = rows[0][1]
    assert (first.kind, first.number, first.digits) == ("bankgiro", "5050-1006", "50501006")
    assert first.holder_orgnr == "802432-4009" and first.source == "bankgirot"
    assert rows[2][1].source == "vop" and rows[2][1].holder_orgnr is None
    assert rows[4][1].source == "register_file"  # "kontoregister"
    assert rows[4][1].holder_orgnr == "556677-8006"  # written without dash in the file


def test_personnummer_marks_a_private_account():
    fields = check_fields(kind="bank_account", number="3300-8112189876", holder_name="Anna S",
                          holder_id="811218-9876", source="bank", status="active",
                          answered_on=TODAY, today=TODAY)
    assert fields.holder_personnummer == "19811218-9876" and fields.holder_orgnr is None


def test_every_problem_of_a_row_is_named():
    with pytest.raises(HolderError) as info:
        check_fields(kind="bankgiro", number="5050-1007", holder_name=None,
                     holder_id="802432-4000", source="bank", status="active",
                     answered_on=date(2026, 4, 1), today=TODAY)
    message = str(info.value)
    assert "kontonumret är ogiltigt" in message.lower()
    assert "organisations-/personnummer är ogiltigt" in message
    assert "framtiden" in message


def test_active_answer_needs_a_holder_but_a_closed_one_does_not():
    with pytest.raises(HolderError, match="kontohavarens namn"):
        check_fields(kind="bankgiro", number="5050-1006", holder_name="", holder_id="",
                     source="bank", status="active", answered_on=TODAY, today=TODAY)
    closed = check_fields(kind="bankgiro", number="5050-1006", holder_name="", holder_id="",
                          source="bankgirot", status="closed", answered_on=TODAY, today=TODAY)
    assert closed.status == "closed" and closed.holder_name is None


def test_file_with_errors_names_each_line_and_returns_nothing():
    text = (HEADER
            + "bankgiro;5050-1006;Förening A;802432-4009;2026-03-01;bank;aktivt\n"
            + "swish;123;Förening B;;2026-03-01;bank;aktivt\n"
            + "bankgiro;5050-1006;Förening C;;2026-03-01;grannen;aktivt\n"
            + "bankgiro;5050-1006;Förening D;;2026-03-01;bank;kanske\n"
            + "plusgiro;482114-6;;;2026-03-01;bank;finns_ej\n")
    with pytest.raises(FileFormatError) as info:
        parse_holder_file(text.encode(), today=TODAY)
    errors = info.value.errors
    assert [e.line for e in errors] == [3, 4, 5]
    assert "swish" in errors[0].message and "grannen" in errors[1].message
    assert "kanske" in errors[2].message


def test_missing_required_column():
    with pytest.raises(FileFormatError) as info:
        parse_holder_file(b"kontonummer;kontohavare\n5050-1006;A\n", today=TODAY)
    assert "kontotyp" in str(info.value)


def test_empty_file():
    with pytest.raises(FileFormatError, match="tom"):
        parse_holder_file(b"", today=TODAY)
