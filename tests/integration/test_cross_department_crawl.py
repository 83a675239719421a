"""Try to cross the department boundary everywhere at once: one department holds personal data
of every scoped kind (internal note, criminal-record extract, check, hearing with letter,
statement, internal notes and a document, decision, payment-file check, job, person
lookup in the registries); users of another
department, in every role, request every GET page of the application with every id in use, as
HTML, CSV export and search, and must never see any of it."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask import url_for

from oversight.audit import set_actor
from oversight.organisations import services as orgs
from registries import services as registry_services
from suppliers import checks, hearings, services
from suppliers import evidence as ev
from suppliers.testing import FakeRegistries

FIXTURES = Path(__file__).resolve().parents[2] / "oversight" / "accounts" / "fixtures"
SECRETS = ["HEMLIG-NOTE", "HEMLIG-INTERN", "HEMLIG-YTTRANDE", "HEMLIG-BESLUT", "HEMLIG-DOM",
           "HEMLIG-SJALV", "HEMLIG-BREV", "hemlig-fil", "Hemliga tingsrätten",
           "GEMENSKAP I RINKEBY", "Registerkontroll: Risk AB", "Personsdotter"]
ROLES = ("admin", "auditor", "procurement", "lss", "grants", "investigator")


def _own_department_data(db, make, login_as, monkeypatch, social):
    fake = FakeRegistries().install(monkeypatch)
    officer = make.user(role="procurement", department=social)
    org = make.organisation(name="Risk AB")
    person = orgs.add_key_person(db.session, org, role="vd", name="Vera Direktör",
                                 personnummer="19811218-9876", from_date=None, source=None)
    supplier = services.supplier_for(db.session, officer, org)
    fake.set(org.orgnr, "kronofogden",
             facts=(ev.DebtStatus(Decimal("90000"), ("allmänna mål",)),))
    set_actor(officer)
    orgs.add_note(db.session, officer, org, "HEMLIG-NOTE om brukaren")
    services.record_extract(db.session, officer, supplier, key_person_id=person.id,
                            document_date=date.today(), reference="R", convictions=[{
                                "category": "money_laundering", "court": "Hemliga tingsrätten",
                                "judgment_date": date.today() - timedelta(days=100),
                                "description": "HEMLIG-DOM penningtvätt"}])
    check = checks.check_supplier(db.session, officer, supplier)
    hearing = hearings.open_hearing(db.session, officer, check, codes=["taxes"])
    hearings.update_notes(db.session, officer, hearing, "HEMLIG-INTERN")
    hearings.update_letter(db.session, officer, hearing, letter_text="HEMLIG-BREV",
                           deadline=hearing.deadline, recipient="VD")
    hearings.mark_sent(db.session, officer, hearing, date.today())
    hearings.record_statement(db.session, officer, hearing, statement="HEMLIG-YTTRANDE",
                              received_on=date.today(), self_cleaning="HEMLIG-SJALV")
    hearings.add_document(db.session, officer, hearing, filename="hemlig-fil.pdf",
                          data=b"%PDF-1.4 HEMLIG-NOTE", kind="statement")
    hearings.create_decision(db.session, officer, hearing, outcome="not_exclude",
                             reasoning="HEMLIG-BESLUT")
    # a person lookup (who screened whom) is personal data of the department (issue 11, 11)
    registry_services.person_lookup(db.session, officer, "Hemliga Personsdotter",
                                    birth_date=date(1970, 5, 5))
    set_actor(None)
    db.session.commit()
    own = login_as(officer)
    uploaded = own.post("/accounts/payments", data={
        "format": "", "file": (io.BytesIO((FIXTURES / "pain001_v03.xml").read_bytes()),
                               "hemlig-fil.xml")}, content_type="multipart/form-data")
    assert uploaded.status_code == 302
    assert own.post(f"/registries/organisations/{org.id}/check").status_code == 302
    # the probe below would find these: the department itself sees them
    assert "HEMLIG-INTERN" in own.get(f"/suppliers/hearings/{hearing.id}").get_data(as_text=True)
    assert "Personsdotter" in own.get("/registries/?format=csv").get_data(as_text=True)


def test_nothing_of_another_department_shows_on_any_page(db, make, login_as, monkeypatch, app):
    social, jarva = make.department(name="Social"), make.department(name="Järva")
    _own_department_data(db, make, login_as, monkeypatch, social)
    ids = range(1, 9)
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            for i in ids if rule.arguments else [None]:
                values = {a: {"kind": "skatteverket", "code": "en"}.get(a, i)
                          for a in rule.arguments}
                urls.append(url_for(rule.endpoint, **values))
    leaks = set()
    for role in ROLES:
        client = login_as(make.user(role=role, department=jarva))
        for url in dict.fromkeys(urls):
            for suffix in ("", "?format=csv", "?q=HEMLIG"):
                text = client.get(url + suffix).get_data().decode("utf-8", "replace")
                leaks |= {(role, url + suffix, s) for s in SECRETS if s in text}
    assert not sorted(leaks)
