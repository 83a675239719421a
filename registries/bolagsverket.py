"""Bolagsverket "Värdefulla datamängder" v1 over HTTP.

OAuth2 client credentials (token cached in the adapter until shortly before it expires, never
stored or logged), ``POST /organisationer`` with ``{"identitetsbeteckning": "5560160680"}``.
Unknown organisations come back as HTTP 200 with ``fel.typ = ORGANISATION_FINNS_EJ``; every part
of the answer is a wrapper with its own ``fel``, so a 200 can be partly failed: that is
``partial`` and the missing parts are named. Errors are RFC 7807 problem documents.
"""
from __future__ import annotations

import threading
import time

from flask_babel import gettext as _

from oversight import identifiers
from registries.base import (
    ERROR,
    FOUND,
    NOT_FOUND,
    PARTIAL,
    UNAVAILABLE,
    CredentialsRejected,
    RegistryResult,
    RunAbort,
    Unavailable,
    failed,
    parse_date,
)
from registries.bolagsverket_codes import (
    AVREGISTRERINGSORSAK,
    FORFARANDE,
    LAND,
    NAMNTYP,
    ORGANISATIONSFORM,
    PARTS,
    care_of,
    code,
)
from registries.http import HttpAnswer, HttpClient
from registries.normalized import Address, Code, CompanyRecord, NameEntry, Proceeding

NAME = "bolagsverket"
SOURCE = "bolagsverket-api"
REJECTION_MEMORY = 300.0  # seconds a rejected client is not tried again
NOT_FOUND_ERROR = "ORGANISATION_FINNS_EJ"
INVALID_REQUEST = "OGILTIG_BEGARAN"
# The schema's spelling first; Bolagsverket's own example spells it without the second "e".
PROCEEDINGS_KEYS = ("pagaendeAvvecklingsEllerOmstruktureringsforfarande",
                    "pagandeAvvecklingsEllerOmstruktureringsforfarande")


class AnswerShapeError(ValueError):
    pass


# --- parsing the answer ------------------------------------------------------------------------

def parse_organisationer(data, identifier: str) -> tuple[str, tuple[CompanyRecord, ...], tuple[str, ...], str | None]:
    """``{"organisationer": [...]}`` -> (status, records, missing parts, message)."""
    if not isinstance(data, dict) or not isinstance(data.get("organisationer"), list):
        raise AnswerShapeError(_("Svaret saknar listan 'organisationer'."))
    records, missing, failures, not_found = [], [], [], 0
    for org in data["organisationer"]:
        if not isinstance(org, dict):
            raise AnswerShapeError(_("En organisation i svaret är inte ett objekt."))
        fel = _fel(org)
        if fel and fel[0] == NOT_FOUND_ERROR:
            not_found += 1
            continue
        if fel:
            failures.append(fel)
            continue
        record, gaps, absent_everywhere = _parse_one(org, identifier)
        if absent_everywhere:
            not_found += 1
            continue
        records.append(record)
        missing.extend(g for g in gaps if g not in missing)
    if failures and not records:
        status = ERROR if all(f[0] == INVALID_REQUEST for f in failures) else UNAVAILABLE
        return status, (), (), "Bolagsverket kunde inte svara: " + "; ".join(f[1] for f in failures)
    if failures:
        missing.append("en eller flera av organisationens registreringar")
    if not records:
        return NOT_FOUND, (), (), "Organisationen finns inte registrerad hos Bolagsverket eller SCB."
    if missing:
        return PARTIAL, tuple(records), tuple(missing), "Delar av svaret saknas: " + ", ".join(missing) + "."
    return FOUND, tuple(records), (), None


def _fel(block) -> tuple[str, str] | None:
    fel = block.get("fel") if isinstance(block, dict) else None
    if not fel:
        return None
    typ = str(fel.get("typ") or "OKAND") if isinstance(fel, dict) else "OKAND"
    text = fel.get("felBeskrivning") if isinstance(fel, dict) else None
    return typ, (text or typ).strip()


def _parse_one(org: dict, identifier: str) -> tuple[CompanyRecord, list[str], bool]:
    gaps: list[str] = []
    blocks: dict[str, dict] = {}
    seen = absent = 0
    for key in list(PARTS) + list(PROCEEDINGS_KEYS[1:]):
        block = org.get(key)
        if not isinstance(block, dict):
            continue
        canonical = PROCEEDINGS_KEYS[0] if key in PROCEEDINGS_KEYS else key
        seen += 1
        fel = _fel(block)
        if fel and fel[0] == NOT_FOUND_ERROR:  # this producer (Bolagsverket or SCB) has no data
            absent += 1
        elif fel:
            gaps.append(PARTS[canonical])
        else:
            blocks[canonical] = block
    values = {}
    for key, parse in _BLOCK_PARSERS.items():
        if key in blocks:
            try:
                values.update(parse(blocks[key]))
            except (ValueError, TypeError, AttributeError):
                gaps.append(PARTS[key] + " (kunde inte tolkas)")
    record = CompanyRecord(orgnr=_orgnr(org, identifier), namnskydd=_int(org.get("namnskyddslopnummer")),
                           name=_current_name(values.get("names", ())), **values)
    return record, gaps, seen > 0 and absent == seen


