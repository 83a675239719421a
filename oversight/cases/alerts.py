"""Alerts of the case register, for the start page and ``flask cases alerts``: queued cases not
started within the start deadline, missed instalments, ersättningstalan deadlines coming up,
requests to other authorities past their follow-up date, repaid cases ready to close."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from oversight.cases import deadlines
from oversight.cases.decisions import repayment
from oversight.cases.models import Case
from oversight.cases.rules import rule_number, same_values
from oversight.cases.transitions import OPEN_STATUSES

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
    out = []
    if case.status == "queued" and case.assessed_on:
        months = rule_number(session, "cases.start_deadline_months", today)
        if deadlines.start_overdue(case.assessed_on, months, today):
            due = deadlines.start_deadline(case.assessed_on, months)
            out.append(Alert("start_overdue", case.id, case.reference,
                             f"Utredningen har inte påbörjats; den skulle ha startat senast {due.isoformat()} "
                             f"({months} {'månad' if months == 1 else 'månader'} efter att ärendet "
                             "ställdes i kö).", due, "danger"))
    if case.status in ("decision", "follow_up"):
        out += _money_alerts(session, case, today)
    for a in case.activities:
        if a.kind == "request" and not a.done and a.follow_up_on and a.follow_up_on < today:
            out.append(Alert("follow_up", case.id, case.reference,
                             f"Svar från {a.counterpart or 'annan myndighet'} skulle följas upp "
                             f"{a.follow_up_on.isoformat()}.", a.follow_up_on))
    return out


def _money_alerts(session: Session, case: Case, today: date) -> list[Alert]:
    out, r = [], repayment(session, case, today, CLAIM_WARNING_DAYS)
    for due in r.missed:
        out.append(Alert("missed_instalment", case.id, case.reference,
                         f"Avbetalningen {due.amount:.2f} kr som förföll {due.due_on.isoformat()} är inte betald.",
                         due.due_on, "danger"))
    if r.claim is not None and r.claim.state != "ok":
        text = (f"Ersättningstalan måste väckas senast {r.claim.deadline.isoformat()} "
                f"({r.claim.days_left} {'dag' if r.claim.days_left == 1 else 'dagar'} kvar)."
                if r.claim.state == "warning" else
                f"Tiden för ersättningstalan gick ut {r.claim.deadline.isoformat()}.")
        out.append(Alert("claim_deadline", case.id, case.reference, text, r.claim.deadline,
                         "danger" if r.claim.state == "expired" else "warning"))
    ended = [a for a in case.activities if a.kind == "benefit_ended" and not a.done]
    if ended and r.balance > 0:
        last = ended[-1]
        text = (f"{last.text} {r.balance:.2f} kr kvar att betala." if last.origin else  # automatic
                f"Personen lämnade förmånen {last.on.isoformat()} med {r.balance:.2f} kr kvar "
                "att betala: bedöm betalningsförmågan och avbetalningsplanen på nytt.")
        out.append(Alert("benefit_ended", case.id, case.reference, text, last.on))
    if r.ready_to_close:
        out.append(Alert("ready_to_close", case.id, case.reference,
                         "Återkravet är betalt: ärendet kan avslutas.", today, "info"))
    return out


def alerts_for_cases(session: Session, stmt, today: date | None = None) -> list[Alert]:
    today = today or date.today()
    stmt = stmt.where(Case.status.in_(OPEN_STATUSES)).options(
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
