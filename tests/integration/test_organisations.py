from datetime import date, timedelta

import pytest
from sqlalchemy import select

from oversight.audit import AuditEntry
from oversight.organisations import services
from oversight.organisations.models import BankAccount, Organisation
from tests.factories import bankgiro, orgnr


def test_register_is_idempotent_and_validates(make, db):
    number = orgnr(8)
    first = services.register_organisation(db.session, orgnr=number.replace("-", ""), name="Föreningen Ett")
    again = services.register_organisation(db.session, orgnr=number, name="Annat namn")
    assert first.id == again.id and first.orgnr == number and first.org_group == 8
    with pytest.raises(services.RegisterError, match="Kontrollsiffran stämmer inte"):
        services.register_organisation(db.session, orgnr=number[:-1] + str((int(number[-1]) + 1) % 10),
                                       name="Fel")


def test_sole_trader_personnummer_is_masked(make, db):
    org = services.register_organisation(db.session, orgnr="850312-1231", name="Anna Konsult")
    assert org.is_sole_trader and org.orgnr == "19850312-1231"
    assert org.display_orgnr == "19850312-****"


def test_search_by_name_former_name_orgnr_and_account(make, db):
    org = make.organisation(name="Föreningen Gemenskap i Rinkeby", group=8)
    services.rename_organisation(db.session, org, "Gemenskapsföreningen Järva")
    other = make.organisation(name="Städkraft Stockholm AB")
    number = bankgiro()
    services.add_bank_account(db.session, None, other, kind="bankgiro", number=number)

    by_name = services.search_organisations(db.session, "gemenskapsforeningen jarva")
    assert by_name and by_name[0].organisation.id == org.id
    by_former = services.search_organisations(db.session, "GEMENSKAP I RINKEBY")
    assert by_former[0].organisation.id == org.id and by_former[0].matched_on == "former name"
    by_orgnr = services.search_organisations(db.session, other.orgnr.replace("-", ""))
    assert by_orgnr[0].organisation.id == other.id and by_orgnr[0].matched_on == "orgnr"
    by_account = services.search_organisations(db.session, number)
    assert by_account[0].organisation.id == other.id and by_account[0].matched_on == "account"
    assert services.search_organisations(db.session, "zzzz qqqq xxxx") == []


def test_account_change_keeps_history(make, db):
    org = make.organisation()
    old = services.add_bank_account(db.session, None, org, kind="bankgiro", number=bankgiro())
    new = services.replace_bank_account(db.session, None, old, number=bankgiro(), source="Faktura",
                                        reason="Nytt bankgiro enligt brev")
    assert old.removed_at is not None and old.removed_reason == "Nytt bankgiro enligt brev"
    assert org.current_accounts == [new]
    assert len(db.session.scalars(select(BankAccount).where(BankAccount.organisation_id == org.id)).all()) == 2


def test_invalid_account_is_refused_with_reason(make, db):
    org = make.organisation()
    with pytest.raises(services.RegisterError, match="Kontrollsiffran"):
        services.add_bank_account(db.session, None, org, kind="bankgiro", number="5123451")


def test_warning_from_one_department_is_seen_by_another(login_as, make, db):
    jarva, social = make.department(name="Järva"), make.department(name="Socialförvaltningen", kind="social")
    lss, buyer = make.user(role="lss", department=jarva), make.user(role="procurement", department=social)
    org = make.organisation(name="Omsorg Test AB")
    db.session.commit()
    c = login_as(lss)
    response = c.post(f"/organisations/{org.id}/warnings", data={
        "category": "exclusion", "reason": "Avtalet hävdes efter falska tidrapporter.",
        "evidence": "Dnr 2026/1"})
    assert response.status_code == 302
    page = login_as(buyer).get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Avtalet hävdes efter falska tidrapporter." in page and "Järva" in page
    assert "1 aktiv varning" in page
    start = login_as(buyer).get("/").get_data(as_text=True)
    assert "Ny varning: Omsorg Test AB" in start


def test_only_issuing_department_may_withdraw(make, db):
    a, b = make.department(), make.department()
    ua, ub = make.user(department=a), make.user(department=b)
    org = make.organisation()
    warning = services.raise_warning(db.session, ua, org, category="other", reason="Skäl", evidence=None)
    with pytest.raises(services.RegisterError, match="Endast förvaltningen"):
        services.withdraw_warning(db.session, ub, warning, "Fel")
    services.withdraw_warning(db.session, ua, warning, "Felregistrerad")
    assert not warning.is_active()


