"""Grants: eligibility rules (each positive and negative), rule values as data, decisions,
report deadlines, key persons in several organisations."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from associations.followup import (
    decide,
    overdue_reports,
    record_report,
    report_periods,
    shared_key_persons,
)
from associations.grants import (
    GrantError,
    check_accounts,
    eligibility,
    register_grant,
    rule_value,
    set_rule_value,
)
from associations.models import Grant, GrantDecision
from oversight.organisations import services as orgs
from tests.factories import bankgiro

TODAY = date.today()
Y = TODAY.year


def codes(findings) -> set[str]:
    return {f.code for f in findings}


@pytest.fixture
def dept(make):
    return make.department(name="Kulturförvaltningen")


@pytest.fixture
def handler(make, dept):
    return make.user(role="grants", department=dept)


def association(make, years_old: int | None = 5, **kw):
    registered = None if years_old is None else TODAY.replace(year=TODAY.year - years_old)
    return make.organisation(name=kw.pop("name", None) or "Föreningen Test", group=8,
                             registration_date=registered, **kw)


def grant(db, org, dept, *, form="tidsbegransat", year=Y, years=1, status="granted", **kw):
    return register_grant(db.session, None, org, form=form, department=dept,
                          purpose=kw.pop("purpose", "Läxhjälp"), period_start=date(year, 1, 1),
                          period_end=date(year + years - 1, 12, 31), amount=10000,
                          status=status, applied_on=kw.pop("applied_on", TODAY), **kw)


# --- organisation number age -------------------------------------------------------------------

def test_young_organisation_number_is_flagged(db, make, dept):
    org = association(make, years_old=1)
    g = grant(db, org, dept)
    young = [f for f in g.eligibility if f["code"] == "org_too_young"]
    assert young and "minst 2 år" in young[0]["message"]


def test_unknown_registration_date_is_flagged(db, make, dept):
    assert "org_age_unknown" in codes(eligibility(db.session, association(make, None)))


def test_old_enough_organisation_number_passes(db, make, dept):
    found = codes(eligibility(db.session, association(make, years_old=3)))
    assert not found & {"org_too_young", "org_age_unknown"}


def test_rule_value_is_data_with_validity(db, make):
    assert rule_value(db.session, "min_org_age_years") == Decimal(2)
    set_rule_value(db.session, "min_org_age_years", 5, valid_from=TODAY - timedelta(days=1),
                   source="Nämndbeslut (test)")
    assert rule_value(db.session, "min_org_age_years") == Decimal(5)
    assert rule_value(db.session, "min_org_age_years", TODAY - timedelta(days=30)) == 2
    assert "org_too_young" in codes(eligibility(db.session, association(make, years_old=3)))
    with pytest.raises(GrantError):
        set_rule_value(db.session, "finns_inte", 1, valid_from=TODAY)


# --- grant forms ------------------------------------------------------------------------------

def test_verksamhetsbidrag_without_two_years_of_tidsbegransat_is_flagged(db, make, dept):
    org = association(make)
    grant(db, org, dept, year=Y - 1)  # only one year
    g = grant(db, org, dept, form="verksamhetsbidrag")
    msg = [f["message"] for f in g.eligibility if f["code"] == "verksamhetsbidrag_without_prior"]
    assert msg and "1 år i följd" in msg[0]


def test_verksamhetsbidrag_after_two_consecutive_years_passes(db, make, dept):
    org = association(make)
    grant(db, org, dept, year=Y - 2)
    grant(db, org, dept, year=Y - 1)
    g = grant(db, org, dept, form="verksamhetsbidrag", years=2)
    assert "verksamhetsbidrag_without_prior" not in {f["code"] for f in g.eligibility}


def test_prior_years_must_come_from_the_same_grantor(db, make, dept):
    org = association(make)
    other = make.department(name="Idrottsförvaltningen")
    grant(db, org, other, year=Y - 2)
    grant(db, org, other, year=Y - 1)
    g = grant(db, org, dept, form="verksamhetsbidrag")
    assert "verksamhetsbidrag_without_prior" in {f["code"] for f in g.eligibility}


def test_stopped_grant_years_do_not_count_as_prior(db, make, dept):
    org = association(make)
    grant(db, org, dept, year=Y - 2)
    grant(db, org, dept, year=Y - 1, status="rejected")
    g = grant(db, org, dept, form="verksamhetsbidrag")
    assert "verksamhetsbidrag_without_prior" in {f["code"] for f in g.eligibility}


def test_tidsbegransat_beyond_two_consecutive_years_is_flagged(db, make, dept):
    org = association(make)
    grant(db, org, dept, year=Y - 2)
    grant(db, org, dept, year=Y - 1)
    g = grant(db, org, dept)
    msg = [f["message"] for f in g.eligibility if f["code"] == "tidsbegransat_too_long"]
    assert msg and "3 år i följd" in msg[0]


def test_second_year_of_tidsbegransat_passes(db, make, dept):
    org = association(make)
    grant(db, org, dept, year=Y - 1)
    g = grant(db, org, dept)
    assert "tidsbegransat_too_long" not in {f["code"] for f in g.eligibility}
    # A gap year breaks the run.
    org2 = association(make, name="Föreningen Två")
    grant(db, org2, dept, year=Y - 3)
    grant(db, org2, dept, year=Y - 2)
    g2 = grant(db, org2, dept)
    assert "tidsbegransat_too_long" not in {f["code"] for f in g2.eligibility}


# --- bankgiro / plusgiro ----------------------------------------------------------------------

def test_no_giro_is_flagged(db, make):
    assert "no_giro" in codes(check_accounts(db.session, association(make)))


def test_giro_without_holder_evidence_could_not_be_verified_never_ok(db, make):
    org = association(make)
    orgs.add_bank_account(db.session, None, org, kind="bankgiro", number=bankgiro())
    findings = check_accounts(db.session, org)
    assert [f.code for f in findings] == ["giro_unverified"]
    assert findings[0].severity == "warning" and "kunde inte verifieras" in findings[0].message


def test_giro_shared_with_another_organisation_is_flagged(db, make):
    number = bankgiro()
    org = association(make)
    other = association(make, name="Annan förening")
    orgs.add_bank_account(db.session, None, org, kind="bankgiro", number=number)
    orgs.add_bank_account(db.session, None, other, kind="bankgiro", number=number)
    findings = check_accounts(db.session, org)
    shared = [f for f in findings if f.severity == "danger"]
    assert shared and "Annan förening" in shared[0].message


def test_giro_verified_as_the_associations_own_passes(db, make):
    services = pytest.importorskip("oversight.accounts.services")
    org = association(make)
    number = bankgiro()
    orgs.add_bank_account(db.session, None, org, kind="bankgiro", number=number)
    services.add_holder_answer(db.session, None, kind="bankgiro", number=number,
                               holder_name=org.name, holder_id=org.orgnr, source="bank",
                               status="active", answered_on=TODAY, entry="import")
    assert check_accounts(db.session, org) == []


def test_giro_held_by_someone_else_is_flagged(db, make):
    services = pytest.importorskip("oversight.accounts.services")
    org = association(make)
    other = association(make, name="Helt Annan Förening")
    number = bankgiro()
    orgs.add_bank_account(db.session, None, org, kind="bankgiro", number=number)
    services.add_holder_answer(db.session, None, kind="bankgiro", number=number,
                               holder_name=other.name, holder_id=other.orgnr, source="bank",
                               status="active", answered_on=TODAY, entry="import")
    assert "giro_not_own" in codes(check_accounts(db.session, org))


def test_verification_error_fails_closed(db, make, monkeypatch):
    import associations.grants as grants_module

    def broken(session, org):
        raise RuntimeError("registry down")

    monkeypatch.setattr(grants_module, "verify_organisation_accounts", broken)
    org = association(make)
    orgs.add_bank_account(db.session, None, org, kind="plusgiro", number="738291-4")
    assert codes(check_accounts(db.session, org)) == {"giro_unverified"}


# --- warnings and key persons ------------------------------------------------------------------

def test_active_warning_on_the_organisation_is_flagged(db, make, handler):
    org = association(make)
    warning = orgs.raise_warning(db.session, handler, org, category="grant_breach",
                                 reason="Bidrag användes till annat.", evidence=None)
    assert "org_warning" in codes(eligibility(db.session, org))
    orgs.withdraw_warning(db.session, handler, warning, "Utrett: felaktig uppgift.")
    assert "org_warning" not in codes(eligibility(db.session, org))


def test_key_person_in_a_warned_organisation_is_flagged(db, make, handler):
    org = association(make)
    flagged = make.organisation(name="Omsorg AB")
    orgs.raise_warning(db.session, handler, flagged, category="exclusion", reason="Hävt avtal.",
                       evidence=None)
    orgs.add_key_person(db.session, org, role="kassor", name="Bertil Testsson",
                        personnummer="770110-4569")
    orgs.add_key_person(db.session, flagged, role="vd", name="B. Testsson",
                        personnummer="19770110-4569")
    findings = [f for f in eligibility(db.session, org) if f.code == "key_person_flagged"]
    assert findings and "Omsorg AB" in findings[0].message
    assert "samma personnummer" in findings[0].message


def test_key_person_matched_by_name_when_a_personnummer_is_missing(db, make, handler):
    org = association(make)
    flagged = make.organisation(name="Omsorg AB")
    orgs.raise_warning(db.session, handler, flagged, category="exclusion", reason="Hävt avtal.",
                       evidence=None)
    orgs.add_key_person(db.session, org, role="ordforande", name="Amina Exempelsdotter")
    orgs.add_key_person(db.session, flagged, role="styrelseledamot", name="amina exempelsdotter")
    assert "key_person_flagged" in codes(eligibility(db.session, org))


def test_key_person_elsewhere_without_warning_is_not_flagged(db, make):
    org = association(make)
    clean = make.organisation(name="Städ AB")
    orgs.add_key_person(db.session, org, role="kassor", name="Bertil Testsson",
                        personnummer="770110-4569")
    orgs.add_key_person(db.session, clean, role="vd", name="Bertil Testsson",
                        personnummer="770110-4569")
    assert "key_person_flagged" not in codes(eligibility(db.session, org))


def test_shared_key_persons_across_grant_receiving_associations_and_suppliers(db, make, dept):
    a = association(make, name="Förening A")
    b = association(make, name="Förening B")
    supplier = make.organisation(name="Leverantören AB")
    lonely = association(make, name="Förening C")
    for org, role in ((a, "kassor"), (b, "ordforande"), (supplier, "styrelseledamot")):
        orgs.add_key_person(db.session, org, role=role, name="Bertil Testsson",
                            personnummer="770110-4569")
    orgs.add_key_person(db.session, lonely, role="kassor", name="Cecilia Ensam",
                        personnummer="900215-7890")
    grant(db, a, dept)
    grant(db, b, dept)
    (person,) = shared_key_persons(db.session)
    assert person.masked_personnummer == "19770110-****"
    assert {k.organisation.name for k in person.grant_associations} == {"Förening A",
                                                                        "Förening B"}
    assert [k.organisation.name for k in person.other_organisations] == ["Leverantören AB"]
    assert shared_key_persons(db.session, lonely) == []
    from flask_babel import force_locale

    assert person.matched_on == "personnummer" and person.matched_on_label == "Personnummer"
    with force_locale("en"):
        assert person.matched_on_label == "Personal identity number"  # a label, not the code


# --- registration, decisions, reports -----------------------------------------------------------

def test_grant_needs_exactly_one_grantor_and_a_sane_period(db, make, dept):
    org = association(make)
    with pytest.raises(GrantError, match="antingen"):
        register_grant(db.session, None, org, form="projekt", purpose="x", amount=1,
                       period_start=date(Y, 1, 1), period_end=date(Y, 2, 1))
    with pytest.raises(GrantError, match="före"):
        register_grant(db.session, None, org, form="projekt", purpose="x", amount=1,
                       department=dept, period_start=date(Y, 2, 1), period_end=date(Y, 1, 1))
    with pytest.raises(GrantError):
        register_grant(db.session, None, org, form="projekt", purpose="x", amount=1,
                       department=dept, period_start=date(Y, 1, 1), period_end=date(Y, 2, 1),
                       status="stopped")


def test_external_funder_grant(db, make):
    org = association(make)
    g = register_grant(db.session, None, org, form="projekt", purpose="Digital mötesplats",
                       funder_name="Allmänna arvsfonden", amount="1 200 000",
                       period_start=date(Y, 1, 1), period_end=date(Y + 1, 12, 31))
    assert g.grantor == "Allmänna arvsfonden" and g.department_id is None
    assert g.amount == Decimal("1200000.00")


def test_report_schedule_annual_and_half_yearly(db, make, dept):
    org = association(make)
    tb = grant(db, org, dept, year=Y)
    assert [(r.kind, r.period_end, r.due_on) for r in tb.reports] == [
        ("halfyear", date(Y, 6, 30), date(Y, 7, 30)),
        ("annual", date(Y, 12, 31), date(Y + 1, 3, 31))]
    vb = grant(db, org, dept, form="verksamhetsbidrag", years=3)
    assert [(r.kind, r.period_end) for r in vb.reports] == [
        ("annual", date(Y, 12, 31)), ("annual", date(Y + 1, 12, 31)),
        ("annual", date(Y + 2, 12, 31))]
    applied = grant(db, org, dept, status="applied")
    assert applied.reports == [] and report_periods(applied)


def test_overdue_reports_and_recording_one(db, make, dept, handler):
    org = association(make)
    old = grant(db, org, dept, form="verksamhetsbidrag", year=Y - 3, years=2)
    overdue = overdue_reports(db.session)
    assert [r.grant_id for r in overdue] == [old.id, old.id]
    assert overdue_reports(db.session, department_id=dept.id + 1000) == []
    record_report(db.session, handler, overdue[0], received_on=TODAY - timedelta(days=1),
                  status="approved")
    assert len(overdue_reports(db.session)) == 1
    with pytest.raises(GrantError):
        record_report(db.session, handler, overdue[1], received_on=TODAY + timedelta(days=2))


def test_withhold_stop_reclaim_with_decision_records(db, make, dept, handler):
    org = association(make)
    g = grant(db, org, dept)
    decide(db.session, handler, g, action="withhold", reason="Redovisning saknas.",
           reference="KUF 2026/1")
    assert g.status == "withheld"
    with pytest.raises(GrantError, match="går inte"):
        decide(db.session, handler, g, action="withhold", reason="igen")
    decide(db.session, handler, g, action="stop", reason="Villkoren bröts.")
    with pytest.raises(GrantError, match="belopp"):
        decide(db.session, handler, g, action="reclaim", reason="Återbetala.", amount=None)
    with pytest.raises(GrantError):
        decide(db.session, handler, g, action="reclaim", reason="Återbetala.", amount=20000)
    decide(db.session, handler, g, action="reclaim", reason="Återbetala.", amount="4 000")
    assert g.status == "reclaimed"
    records = db.session.scalars(select(GrantDecision).where(GrantDecision.grant_id == g.id)
                                 .order_by(GrantDecision.id)).all()
    assert [(d.action, d.previous_status) for d in records] == [
        ("withhold", "granted"), ("stop", "withheld"), ("reclaim", "stopped")]
    assert records[-1].amount == Decimal(4000) and records[0].department_id == dept.id


def test_approving_an_application_schedules_reports(db, make, dept, handler):
    org = association(make)
    g = grant(db, org, dept, status="applied")
    with pytest.raises(GrantError, match="skälet"):
        decide(db.session, handler, g, action="approve", reason="")
    decide(db.session, handler, g, action="approve", reason="Uppfyller villkoren.")
    assert g.status == "granted" and len(g.reports) == 2 and g.decision_date == TODAY
    assert db.session.get(Grant, g.id).reports


def test_cli_rules_overdue_and_detect(runner, db, make, dept):
    result = runner.invoke(args=["associations", "rules"])
    assert result.exit_code == 0 and "organisationsnumret: 2 år" in result.output
    result = runner.invoke(args=["associations", "rules", "--set", "min_org_age_years=3",
                                 "--from", "2020-01-01", "--source", "Nämndbeslut"])
    assert result.exit_code == 0 and "organisationsnumret: 3 år" in result.output
    bad = runner.invoke(args=["associations", "rules", "--set", "min_org_age_years=tre"])
    assert bad.exit_code == 1
    org = association(make, name="Föreningen Sen")
    grant(db, org, dept, form="verksamhetsbidrag", year=Y - 3)
    db.session.commit()
    result = runner.invoke(args=["associations", "overdue-reports"])
    assert result.exit_code == 0 and "Föreningen Sen" in result.output
    assert "1 försenad redovisning." in result.output  # singular
    result = runner.invoke(args=["associations", "detect", "--from", "2026-03-31",
                                 "--to", "2026-03-01"])
    assert result.exit_code == 1 and "före dess början" in result.output
    result = runner.invoke(args=["associations", "detect"])
    assert result.exit_code == 0 and "0 rader" in result.output
