"""HTTP mode against the local stub server: every fault kind maps to the right status, runs
abort on rejected credentials or a failing service, and nothing secret is logged or stored."""
import json
import logging

import pytest
from sqlalchemy import select

from registries import services, stub_data
from registries.base import CONCLUSIVE, ERROR, FOUND, NOT_FOUND, PARTIAL, UNAVAILABLE
from registries.models import RegistryBlob, RegistryLookup
from registries.stub import StubRegistry, StubServer
from tests.factories import orgnr


def start(monkeypatch, app, **stub_options):
    options = {"retry_after": 0, "timeout_sleep": 1.0} | stub_options
    server = StubServer(StubRegistry(**options)).start()
    settings = server.config(REGISTRY_TIMEOUT_READ=0.3, REGISTRY_RETRIES=2, REGISTRY_BACKOFF_SECONDS=0.01,
                             REGISTRY_ABORT_AFTER_FAILURES=0, REGISTRY_CONCURRENCY=4,
                             REGISTRY_RATE_LIMIT={"bolagsverket": 0, "sanctions": 0},
                             REGISTRY_CACHE_MAX_AGE={"bolagsverket": 0, "sanctions": 0})
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    return server


@pytest.fixture
def stub(app, monkeypatch):
    server = start(monkeypatch, app)
    yield server
    server.stop()


def test_demo_organisations_over_http(stub, make, db):
    make.organisation(name="Bygg & Fasad Söder AB", orgnr="556712-0984")
    omsorg = services.lookup(db.session, None, "bolagsverket", "556901-2346")
    assert omsorg.status == FOUND and omsorg.source == "bolagsverket-api"
    assert [p.code for p in omsorg.records[0].proceedings] == ["FR"]
    bygg = services.lookup(db.session, None, "sanctions", "556712-0984")
    assert bygg.status == FOUND and bygg.records[0].datasets == ("eu_edes",)
    assert bygg.organisation is not None and bygg.query["properties"]["name"] == ["Bygg & Fasad Söder AB"]
    assert services.lookup(db.session, None, "sanctions", "556874-3214").status == NOT_FOUND


@pytest.mark.parametrize("registry, fault, expected", [
    ("bolagsverket", "500", UNAVAILABLE), ("bolagsverket", "503", UNAVAILABLE),
    ("bolagsverket", "429", UNAVAILABLE), ("bolagsverket", "timeout", UNAVAILABLE),
    ("bolagsverket", "malformed", ERROR), ("bolagsverket", "partial", PARTIAL),
    ("bolagsverket", "401", UNAVAILABLE), ("bolagsverket", "latency:20", FOUND),
    ("sanctions", "500", UNAVAILABLE), ("sanctions", "429", UNAVAILABLE), ("sanctions", "timeout", UNAVAILABLE),
    ("sanctions", "malformed", ERROR), ("sanctions", "partial", ERROR), ("sanctions", "401", UNAVAILABLE),
])
def test_every_fault_kind_maps_to_a_status_that_is_never_clean(stub, db, registry, fault, expected):
    stub.app.inject("556874-3214", fault)
    stored = services.lookup(db.session, None, registry, "556874-3214")
    assert stored.status == expected, stored.message
    if fault != "latency:20":
        assert stored.status not in CONCLUSIVE and stored.message


@pytest.mark.parametrize("fault", ["500", "429", "timeout", "401"])
def test_one_transient_fault_is_retried_away(stub, db, fault):
    stub.app.inject("556874-3214", fault, times=1)
    assert services.lookup(db.session, None, "bolagsverket", "556874-3214").status == FOUND


def test_rejected_token_is_refreshed_once_then_the_run_aborts(stub, db):
    services.lookup(db.session, None, "bolagsverket", "556874-3214")
    stub.app.revoke_tokens()  # the cached token no longer works: one refresh, and it goes on
    assert services.lookup(db.session, None, "bolagsverket", "556874-3214").status == FOUND
    assert stub.app.stats["/oauth2/token"] == 2
    stub.app.inject("556874-3214", "401")
    stored = services.lookup(db.session, None, "bolagsverket", "556874-3214")
    assert stored.status == UNAVAILABLE and "även efter förnyelse" in stored.message


