"""Sanctions and debarment: OpenSanctions' matching API yente, plus the municipality's own list.

yente: ``POST {base}/match/{dataset}?threshold=..`` with up to 100 queries per call
(``{"queries": {"q0": {"schema": "Company", "properties": {...}}}}``); each answer lists
scored candidates with their datasets (``eu_edes``, ``worldbank_debarred``, ...) and the
features that explain the score. A hit at or above the threshold makes the result ``found``.

The local list (imported CSV, ``registry_record`` rows of ``sanctions-list``) is always
consulted as well: an exact organisation number is a hit; a name is compared with
``oversight.names.compare_names`` ("match" is a hit, "close" a candidate to review). If yente
cannot be asked, a local hit still shows but the result is ``partial``: never a clean answer.

Representatives (persons) are screened the same way with ``{"schema": "Person", "properties":
{"name": [..], "birthDate": [..]}}`` queries, also up to 100 per call
(:meth:`SanctionsAdapter.lookup_people`); the local list is compared by name only.
"""
from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight import identifiers
from oversight.names import compare_names
from registries.base import (
    ERROR,
    FOUND,
    NOT_FOUND,
    PARTIAL,
    UNAVAILABLE,
    CredentialsRejected,
    RegistryResult,
    Unavailable,
    failed,
    parse_date,
)
from registries.http import HttpClient
from registries.models import RegistryRecord
from registries.normalized import Explanation, SanctionsHit

log = logging.getLogger(__name__)
NAME = "sanctions"
LIST_REGISTRY = "sanctions-list"
MAX_BATCH = 100


def query_entity(orgnr: str, name: str | None) -> dict:
    digits = orgnr.replace("-", "")
    properties = {"jurisdiction": ["se"], "registrationNumber": [digits, orgnr]}
    if name:
        properties["name"] = [name]
    return {"schema": "Company", "properties": properties}


def person_entity(name: str, birth_date=None) -> dict:
    properties = {"name": [name]}
    if birth_date:
        properties["birthDate"] = [birth_date.isoformat()]
    return {"schema": "Person", "properties": properties}


def _hit(result: dict, threshold: float) -> SanctionsHit:
    props = result.get("properties") or {}
    explanations = result.get("explanations") or {}
    if explanations:
        expl = tuple(Explanation(k, float(v.get("score") or 0), v.get("detail"))
                     for k, v in explanations.items() if isinstance(v, dict))
    else:  # older yente: bare feature scores
        expl = tuple(Explanation(k, float(v)) for k, v in (result.get("features") or {}).items())
    score = float(result.get("score") or 0)
    return SanctionsHit(
        entity_id=str(result.get("id")), caption=str(result.get("caption") or result.get("id")),
        score=score, match=bool(result.get("match", score >= threshold)), source="yente",
        schema=result.get("schema"), datasets=tuple(result.get("datasets") or ()),
        topics=tuple(props.get("topics") or ()),
        registration_numbers=tuple(props.get("registrationNumber") or ()),
        countries=tuple(props.get("country") or props.get("jurisdiction") or ()),
        explanations=expl)


def result_from_matches(orgnr: str, matches, threshold: float, *, source: str, **evidence) -> RegistryResult:
    """One query's part of a yente answer (``responses[qid]``) as a result."""
    if not isinstance(matches, dict) or not isinstance(matches.get("results"), list):
        return failed(NAME, orgnr, ERROR, source, _("Svaret från sanktionstjänsten saknar träfflistan."), **evidence)
    if int(matches.get("status") or 200) != 200:
        return failed(NAME, orgnr, ERROR, source,
                      _("Sanktionstjänsten kunde inte besvara frågan (status %(status)s).",
                        status=matches.get("status")), **evidence)
    try:
        hits = tuple(sorted((_hit(r, threshold) for r in matches["results"]), key=lambda h: -h.score))
    except (TypeError, ValueError, AttributeError):
        return failed(NAME, orgnr, ERROR, source, _("En träff i svaret från sanktionstjänsten kunde inte tolkas."),
                      **evidence)
    status = FOUND if any(h.match for h in hits) else NOT_FOUND
    return RegistryResult(registry=NAME, identifier=orgnr, status=status, source=source, records=hits, **evidence)


