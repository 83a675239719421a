"""Tips and cases: registration (staff, public form, findings), transitions, assignment,
activities, links and classification. Plain functions taking the session and the acting user;
they flush, never commit; the audit trail records every row change in the same transaction."""
from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oversight.auth.models import Department, User
from oversight.auth.roles import INVESTIGATOR
from oversight.cases import codes, transitions
from oversight.cases.models import Case, CaseActivity, CaseAssignment, CaseEvent, CaseLink
from oversight.identifiers import validate_personnummer, validate_samordningsnummer
from oversight.scoping import restrict_to_department


class CaseError(ValueError):
    """A request the case register refuses (Swedish message)."""


def _actor_name(user) -> str:
    return user.name if user is not None else "system"


def next_reference(session: Session, department: Department, year: int) -> str:
    prefix = f"{department.code.upper()}-{year}-"
    count = session.scalar(select(func.count()).select_from(Case)
                           .where(Case.reference.like(prefix + "%"))) or 0
    while True:
        count += 1
        ref = f"{prefix}{count:04d}"
        if session.scalar(select(Case.id).where(Case.reference == ref)) is None:
            return ref


def normalise_pnr(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    for validate in (validate_personnummer, validate_samordningsnummer):
        result = validate(value)
        if result.valid:
            return result.normalized
    raise CaseError(_("Personnumret är inte giltigt (ÅÅMMDD-NNNN, kontrollsiffra)."))


def _event(session: Session, user, case: Case, from_status: str | None, to_status: str,
           on: date, note: str | None = None) -> None:
    case.events.append(CaseEvent(
        department_id=case.department_id, from_status=from_status, to_status=to_status, on=on,
        actor_id=getattr(user, "id", None), actor_name=_actor_name(user), note=note))


def register_case(session: Session, user, *, department: Department, title: str, source: str,
                  description: str | None = None, received_on: date | None = None,
                  module: str = "tip", finding_ref: str | None = None, evidence: str | None = None,
                  organisation_id: int | None = None, person_name: str | None = None,
                  person_pnr: str | None = None, amount_estimate: Decimal | None = None,
                  reporter_contact: str | None = None, receipt_number: str | None = None,
                  investigator: User | None = None, reference: str | None = None) -> Case:
    if source not in codes.SOURCES:
        raise CaseError(_("Okänd källa för uppgiften."))
    if not title or not title.strip():
        raise CaseError(_("Ange en rubrik."))
    received_on = received_on or date.today()
    if received_on > date.today():
        raise CaseError(_("Datum då uppgiften kom in kan inte ligga i framtiden."))
    case = Case(
        reference=reference or next_reference(session, department, received_on.year),
        department_id=department.id, title=title.strip()[:300], source=source,
        description=description, received_on=received_on, module=module,
        finding_ref=finding_ref, evidence=evidence, organisation_id=organisation_id,
        person_name=person_name or None, person_pnr=normalise_pnr(person_pnr),
        amount_estimate=amount_estimate, reporter_contact=reporter_contact,
        receipt_number=receipt_number, status="registered",
        investigator_id=investigator.id if investigator is not None else None)
    session.add(case)
    _event(session, user, case, None, "registered", received_on)
    session.flush()
    return case


def new_receipt_number(session: Session) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        number = "T-" + "".join(secrets.choice(alphabet) for _ in range(8))
        if session.scalar(select(Case.id).where(Case.receipt_number == number)) is None:
            return number


def register_public_tip(session: Session, *, department: Department, text: str,
                        contact: str | None) -> Case:
    """A tip from the public form, attributed to "system"; the receipt number is the only
    thing the sender gets back."""
    if department.valid_to is not None and department.valid_to < date.today():
        raise CaseError(_("Förvaltningen finns inte längre; välj en annan."))
    return register_case(
        session, None, department=department, title="Tips via webbformulär",
        source="public" if contact else "anonymous", description=text.strip(),
        reporter_contact=(contact or "").strip() or None,
        receipt_number=new_receipt_number(session))


def transition(session: Session, user, case: Case, target: str, *, on: date | None = None,
               reason: str | None = None, note: str | None = None) -> Case:
    on = on or date.today()
    transitions.check(case.status, target, reason=reason)
    if target == "closed":
        from oversight.cases.stops import check_can_close

        check_can_close(case)
    if target == "not_opened" and reason not in codes.NOT_OPENED_REASONS:
        raise CaseError(_("Okänt skäl till att utredning inte inleds."))
    if on < case.received_on:
        raise CaseError(_("Datumet kan inte ligga före datumet då uppgiften kom in."))
    if target in ("not_opened", "queued"):
        case.assessed_on = on
        case.not_opened_reason = reason if target == "not_opened" else None
    elif target == "investigation" and case.investigation_started_on is None:
        case.investigation_started_on = on
    elif target == "closed":
        case.closed_on = on
    _event(session, user, case, case.status, target, on, note)
    case.status = target
    session.flush()
    return case


def assess(session: Session, user, case: Case, *, open_case: bool, reason: str | None = None,
           on: date | None = None, amount_estimate: Decimal | None = None,
           risk_of_loss: bool = False, ongoing_error: bool = False, note: str | None = None) -> Case:
    """The preliminary assessment in one step: into assessment (if needed) and then queued
    with its priority criteria, or not opened with the reason."""
    if case.status == "registered":
        transition(session, user, case, "assessment", on=on)
    if open_case:
        case.amount_estimate = amount_estimate if amount_estimate is not None else case.amount_estimate
        case.risk_of_loss, case.ongoing_error = risk_of_loss, ongoing_error
        return transition(session, user, case, "queued", on=on, note=note)
    return transition(session, user, case, "not_opened", on=on, reason=reason, note=note)


def set_investigator(session: Session, user, case: Case, investigator: User | None) -> None:
    if investigator is not None and investigator.department_id != case.department_id:
        raise CaseError(_("Handläggaren hör till en annan förvaltning: använd tilldelning."))
    case.investigator_id = investigator.id if investigator is not None else None
    session.flush()


def assign(session: Session, user, case: Case, assignee: User, reason: str | None = None) -> CaseAssignment:
    """Give an investigator of another department access to this one case (audited)."""
    if assignee.role != INVESTIGATOR or not assignee.active:
        raise CaseError(_("Bara aktiva utredare kan tilldelas ett ärende."))
    if assignee.department_id == case.department_id:
        raise CaseError(_("Utredaren hör redan till förvaltningen; välj som handläggare i stället."))
    if any(a.user_id == assignee.id and a.revoked_at is None for a in case.assignments):
        raise CaseError(_("Utredaren är redan tilldelad ärendet."))
    assignment = CaseAssignment(department_id=case.department_id, user_id=assignee.id,
                                assigned_by_id=getattr(user, "id", None), reason=reason)
    case.assignments.append(assignment)
    session.flush()
    return assignment


def revoke_assignment(session: Session, user, assignment: CaseAssignment) -> None:
    if assignment.revoked_at is None:
        assignment.revoked_at = datetime.now(UTC)
        session.flush()


def add_activity(session: Session, user, case: Case, *, kind: str, text: str,
                 on: date | None = None, counterpart: str | None = None,
                 follow_up_on: date | None = None) -> CaseActivity:
    if kind not in codes.ACTIVITY_KINDS:
        raise CaseError(_("Okänd typ av händelse."))
    if not text or not text.strip():
        raise CaseError(_("Skriv vad som hänt."))
    if kind == "request" and follow_up_on is None:
        raise CaseError(_("En begäran till annan myndighet behöver ett datum för uppföljning."))
    activity = CaseActivity(department_id=case.department_id, kind=kind, text=text.strip(),
                            on=on or date.today(), counterpart=counterpart,
                            follow_up_on=follow_up_on, author_name=_actor_name(user))
    case.activities.append(activity)
    session.flush()
    return activity


def add_link(session: Session, user, case: Case, *, kind: str, ref: str,
             label: str | None = None) -> CaseLink:
    if kind not in codes.LINK_KINDS:
        raise CaseError(_("Okänd typ av koppling."))
    link = CaseLink(department_id=case.department_id, kind=kind, ref=str(ref), label=label)
    case.links.append(link)
    session.flush()
    return link


CLASSIFICATION = {"cause": codes.CAUSES, "intent": codes.INTENTS,
                  "preventable": codes.PREVENTABLE, "sex": codes.SEXES}


def classify(session: Session, user, case: Case, **values) -> Case:
    """Cause, intent, preventable, sex (coded) and detected_by (free text)."""
    for key, value in values.items():
        value = value or None
        if key in CLASSIFICATION and value is not None and value not in CLASSIFICATION[key]:
            raise CaseError(_("Okänt värde för %(field)s: %(value)s", field=key, value=value))
        if key not in CLASSIFICATION and key != "detected_by":
            raise CaseError(_("Okänt fält: %(field)s", field=key))
        setattr(case, key, value)
    session.flush()
    return case


def set_saved_amount(session: Session, user, case: Case, amount: Decimal | None,
                     on: date | None = None) -> None:
    if amount is not None and amount < 0:
        raise CaseError(_("Besparingen kan inte vara negativ."))
    case.saved_amount, case.saved_on = amount, (on or date.today()) if amount is not None else None
    session.flush()


def open_case_from_finding(session: Session, user, *, module: str, finding_ref: str, title: str,
                           evidence: str, organisation_id: int | None = None,
                           person_id: int | None = None, amount: Decimal | None = None) -> Case:
    """A finding of any module becomes a case in the acting user's department, carrying the
    finding's evidence. Idempotent: an open case for the same finding is returned as it is."""
    if module not in codes.MODULES:
        raise CaseError(_("Okänd modul: %(module)s", module=module))
    existing = session.scalar(restrict_to_department(select(Case), Case, user).where(
        Case.module == module,
        Case.finding_ref == finding_ref, Case.status.notin_(("closed", "not_opened"))))
    if existing is not None:
        return existing
    department = session.get(Department, user.department_id)
    case = register_case(session, user, department=department, title=title, source="automated",
                         module=module, finding_ref=finding_ref, evidence=evidence,
                         organisation_id=organisation_id, amount_estimate=amount)
    if organisation_id is not None:
        add_link(session, user, case, kind="organisation", ref=str(organisation_id))
    if person_id is not None:
        add_link(session, user, case, kind="person", ref=str(person_id))
    return case
