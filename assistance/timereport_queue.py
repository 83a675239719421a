"""The district's side of time reports: the exception queue (accept with a comment, uphold, or
open a case), missing reports with reminders, and the month's statistics. Every query goes
through ``oversight.scoping`` (the officer's district only)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from assistance.models import Arrangement, AssistanceUser
from assistance.shift_times import month_bounds
from assistance.timereport_models import ReportReminder, TimeReport, TimeReportFinding
from assistance.timereport_rules import DUE_DAY, SCHABLONBELOPP, RuleMissing, rule_value
from oversight.db import utcnow
from oversight.formatting import sek
from oversight.scoping import restrict_to_department, scoped_select

ACTIONS = ("accept", "uphold", "case")


class QueueError(ValueError):
    """A handling that cannot be done (Swedish message)."""


def findings_select(user, month: date | None = None, code: str | None = None,
                    state: str | None = None):
    stmt = scoped_select(TimeReportFinding, user).where(TimeReportFinding.current.is_(True))
    if month is not None:
        stmt = stmt.where(TimeReportFinding.month == month)
    if code:
        stmt = stmt.where(TimeReportFinding.code == code)
    if state:
        stmt = stmt.where(TimeReportFinding.state == state)
    return stmt.order_by(TimeReportFinding.state != "open", TimeReportFinding.month.desc(),
                         TimeReportFinding.code, TimeReportFinding.id)


def finding_ref(finding: TimeReportFinding) -> str:
    """The finding reference its case carries (``Case.finding_ref``)."""
    return f"assistance_time_report_finding:{finding.id}"


def _finding_amount(session: Session, finding: TimeReportFinding) -> Decimal | None:
    """The finding's hours at the month's schablonbelopp, where the rate is known."""
    try:
        return (finding.hours * rule_value(session, SCHABLONBELOPP, finding.month)).quantize(Decimal("1"))
    except RuleMissing:
        return None


def open_case_for_finding(session: Session, actor, finding: TimeReportFinding, note: str):
    """Open an investigation case from the finding in the case register: owned by the
    finding's district, linked to the provider and the assistance user, carrying the reason
    code, explanation, rows, hours and amount. Opening twice returns the case already open."""
    from oversight.cases.services import CaseError, open_case_from_finding

    if getattr(actor, "department_id", None) != finding.department_id:
        raise QueueError(_("Avvikelsen hör till en annan stadsdel."))
    amount = _finding_amount(session, finding)
    evidence = "\n".join(line for line in [
        f"Tidrapportavvikelse {finding.id} ({finding.month:%Y-%m}): {finding.code} – {finding.label}.",
        finding.explanation,
        f"Timmar: {finding.hours}; rader: {finding.rows or '–'}"
        + (f"; dag: {finding.day.isoformat()}" if finding.day else "")
        + (f"; belopp (schablon): {sek(amount)}" if amount is not None else ""),
        f"Anteckning: {note}" if note else None] if line)
    try:
        case = open_case_from_finding(
            session, actor, module="timereports", finding_ref=finding_ref(finding),
            title=f"Tidrapport {finding.month:%Y-%m}: {finding.label}", evidence=evidence,
            organisation_id=finding.provider_organisation_id,
            person_id=finding.assistance_user_id, amount=amount)
    except CaseError as exc:
        raise QueueError(str(exc)) from exc
    finding.case_note = _("Ärende %(ref)s", ref=case.reference) + (f": {note}" if note else "")
    return case


def handle_finding(session: Session, actor, finding: TimeReportFinding, action: str,
                   comment: str | None) -> None:
    comment = (comment or "").strip() or None
    if action not in ACTIONS:
        raise QueueError(_("Okänd åtgärd."))
    if finding.state != "open":
        raise QueueError(_("Avvikelsen är redan hanterad (%(s)s).", s=finding.state_label))
    if action == "accept" and not comment:
        raise QueueError(_("Skriv en kommentar: varför godtas avvikelsen?"))
    if action == "case":
        open_case_for_finding(session, actor, finding, comment or finding.explanation)
    finding.state = {"accept": "accepted", "uphold": "upheld", "case": "case"}[action]
    finding.comment = comment
    finding.handled_by_id = getattr(actor, "id", None)
    finding.handled_at = utcnow()
    session.flush()


# --- missing reports ---------------------------------------------------------------------------

@dataclass
class Missing:
    user: AssistanceUser
    provider_id: int | None
    provider_name: str
    reminders: list = field(default_factory=list)


def due_date(session: Session, month: date) -> date:
    """Day N of the next month (rule value ``assistance.timereport_due_day``)."""
    nxt = month_bounds(month)[1] + timedelta(days=1)
    return nxt.replace(day=min(int(rule_value(session, DUE_DAY, month)), 28))


def missing_reports(session: Session, user, month: date, today: date) -> tuple[date, list[Missing]]:
    """The district's users without a report from their arranged provider for the month, once
    the due day has passed (before it: nothing is overdue yet)."""
    due = due_date(session, month)
    if today <= due:
        return due, []
    return due, _missing(session, month,
                         lambda stmt, model: restrict_to_department(stmt, model, user))


def missing_in_every_district(session: Session, month: date, today: date) -> list[Missing]:
    """Every district's missing reports for the month once its due day has passed: for the
    scheduled reminders, which run as the system for all districts."""
    if today <= due_date(session, month):
        return []
    return _missing(session, month, lambda stmt, model: stmt)


def _missing(session: Session, month: date, scope) -> list[Missing]:
    """Users (within ``scope(stmt, model)``) with an arrangement in the month and no report from
    that provider (own employers and the municipality count as provider 0)."""
    first, last = month_bounds(month)
    stmt = scope(
        select(AssistanceUser, Arrangement).join(Arrangement).where(
            Arrangement.valid_from <= last,
            or_(Arrangement.valid_to.is_(None), Arrangement.valid_to >= first)),
        AssistanceUser).order_by(AssistanceUser.name)
    received = set(session.execute(select(TimeReport.assistance_user_id, TimeReport.provider_key)
                                   .where(TimeReport.month == first)).tuples())
    reminders = {}
    for r in session.scalars(scope(
            select(ReportReminder).where(ReportReminder.month == first), ReportReminder)):
        reminders.setdefault((r.assistance_user_id, r.provider_organisation_id or 0), []).append(r)
    out, seen = [], set()
    for u, arrangement in session.execute(stmt):
        key = (u.id, arrangement.provider_organisation_id or 0)
        if key in received or key in seen:
            continue
        seen.add(key)
        name = arrangement.provider.name if arrangement.provider else arrangement.kind_label
        out.append(Missing(u, arrangement.provider_organisation_id, name, reminders.get(key, [])))
    return out


def remind(session: Session, actor, month: date, today: date) -> int:
    """Record a reminder to each provider for each missing report (the provider sees it on its
    page). Returns the number of reminders."""
    _due, missing = missing_reports(session, actor, month, today)
    for m in missing:
        session.add(ReportReminder(department_id=m.user.department_id, assistance_user_id=m.user.id,
                                   provider_organisation_id=m.provider_id, month=month,
                                   sent_by_id=getattr(actor, "id", None)))
    session.flush()
    return len(missing)


def reminders_for_provider(session: Session, organisation_id: int) -> list[ReportReminder]:
    """Reminders addressed to a provider (its own users only, by construction)."""
    return list(session.scalars(select(ReportReminder).where(
        ReportReminder.provider_organisation_id == organisation_id)
        .order_by(ReportReminder.sent_at.desc()).limit(50)))


# --- statistics --------------------------------------------------------------------------------

@dataclass
class MonthStats:
    month: date
    received: int = 0
    missing: int = 0
    hours: Decimal | None = Decimal(0)
    advance: Decimal | None = Decimal(0)
    payable: Decimal | None = Decimal(0)
    reclaim: Decimal | None = Decimal(0)
    settlement_missing: str | None = None  # why hours and amounts could not be computed
    by_code: Counter = field(default_factory=Counter)
    by_state: Counter = field(default_factory=Counter)
    by_code_state: Counter = field(default_factory=Counter)

    def code_rows(self, labels, states) -> list[CodeRow]:
        """One row per check with findings: its label, the count per state (in ``states``
        order) and the total; most findings first."""
        return [CodeRow(code, str(labels.get(code, code)),
                        [self.by_code_state[(code, s)] for s in states], n)
                for code, n in self.by_code.most_common()]


@dataclass
class CodeRow:
    code: str
    label: str
    counts: list[int]
    total: int


def month_stats(session: Session, user, month: date, today: date) -> MonthStats:
    from assistance.timereport_settle import settle_month

    stats = MonthStats(month)
    stats.received = session.scalar(restrict_to_department(
        select(func.count()).select_from(TimeReport).where(
            TimeReport.month == month, TimeReport.status != "superseded"),
        TimeReport, user)) or 0
    stats.missing = len(missing_reports(session, user, month, today)[1])
    try:
        lines = settle_month(session, month, user)
    except RuleMissing as exc:  # fail closed: no amounts, but the counts and findings still show
        stats.settlement_missing = str(exc)
        stats.hours = stats.advance = stats.payable = stats.reclaim = None
        lines = []
    for line in lines:
        stats.hours += line.approved_hours
        stats.advance += line.advance
        stats.payable += line.payable_now  # a month withheld under a payment stop is not payable
        stats.reclaim += line.reclaim
    for f in session.scalars(findings_select(user, month)):
        stats.by_code[f.code] += 1
        stats.by_state[f.state] += 1
        stats.by_code_state[(f.code, f.state)] += 1
    return stats
