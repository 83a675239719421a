"""From evidence to exclusion grounds: LOU 13 kap. 1–3 §§, LOU 19 kap. 17 §, LOV 7 kap. 1 §.

Pure: no database, no clock, no I/O. ``evaluate(context, bundle)`` returns one
:class:`GroundOutcome` per ground (and per extra requirement such as F-skatt or an IVO permit)
that applies to the procedure, each with one of three outcomes:

* ``found``   – *grund föreligger*: the evidence that shows it is listed;
* ``clear``   – *ingen grund funnen*: every piece of evidence the ground needs was conclusive,
  fresh, and showed nothing; what was checked is listed;
* ``unknown`` – *kunde inte kontrolleras*: at least one needed piece was missing, failed,
  partial for the part needed, or too old; what failed and what to do is listed.

Fail closed: ``clear`` is reached only by an explicit path through usable evidence; any other
path ends in ``unknown``. A ground that is shown by usable evidence is ``found`` even when
other evidence is missing (the missing pieces are still listed).

Time limits and thresholds are rule values read from ``context.values`` (see
``suppliers/rule_values.py``), never literals here.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from oversight.labels import Labels, score_phrase
from oversight.labels import label as code_label
from registries.verdicts import ivo_verdict, permit_sentence
from suppliers import evidence as ev
from suppliers import rule_values as rv
from suppliers.rule_values import add_years, within_years

FOUND, CLEAR, UNKNOWN = "found", "clear", "unknown"
OUTCOME_LABELS = Labels({FOUND: "Grund föreligger", CLEAR: "Ingen grund funnen",
                         UNKNOWN: "Kunde inte kontrolleras"})
REQUIREMENT_LABELS = Labels({FOUND: "Brist", CLEAR: "Uppfyllt", UNKNOWN: "Kunde inte kontrolleras"})
OUTCOME_BADGES = {FOUND: "badge-danger", CLEAR: "badge-ok", UNKNOWN: "badge-warn"}
OUTCOME_ORDER = {FOUND: 0, UNKNOWN: 1, CLEAR: 2}

# Regimes: which set of grounds applies.
LOU, LOU19, LOV = "lou", "lou19", "lov"
REGIME_LABELS = Labels({
    LOU: "LOU över tröskelvärdet (13 kap. 1–3 §§)",
    LOU19: "LOU under tröskelvärdet eller välfärdstjänster (19 kap. 17 §)",
    LOV: "LOV valfrihetssystem (7 kap. 1 §)",
})

# Bolagsverket proceeding codes (pågående avvecklings- eller omstruktureringsförfarande).
DISTRESS_PROCEEDINGS = {"KK": "Konkurs", "LI": "Likvidation", "FR": "Företagsrekonstruktion",
                        "AC": "Ackordsförhandling", "RES": "Resolution"}
REORGANISATIONS = {"DEOL", "DEOT", "FUOL", "FUOT", "GROM", "OM"}
# Warning categories (oversight.organisations.models.WARNING_CATEGORIES) and the ground each
# may indicate: misconduct (13:3 3) or deficiencies in an earlier contract (13:3 7).
WARNING_MISCONDUCT = {"exclusion", "suspected_crime", "permit", "grant_breach", "account", "other"}
WARNING_DEFICIENCY = {"exclusion", "deficiency"}
# Roles whose holders count as the supplier's representatives (LOU 13:1 second paragraph:
# administrative, management or supervisory body, or powers of representation or control).
REPRESENTATIVE_ROLES = {"vd", "styrelseledamot", "suppleant", "firmatecknare", "ordforande",
                        "huvudman", "verksamhetsledare"}


@dataclass(frozen=True)
class Person:
    key: str  # "person:<key_person_id>", the evidence subject
    label: str  # "VD Cecilia Provdahl"


@dataclass(frozen=True)
class CheckContext:
    regime: str
    on_date: date
    supplier_name: str
    orgnr: str
    values: Mapping[str, Any]  # rule values on on_date (rule_values.values_on)
    representatives: tuple[Person, ...] = ()
    permit_required: bool = False
    permit_activity: str | None = None
    in_company_register: bool = True  # False for ideella föreningar, stiftelser (group 8)


@dataclass(frozen=True)
class GroundOutcome:
    code: str
    label: str
    law: str
    kind: str  # ground | requirement
    outcome: str
    mandatory: bool = False  # a found ground means the supplier *shall* be excluded
    hearing_required: bool = True
    reasons: tuple[str, ...] = ()  # what was found, or what was checked and showed nothing
    problems: tuple[str, ...] = ()  # why something could not be checked
    actions: tuple[str, ...] = ()  # what the officer does about it
    evidence: tuple[str, ...] = ()  # "source:subject" keys of the evidence relied on

    @property
    def outcome_label(self) -> str:
        labels = REQUIREMENT_LABELS if self.kind == "requirement" else OUTCOME_LABELS
        return labels[self.outcome]

    @property
    def badge(self) -> str:
        return OUTCOME_BADGES[self.outcome]


class _Acc:
    """Accumulates what one ground's evaluation saw."""

    def __init__(self, bundle: ev.EvidenceBundle):
        self.bundle = bundle
        self.found: list[str] = []
        self.notes: list[str] = []
        self.problems: list[str] = []
        self.actions: list[str] = []
        self.used: list[str] = []
        self.extra_unknown = False

    def need(self, source: str, subject: str = "org",
             parts: frozenset[str] | None = None, label: str | None = None) -> ev.Evidence | None:
        """The evidence if it can be relied on; otherwise records why not and returns None."""
        item = self.bundle.get(source, subject)
        if item is None:
            self.problems.append(f"{ev.SOURCE_LABELS.get(source, source)} ({label or subject}): "
                                 "har inte kontrollerats.")
            self._action(source)
            return None
        self.used.append(f"{source}:{subject}")
        if not item.usable_for(parts):
            self.problems.append(item.problem())
            self._action(source)
            return None
        return item

    def optional(self, source: str, subject: str = "org") -> ev.Evidence | None:
        """Evidence that may add a finding but whose absence does not block ``clear``."""
        item = self.bundle.get(source, subject)
        if item is not None and item.usable_for(None):
            self.used.append(f"{source}:{subject}")
            return item
        return None

    def unknown(self, problem: str, action: str | None = None) -> None:
        self.extra_unknown = True
        self.problems.append(problem)
        if action and action not in self.actions:
            self.actions.append(action)

    def _action(self, source: str) -> None:
        action = ev.SOURCE_ACTIONS.get(source)
        if action and action not in self.actions:
            self.actions.append(action)

    def result(self, spec: GroundSpec, ctx: CheckContext, *, mandatory: bool = False,
               found_note: str | None = None) -> GroundOutcome:
        if self.found:
            outcome = FOUND
            reasons = self.found + ([found_note] if found_note else []) + self.notes
        elif self.problems or self.extra_unknown:
            outcome = UNKNOWN
            reasons = self.notes
        else:
            outcome = CLEAR
            reasons = self.notes or ["Inga uppgifter som talar för grunden."]
        return GroundOutcome(
            code=spec.code, label=spec.label, law=spec.law_for(ctx.regime), kind=spec.kind,
            outcome=outcome, mandatory=mandatory and outcome == FOUND,
            hearing_required=spec.kind == "ground",
            reasons=tuple(dict.fromkeys(reasons)), problems=tuple(dict.fromkeys(self.problems)),
            actions=tuple(self.actions) if outcome != CLEAR else (),
            evidence=tuple(dict.fromkeys(self.used)))


