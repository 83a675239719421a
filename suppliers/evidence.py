"""The evidence a supplier check rests on, independent of where it came from.

Every source (Bolagsverket, Skatteverket, Kronofogden, sanctions lists, IVO, the central
warnings, complaints, criminal-record extracts entered by the officer) is turned into an
:class:`Evidence`: who was asked about whom, what status the answer had, when it was
retrieved or dated, and the facts in a small typed form that the rules read. The rules
(``suppliers/rules.py``) never see a registry's own data shapes, so a registry adapter can
change without touching a rule; ``suppliers/registry_adapter.py`` does the translation.

Fail closed: only ``found`` and ``not_found`` are conclusive. A ``partial`` answer is usable
only for parts it does not name as missing. Everything else, and every answer older than its
freshness limit (rule values ``max_age_days.<source>``), makes the rules say "kunde inte
kontrolleras".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from oversight.labels import Labels, translated
from registries.base import CONCLUSIVE, ERROR, FOUND, NOT_FOUND, PARTIAL, UNAVAILABLE
from registries.verdicts import STALE_LABEL, answer_day, freshness, stale_sentence

# The registries' statuses and their one definition of a conclusive answer are used as they
# are; MISSING is ours (a source this platform holds, e.g. no criminal-record extract entered).
MISSING = "missing"
STATUS_LABELS = Labels({
    FOUND: "Svar med uppgifter",
    NOT_FOUND: "Inga uppgifter",
    PARTIAL: "Ofullständigt svar",
    ERROR: "Fel i svaret",
    UNAVAILABLE: "Kunde inte frågas",
    MISSING: "Uppgift saknas",
})

# Sources: the registries plus what lives in this platform.
BOLAGSVERKET, SKATTEVERKET, KRONOFOGDEN, SANCTIONS, IVO = (
    "bolagsverket", "skatteverket", "kronofogden", "sanctions", "ivo")
WARNINGS, COMPLAINTS, CRIMINAL_RECORD, DECISIONS = (
    "warnings", "complaints", "criminal_record", "decisions")
SOURCE_LABELS = Labels({
    BOLAGSVERKET: "Bolagsverket",
    SKATTEVERKET: "Skatteverket",
    KRONOFOGDEN: "Kronofogden",
    SANCTIONS: "Sanktions- och uteslutningslistor",
    IVO: "IVO (tillstånd)",
    WARNINGS: "Centrala varningar",
    COMPLAINTS: "Klagomål i stadens avtal",
    CRIMINAL_RECORD: "Utdrag ur belastningsregistret",
    DECISIONS: "Egna beslut om uteslutning och hävning",
})
# What the officer does when a source could not be used.
SOURCE_ACTIONS = {
    BOLAGSVERKET: "Kör kontrollen igen, eller hämta ett registreringsbevis från Bolagsverket "
                  "och registrera svaret manuellt.",
    SKATTEVERKET: "Begär intyg från Skatteverket (SKV 4820) och importera eller registrera det.",
    KRONOFOGDEN: "Begär utdrag i upphandlingssyfte från Kronofogden och registrera det.",
    SANCTIONS: "Kör kontrollen igen när sanktionstjänsten svarar, eller sök manuellt i EU:s "
               "sanktionslista och EDES och registrera resultatet.",
    IVO: "Begär besked från IVO om tillståndet och registrera det.",
    CRIMINAL_RECORD: "Begär utdrag ur belastningsregistret (företaget och företrädarna) och "
                     "registrera det under leverantörens kontrollunderlag.",
}
# Sources whose freshness is limited by a rule value ``max_age_days.<source>``.
AGE_LIMITED = (BOLAGSVERKET, SKATTEVERKET, KRONOFOGDEN, SANCTIONS, IVO, CRIMINAL_RECORD)

# Parts of a Bolagsverket answer needed to say anything about insolvency. The names are the
# ones the registry adapter reports as missing in a partial answer.
BV_INSOLVENCY_PARTS = frozenset({
    "avregistrering", "avregistreringsorsak",
    "pågående konkurs, likvidation eller rekonstruktion",
    "en eller flera av organisationens registreringar",
})


# --- facts ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Proceeding:
    code: str  # KK konkurs, LI likvidation, FR företagsrekonstruktion, AC ackord, ...
    label: str
    from_date: date | None = None


@dataclass(frozen=True)
class CompanyStatus:
    orgnr: str
    name: str | None
    active: bool | None
    deregistered_on: date | None = None
    deregistration_code: str | None = None
    deregistration_label: str | None = None
    proceedings: tuple[Proceeding, ...] = ()


@dataclass(frozen=True)
class TaxStatus:
    f_tax: bool | None
    vat: bool | None
    employer: bool | None
    document_date: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class DebtStatus:
    amount: Decimal
    case_types: tuple[str, ...] = ()
    document_date: date | None = None
    note: str | None = None

    @property
    def public_debt(self) -> bool:
        """Allmänna mål: taxes and fees collected for the state, i.e. 13:2 debts. If the extract
        does not say which kind, any debt counts (failing closed)."""
        if self.amount <= 0:
            return False
        if not self.case_types:
            return True
        return any("allm" in t.casefold() or "skatt" in t.casefold() for t in self.case_types)


@dataclass(frozen=True)
class SanctionsHit:
    caption: str
    score: float
    match: bool
    datasets: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    entity_id: str | None = None
    registration_numbers: tuple[str, ...] = ()
    listed_on: date | None = None

    @property
    def kind(self) -> str:
        """debarment (exclusion lists) or sanction (sanctions lists)."""
        debar = any(d in DEBARMENT_DATASETS for d in self.datasets) or "debarment" in self.topics
        return "debarment" if debar else "sanction"


DEBARMENT_DATASETS = frozenset({"eu_edes", "worldbank_debarred", "adb_sanctions",
                                "afdb_sanctions", "iadb_sanctions", "ebrd_ineligible",
                                "local_exclusion"})


@dataclass(frozen=True)
class Permit:
    activity: str
    status: str  # gällande | återkallat | tillfälligt förbud | upphört | saknas
    decision_date: date | None = None
    reference: str | None = None


@dataclass(frozen=True)
class WarningFact:
    id: int
    category: str
    category_label: str
    department: str
    issued_on: date
    reason: str
    own_department: bool


@dataclass(frozen=True)
class ComplaintFact:
    id: int
    contract: str
    department: str
    occurred_on: date
    severity: str  # minor | serious
    status: str  # open | confirmed | rejected
    summary: str


@dataclass(frozen=True)
class DecisionFact:
    id: int
    outcome: str  # exclude | terminate_notice | terminate_breach
    decided_on: date
    department: str
    summary: str


# Categories of convictions the officer records from a criminal-record extract.
CONVICTION_CATEGORIES = Labels({
    # LOU 13:1 (mandatory): organised crime, bribery, EU fraud, terrorism, money laundering,
    # human trafficking.
    "organised_crime": "Deltagande i kriminell organisation",
    "bribery": "Bestickning/mutbrott",
    "eu_fraud": "Bedrägeri mot EU:s finansiella intressen",
    "terrorism": "Terroristbrott eller finansiering av terrorism",
    "money_laundering": "Penningtvätt",
    "human_trafficking": "Människohandel",
    # LOU 13:3 / LOV 7:1: crimes relating to professional conduct, trading ban.
    "professional": "Annat brott i yrkesutövningen (t.ex. skattebrott, bokföringsbrott, "
                    "bidragsbrott, arbetsmiljöbrott)",
    "trading_ban": "Näringsförbud",
    "other": "Annat brott (inte uteslutningsgrund)",
})
MANDATORY_CONVICTIONS = frozenset({"organised_crime", "bribery", "eu_fraud", "terrorism",
                                   "money_laundering", "human_trafficking"})


@dataclass(frozen=True)
class Conviction:
    category: str
    judgment_date: date  # the day the judgment became final (laga kraft)
    description: str
    court: str | None = None
    case_number: str | None = None
    until: date | None = None  # trading ban: last day

    @property
    def category_label(self) -> str:
        return CONVICTION_CATEGORIES.get(self.category, self.category)


@dataclass(frozen=True)
class RecordExtract:
    """One criminal-record extract (the answer is the list of convictions, possibly empty)."""
    extract_id: int
    subject_name: str
    document_date: date
    convictions: tuple[Conviction, ...] = ()


# --- the evidence record -----------------------------------------------------------------------

def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass(frozen=True)
class Evidence:
    source: str
    subject: str  # "org" for the supplier, "person:<key_person_id>" for a representative
    subject_label: str  # what is shown: company name, or role and name of the person
    status: str
    retrieved_at: datetime | None = None
    document_date: date | None = None  # date of the document behind file/manual answers
    facts: tuple = ()
    missing_parts: tuple[str, ...] = ()
    message: str | None = None
    ref: str | None = None  # e.g. "registry_lookup:12", "warning:3"
    origin: str | None = None  # the registry adapter's own source name (api, fixture, import)
    query: str | None = None
    raw_hash: str | None = None
    stale: bool = field(default=False, compare=False)
    max_age_days: int | None = field(default=None, compare=False)  # the limit applied

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    @property
    def status_label(self) -> str:
        if self.stale:
            return translated(STALE_LABEL)
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def dated(self) -> date | None:
        """The date the answer speaks for: the document's date if there is one, otherwise
        the (Swedish) day it was retrieved; the same rule as the registries' own pages."""
        return answer_day(self.document_date, self.retrieved_at)

    def age_days(self, on_date: date) -> int | None:
        return freshness(self.dated, on_date, None).age_days

    def is_stale(self, on_date: date, max_age_days: int | None) -> bool:
        return freshness(self.dated, on_date, max_age_days).stale

    def usable_for(self, needed_parts: frozenset[str] | None = None) -> bool:
        """Conclusive (or partial without the needed parts missing) and not stale."""
        if self.stale:
            return False
        if self.status in CONCLUSIVE:
            return True
        if self.status == PARTIAL and needed_parts is not None and self.missing_parts:
            return not (set(self.missing_parts) & needed_parts)
        return False

    def problem(self) -> str:
        """Why this evidence cannot be relied on, in a sentence for the officer."""
        name = f"{self.source_label} ({self.subject_label})"
        if self.stale:
            return f"{name}: {stale_sentence(self.dated, self.max_age_days)}"
        if self.status == PARTIAL:
            parts = ", ".join(self.missing_parts) or "okända delar"
            return f"{name}: ofullständigt svar, saknar {parts}."
        if self.status == MISSING:
            return f"{name}: {self.message or 'uppgift saknas.'}"
        text = self.message or STATUS_LABELS.get(self.status, self.status)
        return f"{name}: {text}"

    def describe(self) -> str:
        """One line for the kontrollunderlag: source, subject, status, date."""
        when = self.dated.isoformat() if self.dated else "odaterat"
        return f"{self.source_label} – {self.subject_label}: {self.status_label} ({when})"

    def with_stale(self, on_date: date, max_age_days: int | None) -> Evidence:
        from dataclasses import replace
        stale = self.status != MISSING and self.is_stale(on_date, max_age_days)
        if stale == self.stale and max_age_days == self.max_age_days:
            return self
        return replace(self, stale=stale, max_age_days=max_age_days)


def missing(source: str, subject: str, subject_label: str, message: str) -> Evidence:
    """Evidence that does not exist (no extract entered, no file imported, not asked)."""
    return Evidence(source=source, subject=subject, subject_label=subject_label, status=MISSING,
                    message=message)


@dataclass
class EvidenceBundle:
    """All evidence for one check, addressable by (source, subject)."""

    items: list[Evidence] = field(default_factory=list)

    def add(self, evidence: Evidence) -> Evidence:
        self.items.append(evidence)
        return evidence

    def get(self, source: str, subject: str = "org") -> Evidence | None:
        for item in self.items:
            if item.source == source and item.subject == subject:
                return item
        return None

    def mark_stale(self, on_date: date, max_age: dict[str, int | None]) -> EvidenceBundle:
        return EvidenceBundle([e.with_stale(on_date, max_age.get(e.source)) for e in self.items])
