"""The write twin of test_cross_department_crawl.py: every state-changing route of the
application (from ``app.url_map``: POST, PUT, PATCH, DELETE) is requested with every
department-owned object of the demo as a user of every role from another department, and as the
read-only auditor. Each request must be refused (403, 404 or a redirect) and leave the database
as it was (row count and checksum of every table; audit and login bookkeeping excepted).

A route whose URL names a department-owned object (``OWNED``) is crawled automatically, so
routes that other modules add later are covered without touching this file. A route that names
no such object must be listed in ``OPEN_TO_EVERY_DEPARTMENT`` with the reason, or the test fails.
"""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from assistance.models import Arrangement, AssistanceUser, PermitAlert
from assistance.timereport_models import TimeReportFinding
from associations.models import Grant, GrantReport, LedgerUpload
from oversight.accounts import services as accounts
from oversight.accounts.models import SharedAccountAllowance
from oversight.auth.models import User
from oversight.cases.models import Case, CaseAssignment, CaseDecision, ControlRoutine
from oversight.cli import _domain_demo_loaders
from oversight.demo import load as load_core_demo
from oversight.jobs import Job
from oversight.organisations.models import OrganisationNote, OrganisationWarning
from oversight.scoping import owner_department_id
from suppliers.models import (
    Complaint,
    Contract,
    Decision,
    Hearing,
    MonitoringFinding,
    Procurement,
    SupplierCheck,
    Tender,
)

ROLES = ("admin", "auditor", "procurement", "lss", "grants", "investigator")
METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# URL argument -> the department-owned model it names. A new route with one of these arguments
# is crawled without further ado; a new kind of owned object adds its argument here.
OWNED = {
    "procurement_id": Procurement, "contract_id": Contract, "complaint_id": Complaint,
    "check_id": SupplierCheck, "hearing_id": Hearing, "decision_id": Decision,
    "finding_id": MonitoringFinding, "tender_id": Tender, "grant_id": Grant,
    "report_id": GrantReport, "allowance_id": SharedAccountAllowance,
    "warning_id": OrganisationWarning, "note_id": OrganisationNote, "job_id": Job,
    "upload_id": LedgerUpload, "alert_id": PermitAlert, "arrangement_id": Arrangement,
    # the case register (oversight/cases/)
    "case_id": Case, "assignment_id": CaseAssignment, "routine_id": ControlRoutine,
}
# Arguments whose name means another model on some routes (a time-report finding, not a
# supplier's monitoring finding; an assistance user, not a login account).
OWNED_BY_ENDPOINT = {
    "timereports.finding": {"finding_id": TimeReportFinding},
    "assistance.change_provider": {"user_id": AssistanceUser},
    "cases.lift_stop": {"decision_id": CaseDecision},
}


def owned_models(rule) -> dict:
    return OWNED | OWNED_BY_ENDPOINT.get(rule.endpoint, {})


# The demo has hundreds of these (300 assistance users): a few per owning department suffice.
SAMPLED = {Arrangement, AssistanceUser, PermitAlert, TimeReportFinding}
PER_OWNER = 2


def _crawled_objects(db, model) -> list:
    rows = db.session.scalars(select(model).order_by(model.id)).all()
    if model not in SAMPLED:
        return rows
    taken: dict = {}
    return [o for o in rows
            if taken.setdefault(owner_department_id(o), []).append(o) is None
            and len(taken[owner_department_id(o)]) <= PER_OWNER]

