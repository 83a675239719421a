"""Issue 11 in a real browser (CSRF on, axe on every page visited): the error summary takes
focus and links to its field (defect 3); the new-user form preselects no role (defect 1); the
confirmation step of an irreversible action (defect 2), also the no-JavaScript page."""
from playwright.sync_api import expect

from oversight.organisations import services as orgs
from oversight.organisations.models import OrganisationWarning


def test_error_summary_takes_focus_and_links_to_the_field(page, live_server, make, db, sign_in,
                                                         assert_accessible):
    dept = make.department(name="Kulturförvaltningen")
    make.user(username="admin.ux", role="admin", department=dept)
    db.session.commit()
    sign_in("admin.ux")
    page.goto(f"{live_server}/admin/users/new")
    assert_accessible()
    role = page.get_by_label("Roll")
    expect(role).to_have_value("")  # no preselected role (defect 1)
    page.get_by_label("Användarnamn").fill("ny.person")
    page.get_by_label("Namn", exact=True).fill("Ny Person")
    page.get_by_role("button", name="Spara").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert_accessible()
    summary.get_by_role("link", name="Roll: Välj en roll.").click()
    expect(role).to_be_focused()


def test_withdrawing_a_warning_asks_first(page, live_server, make, db, sign_in, assert_accessible):
    dept = make.department(name="Upphandlingsavdelningen")
    user = make.user(username="upph.ux", role="procurement", department=dept)
    org = make.organisation(name="Varnade Bolaget AB")
    warning = orgs.raise_warning(db.session, user, org, category="deficiency",
                                 reason="Brister i kvaliteten", evidence=None)
    db.session.commit()
    sign_in("upph.ux")
    page.goto(f"{live_server}/organisations/{org.id}")
    page.locator("summary", has_text="Återkalla varningen").click()
    expect(page.get_by_text("Åtgärden kan inte ångras.")).to_be_visible()
    assert_accessible()
    page.get_by_label("Skäl").first.fill("Registrerad av misstag")
    page.get_by_role("button", name="Ja, återkalla varningen").click()
    expect(page.get_by_text("Varningen är återkallad.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(OrganisationWarning, warning.id).withdrawn_at is not None


def test_the_confirmation_step_works_without_javascript(browser, live_server, make, db):
    from tests.factories import PASSWORD

    dept = make.department(name="Upphandlingsavdelningen 2")
    user = make.user(username="upph.nojs", role="procurement", department=dept)
    org = make.organisation(name="Andra Bolaget AB")
    warning = orgs.raise_warning(db.session, user, org, category="deficiency",
                                 reason="Brister", evidence=None)
    db.session.commit()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.get_by_label("Användarnamn").fill("upph.nojs")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.goto(f"{live_server}/organisations/{org.id}")
        page.locator("summary", has_text="Återkalla varningen").click()
        page.get_by_label("Skäl").first.fill("Fel organisation")
        page.get_by_role("button", name="Ja, återkalla varningen").click()
        expect(page.get_by_text("Varningen är återkallad.")).to_be_visible()
    finally:
        context.close()
    db.session.expire_all()
    assert db.session.get(OrganisationWarning, warning.id).withdrawn_at is not None
