"""Start-page items for investigators: alerts on their cases (start deadline, missed
instalments, claim deadlines, follow-ups) and tips waiting for assessment."""
from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import func

from oversight.attention import AttentionItem, provider
from oversight.cases.access import accessible_cases
from oversight.cases.alerts import alerts_for_cases
from oversight.cases.models import Case
from oversight.cases.transitions import INTAKE_STATUSES, OPEN_STATUSES
from oversight.labels import _l, translated
from oversight.organisations.sections import register

_TITLES = {
    "start_overdue": _l("Utredning inte påbörjad i tid"),
    "missed_instalment": _l("Missad avbetalning"),
    "claim_deadline": _l("Frist för ersättningstalan"),
    "follow_up": _l("Uppföljning av begäran"),
    "ready_to_close": _l("Kan avslutas"),
    "benefit_ended": _l("Har lämnat förmånen"),
}


@provider
def case_items(session, user) -> list[AttentionItem]:
    if not user.can("cases.view"):
        return []
    items = [AttentionItem(title=f"{translated(_TITLES[a.kind])}: {a.reference}", detail=a.text,
                           url=url_for("cases.show", case_id=a.case_id), severity=a.severity, on=a.on)
             for a in alerts_for_cases(session, accessible_cases(user), date.today())]
    intake = session.scalar(accessible_cases(user, func.count(Case.id))
                            .where(Case.status.in_(INTAKE_STATUSES)))
    if intake:
        items.append(AttentionItem(
            title=ngettext("%(num)s tips att bedöma", "%(num)s tips att bedöma", intake),
            detail=_("Inkomna uppgifter som väntar på förhandsbedömning."),
            url=url_for("cases.index", status="intake"), severity="info"))
    mine = session.scalar(accessible_cases(user, func.count(Case.id)).where(
        Case.investigator_id == user.id, Case.status.in_(OPEN_STATUSES)))
    if mine:
        items.append(AttentionItem(
            title=_("Mina pågående ärenden: %(num)s", num=mine),
            detail=_("Ärenden där du är handläggare."),
            url=url_for("cases.index", status="open", mine="1"), severity="info"))
    return items


@register("payment_stops", _l("Betalningsstopp"), order=5)
def stops_section(session, user, org) -> Markup | None:
    """Active payment stops on the organisation (oversight.cases.stops), for every department:
    the deciding department, the decision date and the case reference, never the case."""
    from oversight.cases.stops import active_stops

    found = active_stops(session, [org.id]).get(org.id, [])
    if not found:
        return None
    items = Markup("").join(Markup('<li class="attention-danger"><strong>{}</strong></li>').format(
        s.text(getattr(user, "department_id", None))) for s in found)
    return Markup('<ul class="attention">{}</ul>').format(items)