def test_expired_warning_is_not_active(make, db):
    user, org = make.user(), make.organisation()
    today = date.today()
    w = services.raise_warning(db.session, user, org, category="other", reason="x", evidence=None,
                               issued_on=today - timedelta(days=30), expires_on=today - timedelta(days=1))
    assert not w.is_active() and org.active_warnings() == []
    with pytest.raises(services.RegisterError, match="före"):
        services.raise_warning(db.session, user, org, category="other", reason="x", evidence=None,
                               issued_on=today, expires_on=today - timedelta(days=1))


def test_reveal_personnummer_is_logged(login_as, make, db):
    user, org = make.user(role="grants"), make.organisation(group=8)
    person = services.add_key_person(db.session, org, role="ordforande", name="Amina Exempel",
                                     personnummer="19850312-1231")
    db.session.commit()
    c = login_as(user)
    page = c.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "19850312-****" in page and "19850312-1231" not in page
    revealed = c.post(f"/organisations/{org.id}/key-persons/{person.id}/reveal").get_data(as_text=True)
    assert "19850312-1231" in revealed
    views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "view")).all()
    assert len(views) == 1 and views[0].actor == user.username and views[0].entity_id == str(person.id)


def test_personnummer_never_enters_the_audit_trail(make, db):
    org = make.organisation(group=8)
    services.add_key_person(db.session, org, role="kassor", name="B Test", personnummer="770110-4569")
    db.session.commit()
    for entry in db.session.scalars(select(AuditEntry)):
        assert "4569" not in str(entry.after or "") + str(entry.before or "")


def test_list_sort_filter_paginate_and_export(login_as, make, db):
    user = make.user()
    for i in range(30):
        make.organisation(name=f"Bolag {i:02d} AB")
    flagged = make.organisation(name="=HYPERLINK(\"http://x\") AB")
    services.raise_warning(db.session, user, flagged, category="other", reason="x", evidence=None)
    db.session.commit()
    c = login_as(user)
    page1 = c.get("/organisations/?sort=name&dir=asc").get_data(as_text=True)
    assert "Bolag 00 AB" in page1 and "Sida 1 av 2" in page1
    desc = c.get("/organisations/?sort=name&dir=desc").get_data(as_text=True)
    assert desc.index("Bolag 29 AB") < desc.index("Bolag 28 AB")
    only = c.get("/organisations/?flagged=1").get_data(as_text=True)
    assert "HYPERLINK" in only and "Bolag 01 AB" not in only
    csv = c.get("/organisations/?format=csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and csv.count("\r\n") == 32


def test_create_organisation_form_shows_swedish_error(login_as, make, db):
    c = login_as(make.user())
    page = c.post("/organisations/new", data={"orgnr": "123", "name": "X"}).get_data(as_text=True)
    assert "organisationsnummer har 10 siffror" in page
    ok = c.post("/organisations/new", data={"orgnr": orgnr(5), "name": "Nytt Bolag AB"})
    assert ok.status_code == 302
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Nytt Bolag AB"))


def test_auditor_is_read_only(login_as, make, db):
    auditor, org = make.user(role="auditor"), make.organisation()
    c = login_as(auditor)
    assert c.get(f"/organisations/{org.id}").status_code == 200
    assert c.post(f"/organisations/{org.id}/warnings", data={"category": "other", "reason": "x"}).status_code == 403
    assert c.post("/organisations/new", data={"orgnr": orgnr(5), "name": "X"}).status_code == 403


def test_page_forms_save_and_report_errors_in_swedish(login_as, make, db):
    user, org = make.user(role="grants"), make.organisation(group=8)
    db.session.commit()
    c = login_as(user)
    number = bankgiro()
    c.post(f"/organisations/{org.id}/accounts", data={"kind": "bankgiro", "number": number, "source": "Ansökan"})
    bad = c.post(f"/organisations/{org.id}/accounts", data={"kind": "bankgiro", "number": "123"},
                 follow_redirects=True).get_data(as_text=True)
    assert "bankgiro" in bad.lower() and "siffror" in bad  # the identifier's own message
    c.post(f"/organisations/{org.id}/key-persons", data={"role": "kassor", "name": "Kim Kassör",
                                                        "personnummer": "7701104569"})
    c.post(f"/organisations/{org.id}/notes", data={"body": "Ringde föreningen 12/11."})
    db.session.expire_all()
    assert [a.digits for a in org.current_accounts] == [number]
    assert org.key_persons[0].personnummer == "19770110-4569"
    account = org.current_accounts[0]
    c.post(f"/organisations/{org.id}/accounts/{account.id}/close", data={"reason": "Byte av bank", "confirmed": "yes"})
    db.session.expire_all()
    assert org.current_accounts == [] and org.bank_accounts[0].removed_reason == "Byte av bank"
    page = c.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Ringde föreningen 12/11." in page and "Avslutat" in page
