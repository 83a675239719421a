"""Normalized registry answers: frozen dataclasses, one family per registry.

They are stored as JSON in ``registry_lookup.normalized`` (``base.to_jsonable``) and rebuilt
with :func:`records_of`. Field names are English; values keep the registry's own codes next to
their Swedish text, so an officer can compare them with the source.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from oversight.labels import Labels
from registries.base import from_jsonable


@dataclass(frozen=True)
class Code:
    code: str
    label: str | None = None

    def __str__(self) -> str:
        return self.label or self.code


# --- Bolagsverket ------------------------------------------------------------------------

@dataclass(frozen=True)
class NameEntry:
    name: str
    kind: str | None = None  # FORETAGSNAMN, SARSKILT_FORETAGSNAMN, FORNAMN_FRSPRAK, NAMN
    kind_label: str | None = None
    registered: date | None = None
    current: bool = True  # Värdefulla datamängder v1 publishes no name history


@dataclass(frozen=True)
class Proceeding:
    """Pågående avvecklings- eller omstruktureringsförfarande (KK konkurs, LI likvidation,
    FR företagsrekonstruktion, AC ackord, ...)."""

    code: str
    label: str | None = None
    from_date: date | None = None


@dataclass(frozen=True)
class Address:
    street: str | None = None
    co: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None

    def __str__(self) -> str:
        parts = [self.co and f"c/o {self.co}", self.street,
                 " ".join(p for p in (self.postcode, self.city) if p)]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class CompanyRecord:
    orgnr: str  # normalized NNNNNN-NNNN (or the owner's personnummer for a sole trader)
    name: str | None
    names: tuple[NameEntry, ...] = ()
    namnskydd: int | None = None  # namnskyddslöpnummer: a sole trader may have several
    legal_form: Code | None = None  # organisationsform (AB, E, HB, ...)
    juridical_form: Code | None = None  # juridisk form (SCB: 49, 31, ...)
    active: bool | None = None  # verksam organisation; None when not stated
    registration_date: date | None = None
    deregistration_date: date | None = None
    deregistration_reason: Code | None = None  # KKAV, LIAV, FUAV, ...
    proceedings: tuple[Proceeding, ...] = ()
    sni: tuple[Code, ...] = ()
    address: Address | None = None
    description: str | None = None

    @property
    def deregistered(self) -> bool:
        return self.deregistration_date is not None


# --- Sanctions and debarment ----------------------------------------------------------------

@dataclass(frozen=True)
class Explanation:
    feature: str
    score: float
    detail: str | None = None


@dataclass(frozen=True)
class SanctionsHit:
    entity_id: str
    caption: str
    score: float
    match: bool  # score at or above the configured threshold
    source: str  # yente | local-list
    schema: str | None = None
    datasets: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    registration_numbers: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    category: str | None = None  # local list: the municipality's own category
    listed_on: date | None = None
    list_source: str | None = None  # local list: where the entry came from
    explanations: tuple[Explanation, ...] = ()


# --- File-and-manual registries ---------------------------------------------------------------

@dataclass(frozen=True)
class TaxRegistration:
    """Skatteverket: F-skatt, VAT and employer registration on the date of the document."""

    orgnr: str
    f_tax: bool | None
    vat: bool | None
    employer: bool | None
    document_date: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class DebtRecord:
    """Kronofogden: debts under collection ("utdrag i upphandlingssyfte")."""

    orgnr: str
    amount: Decimal  # 0 when the extract shows no debts
    case_types: tuple[str, ...] = ()  # e.g. allmänna mål, enskilda mål, skuldsanering
    document_date: date | None = None
    extract_kind: str | None = "utdrag i upphandlingssyfte"
    note: str | None = None

    @property
    def has_debt(self) -> bool:
        return self.amount > 0


IVO_STATUSES = Labels({
    "gällande": "Gällande",
    "återkallat": "Återkallat",
    "tillfälligt förbud": "Tillfälligt förbud",
    "upphört": "Upphört",
    "saknas": "Tillstånd saknas enligt IVO",
})


@dataclass(frozen=True)
class PermitRecord:
    """IVO: one permit, revocation or notice for one activity."""

    orgnr: str
    holder_name: str | None
    activity: str  # e.g. "LSS 9 § 2 personlig assistans"
    status: str  # key of IVO_STATUSES
    decision_date: date | None = None
    diarienummer: str | None = None
    note: str | None = None

    @property
    def status_label(self) -> str:
        return IVO_STATUSES.get(self.status, self.status)


RECORD_TYPES = {
    "bolagsverket": CompanyRecord,
    "sanctions": SanctionsHit,
    "skatteverket": TaxRegistration,
    "kronofogden": DebtRecord,
    "ivo": PermitRecord,
}


def register_record_type(registry: str, cls, label: str | None = None) -> None:
    """Let another module store its own answers (e.g. bank-account holders) as registry
    results: ``records_of`` rebuilds them and pages show ``label``."""
    from registries.base import REGISTRY_LABELS

    RECORD_TYPES[registry] = cls
    if label:
        REGISTRY_LABELS[registry] = label


def records_of(registry: str, normalized: dict | None) -> tuple:
    """The typed records of a stored result (empty for an unknown registry)."""
    cls = RECORD_TYPES.get(registry)
    if cls is None or not normalized:
        return ()
    return tuple(from_jsonable(cls, r) for r in normalized.get("records", ()))
