"""Issue 11, defects 2 and 3 through the test client as real roles: an irreversible POST
without the confirmation field changes nothing and shows the confirmation step; a form with
errors shows one error summary linking to its fields."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from associations.models import Grant, GrantDecision
from oversight.organisations import services as orgs
from oversight.organisations.models import BankAccount, OrganisationWarning
from tests.factories import bankgiro

Y = date.today().year


def _grant(db, client, org, dept):
    client.post(f"/associations/org/{org.id}/grants/new", data={
        "grantor": f"dept:{dept.id}", "form": "projekt", "status": "granted", "purpose": "Läxhjälp",
        "period_start": f"{Y}-01-01", "period_end": f"{Y}-06-30", "amount": "10000"})
    return db.session.scalar(select(Grant))


def test_stopping_a_grant_needs_the_confirmation_step(db, make, login_as):
    dept = make.department()
    client = login_as(make.user(role="grants", department=dept))
    org = make.organisation(group=8, name="Föreningen Läxhjälpen")
    db.session.commit()
    grant = _grant(db, client, org, dept)
    data = {"action": "stop", "reason": "Redovisning saknas.", "reference": "DNR 1"}
    response = client.post(f"/associations/grants/{grant.id}/decisions", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Stoppa bidraget?" in page and "Föreningen Läxhjälpen" in page
    assert 'name="confirmed" value="yes"' in page and 'name="reason" value="Redovisning saknas."' in page
    assert db.session.scalar(select(func.count()).select_from(GrantDecision)) == 0
    response = client.post(f"/associations/grants/{grant.id}/decisions",
                           data=data | {"confirmed": "yes"})
    assert response.status_code == 302
    db.session.refresh(grant)
    assert grant.status == "stopped"


def test_withdrawing_a_warning_and_closing_an_account_need_confirmation(db, make, login_as):
    dept = make.department()
    user = make.user(role="procurement", department=dept)
    org = make.organisation(name="Bolaget AB")
    warning = orgs.raise_warning(db.session, user, org, category="deficiency", reason="Brister",
                                 evidence=None)
    account = orgs.add_bank_account(db.session, None, org, kind="bankgiro", number=bankgiro())
    db.session.commit()
    client = login_as(user)
    url = f"/organisations/{org.id}/warnings/{warning.id}/withdraw"
    page = client.post(url, data={"reason": "Felaktig"}).get_data(as_text=True)
    assert "Återkalla varningen?" in page and "Bolaget AB" in page
    db.session.expire_all()
    assert db.session.get(OrganisationWarning, warning.id).withdrawn_at is None
    assert client.post(url, data={"reason": "Felaktig", "confirmed": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(OrganisationWarning, warning.id).withdrawn_at is not None

    admin = make.user(role="admin", department=dept)
    client = login_as(admin)
    url = f"/organisations/{org.id}/accounts/{account.id}/close"
    page = client.post(url, data={"reason": "Byte av bank"}).get_data(as_text=True)
    assert "Avsluta kontot?" in page and account.number in page
    db.session.expire_all()
    assert db.session.get(BankAccount, account.id).removed_at is None


def test_the_organisation_page_offers_the_confirmation_step(db, make, login_as):
    dept = make.department()
    user = make.user(role="procurement", department=dept)
    org = make.organisation(name="Bolaget AB")
    orgs.raise_warning(db.session, user, org, category="deficiency", reason="Brister", evidence=None)
    db.session.commit()
    page = login_as(user).get(f"/organisations/{org.id}").get_data(as_text=True)
    assert '<details class="confirm' in page and "Åtgärden kan inte ångras." in page
    assert 'name="confirmed" value="yes"' in page


def test_one_error_summary_links_to_each_field(db, make, login_as):
    dept = make.department()
    client = login_as(make.user(role="grants", department=dept))
    org = make.organisation(group=8)
    db.session.commit()
    response = client.post(f"/associations/org/{org.id}/grants/new", data={
        "grantor": f"dept:{dept.id}", "form": "projekt", "status": "granted", "purpose": "",
        "period_start": f"{Y}-05-01", "period_end": f"{Y}-01-01", "amount": "10"})
    page = response.get_data(as_text=True)
    assert page.count('id="error-summary"') == 1 and "data-error-summary" in page
    assert 'href="#purpose"' in page and 'id="purpose-error"' in page
    assert 'class="flash flash-error' not in page


def test_an_error_after_a_redirect_is_shown_in_the_same_summary(db, make, login_as):
    dept = make.department()
    user = make.user(role="procurement", department=dept)
    org = make.organisation(name="Bolaget AB")
    db.session.commit()
    client = login_as(user)
    response = client.post(f"/organisations/{org.id}/warnings", data={"reason": ""},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert page.count('id="error-summary"') == 1
    assert 'href="#reason"' in page or 'href="#category"' in page


def test_new_user_form_preselects_nothing_and_offers_no_ceased_department(db, make, login_as):
    from datetime import timedelta

    from oversight.auth.models import User

    live = make.department(name="Levande förvaltningen")
    ceased = make.department(name="Nedlagda förvaltningen")
    ceased.valid_to = date.today() - timedelta(days=1)
    admin = make.user(role="admin", department=live)
    client = login_as(admin)
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "Nedlagda förvaltningen" not in page
    assert "selected" not in page.split('name="role"')[1].split("</select>")[0]
    assert "lämna tomt för att behålla" not in page and "Minst" in page
    before = db.session.scalar(select(func.count()).select_from(User))
    response = client.post("/admin/users/new", data={
        "username": "ny.person", "name": "Ny Person", "password": "ett-langt-losenord-1"})
    page = response.get_data(as_text=True)
    assert "Välj en roll." in page and "Välj en förvaltning." in page
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    response = client.post("/admin/users/new", data={
        "username": "ny.person", "name": "Ny Person", "password": "ett-langt-losenord-1",
        "role": "lss", "department_id": str(ceased.id)})
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    edit = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "lämna tomt för att behålla" in edit


def test_the_confirmation_step_of_a_grant_reads_in_english(db, make, login_as):
    dept = make.department()
    client = login_as(make.user(role="grants", department=dept))
    org = make.organisation(group=8, name="Föreningen Läxhjälpen")
    db.session.commit()
    grant = _grant(db, client, org, dept)
    client.post("/language/en", data={"next": "/"})
    page = client.post(f"/associations/grants/{grant.id}/decisions", data={
        "action": "stop", "reason": "Redovisning saknas."}).get_data(as_text=True)
    assert "The grant is stopped: no more payments are made." in page
    assert "Bidraget stoppas" not in page
