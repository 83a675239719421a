"""HTTP adapters against `responses` fixtures shaped like the real answers: retries and
Retry-After, token handling, fail-closed status mapping, and no credential in logs or results."""
import json
import logging

import pytest
import requests
import responses

from registries.base import (
    CONCLUSIVE,
    ERROR,
    FOUND,
    NOT_FOUND,
    PARTIAL,
    UNAVAILABLE,
    CredentialsRejected,
    Unavailable,
)
from registries.bolagsverket import BolagsverketApi
from registries.http import HttpClient, HttpSettings, RateLimiter
from registries.offline import load_fixture
from registries.sanctions import LocalList, SanctionsAdapter, YenteClient
from tests.factories import orgnr

BASE = "https://gw.example.test/vardefulla-datamangder/v1"
TOKEN_URL = "https://portal.example.test/oauth2/token"
SECRET = "hemlig-klientnyckel-123"
TOKEN = "eyJ-access-token-456"
ORGS = BASE + "/organisationer"


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def client(registry="bolagsverket", sleeps=None, **settings):
    values = {"retries": 2, "backoff": 0.01, "retry_after_cap": 30.0, "read_timeout": 2.0} | settings
    return HttpClient(registry, requests.Session(), HttpSettings(**values),
                      sleep=sleeps if sleeps is not None else Sleeps())


def api(sleeps=None, **settings):
    return BolagsverketApi(client(sleeps=sleeps, **settings), base_url=BASE, token_url=TOKEN_URL,
                           client_id="kommunen", client_secret=SECRET, scope="vardefulla-datamangder:read")


def token(rsps, value=TOKEN, status=200):
    body = {"access_token": value, "scope": "vardefulla-datamangder:read", "token_type": "Bearer",
            "expires_in": 3600} if status == 200 else {"error": "invalid_client"}
    return rsps.add(responses.POST, TOKEN_URL, json=body, status=status)


def org_answer(rsps, digits="5569012346", status=200, **kwargs):
    body = kwargs.pop("body", None) or json.dumps(load_fixture("bolagsverket")[digits])
    return rsps.add(responses.POST, ORGS, body=body, status=status, content_type="application/json", **kwargs)


@responses.activate
def test_found_with_token_cached_and_evidence_kept():
    token(responses)
    org_answer(responses)
    org_answer(responses)
    adapter = api()
    first, second = adapter.lookup("556901-2346"), adapter.lookup("5569012346")
    assert first.status == second.status == FOUND
    assert first.records[0].proceedings[0].code == "FR"
    assert sum(c.request.url == TOKEN_URL for c in responses.calls) == 1  # token reused
    call = responses.calls[1]
    assert json.loads(call.request.body) == {"identitetsbeteckning": "5569012346"}
    assert call.request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert first.request_id == call.request.headers["X-Request-Id"]
    assert first.raw == call.response.content and first.http_status == 200
    assert first.query == {"identitetsbeteckning": "5569012346"}


@responses.activate
def test_token_is_refreshed_once_on_401_then_the_run_aborts():
    token(responses, "first-token")
    token(responses, "second-token")
    org_answer(responses, status=401, body=json.dumps({"status": 401, "title": "Unauthorized"}))
    org_answer(responses)
    assert api().lookup("556901-2346").status == FOUND
    assert responses.calls[3].request.headers["Authorization"] == "Bearer second-token"

    responses.reset()
    token(responses, "first-token")
    token(responses, "second-token")
    org_answer(responses, status=401, body="{}")
    org_answer(responses, status=401, body="{}")
    with pytest.raises(CredentialsRejected, match="även efter förnyelse"):
        api().lookup("556901-2346")
    assert len(responses.calls) == 4  # one refresh, no more


