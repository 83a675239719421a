"""Where the module plugs into the core: navigation, start-page items for the LSS officers and
the section on the organisation page (the provider's permit, visible to every department)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, url_for
from markupsafe import Markup
from sqlalchemy import select

from assistance.models import Permit
from oversight import navigation
from oversight.attention import AttentionItem, provider
from oversight.organisations.sections import register

navigation.register("assistance.index", "Personlig assistans", "assistance.view", 40)


def _lss(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.can("assistance.manage")


@provider
def permit_alerts(session, user) -> list[AttentionItem]:
    """The district's open permit alerts (its own users only) and overdue verifications."""
    if not _lss(user):
        return []
    from assistance.alerts import open_alerts
    from assistance.services import verification_schedule

    items = [AttentionItem(
        title=f"Tillstånd {a.status_label}: {a.organisation.name}",
        detail=(f"{a.users_count} av stadsdelens brukare, {a.days_without_permit} dagar utan "
                f"giltigt IVO-tillstånd sedan {a.first_day.isoformat()}."),
        url=url_for("assistance.alert", alert_id=a.id), severity="danger", on=a.first_day)
        for a in open_alerts(session, user)]
    overdue = [r for r in verification_schedule(session, date.today(), user) if r.overdue]
    if overdue:
        names = ", ".join(r.organisation.name for r in overdue[:5])
        more = f" och {len(overdue) - 5} till" if len(overdue) > 5 else ""
        items.append(AttentionItem(
            title=f"{len(overdue)} anordnare behöver tillståndskontroll",
            detail=f"Ingen kontroll av IVO-tillståndet inom tidsgränsen: {names}{more}.",
            url=url_for("assistance.providers", mine="1", sort="verified", dir="desc"),
            severity="warning"))
    return items


@provider
def recent_permit_losses(session, user) -> list[AttentionItem]:
    """A provider lost its permit (recorded the last 30 days): a shared warning for every LSS
    officer, without anyone's users."""
    if not _lss(user):
        return []
    since = date.today() - timedelta(days=30)
    from datetime import datetime, timezone

    rows = session.scalars(select(Permit).where(
        Permit.status.in_(("revoked", "banned")),
        Permit.recorded_at >= datetime.combine(since, datetime.min.time(), timezone.utc))
        .order_by(Permit.recorded_at.desc()).limit(10))
    return [AttentionItem(
        title=f"Tillstånd {p.status_label}: {p.organisation.name}",
        detail=(f"IVO: {p.status_label} från {(p.valid_from or p.decision_date).isoformat() if (p.valid_from or p.decision_date) else 'okänt datum'}"
                f"{', dnr ' + p.reference if p.reference else ''}."),
        url=url_for("assistance.provider", org_id=p.organisation_id), severity="warning",
        on=p.valid_from or p.decision_date) for p in rows]


@register("assistance", "IVO-tillstånd (personlig assistans)", order=45)
def org_section(session, user, org) -> Markup | None:
    from assistance.services import permits_of

    permits = permits_of(session, org.id)
    if not permits:
        return None
    from assistance.permits import permit_status_on
    from assistance.models import label, PERMIT_STATUSES

    status = permit_status_on(permits, date.today())
    return Markup(render_template("assistance/_org_section.html", org=org, permits=permits[:5],
                                  status=status, status_label=label(PERMIT_STATUSES, status)))
