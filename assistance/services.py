"""Services of the assistance module: permits and their verification, alert actions and the
change of provider. Plain functions taking ``session``, the acting user and data; they flush,
never commit; the audit entries are written by the models' audit hook in the same transaction.
Personal data (assistance users, alerts) is reached through oversight.scoping."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from assistance import rules
from assistance.models import (
    ARRANGEMENT_KINDS,
    CONCLUSIVE_RESULTS,
    PERMIT_BOUND_KINDS,
    PERMIT_STATUSES,
    VERIFICATION_METHODS,
    VERIFICATION_RESULTS,
    Arrangement,
    AssistanceUser,
    Permit,
    PermitAlert,
    PermitVerification,
)
from assistance.permits import PERSONAL_ASSISTANCE, permit_status_on, same_activity
from oversight.db import in_chunks
from oversight.organisations.models import Organisation
from oversight.scoping import restrict_to_department
from registries.verdicts import freshness


class AssistanceError(ValueError):
    """What is wrong, in Swedish, for the officer."""


def _now() -> datetime:
    return datetime.now(UTC)


# --- permits -----------------------------------------------------------------------------------

def record_permit(session: Session, user, organisation: Organisation, *, status: str,
                  activity: str = PERSONAL_ASSISTANCE, reference: str | None = None,
                  decision_date: date | None = None, valid_from: date | None = None,
                  valid_to: date | None = None, source: str = "manual", note: str | None = None,
                  document=None) -> Permit:
    """Add a permit state (a notice from IVO: revocation, ban; or a manual entry). Never
    overwrites: the history keeps every row."""
    if status not in PERMIT_STATUSES:
        raise AssistanceError(_("Okänd tillståndsstatus %(code)s.", code=repr(status)))
    if valid_from and valid_to and valid_to < valid_from:
        raise AssistanceError(_("Slutdatumet ligger före startdatumet."))
    permit = Permit(organisation_id=organisation.id, activity=" ".join(activity.split()),
                    status=status, reference=(reference or "").strip() or None,
                    decision_date=decision_date, valid_from=valid_from, valid_to=valid_to,
                    source=source, note=(note or "").strip() or None,
                    document_id=getattr(document, "id", None),
                    recorded_by_id=getattr(user, "id", None), recorded_at=_now())
    session.add(permit)
    session.flush()
    return permit


def permits_of(session: Session, organisation_id: int) -> list[Permit]:
    return permits_by_organisation(session, [organisation_id]).get(organisation_id, [])


def permits_by_organisation(session: Session, organisation_ids) -> dict[int, list[Permit]]:
    """Each organisation's permits, newest recorded first, in one statement per chunk."""
    out: dict[int, list[Permit]] = {}
    for chunk in in_chunks(organisation_ids):
        for permit in session.scalars(select(Permit).where(Permit.organisation_id.in_(chunk))
                                      .order_by(Permit.recorded_at.desc(), Permit.id.desc())):
            out.setdefault(permit.organisation_id, []).append(permit)
    return out


def status_today(permits, on: date) -> str:
    return permit_status_on(permits, on)


# --- verification schedule -----------------------------------------------------------------------

def record_verification(session: Session, user, organisation: Organisation, *, verified_on: date,
                        method: str, result: str, note: str | None = None,
                        permit: Permit | None = None) -> PermitVerification:
    if method not in VERIFICATION_METHODS:
        raise AssistanceError(_("Okänt kontrollsätt %(code)s.", code=repr(method)))
    if result not in VERIFICATION_RESULTS:
        raise AssistanceError(_("Okänt resultat %(code)s.", code=repr(result)))
    if verified_on > date.today():
        raise AssistanceError(_("Kontrolldatumet ligger i framtiden."))
    row = PermitVerification(organisation_id=organisation.id, verified_on=verified_on,
                             method=method, result=result, note=(note or "").strip() or None,
                             permit_id=getattr(permit, "id", None),
                             verified_by_id=getattr(user, "id", None))
    session.add(row)
    session.flush()
    return row


def latest_verification(session: Session, organisation_id: int) -> PermitVerification | None:
    """The latest conclusive verification (a check that could not be made does not count)."""
    return latest_verifications(session, [organisation_id]).get(organisation_id)


def verification_overdue(session: Session, verification: PermitVerification | None, on: date,
                         max_age: int | None = None) -> bool:
    """Overdue when there is none, or it is older than the rule value (the boundary day is
    still in time: age == max age is not overdue). ``max_age``: the rule value, if known."""
    if verification is None:
        return True
    if max_age is None:
        max_age = rules.int_on(session, rules.VERIFICATION_MAX_AGE, on)
    return freshness(verification.verified_on, on, max_age).stale  # the registries' age rule


