"""'What needs attention': each domain module registers a provider that returns items for
the user's start page (new warnings, monitoring findings, overdue reports, ...)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import not_, select
from sqlalchemy.orm import Session, selectinload

from oversight.scoping import owner_condition


@dataclass(frozen=True)
class AttentionItem:
    title: str
    detail: str
    url: str
    severity: str = "info"  # info | warning | danger
    on: date | None = None


Provider = Callable[[Session, object], list[AttentionItem]]
_PROVIDERS: list[Provider] = []


def provider(fn: Provider) -> Provider:
    _PROVIDERS.append(fn)
    return fn


def items_for(session: Session, user) -> list[AttentionItem]:
    items = [item for fn in _PROVIDERS for item in fn(session, user)]
    order = {"danger": 0, "warning": 1, "info": 2}
    return sorted(items, key=lambda i: (order.get(i.severity, 3), -(i.on or date.min).toordinal()))


@provider
def recent_warnings(session: Session, user) -> list[AttentionItem]:
    """Warnings raised by other departments in the last 30 days: the central channel."""
    from flask import url_for

    from oversight.organisations.models import OrganisationWarning

    since = date.today() - timedelta(days=30)
    stmt = (select(OrganisationWarning)
            .where(OrganisationWarning.issued_on >= since,
                   OrganisationWarning.withdrawn_at.is_(None),
                   not_(owner_condition(OrganisationWarning, user.department_id)))
            .options(selectinload(OrganisationWarning.organisation),
                     selectinload(OrganisationWarning.department))
            .order_by(OrganisationWarning.issued_on.desc()).limit(20))
    return [
        AttentionItem(
            title=_("Ny varning: %(name)s", name=w.organisation.name),
            detail=_("%(category)s, från %(department)s: %(reason)s", category=w.category_label,
                     department=w.department.name, reason=w.reason[:160]),
            url=url_for("organisations.show", org_id=w.organisation_id),
            severity="warning", on=w.issued_on)
        for w in session.scalars(stmt) if w.is_active()
    ]


ACCESS_CHANGE_DAYS = 30


@provider
def access_changes(session: Session, user) -> list[AttentionItem]:
    """"X har fått behörighet i din förvaltning": an administrator created a user in the
    department, moved one into it or changed the role of one in it (last 30 days, read from
    the audit trail, so the item cannot be suppressed without breaking the chain)."""
    from flask import url_for

    from oversight.audit import AuditEntry
    from oversight.auth.models import User
    from oversight.auth.roles import ROLE_LABELS
    from oversight.db import utcnow

    since = utcnow() - timedelta(days=ACCESS_CHANGE_DAYS)
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == User.__tablename__, AuditEntry.action.in_(("create", "update")),
        AuditEntry.actor_id.is_not(None),  # a person did it (not the demo or a script)
        AuditEntry.at >= since).order_by(AuditEntry.id.desc()).limit(200))
    items = []
    for entry in entries:
        after = entry.after or {}
        target_id = entry.entity_id or after.get("id")
        if not ({"department_id", "role"} & after.keys()) or str(user.id) == str(target_id):
            continue
        target = session.get(User, int(target_id)) if target_id else None
        dept = after.get("department_id", getattr(target, "department_id", None))
        if target is None or dept != user.department_id:
            continue
        role = ROLE_LABELS.get(after.get("role", target.role), target.role)
        items.append(AttentionItem(
            title=_("%(name)s har fått behörighet i din förvaltning", name=target.name),
            detail=_("%(role)s, ändrat %(at)s av %(actor)s.", role=role,
                     at=entry.at.date().isoformat(), actor=entry.actor),
            url=url_for("main.index"), severity="warning", on=entry.at.date()))
    return items