def _orgnr(org: dict, identifier: str) -> str:
    ident = org.get("organisationsidentitet")
    raw = ident.get("identitetsbeteckning") if isinstance(ident, dict) else None
    result = identifiers.validate("orgnr", raw) if raw else None
    return result.normalized if result and result.valid else identifier


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _kod(block: dict, table: dict[str, str]) -> Code | None:
    return code(table, block.get("kod"), block.get("klartext"))


def _names(block: dict) -> dict:
    names = []
    for item in block.get("organisationsnamnLista") or ():
        typ = item.get("organisationsnamntyp") or {}
        if item.get("namn"):
            names.append(NameEntry(name=item["namn"].strip(), kind=typ.get("kod"),
                                   kind_label=typ.get("klartext") or NAMNTYP.get(typ.get("kod") or ""),
                                   registered=parse_date(item.get("registreringsdatum"))))
    return {"names": tuple(names)}


def _current_name(names: tuple[NameEntry, ...]) -> str | None:
    for entry in names:
        if entry.kind == "FORETAGSNAMN":
            return entry.name
    return names[0].name if names else None


def _proceedings(block: dict) -> dict:
    items = next((v for k, v in block.items() if k.endswith("Lista") and isinstance(v, list)), [])
    return {"proceedings": tuple(
        Proceeding(code=i["kod"], label=i.get("klartext") or FORFARANDE.get(i["kod"]),
                   from_date=parse_date(i.get("fromDatum")))
        for i in items if i and i.get("kod"))}


def _address(block: dict) -> dict:
    a = block.get("postadress") or {}
    if not a:
        return {}
    country = a.get("land")
    return {"address": Address(street=a.get("utdelningsadress"), co=care_of(a.get("coAdress")),
                               postcode=a.get("postnummer"), city=a.get("postort"),
                               country=LAND.get(country, country))}


def _active(block: dict) -> dict:
    kod = (block.get("kod") or "").upper()
    return {"active": True if kod == "JA" else False if kod == "NEJ" else None}


_BLOCK_PARSERS = {
    "organisationsnamn": _names,
    "organisationsform": lambda b: {"legal_form": _kod(b, ORGANISATIONSFORM)},
    "juridiskForm": lambda b: {"juridical_form": _kod(b, {})},
    "verksamOrganisation": _active,
    "organisationsdatum": lambda b: {"registration_date": parse_date(b.get("registreringsdatum"))},
    "avregistreradOrganisation": lambda b: {"deregistration_date": parse_date(b.get("avregistreringsdatum"))},
    "avregistreringsorsak": lambda b: {"deregistration_reason": _kod(b, AVREGISTRERINGSORSAK)},
    PROCEEDINGS_KEYS[0]: _proceedings,
    "naringsgrenOrganisation": lambda b: {"sni": tuple(
        Code(s["kod"], s.get("klartext")) for s in (b.get("sni") or ()) if s and s.get("kod"))},
    "postadressOrganisation": _address,
    "verksamhetsbeskrivning": lambda b: {"description": (b.get("beskrivning") or "").strip() or None},
}


def problem_message(answer: HttpAnswer) -> str:
    """The useful sentence of an RFC 7807 problem document (or the bare HTTP status)."""
    try:
        problem = answer.json()
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        return f"HTTP {answer.status}"
    text = problem.get("detail") or problem.get("title") or f"HTTP {answer.status}"
    return f"{text} (HTTP {answer.status})"


def result_from_answer(identifier: str, data, *, source: str, **evidence) -> RegistryResult:
    """Interpret a parsed 200 answer: shared by the API adapter and the offline fixtures."""
    try:
        status, records, missing, message = parse_organisationer(data, identifier)
    except AnswerShapeError as exc:
        return failed(NAME, identifier, ERROR, source,
                      _("Svaret från Bolagsverket kunde inte tolkas: %(error)s", error=exc),
                      **evidence)
    return RegistryResult(registry=NAME, identifier=identifier, status=status, source=source,
                          records=records, missing=missing, message=message, **evidence)


