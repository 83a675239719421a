"""batch_person_lookup against the local yente stub: persons screened in order, 100 per call,
stored and cached like person_lookup, and every failure of a call or of one query's part is
"could not be checked" (unavailable / error), never a clean answer."""
import json
import logging
from datetime import date

import pytest
from sqlalchemy import func, select

from registries import services, stub_data
from registries.base import CONCLUSIVE, ERROR, FOUND, NOT_FOUND, PARTIAL, UNAVAILABLE
from registries.models import RegistryBlob, RegistryLookup
from registries.stub import StubRegistry, StubServer

MATCH = "/match/default"
LISTED = ("Sanktionerad Testperson", date(1970, 1, 1))


def start(monkeypatch, app, **stub_options):
    options = {"retry_after": 0, "timeout_sleep": 1.0} | stub_options
    server = StubServer(StubRegistry(**options)).start()
    settings = server.config(REGISTRY_TIMEOUT_READ=0.3, REGISTRY_RETRIES=2, REGISTRY_BACKOFF_SECONDS=0.01,
                             REGISTRY_ABORT_AFTER_FAILURES=0, REGISTRY_CONCURRENCY=4,
                             REGISTRY_RATE_LIMIT={"bolagsverket": 0, "sanctions": 0},
                             REGISTRY_CACHE_MAX_AGE={"bolagsverket": 0, "sanctions": 0}, YENTE_BATCH_SIZE=100)
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    return server


@pytest.fixture
def stub(app, monkeypatch):
    server = start(monkeypatch, app)
    yield server
    server.stop()


def people(n, start=0):
    """Invented persons; every third without a birth date."""
    return [(f"Person Nummer {i}", None if i % 3 == 0 else date(1950 + i % 50, 1 + i % 12, 1 + i % 28))
            for i in range(start, start + n)]


def expected_status(name, born):
    return FOUND if stub_data.person_truth(name, born)["match"] else NOT_FOUND


def lookups(db):
    return db.session.scalar(select(func.count()).select_from(RegistryLookup))


def test_order_kept_100_persons_per_call_and_stored_like_person_lookup(stub, db, app, monkeypatch):
    # about batches, not timeouts: on a loaded CI machine a 0.3 s read timeout retried a call
    monkeypatch.setitem(app.config, "REGISTRY_TIMEOUT_READ", 10)
    batch = people(249)
    batch.insert(120, LISTED)
    batch.append(batch[5])  # the same person twice: asked once, the same row
    progress = []
    rows = services.batch_person_lookup(db.session, None, batch, concurrency=4,
                                        progress=lambda done, total, msg: progress.append((done, total)))
    assert len(rows) == 251
    assert [r.identifier for r in rows] == [services.person_identifier(n, b) for n, b in batch]
    assert [r.status for r in rows] == [expected_status(n, b) for n, b in batch]
    assert rows[120].status == FOUND and rows[120].records[0].schema == "Person"
    assert rows[120].records[0].datasets == ("eu_fsf",)
    assert rows[-1].id == rows[5].id and lookups(db) == 250
    # one POST /match per 100 persons (250 distinct: 100 + 100 + 50), Person queries only
    assert stub.app.stats[MATCH] == 3
    assert sorted(r["queries"] for r in stub.app.requests) == [50, 100, 100]
    assert {s for r in stub.app.requests for s in r["schemas"]} == {"Person"}
    assert progress[-1] == (250, 250)
    # the evidence is what person_lookup stores: query, raw answer, source
    with_date = rows[1]
    assert with_date.query["schema"] == "Person" and with_date.query["dataset"] == "default"
    assert with_date.query["properties"] == {"name": ["Person Nummer 1"], "birthDate": ["1951-02-02"]}
    assert rows[0].query["properties"] == {"name": ["Person Nummer 0"]}  # no birth date, none sent
    assert with_date.source == "yente" and with_date.raw_sha256 and with_date.http_status == 200
    single = services.person_lookup(db.session, None, "Person  Nummer 1", birth_date=date(1951, 2, 2))
    assert single.identifier == with_date.identifier and single.query["properties"] == with_date.query["properties"]
    assert single.status == with_date.status


def test_a_listed_name_with_another_birth_date_is_a_candidate_not_a_hit(stub, db):
    other, same, no_date = services.batch_person_lookup(db.session, None, [
        ("Sanktionerad Testperson", date(1980, 5, 5)), LISTED, ("Sanktionerad Testperson", None)])
    assert other.status == NOT_FOUND and other.records and other.records[0].match is False
    assert same.status == FOUND and no_date.status == FOUND


