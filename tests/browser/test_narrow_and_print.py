"""Issue 11, defect 9 and 8: at phone width (375 px) no main page is wider than the screen,
the admin's navigation is one line at 1366 px, and a letter prints as a clean document;
axe on every page visited."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from oversight.organisations.models import Organisation
from registries.models import RegistryLookup
from suppliers.models import Procurement

DEMO_PASSWORD = "demo-losenord-2026"
PHONE = {"width": 375, "height": 800}


def _demo(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def _sign_in(page, live_server, username):
    page.goto(f"{live_server}/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server}/")


def _overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")


WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                && !Array.from(el.children).some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5).map(el => el.tagName + '.' + el.className + ' ' + (el.textContent || '').slice(0, 40))"""


def _pages(db):
    org = db.session.scalar(select(Organisation).where(Organisation.name.like("Omsorg%")))
    org = org or db.session.scalar(select(Organisation).order_by(Organisation.id))
    procurement = db.session.scalar(select(Procurement).where(Procurement.reference == "SOC 2026/0412"))
    procurement = procurement or db.session.scalar(select(Procurement).order_by(Procurement.id))
    # an organisation's registry answer with its SHA-256 (a long hash must wrap, defect 9)
    lookup = db.session.scalar(select(RegistryLookup).where(
        RegistryLookup.raw_sha256.is_not(None), RegistryLookup.department_id.is_(None))
        .order_by(RegistryLookup.id))
    return {
        "upphandlare": ["/", f"/organisations/{org.id}", f"/suppliers/procurements/{procurement.id}",
                        "/jobs/", f"/registries/lookups/{lookup.id}"],
        "bidrag.kultur": ["/", "/associations/report"],
        "lss.jarva": ["/", "/assistance/providers"],
        "utredare": ["/", "/cases/", "/statistics/"],
        "revisor": ["/", "/admin/audit"],
        "admin": ["/", "/admin/users"],
    }


def test_no_page_is_wider_than_a_phone(page, live_server, runner, db, assert_accessible):
    _demo(runner)
    page.set_viewport_size(PHONE)
    too_wide = []
    for username, paths in _pages(db).items():
        _sign_in(page, live_server, username)
        for path in paths:
            page.goto(live_server + path)
            expect(page.locator("h1").first).to_be_visible()
            width, inner = _overflow(page)
            if width > inner:
                too_wide.append((username, path, width, page.evaluate(WIDEST)))
            assert_accessible()
        page.context.clear_cookies()
    assert not too_wide, too_wide


def test_phone_navigation_collapses_and_opens_without_javascript(browser, live_server, runner):
    _demo(runner)
    context = browser.new_context(locale="sv-SE", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page, live_server, "admin")
        nav = page.get_by_role("navigation", name="Huvudmeny")
        expect(nav.get_by_role("link", name="Granskningslogg")).to_be_hidden()
        nav.get_by_text("Meny").click()
        nav.get_by_role("link", name="Granskningslogg").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Granskningslogg")
    finally:
        context.close()


def test_admin_navigation_is_one_line_at_1366(page, live_server, runner, assert_accessible):
    _demo(runner)
    page.set_viewport_size({"width": 1366, "height": 800})
    _sign_in(page, live_server, "admin")
    tops = page.eval_on_selector_all(".main-nav .nav-wide > li",
                                     "items => items.map(li => li.getBoundingClientRect().top)")
    assert tops and len(set(tops)) == 1, tops
    nav = page.get_by_role("navigation", name="Huvudmeny")
    nav.get_by_text("Administration").click()
    nav.get_by_role("link", name="Användare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Användare")
    assert_accessible()

