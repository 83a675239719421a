"""Ownership of writes (issue 9, scope 1) and the ownership defects of issue 10 (1, 2, 3, 8),
each through the web as the real roles, plus the helpers of oversight/scoping.py."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from associations.followup import decide, record_report
from associations.grants import GrantError, register_grant
from associations.models import Grant, GrantDecision, GrantReport
from oversight.accounts import services as accounts
from oversight.accounts.models import AccountVerificationRecord, SharedAccountAllowance
from oversight.audit import AuditEntry
from oversight.auth.models import User
from oversight.organisations import services as orgs
from oversight.organisations.models import BankAccount
from oversight.scoping import get_owned_or_404, may_change, owned_by
from suppliers import services as suppliers
from suppliers.models import Procurement
from tests.factories import bankgiro

Y = date.today().year


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(db, make):
    kultur, idrott = make.department(name="Kulturförvaltningen"), make.department(name="Idrott")
    w = {"kultur": kultur, "idrott": idrott,
         "owner": make.user(role="grants", department=kultur),
         "other": make.user(role="grants", department=idrott),
         "org": make.organisation(name="Föreningen Test", group=8)}
    w["grant"] = register_grant(
        db.session, w["owner"], w["org"], form="tidsbegransat", purpose="Läxhjälp",
        period_start=date(Y - 2, 1, 1), period_end=date(Y - 2, 12, 31), amount=10000,
        department=kultur)
    db.session.commit()
    return w


# --- the helpers --------------------------------------------------------------------------------

def test_helpers_answer_for_the_owner_only(db, make, world):
    grant, report = world["grant"], world["grant"].reports[0]
    auditor = make.user(role="auditor", department=world["kultur"])
    assert may_change(world["owner"], grant) and may_change(world["owner"], report)
    assert not may_change(world["other"], grant) and not may_change(world["other"], report)
    assert not may_change(auditor, grant)  # read-only, even in the owning department
    assert not may_change(None, grant)  # no user: fail closed
    mine = owned_by(select(GrantReport), GrantReport, world["kultur"].id)
    assert set(db.session.scalars(mine)) == set(grant.reports)
    assert db.session.scalars(owned_by(select(Grant), Grant, world["idrott"].id)).all() == []
    assert db.session.scalars(owned_by(select(Grant), Grant, None)).all() == []


def test_get_owned_or_404_is_404_for_missing_and_for_others(app, db, world):
    from werkzeug.exceptions import NotFound

    grant = world["grant"]
    with app.test_request_context():
        assert get_owned_or_404(db.session, Grant, grant.id, world["owner"]) is grant
        for ident, user in ((grant.id, world["other"]), (grant.id + 99, world["owner"])):
            with pytest.raises(NotFound):
                get_owned_or_404(db.session, Grant, ident, user)


def test_service_without_a_user_changes_nothing(db, make):
    """It used to skip the ownership check when no user was passed."""
    owner = make.user(role="procurement")
    procurement = suppliers.create_procurement(db.session, owner, {
        "reference": "SOC 1", "title": "Städ", "procedure": "lou_open", "above_threshold": True})
    with pytest.raises(suppliers.SupplierError, match="Endast förvaltningen"):
        suppliers.update_procurement(db.session, None, procurement, {
            "reference": "SOC 1", "title": "Kapad", "procedure": "lou_open"})
    assert db.session.get(Procurement, procurement.id).title == "Städ"


def test_changeable_shows_actions_to_the_owner_only(db, world, login_as):
    url = f"/associations/grants/{world['grant'].id}"
    assert "Registrera beslutet" in login_as(world["owner"]).get(url).get_data(as_text=True)
    assert "Registrera beslutet" not in login_as(world["other"]).get(url).get_data(as_text=True)


# --- issue 10, defect 1: grants ---------------------------------------------------------------

def test_other_department_cannot_decide_on_a_grant_or_its_report(db, world, login_as):
    grant = world["grant"]
    report_id = grant.reports[0].id
    client = login_as(world["other"])
    for action in ("withhold", "stop"):
        response = client.post(f"/associations/grants/{grant.id}/decisions",
                               data={"action": action, "reason": "Kapad"})
        assert response.status_code == 404
    response = client.post(f"/associations/reports/{report_id}/received", data={
        "received_on": date.today().isoformat(), "status": "approved"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Grant, grant.id).status == "granted"
    assert db.session.get(GrantReport, report_id).received_on is None
    assert count(db, GrantDecision) == 0
    with pytest.raises(GrantError, match="beviljat bidraget"):
        decide(db.session, world["other"], grant, action="stop", reason="x")
    with pytest.raises(GrantError, match="beviljat bidraget"):
        record_report(db.session, world["other"], grant.reports[0], received_on=date.today())


def _grant_form(grantor: str) -> dict:
    return {"grantor": grantor, "form": "projekt", "status": "granted", "purpose": "Läger",
            "period_start": f"{Y}-01-01", "period_end": f"{Y}-06-30", "amount": "1000"}


def test_grant_is_registered_for_own_department(db, make, world, login_as):
    org, idrott = world["org"], world["idrott"]
    client = login_as(world["owner"])
    form_page = client.get(f"/associations/org/{org.id}/grants/new").get_data(as_text=True)
    assert f'value="dept:{idrott.id}"' not in form_page  # only the own department offered
    client.post(f"/associations/org/{org.id}/grants/new", data=_grant_form(f"dept:{idrott.id}"))
    assert count(db, Grant) == 1  # nothing registered in Idrott's name
    with pytest.raises(GrantError, match="egna förvaltningen"):
        register_grant(db.session, world["owner"], org, form="projekt", purpose="x",
                       period_start=date(Y, 1, 1), period_end=date(Y, 2, 1), amount=1,
                       department=idrott)
    # an external funder's grant is kept, and decided on, by the registering department
    client.post(f"/associations/org/{org.id}/grants/new", data=_grant_form("funder:MUCF"))
    external = db.session.scalar(select(Grant).where(Grant.funder_name == "MUCF"))
    assert external.owner_department_id == world["kultur"].id


def test_admin_may_register_for_any_department_audited(db, make, world, login_as):
    admin = make.user(role="admin", department=make.department(name="Stadsledningskontoret"))
    idrott = world["idrott"]
    client = login_as(admin)
    response = client.post(f"/associations/org/{world['org'].id}/grants/new",
                           data=_grant_form(f"dept:{idrott.id}"))
    assert response.status_code == 302
    grant = db.session.scalar(select(Grant).where(Grant.department_id == idrott.id))
    assert grant.owner_department_id == idrott.id  # Idrott decides on it, not the admin
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.entity_type == Grant.__tablename__, AuditEntry.action == "create",
        AuditEntry.actor_id == admin.id))
    assert entry is not None and entry.after["department_id"] == idrott.id


# --- issue 10, defect 2: shared-account exceptions and closing accounts ------------------------

def test_only_the_granting_department_withdraws_an_exception(db, world, login_as):
    allowance = accounts.add_allowance(db.session, world["owner"], kind="bankgiro",
                                       number=bankgiro(), category="other", reason="Kansli")
    db.session.commit()
    response = login_as(world["other"]).post(f"/accounts/allowances/{allowance.id}/withdraw",
                                             data={"reason": "Kapad"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(SharedAccountAllowance, allowance.id).withdrawn_at is None
    with pytest.raises(accounts.AccountsError, match="godkände undantaget"):
        accounts.withdraw_allowance(db.session, world["other"], allowance, "Kapad")
    page = login_as(world["other"]).get("/accounts/allowances").get_data(as_text=True)
    assert "Ta bort undantaget" not in page
    assert login_as(world["owner"]).post(f"/accounts/allowances/{allowance.id}/withdraw",
                                         data={"reason": "Upphört"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(SharedAccountAllowance, allowance.id).withdrawn_at is not None


def test_closing_an_account_records_who_and_why_and_needs_the_role(db, make, world, login_as):
    org = world["org"]
    account = orgs.add_bank_account(db.session, None, org, kind="bankgiro", number=bankgiro())
    db.session.commit()
    url = f"/organisations/{org.id}/accounts/{account.id}/close"
    for role in ("lss", "investigator", "auditor"):
        response = login_as(make.user(role=role)).post(url, data={"reason": "Kapad"})
        assert response.status_code == 403, role
    db.session.expire_all()
    assert db.session.get(BankAccount, account.id).removed_at is None
    client = login_as(world["owner"])
    client.post(url, data={"reason": ""})  # a reason is required
    db.session.expire_all()
    assert db.session.get(BankAccount, account.id).removed_at is None
    assert client.post(url, data={"reason": "Nytt bankgiro enligt brev", "confirmed": "yes"}).status_code == 302
    db.session.expire_all()
    closed = db.session.get(BankAccount, account.id)
    assert closed.removed_at is not None and closed.removed_by_id == world["owner"].id
    assert closed.removed_reason == "Nytt bankgiro enligt brev"
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert world["owner"].name in page


# --- issue 10, defect 3: the auditor acts nowhere ---------------------------------------------

def test_auditor_cannot_verify_accounts(db, make, login_as):
    org = make.organisation(group=8)
    orgs.add_bank_account(db.session, None, org, kind="bankgiro", number=bankgiro())
    auditor = login_as(make.user(role="auditor"))
    assert auditor.get("/accounts/verify").status_code == 200  # reading is fine
    response = auditor.post("/accounts/verify", data={
        "orgnr": org.orgnr, "kind": "bankgiro", "number": org.current_accounts[0].number})
    assert response.status_code == 403
    assert auditor.post(f"/accounts/organisations/{org.id}/verify").status_code == 403
    assert count(db, AccountVerificationRecord) == 0


def test_read_only_roles_hold_read_permissions_only():
    from oversight.auth.roles import PERMISSIONS, READ_ONLY_ROLES, READ_PERMISSIONS

    acting = {p for p, roles in PERMISSIONS.items() if roles & READ_ONLY_ROLES}
    assert acting <= READ_PERMISSIONS


def test_a_module_cannot_hand_the_auditor_an_action():
    from oversight.auth.roles import PERMISSIONS, register_permissions

    with pytest.raises(RuntimeError, match="read-only role may act"):
        register_permissions({"test.act": {"auditor"}})
    PERMISSIONS.pop("test.act")


# --- issue 10, defect 8: an admin moving itself -----------------------------------------------

@pytest.fixture
def admins(db, make):
    central = make.department(name="Stadsledningskontoret")
    jarva = make.department(name="Järva")
    return {"central": central, "jarva": jarva,
            "admin": make.user(role="admin", department=central),
            "other_admin": make.user(role="admin", department=central),
            "officer": make.user(role="lss", department=jarva)}


def _user_form(user: User, department_id: int, role: str) -> dict:
    return {"username": user.username, "name": user.name, "role": role,
            "department_id": department_id, "active": "y", "email": ""}


def test_admin_cannot_move_itself(db, admins, login_as):
    admin = admins["admin"]
    client = login_as(admin)
    assert "ändras av en annan administratör" in client.get(
        f"/admin/users/{admin.id}").get_data(as_text=True)
    client.post(f"/admin/users/{admin.id}", data=_user_form(admin, admins["jarva"].id, "admin"))
    client.post(f"/admin/users/{admin.id}", data=_user_form(admin, admin.department_id, "lss"))
    db.session.expire_all()
    me = db.session.get(User, admin.id)
    assert me.department_id == admins["central"].id and me.role == "admin"


def test_another_admins_change_is_shown_to_the_department(db, admins, login_as):
    admin = admins["admin"]
    officer_page = login_as(admins["officer"])
    response = login_as(admins["other_admin"]).post(
        f"/admin/users/{admin.id}", data=_user_form(admin, admins["jarva"].id, "admin"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, admin.id).department_id == admins["jarva"].id
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.entity_type == "user_account", AuditEntry.entity_id == str(admin.id),
        AuditEntry.action == "update").order_by(AuditEntry.id.desc()))
    assert entry.actor_id == admins["other_admin"].id
    page = officer_page.get("/").get_data(as_text=True)
    assert f"{admin.name} har fått behörighet i din förvaltning" in page
