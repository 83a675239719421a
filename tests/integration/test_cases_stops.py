"""A "stop / withhold payment" decision acts: recorded against an organisation, active until
lifted (with a reason, audited; closing the case is refused while it is active), and read by
the payment-file check, the time-report settlement and the grants."""
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from assistance.timereport_queue import month_stats
from assistance.timereport_settle import settle_month
from assistance.timereport_submit import (
    approve_as_assistant,
    approve_as_user,
    parse_lines,
    submit_report,
)
from associations.followup import decide
from associations.grants import GrantError, register_grant
from oversight.accounts.models import PaymentCheck, PaymentCheckLine
from oversight.accounts.paymentfile import parse_payment_file
from oversight.accounts.payments import verify_payments
from oversight.audit import AuditEntry
from oversight.cases import decisions, services, stops
from oversight.cases.models import CaseDecision
from oversight.organisations import services as orgs
from tests.factories import bankgiro
from tests.timereport_helpers import assistance_user, assistant, grid, valid_permit

TODAY = date.today()


@pytest.fixture
def s(make, db):
    jarva = make.department(code="sdf-jarva", name="Järva")
    bromma = make.department(code="sdf-bromma", name="Bromma")
    inv = make.user(role="investigator", department=jarva, username="inv.jarva")
    org = make.organisation(name="Assistans och Omsorg AB")
    bg = bankgiro(4711)
    orgs.add_bank_account(db.session, None, org, kind="bankgiro", number=bg)
    case = services.register_case(db.session, inv, department=jarva, title="Fusk med timmar",
                                  source="caseworker", organisation_id=org.id,
                                  received_on=TODAY - timedelta(days=20))
    for target in ("assessment", "queued", "investigation"):
        services.transition(db.session, inv, case, target)
    db.session.commit()
    return {"jarva": jarva, "bromma": bromma, "inv": inv, "org": org, "bg": bg, "case": case,
            "inv_bromma": make.user(role="investigator", department=bromma),
            "lss": make.user(role="lss", department=jarva, username="lss.jarva"),
            "payer": make.user(role="procurement", department=jarva, username="ekonom.jarva"),
            "payer_bromma": make.user(role="procurement", department=bromma)}


def _stop(client, case, kind="stop_payment", **extra):
    return client.post(f"/cases/{case.id}/decisions/new", data={
        "kind": kind, "decided_on": TODAY.isoformat(), "decided_by": "officer",
        "reasoning": "Utbetalningarna stoppas under utredningen.", **extra}, follow_redirects=True)


def _stopped(db, s, kind="stop_payment"):
    decision = decisions.add_decision(db.session, s["inv"], s["case"], kind=kind, decided_on=TODAY)
    db.session.commit()
    return decision


def _csv(*rows) -> bytes:
    lines = ["mottagare;organisationsnummer;kontotyp;kontonummer;belopp;datum"]
    lines += [f"{name};{orgnr};bankgiro;{bg};1000;{TODAY}" for name, orgnr, bg in rows]
    return ("\n".join(lines) + "\n").encode()


# --- the decision itself ---------------------------------------------------------------------

def test_stop_through_the_view_targets_the_case_organisation(s, db, login_as):
    client = login_as(s["inv"])
    _stop(client, s["case"])
    decision = db.session.scalar(select(CaseDecision))
    assert decision.kind == "stop_payment" and decision.target_organisation_id == s["org"].id
    page = client.get(f"/cases/{s['case'].id}").get_data(as_text=True)
    assert "Betalningsstopp" in page and "aktivt" in page and "Häv stoppet" in page
    assert set(stops.active_stops(db.session)) == {s["org"].id}


def test_stop_names_another_organisation_and_an_unknown_one_is_refused(s, db, login_as, make):
    other = make.organisation(name="Annat Bolag AB")
    db.session.commit()
    client = login_as(s["inv"])
    page = _stop(client, s["case"], target_orgnr="556000-0000").get_data(as_text=True)
    assert "finns inte i registret" in page and db.session.scalar(select(CaseDecision)) is None
    _stop(client, s["case"], kind="withhold", target_orgnr=other.orgnr)
    assert db.session.scalar(select(CaseDecision)).target_organisation_id == other.id


def test_stop_without_any_organisation_is_refused(s, db, login_as):
    case = services.register_case(db.session, s["inv"], department=s["jarva"], title="Utan org",
                                  source="caseworker")
    for target in ("assessment", "queued", "investigation"):
        services.transition(db.session, s["inv"], case, target)
    db.session.commit()
    page = _stop(login_as(s["inv"]), case).get_data(as_text=True)
    assert "Ange organisationen" in page and db.session.scalar(select(CaseDecision)) is None


