"""Grants: registration with eligibility warnings, the association profile, rule values.

Rule values (2 years etc.) are data with validity dates in the one store of rule values
(``oversight.rule_values``, keys ``grants.<code>``); the defaults are registered below.
Eligibility is checked when a grant is
registered (the result is stored on the grant) and shown again, up to date, on the association
page. A check that could not be performed (bankgiro holder) is a warning, never a pass.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from associations.models import (
    FUNDED_STATUSES,
    GRANT_FORMS,
    GRANT_STATUSES,
    AssociationProfile,
    Grant,
)
from oversight.accounts import verify_organisation_accounts
from oversight.auth.roles import ADMIN
from oversight.organisations.models import BankAccount, KeyPerson, Organisation
from oversight.rule_values import (
    POLICY,
    RuleDefault,
    RuleDefinition,
    RuleValueError,
    add_value,
    register,
    value_on,
)
from oversight.scoping import may_act, owned_by
from oversight.tabular import parse_amount

log = logging.getLogger(__name__)


class GrantError(ValueError):
    """A user-facing validation error (Swedish message)."""


# --- rules as data (the one store: oversight.rule_values) -----------------------------------------

_SOCIAL = "Stockholms stad, socialnämndens riktlinjer för föreningsbidrag"
_LOCAL = "Kommunens praxis (inte angiven i riktlinjerna; ange kommunens eget värde)"
_EPOCH = date(2000, 1, 1)
RULES = {  # code -> (Swedish label, English label, unit, default, source)
    "min_org_age_years": ("Minsta ålder på organisationsnumret", "Minimum age of the "
                          "organisation number", "years", 2, _SOCIAL),
    "verksamhetsbidrag_prior_years": ("År i följd med tidsbegränsat bidrag före "
                                      "verksamhetsbidrag", "Consecutive years of time-limited "
                                      "grant before an operating grant", "years", 2, _SOCIAL),
    "tidsbegransat_max_years": ("Högst antal år i följd med tidsbegränsat bidrag", "Most "
                                "consecutive years of time-limited grant", "years", 2, _SOCIAL),
    "report_due_months": ("Redovisning efter bidragsår senast", "Report due after a grant year "
                          "within", "months", 3, _LOCAL),
    "halfyear_report_due_months": ("Halvårsredovisning efter halvår senast", "Half-year report "
                                   "due within", "months", 1, _LOCAL),
}
for _code, (_sv, _en, _unit, _value, _source) in RULES.items():
    register(RuleDefinition(f"grants.{_code}", _sv, _en, _unit,
                            [RuleDefault(_EPOCH, _value, _source, kind=POLICY)]))


def rule_key(code: str) -> str:
    if code not in RULES:
        raise GrantError(_("Okänd regel: %(code)s.", code=code))
    return f"grants.{code}"


def rule_value(session: Session, code: str, on: date | None = None) -> Decimal:
    """The grant rule's value on ``on`` (today); ``RuleValueMissing`` when none is valid."""
    return value_on(session, rule_key(code), on or date.today())


def set_rule_value(session: Session, code: str, value, valid_from: date,
                   valid_to: date | None = None, source: str | None = None, user=None):
    try:
        return add_value(session, user, rule_key(code), value, valid_from,
                         source or "Nämndbeslut", valid_to=valid_to)
    except RuleValueError as exc:
        raise GrantError(str(exc)) from exc


# --- profile ----------------------------------------------------------------------------------

def get_profile(session: Session, org: Organisation) -> AssociationProfile | None:
    return session.scalar(select(AssociationProfile).where(
        AssociationProfile.organisation_id == org.id))


def save_profile(session: Session, org: Organisation, **fields) -> AssociationProfile:
    profile = get_profile(session, org)
    if profile is None:
        profile = AssociationProfile(organisation_id=org.id)
        session.add(profile)
    for key, value in fields.items():
        if not hasattr(AssociationProfile, key):
            raise GrantError(_("Okänt fält: %(key)s.", key=key))
        setattr(profile, key, value)
    session.flush()
    return profile


