"""A grant handler uploads a ledger, runs the multi-department check, reads the report and
records a judgement; every page passes axe-core."""
import re

from playwright.sync_api import expect

from associations.grants import register_grant
from tests.factories import orgnr


def test_upload_report_and_judgement(page, live_server, make, db, sign_in, assert_accessible,
                                     tmp_path):
    from datetime import date

    kultur = make.department(name="Kulturförvaltningen")
    make.department(name="Idrottsförvaltningen")
    make.user(username="bidrag.kultur", role="grants", department=kultur)
    org = make.organisation(name="Föreningen Gemenskap", group=8,
                            registration_date=date(2015, 3, 1))
    register_grant(db.session, None, org, form="tidsbegransat", department=kultur,
                   purpose="Läxhjälp", activity="Läxhjälp", period_start=date(2026, 1, 1),
                   period_end=date(2026, 12, 31), amount=50000)
    db.session.commit()
    other = orgnr(8)
    ledger = tmp_path / "reskontra-mars.csv"
    ledger.write_text(
        "department;payee_name;org_nr;amount;account_text;purpose\n"
        f"Kulturförvaltningen;Föreningen Gemenskap;{org.orgnr};45 000,00;45300 Bidrag;Läxhjälp\n"
        f"Idrottsförvaltningen;FÖRENINGEN GEMENSKAP;{org.orgnr};12 500,00;45300 Bidrag;Fotboll\n"
        f"Idrottsförvaltningen;Hovsta IF;{other};3 000,00;45300 Bidrag;\n"
        "Kulturförvaltningen;Hovsta IK;SAKNAS;2 000,00;45300 Bidrag;\n", encoding="utf-8")

    sign_in("bidrag.kultur")
    page.get_by_role("link", name="Föreningsbidrag").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Föreningsbidrag")
    assert_accessible()
    page.get_by_role("link", name="Importera reskontra").first.click()
    assert_accessible()
    page.get_by_label("Fil (CSV, TXT eller XLSX)").set_input_files(str(ledger))
    page.get_by_label("Kolumner").select_option("standard")
    page.get_by_label("Period").fill("2026-03")
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("reskontra-mars.csv")
    expect(page.get_by_role("cell", name="FÖRENINGEN GEMENSKAP", exact=True)).to_be_visible()
    assert_accessible()
    page.get_by_role("button", name="Importera").click()
    # The import runs as a background job with a progress bar and a link to the result.
    expect(page.locator(".job-status")).to_have_text("Klar")
    expect(page.get_by_text(re.compile("4 rader importerade från 2 förvaltningar"))
           ).to_be_visible()
    assert_accessible()
    page.get_by_role("link", name="Visa resultatet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import av reskontra-mars.csv")
    expect(page.get_by_text("Inget organisationsnummer, bara texten 'SAKNAS'")).to_be_visible()
    assert_accessible()

    page.get_by_text("Kör kontrollen av flera förvaltningar för perioden").click()
    page.get_by_role("button", name="Starta körningen").click()
    expect(page.locator(".job-status")).to_have_text("Klar")
    assert_accessible()
    page.get_by_role("link", name="Visa resultatet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Betalningar från flera förvaltningar")
    table = page.get_by_role("table", name="mottagare")
    expect(table).to_contain_text("Kulturförvaltningen: 45\u00a0000\u00a0kr (78 %)")
    expect(table).not_to_contain_text("Hovsta")  # IF and IK are different clubs
    assert_accessible()

    page.get_by_role("link", name="Föreningen Gemenskap").click()
    page.get_by_label("Bedömning").select_option(label="Godkänd samfinansiering")
    page.get_by_label("Kommentar").fill("Kultur betalar läxhjälpen, Idrott fotbollen.")
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.get_by_text(re.compile("Bedömningen 'Godkänd samfinansiering' är sparad"))
           ).to_be_visible()
    assert_accessible()

    page.goto(f"{live_server}/associations/report")
    expect(page.get_by_text("Inga mottagare matchar filtret.")).to_be_visible()
    page.get_by_label("Status").select_option("all")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_role("table", name="mottagare")).to_contain_text("Godkänd samfinansiering")

    page.goto(f"{live_server}/associations/org/{org.id}")
    expect(page.get_by_role("img", name=re.compile("Betalningar till Föreningen Gemenskap")))\
        .to_be_visible()
    expect(page.get_by_role("table", name="Betalningar per förvaltning (tabell)")).to_be_visible()
    assert_accessible()
    for path in ("/associations/follow-up", "/associations/imports",
                 f"/associations/org/{org.id}/grants/new", f"/associations/org/{org.id}/profile",
                 f"/organisations/{org.id}"):
        page.goto(live_server + path)
        assert_accessible()


def test_demo_story_pages_are_accessible(page, live_server, db, sign_in, assert_accessible):
    from sqlalchemy import select

    from associations.demo import load
    from associations.models import DetectionCluster, Grant
    from oversight.demo import DEMO_PASSWORD
    from oversight.demo import load as load_core
    from oversight.organisations.models import Organisation

    load_core(db.session)
    load(db.session)
    db.session.commit()
    sign_in("bidrag.kultur", password=DEMO_PASSWORD)
    expect(page.get_by_role("link", name=re.compile("får betalt av flera förvaltningar")))\
        .to_be_visible()
    assert_accessible()
    gemenskap = db.session.scalar(select(Organisation).where(
        Organisation.orgnr == "802412-3450"))
    page.goto(f"{live_server}/associations/org/{gemenskap.id}")
    expect(page.get_by_role("heading", name="Möjlig dubbelfinansiering")).to_be_visible()
    assert_accessible()
    withheld = db.session.scalar(select(Grant).where(Grant.status == "withheld"))
    page.goto(f"{live_server}/associations/grants/{withheld.id}")
    expect(page.get_by_text("Innehåll utbetalning")).to_be_visible()
    page.get_by_text("Registrera inkommen").first.click()
    assert_accessible()
    cluster = db.session.scalar(select(DetectionCluster).where(
        DetectionCluster.resolved_org_nr == "802412-3450"))
    page.goto(f"{live_server}/associations/clusters/{cluster.id}")
    expect(page.get_by_role("alert")).to_contain_text("Möjlig dubbelfinansiering")
    assert_accessible()
    page.goto(f"{live_server}/associations/follow-up")
    expect(page.get_by_role("cell", name=re.compile("Bertil Testsson"))).to_be_visible()
    assert_accessible()