# Routes any department may use on purpose (with the reason). Everything here is still refused
# to the auditor unless it is also in AUDITOR_MAY.
OPEN_TO_EVERY_DEPARTMENT = {
    # the shared register: every department adds and reads organisations, accounts, persons
    "organisations.create": "the register of organisations is shared",
    "organisations.add_account": "accounts are part of the shared register",
    "organisations.close_account": "shared register; limited to the roles that maintain it "
                                   "(account.close), who and why recorded",
    "organisations.add_key_person": "key persons are part of the shared register",
    "organisations.add_warning": "any department flags an organisation: the central channel",
    "organisations.add_note": "the note is created for the user's own department",
    "organisations.reveal_person": "a read (logged), not a change",
    # accounts
    "accounts.verify": "verifies an account; the record is the acting department's evidence",
    "accounts.verify_organisation": "same, for every account of an organisation",
    "accounts.allowances": "any department may allow a shared account; only it withdraws it",
    "accounts.new_holder": "the bank's answer is evidence for every department",
    "accounts.import_holders": "same, as a file",
    "accounts.reveal_holder": "a read (logged), not a change",
    "accounts.payments": "the payment-file check is stored for the user's own department",
    # registries: answers from public registries are shared evidence
    "registries.index": "a registry lookup, stored as shared evidence",
    "registries.import_file": "registry answers are shared evidence",
    "registries.manual": "registry answers are shared evidence",
    "registries.check_now": "registry lookups for an organisation, shared evidence",
    # suppliers
    "suppliers.create": "the supplier register is shared",
    "suppliers.new_procurement": "created for the user's own department",
    "suppliers.new_contract": "created for the user's own department",
    "suppliers.check_now": "the check is stored for the user's own department",
    "suppliers.new_extract": "the extract is stored for the user's own department",
    "suppliers.new_complaint": "any department may complain about a contract; the owner assesses",
    "suppliers.monitoring_run": "runs the checks of the user's own department's contracts",
    # associations: shared on purpose (README, "Association grants")
    "associations.edit_profile": "the association profile is shared by every grant giver",
    "associations.new_grant": "registered for the user's own department only (an admin may "
                              "choose, audited): test_grant_is_registered_for_own_department",
    "associations.upload": "a ledger upload is kept for the uploading user only",
    "associations.start_detection": "the multi-department report is shared on purpose",
    "associations.judge_cluster": "judgements of clusters are shared on purpose",
    # core
    "auth.login": "everyone", "auth.logout": "everyone", "auth.set_language": "everyone",
    "auth.change_password": "the user's own password",
    "admin.edit_user": "administrators manage users of every department; an admin cannot "
                       "change its own role or department (test_admin_cannot_move_itself)",
    "admin.audit_verify": "verifies the audit chain, changes nothing",
    # operations (issue 16): administrators only
    "ops.retry": "the admins' job dashboard re-queues a failed job of any department; it runs "
                 "as its creator, audited (test_admin_dashboard_lists_jobs_of_every_department)",
    "sso_admin.mappings": "the municipality-wide SSO group table, admins only, audited",
    "sso_admin.delete": "the municipality-wide SSO group table, admins only, audited",
    # assistance: permits are about a provider of the shared register (IVO's decisions are the
    # same for every district); alerts, users and arrangements are crawled through OWNED
    "assistance.add_permit": "an IVO notice about a provider is shared evidence for every district",
    "assistance.add_verification": "a permit verification of a provider is shared evidence",
    "assistance.import_file": "IVO's permit list is shared; users and arrangements are imported "
                              "for the user's own district only",
    "timereports.run_check": "writes only the user's own district's queue "
                             "(test_an_officers_run_writes_only_the_own_districts_queue)",
    "timereports.send_reminders": "reminds providers about the user's own district's users only",
    # the provider portal and API: fenced to the provider's organisation, not to a department
    "provider.grid": "provider role only, fenced to its own organisation's users "
                     "(test_provider_is_fenced_to_its_portal)",
    "provider.upload": "provider role only, fenced to its own organisation's users",
    "provider.approve": "provider role only, fenced to its own organisation's reports",
    "timereports_api.submit": "token of a provider organisation, no session: fenced to it",
    "admin.new_rule_value": "rule values (belopp, gränser) are municipality-wide; only the "
                            "admin role (rules.manage) may add them, audited",
    # the case register (oversight/cases/): creations land in the user's own department
    "cases.create": "the case is created for the user's own department",
    "cases.add_routine": "the control routine is created for the user's own department",
    "cases.from_finding": "the case is opened in the user's own department",
    "cases.import_payments": "matches only the user's own cases (accessible_cases); other "
                             "references are reported as unknown rows",
    "cases.public_tip": "the public tip form (no login) is open to everyone on purpose: a tip "
                        "becomes a new case in the chosen department's inbox",
}

AUDITOR_MAY = {
    "auth.login", "auth.logout", "auth.set_language", "auth.change_password",
    "organisations.reveal_person", "accounts.reveal_holder", "admin.audit_verify",
    "cases.public_tip",  # public: anyone, logged in or not, may send a tip
}

# Routes authenticated by a provider's API token, not a session: 401 is their refusal.
TOKEN_AUTH = {"timereports_api.submit"}

# Rows a refused request may legitimately write.
BOOKKEEPING = {"audit_entry", "login_attempt"}

