"""The one store of dated rule values (oversight.rule_values): dates, fail closed, text."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from oversight import rule_values as rv
from oversight.audit import AuditEntry
from oversight.rule_values import RuleValue, RuleValueError, RuleValueMissing

DIRECT = "procurement.direct_award_limit"
SCHABLON = "assistance.schablonbelopp"


def test_values_on_both_sides_of_a_validity_date(db):
    assert rv.value_on(db.session, DIRECT, date(2022, 1, 31)) == Decimal("615312")
    assert rv.value_on(db.session, DIRECT, date(2022, 2, 1)) == Decimal("700000")
    assert rv.value_on(db.session, SCHABLON, date(2023, 12, 31)) == Decimal("324.50")
    assert rv.value_on(db.session, SCHABLON, date(2024, 1, 1)) == Decimal("332.60")


def test_a_missing_value_fails_closed_with_a_swedish_message(db):
    with pytest.raises(RuleValueMissing, match="saknas för 2019-12-31"):
        rv.value_on(db.session, DIRECT, date(2019, 12, 31))
    with pytest.raises(RuleValueMissing, match="Schablonbelopp.*2025-01-01"):
        rv.value_on(db.session, SCHABLON, date(2025, 1, 1))  # set each year by the government
    with pytest.raises(RuleValueMissing, match="Okänt regelvärde"):
        rv.value_on(db.session, "no.such_rule", date(2024, 1, 1))


def test_describe_and_formatted_show_label_value_validity_and_source(db):
    entry = rv.entry_on(db.session, DIRECT, date(2024, 6, 1))
    text = rv.describe(entry).replace("\u00a0", " ")
    assert text == ("Direktupphandlingsgräns: 700 000 kr, gäller från 2022-02-01, "
                    "LOU 19 kap. 2 §")
    assert entry.label == "Direktupphandlingsgräns" and entry.valid_to is None
    fmt = {k: rv.entry_on(db.session, k, date(2024, 6, 1)).formatted.replace("\u00a0", " ")
           for k in ("ivo.permit_verification_max_age_days", "accounts.name_close_threshold",
                     SCHABLON, "cases.claim_deadline_years", "assistance.working_time_cap_hours")}
    assert fmt == {"ivo.permit_verification_max_age_days": "30 dagar",
                   "accounts.name_close_threshold": "85 %", SCHABLON: "332,60 kr/timme",
                   "cases.claim_deadline_years": "3 år",
                   "assistance.working_time_cap_hours": "48 timmar"}


def test_the_values_the_coming_modules_need_are_registered(db):
    day = date(2024, 3, 1)
    expected = {"assistance.revocation_grace_days": 14,
                "assistance.municipal_max_hours_per_week": 20,
                "assistance.working_time_cap_hours_relative": 52,
                "assistance.working_time_window_weeks": 4,
                "assistance.hospital_max_days_with_special_reasons": 28,
                "assistance.timereport_due_day": 10, "cases.start_deadline_months": 3,
                "cases.missed_instalment_grace_days": 7}
    assert {k: rv.value_on(db.session, k, day) for k in expected} == expected
    years = {y: rv.value_on(db.session, SCHABLON, date(y, 7, 1)) for y in range(2019, 2025)}
    assert years[2019] == Decimal("299.80") and years[2022] == Decimal("319.70")


def test_seed_defaults_is_idempotent(db):
    before = db.session.scalar(select(func.count()).select_from(RuleValue))
    assert before > 30
    assert rv.seed_defaults(db.session) == 0
    assert db.session.scalar(select(func.count()).select_from(RuleValue)) == before


def test_a_new_value_ends_the_open_one_and_is_audited(db, make):
    admin = make.user(role="admin")
    new = rv.add_value(db.session, admin, DIRECT, "800 000", date(2026, 7, 1),
                       "LOU 19 kap. 2 § (SFS 2026:1)")
    db.session.commit()
    assert rv.value_on(db.session, DIRECT, date(2026, 6, 30)) == Decimal("700000")
    assert rv.value_on(db.session, DIRECT, date(2026, 7, 1)) == Decimal("800000")
    old = rv.entry_on(db.session, DIRECT, date(2026, 6, 30))
    assert old.valid_to == date(2026, 6, 30) and new.created_by_id == admin.id
    audited = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "rule_value")).all()
    assert {e.action for e in audited} == {"create", "update"}
    with pytest.raises(RuleValueError, match="finns redan"):
        rv.add_value(db.session, admin, DIRECT, 1, date(2026, 7, 1), "x")
    with pytest.raises(RuleValueError, match="tal"):
        rv.add_value(db.session, admin, DIRECT, "NaN", date(2027, 1, 1), "x")
    with pytest.raises(RuleValueError, match="källan"):
        rv.add_value(db.session, admin, DIRECT, 1, date(2027, 1, 1), " ")


def test_a_closed_year_can_be_followed_by_the_next(db, make):
    rv.add_value(db.session, None, SCHABLON, "341,50", date(2025, 1, 1), "Regeringsbeslut",
                 valid_to=date(2025, 12, 31))
    assert rv.value_on(db.session, SCHABLON, date(2025, 6, 1)) == Decimal("341.50")
    assert rv.value_on(db.session, SCHABLON, date(2024, 12, 31)) == Decimal("332.60")
