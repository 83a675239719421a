"""A provider submits a month in the grid and both approvals are recorded; the district's
officer runs the checks and handles a finding; every page passes axe-core."""
from datetime import date
from decimal import Decimal

from playwright.sync_api import expect

from assistance.timereport_models import HospitalStay
from tests.conftest import PASSWORD
from tests.timereport_helpers import assistance_user, assistant, valid_permit


def _sign_in(page, live_server, username, landing):
    page.goto(f"{live_server}/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server}{landing}")


def test_provider_submits_and_officer_handles_a_finding(page, live_server, make, db,
                                                        assert_accessible):
    district = make.department(code="sdf-jarva", name="Järva")
    external = make.department(code="externa", name="Externa anordnare", kind="other")
    provider = make.organisation(name="Omsorgen Assistans AB")
    valid_permit(db.session, provider)
    user = assistance_user(db.session, district, provider, hours_per_week=Decimal(14))
    a = assistant(db.session, provider)
    db.session.add(HospitalStay(assistance_user_id=user.id, start=date(2024, 3, 2),
                                end=date(2024, 3, 3), special_reasons=False))
    staff = make.user(username="anordnare.omsorgen", role="provider", department=external)
    staff.organisation_id = provider.id
    make.user(username="lss.jarva.test", role="lss", department=district)
    db.session.commit()

    _sign_in(page, live_server, "anordnare.omsorgen", "/provider/")
    page.goto(f"{live_server}/provider/?month=2024-03")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tidrapporter 2024-03")
    assert_accessible()
    page.get_by_role("link", name=f"Rapportera {user.name}").click()
    page.get_by_label("Assistent, rad 1").fill(a.assistant_id)
    page.get_by_label("Datum, rad 1").fill("2024-03-01")
    page.get_by_label("Start, rad 1").fill("08:00")
    page.get_by_label("Slut, rad 1").fill("10:00")
    page.get_by_label("Assistent, rad 2").fill(a.assistant_id)
    page.get_by_label("Datum, rad 2").fill("2024-03-02")
    page.get_by_label("Start, rad 2").fill("8")  # a mistake: the error summary names it
    page.get_by_label("Slut, rad 2").fill("10:00")
    assert_accessible()
    page.get_by_role("button", name="Skicka in rapporten").click()
    expect(page.get_by_role("alert")).to_contain_text("Rad 2, kolumn start")
    assert_accessible()
    page.get_by_label("Start, rad 2").fill("08:00")
    page.get_by_role("button", name="Skicka in rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tidrapport 2024-03, version 1")
    assert_accessible()
    page.get_by_label("Godkänd av (användaren eller företrädaren)").fill("God man Gunnarsson")
    page.get_by_role("button", name="Registrera användarens godkännande").click()
    page.get_by_label("Assistentens namn").fill("Anna Assistent")
    page.get_by_role("button", name="Registrera assistentens godkännande").click()
    expect(page.get_by_text("Godkänd och låst", exact=True)).to_be_visible()
    assert_accessible()
    assert page.goto(f"{live_server}/organisations/").status == 404
    page.goto(f"{live_server}/provider/")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/login")

    _sign_in(page, live_server, "lss.jarva.test", "/")
    page.goto(f"{live_server}/assistance/timereports/?month=2024-03")
    assert_accessible()
    page.get_by_role("button", name="Kontrollera månadens tidrapporter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avvikelser 2024-03")
    assert_accessible()
    page.get_by_role("link", name="Timmar under sjukhusvistelse").click()
    expect(page.locator(".explanation")).to_contain_text("sjukhusvistelse 2024-03-02–2024-03-03")
    assert_accessible()
    page.get_by_label("Godta med kommentar").check()
    page.get_by_role("textbox", name="Kommentar").fill("Särskilda skäl styrkta i efterhand, se journalanteckning.")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Avvikelsen är hanterad.")).to_be_visible()
    expect(page.get_by_role("cell", name="Godtagen med kommentar")).to_be_visible()
    assert_accessible()
    page.goto(f"{live_server}/assistance/timereports/settlement?month=2024-03")
    expect(page.get_by_role("heading", level=1)).to_have_text("Avräkning 2024-03")
    assert_accessible()
