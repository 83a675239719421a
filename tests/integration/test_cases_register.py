"""Cases through the views as real roles: registering, assessing, transitions, decisions with
an instalment plan, payments, district scoping and cross-department assignment."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from oversight.audit import AuditEntry
from oversight.cases import decisions, services
from oversight.cases.models import Case, CaseEvent


@pytest.fixture
def setup(make, db):
    jarva = make.department(code="sdf-jarva", name="Järva")
    bromma = make.department(code="sdf-bromma", name="Bromma")
    central = make.department(code="central", name="Central FUT-enhet", kind="other")
    return {
        "jarva": jarva, "bromma": bromma,
        "inv": make.user(role="investigator", department=jarva, username="inv.jarva"),
        "inv_bromma": make.user(role="investigator", department=bromma, username="inv.bromma"),
        "central": make.user(role="investigator", department=central, username="inv.central"),
        "lss": make.user(role="lss", department=jarva, username="lss.jarva"),
    }


def _case(db, s, **kw):
    case = services.register_case(db.session, s["inv"], department=s["jarva"], title="Oredovisad lön",
                                  source="caseworker", person_name="Testperson", person_pnr="850312-1231",
                                  received_on=kw.pop("received_on", date.today() - timedelta(days=30)), **kw)
    db.session.commit()
    return case


def test_register_assess_investigate_decide_pay_close(setup, db, login_as):
    s, client = setup, login_as(setup["inv"])
    r = client.post("/cases/new", data={"title": "Tips om svartarbete", "source": "caseworker",
                                        "person_pnr": "850312-1231", "person_name": "Test Person"})
    assert r.status_code == 302
    case = db.session.scalar(select(Case))
    assert case.status == "registered" and case.department_id == s["jarva"].id
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "19850312-****" in page and "1231" not in page
    assert client.post(f"/cases/{case.id}/assess", data={"assess-decision": "open", "assess-amount_estimate": "150000",
                                                          "assess-risk_of_loss": "y"}).status_code == 302
    client.post(f"/cases/{case.id}/transition", data={"target": "investigation"})
    db.session.refresh(case)
    assert case.status == "investigation" and case.investigation_started_on == date.today()
    first_due = date.today().replace(day=1)
    r = client.post(f"/cases/{case.id}/decisions/new", data={
        "kind": "recovery", "decided_on": date.today().isoformat(), "decided_by": "officer",
        "legal_basis": "sol_9_1", "amount": "3000", "period_from": "2025-01-01",
        "period_to": "2025-06-30", "repayment_method": "instalments", "monthly": "1000",
        "first_due": first_due.isoformat(), "reasoning": "Lön som inte redovisats."})
    assert r.status_code == 302 and "/letter" in r.headers["Location"]
    letter = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "9 kap. 1 § socialtjänstlagen" in letter and case.reference in letter and "Järva" in letter
    db.session.refresh(case)
    assert case.status == "decision" and len(case.decisions[0].instalments) == 3
    client.post(f"/cases/{case.id}/payments", data={"pay-paid_on": date.today().isoformat(), "pay-amount": "3000"})
    db.session.refresh(case)
    assert case.status == "follow_up"
    assert decisions.repayment(db.session, case).ready_to_close
    client.post(f"/cases/{case.id}/transition", data={"target": "closed"})
    db.session.refresh(case)
    assert case.status == "closed" and case.closed_on == date.today()
    trail = [(e.from_status, e.to_status) for e in case.events]
    assert trail == [(None, "registered"), ("registered", "assessment"), ("assessment", "queued"),
                     ("queued", "investigation"), ("investigation", "decision"),
                     ("decision", "follow_up"), ("follow_up", "closed")]
    assert all(e.actor_id == s["inv"].id for e in case.events)


def test_refused_transition_is_a_message_not_a_change(setup, db, login_as):
    case = _case(db, setup)
    client = login_as(setup["inv"])
    r = client.post(f"/cases/{case.id}/transition", data={"target": "closed"}, follow_redirects=True)
    assert "kan inte gå till" in r.get_data(as_text=True)
    db.session.refresh(case)
    assert case.status == "registered"


def test_not_opened_needs_reason_through_the_view(setup, db, login_as):
    case = _case(db, setup)
    client = login_as(setup["inv"])
    r = client.post(f"/cases/{case.id}/assess", data={"assess-decision": "not_opened"}, follow_redirects=True)
    assert "skälet" in r.get_data(as_text=True)
    db.session.refresh(case)
    assert case.status == "registered"  # rolled back, nothing half-saved
    client.post(f"/cases/{case.id}/assess", data={"assess-decision": "not_opened", "assess-reason": "too_old"})
    db.session.refresh(case)
    assert case.status == "not_opened" and case.not_opened_reason == "too_old"


def test_other_district_gets_404_everywhere(setup, db, login_as):
    case = _case(db, setup)
    client = login_as(setup["inv_bromma"])
    for url in (f"/cases/{case.id}", f"/cases/{case.id}/decisions/new"):
        assert client.get(url).status_code == 404
    assert client.post(f"/cases/{case.id}/transition", data={"target": "assessment"}).status_code == 404
    assert client.post(f"/cases/{case.id}/assign", data={"assign-username": "inv.bromma"}).status_code == 404
    listing = client.get("/cases/").get_data(as_text=True)
    assert case.reference not in listing
    assert case.reference not in client.get("/cases/?format=csv").get_data(as_text=True)


def test_roles_without_case_permission_are_refused(setup, db, login_as):
    case = _case(db, setup)
    client = login_as(setup["lss"])  # same department, not an investigator
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{case.id}").status_code == 403


def test_assignment_gives_access_to_that_case_only_and_is_audited(setup, db, login_as):
    s = setup
    case, other = _case(db, s), _case(db, s)
    owner = login_as(s["inv"])
    assert owner.post(f"/cases/{case.id}/assign", data={"assign-username": "inv.central",
                                                         "assign-reason": "Central enhet"}).status_code == 302
    central = login_as(s["central"])
    assert central.get(f"/cases/{case.id}").status_code == 200
    assert central.get(f"/cases/{other.id}").status_code == 404
    listing = central.get("/cases/").get_data(as_text=True)
    assert case.reference in listing and other.reference not in listing
    # may work on it, not hand it on
    assert central.post(f"/cases/{case.id}/transition", data={"target": "assessment"}).status_code == 302
    assert central.post(f"/cases/{case.id}/assign", data={"assign-username": "inv.bromma"}).status_code == 404
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type.in_(
        ("fut_case_assignment", "fut_case")))).all()
    assert any(e.action == "create" and e.entity_type == "fut_case_assignment" for e in entries)
    views = [e for e in entries if e.action == "view" and e.actor == "inv.central"]
    assert views and all(e.entity_id == str(case.id) for e in views)
    # revoked: the door closes
    assignment = case.assignments[0]
    owner.post(f"/cases/{case.id}/assignments/{assignment.id}/revoke")
    assert central.get(f"/cases/{case.id}").status_code == 404


def test_only_investigators_of_other_departments_can_be_assigned(setup, db):
    s = setup
    case = _case(db, s)
    with pytest.raises(services.CaseError):
        services.assign(db.session, s["inv"], case, s["lss"])
    with pytest.raises(services.CaseError):
        services.assign(db.session, s["inv"], case, s["inv"])


def test_recovery_needs_amount_and_basis_and_committee_needs_paragraph(setup, db):
    s = setup
    case = _case(db, s)
    services.assess(db.session, s["inv"], case, open_case=True)
    services.transition(db.session, s["inv"], case, "investigation")
    with pytest.raises(services.CaseError, match="belopp"):
        decisions.add_decision(db.session, s["inv"], case, kind="recovery", decided_on=date.today())
    with pytest.raises(services.CaseError, match="paragraf"):
        decisions.add_decision(db.session, s["inv"], case, kind="police_report", decided_on=date.today(),
                               decided_by="committee")
    with pytest.raises(services.CaseError, match="myndighet"):
        decisions.add_decision(db.session, s["inv"], case, kind="notification", decided_on=date.today())
    d = decisions.add_decision(db.session, s["inv"], case, kind="notification", decided_on=date.today(),
                               recipient="fk")
    assert d.legal_basis == "lag_2008_206"


def test_claim_deadline_and_missed_instalment_alerts(setup, db):
    from oversight.cases.alerts import case_alerts

    s = setup
    case = _case(db, s, received_on=date(2023, 1, 10))
    services.assess(db.session, s["inv"], case, open_case=True, on=date(2023, 1, 11))
    services.transition(db.session, s["inv"], case, "investigation", on=date(2023, 1, 12))
    decisions.add_decision(db.session, s["inv"], case, kind="recovery", decided_on=date(2023, 2, 1),
                           amount=Decimal(2000), period_from=date(2023, 1, 5), repayment_method="instalments",
                           monthly=Decimal(1000), first_due=date(2023, 3, 1))
    kinds = {a.kind for a in case_alerts(db.session, case, date(2025, 12, 1))}
    assert {"missed_instalment", "claim_deadline"} <= kinds
    claim = next(a for a in case_alerts(db.session, case, date(2025, 12, 1)) if a.kind == "claim_deadline")
    assert "2026-01-05" in claim.text
    assert "claim_deadline" not in {a.kind for a in case_alerts(db.session, case, date(2025, 10, 6))}


def test_start_alert_on_the_start_page(setup, db, login_as):
    s = setup
    case = _case(db, s, received_on=date.today() - timedelta(days=200))
    services.assess(db.session, s["inv"], case, open_case=True, on=date.today() - timedelta(days=120))
    db.session.commit()
    page = login_as(s["inv"]).get("/").get_data(as_text=True)
    assert "Utredning inte påbörjad i tid" in page and case.reference in page
    assert case.reference not in login_as(s["inv_bromma"]).get("/").get_data(as_text=True)


def test_events_record_who_and_when(setup, db):
    case = _case(db, setup)
    services.transition(db.session, setup["inv"], case, "assessment")
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()[-1]
    assert event.actor_name == setup["inv"].name and event.at is not None


def _recovery_case(db, s, amount=Decimal(3000)):
    case = _case(db, s)
    services.assess(db.session, s["inv"], case, open_case=True)
    services.transition(db.session, s["inv"], case, "investigation")
    decisions.add_decision(db.session, s["inv"], case, kind="recovery", decided_on=date.today(),
                           amount=amount)
    db.session.commit()
    return case


def test_payments_imported_from_the_finance_system(setup, db, login_as, runner, tmp_path):
    import io

    s = setup
    case = _recovery_case(db, s)
    other = services.register_case(db.session, s["inv_bromma"], department=s["bromma"], title="B",
                                   source="caseworker")
    db.session.commit()
    body = f"ärende;betaldatum;belopp;referens\n{case.reference};{date.today()};1 000,00;OCR1\n"
    client = login_as(s["inv"])
    r = client.post("/cases/payments/import", data={"file": (io.BytesIO(body.encode()), "bet.csv")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "Registrerade: 1 inbetalning" in r.get_data(as_text=True)
    again = client.post("/cases/payments/import", data={"file": (io.BytesIO(body.encode()), "bet.csv")},
                        content_type="multipart/form-data", follow_redirects=True)
    assert "1 fanns redan" in again.get_data(as_text=True)
    for bad, expected in ((f"ärende;betaldatum;belopp\n{case.reference};2026-02-30;5\n", "Rad 2, kolumn betaldatum"),
                          (f"ärende;betaldatum;belopp\n{case.reference};{date.today()};5\n"
                           f"{other.reference};{date.today()};500\n", "Rad 3, kolumn ärende")):
        r = client.post("/cases/payments/import", data={"file": (io.BytesIO(bad.encode()), "bad.csv")},
                        content_type="multipart/form-data", follow_redirects=True)
        assert expected in r.get_data(as_text=True)
    db.session.refresh(case)
    assert [p.amount for p in case.payments] == [Decimal(1000)]
    path = tmp_path / "bet.csv"
    path.write_text(f"reference;paid_on;amount\n{case.reference};{date.today()};2000\n", encoding="utf-8")
    result = runner.invoke(args=["cases", "import-payments", str(path), "--user", "inv.jarva"])
    assert result.exit_code == 0, result.output
    db.session.refresh(case)
    assert decisions.repayment(db.session, case).ready_to_close


def test_no_case_data_of_another_department_on_any_page(setup, db, login_as, app, make):
    """Every GET page (ids 1-8, HTML and CSV), as every role of another department: the
    case's personal data and notes never show; the statistics show only counts."""
    from flask import url_for

    s = setup
    case = _case(db, s)
    services.add_activity(db.session, s["inv"], case, kind="note", text="HEMLIG-ARENDEANTECKNING")
    services.assess(db.session, s["inv"], case, open_case=True)
    services.transition(db.session, s["inv"], case, "investigation")
    decisions.add_decision(db.session, s["inv"], case, kind="recovery", decided_on=date.today(),
                           amount=Decimal(999), reasoning="HEMLIG-MOTIVERING")
    db.session.commit()
    secrets = ["HEMLIG-ARENDEANTECKNING", "HEMLIG-MOTIVERING", "Testperson", "850312", "Oredovisad lön"]
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.endpoint.split(".")[0] in ("cases", "statistics", "main"):
                for i in range(1, 9) if rule.arguments else [None]:
                    urls.append(url_for(rule.endpoint, **{a: i for a in rule.arguments}))
    urls += ["/cases/?format=csv", "/statistics/?format=csv", "/statistics/?format=csv&table=districts"]
    for role in ("admin", "auditor", "procurement", "lss", "grants", "investigator"):
        client = login_as(make.user(role=role, department=s["bromma"]))
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            assert not [x for x in secrets if x in body], (role, url)