def test_cache_reused_for_recent_conclusive_answers(app, stub, monkeypatch, db):
    monkeypatch.setitem(app.config, "REGISTRY_CACHE_MAX_AGE", {"bolagsverket": 0, "sanctions": 3600})
    first = services.batch_person_lookup(db.session, None, people(150))
    assert stub.app.stats[MATCH] == 2
    again = services.batch_person_lookup(db.session, None, people(151))  # one new person
    assert [r.id for r in again[:150]] == [r.id for r in first]
    assert stub.app.stats[MATCH] == 3 and stub.app.requests[-1]["queries"] == 1
    # person_lookup reads the same cache, and use_cache=False asks again
    name, born = people(1, start=7)[0]
    assert services.person_lookup(db.session, None, name, birth_date=born).id == first[7].id
    assert stub.app.stats[MATCH] == 3
    fresh = services.batch_person_lookup(db.session, None, people(2), use_cache=False)
    assert stub.app.stats[MATCH] == 4 and {r.id for r in fresh}.isdisjoint({r.id for r in first})


def test_failed_answers_are_not_reused_from_the_cache(app, stub, monkeypatch, db):
    monkeypatch.setitem(app.config, "REGISTRY_CACHE_MAX_AGE", {"bolagsverket": 0, "sanctions": 3600})
    stub.app.inject(stub_data.person_key("Person Nummer 1"), "500", times=3)  # every attempt of one call
    failed_ = services.batch_person_lookup(db.session, None, people(3))
    assert [r.status for r in failed_] == [UNAVAILABLE] * 3
    retried = services.batch_person_lookup(db.session, None, people(3))
    assert [r.status for r in retried] == [expected_status(n, b) for n, b in people(3)]
    assert {r.id for r in retried}.isdisjoint({r.id for r in failed_})


@pytest.mark.parametrize("fault, status", [("500", UNAVAILABLE), ("503", UNAVAILABLE), ("timeout", UNAVAILABLE),
                                           ("429", UNAVAILABLE), ("malformed", ERROR)])
def test_a_failed_call_makes_every_person_of_that_call_not_checked(stub, db, fault, status):
    batch = people(230)
    batch[150] = LISTED  # in the failing call: a listed person must not read as clean either
    stub.app.inject(stub_data.person_key("Person Nummer 140"), fault)  # the second call: persons 100..199
    rows = services.batch_person_lookup(db.session, None, batch, concurrency=1)
    failing = rows[100:200]
    assert {r.status for r in failing} == {status}
    assert all(r.message and r.status not in CONCLUSIVE for r in failing)
    assert [r.status for r in rows[:100] + rows[200:]] == [expected_status(n, b)
                                                          for n, b in batch[:100] + batch[200:]]


def test_a_failed_part_of_an_answer_is_an_error_for_that_person_only(stub, db):
    batch = people(120)
    stub.app.inject(stub_data.person_key("Person Nummer 42"), "partial")
    rows = services.batch_person_lookup(db.session, None, batch)
    assert rows[42].status == ERROR and "status 500" in rows[42].message
    assert [r.status for i, r in enumerate(rows) if i != 42] == [
        expected_status(n, b) for i, (n, b) in enumerate(batch) if i != 42]
    assert stub.app.stats[MATCH] == 2


def test_a_failing_service_stops_the_run_after_consecutive_failed_calls(app, monkeypatch, db):
    server = start(monkeypatch, app, fault_rate=1.0, fault_kinds=("500",))
    monkeypatch.setitem(app.config, "REGISTRY_ABORT_AFTER_FAILURES", 2)
    try:
        rows = services.batch_person_lookup(db.session, None, people(550), concurrency=1)
    finally:
        server.stop()
    assert {r.status for r in rows} == {UNAVAILABLE}
    assert server.app.stats[MATCH] == 2 * 3  # two calls (of 100 persons) x three attempts, then stop
    assert sum("avbröts innan personen kontrollerades" in r.message for r in rows) == 350
    assert all(".." not in r.message for r in rows)


def test_rejected_api_key_makes_everyone_unavailable(stub, db):
    stub.app.inject(stub_data.person_key("Person Nummer 0"), "401")
    rows = services.batch_person_lookup(db.session, None, people(150), concurrency=1)
    assert {r.status for r in rows} == {UNAVAILABLE}
    assert all("API-nyckeln" in r.message for r in rows)
    assert stub.app.stats[MATCH] == 1  # rejected credentials stop the run


