"""Overdue time reports, every day: the scheduled task ``assistance.timereport_reminders``
records a reminder to the provider of each report that has not arrived after the due day
(rule value ``assistance.timereport_due_day`` of the next month), once per assistance user,
provider and month; the start page of each district's officers shows the district's overdue
reports. The provider sees the reminder on ``/provider/``, the officer on *Saknade
tidrapporter*; the reminder rows are audited (``ReportReminder.__audited__``)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistance.timereport_models import ReportReminder
from assistance.timereport_queue import due_date, missing_in_every_district, missing_reports
from oversight.attention import AttentionItem, provider
from oversight.audit import current_actor


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def overdue_month(session: Session, today: date) -> date:
    """The latest month whose reports are overdue today: the previous month once its due day
    has passed, before that the month before it."""
    last = previous_month(today)
    return last if today > due_date(session, last) else previous_month(last)


def remind_overdue(session: Session, actor, today: date) -> int:
    """Record one reminder per missing report of the overdue month in every district, unless
    one was recorded already (by this task or an officer) for that user, provider and month.
    Flushes; returns the number of new reminders."""
    month = overdue_month(session, today)
    sent = set(session.execute(select(ReportReminder.assistance_user_id,
                                      ReportReminder.provider_organisation_id)
                               .where(ReportReminder.month == month)).tuples())
    new = 0
    for m in missing_in_every_district(session, month, today):
        if (m.user.id, m.provider_id) in sent:
            continue
        sent.add((m.user.id, m.provider_id))
        session.add(ReportReminder(department_id=m.user.department_id, assistance_user_id=m.user.id,
                                   provider_organisation_id=m.provider_id, month=month,
                                   sent_by_id=getattr(actor, "id", None)))
        new += 1
    session.flush()
    return new


def daily(session: Session) -> None:
    """The worker's daily run (``run_periodic``: a fresh app context, as the system user)."""
    remind_overdue(session, current_actor(), date.today())  # the system user's id and name


@provider
def overdue_reports(session: Session, user) -> list[AttentionItem]:
    """The district's overdue reports of the latest overdue month, on the officer's start page."""
    if not (getattr(user, "is_authenticated", False) and user.can("timereport.view")):
        return []
    from flask import url_for

    today = date.today()
    month = overdue_month(session, today)
    due, missing = missing_reports(session, user, month, today)
    if not missing:
        return []
    reminded = sum(1 for m in missing if m.reminders)
    return [AttentionItem(
        title=ngettext("%(num)s tidrapport för %(month)s saknas",
                       "%(num)s tidrapporter för %(month)s saknas", len(missing),
                       month=month.strftime("%Y-%m")),
        detail=_("Skulle ha kommit in senast %(due)s. Anordnarna har påmints om %(reminded)s "
                 "av dem.", due=due.isoformat(), reminded=reminded),
        url=url_for("timereports.missing", month=month.strftime("%Y-%m")),
        severity="warning", on=due)]
