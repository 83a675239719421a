"""'X har lämnat insatsen – pröva betalningsförmågan': the daily task, run the way the worker
runs it (fresh app context, the system user), adds an automatic notice to each open case with
money owed whose person's LSS assistance ended, or whose grant-receiving association was
deregistered; once per event; the investigator's start page shows it; manual entry stays."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from associations.grants import register_grant
from oversight.audit import AuditEntry
from oversight.cases import decisions, services
from oversight.cases.benefit_ended import notify
from oversight.cases.models import Case, CaseActivity
from oversight.jobs import run_periodic
from registries.base import FOUND, RegistryResult
from registries.normalized import CompanyRecord
from registries.store import store_result
from tests.timereport_helpers import assistance_user

TODAY = date.today()
DECIDED = TODAY - timedelta(days=60)


@pytest.fixture
def s(make, db):
    jarva = make.department(code="sdf-jarva", name="Järva")
    bromma = make.department(code="sdf-bromma", name="Bromma")
    return {"jarva": jarva, "bromma": bromma,
            "inv": make.user(role="investigator", department=jarva, username="inv.jarva"),
            "inv_bromma": make.user(role="investigator", department=bromma, username="inv.bromma")}


def _case_with_plan(db, s, *, pnr=None, org=None, paid=None, dept=None):
    dept = dept or s["jarva"]
    case = services.register_case(db.session, s["inv"], department=dept, title="Återkrav",
                                  source="caseworker", person_name="Anna Andersson" if pnr else None,
                                  person_pnr=pnr, organisation_id=org.id if org else None,
                                  received_on=TODAY - timedelta(days=120), investigator=s["inv"])
    for target in ("assessment", "queued", "investigation"):
        services.transition(db.session, s["inv"], case, target, on=TODAY - timedelta(days=100))
    decisions.add_decision(db.session, s["inv"], case, kind="recovery", decided_on=DECIDED,
                           legal_basis="lss_12" if pnr else "grant_conditions", amount=Decimal(6000),
                           repayment_method="instalments", monthly=Decimal(1000),
                           first_due=DECIDED + timedelta(days=30))
    if paid:
        decisions.add_payment(db.session, s["inv"], case, paid_on=TODAY, amount=Decimal(paid))
    db.session.commit()
    return case


def _dashed(person_id: str) -> str:
    return f"{person_id[:8]}-{person_id[8:]}"


def _end_assistance(db, user, on):
    for d in user.decisions:
        d.valid_to = on
    db.session.commit()


def _notices(db, case):
    db.session.expire_all()
    return db.session.scalars(select(CaseActivity).where(
        CaseActivity.case_id == case.id, CaseActivity.origin.is_not(None))).all()


def test_daily_task_tells_the_investigator_when_lss_assistance_ended(s, db, app, login_as):
    user = assistance_user(db.session, s["jarva"], kind="municipal", since=TODAY - timedelta(days=400))
    case = _case_with_plan(db, s, pnr=_dashed(user.person_id))
    still = assistance_user(db.session, s["jarva"], kind="municipal", since=TODAY - timedelta(days=400))
    running = _case_with_plan(db, s, pnr=_dashed(still.person_id))
    ended_on = TODAY - timedelta(days=3)
    _end_assistance(db, user, ended_on)

    run_periodic(app, "cases.daily")  # as the worker: fresh app context, system user
    [notice] = _notices(db, case)
    assert notice.kind == "benefit_ended" and notice.author_name == "system" and notice.on == ended_on
    assert notice.text.startswith("Anna Andersson har lämnat insatsen – pröva betalningsförmågan")
    assert ended_on.isoformat() in notice.text
    assert _notices(db, running) == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "fut_case_activity",
                                                       AuditEntry.action == "create"))
    assert entry.actor == "system"

    run_periodic(app, "cases.daily")  # the next day's run adds nothing new
    assert len(_notices(db, case)) == 1

    home = login_as(s["inv"]).get("/").get_data(as_text=True)
    assert "har lämnat insatsen – pröva betalningsförmågan" in home and case.reference in home
    other = login_as(s["inv_bromma"]).get("/").get_data(as_text=True)
    assert case.reference not in other


def test_no_notice_without_money_owed_or_in_another_district(s, db):
    user = assistance_user(db.session, s["jarva"], kind="municipal", since=TODAY - timedelta(days=400))
    paid_up = _case_with_plan(db, s, pnr=_dashed(user.person_id), paid=6000)
    other_district = _case_with_plan(db, s, pnr=_dashed(user.person_id), dept=s["bromma"])
    _end_assistance(db, user, TODAY - timedelta(days=1))
    assert notify(db.session) == []
    assert _notices(db, paid_up) == [] and _notices(db, other_district) == []


def test_assistance_that_ended_before_the_recovery_decision_is_no_news(s, db):
    user = assistance_user(db.session, s["jarva"], kind="municipal", since=TODAY - timedelta(days=400))
    case = _case_with_plan(db, s, pnr=_dashed(user.person_id))
    _end_assistance(db, user, DECIDED - timedelta(days=1))
    notify(db.session)
    assert _notices(db, case) == []


def test_deregistered_grant_association_raises_the_notice(s, db, make):
    org = make.organisation(name="Föreningen Gemenskap", group=8)
    register_grant(db.session, None, org, form="projekt", department=s["jarva"], purpose="Läxhjälp",
                   period_start=date(TODAY.year, 1, 1), period_end=date(TODAY.year, 12, 31),
                   amount=10000, status="granted", applied_on=TODAY - timedelta(days=200))
    case = _case_with_plan(db, s, org=org)
    gone = TODAY - timedelta(days=5)
    store_result(db.session, None, RegistryResult(
        registry="bolagsverket", identifier=org.orgnr, status=FOUND, source="fixture",
        records=(CompanyRecord(orgnr=org.orgnr, name=org.name, active=False,
                               deregistration_date=gone),)), org)
    db.session.commit()
    [activity] = notify(db.session)
    assert activity.case_id == case.id and "Organisationen har lämnat insatsen" in activity.text
    assert "avregistrerad" in activity.text and gone.isoformat() in activity.text
    db.session.commit()
    assert notify(db.session) == []


def test_manual_entry_still_works(s, db, login_as):
    case = _case_with_plan(db, s, pnr="19850312-1231")
    client = login_as(s["inv"])
    client.post(f"/cases/{case.id}/activities", data={
        "act-kind": "benefit_ended", "act-text": "Har fått arbete från och med i dag."})
    case = db.session.get(Case, case.id)
    [manual] = [a for a in case.activities if a.kind == "benefit_ended"]
    assert manual.origin is None
    assert "bedöm betalningsförmågan" in client.get("/").get_data(as_text=True)


def test_cli_runs_the_daily_check_now(s, db, runner):
    user = assistance_user(db.session, s["jarva"], kind="municipal", since=TODAY - timedelta(days=400))
    case = _case_with_plan(db, s, pnr=_dashed(user.person_id))
    _end_assistance(db, user, TODAY - timedelta(days=2))
    result = runner.invoke(args=["cases", "benefit-ended"])
    assert result.exit_code == 0 and case.reference in result.output and "1 ny notis." in result.output
    assert runner.invoke(args=["cases", "benefit-ended"]).output.strip().endswith("0 nya notiser.")
