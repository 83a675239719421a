"""The procurement and contract edit pages in a real browser (CSRF on): reached through the
"Ändra" links, pass the axe-core WCAG 2.1 AA check, also with an error shown inline, and
saving changes the procurement and the contract."""
from datetime import date, timedelta

from playwright.sync_api import expect

from suppliers import services
from suppliers.models import Contract, Procurement


def test_edit_procurement_and_contract_pages(page, live_server, make, db, sign_in,
                                             assert_accessible):
    social = make.department(name="Socialförvaltningen", kind="social")
    officer = make.user(username="upphandlare", role="procurement", department=social)
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Omsorg AB"))
    procurement = services.create_procurement(db.session, officer, {
        "reference": "SOC 2026/7", "title": "Städ", "procedure": "lou_open",
        "above_threshold": True})
    contract = services.create_contract(db.session, officer, supplier, {
        "reference": "AVT-7", "title": "Städ av lokaler", "procedure": "lou_open",
        "start_date": date.today() - timedelta(days=10),
        "end_date": date.today() + timedelta(days=100), "value": "100000"})
    db.session.commit()

    sign_in("upphandlare")
    page.goto(f"{live_server}/suppliers/procurements/{procurement.id}")
    page.get_by_role("link", name="Ändra upphandling SOC 2026/7").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändra upphandling SOC 2026/7")
    assert_accessible()
    page.get_by_label("Rubrik").fill("")
    page.get_by_role("button", name="Spara ändringar").click()
    expect(page.get_by_text("Ange rubrik.", exact=True)).to_be_visible()
    assert_accessible()
    page.get_by_label("Rubrik").fill("Städ av skolor")
    page.get_by_label("Status").select_option(label="Tilldelad")
    page.get_by_role("button", name="Spara ändringar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SOC 2026/7 Städ av skolor")

    page.goto(f"{live_server}/suppliers/{supplier.id}")
    page.get_by_role("link", name="Ändra avtal AVT-7").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändra avtal AVT-7")
    assert_accessible()
    page.get_by_label("Slutdatum").fill((date.today() - timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Spara ändringar").click()
    expect(page.locator("#end_date-error")).to_have_text(
        "Slutdatum kan inte ligga före startdatum.")
    assert_accessible()
    page.get_by_role("button", name="Avsluta avtalet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Omsorg AB")

    db.session.expire_all()
    assert db.session.get(Procurement, procurement.id).status == "awarded"
    saved = db.session.get(Contract, contract.id)
    assert saved.status == "ended" and saved.end_date == date.today() + timedelta(days=100)