# --- the HTTP adapter ----------------------------------------------------------------------------

class BolagsverketApi:
    name = NAME
    thread_safe = True
    source = SOURCE

    def __init__(self, client: HttpClient, *, base_url: str, token_url: str, client_id: str | None,
                 client_secret: str | None, scope: str, clock=time.monotonic):
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url
        self.client_id, self._client_secret, self.scope = client_id, client_secret, scope
        self._token: str | None = None
        self._expires_at = 0.0
        self._rejected: tuple[float, str] | None = None  # remembered so no worker hammers the token endpoint
        self._lock = threading.Lock()
        self._clock = clock
        client.secrets = self._secrets

    def _secrets(self):
        return (self._client_secret, self._token)

    # token handling: one refresh on 401, then the run aborts
    def _access_token(self, stale: str | None = None) -> str:
        with self._lock:
            if self._token and self._token != stale and self._clock() < self._expires_at:
                return self._token
            self._token = None
            if self._rejected and self._clock() < self._rejected[0]:
                raise CredentialsRejected(self._rejected[1])
            if not self.client_id or not self._client_secret:
                raise RunAbort(_("Bolagsverket: klientuppgifter saknas (BOLAGSVERKET_CLIENT_ID och "
                               "BOLAGSVERKET_CLIENT_SECRET)."))
            answer = self.client.request("POST", self.token_url, data={
                "grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self._client_secret, "scope": self.scope})
            if answer.status in (400, 401, 403):
                message = f"Bolagsverket avvisade klientuppgifterna (HTTP {answer.status})."
                self._rejected = (self._clock() + REJECTION_MEMORY, message)
                raise CredentialsRejected(message)
            try:
                data = answer.json() if answer.status == 200 else None
                token, lifetime = data["access_token"], float(data.get("expires_in") or 300)
            except (ValueError, KeyError, TypeError):
                raise Unavailable(_("Bolagsverket: oväntat svar från tokentjänsten (HTTP %(status)s).",
                                    status=answer.status)) from None
            self._token = token
            self._expires_at = self._clock() + max(lifetime - 60, lifetime / 2)
            return token

    def _post(self, body: dict) -> HttpAnswer:
        url = self.base_url + "/organisationer"
        token = self._access_token()
        answer = self.client.request("POST", url, json=body, headers={"Authorization": f"Bearer {token}"})
        if answer.status == 401:
            token = self._access_token(stale=token)
            answer = self.client.request("POST", url, json=body, headers={"Authorization": f"Bearer {token}"})
            if answer.status == 401:
                raise CredentialsRejected(_("Bolagsverket avvisade åtkomsttoken även efter förnyelse (HTTP 401)."))
        if answer.status == 403:
            raise CredentialsRejected(_("Bolagsverket: klienten saknar behörighet (HTTP 403), kontrollera scope."))
        if answer.status == 404:
            raise RunAbort(_("Bolagsverket svarade 404 för /organisationer: kontrollera BOLAGSVERKET_BASE_URL."))
        return answer

    def lookup(self, identifier: str, *, name: str | None = None) -> RegistryResult:
        check = identifiers.validate("orgnr", identifier)
        if not check.valid:
            return failed(NAME, str(identifier), ERROR, SOURCE,
                          _("Ogiltigt organisationsnummer: %(error)s", error=check.error))
        normalized = check.normalized
        query = {"identitetsbeteckning": normalized.replace("-", "")}
        try:
            answer = self._post(query)
        except Unavailable as exc:
            return failed(NAME, normalized, UNAVAILABLE, SOURCE, self.client.redact(str(exc)), query=query)
        evidence = dict(raw=answer.body, raw_content_type=answer.content_type or "application/json",
                        request_id=answer.request_id, http_status=answer.status,
                        duration_ms=answer.duration_ms, query=query)
        if answer.status == 200:
            try:
                data = answer.json()
            except ValueError:
                return failed(NAME, normalized, ERROR, SOURCE,
                              _("Svaret från Bolagsverket var inte giltig JSON."), **evidence)
            return result_from_answer(normalized, data, source=SOURCE, **evidence)
        status = ERROR if 400 <= answer.status < 500 else UNAVAILABLE
        return failed(NAME, normalized, status, SOURCE,
                      self.client.redact("Bolagsverket: " + problem_message(answer)), **evidence)

    def ping(self) -> bool:
        try:
            token = self._access_token()
            answer = self.client.request("GET", self.base_url + "/isalive",
                                         headers={"Authorization": f"Bearer {token}"})
        except (Unavailable, RunAbort):
            return False
        return answer.status == 200
