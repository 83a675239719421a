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


# --- the admin page -----------------------------------------------------------------------------

def test_admin_lists_values_sorted_and_adds_one(db, make, login_as):
    client = login_as(make.user(role="admin"))
    page = client.get("/admin/rules?sort=from&dir=desc")
    text = page.get_data(as_text=True).replace("\u00a0", " ")
    assert page.status_code == 200
    assert "Direktupphandlingsgräns" in text and "700 000 kr" in text and "LOU 19 kap. 2 §" in text
    assert "procurement.direct_award_limit" not in text  # labels, never keys
    assert text.index("2024-01-01") < text.index("2019-01-01")  # newest first
    form = client.get("/admin/rules/new?key=" + SCHABLON)
    assert form.status_code == 200 and 'selected value="assistance.schablonbelopp"' in \
        form.get_data(as_text=True)
    saved = client.post("/admin/rules/new", data={
        "key": SCHABLON, "value": "341,50", "valid_from": "2025-01-01",
        "valid_to": "2025-12-31", "kind": "decision", "source": "Regeringsbeslut 2024"})
    assert saved.status_code == 302
    assert rv.value_on(db.session, SCHABLON, date(2025, 3, 1)) == Decimal("341.50")
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.entity_type == "rule_value", AuditEntry.action == "create")) is not None


def test_admin_form_refuses_bad_input_with_a_message(db, make, login_as):
    client = login_as(make.user(role="admin"))
    bad = client.post("/admin/rules/new", data={
        "key": DIRECT, "value": "sjuhundratusen", "valid_from": "2026-07-01",
        "kind": "law", "source": "LOU"}, follow_redirects=True)
    assert bad.status_code == 200 and "Värdet måste vara ett tal" in bad.get_data(as_text=True)
    overlap = client.post("/admin/rules/new", data={
        "key": DIRECT, "value": "1", "valid_from": "2021-01-01", "kind": "law", "source": "x"},
        follow_redirects=True)
    assert "finns redan" in overlap.get_data(as_text=True)
    missing = client.post("/admin/rules/new", data={"key": DIRECT, "value": "1", "kind": "law"})
    assert "Ange källan" in missing.get_data(as_text=True)
    assert rv.value_on(db.session, DIRECT, date(2026, 8, 1)) == Decimal("700000")


@pytest.mark.parametrize("role", ["procurement", "grants", "lss", "investigator", "auditor"])
def test_admin_rule_pages_are_refused_for_other_roles(db, make, login_as, role):
    client = login_as(make.user(role=role))
    assert client.get("/admin/rules").status_code == 403
    post = client.post("/admin/rules/new", data={
        "key": DIRECT, "value": "1", "valid_from": "2030-01-01", "kind": "law", "source": "x"})
    assert post.status_code == 403
    assert rv.value_on(db.session, DIRECT, date(2030, 1, 1)) == Decimal("700000")


# --- the users of the store ---------------------------------------------------------------------

def test_account_thresholds_are_dated_rule_values(db):
    from oversight.accounts.services import current_settings

    rv.add_value(db.session, None, "accounts.name_match_threshold", 97, date(2026, 1, 1),
                 "Nämndbeslut")
    assert current_settings(db.session, date(2025, 12, 31)).match_threshold == 95
    assert current_settings(db.session, date(2026, 1, 1)).match_threshold == 97
    assert current_settings(db.session, date(2026, 1, 1)).max_age_days == 180


def test_one_ivo_answer_age_for_registries_and_supplier_checks(db):
    from registries.assess import max_age_key
    from suppliers import rule_values as supplier_rules

    key = "ivo.permit_verification_max_age_days"
    assert max_age_key("ivo") == key == supplier_rules.MAX_AGE_KEYS["ivo"]
    rv.add_value(db.session, None, key, 14, date(2026, 1, 1), "Nämndbeslut")
    assert supplier_rules.values_on(db.session, date(2026, 1, 1))[key] == 14
    assert supplier_rules.values_on(db.session, date(2025, 12, 31))[key] == 30


def test_registry_answer_age_comes_from_the_store(db, monkeypatch):
    from types import SimpleNamespace

    from registries import assess as assess_module

    seen = []
    monkeypatch.setattr(assess_module, "assess", lambda stored, days, today: seen.append(days))
    assess_module.assess_configured(SimpleNamespace(registry="kronofogden"), date(2026, 5, 1))
    assess_module.assess_configured(SimpleNamespace(registry="sanctions"), date(2026, 5, 1))
    assess_module.assess_configured(SimpleNamespace(registry="test-holder"), date(2026, 5, 1))
    assert seen == [90, 7, None]