@responses.activate
def test_rejected_client_credentials_abort_the_run():
    token(responses, status=401)
    with pytest.raises(CredentialsRejected):
        api().lookup("556901-2346")


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_server_errors_after_retries_are_unavailable_never_found(status):
    token(responses)
    for _ in range(3):
        org_answer(responses, status=status, body=json.dumps({"status": status, "title": "fel"}))
    result = api().lookup("556901-2346")
    assert result.status == UNAVAILABLE and result.status not in CONCLUSIVE
    assert f"HTTP {status} efter 3 försök" in result.message


@responses.activate
def test_retry_after_is_honoured_and_a_retry_then_succeeds():
    sleeps = Sleeps()
    token(responses)
    org_answer(responses, status=429, body="{}", headers={"Retry-After": "7"})
    org_answer(responses)
    assert api(sleeps=sleeps).lookup("556901-2346").status == FOUND
    assert sleeps == [7.0]


@responses.activate
def test_retry_after_longer_than_the_cap_gives_up_at_once():
    token(responses)
    org_answer(responses, status=503, body="{}", headers={"Retry-After": "3600"})
    result = api(retry_after_cap=30.0).lookup("556901-2346")
    assert result.status == UNAVAILABLE and "3600" in result.message
    assert len(responses.calls) == 2


@responses.activate
def test_timeouts_and_connection_errors_are_unavailable():
    token(responses)
    for _ in range(3):
        responses.add(responses.POST, ORGS, body=requests.exceptions.ReadTimeout("slow"))
    result = api().lookup("556901-2346")
    assert result.status == UNAVAILABLE and "tidsgränsen" in result.message
    responses.reset()
    token(responses)
    for _ in range(3):
        responses.add(responses.POST, ORGS, body=requests.exceptions.ConnectionError("refused"))
    assert api().lookup("556901-2346").status == UNAVAILABLE


@responses.activate
def test_malformed_json_rfc7807_and_partial_answers():
    token(responses)
    org_answer(responses, body='{"organisationer": [{"organisationsidentitet"')
    assert api().lookup("556901-2346").status == ERROR
    responses.reset()
    token(responses)
    problem = {"type": "urn:bolagsverket:error:validation", "instance": "validation.client", "status": 400,
               "title": "Bad Request", "detail": "Identitetsbeteckning har ogiltig kontrollsiffra.",
               "requestId": "abc", "timestamp": "2026-01-01T00:00:00Z"}
    org_answer(responses, status=400, body=json.dumps(problem))
    result = api().lookup("556901-2346")
    assert result.status == ERROR and "ogiltig kontrollsiffra" in result.message and len(responses.calls) == 2
    responses.reset()
    token(responses)
    partly = load_fixture("bolagsverket")["5569012346"]
    partly = json.loads(json.dumps(partly))
    partly["organisationer"][0]["postadressOrganisation"] = {"dataproducent": "SCB", "fel": {"typ": "TIMEOUT"}}
    org_answer(responses, body=json.dumps(partly))
    result = api().lookup("556901-2346")
    assert result.status == PARTIAL and result.missing == ("postadress",)


def test_invalid_identifier_is_an_error_without_a_call():
    with responses.RequestsMock() as rsps:  # any call would fail the test
        result = api().lookup("556901-2347")
    assert result.status == ERROR and "Kontrollsiffran" in result.message and not rsps.calls


@responses.activate
def test_secrets_never_reach_logs_results_or_exceptions(caplog):
    caplog.set_level(logging.DEBUG)
    token(responses)
    org_answer(responses, status=401, body=json.dumps({"detail": f"bad token {TOKEN}"}))
    org_answer(responses, status=400, body=json.dumps({"detail": f"ekot {TOKEN} och {SECRET}", "status": 400}))
    adapter = api()
    result = adapter.lookup("556901-2346")
    texts = [caplog.text, result.message or "", json.dumps(result.normalized()), json.dumps(result.query)]
    responses.reset()
    token(responses, status=401)
    with pytest.raises(CredentialsRejected) as excinfo:
        api().lookup("556901-2346")
    texts.append(str(excinfo.value))
    for text in texts:
        assert TOKEN not in text and SECRET not in text
    assert "[dolt]" in result.message


