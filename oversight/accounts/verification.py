"""Does this account belong to this payee? The pure verification core (no I/O).

Given holder evidence and register facts already in memory (a :class:`Context`), a claim
"payee X, account K N" is answered in payee-verification terms:

* **MTCH** the latest fresh holder answer names the payee: the same organisation number, or
  (when numbers cannot be compared) a holder name that matches.
* **CMTC** close match: the holder name is close to the payee's; the registered holder name is
  shown so a person can decide.
* **NMTC** no match: another organisation number, a private person's account for an
  organisation, or a name that does not match.
* **NOAP** not possible: invalid number, account kind not covered, no holder evidence, only
  stale evidence, conflicting answers of the same day, or the account is closed / unknown.

Fail closed: anything not verifiable is NOAP, never MTCH. Organisation-number equality outranks
names. Cross-checks that need no external registry are added as :class:`Finding` s with a
reason code and a sentence a person can check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _

from oversight import identifiers
from oversight.labels import Labels
from oversight.names import NameComparison, compare_names, normalize_org_name

MTCH, CMTC, NMTC, NOAP = "MTCH", "CMTC", "NMTC", "NOAP"
STATUSES = (MTCH, CMTC, NMTC, NOAP)
STATUS_LABELS = Labels({
    MTCH: "Stämmer",
    CMTC: "Stämmer nästan – kontrollera",
    NMTC: "Stämmer inte",
    NOAP: "Kan inte kontrolleras",
})
STATUS_BADGES = {MTCH: "badge-ok", CMTC: "badge-warn", NMTC: "badge-danger", NOAP: "badge-warn"}

# Cross-check reason codes
INVALID_ACCOUNT = "INVALID_ACCOUNT"
SHARED_ACCOUNT = "SHARED_ACCOUNT"
SHARED_ACCOUNT_ALLOWED = "SHARED_ACCOUNT_ALLOWED"
SHARED_IN_FILE = "SHARED_IN_FILE"
RECENT_CHANGE = "RECENT_CHANGE"
PRIVATE_ACCOUNT = "PRIVATE_ACCOUNT"
CLOSED_ACCOUNT = "CLOSED_ACCOUNT"
REMOVED_ACCOUNT = "REMOVED_ACCOUNT"
NOT_IN_REGISTER = "NOT_IN_REGISTER"
INVALID_PAYEE_ID = "INVALID_PAYEE_ID"
UNKNOWN_PAYEE = "UNKNOWN_PAYEE"
PAYMENT_STOP = "PAYMENT_STOP"  # an active stop decision of a case (oversight.cases.stops)
FINDING_LABELS = Labels({
    INVALID_ACCOUNT: "Ogiltigt kontonummer",
    SHARED_ACCOUNT: "Kontot är registrerat för flera organisationer",
    SHARED_ACCOUNT_ALLOWED: "Delat konto (godkänt undantag)",
    SHARED_IN_FILE: "Samma konto för flera mottagare i filen",
    RECENT_CHANGE: "Kontot byttes nyligen",
    PRIVATE_ACCOUNT: "Privatpersons konto (personkonto)",
    CLOSED_ACCOUNT: "Kontot är avslutat eller finns inte",
    REMOVED_ACCOUNT: "Kontot är avslutat i registret",
    NOT_IN_REGISTER: "Kontot finns inte i registret för mottagaren",
    INVALID_PAYEE_ID: "Ogiltigt organisationsnummer för mottagaren",
    UNKNOWN_PAYEE: "Mottagaren finns inte i organisationsregistret",
    PAYMENT_STOP: "Betalningsstopp i ett utredningsärende",
})
SEVERITIES = ("danger", "warning", "info")

ACCOUNT_KINDS = ("bankgiro", "plusgiro", "bank_account", "iban")
_ID_KIND = {"bankgiro": "bankgiro", "plusgiro": "plusgiro", "bank_account": "bank-account",
            "iban": "iban"}
KIND_LABELS = Labels({"bankgiro": "Bankgiro", "plusgiro": "Plusgiro", "bank_account": "Bankkonto",
                      "iban": "IBAN"})
ACTIVE, CLOSED, NOT_FOUND = "active", "closed", "not_found"


def account_key(kind: str, normalized: str) -> tuple[str, str]:
    """The key accounts are compared on: kind + digits of the normalised number (as the
    register's ``BankAccount.digits``)."""
    return kind, re.sub(r"\D", "", normalized)


mask_holder_id = identifiers.mask_personnummer  # the one masker, under its old name here


def _is_person(normalized_id: str) -> bool:
    return len(normalized_id) == 13  # YYYYMMDD-NNNN; organisation numbers are NNNNNN-NNNN


# --- inputs (already in memory) --------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HolderAnswer:
    """One answer about who holds an account (from any source), as the core sees it."""

    id: int | None
    kind: str
    digits: str
    holder_name: str | None
    holder_orgnr: str | None  # normalised NNNNNN-NNNN (legal person)
    holder_personnummer: str | None  # normalised YYYYMMDD-NNNN: a private person's account
    source: str
    status: str  # active | closed | not_found
    answered_on: date
    source_label: str = ""

    @property
    def holder_id(self) -> str | None:
        return self.holder_orgnr or self.holder_personnummer

    @property
    def describe(self) -> str:
        who = self.holder_name or _("namn saknas")
        if self.holder_id:
            who += f" ({mask_holder_id(self.holder_id)})"
        return _("%(who)s enligt %(source)s %(on)s", who=who, source=self.source_label or self.source,
                 on=self.answered_on.isoformat())


@dataclass(frozen=True, slots=True)
class RegisterAccount:
    """A row of the shared register's bank accounts."""

    organisation_id: int
    orgnr: str
    org_name: str
    kind: str
    digits: str
    added_on: date
    removed_on: date | None = None
    removed_reason: str | None = None
    number: str = ""  # normalised, for display


@dataclass(frozen=True, slots=True)
class Allowance:
    """A declared, accepted shared account (factoring company, the municipality's own...)."""

    kind: str
    digits: str
    category: str
    reason: str


@dataclass(frozen=True)
class Settings:
    match_threshold: float = 95.0
    close_threshold: float = 85.0
    max_age_days: int = 180
    change_window_days: int = 30
    covered_kinds: tuple[str, ...] = ACCOUNT_KINDS


@dataclass
class Context:
    """Everything the core needs, loaded in bulk beforehand (no per-claim queries)."""

    settings: Settings = field(default_factory=Settings)
    today: date = field(default_factory=date.today)
    evidence: dict[tuple[str, str], list[HolderAnswer]] = field(default_factory=dict)
    register_by_account: dict[tuple[str, str], list[RegisterAccount]] = field(default_factory=dict)
    register_by_org: dict[int, list[RegisterAccount]] = field(default_factory=dict)
    allowances: dict[tuple[str, str], Allowance] = field(default_factory=dict)

    def add_evidence(self, answers) -> None:
        for a in answers:
            self.evidence.setdefault((a.kind, a.digits), []).append(a)

    def add_register(self, rows) -> None:
        for r in rows:
            key = (r.kind, r.digits)
            if r not in self.register_by_account.get(key, ()):
                self.register_by_account.setdefault(key, []).append(r)
                self.register_by_org.setdefault(r.organisation_id, []).append(r)


@dataclass(frozen=True)
class Claim:
    """What is to be verified: 'this account belongs to this payee'."""

    kind: str
    number: str
    payee_name: str = ""
    payee_id: str | None = None  # normalised orgnr / personnummer of the payee, if known
    organisation_id: int | None = None  # the payee in the register, if matched
    other_names: tuple[str, ...] = ()  # the register's name, former names and aliases
    is_association: bool = False
    pay_date: date | None = None


# --- output ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str  # danger | warning | info
    text: str

    @property
    def label(self) -> str:
        return FINDING_LABELS.get(self.code, self.code)

    def to_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "text": self.text}

    @classmethod
    def from_json(cls, data: dict) -> Finding:
        return cls(data["code"], data["severity"], data["text"])