# --- evaluators: one per kind of ground ----------------------------------------------------

def _years(ctx: CheckContext, name: str) -> int:
    return int(ctx.values[name])


def _subjects(ctx: CheckContext) -> list[tuple[str, str]]:
    return [("org", ctx.supplier_name)] + [(p.key, p.label) for p in ctx.representatives]


def _convictions(ctx: CheckContext, acc: _Acc, categories: frozenset[str], years_name: str,
                 *, require_extracts: bool) -> None:
    """Convictions of the supplier and its representatives from criminal-record extracts."""
    years = _years(ctx, years_name)
    if require_extracts and not ctx.representatives:
        acc.unknown("Inga företrädare (styrelse, VD, firmatecknare) är registrerade för "
                    "leverantören, så företrädarna har inte kontrollerats.",
                    "Registrera styrelse, VD och firmatecknare på organisationssidan och begär "
                    "utdrag ur belastningsregistret för dem.")
    for subject, label in _subjects(ctx):
        item = (acc.need(ev.CRIMINAL_RECORD, subject, label=label) if require_extracts
                else acc.optional(ev.CRIMINAL_RECORD, subject))
        if item is None:
            continue
        for extract in item.facts:
            counted = [c for c in extract.convictions if c.category in categories]
            if not counted and require_extracts:
                acc.notes.append(f"Utdrag för {label} ({extract.document_date}): inga domar "
                                 "som omfattas.")
            for c in counted:
                text = (f"{label}: {c.category_label}, dom som fick laga kraft {c.judgment_date}"
                        f"{f' ({c.court} {c.case_number})' if c.court or c.case_number else ''}"
                        f" – {c.description}")
                if within_years(c.judgment_date, ctx.on_date, years):
                    acc.found.append(f"{text}. Räknas till och med "
                                     f"{add_years(c.judgment_date, years)}.")
                else:
                    acc.notes.append(f"{text}. Äldre än {years} år – räknas inte.")


