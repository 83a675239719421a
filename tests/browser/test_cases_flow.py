"""A tip from the public form becomes an investigation, an återkrav with an instalment plan,
a payment, a closed case, and shows in the statistics; every page passes axe-core."""
import re
from datetime import date

from playwright.sync_api import expect


def test_tip_to_closed_case_and_statistics(page, live_server, make, db, sign_in, sign_out,
                                           assert_accessible):
    jarva = make.department(code="sdf-jarva", name="Järva stadsdelsförvaltning")
    make.department(code="sdf-bromma", name="Bromma stadsdelsförvaltning")
    make.user(username="utredare.test", role="investigator", department=jarva)
    db.session.commit()
    today = date.today().isoformat()

    page.goto(f"{live_server}/cases/tips")
    assert_accessible()
    page.get_by_label("Vilken stadsdel eller förvaltning gäller tipset?").select_option(label=jarva.name)
    page.get_by_label("Beskriv vad du vet").fill("Grannen arbetar svart men får försörjningsstöd.")
    page.get_by_role("button", name="Skicka tipset").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för ditt tips")
    expect(page.locator(".receipt")).to_have_text(re.compile(r"T-[A-Z2-9]{8}"))
    expect(page.get_by_text("Grannen arbetar svart")).to_have_count(0)
    assert_accessible()

    sign_in("utredare.test")
    expect(page.get_by_text("1 tips att bedöma")).to_be_visible()
    page.get_by_role("link", name="Ärenden").first.click()
    assert_accessible()
    page.get_by_role("link", name=re.compile("SDF-JARVA-")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tips via webbformulär")
    assert_accessible()
    page.get_by_label("Bedömning").select_option("open")
    page.get_by_label("Felaktig utbetalning pågår").check()
    page.get_by_role("button", name="Registrera bedömningen").click()
    expect(page.get_by_text("Bedömningen är registrerad.")).to_be_visible()
    page.get_by_role("button", name="Till: Utredning").click()
    expect(page.get_by_text("Status: Utredning.")).to_be_visible()
    assert_accessible()

    page.get_by_role("link", name="Nytt beslut").click()
    assert_accessible()
    page.get_by_label("Beslut", exact=True).select_option("recovery")
    page.get_by_label("Beslutsdatum").fill(today)
    page.get_by_label("Rättslig grund").select_option("sol_9_1")
    page.get_by_label("Belopp (kr)").fill("2000")
    page.get_by_label("Återbetalning").select_option("instalments")
    page.get_by_label("Avbetalning per månad (kr)").fill("1000")
    page.get_by_label("Första förfallodag").fill(today)
    page.get_by_label("Motivering").fill("Inkomster av arbete har inte redovisats.")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beslut: Återkrav")
    expect(page.get_by_text("9 kap. 1 § socialtjänstlagen (2001:453)")).to_be_visible()
    expect(page.get_by_role("table", name="Avbetalningsplan").get_by_role("row")).to_have_count(3)
    assert_accessible()

    page.get_by_role("link", name="Tillbaka till ärendet").click()
    page.get_by_text("Registrera inbetalning", exact=True).click()
    page.get_by_label("Betaldatum").fill(today)
    page.get_by_label("Belopp (kr)").fill("2000")
    page.get_by_role("button", name="Registrera inbetalningen").click()
    expect(page.get_by_text("Betalningen är registrerad.")).to_be_visible()
    expect(page.locator("#balance")).to_have_text(re.compile(r"^0\skr"))
    expect(page.get_by_text("Återkravet är betalt: ärendet kan avslutas.").first).to_be_visible()
    assert_accessible()
    page.get_by_role("button", name="Till: Avslutad").click()
    expect(page.get_by_text("Status: Avslutad.")).to_be_visible()

    page.get_by_role("link", name="Statistik").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Statistik {date.today().year}")
    measures = page.locator("#measures")
    expect(measures.locator("tr[data-key=incoming] td.num")).to_have_text("1")
    expect(measures.locator("tr[data-key=recovery_decisions] td.num")).to_have_text("1")
    expect(measures.locator("tr[data-key=repaid_amount] td.num")).to_contain_text("2 000")
    expect(page.locator("#districts").get_by_role("rowheader", name=jarva.name)).to_be_visible()
    expect(page.locator("figure svg")).to_be_visible()
    assert_accessible()
