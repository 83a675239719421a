"""What a stored answer means for an officer: ok, warning, not checked, or stale, with the
sentences that say why. Fail closed: an answer that is not conclusive is "not checked" unless
what did arrive already shows a finding; an old answer is "stale", never "ok"."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from oversight.formatting import sek
from oversight.labels import Labels, score_phrase
from oversight.labels import label as code_label
from registries.base import NOT_FOUND
from registries.bolagsverket_codes import DISTRESS
from registries.verdicts import STALE_LABEL, freshness, ivo_verdict

OK, WARNING, NOT_CHECKED, STALE, READ = "ok", "warning", "not_checked", "stale", "read"
LEVEL_LABELS = Labels({OK: "Inga anmärkningar", WARNING: "Anmärkning", NOT_CHECKED: "Kunde inte kontrolleras",
                       STALE: STALE_LABEL, READ: "Läs svaret"})
BADGES = {OK: "badge-ok", WARNING: "badge-danger", NOT_CHECKED: "badge-warn", STALE: "badge-warn",
          READ: "badge-warn"}


@dataclass(frozen=True)
class Assessment:
    level: str
    findings: tuple[str, ...] = ()  # reasons for a warning
    notes: tuple[str, ...] = ()  # worth knowing, not a warning
    max_age_days: int | None = None  # the answer age limit applied (None: no limit)

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def badge(self) -> str:
        return BADGES[self.level]


def rule(registry: str):
    """Register the rules for another registry: ``fn(stored) -> (findings, notes)``, or
    ``(findings, notes, unanswered)`` where ``unanswered`` names what the answer does not say
    (then it is "could not be checked", never "ok")."""
    def decorator(fn):
        _RULES[registry] = fn
        return fn
    return decorator


def assess(stored, stale_after_days: int | None = None, today: date | None = None) -> Assessment:
    """Without rules for the registry, a conclusive answer is "read it", never "ok". The age
    limit is applied by ``registries.verdicts.freshness``, as in the supplier checks."""
    known = stored.registry in _RULES
    findings, notes, *rest = _RULES[stored.registry](stored) if known else ((), ())
    unanswered = tuple(rest[0]) if rest else ()
    fresh = freshness(stored.evidence_date, today or date.today(), stale_after_days)
    if fresh.stale:
        notes = notes + (fresh.sentence(),)
    if not stored.conclusive:
        reason = stored.message or stored.status_label
        if stored.missing:
            reason = "Saknas i svaret: " + ", ".join(stored.missing) + "."
        notes = (reason,) + notes
    if findings:
        return Assessment(WARNING, findings, notes, fresh.max_age_days)
    if not stored.conclusive or unanswered:
        return Assessment(NOT_CHECKED, (), notes, fresh.max_age_days)
    return Assessment(STALE if fresh.stale else OK if known else READ, (), notes, fresh.max_age_days)


def max_age_key(registry: str) -> str:
    """The dated rule value that limits how old an answer from ``registry`` may be (one value,
    shared with the supplier checks and, for IVO, the assistance module)."""
    return ("ivo.permit_verification_max_age_days" if registry == "ivo"
            else f"registries.{registry}.max_age_days")


def assess_configured(stored, today: date | None = None) -> Assessment:
    """``assess`` with the answer age valid today for the registry (rule values)."""
    from oversight.extensions import db
    from oversight.rule_values import is_registered, value_on

    day = today or date.today()
    key = max_age_key(stored.registry)
    if not is_registered(key):  # another module's own answers: no age limit defined
        return assess(stored, None, day)
    return assess(stored, int(value_on(db.session, key, day)), day)


def _d(value) -> str:
    return value.isoformat() if value else "okänt datum"


def _bolagsverket(stored):
    if stored.status == NOT_FOUND:
        return ("Organisationen finns inte registrerad hos Bolagsverket eller SCB.",), ()
    findings, notes = [], []
    for record in stored.records:
        if record.deregistration_date:
            reason = f" ({record.deregistration_reason})" if record.deregistration_reason else ""
            findings.append(f"Avregistrerad {_d(record.deregistration_date)}{reason}.")
        for proceeding in record.proceedings:
            text = f"{proceeding.label or proceeding.code} sedan {_d(proceeding.from_date)}."
            (findings if proceeding.code in DISTRESS else notes).append(text)
        if record.active is False and not record.deregistration_date:
            findings.append("Inte verksam enligt SCB.")
        if record.registration_date and (date.today() - record.registration_date).days < 365:
            notes.append(f"Nyregistrerad {_d(record.registration_date)}.")
    return tuple(findings), tuple(notes)


def _sanctions(stored):
    findings, notes = [], []
    for hit in stored.records:
        where = (", ".join(code_label(d, "dataset") for d in hit.datasets)
                 or ("lokal lista" if hit.source == "local-list" else "okänd lista"))
        if hit.category:
            where += f", {hit.category}"
        text = f"{hit.caption} ({where}, {score_phrase(hit.score)})"
        # A near name on the municipality's own list is worth a look; yente's candidates below
        # the threshold are many and weak, so they are only noted.
        flag = hit.match or hit.source == "local-list"
        (findings if flag else notes).append(("Träff: " if hit.match else "Möjlig träff att granska: ") + text)
    return tuple(findings), tuple(notes)


def _skatteverket(stored):
    findings, notes, unanswered = [], [], []
    for r in stored.records:
        for value, missing, label in ((r.f_tax, "Saknar F-skatt.", "F-skatt"), (r.vat, "Inte momsregistrerad.", "moms"),
                                      (r.employer, "Inte registrerad som arbetsgivare.", "arbetsgivare")):
            if value is False:
                findings.append(missing)
            elif value is None:
                notes.append(f"Besked om {label} saknas.")
                unanswered.append(label)
    if stored.conclusive and not stored.records:
        notes.append("Svaret innehåller inga uppgifter om registrering.")
        unanswered.append("registrering")
    return tuple(findings), tuple(notes), tuple(unanswered)


def _kronofogden(stored):
    findings = []
    for r in stored.records:
        if r.has_debt:
            kinds = f" ({', '.join(r.case_types)})" if r.case_types else ""
            findings.append(f"Skulder hos Kronofogden: {sek(r.amount)}{kinds}.")
    return tuple(findings), ()


def _ivo(stored):
    """The one IVO verdict (``registries.verdicts.ivo_verdict``), as the supplier check reads it."""
    if not stored.conclusive and not stored.records:
        return (), ()
    return ivo_verdict(stored.records)


_RULES = {"bolagsverket": _bolagsverket, "sanctions": _sanctions, "skatteverket": _skatteverket,
          "kronofogden": _kronofogden, "ivo": _ivo}
