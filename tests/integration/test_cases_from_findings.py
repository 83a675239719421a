"""A finding of each module becomes a case: the generic service, the button other modules
include, and the pages of the modules that exist (supplier ground, account mismatch, double
funding) showing it."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from oversight.accounts import services as accounts
from oversight.cases import services
from oversight.cases.models import Case
from oversight.organisations import services as orgs


@pytest.mark.parametrize("module", ["suppliers", "accounts", "associations", "assistance", "timereports"])
def test_open_case_from_a_finding_of_each_module(db, make, module):
    dept = make.department()
    user = make.user(role="lss", department=dept)
    org = make.organisation()
    case = services.open_case_from_finding(
        db.session, user, module=module, finding_ref=f"{module}:1", title="Fynd",
        evidence="Regel X, rader 3-5, källa Y.", organisation_id=org.id, amount=Decimal(1200))
    assert case.department_id == dept.id and case.module == module and case.source == "automated"
    assert case.evidence.startswith("Regel X") and case.amount_estimate == Decimal(1200)
    assert [(link.kind, link.ref) for link in case.links] == [("organisation", str(org.id))]
    again = services.open_case_from_finding(db.session, user, module=module, finding_ref=f"{module}:1",
                                            title="Fynd", evidence="...")
    assert again.id == case.id  # one open case per finding and department


def test_unknown_module_is_refused(db, make):
    user = make.user(role="lss")
    with pytest.raises(services.CaseError):
        services.open_case_from_finding(db.session, user, module="nope", finding_ref="x", title="t", evidence="e")


def test_button_post_opens_a_case_for_a_user_without_case_access(db, make, login_as):
    dept = make.department()
    officer = make.user(role="procurement", department=dept)
    client = login_as(officer)
    r = client.post("/cases/from-finding", data={
        "module": "suppliers", "finding_ref": "check:1:taxes", "title": "Risk AB: skulder",
        "evidence": "LOU 13:2. Skuld 90 000 kr.", "next": "/suppliers/"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/suppliers/")
    case = db.session.scalar(select(Case))
    assert case.department_id == dept.id and case.finding_ref == "check:1:taxes"
    assert client.get(f"/cases/{case.id}").status_code == 403  # they opened it, investigators work it
    inv = login_as(make.user(role="investigator", department=dept))
    assert "LOU 13:2. Skuld 90 000 kr." in inv.get(f"/cases/{case.id}").get_data(as_text=True)
    # an open redirect target is ignored
    r = client.post("/cases/from-finding", data={
        "module": "suppliers", "finding_ref": "check:1:other", "title": "t", "evidence": "e",
        "next": "//evil.example/"})
    assert "evil.example" not in r.headers["Location"]


def test_account_mismatch_page_offers_the_button(db, make, login_as):
    officer = make.user(role="grants")
    org = make.organisation(name="Föreningen Gemenskap i Rinkeby", orgnr="802432-4009")
    orgs.add_bank_account(db.session, officer, org, kind="bankgiro", number="5050-1006")
    accounts.add_holder_answer(db.session, officer, kind="bankgiro", number="5050-1006",
                               holder_name="Annan Förening", holder_id="556908-1234", source="bank",
                               status="active", answered_on=date.today() - timedelta(days=3),
                               document=("intyg.pdf", b"%PDF-1.4\n% intyg\n"))
    page = login_as(officer).post("/accounts/verify", data={
        "orgnr": "8024324009", "kind": "bankgiro", "number": "50501006"}).get_data(as_text=True)
    assert "NMTC" in page and 'action="/cases/from-finding"' in page
    assert 'name="module" value="accounts"' in page


def test_supplier_ground_found_offers_the_button(db, make, login_as, monkeypatch):
    from suppliers import checks
    from suppliers import evidence as ev
    from suppliers import services as suppliers
    from suppliers.testing import FakeRegistries

    fake = FakeRegistries().install(monkeypatch)
    officer = make.user(role="procurement", department=make.department(kind="social"))
    supplier = suppliers.supplier_for(db.session, officer, make.organisation(name="Risk AB"))
    fake.set(supplier.organisation.orgnr, "kronofogden", facts=(ev.DebtStatus(Decimal("90000"), ("allmänna mål",)),))
    check = checks.check_supplier(db.session, officer, supplier)
    db.session.commit()
    page = login_as(officer).get(f"/suppliers/checks/{check.id}").get_data(as_text=True)
    assert 'name="module" value="suppliers"' in page and f"check:{check.id}:" in page


def test_double_funding_cluster_offers_the_button(db, make, login_as):
    from associations.detection import run_detection
    from associations.grants import register_grant
    from associations.models import DetectionCluster
    from tests.integration.test_associations_detection import MARCH, ledger, load

    kultur = make.department(name="Kulturförvaltningen")
    jarva = make.department(name="Järva stadsdelsförvaltning")
    org = make.organisation(name="Föreningen Gemenskap", group=8)
    register_grant(db.session, None, org, form="tidsbegransat", department=kultur,
                   purpose="Läxhjälp för barn.", activity="Läxhjälp och språkcafé",
                   period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), amount=1000)
    register_grant(db.session, None, org, form="projekt", department=jarva,
                   purpose="Språkcafé för unga.", activity="Språkcafé och läxhjälp",
                   period_start=date(2026, 3, 1), period_end=date(2026, 11, 30), amount=500)
    load(db, make, ledger(
        ("Kulturförvaltningen", org.name, org.orgnr, "", 500, "2026-03-05", "45300", "Läxhjälp och språkcafé"),
        ("Järva stadsdelsförvaltning", org.name, org.orgnr, "", 500, "2026-03-06", "45310",
         "Språkcafé och läxhjälp för unga")))
    run_detection(db.session, None, **MARCH)
    cluster = db.session.scalar(select(DetectionCluster).where(DetectionCluster.double_funding.is_(True)))
    db.session.commit()
    page = login_as(make.user(role="grants", department=kultur)).get(
        f"/associations/clusters/{cluster.id}").get_data(as_text=True)
    assert 'name="module" value="associations"' in page and f"cluster:{cluster.id}" in page