class YenteClient:
    """The HTTP side: batches of up to 100 queries per call."""

    thread_safe = True
    source = "yente"

    def __init__(self, client: HttpClient, *, base_url: str, dataset: str, threshold: float,
                 api_key: str | None = None, batch_size: int = MAX_BATCH):
        self.client, self.base_url, self.dataset = client, base_url.rstrip("/"), dataset
        self.threshold, self._api_key = float(threshold), api_key
        self.batch_size = max(1, min(int(batch_size), MAX_BATCH))
        client.secrets = lambda: (self._api_key,)

    def match(self, queries: list[tuple[str, dict]]) -> list[RegistryResult]:
        """``queries``: (identifier to store the result under, yente entity example)."""
        out = []
        for start in range(0, len(queries), self.batch_size):
            out.extend(self._match_batch(queries[start:start + self.batch_size]))
        return out

    def _match_batch(self, queries) -> list[RegistryResult]:
        body = {"queries": {f"q{i}": entity for i, (_, entity) in enumerate(queries)}}
        url = f"{self.base_url}/match/{self.dataset}?" + urlencode({"threshold": self.threshold})
        headers = {"Authorization": f"ApiKey {self._api_key}"} if self._api_key else {}

        def query_of(i):
            return {"dataset": self.dataset, "threshold": self.threshold, "query_id": f"q{i}",
                    **body["queries"][f"q{i}"]}

        try:
            answer = self.client.request("POST", url, json=body, headers=headers)
        except Unavailable as exc:
            return [failed(NAME, o, UNAVAILABLE, self.source, self.client.redact(str(exc)), query=query_of(i))
                    for i, (o, _) in enumerate(queries)]
        if answer.status in (401, 403):
            raise CredentialsRejected(_("Sanktionstjänsten avvisade API-nyckeln (HTTP %(status)s).",
                                        status=answer.status))
        evidence = dict(raw=answer.body, raw_content_type=answer.content_type or "application/json",
                        request_id=answer.request_id, http_status=answer.status, duration_ms=answer.duration_ms)
        data = None
        if answer.status == 200:
            try:
                data = answer.json()
            except ValueError:
                data = None
        if not isinstance(data, dict) or not isinstance(data.get("responses"), dict):
            status = ERROR if answer.status < 500 else UNAVAILABLE
            message = ("Svaret från sanktionstjänsten kunde inte tolkas." if answer.status == 200
                       else f"Sanktionstjänsten svarade HTTP {answer.status}.")
            return [failed(NAME, o, status, self.source, message, query=query_of(i), **evidence)
                    for i, (o, _) in enumerate(queries)]
        # Each result keeps only its own query's answer as raw evidence: the shared reply names
        # up to 99 other companies or persons (representatives' names and birth dates).
        return [result_from_matches(o, data["responses"].get(f"q{i}"), self.threshold, source=self.source,
                                    query=query_of(i), **{**evidence, "raw": _own_answer(data, f"q{i}")})
                for i, (o, _) in enumerate(queries)]

    def ping(self) -> bool:
        try:
            return self.client.request("GET", self.base_url + "/healthz").status == 200
        except Unavailable:
            return False


def _own_answer(data: dict, query_id: str) -> bytes:
    return json.dumps({"query_id": query_id, "response": data["responses"].get(query_id)},
                      ensure_ascii=False, indent=1).encode()


class SanctionsFixtures:
    """Offline stand-in for yente: the bundled per-organisation answers."""

    thread_safe = True
    source = "fixture"

    def __init__(self, fixtures: dict[str, dict], threshold: float):
        self.fixtures, self.threshold = fixtures, float(threshold)

    def match(self, queries) -> list[RegistryResult]:
        out, unanswered = [], {"company": 0, "person": 0}
        for orgnr, entity in queries:
            query = {"dataset": "fixture", **entity}
            company = entity["schema"] == "Company"
            matches = self.fixtures.get(orgnr.replace("-", "")) if company else None
            if matches is None:
                unanswered["company" if company else "person"] += 1
                out.append(failed(NAME, orgnr, UNAVAILABLE, "offline", query=query, message=(
                    _("Sanktionslistorna kunde inte sökas för organisationen: plattformen är "
                      "inte ansluten till en söktjänst för listorna. Kontakta "
                      "systemförvaltningen.") if company else
                    _("Sanktionslistorna kunde inte sökas för personen: plattformen är inte "
                      "ansluten till en söktjänst för listorna. Kontakta "
                      "systemförvaltningen."))))
                continue
            raw = json.dumps(matches, ensure_ascii=False, indent=1).encode()
            out.append(result_from_matches(orgnr, matches, self.threshold, source=self.source,
                                           raw=raw, query=query))
        if any(unanswered.values()):
            # The configuration hint is for the administrator (the log, once per batch), not
            # for an officer's evidence.
            log.warning("sanctions offline: no fixture for %(company)d companies and %(person)d "
                        "persons; use the HTTP mode with a yente service", unanswered)
        return out