def test_rate_limiter_spaces_calls():
    now = [0.0]
    waits = []
    limiter = RateLimiter(2.0, clock=lambda: now[0], sleep=waits.append)
    for _ in range(3):
        limiter.wait()
    assert waits == [0.5, 1.0]


# --- yente --------------------------------------------------------------------------------------

YENTE = "https://yente.example.test"


def yente_adapter(api_key=None, local=None):
    yente = YenteClient(client("sanctions"), base_url=YENTE, dataset="default", threshold=0.7, api_key=api_key)
    holder = LocalList.__new__(LocalList)
    holder.entries = local or []
    return SanctionsAdapter(yente, holder)


def yente_callback(request):
    queries = json.loads(request.body)["queries"]
    fixtures = load_fixture("sanctions")
    responses_ = {qid: fixtures.get((q["properties"].get("registrationNumber") or ["-"])[0],
                                    {"status": 200, "results": [], "total": {"value": 0, "relation": "eq"}})
                  for qid, q in queries.items()}
    return 200, {}, json.dumps({"responses": responses_, "matcher": {}, "limit": 5})


@responses.activate
def test_yente_batches_of_100_hits_and_explanations():
    responses.add_callback(responses.POST, YENTE + "/match/default", callback=yente_callback)
    queries = [("556712-0984", "Bygg & Fasad Söder AB"), ("559012-8764", "Städkraft Stockholm AB")]
    queries += [(orgnr(5), None) for _ in range(148)]
    results = yente_adapter(api_key="nyckel-789").lookup_many(queries)
    assert len(responses.calls) == 2 and len(json.loads(responses.calls[0].request.body)["queries"]) == 100
    assert responses.calls[0].request.headers["Authorization"] == "ApiKey nyckel-789"
    bygg, stad = results[0], results[1]
    assert bygg.status == FOUND and bygg.records[0].datasets == ("eu_edes",)
    assert {e.feature for e in bygg.records[0].explanations} == {"name_literal_match", "identifier_match"}
    assert stad.status == NOT_FOUND and stad.records[0].match is False  # a candidate below the threshold
    assert all(r.status == NOT_FOUND for r in results[2:])


@responses.activate
def test_yente_failures_are_never_clean():
    responses.add(responses.POST, YENTE + "/match/default", body="{not json", status=200)
    assert yente_adapter().lookup("556712-0984").status == ERROR
    responses.reset()
    responses.add(responses.POST, YENTE + "/match/default", json={"responses": {
        "q0": {"status": 500, "results": [], "total": {"value": 0}}}, "limit": 5})
    assert yente_adapter().lookup("556712-0984").status == ERROR
    responses.reset()
    for _ in range(3):
        responses.add(responses.POST, YENTE + "/match/default", status=503)
    assert yente_adapter().lookup("556712-0984").status == UNAVAILABLE
    responses.reset()
    responses.add(responses.POST, YENTE + "/match/default", status=403, json={"detail": "no"})
    with pytest.raises(CredentialsRejected):
        yente_adapter().lookup("556712-0984")


@responses.activate
def test_local_hit_with_yente_down_is_partial_not_clean():
    for _ in range(3):
        responses.add(responses.POST, YENTE + "/match/default", status=500)
    local = [(7, "556712-0984", "Fasadgruppen Söder AB", {"category": "Hävt avtal"}, None)]
    result = yente_adapter(local=local).lookup("556712-0984", name="Bygg & Fasad Söder AB")
    assert result.status == PARTIAL and result.missing == ("sanktionslistor (yente)",)
    assert result.records[0].source == "local-list" and result.records[0].match


def test_unavailable_error_is_raised_for_bad_urls():
    with pytest.raises(Unavailable):
        client().request("GET", "not a url")
