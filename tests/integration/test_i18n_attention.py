"""Start-page items ("Att uppmärksamma") and case alerts read in the English UI, with counts in
the right number (issue 11, review of the i18n work)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale

from oversight.cases import decisions, services
from oversight.cases.alerts import case_alerts
from oversight.formatting import sek


@pytest.fixture
def inv(make):
    dept = make.department(code="sdf-jarva", name="Järva")
    return make.user(role="investigator", department=dept, username="inv.jarva")


def _case(db, inv, days_ago=30, received=None, **kw):
    case = services.register_case(db.session, inv, department=inv.department, title="Oredovisad lön",
                                  source="caseworker", person_name="Testperson",
                                  person_pnr="850312-1231",
                                  received_on=received or date.today() - timedelta(days=days_ago), **kw)
    db.session.commit()
    return case


def _english(client):
    client.post("/language/en", data={"next": "/"})
    return client


def test_case_items_on_the_start_page_read_in_english(db, inv, login_as):
    late = _case(db, inv, days_ago=200)
    services.assess(db.session, inv, late, open_case=True, on=date.today() - timedelta(days=120))
    _case(db, inv)  # one tip waiting for assessment
    db.session.commit()
    client = login_as(inv)
    swedish = client.get("/").get_data(as_text=True)
    assert "Utredning inte påbörjad i tid" in swedish and "1 tips att bedöma" in swedish
    page = _english(client).get("/").get_data(as_text=True)
    assert f"Investigation not started in time: {late.reference}" in page
    assert "The investigation has not started" in page
    assert "1 tip to assess" in page and "Incoming information waiting" in page
    for swedish_text in ("Utredning inte påbörjad", "tips att bedöma", "Inkomna uppgifter",
                         "Utredningen har inte påbörjats"):
        assert swedish_text not in page


def test_two_tips_are_counted_in_the_plural(db, inv, login_as):
    _case(db, inv)
    _case(db, inv)
    page = _english(login_as(inv)).get("/").get_data(as_text=True)
    assert "2 tips to assess" in page


def _first_per_kind(alerts) -> dict[str, str]:
    out: dict[str, str] = {}
    for a in alerts:
        out.setdefault(a.kind, a.text)
    return out


def test_case_alerts_read_in_the_language_and_amount_format_of_the_page(app, db, inv):
    case = _case(db, inv, received=date(2023, 1, 10))
    services.assess(db.session, inv, case, open_case=True, on=date(2023, 1, 11))
    services.transition(db.session, inv, case, "investigation", on=date(2023, 1, 12))
    decisions.add_decision(db.session, inv, case, kind="recovery", decided_on=date(2023, 2, 1),
                           amount=Decimal(2000), period_from=date(2023, 1, 5),
                           repayment_method="instalments", monthly=Decimal(1000),
                           first_due=date(2023, 3, 1))
    with app.test_request_context():
        swedish = _first_per_kind(case_alerts(db.session, case, date(2025, 12, 1)))
        with force_locale("en"):
            english = _first_per_kind(case_alerts(db.session, case, date(2025, 12, 1)))
    assert f"Avbetalningen {sek(1000)} som förföll 2023-03-01 är inte betald." == swedish["missed_instalment"]
    assert english["missed_instalment"] == f"The instalment of {sek(1000)} due on 2023-03-01 has not been paid."
    assert english["claim_deadline"].startswith("A claim for damages must be brought by 2026-01-05")
    assert english["claim_deadline"].endswith("days left).")


def test_a_claim_deadline_one_day_away_reads_in_the_singular(app, db, inv):
    case = _case(db, inv, received=date(2023, 1, 10))
    services.assess(db.session, inv, case, open_case=True, on=date(2023, 1, 11))
    services.transition(db.session, inv, case, "investigation", on=date(2023, 1, 12))
    decisions.add_decision(db.session, inv, case, kind="recovery", decided_on=date(2023, 2, 1),
                           amount=Decimal(2000), period_from=date(2023, 1, 5))
    with app.test_request_context():
        claim = next(a for a in case_alerts(db.session, case, date(2026, 1, 4))
                     if a.kind == "claim_deadline")
        with force_locale("en"):
            english = next(a for a in case_alerts(db.session, case, date(2026, 1, 4))
                           if a.kind == "claim_deadline")
    assert claim.text.endswith("(1 dag kvar).") and english.text.endswith("(1 day left).")


def test_organisation_sections_have_english_titles(make, login_as):
    officer = make.user(role="procurement")
    org = make.organisation()
    page = _english(login_as(officer)).get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Registry data" in page and "Registeruppgifter" not in page


def test_a_shared_warning_on_the_start_page_reads_in_english(db, make, login_as):
    from oversight.organisations import services as orgs
    from oversight.organisations.models import WARNING_CATEGORIES

    raiser = make.user(role="procurement", department=make.department(name="Järva"))
    reader = make.user(role="procurement", department=make.department(name="Bromma"))
    org = make.organisation(name="Omsorgspartner Test AB")
    category = next(iter(WARNING_CATEGORIES))
    orgs.raise_warning(db.session, raiser, org, category=category, reason="Skenanställda.",
                       evidence=None)
    db.session.commit()
    page = _english(login_as(reader)).get("/").get_data(as_text=True)
    with force_locale("en"):
        english_category = WARNING_CATEGORIES[category]
    assert f"{english_category}, from Järva: Skenanställda." in page
    assert ", från Järva" not in page


def _payment_check(db, user, attention: int, n: int):
    from oversight.accounts.models import PaymentCheck

    check = PaymentCheck(department_id=user.department_id, created_by_id=user.id,
                         filename=f"betalfil-{attention}.xml", file_sha256=f"{attention:064d}",
                         file_size=10, status="done", n_payments=n,
                         summary={"attention": attention,
                                  "counts": {"NMTC": attention, "CMTC": 0, "NOAP": 0}})
    db.session.add(check)
    db.session.commit()
    return check


def test_a_payment_file_item_counts_in_the_right_number_with_labels_not_codes(db, make, login_as):
    officer = make.user(role="procurement")
    _payment_check(db, officer, 1, 5)
    client = login_as(officer)
    page = client.get("/").get_data(as_text=True)
    assert "1 av 5 betalningar behöver kontrolleras" in page
    assert "NMTC 1" not in page and "Stämmer inte 1" in page  # the label, not the code
    page = _english(client).get("/").get_data(as_text=True)
    assert "1 of 5 payments needs checking" in page and "behöver kontrolleras" not in page
    _payment_check(db, officer, 2, 5)
    page = client.get("/").get_data(as_text=True)
    assert "2 of 5 payments need checking" in page