def _trading_bans(ctx: CheckContext, acc: _Acc) -> None:
    for subject, label in _subjects(ctx):
        item = acc.optional(ev.CRIMINAL_RECORD, subject)
        for extract in (item.facts if item else ()):
            for c in extract.convictions:
                if c.category != "trading_ban":
                    continue
                if c.until is None or c.until >= ctx.on_date:
                    acc.found.append(f"{label}: näringsförbud"
                                     f"{f' till och med {c.until}' if c.until else ''} "
                                     f"(beslut {c.judgment_date}).")
                else:
                    acc.notes.append(f"{label}: näringsförbud upphörde {c.until}.")


def _insolvency(ctx: CheckContext, acc: _Acc) -> None:
    """Bankruptcy, liquidation, reconstruction, composition, deregistration (Bolagsverket)."""
    item = acc.need(ev.BOLAGSVERKET, parts=ev.BV_INSOLVENCY_PARTS, label=ctx.supplier_name)
    if item is not None and (item.status == ev.NOT_FOUND or not item.facts):
        if ctx.in_company_register:
            acc.unknown(f"Bolagsverket: {ctx.orgnr} finns inte i registret.",
                        "Kontrollera organisationsnumret mot anbudet och Bolagsverket.")
        else:
            acc.unknown("Organisationen är inte registrerad hos Bolagsverket (ideell förening, "
                        "stiftelse eller liknande), så konkurs och likvidation kan inte "
                        "kontrolleras där.",
                        "Begär intyg om att organisationen inte är i konkurs eller likvidation "
                        "(t.ex. senaste årsredovisning och besked från Kronofogden).")
    for status in (item.facts if item else ()):
        _company_status(ctx, acc, status)
    _trading_bans(ctx, acc)


def _company_status(ctx: CheckContext, acc: _Acc, status: ev.CompanyStatus) -> None:
    years = _years(ctx, rv.EVENT_YEARS)
    for p in status.proceedings:
        since = f" sedan {p.from_date}" if p.from_date else ""
        if p.code in DISTRESS_PROCEEDINGS:
            acc.found.append(f"Bolagsverket: pågående {p.label.lower()}{since}.")
        elif p.code in REORGANISATIONS:
            acc.notes.append(f"Bolagsverket: pågående {p.label.lower()}{since} (ombildning, "
                             "inte obestånd).")
        else:
            acc.unknown(f"Bolagsverket: okänt förfarande {p.code} ({p.label}){since}.",
                        "Kontrollera förfarandet hos Bolagsverket.")
    if status.deregistered_on:
        reason = status.deregistration_label or status.deregistration_code or "okänd orsak"
        text = f"Bolagsverket: avregistrerad {status.deregistered_on} ({reason})"
        if status.deregistration_code in {"KKAV", "LIAV", "UTLKKLI"} and not within_years(
                status.deregistered_on, ctx.on_date, years):
            acc.found.append(text + f"; mer än {years} år sedan, men organisationen finns inte "
                             "längre och kan inte vara part i ett avtal.")
        else:
            acc.found.append(text + ".")
    if status.active is False and not status.deregistered_on:
        acc.notes.append("Bolagsverket: organisationen anges inte som verksam.")
    if not acc.found and not status.proceedings and not status.deregistered_on:
        acc.notes.append("Bolagsverket: ingen pågående konkurs, likvidation, rekonstruktion "
                         "eller avregistrering.")


