"""Where the module plugs into the core: navigation, start-page items for the LSS officers and
the section on the organisation page (the provider's permit, visible to every department)."""
from __future__ import annotations

from datetime import UTC, date, timedelta

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select

from assistance.models import N_, Permit
from oversight import navigation
from oversight.attention import AttentionItem, provider
from oversight.organisations.sections import register

navigation.register("assistance.index", N_("Personlig assistans"), "assistance.view", 40)


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
        title=_("Tillstånd %(status)s: %(name)s", status=a.status_label, name=a.organisation.name),
        detail=ngettext("%(n)s av stadsdelens brukare, %(num)s dag utan giltigt IVO-tillstånd sedan "
                        "%(first)s.", "%(n)s av stadsdelens brukare, %(num)s dagar utan giltigt "
                        "IVO-tillstånd sedan %(first)s.", a.days_without_permit, n=a.users_count,
                        first=a.first_day.isoformat()),
        url=url_for("assistance.alert", alert_id=a.id), severity="danger", on=a.first_day)
        for a in open_alerts(session, user)]
    overdue = [r for r in verification_schedule(session, date.today(), user) if r.overdue]
    if overdue:
        names = ", ".join(r.organisation.name for r in overdue[:5])
        if len(overdue) > 5:
            names += " " + _("och %(n)s till", n=len(overdue) - 5)
        items.append(AttentionItem(
            title=ngettext("%(num)s anordnare behöver tillståndskontroll",
                           "%(num)s anordnare behöver tillståndskontroll", len(overdue)),
            detail=_("Ingen kontroll av IVO-tillståndet inom tidsgränsen: %(names)s.", names=names),
            url=url_for("assistance.providers", mine="1", overdue="1", sort="verified", dir="desc"),
            severity="warning"))
    return items


@provider
def recent_permit_losses(session, user) -> list[AttentionItem]:
    """A provider lost its permit (recorded the last 30 days): a shared warning for every LSS
    officer, without anyone's users."""
    if not _lss(user):
        return []
    from assistance.alerts import open_alerts

    alerted = {a.organisation_id for a in open_alerts(session, user)}  # already shown as danger
    since = date.today() - timedelta(days=30)
    from datetime import datetime

    rows = session.scalars(select(Permit).where(
        Permit.status.in_(("revoked", "banned")),
        Permit.recorded_at >= datetime.combine(since, datetime.min.time(), UTC))
        .order_by(Permit.recorded_at.desc()).limit(10))
    return [AttentionItem(
        title=_("Tillstånd %(status)s: %(name)s", status=p.status_label, name=p.organisation.name),
        detail=_("IVO: %(status)s från %(day)s, dnr %(ref)s.", status=p.status_label,
                 day=_day(p.valid_from or p.decision_date), ref=p.reference or "–"),
        url=url_for("assistance.provider", org_id=p.organisation_id), severity="warning",
        on=p.valid_from or p.decision_date) for p in rows if p.organisation_id not in alerted]


def _day(day) -> str:
    return day.isoformat() if day else _("okänt datum")


@register("assistance", N_("IVO-tillstånd (personlig assistans)"), order=45)
def org_section(session, user, org) -> Markup | None:
    from assistance.services import permits_of

    permits = permits_of(session, org.id)
    if not permits:
        return None
    from assistance.models import PERMIT_STATUSES, label
    from assistance.permits import permit_status_on

    today = date.today()
    status = permit_status_on(permits, today)
    # An autoescaped template's output, not data: nosec below.
    return Markup(render_template(  # nosec B704
        "assistance/_org_section.html", org=org, permits=permits[:5],
        status=status, status_label=label(PERMIT_STATUSES, status),
        checked=_verification_freshness(session, org, today)))


def _verification_freshness(session, org, today):
    """The latest verification judged by the one age rule of the registries and supplier
    checks (``registries.verdicts.freshness``), so the page shows the same limit."""
    from assistance import rules
    from assistance.services import latest_verification
    from registries.verdicts import freshness

    last = latest_verification(session, org.id)
    limit = rules.int_on(session, rules.VERIFICATION_MAX_AGE, today)
    return freshness(last.verified_on if last else None, today, limit)