# --- eligibility --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # danger | warning
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def _years(start: date, end: date) -> set[int]:
    return set(range(start.year, end.year + 1))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _run_containing(years: set[int], year: int) -> int:
    """Length of the run of consecutive years in ``years`` that contains ``year``."""
    if year not in years:
        return 0
    lo = hi = year
    while lo - 1 in years:
        lo -= 1
    while hi + 1 in years:
        hi += 1
    return hi - lo + 1


def _longest_run_before(years: set[int], before: int) -> int:
    best = 0
    for y in years:
        if y < before:
            best = max(best, _run_containing({x for x in years if x < before}, y))
    return best


def check_age(session: Session, org: Organisation, on: date) -> list[Finding]:
    years = int(rule_value(session, "min_org_age_years", on))
    if org.registration_date is None:
        return [Finding("org_age_unknown", "warning",
                        f"Registreringsdatum för organisationsnumret är okänt: det går inte att "
                        f"visa att föreningen varit registrerad i minst {years} år.")]
    if _add_years(org.registration_date, years) > on:
        return [Finding("org_too_young", "danger",
                        f"Organisationsnumret registrerades {org.registration_date.isoformat()}: "
                        f"mindre än {years} år före {on.isoformat()} (krav: minst {years} år).")]
    return []


def _same_grantor_years(session: Session, grant: Grant, form: str) -> set[int]:
    stmt = select(Grant).where(Grant.organisation_id == grant.organisation_id,
                               Grant.form == form, Grant.status.in_(FUNDED_STATUSES))
    if grant.department_id:  # a department's own grants: the ones it owns and grants itself
        stmt = owned_by(stmt.where(Grant.funder_name.is_(None)), Grant, grant.department_id)
    else:
        stmt = stmt.where(Grant.funder_name == grant.funder_name)
    years: set[int] = set()
    for other in session.scalars(stmt):
        if other is not grant and other.id != grant.id:
            years |= _years(other.period_start, other.period_end)
    return years


def check_form_history(session: Session, grant: Grant, on: date) -> list[Finding]:
    if grant.form == "verksamhetsbidrag":
        need = int(rule_value(session, "verksamhetsbidrag_prior_years", on))
        years = _same_grantor_years(session, grant, "tidsbegransat")
        run = _longest_run_before(years, grant.period_start.year)
        if run < need:
            return [Finding("verksamhetsbidrag_without_prior", "danger",
                            f"Verksamhetsbidrag kräver minst {need} år i följd med tidsbegränsat "
                            f"bidrag från {grant.grantor}; registrerat: {run} år i följd.")]
    if grant.form == "tidsbegransat":
        most = int(rule_value(session, "tidsbegransat_max_years", on))
        years = _same_grantor_years(session, grant, "tidsbegransat")
        mine = _years(grant.period_start, grant.period_end)
        run = max(_run_containing(years | mine, y) for y in mine)
        if run > most:
            return [Finding("tidsbegransat_too_long", "danger",
                            f"Tidsbegränsat bidrag från {grant.grantor} blir {run} år i följd "
                            f"(högst {most} år; därefter verksamhetsbidrag).")]
    return []


def _shared_giro_findings(session: Session, org: Organisation, giros) -> list[Finding]:
    findings = []
    for account in giros:
        others = session.scalars(select(BankAccount).where(
            BankAccount.digits == account.digits, BankAccount.kind == account.kind,
            BankAccount.removed_at.is_(None), BankAccount.organisation_id != org.id)).all()
        for other in others:
            findings.append(Finding("giro_shared", "danger",
                                    f"{account} är också registrerat för "
                                    f"{other.organisation.name} ({other.organisation.orgnr}): "
                                    f"kontot kan inte vara enbart föreningens eget."))
    return findings


