""""X har lämnat insatsen – pröva betalningsförmågan": when the platform itself knows that the
person or organisation of an open case with money still owed has left the benefit, the case
gets an automatic activity (kind ``benefit_ended``, author "system") and its investigator a
start-page item (``oversight.cases.alerts``), without anyone entering it by hand. Manual entry
stays (the same activity kind on the case page).

Domain modules register **sources** (``@benefit_source``): a function given the candidate cases
(open, with an återkrav decision and a balance above zero) and today, returning ``Ending``s.
Today: ``assistance`` (the person's LSS decision ended with no decision after it, the
assistance user of the same district) and ``associations`` (a grant-receiving association
deregistered according to the latest Bolagsverket answer). ``notify`` runs every source and
adds each ending once per case (``CaseActivity.origin`` is the ending's key); the worker runs it
daily (``cases.daily``) as the system user."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from oversight.cases.decisions import RECOVERY_KINDS, repayment
from oversight.cases.models import Case, CaseActivity
from oversight.cases.rules import same_values
from oversight.cases.transitions import OPEN_STATUSES


@dataclass(frozen=True)
class Ending:
    case_id: int
    origin: str  # unique per event, e.g. "assistance_user:12:2026-10-31"
    on: date
    what: str  # the sentence saying what ended, e.g. "LSS-beslutet upphörde 2026-10-31."


Source = Callable[[Session, list[Case], date], list[Ending]]
_SOURCES: list[Source] = []


def benefit_source(fn: Source) -> Source:
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def candidates(session: Session, today: date) -> list[Case]:
    """Open cases with an återkrav and money still owed (a system read over every
    department: the job acts for each case's own department)."""
    stmt = (select(Case).where(Case.status.in_(OPEN_STATUSES))
            .options(selectinload(Case.decisions), selectinload(Case.payments),
                     selectinload(Case.activities), selectinload(Case.links)))
    out = []
    with same_values():
        for case in session.scalars(stmt):
            if any(d.kind in RECOVERY_KINDS for d in case.decisions) \
                    and repayment(session, case, today).balance > 0:
                out.append(case)
    return out


def who(case: Case) -> str:
    if case.person_name:
        return case.person_name
    return _("Personen") if case.person_pnr else _("Organisationen")


def notify(session: Session, today: date | None = None) -> list[CaseActivity]:
    """Add the automatic notices not yet on their cases; returns the new activities."""
    today = today or date.today()
    cases = candidates(session, today)
    if not cases:
        return []
    by_id = {c.id: c for c in cases}
    added = []
    for source in _SOURCES:
        for ending in source(session, cases, today):
            case = by_id.get(ending.case_id)
            if case is None or any(a.origin == ending.origin for a in case.activities):
                continue
            activity = CaseActivity(
                department_id=case.department_id, kind="benefit_ended", on=ending.on,
                text=_("%(who)s har lämnat insatsen – pröva betalningsförmågan. %(what)s",
                       who=who(case), what=ending.what),
                author_name="system", origin=ending.origin[:120])
            case.activities.append(activity)
            added.append(activity)
    session.flush()
    return added


def daily(session: Session) -> None:
    """The worker's daily run (``cases.daily``)."""
    notify(session)