def active_provider_arrangements(session: Session, on: date, user=None):
    stmt = (select(Arrangement).join(AssistanceUser)
            .where(Arrangement.kind.in_(PERMIT_BOUND_KINDS), Arrangement.valid_from <= on,
                   or_(Arrangement.valid_to.is_(None), Arrangement.valid_to >= on)))
    if user is not None:
        stmt = restrict_to_department(stmt, AssistanceUser, user)
    return stmt


def providers_in_use(session: Session, on: date, user=None) -> dict[int, int]:
    """{organisation id: number of users with an active arrangement} (user: own district)."""
    sub = active_provider_arrangements(session, on, user).subquery()
    rows = session.execute(select(sub.c.provider_organisation_id,
                                  func.count(func.distinct(sub.c.assistance_user_id)))
                           .group_by(sub.c.provider_organisation_id))
    return {org_id: n for org_id, n in rows}


@dataclass
class ScheduleRow:
    organisation: Organisation
    users: int
    verification: PermitVerification | None
    overdue: bool
    status: str

    @property
    def age_days(self) -> int | None:
        return None if self.verification is None else (date.today() - self.verification.verified_on).days


def verification_schedule(session: Session, on: date, user=None) -> list[ScheduleRow]:
    """Every provider with an active arrangement (of the user's district, or all) and the state
    of its permit verification (a few statements, not two per provider: the start page)."""
    in_use = providers_in_use(session, on, user)
    orgs = session.scalars(select(Organisation).where(Organisation.id.in_(in_use))).all()
    max_age = rules.int_on(session, rules.VERIFICATION_MAX_AGE, on)
    latest = latest_verifications(session, in_use)
    permits = permits_by_organisation(session, in_use)
    out = []
    for org in sorted(orgs, key=lambda o: o.name):
        last = latest.get(org.id)
        out.append(ScheduleRow(org, in_use[org.id], last,
                               verification_overdue(session, last, on, max_age),
                               permit_status_on(permits.get(org.id, []), on)))
    return out


def latest_verifications(session: Session, organisation_ids) -> dict[int, PermitVerification]:
    """``latest_verification`` of many organisations, in one statement per chunk."""
    out: dict[int, PermitVerification] = {}
    for chunk in in_chunks(organisation_ids):
        for row in session.scalars(select(PermitVerification).where(
                PermitVerification.organisation_id.in_(chunk),
                PermitVerification.result.in_(CONCLUSIVE_RESULTS))
                .order_by(PermitVerification.verified_on.desc(), PermitVerification.id.desc())):
            out.setdefault(row.organisation_id, row)
    return out


# --- automated verification (the registries' IVO data) -----------------------------------------

_REGISTRY_STATUS = {"gällande": "valid", "återkallat": "revoked", "tillfälligt förbud": "banned",
                    "upphört": "ceased", "saknas": "missing"}


def verify_from_registry(session: Session, user, organisation: Organisation, on: date):
    """Use the latest conclusive, fresh IVO answer stored by the registries module. Returns the
    verification, or None when a manual check is needed (no answer, failed, or too old)."""
    from registries.services import latest_results

    lookup = latest_results(session, organisation).get("ivo")
    max_age = rules.int_on(session, rules.VERIFICATION_MAX_AGE, on)
    if lookup is None or not lookup.conclusive or lookup.is_stale(max_age, on):
        return None
    records = [r for r in lookup.records if same_activity(r.activity, PERSONAL_ASSISTANCE)]
    checked_on = lookup.evidence_date
    already = session.scalar(select(PermitVerification).where(
        PermitVerification.organisation_id == organisation.id, PermitVerification.method == "registry",
        PermitVerification.verified_on == checked_on))
    if already is not None:
        return already
    if not records:
        return record_verification(session, user, organisation, verified_on=checked_on,
                                   method="registry", result="not_found",
                                   note=f"IVO-besked {lookup.id}: inget tillstånd för personlig assistans")
    record = max(records, key=lambda r: r.decision_date or date.min)
    status = _REGISTRY_STATUS.get(record.status, "unknown")
    current = permit_status_on(permits_of(session, organisation.id), on)
    permit = None
    if status != current:
        permit = record_permit(session, user, organisation, status=status,
                               reference=record.diarienummer, decision_date=record.decision_date,
                               valid_from=record.decision_date if status != "valid" else None,
                               source="registry", note=f"IVO-besked {lookup.id}")
    return record_verification(session, user, organisation, verified_on=checked_on,
                               method="registry", result="changed" if permit else "no_change",
                               note=f"IVO-besked {lookup.id}", permit=permit)


