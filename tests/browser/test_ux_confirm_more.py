"""Issue 11, defect 2 in a real browser (CSRF on, axe on every page): removing a tenderer and
stopping a grant ask first, say what happens and to whom, and only *Ja, …* performs it."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from associations.grants import register_grant
from associations.models import Grant
from suppliers import services
from suppliers.models import Tender


def test_removing_a_tenderer_asks_first(page, live_server, make, db, sign_in, assert_accessible):
    dept = make.department(name="Upphandlingsavdelningen 3")
    user = make.user(username="upph.ta", role="procurement", department=dept)
    procurement = services.create_procurement(db.session, user, {
        "reference": "SOC 2026/77", "title": "Städ", "procedure": "lou_open"})
    org = make.organisation(name="Anbud Städ AB")
    services.add_tenderer(db.session, user, procurement, orgnr=org.orgnr)
    db.session.commit()
    sign_in("upph.ta")
    page.goto(f"{live_server}/suppliers/procurements/{procurement.id}")
    page.locator("summary", has_text="Ta bort Anbud Städ AB").click()
    expect(page.get_by_text("Anbudsgivaren tas bort från upphandlingen")).to_be_visible()
    expect(page.get_by_text("Åtgärden kan inte ångras.").first).to_be_visible()
    assert_accessible()
    assert db.session.query(Tender).count() == 1
    page.get_by_role("button", name="Ja, ta bort anbudsgivaren").click()
    expect(page.get_by_text("Anbudsgivaren är borttagen.")).to_be_visible()
    db.session.expire_all()
    assert db.session.query(Tender).count() == 0


def test_stopping_a_grant_asks_first_on_a_page_of_its_own(page, live_server, make, db, sign_in,
                                                          assert_accessible):
    dept = make.department(name="Kulturförvaltningen 3")
    user = make.user(username="bidrag.stopp", role="grants", department=dept)
    org = make.organisation(group=8, name="Föreningen Stoppet")
    year = date.today().year
    grant = register_grant(db.session, user, org, form="projekt", purpose="Läxhjälp",
                           period_start=date(year, 1, 1), period_end=date(year, 12, 31),
                           amount=10000, department=dept)
    db.session.commit()
    sign_in("bidrag.stopp")
    page.goto(f"{live_server}/associations/grants/{grant.id}")
    page.locator("summary", has_text="Fatta beslut").click()
    page.locator("select#action").select_option("stop")
    page.locator("#reason").fill("Redovisningen saknas.")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("?")
    expect(page.get_by_text("Bidraget stoppas: inga fler utbetalningar görs.")).to_be_visible()
    expect(page.get_by_text("Föreningen Stoppet").first).to_be_visible()
    assert_accessible()
    db.session.expire_all()
    assert db.session.get(Grant, grant.id).status != "stopped"
    page.get_by_role("button", name="Ja,").click()
    db.session.expire_all()
    page.wait_for_url(f"{live_server}/associations/grants/{grant.id}*")
    assert db.session.get(Grant, grant.id).status == "stopped"