def test_secrets_absent_from_rows_blobs_and_logs(app, stub, monkeypatch, db, caplog):
    caplog.set_level(logging.DEBUG)
    key = "yente-nyckel-hemlig-4711"
    monkeypatch.setitem(app.config, "YENTE_API_KEY", key)
    stub.app.inject(stub_data.person_key("Person Nummer 3"), "partial")
    stub.app.inject(stub_data.person_key("Person Nummer 130"), "500", times=1)  # retried, logged
    rows = services.batch_person_lookup(db.session, None, people(140) + [LISTED])
    assert rows[-1].status == FOUND and rows[3].status == ERROR
    assert all(r["api_key"] for r in stub.app.requests)  # the key did travel to yente
    stored = json.dumps([[r.query, r.normalized, r.message, r.request_id, r.source]
                         for r in db.session.scalars(select(RegistryLookup))], ensure_ascii=False)
    blobs = b"".join(db.session.scalars(select(RegistryBlob.data)))
    assert "HTTP 500" in caplog.text  # the retry was logged ...
    assert key not in caplog.text and key not in stored and key.encode() not in blobs  # ... without the key


def test_offline_mode_behaves_as_person_lookup(app, monkeypatch, db):
    monkeypatch.setitem(app.config, "REGISTRY_MODE", "offline")
    monkeypatch.setitem(app.config, "REGISTRY_ABORT_AFTER_FAILURES", 5)
    rows = services.batch_person_lookup(db.session, None, people(130))
    single = services.person_lookup(db.session, None, "Ensam Person")
    assert {r.status for r in rows} == {UNAVAILABLE} and single.status == UNAVAILABLE
    assert {r.message for r in rows} == {single.message} and "kunde inte sökas" in single.message
    assert "personen" in single.message and all(r.source == "offline" for r in rows)


def test_local_list_hit_shows_even_when_yente_cannot_be_asked(app, monkeypatch, db):
    monkeypatch.setitem(app.config, "REGISTRY_MODE", "offline")
    text = "namn;kategori;datum\nKarl Varnad;Hävt avtal;2025-01-10\n"
    services.import_registry_file(db.session, None, "sanctions-list", "lista.csv", data=text.encode())
    karl, other = services.batch_person_lookup(db.session, None, [("Karl Varnad", None), ("Lisa Ren", None)])
    assert karl.status == PARTIAL and karl.records[0].source == "local-list" and karl.records[0].match
    assert other.status == UNAVAILABLE


def test_bad_input_stores_nothing(stub, db):
    from registries.services import RegistryInputError

    with pytest.raises(RegistryInputError, match="Rad 3"):
        services.batch_person_lookup(db.session, None, people(2) + [("  ", None)])
    with pytest.raises(RegistryInputError, match="födelsedatum"):
        services.batch_person_lookup(db.session, None, [("Anna Andersson", "inte ett datum")])
    with pytest.raises(RegistryInputError, match="^Ange personens namn"):
        services.person_lookup(db.session, None, "")
    assert lookups(db) == 0 and stub.app.stats[MATCH] == 0
    assert services.batch_person_lookup(db.session, None, []) == []


def test_suppliers_adapter_uses_one_call_for_all_representatives(stub, db):
    """The supplier checks' path (suppliers.registry_adapter.fetch with Person requests)."""
    from suppliers import evidence as ev
    from suppliers.registry_adapter import LookupRequest, fetch

    batch = people(120) + [LISTED]
    requests = [LookupRequest(registry=ev.SANCTIONS, identifier=f"{n}|{b or ''}", subject=f"person:{i}",
                              subject_label=n, name=n, schema="Person", birth_date=b)
                for i, (n, b) in enumerate(batch)]
    stub.app.inject(stub_data.person_key("Person Nummer 7"), "partial")
    out = fetch(db.session, None, requests)
    assert stub.app.stats[MATCH] == 2
    statuses = [out[(r.registry, r.subject, r.identifier)].status for r in requests]
    assert statuses[7] == ev.ERROR and statuses[-1] == ev.FOUND
    assert statuses.count(ev.NOT_FOUND) + statuses.count(ev.FOUND) == len(batch) - 1
    assert all(out[(r.registry, r.subject, r.identifier)].ref.startswith("registry_lookup:") for r in requests)


def test_each_person_keeps_only_its_own_answer_as_evidence(stub, db):
    """The shared yente reply names every representative of the batch; a person's stored raw
    answer must not carry the others' names and birth dates."""
    rows = services.batch_person_lookup(db.session, None, people(3) + [LISTED], concurrency=1)
    for row, (name, _) in zip(rows, people(3) + [LISTED]):
        raw = db.session.get(RegistryBlob, row.raw_sha256).data.decode()
        others = [n for n, _ in people(3) + [LISTED] if n != name]
        assert not any(other in raw for other in others), (name, raw[:300])
        assert json.loads(raw)["query_id"].startswith("q")
