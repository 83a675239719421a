"""Time limits in calendar years, the evidence JSON round trip and the hearing letter (the
rule values themselves: tests/integration/test_rule_values.py)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from hypothesis import given, strategies as st

from suppliers import evidence as ev
from suppliers import letters, rule_values, rules
from suppliers.evidence_store import digest, from_json, to_json
from suppliers.rule_values import add_years, within_years


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(min_value=1, max_value=10))
def test_within_years_boundary(event, years):
    last = add_years(event, years)
    assert within_years(event, last, years)
    assert not within_years(event, date.fromordinal(last.toordinal() + 1), years)
    assert within_years(event, event, years)


def test_evidence_facts_round_trip_through_json():
    facts = (ev.CompanyStatus("556901-2346", "Bolag AB", True, date(2025, 1, 2), "KKAV",
                              "Konkurs", (ev.Proceeding("KK", "Konkurs", date(2024, 5, 1)),)),
             ev.DebtStatus(Decimal("1234.50"), ("allmänna mål",), date(2026, 1, 1)),
             ev.RecordExtract(3, "Bolag AB", date(2026, 2, 1), (ev.Conviction(
                 "bribery", date(2023, 1, 1), "Mutbrott", until=None),)))
    data = to_json(list(facts))
    assert from_json(data) == facts
    assert digest({"a": facts}) == digest({"a": from_json(data)})
    assert digest({"a": 1}) != digest({"a": 2})


def test_evidence_staleness_uses_document_date_first():
    item = ev.Evidence(ev.KRONOFOGDEN, "org", "Bolag", ev.NOT_FOUND,
                       retrieved_at=datetime(2026, 3, 1, tzinfo=timezone.utc),
                       document_date=date(2025, 11, 1))
    assert item.age_days(date(2026, 3, 1)) == 120
    assert item.is_stale(date(2026, 3, 1), 90)
    assert not item.with_stale(date(2026, 3, 1), 90).usable_for()
    assert item.with_stale(date(2026, 3, 1), 200).usable_for()
    undated = ev.Evidence(ev.BOLAGSVERKET, "org", "Bolag", ev.FOUND)
    assert undated.is_stale(date(2026, 3, 1), 30)  # no date at all: never fresh


def test_letter_names_grounds_deadline_and_right_to_self_cleaning():
    common = dict(supplier="Bolag AB", orgnr="556901-2346", department="Socialförvaltningen",
                  officer="Ulla Upphandlare", reference="SOC 1-K1", deadline=date(2026, 4, 1),
                  checked_on=date(2026, 3, 16),
                  grounds=[{"label": "Obetalda skatter", "law": "13 kap. 2 § LOU",
                            "reasons": ["Kronofogden: skulder 48 200 kr."]}],
                  procurement="SOC 1 Städ")
    lou = letters.hearing_letter(regime=rules.LOU, **common)
    assert "Obetalda skatter (13 kap. 2 § LOU)" in lou and "2026-04-01" in lou
    assert "självsanering" in lou and "uteslutas från upphandlingen" in lou
    lov = letters.hearing_letter(regime=rules.LOV, **common)
    assert "självsanering" not in lov and "lämna synpunkter" in lov


def test_defaults_on_lists_every_value_for_the_check():
    values = rule_values.defaults_on(date(2026, 3, 16))
    assert values[rule_values.CONVICTION_YEARS] == 5 and values[rule_values.EVENT_YEARS] == 3
    assert values[rule_values.DIRECT_AWARD_LIMIT] == 700000
    assert set(rules.max_ages(values)) == set(ev.AGE_LIMITED)