def check_accounts(session: Session, org: Organisation) -> list[Finding]:
    """A bankgiro or plusgiro registered in the association's name. Only a verified holder
    (MTCH) passes; no answer or an error is 'could not be verified', never a pass."""
    giros = [a for a in org.current_accounts if a.kind in ("bankgiro", "plusgiro")]
    if not giros:
        return [Finding("no_giro", "danger", "Inget bankgiro eller plusgiro är registrerat för "
                        "föreningen (kravet är ett bankgiro/plusgiro i föreningens namn).")]
    unverified = Finding(
        "giro_unverified", "warning",
        "Kontohavaren för " + ", ".join(str(a) for a in giros) + " kunde inte verifieras: "
        "räknas inte som godkänt.")
    try:
        results = [v for v in verify_organisation_accounts(session, org)
                   if v.kind in ("bankgiro", "plusgiro")]
    except Exception as exc:  # fail closed: an error is "could not be verified"
        log.warning("account verification failed for %s: %s", org.orgnr, exc)
        return _shared_giro_findings(session, org, giros) + [unverified]
    findings = []
    for v in results:
        label = f"{v.kind_label} {v.normalized or v.number}"
        if v.status in ("NMTC", "CMTC"):
            findings.append(Finding("giro_not_own", "danger",
                                    f"{label}: {v.status_label.lower()}. {v.explanation}"))
        elif v.status != "MTCH":
            findings.append(Finding("giro_unverified", "warning",
                                    f"Kontohavaren för {label} kunde inte verifieras: "
                                    f"{v.explanation} Räknas inte som godkänt."))
        for alert in v.alerts:
            findings.append(Finding("giro_" + alert.code.lower(), alert.severity,
                                    alert.text))
    if not results:
        findings.append(unverified)
    return findings


def check_warnings(org: Organisation, on: date) -> list[Finding]:
    active = org.active_warnings(on)
    if not active:
        return []
    parts = "; ".join(f"{w.category_label} ({w.department.name}, {w.issued_on.isoformat()})"
                      for w in active)
    noun = "aktiv varning" if len(active) == 1 else "aktiva varningar"  # stored: Swedish
    return [Finding("org_warning", "danger", f"Organisationen har {len(active)} {noun}: {parts}.")]


def check_payment_stops(session: Session, org: Organisation,
                        department_id: int | None = None) -> list[Finding]:
    """An active payment stop of a case on the association (oversight.cases.stops)."""
    from oversight.cases.stops import active_stops

    return [Finding("payment_stop", "danger", stop.text(department_id))
            for stop in active_stops(session, [org.id]).get(org.id, ())]


def refuse_payment_under_stop(session: Session, grant: Grant) -> None:
    """The granting department may not approve or resume payment of a grant to an
    association its own case has stopped (another department's stop is a warning)."""
    from oversight.cases.stops import active_stops

    own = [s for s in active_stops(session, [grant.organisation_id]).get(grant.organisation_id, ())
           if s.department_id == grant.owner_department_id]
    if own:
        raise GrantError(_("Bidraget kan inte betalas ut: %(stop)s", stop=own[0].text()))


def same_person_filter(person: KeyPerson):
    """Same personnummer; or the same name where one side has no personnummer."""
    same_name = func.lower(KeyPerson.name) == person.name.strip().lower()
    if person.personnummer:
        return or_(KeyPerson.personnummer == person.personnummer,
                   and_(KeyPerson.personnummer.is_(None), same_name))
    return same_name


def check_key_persons(session: Session, org: Organisation, on: date) -> list[Finding]:
    findings = []
    for person in org.key_persons:
        if person.to_date and person.to_date < on:
            continue
        others = session.scalars(select(KeyPerson).where(
            same_person_filter(person), KeyPerson.organisation_id != org.id)).all()
        for other in others:
            warned = other.organisation.active_warnings(on)
            if warned:
                how = ("samma personnummer" if person.personnummer and other.personnummer
                       else "samma namn")
                findings.append(Finding(
                    "key_person_flagged", "danger",
                    f"{person.role_label} {person.name} är också {other.role_label.lower()} i "
                    f"{other.organisation.name} ({how}), som har en aktiv varning: "
                    f"{warned[0].category_label}."))
    return findings


