"""The core paths an officer takes, in a real browser, with an accessibility check."""
import re

from playwright.sync_api import expect

from oversight.organisations import services


def test_login_page_is_accessible_and_rejects_wrong_password(page, live_server, make, db,
                                                             assert_accessible):
    make.user(username="handlaggare")
    db.session.commit()
    page.goto(f"{live_server}/login")
    assert_accessible()
    page.get_by_label("Användarnamn").fill("handlaggare")
    page.get_by_label("Lösenord").fill("fel-losenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("Fel användarnamn eller lösenord.")).to_be_visible()
    assert_accessible()


def test_search_and_open_an_organisation(page, live_server, make, db, sign_in, assert_accessible):
    make.user(username="upphandlare")
    org = make.organisation(name="Föreningen Gemenskap i Rinkeby", group=8)
    services.add_alias(db.session, org, "GEMENSKAP I RINKEBY, IDEELL FÖRENING")
    make.organisation(name="Städkraft Stockholm AB")
    db.session.commit()
    sign_in("upphandlare")
    assert_accessible()
    page.get_by_label(re.compile("Sök organisation")).fill("gemenskap rinkeby")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("heading", name=re.compile("Sökresultat"))).to_be_visible()
    assert_accessible()
    page.get_by_role("link", name="Föreningen Gemenskap i Rinkeby").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Föreningen Gemenskap i Rinkeby")
    expect(page.get_by_text(org.orgnr)).to_be_visible()
    assert_accessible()


def test_warning_raised_by_one_department_reaches_another(page, live_server, make, db, sign_in,
                                                         sign_out, assert_accessible):
    jarva = make.department(name="Järva stadsdelsförvaltning")
    social = make.department(name="Socialförvaltningen", kind="social")
    make.user(username="lss.jarva", role="lss", department=jarva)
    make.user(username="upphandlare", role="procurement", department=social)
    org = make.organisation(name="Omsorgspartner Test AB")
    db.session.commit()

    sign_in("lss.jarva")
    page.goto(f"{live_server}/organisations/{org.id}")
    page.get_by_text("Lägg till varning").click()
    page.get_by_label("Kategori").select_option("exclusion")
    page.get_by_label("Skäl", exact=True).fill("Avtalet hävdes efter falska tidrapporter.")
    page.get_by_label("Underlag").fill("Beslut dnr JÄR 2026/1142")
    page.get_by_role("button", name="Registrera varning").click()
    expect(page.get_by_text("Varningen är registrerad")).to_be_visible()
    assert_accessible()
    sign_out()

    sign_in("upphandlare")
    expect(page.get_by_role("link", name="Ny varning: Omsorgspartner Test AB")).to_be_visible()
    page.get_by_role("link", name="Ny varning: Omsorgspartner Test AB").click()
    expect(page.get_by_role("alert")).to_contain_text("1 aktiv varning")
    expect(page.get_by_role("alert")).to_contain_text("Järva stadsdelsförvaltning")
    expect(page.get_by_text("Avtalet hävdes efter falska tidrapporter.")).to_be_visible()
    assert_accessible()


def test_register_list_and_admin_pages_are_accessible(page, live_server, make, db, sign_in,
                                                      assert_accessible):
    make.user(username="admin", role="admin")
    for i in range(3):
        make.organisation(name=f"Bolag {i} AB")
    db.session.commit()
    sign_in("admin")
    for path in ("/organisations/", "/organisations/new", "/admin/users", "/admin/audit", "/jobs/",
                 "/admin/departments", "/admin/rules", "/admin/rules/new",
                 "/password"):
        page.goto(live_server + path)
        assert_accessible()