TODAY = date.today()
# Values that would pass every form's validation, so a missing ownership check changes data
# (test_the_payload_changes_data_as_the_owner proves it for the defects of issue 10).
PAYLOAD = {
    "confirmed": "yes", "reason": "Ändrat av en annan förvaltning", "action": "stop", "decided_on": TODAY.isoformat(),
    "reference": "X 2026/1", "received_on": TODAY.isoformat(), "status": "approved",
    "note": "Godkänd av fel förvaltning", "title": "Kapad", "estimated_value": "1",
    "value": "1", "start_date": TODAY.isoformat(), "end_date": TODAY.isoformat(),
    "procedure": "lou_open", "assessment": "Kapad", "name": "Kapad AB",
    "submitted_on": TODAY.isoformat(), "codes": "taxes",
    "deadline": (TODAY + timedelta(days=14)).isoformat(), "recipient": "VD",
    "letter_text": "Kapad", "sent_on": TODAY.isoformat(), "statement": "Kapad",
    "self_cleaning": "Kapad", "internal_notes": "Kapad", "outcome": "not_exclude",
    "reasoning": "Kapad", "self_cleaning_assessment": "Kapad", "verdict": "co_funding",
    "comment": "Kapad", "body": "Kapad", "amount": "1", "category": "quality",
    "severity": "serious", "occurred_on": TODAY.isoformat(),
    "orgnr": "802412-3450", "kind": "bankgiro", "number": "512-3450",
}
OVERRIDES = {
    "suppliers.contract_status": {"status": "ended"},
    "suppliers.edit_contract": {"status": "terminated"},
    "suppliers.edit_procurement": {"status": "cancelled"},
    "suppliers.assess_complaint": {"status": "confirmed"},
    "timereports.finding": {"action": "accept"},
    "assistance.change_provider": {"kind": "municipal", "from_day": TODAY.isoformat()},
    "assistance.told": {"told_on": TODAY.isoformat()},
}


def _payload(endpoint: str) -> dict:
    return PAYLOAD | OVERRIDES.get(endpoint, {})


def _load_demo(db) -> None:
    """What ``flask demo load`` does, in the test database."""
    load_core_demo(db.session)
    db.session.commit()
    for loader in _domain_demo_loaders():
        loader(db.session)
        db.session.commit()


def _add_what_the_demo_lacks(db) -> None:
    kultur = db.session.scalar(select(User).where(User.username == "bidrag.kultur"))
    accounts.add_allowance(db.session, kultur, kind="bankgiro", number="5050-1238",
                           category="other", reason="Gemensamt kansli för två föreningar.")
    db.session.commit()