def _taxes(ctx: CheckContext, acc: _Acc) -> None:
    """Unpaid taxes and social security contributions (Kronofogden, allmänna mål)."""
    item = acc.need(ev.KRONOFOGDEN, label=ctx.supplier_name)
    if item is None:
        return
    if item.status == ev.NOT_FOUND or not item.facts:
        acc.notes.append(f"Kronofogden ({item.dated}): inga skulder registrerade.")
    for debt in item.facts:
        kinds = ", ".join(debt.case_types) or "mål av okänd typ"
        if debt.public_debt:
            acc.found.append(f"Kronofogden ({debt.document_date or item.dated}): skulder "
                             f"{_kr(debt.amount)} ({kinds}).")
        elif debt.amount > 0:
            acc.notes.append(f"Kronofogden ({debt.document_date or item.dated}): skulder "
                             f"{_kr(debt.amount)} i {kinds} – inte skatter eller avgifter, men "
                             "kan tala för ekonomiska svårigheter.")
        else:
            acc.notes.append(f"Kronofogden ({debt.document_date or item.dated}): inga skulder.")


def _kr(amount) -> str:
    whole = f"{int(amount):,}".replace(",", "\u00a0")
    return f"{whole}\u00a0kr"


def _warnings(ctx: CheckContext, acc: _Acc, categories: set[str]) -> None:
    years = _years(ctx, rv.EVENT_YEARS)
    item = acc.need(ev.WARNINGS, label=ctx.supplier_name)
    for w in (item.facts if item else ()):
        if w.category not in categories:
            continue
        origin = "egen förvaltning" if w.own_department else w.department
        text = f"Varning ({w.category_label}) från {origin} {w.issued_on}: {w.reason}"
        if within_years(w.issued_on, ctx.on_date, years):
            acc.found.append(text)
        else:
            acc.notes.append(text + f" (äldre än {years} år).")


def _sanction_hits(ctx: CheckContext, acc: _Acc, kind: str) -> None:
    """Sanctions (kind 'sanction') or debarment (kind 'debarment') list hits, for the company
    (required) and every representative (checked where a representative is registered)."""
    for subject, label in _subjects(ctx):
        item = acc.need(ev.SANCTIONS, subject, label=label)
        if item is None:
            continue
        hits = [h for h in item.facts if h.match and h.kind == kind]
        for h in hits:
            lists = ", ".join(code_label(d, "dataset") for d in h.datasets) or "lista"
            acc.found.append(f"{label}: träff i {lists} – "
                             f"{h.caption} ({score_phrase(h.score)}). Kontrollera att träffen avser "
                             "samma person/organisation.")
        weak = [h for h in item.facts if not h.match and h.kind == kind]
        if weak:
            acc.notes.append(f"{label}: {len(weak)} svaga namnträffar under tröskeln "
                             f"(bästa: {max(weak, key=lambda h: h.score).caption}).")


def _permit_revocations(ctx: CheckContext, acc: _Acc) -> None:
    item = acc.optional(ev.IVO)
    for permit in (item.facts if item else ()):
        if permit.status in ("återkallat", "tillfälligt förbud"):
            acc.found.append(f"IVO: {permit_sentence(permit)}")


def _professional_convictions(ctx: CheckContext, acc: _Acc) -> None:
    years = _years(ctx, rv.EVENT_YEARS)
    for subject, label in _subjects(ctx):
        item = acc.optional(ev.CRIMINAL_RECORD, subject)
        for extract in (item.facts if item else ()):
            for c in extract.convictions:
                if c.category == "professional" and within_years(c.judgment_date, ctx.on_date,
                                                                 years):
                    acc.found.append(f"{label}: {c.description} (dom {c.judgment_date}).")