@dataclass
class AccountVerification:
    status: str
    kind: str
    number: str  # as given
    normalized: str | None
    explanation: str
    payee_name: str = ""
    payee_id: str | None = None
    organisation_id: int | None = None
    holder_name: str | None = None
    holder_id: str | None = None  # normalised; mask with mask_holder_id for display
    score: float | None = None
    evidence: HolderAnswer | None = None
    comparison: NameComparison | None = None
    findings: list[Finding] = field(default_factory=list)
    checked_on: date | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self.status]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def holder_display(self) -> str | None:
        return mask_holder_id(self.holder_id)

    @property
    def alerts(self) -> list[Finding]:
        """Findings that need a person's attention (not the informational ones)."""
        return [f for f in self.findings if f.severity != "info"]

    @property
    def needs_attention(self) -> bool:
        # NOAP too: an account that could not be verified must not read as checked and fine.
        return self.status in (NMTC, CMTC, NOAP) or bool(self.alerts)

    def to_json(self) -> dict:
        return {
            "status": self.status, "status_label": self.status_label, "kind": self.kind,
            "number": self.number, "normalized": self.normalized,
            "payee_name": self.payee_name, "payee_id": mask_holder_id(self.payee_id),
            "organisation_id": self.organisation_id, "holder_name": self.holder_name,
            "holder_id": self.holder_display, "score": self.score,
            "explanation": self.explanation,
            "evidence": None if self.evidence is None else {
                "id": self.evidence.id, "source": self.evidence.source,
                "answered_on": self.evidence.answered_on.isoformat(),
                "status": self.evidence.status},
            "name_comparison": None if self.comparison is None else {
                "score": self.comparison.score, "a_normalized": self.comparison.a_normalized,
                "b_normalized": self.comparison.b_normalized,
                "verdict": self.comparison.verdict,
                "explanation": self.comparison.explanation},
            "findings": [f.to_json() for f in self.findings],
            "checked_on": self.checked_on.isoformat() if self.checked_on else None,
        }