def verify_permits(session: Session, user, on: date) -> tuple[list, list[ScheduleRow]]:
    """Run what can be automated for every overdue provider; return (verified, needs manual)."""
    verified, manual = [], []
    for row in verification_schedule(session, on):
        if not row.overdue:
            continue
        done = verify_from_registry(session, user, row.organisation, on)
        if done is not None and not verification_overdue(session, done, on):
            verified.append((row.organisation, done))
        else:
            manual.append(row)
    return verified, manual


# --- alert actions -----------------------------------------------------------------------------

def handle_alert(session: Session, user, alert: PermitAlert, comment: str) -> PermitAlert:
    comment = (comment or "").strip()
    if not comment:
        raise AssistanceError(_("Skriv en kommentar om hur larmet hanterades."))
    alert.state, alert.handled_comment = "handled", comment
    alert.handled_by_id, alert.handled_at = getattr(user, "id", None), _now()
    session.flush()
    return alert


def reopen_alert(session: Session, user, alert: PermitAlert) -> PermitAlert:
    alert.state = "open"
    session.flush()
    return alert


def alert_ref(alert: PermitAlert) -> str:
    """The finding reference a permit alert's case carries (``Case.finding_ref``)."""
    return f"assistance_permit_alert:{alert.id}"


def linked_case(session: Session, user, module: str, finding_ref: str):
    """The latest case of the user's district opened from this finding (None if there is none)."""
    from oversight.cases.models import Case

    stmt = restrict_to_department(select(Case), Case, user).where(
        Case.module == module, Case.finding_ref == finding_ref)
    return session.scalar(stmt.order_by(Case.id.desc()).limit(1))


def open_case_for_alert(session: Session, user, alert: PermitAlert, note: str):
    """Open an investigation case for the alert in the case register (owned by the alert's
    district, linked to the provider, carrying the alert's evidence); the alert records the
    case's reference. Opening twice returns the case already open."""
    from oversight.cases.services import open_case_from_finding

    note = (note or "").strip()
    if not note:
        raise AssistanceError(_("Skriv vad ärendet gäller."))
    if getattr(user, "department_id", None) != alert.department_id:
        raise AssistanceError(_("Larmet hör till en annan stadsdel."))
    org = alert.organisation
    evidence = "\n".join([
        f"Tillståndslarm {alert.id}: {org.name} ({org.orgnr}) saknade giltigt IVO-tillstånd "
        f"({alert.status_label}) {alert.first_day.isoformat()}–{alert.last_day.isoformat()}.",
        f"Dagar utan tillstånd: {alert.days_without_permit}; berörda brukare i stadsdelen: "
        f"{alert.users_count}.",
        f"Anteckning: {note}"])
    case = open_case_from_finding(
        session, user, module="assistance", finding_ref=alert_ref(alert),
        title=f"Assistans utan tillstånd: {org.name}", evidence=evidence,
        organisation_id=org.id)
    stamp = f"{date.today().isoformat()} {getattr(user, 'name', 'system')}"
    line = f"{stamp}: {_('Ärende %(ref)s', ref=case.reference)}: {note}"
    alert.case_note = ((alert.case_note + "\n") if alert.case_note else "") + line
    session.flush()
    return case


def record_ivo_notification(session: Session, user, alert: PermitAlert, *, name_users: bool,
                            on: date | None = None) -> PermitAlert:
    alert.ivo_notified_on = on or date.today()
    alert.ivo_letter_names_users = bool(name_users)
    session.flush()
    return alert


def record_user_told(session: Session, user, arrangement: Arrangement, told_on: date) -> Arrangement:
    if told_on > date.today():
        raise AssistanceError(_("Datumet ligger i framtiden."))
    arrangement.user_told_of_revocation_on = told_on
    session.flush()
    return arrangement


def change_provider(session: Session, user, person: AssistanceUser, *, from_day: date, kind: str,
                    organisation: Organisation | None = None) -> Arrangement:
    """End the arrangement active on ``from_day`` the day before and start a new one."""
    if kind not in ARRANGEMENT_KINDS:
        raise AssistanceError(_("Okänd form %(code)s.", code=repr(kind)))
    if (kind in PERMIT_BOUND_KINDS) != (organisation is not None):
        raise AssistanceError(_("Ange anordnaren (organisationsnummer) för en assistansanordnare, "
                                "och ingen anordnare för egen arbetsgivare eller kommunen."))
    for current in person.arrangements:
        if current.valid_from >= from_day:
            raise AssistanceError(_("Det finns redan ett arrangemang som börjar samma dag eller senare."))
        if current.active_on(from_day) or (current.valid_to is None):
            current.valid_to = from_day - timedelta(days=1)
    new = Arrangement(valid_from=from_day, kind=kind,
                      provider_organisation_id=getattr(organisation, "id", None))
    person.arrangements.append(new)
    session.flush()
    return new
