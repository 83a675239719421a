"""A stand-in for the registries in tests and demos: answers chosen per organisation and
registry, returned as evidence without any network or registry tables. Install with
``FakeRegistries().install(monkeypatch)`` (pytest) or ``.patch()`` (a context manager)."""
from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from suppliers import evidence as ev
from suppliers import registry_adapter


def _now() -> datetime:
    return datetime.now(UTC)


def clean_answer(registry: str, orgnr: str, name: str | None,
                 permit_activity: str = "LSS 9 § 2 personlig assistans") -> ev.Evidence:
    facts: tuple = ()
    status = ev.FOUND
    if registry == ev.BOLAGSVERKET:
        facts = (ev.CompanyStatus(orgnr, name, True),)
    elif registry == ev.SKATTEVERKET:
        facts = (ev.TaxStatus(True, True, True, date.today()),)
    elif registry == ev.KRONOFOGDEN:
        facts = (ev.DebtStatus(Decimal(0), (), date.today()),)
    elif registry == ev.IVO:
        facts = (ev.Permit(permit_activity, "gällande", date(2019, 1, 1), "IVO 1.1-1/2019"),)
    elif registry == ev.SANCTIONS:
        status = ev.NOT_FOUND
    return ev.Evidence(source=registry, subject="org", subject_label=name or orgnr,
                       status=status, retrieved_at=_now(), facts=facts, origin="fake",
                       ref=f"fake:{registry}:{orgnr}")


class FakeRegistries:
    def __init__(self):
        self.answers: dict[tuple[str, str], dict] = {}
        self.calls: list[tuple[str, str]] = []

    def set(self, orgnr: str, registry: str, **changes) -> None:
        """Override fields of the clean answer (status, facts, message, retrieved_at, ...)."""
        self.answers[(registry, orgnr)] = changes

    def answer(self, req: registry_adapter.LookupRequest) -> ev.Evidence:
        self.calls.append((req.registry, req.identifier))
        base = clean_answer(req.registry, req.identifier, req.name)
        base = replace(base, subject=req.subject, subject_label=req.subject_label)
        changes = self.answers.get((req.registry, req.identifier))
        return replace(base, **changes) if changes else base

    def fetch_registry(self, session, user, registry, batch):
        return {req.key: self.answer(req) for req in batch}

    @staticmethod
    def pooled_registries() -> frozenset[str]:
        return frozenset()  # every answer through fetch_registry, on the session's thread

    def install(self, monkeypatch) -> FakeRegistries:
        monkeypatch.setattr(registry_adapter, "_fetch_registry", self.fetch_registry)
        monkeypatch.setattr(registry_adapter, "pooled_registries", self.pooled_registries)
        return self

    @contextlib.contextmanager
    def patch(self):
        originals = registry_adapter._fetch_registry, registry_adapter.pooled_registries
        registry_adapter._fetch_registry = self.fetch_registry
        registry_adapter.pooled_registries = self.pooled_registries
        try:
            yield self
        finally:
            registry_adapter._fetch_registry, registry_adapter.pooled_registries = originals
