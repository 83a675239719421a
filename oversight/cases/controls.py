"""The control calendar (årshjul): recurring controls per department with owner and due date;
each run is recorded with its outcome and the cases it produced."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from oversight.cases.deadlines import add_months
from oversight.cases.models import ControlRoutine, ControlRun
from oversight.cases.services import CaseError, register_case


def add_routine(session: Session, user, *, name: str, next_due_on: date, interval_months: int = 12,
                description: str | None = None) -> ControlRoutine:
    if interval_months < 1:
        raise CaseError(_("Intervallet måste vara minst en månad."))
    routine = ControlRoutine(department_id=user.department_id, name=name.strip(), description=description,
                             owner_id=user.id, interval_months=interval_months, next_due_on=next_due_on)
    session.add(routine)
    session.flush()
    return routine


def record_run(session: Session, user, routine: ControlRoutine, *, run_on: date, outcome: str,
               sample_size: int | None = None, case_titles: list[str] = ()) -> ControlRun:
    if run_on > date.today():
        raise CaseError(_("En kontroll kan inte registreras som genomförd i framtiden."))
    run = ControlRun(department_id=routine.department_id, run_on=run_on, outcome=outcome.strip(),
                     sample_size=sample_size, run_by_name=user.name)
    routine.runs.append(run)
    session.flush()
    for title in (t.strip() for t in case_titles):
        if title:
            case = register_case(session, user, department=user.department, title=title,
                                 source="automated", module="control", received_on=run_on,
                                 finding_ref=f"control_run:{run.id}",
                                 evidence=f"Kontroll: {routine.name} {run_on.isoformat()}. {run.outcome}")
            case.control_run_id = run.id
    while routine.next_due_on <= run_on:
        routine.next_due_on = add_months(routine.next_due_on, routine.interval_months)
    session.flush()
    return run