# --- the core ------------------------------------------------------------------------------

def validate_account(kind: str, number: str) -> identifiers.IdResult | None:
    """None for an unknown kind, else the identifier result."""
    if kind not in _ID_KIND:
        return None
    return identifiers.validate(_ID_KIND[kind], number)


def verify(claim: Claim, ctx: Context) -> AccountVerification:
    """Verify one claim against the context. Never raises for bad input."""
    result = validate_account(claim.kind, claim.number)
    base = dict(kind=claim.kind, number=claim.number, payee_name=claim.payee_name,
                payee_id=claim.payee_id, organisation_id=claim.organisation_id,
                checked_on=ctx.today)
    if result is None:
        return AccountVerification(NOAP, normalized=None, explanation=(
            _("Okänd kontotyp %(kind)r: kan inte kontrolleras.", kind=claim.kind)), **base)
    if not result.valid:
        finding = Finding(INVALID_ACCOUNT, "danger",
                          _("%(kind)s %(number)r är ogiltigt: %(error)s", kind=KIND_LABELS[claim.kind],
                            number=claim.number, error=result.error))
        return AccountVerification(NOAP, normalized=None, findings=[finding], explanation=(
            _("Kontonumret är ogiltigt (%(error)s); betalningen kan inte kontrolleras.", error=result.error)),
            **base)
    key = account_key(claim.kind, result.normalized)
    findings = register_checks(claim, key, result.normalized, ctx)
    if claim.kind == "bank_account" and result.details.get("personkonto") and \
            _is_legal_person(claim):
        findings.append(_private_finding(claim, _("kontonumret är ett personkonto hos Nordea "
                                                  "(clearing 3300/3782, numret är ett personnummer)")))
    verification = _decide(claim, key, ctx, base | {"normalized": result.normalized})
    verification.findings = findings + verification.findings
    return verification


def _is_legal_person(claim: Claim) -> bool:
    return bool(claim.payee_id) and not _is_person(claim.payee_id)


def _private_finding(claim: Claim, why: str) -> Finding:
    payee = claim.payee_name or claim.payee_id
    text = (_("Betalning till föreningen %(payee)s går till en privatpersons konto: %(why)s.",
              payee=payee, why=why) if claim.is_association else
            _("Betalning till organisationen %(payee)s går till en privatpersons konto: %(why)s.",
              payee=payee, why=why))
    return Finding(PRIVATE_ACCOUNT, "danger" if claim.is_association else "warning", text)


def _latest_first(answers: list[HolderAnswer]) -> list[HolderAnswer]:
    return sorted(answers, key=lambda a: (a.answered_on, a.id or 0), reverse=True)