class LocalList:
    """The municipality's own warning list, loaded once per adapter."""

    def __init__(self, session: Session):
        self.entries = session.execute(select(
            RegistryRecord.id, RegistryRecord.identifier, RegistryRecord.name, RegistryRecord.data,
            RegistryRecord.document_date).where(RegistryRecord.registry == LIST_REGISTRY)).all()

    def match(self, orgnr: str, name: str | None) -> tuple[SanctionsHit, ...]:
        hits = []
        for entry_id, ident, entry_name, data, listed_on in self.entries:
            if ident and ident == orgnr:
                score, match, detail = 1.0, True, "Samma organisationsnummer"
            elif name and entry_name:
                comparison = compare_names(name, entry_name)
                if comparison.verdict == "no_match":
                    continue
                score, match, detail = comparison.score / 100, comparison.verdict == "match", comparison.explanation
            else:
                continue
            hits.append(SanctionsHit(
                entity_id=f"lokal-{entry_id}", caption=entry_name or ident, score=round(score, 3), match=match,
                source="local-list", registration_numbers=(ident,) if ident else (),
                category=(data or {}).get("category"), listed_on=parse_date(listed_on),
                list_source=(data or {}).get("list_source"),
                explanations=(Explanation("lokal lista", round(score, 3), detail),)))
        return tuple(hits)


class SanctionsAdapter:
    """yente (or its offline fixtures) merged with the local list."""

    name = NAME
    thread_safe = True  # the local list is read when the adapter is built

    def __init__(self, primary, local: LocalList):
        self.primary, self.local = primary, local

    def lookup(self, identifier: str, *, name: str | None = None) -> RegistryResult:
        return self.lookup_many([(identifier, name)])[0]

    def lookup_many(self, queries: list[tuple[str, str | None]]) -> list[RegistryResult]:
        checked, results = [], {}
        for index, (identifier, name) in enumerate(queries):
            check = identifiers.validate("orgnr", identifier)
            if check.valid:
                checked.append((index, check.normalized, name))
            else:
                results[index] = failed(NAME, str(identifier), ERROR, "yente",
                                        _("Ogiltigt organisationsnummer: %(error)s", error=check.error))
        primary = self.primary.match([(orgnr, query_entity(orgnr, name)) for _, orgnr, name in checked]) \
            if checked else []
        for (index, orgnr, name), result in zip(checked, primary):
            results[index] = self._merge(result, self.local.match(orgnr, name))
        return [results[i] for i in range(len(queries))]

    def lookup_people(self, people: list[tuple[str, str, object]]) -> list[RegistryResult]:
        """Many representatives, ``(identifier, name, birth date or None)`` each, in order:
        yente answers up to its batch size (100) of them per call. A failed call makes every
        person of that call ``unavailable``/``error``; a failed part of an answer (its own
        ``status`` other than 200) only that person's result ``error``."""
        if not people:
            return []
        primary = self.primary.match([(ident, person_entity(name, born)) for ident, name, born in people])
        if len(primary) != len(people):  # never pair a person with someone else's answer
            raise RuntimeError(_("yente gav %(answers)s svar på %(questions)s frågor",
                                 answers=len(primary), questions=len(people)))
        return [self._merge(result, self.local.match("", name))
                for result, (_, name, _) in zip(primary, people)]

    @staticmethod
    def _merge(result: RegistryResult, local: tuple[SanctionsHit, ...]) -> RegistryResult:
        if not local:
            return result
        records = tuple(sorted(result.records + local, key=lambda h: -h.score))
        source = result.source + "+lokal-lista"
        if result.conclusive:
            status = FOUND if any(h.match for h in records) else NOT_FOUND
            return result.replace(records=records, status=status, source=source)
        return result.replace(records=records, status=PARTIAL, source=source, missing=("sanktionslistor (yente)",),
                              message=(result.message or "") + " Den lokala listan har träffar, se nedan.")
