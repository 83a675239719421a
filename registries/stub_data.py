"""Data the stub server answers with: the bundled fixtures for the demo organisations and a
deterministic synthetic answer for any other valid organisation number (so tests and
benchmarks can use thousands of numbers). ``truth(digits)`` tells a benchmark what a correct,
fault-free answer says."""
from __future__ import annotations

import copy
import hashlib

from registries.offline import load_fixture

UNAVAILABLE_FEL = {"typ": "OTILLGANGLIG_UPPGIFTSKALLA",
                   "felBeskrivning": "Uppkoppling mot Bolagsverket misslyckades. Efterfrågade uppgifter kunde inte hämtas."}
NOT_FOUND_FEL = {"typ": "ORGANISATION_FINNS_EJ",
                 "felBeskrivning": "Begärd organisation finns inte registrerad i sökbar form hos aktuell dataproducent."}
PROCEEDINGS = ("pagaendeAvvecklingsEllerOmstruktureringsforfarande",
               "pagandeAvvecklingsEllerOmstruktureringsforfarande")


def _h(digits: str, salt: str) -> int:
    return int(hashlib.sha256(f"{salt}:{digits}".encode()).hexdigest()[:8], 16) % 100


def truth(digits: str) -> dict:
    """What the synthetic registry holds: kind in active|bankrupt|liquidation|deregistered|absent,
    and whether the organisation is on a debarment list."""
    if digits in load_fixture("bolagsverket"):
        org = load_fixture("bolagsverket")[digits]["organisationer"][0]
        procs = next((org[k] for k in PROCEEDINGS if k in org), {})
        codes = [p["kod"] for p in next((v for k, v in procs.items() if k.endswith("Lista")), [])]
        kind = "bankrupt" if "KK" in codes else "reconstruction" if "FR" in codes else "active"
        hits = load_fixture("sanctions").get(digits, {}).get("results", [])
        return {"kind": kind, "debarred": any(r.get("match") for r in hits)}
    h = _h(digits, "bv")
    kind = ("absent" if h < 3 else "bankrupt" if h < 8 else "liquidation" if h < 10
            else "deregistered" if h < 12 else "active")
    return {"kind": kind, "debarred": _h(digits, "sanktion") < 3}


def _block(producer: str, **values) -> dict:
    return {**values, "dataproducent": producer, "fel": None}


def organisation(digits: str) -> dict:
    """The ``/organisationer`` answer body for one identity (a fresh copy)."""
    fixtures = load_fixture("bolagsverket")
    if digits in fixtures:
        return copy.deepcopy(fixtures[digits])
    kind = truth(digits)["kind"]
    ident = {"identitetsbeteckning": digits, "typ": {"kod": "ORGANISATIONSNUMMER", "klartext": "Organisationsnummer"}}
    if kind == "absent":
        return {"organisationer": [{"organisationsidentitet": ident, "fel": dict(NOT_FOUND_FEL)}]}
    year = 1990 + _h(digits, "år") % 35
    procs = {"bankrupt": [{"kod": "KK", "klartext": "Konkurs", "fromDatum": f"{min(year + 3, 2025)}-03-01"}],
             "liquidation": [{"kod": "LI", "klartext": "Likvidation",
                              "fromDatum": f"{min(year + 3, 2025)}-05-01T00:00:00.000+02:00"}]}.get(kind, [])
    dereg = f"{min(year + 5, 2025)}-12-31" if kind == "deregistered" else None
    return {"organisationer": [{
        "organisationsidentitet": ident, "namnskyddslopnummer": None,
        "organisationsnamn": _block("Bolagsverket", organisationsnamnLista=[{
            "namn": f"Syntetiska Bolaget {digits[-4:]} AB",
            "organisationsnamntyp": {"kod": "FORETAGSNAMN", "klartext": "Företagsnamn"},
            "registreringsdatum": f"{year}-01-15", "verksamhetsbeskrivningSarskiltForetagsnamn": None}]),
        "registreringsland": {"kod": "SE-LAND", "klartext": "Sverige"},
        "organisationsform": _block("Bolagsverket", kod="AB", klartext="Aktiebolag"),
        "avregistreradOrganisation": _block("Bolagsverket", avregistreringsdatum=dereg),
        "avregistreringsorsak": _block("Bolagsverket", kod="VERKUPP" if dereg else None,
                                       klartext="Verksamheten har upphört" if dereg else None),
        PROCEEDINGS[0]: _block("Bolagsverket", **{PROCEEDINGS[0] + "Lista": procs}),
        "juridiskForm": _block("SCB", kod="49", klartext="Övriga aktiebolag"),
        "verksamOrganisation": _block("SCB", kod="NEJ" if dereg else "JA"),
        "organisationsdatum": _block("Bolagsverket", registreringsdatum=f"{year}-01-15"),
        "verksamhetsbeskrivning": _block("Bolagsverket", beskrivning="Konsultverksamhet."),
        "naringsgrenOrganisation": _block("SCB", sni=[{"kod": "70220", "klartext": "Konsulttjänster till företag"}]),
        "postadressOrganisation": _block("SCB", postadress={
            "utdelningsadress": f"Exempelgatan {int(digits[-3:]) % 90 + 1}", "coAdress": None,
            "postnummer": "11122", "postort": "STOCKHOLM", "land": "Sverige"}),
    }]}


