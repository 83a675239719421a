"""'What needs attention': each domain module registers a provider that returns items for
the user's start page (new warnings, monitoring findings, overdue reports, ...)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload


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
                   OrganisationWarning.department_id != user.department_id)
            .options(selectinload(OrganisationWarning.organisation),
                     selectinload(OrganisationWarning.department))
            .order_by(OrganisationWarning.issued_on.desc()).limit(20))
    return [
        AttentionItem(
            title=f"Ny varning: {w.organisation.name}",
            detail=f"{w.category_label}, från {w.department.name}: {w.reason[:160]}",
            url=url_for("organisations.show", org_id=w.organisation_id),
            severity="warning", on=w.issued_on)
        for w in session.scalars(stmt) if w.is_active()
    ]
