"""What the suppliers module adds to shared pages: navigation, the start page's "Att
uppmärksamma" and the organisation page."""
from __future__ import annotations

from datetime import date

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from oversight import navigation
from oversight.attention import AttentionItem, provider
from oversight.labels import _l
from oversight.organisations.sections import register
from oversight.scoping import scoped_select
from suppliers import services
from suppliers.checks import latest_checks
from suppliers.models import Hearing, MonitoringFinding, Supplier

navigation.register("suppliers.index", "Leverantörer", "supplier.view", 20)


@provider
def supplier_attention(session: Session, user) -> list[AttentionItem]:
    if not user.can("supplier.view"):
        return []
    items = []
    findings = session.scalars(
        scoped_select(MonitoringFinding, user)
        .where(MonitoringFinding.acknowledged_at.is_(None))
        .options(selectinload(MonitoringFinding.supplier).selectinload(Supplier.organisation))
        .order_by(MonitoringFinding.detected_on.desc(), MonitoringFinding.id).limit(100))
    by_check: dict[int, list[MonitoringFinding]] = {}
    for f in findings:
        by_check.setdefault(f.check_id, []).append(f)
    for group in list(by_check.values())[:20]:  # one item per supplier check
        first = group[0]
        found = [f for f in group if f.outcome == "found"]
        items.append(AttentionItem(
            title=(_("Ny grund: %(name)s", name=first.supplier.name) if found else
                   _("Kan inte kontrolleras: %(name)s", name=first.supplier.name)),
            detail="; ".join(f.label for f in (found or group))[:300],
            url=url_for("suppliers.check", check_id=first.check_id),
            severity="danger" if found else "warning", on=first.detected_on))
    overdue = session.scalars(
        scoped_select(Hearing, user).where(Hearing.status == "sent",
                                           Hearing.deadline < date.today())
        .options(selectinload(Hearing.supplier).selectinload(Supplier.organisation)).limit(20))
    for h in overdue:
        items.append(AttentionItem(
            title=_("Svarsfristen har gått ut: %(name)s", name=h.supplier.name),
            detail=_("Kommunicering %(reference)s, frist %(deadline)s. Registrera yttrandet eller "
                     "besluta på befintligt underlag.", reference=h.reference,
                     deadline=h.deadline.isoformat()),
            url=url_for("suppliers.hearing", hearing_id=h.id), severity="warning",
            on=h.deadline))
    items += services.open_complaints_for(session, user)
    return items


@register("suppliers", _l("Leverantör"), order=30)
def organisation_section(session: Session, user, org) -> Markup | None:
    if not user.can("supplier.view"):
        return None
    supplier = session.scalar(select(Supplier).where(Supplier.organisation_id == org.id))
    if supplier is None:
        return None
    check = latest_checks(session, [supplier.id], user.department_id).get(supplier.id)
    return Markup(render_template("suppliers/_org_section.html", supplier=supplier,  # nosec B704  # render_template output, autoescaped by Jinja
                                  check=check, today=date.today()))