def _deficiencies(ctx: CheckContext, acc: _Acc) -> None:
    """Complaints and own terminations in this municipality's contracts, and warnings."""
    complaint_years = _years(ctx, rv.COMPLAINT_YEARS)
    persistent = _years(ctx, rv.PERSISTENT_COMPLAINTS)
    item = acc.need(ev.COMPLAINTS, label=ctx.supplier_name)
    counted = []
    for c in (item.facts if item else ()):
        if c.status == "rejected" or not within_years(c.occurred_on, ctx.on_date,
                                                      complaint_years):
            continue
        counted.append(c)
    serious = [c for c in counted if c.severity == "serious"]
    if serious or len(counted) >= persistent:
        for c in counted:
            acc.found.append(f"Klagomål ({'allvarligt' if c.severity == 'serious' else 'mindre'}"
                             f", {'bekräftat' if c.status == 'confirmed' else 'ej bedömt'}) "
                             f"{c.occurred_on} från {c.department} i avtal {c.contract}: "
                             f"{c.summary}")
    elif counted:
        acc.notes.append(f"{len(counted)} klagomål av mindre allvar inom {complaint_years} år – "
                         f"räknas som långvarig brist först vid {persistent}.")
    decisions = acc.need(ev.DECISIONS, label=ctx.supplier_name)
    years = _years(ctx, rv.EVENT_YEARS)
    for d in (decisions.facts if decisions else ()):
        if within_years(d.decided_on, ctx.on_date, years):
            acc.found.append(f"Eget beslut ({d.summary}) {d.decided_on}, {d.department}.")
    _warnings(ctx, acc, WARNING_DEFICIENCY)


# --- grounds -----------------------------------------------------------------------------

@dataclass(frozen=True)
class GroundSpec:
    code: str
    label: str
    laws: Mapping[str, str]  # regime -> citation
    kind: str  # ground | requirement
    evaluate: Callable[[CheckContext, ev.EvidenceBundle, GroundSpec], GroundOutcome]
    regimes: frozenset[str] = field(default_factory=lambda: frozenset({LOU, LOU19, LOV}))
    applies: Callable[[CheckContext], bool] = lambda ctx: True

    def law_for(self, regime: str) -> str:
        return self.laws.get(regime) or next(iter(self.laws.values()))


def _crimes(ctx, bundle, spec):
    acc = _Acc(bundle)
    if ctx.regime == LOV:
        categories = ev.MANDATORY_CONVICTIONS | {"professional"}
        _convictions(ctx, acc, frozenset(categories), rv.LOV_CONVICTION_YEARS,
                     require_extracts=True)
        return acc.result(spec, ctx)
    _convictions(ctx, acc, ev.MANDATORY_CONVICTIONS, rv.CONVICTION_YEARS, require_extracts=True)
    return acc.result(spec, ctx, mandatory=ctx.regime == LOU)


def _tax_ground(ctx, bundle, spec):
    acc = _Acc(bundle)
    _taxes(ctx, acc)
    note = None
    if ctx.regime == LOU:
        note = ("Uteslutning är obligatorisk om skulden är fastställd genom lagakraftvunnen dom "
                "eller beslut, annars frivillig: kontrollera beslutet bakom skulden.")
    return acc.result(spec, ctx, found_note=note)


def _insolvency_ground(ctx, bundle, spec):
    acc = _Acc(bundle)
    _insolvency(ctx, acc)
    return acc.result(spec, ctx)


def _misconduct_ground(ctx, bundle, spec):
    acc = _Acc(bundle)
    _warnings(ctx, acc, WARNING_MISCONDUCT)
    _sanction_hits(ctx, acc, "debarment")
    _permit_revocations(ctx, acc)
    _professional_convictions(ctx, acc)
    if ctx.regime == LOV:  # LOV has no separate ground for earlier contracts
        _deficiencies(ctx, acc)
    return acc.result(spec, ctx)


def _deficiency_ground(ctx, bundle, spec):
    acc = _Acc(bundle)
    _deficiencies(ctx, acc)
    return acc.result(spec, ctx)


