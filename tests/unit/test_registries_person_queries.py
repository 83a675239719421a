"""Person screening in batches, pure parts: the identifiers persons are stored under, the
yente Person queries (100 per call), and how failures count towards stopping a run."""
import json
from datetime import date

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st

from registries.base import ERROR, FOUND, NOT_FOUND, UNAVAILABLE, RegistryResult, failed
from registries.http import HttpClient, HttpSettings
from registries.sanctions import LocalList, SanctionsAdapter, YenteClient
from registries.services import person_identifier, run_batch

YENTE = "https://yente.example.test"


def adapter(api_key=None, batch_size=100):
    client = HttpClient("sanctions", requests.Session(),
                        HttpSettings(retries=1, backoff=0.0, read_timeout=2.0), sleep=lambda s: None)
    local = LocalList.__new__(LocalList)
    local.entries = []
    return SanctionsAdapter(YenteClient(client, base_url=YENTE, dataset="default", threshold=0.7,
                                        api_key=api_key, batch_size=batch_size), local)


def answer(request):
    queries = json.loads(request.body)["queries"]
    out = {}
    for qid, q in queries.items():
        name = q["properties"]["name"][0]
        hit = name == "Listad Person"
        out[qid] = {"status": 200, "total": {"value": int(hit), "relation": "eq"}, "results": [{
            "id": "x1", "caption": name, "schema": "Person", "score": 0.93, "match": True,
            "datasets": ["eu_fsf"], "properties": {"name": [name], "topics": ["sanction"]}}] if hit else []}
    return 200, {}, json.dumps({"responses": out, "limit": 5})


def test_person_identifier_short_names_stay_readable():
    assert person_identifier("Cecilia Provdahl", date(1990, 2, 15)) == "person:1990-02-15:Cecilia Provdahl"
    assert person_identifier("Bo Berg") == "person::Bo Berg"


@given(st.text(min_size=1, max_size=80), st.text(min_size=1, max_size=80),
       st.one_of(st.none(), st.dates()))
def test_person_identifier_fits_and_long_names_do_not_collide(a, b, born):
    prefix = "Anna-Karin Margareta Eleonora "
    one, two = person_identifier(prefix + a, born), person_identifier(prefix + b, born)
    assert len(one) <= 40 and len(two) <= 40
    assert (one == two) == (a == b)


@responses.activate
def test_people_are_asked_100_per_call_as_person_queries_in_order():
    responses.add_callback(responses.POST, YENTE + "/match/default", callback=answer)
    people = [(f"person:{i}", f"Person {i}", date(1980, 1, 1 + i % 28) if i % 2 else None) for i in range(230)]
    people[170] = ("person:listad", "Listad Person", None)
    results = adapter(api_key="nyckel-1").lookup_people(people)
    assert len(responses.calls) == 3
    bodies = [json.loads(c.request.body)["queries"] for c in responses.calls]
    assert [len(b) for b in bodies] == [100, 100, 30]
    assert bodies[0]["q1"] == {"schema": "Person", "properties": {"name": ["Person 1"], "birthDate": ["1980-01-02"]}}
    assert bodies[0]["q0"] == {"schema": "Person", "properties": {"name": ["Person 0"]}}
    assert all(c.request.headers["Authorization"] == "ApiKey nyckel-1" for c in responses.calls)
    assert [r.identifier for r in results] == [p[0] for p in people]
    assert results[170].status == FOUND and {r.status for i, r in enumerate(results) if i != 170} == {NOT_FOUND}
    assert results[1].query["properties"]["birthDate"] == ["1980-01-02"] and results[1].query["query_id"] == "q1"


@responses.activate
def test_a_failed_call_fails_its_persons_only():
    responses.add(responses.POST, YENTE + "/match/default", status=500)
    responses.add(responses.POST, YENTE + "/match/default", status=500)
    responses.add_callback(responses.POST, YENTE + "/match/default", callback=answer)
    people = [(f"person:{i}", f"Person {i}", None) for i in range(150)]
    results = adapter().lookup_people(people)
    assert {r.status for r in results[:100]} == {UNAVAILABLE}
    assert {r.status for r in results[100:]} == {NOT_FOUND}


def test_an_answer_count_mismatch_is_never_paired_up():
    class Short:
        def match(self, queries):
            return [RegistryResult(registry="sanctions", identifier=queries[0][0], status=NOT_FOUND, source="x")]

    local = LocalList.__new__(LocalList)
    local.entries = []
    with pytest.raises(RuntimeError):
        SanctionsAdapter(Short(), local).lookup_people([("person::A", "A", None), ("person::B", "B", None)])


class Batched:
    """A batched adapter (like yente): ``lookup_many`` over units."""

    name, thread_safe = "fake", False

    def __init__(self, status=UNAVAILABLE, source="yente"):
        self.status, self.source, self.calls = status, source, 0

    def lookup_many(self, unit):
        self.calls += 1
        if self.status == NOT_FOUND:
            return [RegistryResult(registry="fake", identifier=i, status=NOT_FOUND, source=self.source)
                    for i, _ in unit]
        return [failed("fake", i, self.status, self.source, "nere") for i, _ in unit]


QUERIES = [(f"id{i}", None) for i in range(1000)]


def test_failures_in_a_row_count_calls_not_queries():
    fake = Batched()
    results = run_batch(fake, QUERIES, concurrency=1, abort_after=3, batch_size=100, subject="personen")
    assert fake.calls == 3  # three failed calls of 100, then the run stops
    assert all(r.status == UNAVAILABLE for r in results)
    assert sum(r.message.startswith("Körningen avbröts innan personen") for r in results) == 700


def test_offline_answers_do_not_stop_a_run():
    fake = Batched(source="offline")
    results = run_batch(fake, QUERIES, concurrency=1, abort_after=3, batch_size=100)
    assert fake.calls == 10 and {r.message for r in results} == {"nere"}


def test_errors_are_not_counted_as_the_service_failing():
    fake = Batched(status=ERROR)
    run_batch(fake, QUERIES, concurrency=1, abort_after=1, batch_size=100)
    assert fake.calls == 10


def test_offline_fixtures_answer_unavailable_and_log_the_hint_once_per_batch(caplog):
    from registries.sanctions import SanctionsFixtures

    fixtures = SanctionsFixtures({}, threshold=0.7)
    queries = [(f"55660000{i:02d}", {"schema": "Company", "properties": {"name": [f"AB {i}"]}})
               for i in range(5)] + [("person:1", {"schema": "Person", "properties": {}})]
    with caplog.at_level("WARNING", logger="registries.sanctions"):
        results = fixtures.match(queries)
    assert [r.status for r in results] == [UNAVAILABLE] * 6
    assert all("systemförvaltningen" in r.message for r in results)  # no configuration jargon
    hints = [r for r in caplog.records if "no fixture" in r.getMessage()]
    assert len(hints) == 1 and "5 companies and 1 persons" in hints[0].getMessage()
