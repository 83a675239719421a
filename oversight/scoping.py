"""Department scoping of personal data: the one place the rule lives.

Personal data (assistance users, time reports, cases about persons, internal notes) belongs
to the department that owns it and is visible only inside that department, whatever the
user's role. Every view and service that reads such data builds its query through
``scoped_select`` or loads a single row through ``get_scoped_or_404``; tests try to cross the
boundary through both.
"""
from __future__ import annotations

from typing import TypeVar

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

T = TypeVar("T")


def _require_scoped_model(model) -> None:
    if not getattr(model, "__department_scoped__", False) or not hasattr(model, "department_id"):
        raise TypeError(f"{model.__name__} is not a department-scoped model")


def restrict_to_department(stmt: Select, model, user) -> Select:
    """Add the department filter to an existing select over ``model``."""
    _require_scoped_model(model)
    if user is None or not getattr(user, "is_authenticated", False):
        return stmt.where(False)
    return stmt.where(model.department_id == user.department_id)


def scoped_select(model, user) -> Select:
    return restrict_to_department(select(model), model, user)


def get_scoped(session: Session, model: type[T], ident, user) -> T | None:
    stmt = restrict_to_department(select(model).where(model.id == ident), model, user)
    return session.scalar(stmt)


def get_scoped_or_404(session: Session, model: type[T], ident, user) -> T:
    """404 rather than 403: another district's case must not even be confirmed to exist."""
    obj = get_scoped(session, model, ident, user)
    if obj is None:
        abort(404)
    return obj
