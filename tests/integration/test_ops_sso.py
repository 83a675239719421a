"""Single sign-on against a local OIDC stub: the provider's discovery document, JWKS and token
endpoint (``responses``), with a real RS256-signed id_token. Groups map to role and
department; unmapped people, forged tokens and a wrong nonce are refused; mapping changes
are audited; local password login stays."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

from oversight.audit import AuditEntry
from oversight.auth.models import User
from oversight.sso.models import SsoGroupMapping, SsoIdentity
from tests.conftest import login

ISSUER = "https://idp.kommun.example"
CLIENT_ID = "tillsyn"
METADATA = ISSUER + "/.well-known/openid-configuration"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})


@pytest.fixture
def sso_app(app):
    app.config.update(OIDC_METADATA_URL=METADATA, OIDC_CLIENT_ID=CLIENT_ID,
                      OIDC_CLIENT_SECRET="stub-secret")
    app.extensions.pop("oversight_oidc", None)
    yield app
    app.config.update(OIDC_METADATA_URL=None, OIDC_CLIENT_ID=None, OIDC_CLIENT_SECRET=None)
    app.extensions.pop("oversight_oidc", None)


@pytest.fixture
def provider():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(METADATA, json={
            "issuer": ISSUER, "authorization_endpoint": ISSUER + "/authorize",
            "token_endpoint": ISSUER + "/token", "jwks_uri": ISSUER + "/jwks",
            "userinfo_endpoint": ISSUER + "/userinfo", "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"]})
        rsps.get(ISSUER + "/jwks", json={"keys": [KEY.as_dict(private=False)]})
        yield rsps


def id_token(nonce, *, sub="abc-123", groups=("tillsyn-upphandlare",), key=KEY, **extra):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": sub, "iat": now, "exp": now + 300,
              "nonce": nonce, "name": "Anna Andersson", "preferred_username": "anna.a",
              "email": "anna@kommun.example", "groups": list(groups)} | extra
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def sign_in(client, provider, **token_kwargs):
    start = client.get("/login/sso/")
    assert start.status_code == 302 and start.location.startswith(ISSUER + "/authorize")
    query = parse_qs(urlsplit(start.location).query)
    assert query["client_id"] == [CLIENT_ID] and "openid" in query["scope"][0]
    nonce = token_kwargs.pop("nonce", query["nonce"][0])
    provider.post(ISSUER + "/token", json={
        "access_token": "at", "token_type": "Bearer", "expires_in": 300,
        "id_token": id_token(nonce, **token_kwargs)})
    return client.get(f"/login/sso/callback?code=c0de&state={query['state'][0]}")


@pytest.fixture
def mapped(db, make):
    social = make.department(name="Socialförvaltningen", kind="social")
    db.session.add(SsoGroupMapping(group="tillsyn-upphandlare", role="procurement",
                                   department=social, priority=10))
    db.session.commit()
    return social


def test_login_with_the_provider_creates_a_mapped_user(sso_app, db, provider, mapped):
    client = sso_app.test_client()
    r = sign_in(client, provider)
    assert r.status_code == 302 and urlsplit(r.location).path == "/"
    user = db.session.scalar(select(User).where(User.username == "anna.a"))
    assert (user.role, user.department_id, user.name) == ("procurement", mapped.id,
                                                          "Anna Andersson")
    assert client.get("/").status_code == 200
    identity = db.session.scalar(select(SsoIdentity))
    assert (identity.issuer, identity.subject, identity.user_id) == (ISSUER, "abc-123", user.id)
    # no password works for the account
    assert login(sso_app.test_client(), "anna.a", "!sso-only").status_code == 200
    # the second login finds the same account
    sign_in(sso_app.test_client(), provider)
    assert db.session.scalar(select(User).where(User.username.like("anna%"))) is not None
    assert len(db.session.scalars(select(SsoIdentity)).all()) == 1


def test_a_group_change_at_the_provider_changes_role_and_department(sso_app, db, make,
                                                                    provider, mapped):
    district = make.department(name="Järva stadsdelsförvaltning", kind="district")
    db.session.add(SsoGroupMapping(group="tillsyn-lss-jarva", role="lss", department=district,
                                   priority=5))
    db.session.commit()
    sign_in(sso_app.test_client(), provider)
    sign_in(sso_app.test_client(), provider, groups=("tillsyn-upphandlare", "tillsyn-lss-jarva"))
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == "anna.a"))
    assert (user.role, user.department_id) == ("lss", district.id)  # lowest priority wins


def test_unmapped_people_are_refused_and_audited(sso_app, db, provider, mapped):
    client = sso_app.test_client()
    r = sign_in(client, provider, groups=("alla-anstallda",))
    assert urlsplit(r.location).path == "/login"
    assert db.session.scalar(select(User).where(User.username == "anna.a")) is None
    assert client.get("/").status_code == 302  # not logged in
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "login",
                                                      AuditEntry.action == "refused"))


@pytest.mark.parametrize("change", [{"key": OTHER_KEY}, {"nonce": "fel"}, {"aud": "annan"},
                                    {"iss": "https://evil.example"}])
def test_forged_or_misdirected_tokens_are_refused(sso_app, db, provider, mapped, change):
    client = sso_app.test_client()
    r = sign_in(client, provider, **change)
    assert urlsplit(r.location).path == "/login"
    assert db.session.scalar(select(User).where(User.username == "anna.a")) is None
    assert client.get("/").status_code == 302


def test_sso_is_off_without_configuration_and_local_login_stays(app, db, make, client):
    assert client.get("/login/sso/").status_code == 404
    assert "kommunens konto" not in client.get("/login").get_data(as_text=True)
    user = make.user(role="lss")
    db.session.commit()
    assert login(client, user.username).status_code == 302


def test_login_page_offers_the_provider_when_configured(sso_app, client):
    assert "Logga in med kommunens konto" in client.get("/login").get_data(as_text=True)


def test_mapping_changes_are_audited_and_admin_only(db, make, login_as):
    admin = make.user(role="admin")
    social = make.department(name="Socialförvaltningen", kind="social")
    client = login_as(admin)
    r = client.post("/admin/sso/", data={"group": "tillsyn-utredare", "role": "investigator",
                                         "department_id": social.id, "priority": 20})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    mapping = db.session.scalar(select(SsoGroupMapping))
    client.post(f"/admin/sso/{mapping.id}", data={"group": "tillsyn-utredare", "role": "auditor",
                                                  "department_id": social.id, "priority": 20})
    client.post(f"/admin/sso/{mapping.id}/delete")
    actions = [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "sso_group_mapping")
        .order_by(AuditEntry.id))]
    assert actions == ["create", "update", "delete"]
    # the provider role is never given by the municipality's login
    r = client.post("/admin/sso/", data={"group": "x", "role": "provider",
                                         "department_id": social.id, "priority": 1})
    assert db.session.scalar(select(SsoGroupMapping)) is None
    officer = make.user(role="lss")
    assert login_as(officer).get("/admin/sso/").status_code == 403
