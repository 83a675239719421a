"""Who may open a case: the owning department (through ``oversight.scoping``) plus the
investigators of other departments assigned to that one case. An assigned investigator's
every opening of the case is recorded in the audit trail."""
from __future__ import annotations

from flask import abort
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from oversight.audit import record_view
from oversight.cases.models import Case, CaseAssignment
from oversight.scoping import restrict_to_department


def _assigned_case_ids(user) -> Select:
    return select(CaseAssignment.case_id).where(CaseAssignment.user_id == user.id,
                                                CaseAssignment.revoked_at.is_(None))


def accessible_cases(user, model=Case) -> Select:
    """Cases of the user's department, or assigned to the user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return select(model).where(False)
    owned = restrict_to_department(select(Case.id), Case, user)
    return select(model).where(or_(Case.id.in_(owned), Case.id.in_(_assigned_case_ids(user))))


def is_assigned(session: Session, case: Case, user) -> bool:
    return session.scalar(_assigned_case_ids(user).where(CaseAssignment.case_id == case.id)) is not None


def case_or_404(session: Session, case_id: int, user) -> Case:
    case = session.scalar(accessible_cases(user).where(Case.id == case_id))
    if case is None:
        abort(404)
    if case.department_id != user.department_id:  # reached through an assignment: logged
        record_view(session, "fut_case", case.id,
                    f"{user.username} öppnade ärende {case.reference} genom tilldelning")
    return case


def is_owner(user, case: Case) -> bool:
    """True for the owning department's users (assignment, revocation and classification of
    the case stay with the owner)."""
    return bool(user and getattr(user, "department_id", None) == case.department_id)