def test_person_leaving_the_benefit_raises_ability_to_pay(setup, db):
    from oversight.cases.alerts import case_alerts

    s = setup
    case = _recovery_case(db, s)
    assert "benefit_ended" not in {a.kind for a in case_alerts(db.session, case, date.today())}
    services.add_activity(db.session, s["inv"], case, kind="benefit_ended",
                          text="Försörjningsstödet upphörde; flyttat till annan kommun.")
    alert = next(a for a in case_alerts(db.session, case, date.today()) if a.kind == "benefit_ended")
    from oversight.formatting import sek

    assert "betalningsförmågan" in alert.text and sek(3000) in alert.text  # one amount format
    decisions.add_payment(db.session, s["inv"], case, paid_on=date.today(), amount=Decimal(3000))
    assert "benefit_ended" not in {a.kind for a in case_alerts(db.session, case, date.today())}


def test_links_to_what_the_case_concerns(setup, db, login_as):
    case = _case(db, setup)
    client = login_as(setup["inv"])
    r = client.post(f"/cases/{case.id}/links", data={"link-kind": "grant", "link-ref": "KUL 2026/117",
                                                      "link-label": "Tidsbegränsat bidrag"})
    assert r.status_code == 302
    client.post(f"/cases/{case.id}/links", data={"link-kind": "organisation", "link-ref": "inte-ett-id"})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "KUL 2026/117" in page and "Tidsbegränsat bidrag" in page and "inte-ett-id" in page
    assert login_as(setup["inv_bromma"]).post(f"/cases/{case.id}/links", data={
        "link-kind": "grant", "link-ref": "X"}).status_code == 404