def test_wrong_credentials_stop_the_batch_after_one_token_call(app, stub, monkeypatch, db):
    monkeypatch.setitem(app.config, "BOLAGSVERKET_CLIENT_SECRET", "fel-hemlighet")
    numbers = [orgnr(5) for _ in range(12)]
    rows = services.batch_lookup(db.session, None, "bolagsverket", numbers)
    assert [r.status for r in rows] == [UNAVAILABLE] * 12
    assert all("avvisade klientuppgifterna" in r.message or "avbröts" in r.message for r in rows)
    assert stub.app.stats["/oauth2/token"] == 1  # a rejected client is not tried again
    assert stub.app.stats["/vardefulla-datamangder/v1/organisationer"] == 0


def test_a_failing_service_aborts_after_consecutive_failures(app, monkeypatch, db):
    server = start(monkeypatch, app, fault_rate=1.0, fault_kinds=("500",))
    monkeypatch.setitem(app.config, "REGISTRY_ABORT_AFTER_FAILURES", 3)
    monkeypatch.setitem(app.config, "REGISTRY_CONCURRENCY", 1)
    try:
        rows = services.batch_lookup(db.session, None, "bolagsverket", [orgnr(5) for _ in range(20)])
    finally:
        server.stop()
    assert {r.status for r in rows} == {UNAVAILABLE}
    assert sum("avbröts" in r.message for r in rows) == 17
    assert server.app.stats["/vardefulla-datamangder/v1/organisationer"] == 3 * 3  # 3 lookups x 3 attempts


def test_random_faults_never_give_a_wrong_conclusive_answer(app, monkeypatch, db):
    server = start(monkeypatch, app, fault_rate=0.3, seed=7)
    numbers = [orgnr(5) for _ in range(40)]
    try:
        bv = services.batch_lookup(db.session, None, "bolagsverket", numbers)
        sanctions = services.batch_lookup(db.session, None, "sanctions", numbers)
    finally:
        server.stop()
    wrong, inconclusive = 0, 0
    for row in bv:
        truth = stub_data.truth(row.identifier.replace("-", ""))
        if not row.conclusive:
            inconclusive += 1
            continue
        codes = {p.code for r in row.records for p in r.proceedings}
        expected_found = truth["kind"] != "absent"
        wrong += (row.status == FOUND) != expected_found
        wrong += expected_found and (("KK" in codes) != (truth["kind"] == "bankrupt"))
    for row in sanctions:
        if row.conclusive:
            wrong += (row.status == FOUND) != stub_data.truth(row.identifier.replace("-", ""))["debarred"]
    assert wrong == 0
    assert inconclusive > 0  # the faults did reach the adapters


def test_no_secret_in_logs_or_evidence(app, stub, monkeypatch, db, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setitem(app.config, "YENTE_API_KEY", "yente-nyckel-hemlig")
    stub.app.inject("556901-2346", "partial", times=1)
    services.batch_lookup(db.session, None, "bolagsverket", ["556901-2346", "556712-0984", orgnr(5)])
    issued = list(stub.app.tokens)
    stub.app.revoke_tokens()  # forces a second token through the refresh path
    services.lookup(db.session, None, "bolagsverket", "556874-3214")
    services.lookup(db.session, None, "sanctions", "556712-0984")
    db.session.flush()
    secrets = issued + list(stub.app.tokens) + [stub.app.client_secret, "yente-nyckel-hemlig"]
    assert len(secrets) >= 4
    stored = json.dumps([[r.query, r.normalized, r.message, r.request_id]
                         for r in db.session.scalars(select(RegistryLookup))], ensure_ascii=False)
    blobs = b"".join(db.session.scalars(select(RegistryBlob.data)))
    for secret in secrets:
        assert secret not in caplog.text and secret not in stored and secret.encode() not in blobs


def test_person_screening_over_http_and_offline(app, stub, monkeypatch, db):
    from datetime import date

    stored = services.person_lookup(db.session, None, "Cecilia  Provdahl", birth_date=date(1990, 2, 15))
    assert stored.status == NOT_FOUND and stored.identifier == "person:1990-02-15:Cecilia Provdahl"
    assert stored.query["schema"] == "Person" and stored.query["properties"]["birthDate"] == ["1990-02-15"]
    assert services.person_lookup(db.session, None, "Cecilia Provdahl", birth_date=date(1990, 2, 15)).id \
        != stored.id  # cache max-age is 0 in these tests
    monkeypatch.setitem(app.config, "REGISTRY_MODE", "offline")
    offline = services.person_lookup(db.session, None, "Cecilia Provdahl")
    assert offline.status == UNAVAILABLE and "kunde inte sökas" in offline.message and "yente" not in offline.message
