"""Department scoping of personal data: the one place the rule lives.

Personal data (assistance users, time reports, cases about persons, internal notes) belongs
to the department that owns it and is visible only inside that department, whatever the
user's role. Every view and service that reads such data builds its query through
``scoped_select`` or loads a single row through ``get_scoped_or_404``; tests try to cross the
boundary through both.

Writes of department-owned data go through the same module: ``get_owned_or_404`` loads a row
for a change, ``owned_by`` filters a statement for services and jobs, ``may_change`` answers
for one row and the Jinja test ``changeable`` shows or hides actions in templates.
"""
from __future__ import annotations

from typing import TypeVar

from flask import abort
from sqlalchemy import Select, false, select
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


# --- ownership of writes ----------------------------------------------------------------------
# Every department-owned row (a procurement, contract, grant, warning, shared-account exception,
# a hearing, a job...) is changed only by the department that owns it, whether or not others may
# read it. A model names its owner column with ``__owner_column__`` (default ``department_id``),
# or, when it is owned through its parent, the many-to-one relationship with ``__owned_through__``
# (a grant's report is owned by the grant's department). Read-only roles change nothing.

def _owner_column(model):
    name = getattr(model, "__owner_column__", "department_id")
    column = getattr(model, name, None)
    if column is None:
        raise TypeError(f"{model.__name__} has no owner column {name!r}")
    return column


def owner_condition(model, department_id):
    """The SQL condition "``model`` rows owned by ``department_id``" (a nested ``has`` for
    rows owned through their parent)."""
    through = getattr(model, "__owned_through__", None)
    if through:
        relation = getattr(model, through)
        return relation.has(owner_condition(relation.property.mapper.class_, department_id))
    if department_id is None:
        return false()
    return _owner_column(model) == department_id


def owned_by(stmt: Select, model, department_id) -> Select:
    """Restrict ``stmt`` to rows of ``model`` owned by ``department_id``: for services and jobs
    that act for a department without a request (``None`` owns nothing)."""
    return stmt.where(owner_condition(model, department_id))


def owner_department_id(obj):
    """The id of the department that owns ``obj`` (None when nobody does)."""
    through = getattr(type(obj), "__owned_through__", None)
    if through:
        parent = getattr(obj, through)
        return owner_department_id(parent) if parent is not None else None
    return getattr(obj, _owner_column(type(obj)).key)


def may_act(user) -> bool:
    """A logged-in, active user of a role that may change anything (not read-only)."""
    from oversight.auth.roles import READ_ONLY_ROLES

    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "is_active", True)
                and getattr(user, "role", None) not in READ_ONLY_ROLES)


def may_change(user, obj) -> bool:
    """True when ``user`` may change ``obj``: an acting role in the owning department.
    No user (a job or script without an actor) may change nothing: fail closed."""
    if obj is None or not may_act(user):
        return False
    owner = owner_department_id(obj)
    return owner is not None and owner == getattr(user, "department_id", None)


def get_owned_or_404(session: Session, model: type[T], ident, user) -> T:
    """The row for a change, or 404 (the same answer whether it is missing or someone else's)."""
    obj = session.get(model, ident) if ident is not None else None
    if obj is None or not may_change(user, obj):
        abort(404)
    return obj


def changeable(obj) -> bool:
    """Jinja test: ``{% if grant is changeable %}`` shows an action only to the owner."""
    from flask_login import current_user

    return may_change(current_user, obj)


def init_app(app) -> None:
    app.jinja_env.tests["changeable"] = changeable