def _registration_requirement(ctx, bundle, spec):
    acc = _Acc(bundle)
    item = acc.need(ev.SKATTEVERKET, label=ctx.supplier_name)
    if item is not None:
        if item.status == ev.NOT_FOUND or not item.facts:
            acc.unknown(f"Skatteverket ({item.dated}): inga uppgifter om registrering.",
                        ev.SOURCE_ACTIONS[ev.SKATTEVERKET])
        for t in item.facts:
            when = t.document_date or item.dated
            for flag, name, lack in ((t.f_tax, "F-skatt", "saknar F-skatt"),
                                     (t.employer, "arbetsgivarregistrering",
                                      "är inte registrerad som arbetsgivare (krävs om "
                                      "leverantören har anställda)")):
                if flag is None:
                    acc.unknown(f"Skatteverket ({when}): uppgift om {name} saknas i svaret.",
                                ev.SOURCE_ACTIONS[ev.SKATTEVERKET])
                elif flag is False:
                    acc.found.append(f"Skatteverket ({when}): leverantören {lack}.")
                else:
                    acc.notes.append(f"Skatteverket ({when}): {name} finns.")
            if t.vat is False:
                acc.notes.append(f"Skatteverket ({when}): inte momsregistrerad.")
            elif t.vat:
                acc.notes.append(f"Skatteverket ({when}): momsregistrerad.")
    return acc.result(spec, ctx)


def _sanctions_requirement(ctx, bundle, spec):
    acc = _Acc(bundle)
    _sanction_hits(ctx, acc, "sanction")
    if not acc.found and not acc.problems:
        acc.notes.append(f"Sanktionslistor: inga träffar för {len(_subjects(ctx))} kontrollerade "
                         "(företaget och registrerade företrädare).")
    return acc.result(spec, ctx)


def _permit_requirement(ctx, bundle, spec):
    """The IVO verdict of the organisation page (``registries.verdicts.ivo_verdict``) for the
    procured activity. A revoked permit in a too old answer is still a finding (as on the
    organisation page); a too old answer never shows a permit as valid."""
    acc = _Acc(bundle)
    stale = bundle.get(ev.IVO)
    if stale is not None and stale.stale and stale.status in ev.CONCLUSIVE:
        findings, _notes, _open = ivo_verdict(stale.facts, ctx.permit_activity, required=True)
        if findings:
            acc.used.append(f"{ev.IVO}:org")
            acc.found.extend(f"IVO: {text}" for text in findings)
            acc.notes.append(stale.problem())
            return acc.result(spec, ctx)
    item = acc.need(ev.IVO, label=ctx.supplier_name)
    if item is None:
        return acc.result(spec, ctx)
    findings, notes, unanswered = ivo_verdict(item.facts, ctx.permit_activity, required=True)
    acc.found.extend(f"IVO: {text}" for text in findings)
    if findings:
        return acc.result(spec, ctx)
    acc.notes.extend(f"IVO: {text}" for text in notes)
    for text in unanswered:
        acc.unknown(f"IVO: {text}", "Kontrollera med IVO att tillståndet omfattar den upphandlade "
                    "tjänsten." if "tydligt avser" in text else ev.SOURCE_ACTIONS[ev.IVO])
    return acc.result(spec, ctx)