def test_closing_is_refused_until_the_stop_is_lifted_with_a_reason(s, db, login_as):
    decision = _stopped(db, s)
    client = login_as(s["inv"])
    page = client.post(f"/cases/{s['case'].id}/transition", data={"target": "closed"},
                       follow_redirects=True).get_data(as_text=True)
    assert "aktivt betalningsstopp" in page
    db.session.refresh(s["case"])
    assert s["case"].status == "decision"
    page = client.post(f"/cases/decisions/{decision.id}/lift", data={"lift-reason": ""},
                       follow_redirects=True).get_data(as_text=True)
    db.session.refresh(decision)
    assert decision.lifted_on is None
    client.post(f"/cases/decisions/{decision.id}/lift",
                data={"lift-reason": "Anordnaren har visat underlag för timmarna."})
    db.session.refresh(decision)
    assert decision.lifted_on == TODAY and decision.lifted_by_name == s["inv"].name
    assert "underlag" in decision.lifted_reason and stops.active_stops(db.session) == {}
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.entity_type == "fut_decision", AuditEntry.action == "update"))
    assert entry.after["lifted_reason"].startswith("Anordnaren") and entry.actor_id == s["inv"].id
    client.post(f"/cases/{s['case'].id}/transition", data={"target": "closed"})
    db.session.refresh(s["case"])
    assert s["case"].status == "closed"


def test_only_the_owning_department_lifts(s, db, login_as):
    decision = _stopped(db, s)
    r = login_as(s["inv_bromma"]).post(f"/cases/decisions/{decision.id}/lift",
                                       data={"lift-reason": "Nej"})
    assert r.status_code == 404
    db.session.refresh(decision)
    assert decision.lifted_on is None


# --- payment-file check ----------------------------------------------------------------------

def test_payment_check_flags_the_organisation_and_its_account(s, db):
    _stopped(db, s)
    org = s["org"]
    results = verify_payments(db.session, parse_payment_file(_csv(
        (org.name, org.orgnr, s["bg"]),                 # the organisation itself
        ("Helt Annat Namn", "", s["bg"]),               # its account, under another name
        ("Ren Förening", "", bankgiro(999)),            # someone else
    )).payments, department_id=s["jarva"].id)
    stop_texts = [[f.text for f in r.verification.findings if f.code == "PAYMENT_STOP"]
                  for r in results]
    assert stop_texts[0] and s["case"].reference in stop_texts[0][0]
    assert "stoppade" in stop_texts[0][0] and "Järva" in stop_texts[0][0]
    assert stop_texts[1] and "tillhör Assistans och Omsorg AB" in stop_texts[1][0]
    assert stop_texts[2] == []
    assert results[0].verification.needs_attention


def test_payment_check_through_the_view_stores_the_finding_and_lifting_clears_it(s, db, login_as):
    decision = _stopped(db, s)
    org = s["org"]
    client = login_as(s["payer_bromma"])  # another department's file: flagged, with the contact
    client.post("/accounts/payments", data={"file": (io.BytesIO(_csv((org.name, org.orgnr, s["bg"]))),
                                                     "betalfil.csv"), "format": ""},
                content_type="multipart/form-data")
    line = db.session.scalar(select(PaymentCheckLine))
    texts = [f.text for f in line.finding_list if f.code == "PAYMENT_STOP"]
    assert texts and s["case"].reference in texts[0] and "kontakta den" in texts[0]
    check = db.session.scalar(select(PaymentCheck))
    page = client.get(f"/accounts/payments/{check.id}").get_data(as_text=True)
    assert s["case"].reference in page
    stops.lift(db.session, s["inv"], decision, reason="Klart")
    db.session.commit()
    [r] = verify_payments(db.session, parse_payment_file(_csv((org.name, org.orgnr, s["bg"]))).payments)
    assert "PAYMENT_STOP" not in {f.code for f in r.verification.findings}


# --- time-report settlement ------------------------------------------------------------------