def table_checksums(db) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every table except the bookkeeping ones."""
    out = {}
    for table in db.metadata.sorted_tables:
        if table.name in BOOKKEEPING:
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(table).order_by(*order)).all()
        digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
        out[table.name] = (len(rows), digest)
    return out


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def _owned_rules(app):
    for rule in app.url_map.iter_rules():
        if not rule.methods & METHODS:
            continue
        models = owned_models(rule)
        owned = [a for a in rule.arguments if a in models]
        yield rule, owned


def unlisted_routes(app) -> list[str]:
    """State-changing routes that name no owned object and are not explained."""
    return [rule.rule for rule, owned in _owned_rules(app)
            if not owned and rule.endpoint not in OPEN_TO_EVERY_DEPARTMENT]


def test_a_new_route_must_be_crawled_or_explained():
    from oversight.app import create_app
    from tests.conftest import config_for_tests

    app = create_app(config_for_tests())
    assert unlisted_routes(app) == []
    app.add_url_rule("/cases/new", "cases.new_case", lambda: "", methods=["POST"])
    app.add_url_rule("/cases/<int:job_id>/rerun", "cases.rerun_job", lambda job_id: "",
                     methods=["POST"])
    assert unlisted_routes(app) == ["/cases/new"]  # the retry names a job: it is crawled


def _fill(rule, arg: str, obj, db) -> dict:
    """URL values for ``rule``: ``arg`` names ``obj``; other arguments are taken from it (a
    tender's procurement_id, a warning's org_id) or else the first row of their kind."""
    values, models = {arg: obj.id}, owned_models(rule)
    for other in rule.arguments - {arg}:
        value = getattr(obj, other, None)
        if value is None and other == "org_id":
            value = getattr(obj, "organisation_id", None)
        if value is None and other in models:
            value = db.session.scalar(select(func.min(models[other].id)))
        values[other] = value if value is not None else {"kind": "skatteverket",
                                                         "code": "en"}.get(other, 1)
    return values


def _outsiders(db, owner_id):
    """A user of every role of every other department (what a user may do is role ×
    department, so a second user with the same pair adds nothing), including a department that
    owns nothing (the ``demo`` fixture adds its users)."""
    first = {}
    for u in db.session.scalars(select(User).order_by(User.id)):
        if u.department_id != owner_id:
            first.setdefault((u.department_id, u.role), u)
    return list(first.values())


@pytest.fixture
def demo(db, make):
    _load_demo(db)
    _add_what_the_demo_lacks(db)
    stranger = make.department(name="Främmande förvaltning")
    for role in ROLES:
        make.user(role=role, department=stranger, username=f"fri.{role}")
    db.session.commit()


def _refused(response) -> bool:
    return response.status_code in (302, 303, 400, 403, 404)


def _client_for(app, user, cache):
    from tests.conftest import login

    if user.id not in cache:
        client = app.test_client()
        assert login(client, user.username, _password(user)).status_code == 302
        cache[user.id] = client
    return cache[user.id]


def _password(user) -> str:
    from oversight.demo import DEMO_PASSWORD
    from tests.factories import PASSWORD

    return PASSWORD if user.username.startswith("fri.") else DEMO_PASSWORD


def test_every_state_changing_route_is_refused_to_other_departments(app, db, demo):
    clients: dict[int, object] = {}
    for user in db.session.scalars(select(User)).all():  # logins write last_login_at: first
        _client_for(app, user, clients)
    unlisted, accepted, changed, crawled = unlisted_routes(app), [], [], 0
    for rule, owned in _owned_rules(app):
        if not owned or rule.endpoint in OPEN_TO_EVERY_DEPARTMENT:
            continue
        arg, model = owned[0], owned_models(rule)[owned[0]]
        before, urls = table_checksums(db), []  # one checksum per route: reading every table
        for obj in _crawled_objects(db, model):  # per object was most of the test's time
            owner = owner_department_id(obj)
            with app.test_request_context():
                url = url_for(rule.endpoint, **_fill(rule, arg, obj, db))
            urls.append(url)
            for user in _outsiders(db, owner):
                response = _client_for(app, user, clients).post(url, data=_payload(rule.endpoint))
                crawled += 1
                if not _refused(response):
                    accepted.append((rule.endpoint, url, user.username, response.status_code))
        db.session.expire_all()
        after = table_checksums(db)
        if after != before:
            changed.append((rule.endpoint, urls, _changed(before, after)))
    assert not unlisted, ("state-changing routes that name no department-owned object and are "
                          f"not in OPEN_TO_EVERY_DEPARTMENT: {unlisted}")
    assert crawled > 500  # the demo has owned objects for the routes above
    assert not accepted, accepted[:20]
    assert not changed, changed[:20]


def test_the_auditor_acts_nowhere(app, db, demo):
    auditor = db.session.scalar(select(User).where(User.username == "revisor"))
    client = _client_for(app, auditor, {})
    db.session.expire_all()
    accepted, changed = [], []
    for rule, _owned in _owned_rules(app):
        if rule.endpoint in AUDITOR_MAY:
            continue
        values = {}
        for a in rule.arguments:
            model = owned_models(rule).get(a)
            first = db.session.scalar(select(func.min(model.id))) if model is not None else None
            values[a] = first or {"kind": "skatteverket", "code": "en"}.get(a, 1)
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        before = table_checksums(db)
        response = client.post(url, data=_payload(rule.endpoint))
        refusals = (401, 403, 404) if rule.endpoint in TOKEN_AUTH else (403, 404)
        if response.status_code not in refusals:
            accepted.append((rule.endpoint, url, response.status_code))
        db.session.expire_all()
        after = table_checksums(db)
        if after != before:
            changed.append((rule.endpoint, _changed(before, after)))
    assert not accepted, accepted
    assert not changed, changed


def _owner_of(db, obj, role: str) -> User | None:
    return db.session.scalar(select(User).where(
        User.department_id == owner_department_id(obj), User.role == role))


CHANGES_AS_OWNER = [  # endpoint, model, which rows, the owner's role
    ("associations.add_decision", Grant, Grant.status == "granted", "grants"),
    ("associations.report_received", GrantReport, GrantReport.received_on.is_(None), "grants"),
    ("accounts.withdraw_allowance", SharedAccountAllowance, None, "grants"),
    ("organisations.withdraw_warning", OrganisationWarning, None, "lss"),
    ("assistance.handle", PermitAlert, PermitAlert.state == "open", "lss"),
    ("timereports.finding", TimeReportFinding, TimeReportFinding.state == "open", "lss"),
]


def test_the_payload_changes_data_as_the_owner(app, db, demo):
    """The crawl is not vacuous: the same request by the owning department does change data
    (for the routes of issue 10's defects)."""
    for endpoint, model, where, role in CHANGES_AS_OWNER:
        stmt = select(model).order_by(model.id)
        rows = db.session.scalars(stmt.where(where) if where is not None else stmt).all()
        obj, owner = next((o, u) for o in rows if (u := _owner_of(db, o, role)) is not None)
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        arg = next(a for a in rule.arguments if a in owned_models(rule))
        with app.test_request_context():
            url = url_for(endpoint, **_fill(rule, arg, obj, db))
        client = _client_for(app, owner, {})
        db.session.expire_all()
        before = table_checksums(db)
        assert client.post(url, data=_payload(endpoint)).status_code == 302, endpoint
        db.session.expire_all()
        assert model.__tablename__ in _changed(before, table_checksums(db)), endpoint