GROUNDS: tuple[GroundSpec, ...] = (
    GroundSpec("crime", "Brott: organiserad brottslighet, bestickning, bedrägeri mot EU, "
               "terrorism, penningtvätt, människohandel",
               {LOU: "13 kap. 1 § LOU (obligatorisk)",
                LOU19: "19 kap. 17 § LOU, jfr 13 kap. 1 § (frivillig)"},
               "ground", _crimes, frozenset({LOU, LOU19})),
    GroundSpec("crime", "Dom för brott avseende yrkesutövningen",
               {LOV: "7 kap. 1 § första stycket 3 LOV"}, "ground", _crimes, frozenset({LOV})),
    GroundSpec("taxes", "Obetalda skatter eller socialförsäkringsavgifter",
               {LOU: "13 kap. 2 § LOU", LOU19: "19 kap. 17 § LOU, jfr 13 kap. 2 §",
                LOV: "7 kap. 1 § första stycket 5 LOV"}, "ground", _tax_ground),
    GroundSpec("insolvency", "Konkurs, likvidation, ackord, rekonstruktion, avregistrering "
               "eller näringsförbud",
               {LOU: "13 kap. 3 § 2 LOU", LOU19: "19 kap. 17 § LOU, jfr 13 kap. 3 § 2",
                LOV: "7 kap. 1 § första stycket 1–2 LOV"}, "ground", _insolvency_ground),
    GroundSpec("misconduct", "Allvarligt fel i yrkesutövningen",
               {LOU: "13 kap. 3 § 3 LOU", LOU19: "19 kap. 17 § LOU, jfr 13 kap. 3 § 3",
                LOV: "7 kap. 1 § första stycket 4 LOV"}, "ground", _misconduct_ground),
    GroundSpec("deficiency", "Allvarliga eller långvariga brister i ett tidigare kontrakt",
               {LOU: "13 kap. 3 § 7 LOU", LOU19: "19 kap. 17 § LOU, jfr 13 kap. 3 § 7"},
               "ground", _deficiency_ground, frozenset({LOU, LOU19})),
    GroundSpec("sanctions", "Sanktioner (förbud att tillhandahålla medel)",
               {LOU: "EU:s sanktionsförordningar", LOU19: "EU:s sanktionsförordningar",
                LOV: "EU:s sanktionsförordningar"}, "requirement", _sanctions_requirement),
    GroundSpec("tax_registration", "Registrering hos Skatteverket (F-skatt, arbetsgivare)",
               {LOU: "Kvalificeringskrav", LOU19: "Kvalificeringskrav", LOV: "Krav i förfrågningsunderlaget"},
               "requirement", _registration_requirement),
    GroundSpec("permit", "Tillstånd från IVO för tillståndspliktig verksamhet",
               {LOU: "Krav för tillståndspliktig verksamhet (t.ex. LSS 23 §, SoL 7 kap.)"},
               "requirement", _permit_requirement, applies=lambda ctx: ctx.permit_required),
)

# Grounds no registry can answer: listed in the kontrollunderlag so nobody reads their absence
# as a pass; the officer assesses them in the procurement itself.
MANUAL_GROUNDS = {
    LOU: ("13 kap. 3 § 1 (miljö-, social- och arbetsrättsliga skyldigheter)",
          "13 kap. 3 § 4 (konkurrensbegränsande överenskommelser)",
          "13 kap. 3 § 5 (intressekonflikt)", "13 kap. 3 § 6 (tidigare medverkan)",
          "13 kap. 3 § 8 (allvarligt vilseledande uppgifter)",
          "13 kap. 3 § 9 (otillbörlig påverkan)"),
    LOV: ("7 kap. 1 § första stycket 6 (brister i lämnade upplysningar)",),
}
MANUAL_GROUNDS[LOU19] = MANUAL_GROUNDS[LOU]


def grounds_for(ctx: CheckContext) -> list[GroundSpec]:
    return [g for g in GROUNDS if ctx.regime in g.regimes and g.applies(ctx)]


def evaluate(ctx: CheckContext, bundle: ev.EvidenceBundle) -> list[GroundOutcome]:
    """Every applicable ground and requirement, evaluated over the evidence (marked stale by
    the freshness limits that apply on ``ctx.on_date``)."""
    if ctx.regime not in REGIME_LABELS:
        raise ValueError(f"unknown regime {ctx.regime!r}")
    bundle = bundle.mark_stale(ctx.on_date, max_ages(ctx.values))
    return [g.evaluate(ctx, bundle, g) for g in grounds_for(ctx)]


def max_ages(values: Mapping[str, Any]) -> dict[str, int | None]:
    return {source: (int(values[rv.MAX_AGE_KEYS[source]])
                     if values.get(rv.MAX_AGE_KEYS[source]) is not None else None)
            for source in ev.AGE_LIMITED}


def overall(outcomes: Iterable[GroundOutcome]) -> str:
    """found if anything is found, else unknown if anything could not be checked, else clear.
    No outcomes at all is unknown: nothing was checked."""
    outcomes = list(outcomes)
    if not outcomes:
        return UNKNOWN
    return min((o.outcome for o in outcomes), key=OUTCOME_ORDER.__getitem__)


def regime_for(procedure: str, *, above_threshold: bool, welfare: bool) -> str:
    """Which rules apply: LOV for valfrihetssystem; LOU 19 kap. for welfare services and
    everything below the threshold; LOU 13 kap. for the rest."""
    if procedure == "lov":
        return LOV
    if welfare or procedure in ("lou_simplified", "direct_award"):
        return LOU19
    if procedure == "lou_open":
        return LOU
    return LOU if above_threshold else LOU19
