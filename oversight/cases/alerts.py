"""Alerts of the case register, for the start page and ``flask cases alerts``: queued cases not
started within the start deadline, missed instalments, ersättningstalan deadlines coming up,
requests to other authorities past their follow-up date, repaid cases ready to close."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from oversight.cases import deadlines
from oversight.cases.decisions import repayment
from oversight.cases.models import Case, CaseActivity, CaseDecision
from oversight.cases.rules import rule_number, same_values
from oversight.cases.transitions import OPEN_STATUSES
from oversight.formatting import sek

CLAIM_WARNING_DAYS = 90


@dataclass(frozen=True)
class Alert:
    kind: str  # start_overdue | missed_instalment | claim_deadline | follow_up | ready_to_close
    #            | benefit_ended
    case_id: int
    reference: str
    text: str
    on: date
    severity: str = "warning"


def case_alerts(session: Session, case: Case, today: date) -> list[Alert]:
    # A new kind of alert needs its starting condition in ``may_alert`` too.
    out = []
    if case.status == "queued" and case.assessed_on:
        months = rule_number(session, "cases.start_deadline_months", today)
        if deadlines.start_overdue(case.assessed_on, months, today):
            due = deadlines.start_deadline(case.assessed_on, months)
            out.append(Alert("start_overdue", case.id, case.reference,
                             ngettext("Utredningen har inte påbörjats; den skulle ha startat senast "
                                      "%(due)s (%(num)s månad efter att ärendet ställdes i kö).",
                                      "Utredningen har inte påbörjats; den skulle ha startat senast "
                                      "%(due)s (%(num)s månader efter att ärendet ställdes i kö).",
                                      months, due=due.isoformat()), due, "danger"))
    if case.status in ("decision", "follow_up"):
        out += _money_alerts(session, case, today)
    for a in case.activities:
        if a.kind == "request" and not a.done and a.follow_up_on and a.follow_up_on < today:
            out.append(Alert("follow_up", case.id, case.reference,
                             _("Svar från %(counterpart)s skulle följas upp %(on)s.",
                               counterpart=a.counterpart or _("annan myndighet"),
                               on=a.follow_up_on.isoformat()), a.follow_up_on))
    return out


def _money_alerts(session: Session, case: Case, today: date) -> list[Alert]:
    out, r = [], repayment(session, case, today, CLAIM_WARNING_DAYS)
    for due in r.missed:
        out.append(Alert("missed_instalment", case.id, case.reference,
                         _("Avbetalningen %(amount)s som förföll %(on)s är inte betald.",
                           amount=sek(due.amount), on=due.due_on.isoformat()),
                         due.due_on, "danger"))
    if r.claim is not None and r.claim.state != "ok":
        deadline = r.claim.deadline.isoformat()
        text = (ngettext("Ersättningstalan måste väckas senast %(deadline)s (%(num)s dag kvar).",
                         "Ersättningstalan måste väckas senast %(deadline)s (%(num)s dagar kvar).",
                         r.claim.days_left, deadline=deadline)
                if r.claim.state == "warning" else
                _("Tiden för ersättningstalan gick ut %(deadline)s.", deadline=deadline))
        out.append(Alert("claim_deadline", case.id, case.reference, text, r.claim.deadline,
                         "danger" if r.claim.state == "expired" else "warning"))
    ended = [a for a in case.activities if a.kind == "benefit_ended" and not a.done]
    if ended and r.balance > 0:
        last = ended[-1]
        balance = sek(r.balance)
        text = (_("%(text)s %(balance)s kvar att betala.", text=last.text, balance=balance)
                if last.origin else  # automatic
                _("Personen lämnade förmånen %(on)s med %(balance)s kvar att betala: bedöm "
                  "betalningsförmågan och avbetalningsplanen på nytt.", on=last.on.isoformat(),
                  balance=balance))
        out.append(Alert("benefit_ended", case.id, case.reference, text, last.on))
    if r.ready_to_close:
        out.append(Alert("ready_to_close", case.id, case.reference,
                         _("Återkravet är betalt: ärendet kan avslutas."), today, "info"))
    return out


def may_alert(today: date):
    """The open cases ``case_alerts`` can say something about, as SQL (keep the two in step):
    a queued case with an assessment date, a case at decision or follow-up with a decision (every
    money alert starts from one), or a request past its follow-up date. The start page loads
    these with their decisions instead of every open case (244 → 53 on the large demo)."""
    overdue_request = exists().where(
        CaseActivity.case_id == Case.id, CaseActivity.kind == "request",
        CaseActivity.done.is_(False), CaseActivity.follow_up_on < today)
    has_decision = exists().where(CaseDecision.case_id == Case.id)
    return and_(Case.status.in_(OPEN_STATUSES), or_(
        and_(Case.status == "queued", Case.assessed_on.is_not(None)),
        and_(Case.status.in_(("decision", "follow_up")), has_decision),
        overdue_request))


def alerts_for_cases(session: Session, stmt, today: date | None = None) -> list[Alert]:
    today = today or date.today()
    stmt = stmt.where(may_alert(today)).options(
        selectinload(Case.decisions), selectinload(Case.payments), selectinload(Case.activities))
    cases = session.scalars(stmt).all()
    with same_values():
        return [a for case in cases for a in case_alerts(session, case, today)]


def department_alerts(session: Session, department_id: int, today: date | None = None) -> list[Alert]:
    """For the CLI (no request user): the department's cases."""
    from oversight.scoping import restrict_to_department

    class _Dept:  # the scoping helper takes a user; a department's stand-in
        is_authenticated = True

        def __init__(self, dept_id):
            self.department_id = dept_id

    return alerts_for_cases(session, restrict_to_department(select(Case), Case, _Dept(department_id)), today)
