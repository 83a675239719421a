"""An LSS officer goes from the start page's permit alert to the printed IVO notification;
every page passes axe-core."""
import re
from datetime import date, timedelta

from playwright.sync_api import expect

from assistance.alerts import refresh_alerts
from tests.assistance_helpers import arrangement, at, permit, person


def test_alert_to_printed_ivo_letter(page, live_server, make, db, sign_in, assert_accessible):
    jarva = make.department("sdf-jarva", "Järva stadsdelsförvaltning")
    bromma = make.department("sdf-bromma", "Bromma stadsdelsförvaltning")
    make.user(username="lss.jarva", role="lss", department=jarva)
    bad = make.organisation("Snabb Assistans AB")
    permit(db.session, bad)
    permit(db.session, bad, "revoked", start=date.today() - timedelta(days=20),
           recorded=at(2026, 1, 2), reference="3.5.1-1/2026")
    arrangement(db.session, person(db.session, jarva, 1, "Jana Järvabo"), org=bad)
    arrangement(db.session, person(db.session, bromma, 2, "Berit Brommabo"), org=bad)
    refresh_alerts(db.session, date.today())
    db.session.commit()

    sign_in("lss.jarva")
    assert_accessible()
    page.get_by_role("link", name="Tillstånd återkallat: Snabb Assistans AB").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillståndslarm: Snabb Assistans AB")
    expect(page.get_by_role("link", name="Jana Järvabo")).to_be_visible()
    expect(page.get_by_text("Berit")).to_have_count(0)
    assert_accessible()

    told = (date.today() - timedelta(days=2)).isoformat()
    page.get_by_label("Brukaren fick veta den").fill(told)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Datumet då brukaren fick veta är registrerat.")).to_be_visible()
    expect(page.get_by_role("cell", name=(date.today() + timedelta(days=12)).isoformat())).to_be_visible()

    page.get_by_role("button", name="Skapa underrättelse till IVO").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Underrättelse: assistans som verkar bedrivas utan tillstånd")
    expect(page.get_by_text("Antal berörda brukare i stadsdelen: 1.")).to_be_visible()
    expect(page.get_by_text("Jana")).to_have_count(0)  # counted, not named
    assert_accessible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Registrera som skickad")).to_be_hidden()
    expect(page.locator(".main-nav")).to_be_hidden()
    expect(page.locator(".letter-head")).to_contain_text("Järva stadsdelsförvaltning")
    assert page.pdf(format="A4")[:5] == b"%PDF-"
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Registrera som skickad").click()
    expect(page.get_by_text("Underrättelsen till IVO är registrerad som skickad.")).to_be_visible()
    expect(page.get_by_text(re.compile("IVO underrättad"))).to_be_visible()
    assert_accessible()


def test_assistance_pages_are_accessible(page, live_server, make, db, sign_in, assert_accessible):
    jarva = make.department("sdf-jarva", "Järva stadsdelsförvaltning")
    make.user(username="lss.jarva", role="lss", department=jarva)
    org = make.organisation("Trygg Assistans AB")
    permit(db.session, org)
    u = person(db.session, jarva, 1, "Jana Järvabo")
    arrangement(db.session, u, org=org)
    db.session.commit()
    sign_in("lss.jarva")
    page.get_by_role("link", name="Personlig assistans").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Personlig assistans")
    assert_accessible()
    for link, heading in (("Anordnare", "Assistansanordnare"), ("Brukare i min stadsdel", "Brukare i"),
                          ("Tillståndslarm", "Tillståndslarm för"), ("Importera fil", "Importera fil")):
        page.get_by_role("navigation", name="Personlig assistans").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible()
    page.goto(f"{live_server}/assistance/providers/{org.id}")
    page.get_by_text("Registrera en kontroll").click()
    page.get_by_role("button", name="Spara kontrollen").click()
    expect(page.get_by_text("Kontrollen är registrerad.")).to_be_visible()
    assert_accessible()
    page.goto(f"{live_server}/assistance/users/{u.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jana Järvabo")
    assert_accessible()