def test_settlement_withholds_the_providers_month_in_the_stopping_district(s, db, login_as):
    org = s["org"]
    valid_permit(db.session, org)
    own = assistance_user(db.session, s["jarva"], org, hours_per_week=Decimal(14))
    other = assistance_user(db.session, s["bromma"], org, hours_per_week=Decimal(14))
    db.session.commit()
    march = date(2024, 3, 1)
    helper = assistant(db.session, org)
    report, _ = submit_report(db.session, s["lss"], own, org.id, march, parse_lines(grid(
        *[(helper.assistant_id, f"2024-03-{d:02d}", "08:00", "10:00") for d in range(1, 11)])))
    approve_as_user(db.session, s["lss"], report, "Brukaren själv")
    approve_as_assistant(db.session, s["lss"], report, helper.assistant_id, "Anna Assistent")
    db.session.commit()
    before = {ln.person_id: ln for ln in settle_month(db.session, march)}
    assert not before[own.person_id].withheld
    assert before[own.person_id].payable_now == before[own.person_id].payable == Decimal("6652.00")
    decision = _stopped(db, s)
    lines = {ln.person_id: ln for ln in settle_month(db.session, march)}
    mine, theirs = lines[own.person_id], lines[other.person_id]
    assert s["case"].reference in mine.withheld and mine.payable_now == 0
    assert mine.payable == Decimal("6652.00")  # what it would be: shown, not paid
    assert month_stats(db.session, s["lss"], march, TODAY).payable == 0
    assert mine.as_json()["withheld"] is True
    assert not theirs.withheld and s["case"].reference in theirs.stop_note
    assert theirs.payable_now == theirs.payable
    page = login_as(s["lss"]).get("/assistance/timereports/settlement?month=2024-03").get_data(as_text=True)
    assert "Innehålls" in page and s["case"].reference in page
    csv = login_as(s["lss"]).get("/assistance/timereports/settlement?month=2024-03&format=csv")
    assert "Betalningsstopp" in csv.get_data().decode("utf-8-sig")
    stops.lift(db.session, s["inv"], decision, reason="Utrett")
    db.session.commit()
    assert not any(ln.withheld for ln in settle_month(db.session, march))


# --- grants ----------------------------------------------------------------------------------

def _grant(db, org, dept, status="granted"):
    return register_grant(db.session, None, org, form="projekt", department=dept, purpose="Läxhjälp",
                          period_start=date(TODAY.year, 1, 1), period_end=date(TODAY.year, 12, 31),
                          amount=10000, status=status, applied_on=TODAY)


def test_grant_payment_refused_under_the_own_stop_and_flagged_for_others(s, db, make):
    _stopped(db, s, kind="withhold")
    org = s["org"]
    with pytest.raises(GrantError, match=s["case"].reference):
        _grant(db, org, s["jarva"])
    applied = _grant(db, org, s["jarva"], status="applied")
    grants_officer = make.user(role="grants", department=s["jarva"])
    with pytest.raises(GrantError, match="innehållna"):
        decide(db.session, grants_officer, applied, action="approve", reason="Beviljas")
    elsewhere = _grant(db, org, s["bromma"])  # another department's grant: flagged, not refused
    flags = [f for f in elsewhere.eligibility if f["code"] == "payment_stop"]
    assert flags and flags[0]["severity"] == "danger" and s["case"].reference in flags[0]["message"]


def test_grant_resume_refused_while_stopped_and_allowed_after_lifting(s, db, make):
    org = s["org"]
    grant = _grant(db, org, s["jarva"])
    officer = make.user(role="grants", department=s["jarva"])
    decide(db.session, officer, grant, action="withhold", reason="Redovisning saknas")
    decision = _stopped(db, s)
    with pytest.raises(GrantError, match="kan inte betalas ut"):
        decide(db.session, officer, grant, action="resume", reason="Redovisat")
    stops.lift(db.session, s["inv"], decision, reason="Redovisningen kom in")
    decide(db.session, officer, grant, action="resume", reason="Redovisat")
    assert grant.status == "granted"


# --- shown where the organisation is read --------------------------------------------------------

def test_organisation_page_and_letter_show_the_stop(s, db, login_as):
    decision = _stopped(db, s)
    org_page = login_as(s["payer_bromma"]).get(f"/organisations/{s['org'].id}").get_data(as_text=True)
    assert "Betalningsstopp" in org_page and s["case"].reference in org_page
    assert "Fusk med timmar" not in org_page  # the reference, never the case
    letter = login_as(s["inv"]).get(f"/cases/decisions/{decision.id}/letter").get_data(as_text=True)
    assert "Gäller utbetalningar till" in letter and s["org"].orgnr in letter
    stops.lift(db.session, s["inv"], decision, reason="Utrett")
    db.session.commit()
    org_page = login_as(s["payer_bromma"]).get(f"/organisations/{s['org'].id}").get_data(as_text=True)
    assert s["case"].reference not in org_page


def test_cli_lists_active_stops(s, db, runner):
    _stopped(db, s)
    result = runner.invoke(args=["cases", "stops"])
    assert result.exit_code == 0 and s["case"].reference in result.output
    assert "Assistans och Omsorg AB" in result.output and "Järva" in result.output