def partly_failed(body: dict) -> dict:
    """The same answer with two parts failed at the source (HTTP 200 all the same)."""
    for org in body.get("organisationer", []):
        for key in (*PROCEEDINGS, "naringsgrenOrganisation"):
            if key in org:
                org[key] = {"dataproducent": "Bolagsverket" if key in PROCEEDINGS else "SCB",
                            "fel": dict(UNAVAILABLE_FEL)}
    return body


def matches(digits: str, name: str | None, query: dict) -> dict:
    """yente's per-query answer for one organisation."""
    fixtures = load_fixture("sanctions")
    if digits in fixtures:
        answer = copy.deepcopy(fixtures[digits])
        answer["query"] = query
        return answer
    results = []
    if truth(digits)["debarred"]:
        results.append({
            "id": f"eu-edes-synth-{digits}", "caption": (name or f"Syntetiska Bolaget {digits[-4:]} AB").upper(),
            "schema": "Company", "properties": {"name": [name or digits], "registrationNumber": [digits],
                                                "country": ["se"], "topics": ["debarment"]},
            "datasets": ["eu_edes"], "referents": [], "target": True, "score": 0.95,
            "features": {"identifier_match": 1.0},
            "explanations": {"identifier_match": {"detail": f"Matched identifier {digits}", "score": 1.0}},
            "match": True, "token": None})  # nosec B105  # no token in stub answers
    return {"status": 200, "results": results, "total": {"value": len(results), "relation": "eq"}, "query": query}


# --- persons (yente Person queries: representatives of suppliers) -------------------------------

PERSON_KEY_PREFIX = "person:"
# Always listed (tests and demos): name -> the birth date on the list.
LISTED_PERSONS = {"sanktionerad testperson": "1970-01-01", "uteslutna exempelsson": "1965-06-30"}


def person_key(name: str | None) -> str:
    """A person's identity in the stub (faults, truth): the name, whitespace collapsed, casefolded."""
    return PERSON_KEY_PREFIX + " ".join((name or "").split()).casefold()


def person_truth(name: str | None, birth_date=None) -> dict:
    """What the synthetic lists hold about a person: ``listed`` (a listed person has this
    name; about 2 % of names, and every name in LISTED_PERSONS), ``birth_date`` on the list,
    and ``match``: what a correct answer says (listed, and the birth date asked for, if any,
    is the listed one)."""
    key = person_key(name)
    plain = key[len(PERSON_KEY_PREFIX):]
    if plain in LISTED_PERSONS:
        listed, born = True, LISTED_PERSONS[plain]
    else:
        listed = bool(plain) and _h(key, "person-sanktion") < 2
        born = f"{1950 + _h(key, 'person-år') % 50}-{1 + _h(key, 'person-mån') % 12:02d}-" \
               f"{1 + _h(key, 'person-dag') % 28:02d}" if listed else None
    asked = str(birth_date)[:10] if birth_date else None
    return {"listed": listed, "birth_date": born, "match": listed and (asked is None or asked == born)}


def person_matches(name: str | None, birth_date, query: dict) -> dict:
    """yente's per-query answer for one Person query (name, birth date or None)."""
    truth = person_truth(name, birth_date)
    results = []
    if truth["listed"]:
        plain = " ".join((name or "").split())
        score = 0.95 if truth["match"] and birth_date else 0.82 if truth["match"] else 0.55
        results.append({
            "id": "eu-fsf-synth-" + hashlib.sha256(person_key(name).encode()).hexdigest()[:12],
            "caption": plain, "schema": "Person",
            "properties": {"name": [plain], "birthDate": [truth["birth_date"]], "country": ["ru"],
                           "topics": ["sanction"]},
            "datasets": ["eu_fsf"], "referents": [], "target": True, "score": score,
            "features": {"name_literal_match": 1.0},
            "explanations": {"name_literal_match": {"detail": f"Matched name {plain}", "score": 1.0},
                             **({"dob_day_disjoint": {"detail": "Birth dates differ", "score": -1.0}}
                                if not truth["match"] else {})},
            "match": truth["match"], "token": None})  # nosec B105  # no token in stub answers
    return {"status": 200, "results": results, "total": {"value": len(results), "relation": "eq"},
            "query": query}