def _decide(claim: Claim, key, ctx: Context, base: dict) -> AccountVerification:
    settings = ctx.settings
    answers = _latest_first(ctx.evidence.get(key, []))
    extra: list[Finding] = []
    if answers and answers[0].status in (CLOSED, NOT_FOUND):
        latest = answers[0]
        source, on = latest.source_label or latest.source, latest.answered_on.isoformat()
        extra.append(Finding(CLOSED_ACCOUNT, "danger",
                             _("Kontot avslutat/avregistrerat enligt %(source)s %(on)s.", source=source, on=on)
                             if latest.status == CLOSED else
                             _("Kontot finns inte enligt %(source)s %(on)s.", source=source, on=on)))
    if claim.kind not in settings.covered_kinds:
        return AccountVerification(NOAP, explanation=(
            _("Kontotypen %(kind)s täcks inte av någon källa för kontohavare.", kind=KIND_LABELS[claim.kind])),
            findings=extra, **base)
    if not answers:
        return AccountVerification(NOAP, findings=extra, explanation=(
            _("Det finns inget besked om vem som har kontot (bank, Bankgirot, "
              "betalningsmottagarkontroll eller kontoregister). Hämta ett besked.")), **base)
    oldest_fresh = ctx.today - timedelta(days=settings.max_age_days)
    fresh = [a for a in answers if oldest_fresh <= a.answered_on <= ctx.today]
    if not fresh:
        latest = answers[0]
        when = (_("har ett datum i framtiden") if latest.answered_on > ctx.today
                else _("är äldre än %(days)s dagar", days=settings.max_age_days))
        return AccountVerification(NOAP, evidence=latest, findings=extra, explanation=(
            _("Senaste beskedet (%(answer)s) %(when)s; det räcker inte för att bekräfta "
              "kontohavaren. Hämta ett nytt besked.", answer=latest.describe, when=when)), **base)
    latest = fresh[0]
    same_day = [a for a in fresh if a.answered_on == latest.answered_on]
    if len(same_day) > 1 and len({_holder_key(a) for a in same_day}) > 1:
        return AccountVerification(NOAP, evidence=latest, findings=extra, explanation=(
            _("Motstridiga besked från %(on)s om vem som har kontot; kontrollera underlagen.",
              on=latest.answered_on.isoformat())), **base)
    if latest.status != ACTIVE:
        return AccountVerification(NOAP, evidence=latest, findings=extra, explanation=(
            _("Kontot är avslutat enligt %(answer)s: betala inte till det.", answer=latest.describe)
            if latest.status == CLOSED else
            _("Kontot är okänt enligt %(answer)s: betala inte till det.", answer=latest.describe)), **base)
    verification = _compare_holder(claim, latest, ctx.settings, base)
    if latest.holder_personnummer and _is_legal_person(claim):
        extra.append(_private_finding(
            claim, _("kontohavaren är en privatperson enligt %(answer)s", answer=latest.describe)))
    verification.findings = extra + verification.findings
    return verification


def _holder_key(a: HolderAnswer) -> tuple:
    return (a.status, a.holder_id or normalize_org_name(a.holder_name or ""))


def _compare_holder(claim: Claim, answer: HolderAnswer, settings: Settings,
                    base: dict) -> AccountVerification:
    holder = dict(evidence=answer, holder_name=answer.holder_name, holder_id=answer.holder_id)
    source = f"{answer.source_label or answer.source} {answer.answered_on.isoformat()}"
    if answer.holder_id and claim.payee_id:
        if answer.holder_id == claim.payee_id:
            return AccountVerification(MTCH, score=100.0, explanation=(
                _("Kontohavarens identitet (%(id)s) är densamma som mottagarens enligt %(source)s",
                  id=mask_holder_id(answer.holder_id), source=source)
                + (_("; kontohavaren heter %(name)r.", name=answer.holder_name) if answer.holder_name
                   else ".")), **holder, **base)
        what = _("en privatperson") if answer.holder_personnummer else \
            _("organisationsnummer %(orgnr)s", orgnr=answer.holder_orgnr)
        return AccountVerification(NMTC, score=0.0, explanation=(
            _("Kontot tillhör %(holder)s (%(what)s) enligt %(source)s, inte mottagaren (%(payee)s). "
              "Organisationsnummer går före namn.", holder=answer.holder_name or _("annan kontohavare"),
              what=what, source=source, payee=mask_holder_id(claim.payee_id))), **holder, **base)
    if not answer.holder_name:
        return AccountVerification(NOAP, explanation=(
            _("Beskedet (%(source)s) saknar kontohavarens namn och identitet som kan jämföras.", source=source)),
            **holder, **base)
    names = [n for n in dict.fromkeys((claim.payee_name, *claim.other_names)) if n]
    if not names:
        return AccountVerification(NOAP, explanation=(
            _("Mottagarens namn och organisationsnummer saknas: inget att jämföra med.")),
            **holder, **base)
    best = _best_comparison(names, answer.holder_name, settings)
    status = {"match": MTCH, "close": CMTC}.get(best.verdict, NMTC)
    why = {MTCH: lambda: _("Kontohavarens namn matchar mottagarens."),
           CMTC: lambda: _("Kontohavarens namn liknar men är inte lika: kontot är registrerat på "
                           "%(name)r. Kontrollera innan betalning.", name=answer.holder_name),
           NMTC: lambda: _("Kontot är registrerat på %(name)r, som inte matchar mottagarens namn.",
                           name=answer.holder_name)}[status]()
    note = ""
    if answer.holder_id and not claim.payee_id:
        note = " " + _("Mottagarens organisationsnummer är okänt; kontohavaren har %(id)s.",
                       id=mask_holder_id(answer.holder_id))
    return AccountVerification(status, score=best.score, comparison=best, explanation=(
        _("%(why)s Underlag: %(source)s. Namnjämförelse: %(comparison)s", why=why, source=source,
          comparison=best.explanation) + note),
        **holder, **base)


