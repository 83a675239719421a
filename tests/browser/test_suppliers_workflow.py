"""The supplier workflow in a real browser: check, hearing, statement, decision, signing and
publishing; another department then sees the warning but not the hearing. Every page passes
the axe-core WCAG 2.1 AA check."""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from oversight.organisations import services as orgs
from suppliers import evidence as ev
from suppliers import services
from suppliers.testing import FakeRegistries


@pytest.fixture
def fake(monkeypatch):
    return FakeRegistries().install(monkeypatch)


def test_hearing_workflow_end_to_end(page, live_server, make, db, sign_in, sign_out, fake,
                                     assert_accessible):
    social = make.department(name="Socialförvaltningen", kind="social")
    jarva = make.department(name="Järva stadsdelsförvaltning")
    make.user(username="upphandlare", role="procurement", department=social)
    make.user(username="lss.jarva", role="lss", department=jarva)
    org = make.organisation(name="Konkursomsorg AB")
    orgs.add_key_person(db.session, org, role="vd", name="Vera Direktör")
    services.supplier_for(db.session, None, org)
    fake.set(org.orgnr, "bolagsverket", facts=(ev.CompanyStatus(
        org.orgnr, org.name, True, proceedings=(ev.Proceeding("KK", "Konkurs",
                                                               date.today()),)),))
    db.session.commit()

    sign_in("upphandlare")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Leverantörer").click()
    assert_accessible()
    page.get_by_role("link", name="Konkursomsorg AB").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Konkursomsorg AB")
    assert_accessible()
    page.get_by_label("Regelverk").select_option("lou")
    page.get_by_role("button", name="Kontrollera").click()

    expect(page.get_by_role("heading", name=re.compile("Kontrollunderlag"))).to_be_visible()
    expect(page.get_by_text("Bolagsverket: pågående konkurs")).to_be_visible()
    expect(page.get_by_text("Kunde inte kontrolleras").first).to_be_visible()
    assert_accessible()
    expect(page.get_by_role("checkbox", name=re.compile("Konkurs, likvidation"))).to_be_checked()
    page.get_by_label("Mottagare (kontaktperson)").fill("Vera Direktör")
    page.get_by_role("button", name="Skapa kommunicering").click()

    expect(page.get_by_text("Kommuniceringen är skapad som utkast")).to_be_visible()
    assert_accessible()
    letter = page.get_by_label("Brevets text")
    expect(letter).to_contain_text("möjlighet att yttra er")  # the title is in the printed layout
    expect(letter).to_contain_text("självsanering")  # LOU above threshold
    page.get_by_role("link", name="Visa brevet för utskrift").click()
    expect(page.get_by_text("Att: Vera Direktör")).to_be_visible()
    assert_accessible()
    page.go_back()
    page.get_by_role("button", name="Brevet är skickat").click()
    expect(page.get_by_text("Svarsfristen löper")).to_be_visible()

    page.get_by_label("Leverantörens yttrande", exact=True).fill("Konkursen hävs enligt tingsrättens "
                                                     "beslut nästa vecka.")
    page.get_by_label("Yttrandet inkom").fill(date.today().isoformat())
    page.get_by_label("Åtgärder för självsanering som leverantören anger").fill(
        "Ny ägare har tillskjutit kapital.")
    page.get_by_role("button", name="Spara yttrandet").click()
    expect(page.get_by_text("Yttrandet är registrerat")).to_be_visible()
    page.get_by_role("textbox", name="Interna anteckningar").fill("Ring konkursförvaltaren på måndag.")
    page.get_by_role("button", name="Spara anteckningar").click()
    expect(page.get_by_text("Anteckningarna är sparade")).to_be_visible()
    assert_accessible()

    page.get_by_label("Beslut", exact=True).select_option("exclude")
    page.get_by_label("Skäl för beslutet").fill("Leverantören är i konkurs; yttrandet visar "
                                                "inte att konkursen har upphört.")
    page.get_by_label("Bedömning av yttrande och självsanering").fill(
        "Kapitaltillskottet ändrar inte att konkursen pågår.")
    page.get_by_role("button", name="Spara beslutsutkast").click()
    expect(page.get_by_text("Beslutet är sparat som utkast")).to_be_visible()
    assert_accessible()
    page.locator("summary", has_text="Signera beslutet").click()  # the confirmation step
    expect(page.get_by_text("Åtgärden kan inte ångras.")).to_be_visible()
    assert_accessible()
    page.get_by_role("button", name="Ja, signera beslutet").click()
    expect(page.get_by_text("Beslutet är signerat")).to_be_visible()
    expect(page.get_by_text(re.compile("sha256 [0-9a-f]{64}"))).to_be_visible()
    expect(page.locator("summary", has_text="Signera beslutet")).to_have_count(0)
    page.locator("summary", has_text="Publicera som varning till alla förvaltningar").click()
    page.get_by_role("button", name="Ja, publicera varningen").click()
    expect(page.get_by_text("Beslutet är publicerat som varning")).to_be_visible()
    assert_accessible()
    decision_url = page.url
    sign_out()

    sign_in("lss.jarva")
    expect(page.get_by_role("link", name="Ny varning: Konkursomsorg AB")).to_be_visible()
    page.get_by_role("link", name="Ny varning: Konkursomsorg AB").click()
    expect(page.get_by_text(re.compile("Leverantören utesluts enligt beslut"))).to_be_visible()
    expect(page.get_by_text("Ring konkursförvaltaren")).to_have_count(0)
    page.goto(decision_url)
    expect(page.get_by_role("heading", name="Sidan finns inte")).to_be_visible()


def test_procurement_screening_pages_are_accessible(page, live_server, make, db, sign_in, fake,
                                                    assert_accessible):
    social = make.department(name="Socialförvaltningen", kind="social")
    user = make.user(username="upphandlare", role="procurement", department=social)
    procurement = services.create_procurement(db.session, user, {
        "reference": "SOC 2026/9", "title": "Personlig assistans", "procedure": "lou_open",
        "above_threshold": True, "welfare": True, "permit_bound": True,
        "permit_activity": "personlig assistans"})
    for i in range(2):
        org = make.organisation(name=f"Anbudsgivare {i} AB")
        services.add_tenderer(db.session, user, procurement, orgnr=org.orgnr)
    supplier = procurement.tenders[0].supplier
    services.create_contract(db.session, user, supplier, {
        "reference": "AVT-1", "title": "Assistans", "procedure": "lov",
        "start_date": date.today() - timedelta(days=10)})
    db.session.commit()

    sign_in("upphandlare")
    page.goto(f"{live_server}/suppliers/procurements/")
    assert_accessible()
    page.get_by_role("link", name="SOC 2026/9").click()
    assert_accessible()
    page.get_by_role("button", name="Kontrollera").click()
    expect(page.locator(".job-status")).to_have_text("Klar")
    expect(page.get_by_role("link", name=re.compile(r"Kunde inte kontrolleras \(2\)"))).to_be_visible()
    assert_accessible()
    page.get_by_role("link", name="Utskriftsvänligt kontrollunderlag för alla anbudsgivare").click()
    expect(page.get_by_role("heading", name="Anbudsgivare 0 AB")).to_be_visible()
    assert_accessible()
    for path in ("/suppliers/", "/suppliers/new", "/suppliers/procurements/new",
                 "/suppliers/monitoring", f"/suppliers/{supplier.id}/extracts/new",
                 f"/suppliers/{supplier.id}/contracts/new",
                 f"/suppliers/contracts/{supplier.contracts[0].id}/complaints/new"):
        page.goto(live_server + path)
        assert_accessible()