def eligibility(session: Session, org: Organisation, grant: Grant | None = None,
                on: date | None = None) -> list[Finding]:
    """All warnings for a grant (or, without one, for the association as it stands)."""
    on = on or (grant.applied_on if grant and grant.applied_on else None) or date.today()
    findings = check_age(session, org, on)
    if grant is not None:
        findings += check_form_history(session, grant, on)
    findings += check_accounts(session, org)
    findings += check_warnings(org, on)
    findings += check_key_persons(session, org, on)
    findings += check_payment_stops(session, org, grant.owner_department_id if grant else None)
    return findings


# --- registration --------------------------------------------------------------------------

def external_funders() -> list[str]:
    value = current_app.config["GRANT_EXTERNAL_FUNDERS"]
    if isinstance(value, str):  # OVERSIGHT_GRANT_EXTERNAL_FUNDERS="Regionen,MUCF"
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def _amount(value) -> Decimal:
    if isinstance(value, Decimal):
        value = str(value)
    try:
        amount = parse_amount(value, allow_negative=False)
    except ValueError as exc:
        raise GrantError(str(exc)) from None
    return amount.quantize(Decimal("0.01"))


def register_grant(session: Session, user, org: Organisation, *, form: str, purpose: str,
                   period_start: date, period_end: date, amount, department=None,
                   funder_name: str | None = None, activity: str | None = None,
                   applied_on: date | None = None, decision_date: date | None = None,
                   conditions: str | None = None, status: str = "granted",
                   reference: str | None = None) -> Grant:
    """Register an application or decision; eligibility warnings are stored on the grant.
    Granted grants get their report schedule (associations.followup)."""
    from associations.followup import schedule_reports

    if form not in GRANT_FORMS:
        raise GrantError(_("Okänd bidragsform: %(form)s.", form=form))
    if status not in ("applied", "granted", "rejected"):
        raise GrantError(_("En ny post kan bara vara ansökt, beviljad eller avslagen; innehåll, "
                         "stopp och återkrav registreras som beslut."))
    funder_name = (funder_name or "").strip() or None
    if (department is None) == (funder_name is None):
        raise GrantError(_("Ange antingen en förvaltning eller en extern finansiär."))
    owner = _owning_department(user, department)
    if not (purpose or "").strip():
        raise GrantError(_("Ange bidragets syfte."))
    if period_end < period_start:
        raise GrantError(_("Periodens slut ligger före dess början."))
    grant = Grant(
        organisation_id=org.id, department_id=getattr(department, "id", None),
        funder_name=funder_name, form=form, purpose=purpose.strip(),
        activity=(activity or "").strip() or None, period_start=period_start,
        period_end=period_end, amount=_amount(amount), applied_on=applied_on,
        decision_date=decision_date, conditions=(conditions or "").strip() or None,
        status=status, reference=(reference or "").strip() or None,
        created_by_id=getattr(user, "id", None), owner_department_id=owner)
    if department is not None:
        grant.department = department
    if status == "granted":
        refuse_payment_under_stop(session, grant)
    session.add(grant)
    session.flush()
    grant.eligibility = [f.as_dict() for f in eligibility(session, org, grant)]
    if status == "granted":
        schedule_reports(session, grant)
    session.flush()
    return grant


def _owning_department(user, department) -> int | None:
    """A grant is registered for the user's own department; an administrator may register one
    for any department (the audit entry of the new grant records who did). An external
    funder's grant is kept by the registering department. Without a user (the demo, a script
    acting as "system") the grant belongs to the department named."""
    if user is None:
        return getattr(department, "id", None)
    if not may_act(user):
        raise GrantError(_("Bidraget kan bara registreras av en handläggare."))
    if department is not None and department.id != user.department_id \
            and getattr(user, "role", None) != ADMIN:
        raise GrantError(_("Ett bidrag registreras för den egna förvaltningen."))
    return department.id if department is not None else user.department_id


def grants_for(session: Session, org: Organisation) -> list[Grant]:
    return list(session.scalars(select(Grant).where(Grant.organisation_id == org.id)
                                .order_by(Grant.period_start.desc(), Grant.id.desc())))


def status_label(status: str) -> str:
    return GRANT_STATUSES.get(status, status)