_RANK = {"match": 2, "close": 1, "no_match": 0}


def _best_comparison(names: list[str], holder_name: str, settings: Settings) -> NameComparison:
    comparisons = [compare_names(name, holder_name, match_threshold=settings.match_threshold,
                                 close_threshold=settings.close_threshold) for name in names]
    return max(comparisons, key=lambda c: (_RANK[c.verdict], c.score))


# --- cross-checks against the register (no external registry) -------------------------------

def register_checks(claim: Claim, key, normalized: str, ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    label = f"{KIND_LABELS[claim.kind]} {normalized}"
    holders = [r for r in ctx.register_by_account.get(key, []) if r.removed_on is None]
    others = {r.organisation_id: r for r in holders if r.organisation_id != claim.organisation_id}
    if others:
        names = ", ".join(f"{r.org_name} ({mask_holder_id(r.orgnr)})"
                          for r in sorted(others.values(), key=lambda r: r.org_name))
        allowance = ctx.allowances.get(key)
        if allowance:
            findings.append(Finding(SHARED_ACCOUNT_ALLOWED, "info", (
                _("%(label)s är registrerat även för %(names)s; godkänt undantag (%(category)s): %(reason)s",
                  label=label, names=names, category=allowance.category, reason=allowance.reason))))
        elif claim.organisation_id is not None or len(others) > 1:
            findings.append(Finding(SHARED_ACCOUNT, "danger", (
                _("%(label)s är registrerat även för %(names)s.", label=label, names=names))))
        else:
            findings.append(Finding(SHARED_ACCOUNT, "danger", (
                _("%(label)s är registrerat för %(names)s, inte för mottagaren.", label=label, names=names))))
    if claim.organisation_id is not None:
        findings += _own_account_checks(claim, key, label, ctx)
    return findings


def _own_account_checks(claim: Claim, key, label: str, ctx: Context) -> list[Finding]:
    own = ctx.register_by_org.get(claim.organisation_id, [])
    rows = [r for r in own if (r.kind, r.digits) == key]
    if not rows:
        return [Finding(NOT_IN_REGISTER, "info",
                        _("%(label)s finns inte bland mottagarens registrerade konton.", label=label))]
    current = [r for r in rows if r.removed_on is None]
    if not current:
        last = max(rows, key=lambda r: r.removed_on)
        return [Finding(REMOVED_ACCOUNT, "warning", (
            _("%(label)s avslutades i registret %(on)s", label=label, on=last.removed_on.isoformat())
            + (f": {last.removed_reason}" if last.removed_reason else "") + "."))]
    account = max(current, key=lambda r: r.added_on)
    reference = claim.pay_date or ctx.today
    window = ctx.settings.change_window_days
    earlier = [r for r in own if (r.kind, r.digits) != key and r.added_on < account.added_on]
    days = (reference - account.added_on).days
    if earlier and 0 <= days <= window:
        replaced = [r for r in earlier if r.removed_on is not None
                    and r.removed_on >= account.added_on - timedelta(days=window)]
        was = ", ".join(f"{KIND_LABELS.get(r.kind, r.kind)} {r.number or r.digits}" for r in replaced[:3])
        when = _("betalningen") if claim.pay_date else _("i dag")
        return [Finding(RECENT_CHANGE, "warning", (
            _("%(label)s lades till i registret %(on)s, %(days)s dagar före %(when)s (fönster %(window)s dagar)",
              label=label, on=account.added_on.isoformat(), days=days, when=when, window=window)
            + (_("; ersatte %(was)s", was=was) if was else "")
            + ". " + _("Bekräfta bytet med mottagaren via känd kontaktväg.")))]
    return []
