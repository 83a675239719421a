"""Issue 11, defect 7: the audit trail reads as words for an auditor."""
from datetime import date, datetime
from decimal import Decimal

from oversight import audit_format as f

NBSP = "\u00a0"


def test_event_names_in_words_and_unknown_kept():
    assert f.event_label("create") == "Skapad"
    assert f.event_label("update") == "Ändrad"
    assert f.event_label("login") == "Inloggning"
    assert f.event_label("failed") == "Misslyckad inloggning"
    assert f.event_label("something") == "something"


def test_update_is_field_old_arrow_new():
    lines = f.diff_lines("update", {"status": "draft", "value": 700000},
                         {"status": "signed", "value": 750000.5})
    assert lines == ["status: draft → signed", f"value: 700{NBSP}000 → 750{NBSP}000,5"]


def test_empty_and_booleans_and_dates():
    assert f.diff_lines("update", {"note": None}, {"note": "ny"}) == ["note: – → ny"]
    assert f.format_value(True) == "ja" and f.format_value(False) == "nej"
    assert f.format_value("2026-12-01") == "2026-12-01"
    assert f.format_value(date(2026, 12, 1)) == "2026-12-01"


def test_utc_timestamps_shown_in_stockholm_time():
    # stored canonical UTC (naive ISO): 11:00 UTC in winter is 12:00 in Stockholm
    assert f.format_value("2026-12-01T11:00:00.000000") == "2026-12-01 12:00:00"
    assert f.format_value(datetime(2026, 7, 1, 10, 0)) == "2026-07-01 12:00:00"
    assert f.diff_lines("update", {"sent_on": None}, {"sent_on": "2026-12-01T11:00:00"}) == [
        "sent_on: – → 2026-12-01 12:00:00"]


def test_no_python_dicts_or_lists():
    text = f.format_value({"codes": ["taxes", "debts"], "amount": Decimal("1234.50")})
    assert text == f"codes: taxes, debts; amount: 1{NBSP}234,5"
    assert "{" not in text and "[" not in text and "'" not in text
    assert f.format_value([]) == "–"


def test_created_and_deleted_list_their_non_empty_fields():
    assert f.diff_lines("create", None, {"name": "Risk AB", "note": None, "active": True}) == [
        "name: Risk AB", "active: ja"]
    assert f.diff_lines("delete", {"name": "Risk AB"}, None) == ["name: Risk AB"]
    assert f.diff_text("update", {"a": 1}, {"a": 2}) == "a: 1 → 2"


def test_hidden_entries_counted_with_plural():
    assert f.hidden_text(0) == ""
    assert f.hidden_text(1) == "1 post från en annan förvaltning visas inte."
    assert f.hidden_text(3) == "3 poster från andra förvaltningar visas inte."