def test_start_page_alerts_read_only_cases_that_can_alert_and_miss_none(setup, db):
    """``alerts_for_cases`` loads the cases ``may_alert`` picks, not every open case: the result
    must equal ``case_alerts`` over every open case of the department, for every kind of alert."""
    from sqlalchemy import func

    from oversight.cases.access import accessible_cases
    from oversight.cases.alerts import alerts_for_cases, case_alerts, may_alert
    from oversight.cases.transitions import OPEN_STATUSES

    s, today = setup, date(2025, 12, 1)
    queued = _case(db, s, received_on=date(2025, 1, 10))
    services.assess(db.session, s["inv"], queued, open_case=True, on=date(2025, 2, 1))
    asked, waiting, quiet = (_case(db, s, received_on=date(2025, 6, 1)) for _ in range(3))
    for case in (asked, waiting, quiet):
        services.assess(db.session, s["inv"], case, open_case=True, on=date(2025, 6, 2))
        services.transition(db.session, s["inv"], case, "investigation", on=date(2025, 6, 3))
    services.add_activity(db.session, s["inv"], asked, kind="request", text="Begäran till FK",
                          counterpart="Försäkringskassan", follow_up_on=date(2025, 11, 1))
    services.add_activity(db.session, s["inv"], waiting, kind="request", text="Begäran till CSN",
                          follow_up_on=date(2026, 1, 15))
    planned = _case(db, s, received_on=date(2023, 1, 10))
    services.assess(db.session, s["inv"], planned, open_case=True, on=date(2023, 1, 11))
    services.transition(db.session, s["inv"], planned, "investigation", on=date(2023, 1, 12))
    decisions.add_decision(db.session, s["inv"], planned, kind="recovery", decided_on=date(2023, 2, 1),
                           amount=Decimal(2000), period_from=date(2023, 1, 5),
                           repayment_method="instalments", monthly=Decimal(1000),
                           first_due=date(2023, 3, 1))
    left = _recovery_case(db, s)
    services.add_activity(db.session, s["inv"], left, kind="benefit_ended", text="Flyttat.")
    repaid = _recovery_case(db, s)
    decisions.add_payment(db.session, s["inv"], repaid, paid_on=date.today(), amount=Decimal(3000))
    notified = _case(db, s)
    services.assess(db.session, s["inv"], notified, open_case=True)
    services.transition(db.session, s["inv"], notified, "investigation")
    decisions.add_decision(db.session, s["inv"], notified, kind="notification",
                           decided_on=date.today(), recipient="fk")
    other = services.register_case(db.session, s["inv_bromma"], department=s["bromma"], title="B",
                                   source="caseworker", received_on=date(2025, 1, 10))
    services.assess(db.session, s["inv_bromma"], other, open_case=True, on=date(2025, 2, 1))
    db.session.commit()

    open_cases = db.session.scalars(select(Case).where(Case.status.in_(OPEN_STATUSES),
                                                       Case.department_id == s["jarva"].id)).all()
    expected = {(a.case_id, a.kind, a.text) for c in open_cases for a in case_alerts(db.session, c, today)}
    got = {(a.case_id, a.kind, a.text) for a in alerts_for_cases(db.session, accessible_cases(s["inv"]), today)}
    assert got == expected
    assert {kind for _, kind, _ in got} == {"start_overdue", "follow_up", "missed_instalment",
                                             "claim_deadline", "benefit_ended", "ready_to_close"}
    picked = db.session.scalar(select(func.count()).select_from(Case).where(
        may_alert(today), Case.department_id == s["jarva"].id))
    assert picked < len(open_cases)  # the waiting and the quiet investigation are not read
