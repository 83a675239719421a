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


# --- the case register: an assistance user whose assistance ended (oversight.cases) -------------

def assistance_end(user, today: date) -> date | None:
    """The day the user's assistance ended: the last decision ended before today and no
    decision covers today (None while assistance goes on or was never decided)."""
    decisions = list(user.decisions)
    if not decisions or any(d.covers(today) or d.valid_to is None or d.valid_to >= today
                            for d in decisions):
        return None
    return max(d.valid_to for d in decisions)


def _register_benefit_source() -> None:
    from oversight.cases.benefit_ended import Ending, benefit_source

    @benefit_source
    def assistance_ended(session, cases, today: date) -> list[Ending]:
        """Cases about a person (personnummer, or a link to the assistance user) whose LSS
        assistance in the case's own district ended after the first återkrav decision."""
        from sqlalchemy import or_
        from sqlalchemy.orm import selectinload

        from assistance.models import AssistanceUser

        by_pnr, by_id = {}, {}
        for case in cases:
            if case.person_pnr:
                by_pnr.setdefault(case.person_pnr.replace("-", ""), []).append(case)
            for link in case.links:
                if link.kind == "person" and link.ref.isdigit():
                    by_id.setdefault(int(link.ref), []).append(case)
        if not by_pnr and not by_id:
            return []
        users = session.scalars(select(AssistanceUser).where(or_(
            AssistanceUser.person_id.in_(sorted(by_pnr)), AssistanceUser.id.in_(sorted(by_id))))
            .options(selectinload(AssistanceUser.decisions)))
        out = []
        for user in users:
            ended = assistance_end(user, today)
            if ended is None:
                continue
            for case in {c.id: c for c in by_pnr.get(user.person_id, []) + by_id.get(user.id, [])}.values():
                first = min((d.decided_on for d in case.decisions if d.kind == "recovery"), default=None)
                if case.department_id != user.department_id or first is None or ended < first:
                    continue
                out.append(Ending(case.id, f"assistance_user:{user.id}:{ended.isoformat()}", ended,
                                  _("Beslutet om personlig assistans (LSS) upphörde %(on)s.",
                                    on=ended.isoformat())))
        return out


_register_benefit_source()
