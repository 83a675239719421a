"""Follow-up of grants: report deadlines, decisions (withhold / stop / reclaim), key persons
who turn up in several organisations.

There is no case register yet, so a decision is recorded here (``GrantDecision`` with its
diarienummer and reason, audited); when the case register exists a decision should link to its
case.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from associations.grants import GrantError, _amount, refuse_payment_under_stop, rule_value
from associations.models import (
    DECISION_ACTIONS,
    FUNDED_STATUSES,
    Grant,
    GrantDecision,
    GrantReport,
    LedgerEntry,
)
from oversight.labels import Labels, _l
from oversight.organisations.models import KeyPerson, Organisation
from oversight.scoping import may_change, owned_by


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def report_periods(grant: Grant) -> list[tuple[str, date, date]]:
    """(kind, start, end): one annual report per grant year (the last year may be short);
    for tidsbegränsat bidrag also one per half-year inside each grant year."""
    out = []
    start = grant.period_start
    while start <= grant.period_end:
        year_end = min(_add_months(start, 12) - timedelta(days=1), grant.period_end)
        if grant.form == "tidsbegransat":
            half_end = _add_months(start, 6) - timedelta(days=1)
            if half_end < year_end:
                out.append(("halfyear", start, half_end))
        out.append(("annual", start, year_end))
        start = year_end + timedelta(days=1)
    return out


def schedule_reports(session: Session, grant: Grant) -> list[GrantReport]:
    existing = {(r.kind, r.period_start, r.period_end) for r in grant.reports}
    created = []
    for kind, start, end in report_periods(grant):
        if (kind, start, end) in existing:
            continue
        code = "report_due_months" if kind == "annual" else "halfyear_report_due_months"
        due = _add_months(end, int(rule_value(session, code, end)))
        report = GrantReport(kind=kind, period_start=start, period_end=end, due_on=due)
        grant.reports.append(report)
        created.append(report)
    session.flush()
    return created


def record_report(session: Session, user, report: GrantReport, *, received_on: date,
                  status: str = "received", note: str | None = None) -> GrantReport:
    """Register a received (approved, rejected) report: the grant's owning department only."""
    if not may_change(user, report):
        raise GrantError(_("Endast förvaltningen som beviljat bidraget hanterar dess redovisningar."))
    if status not in ("received", "approved", "rejected"):
        raise GrantError(_("Okänd status för redovisningen."))
    if received_on > date.today():
        raise GrantError(_("Datumet för inkommen redovisning kan inte ligga i framtiden."))
    report.received_on, report.status = received_on, status
    report.note = (note or "").strip() or None
    session.flush()
    return report


def overdue_reports(session: Session, today: date | None = None, department_id: int | None = None,
                    upcoming_days: int = 0):
    """Reports not received by their due date (or due within ``upcoming_days``), oldest first.
    Only for grants whose money was paid (granted/withheld/stopped/reclaimed)."""
    today = today or date.today()
    stmt = (select(GrantReport).join(Grant)
            .where(GrantReport.received_on.is_(None),
                   GrantReport.due_on < today + timedelta(days=upcoming_days),
                   Grant.status.in_(FUNDED_STATUSES))
            .options(selectinload(GrantReport.grant).selectinload(Grant.organisation),
                     selectinload(GrantReport.grant).selectinload(Grant.department))
            .order_by(GrantReport.due_on, GrantReport.id))
    if department_id is not None:
        stmt = owned_by(stmt, Grant, department_id)
    return list(session.scalars(stmt))


# --- decisions ----------------------------------------------------------------------------

_TRANSITIONS = {  # action -> (allowed current statuses, new status)
    "approve": (("applied",), "granted"),
    "reject": (("applied",), "rejected"),
    "withhold": (("granted",), "withheld"),
    "resume": (("withheld",), "granted"),
    "stop": (("granted", "withheld"), "stopped"),
    "reclaim": (("granted", "withheld", "stopped"), "reclaimed"),
}
ACTION_LABELS = Labels(dict(DECISION_ACTIONS, approve="Bevilja ansökan", reject="Avslå ansökan"))


def allowed_actions(grant: Grant) -> list[str]:
    return [a for a, (allowed, _) in _TRANSITIONS.items() if grant.status in allowed]


def decide(session: Session, user, grant: Grant, *, action: str, reason: str,
           decided_on: date | None = None, amount=None,
           reference: str | None = None) -> GrantDecision:
    if not may_change(user, grant):
        raise GrantError(_("Endast förvaltningen som beviljat bidraget beslutar om det."))
    if action not in _TRANSITIONS:
        raise GrantError(_("Okänt beslut: %(action)s.", action=action))
    allowed, new_status = _TRANSITIONS[action]
    if grant.status not in allowed:
        raise GrantError(_("Beslutet '%(action)s' går inte att fatta när bidraget har status "
                           "'%(status_label)s'.",
                           action=ACTION_LABELS[action], status_label=grant.status_label))
    if not (reason or "").strip():
        raise GrantError(_("Ange skälet för beslutet."))
    if action in ("approve", "resume"):  # money would go out: not under the own stop
        refuse_payment_under_stop(session, grant)
    reclaimed = None
    if action == "reclaim":
        if amount in (None, ""):
            raise GrantError(_("Ange beloppet som återkrävs."))
        reclaimed = _amount(amount)
        if reclaimed <= 0 or reclaimed > grant.amount:
            raise GrantError(_("Återkrävt belopp ska vara större än 0 och högst bidragets belopp."))
    decision = GrantDecision(
        action=action, reason=reason.strip(), decided_on=decided_on or date.today(),
        amount=reclaimed, reference=(reference or "").strip() or None,
        previous_status=grant.status, decided_by_id=getattr(user, "id", None),
        department_id=getattr(user, "department_id", None))
    grant.decisions.append(decision)
    grant.status = new_status
    if action == "approve":
        grant.decision_date = grant.decision_date or decision.decided_on
        schedule_reports(session, grant)
    session.flush()
    return decision


# --- key persons in several organisations -----------------------------------------------------

@dataclass
class PersonLink:
    organisation: Organisation
    role: str
    grant_receiving: bool
    is_association: bool


MATCHED_ON_LABELS = Labels({"personnummer": _l("Personnummer"), "namn": _l("Namn")})


@dataclass
class SharedPerson:
    name: str
    masked_personnummer: str | None
    matched_on: str  # personnummer | namn
    links: list[PersonLink] = field(default_factory=list)

    @property
    def matched_on_label(self) -> str:
        return MATCHED_ON_LABELS.get(self.matched_on, self.matched_on)

    @property
    def grant_associations(self) -> list[PersonLink]:
        return [link for link in self.links if link.grant_receiving]

    @property
    def other_organisations(self) -> list[PersonLink]:
        return [link for link in self.links if not link.is_association]


def grant_receiving_ids(session: Session) -> set[int]:
    funded = set(session.scalars(select(Grant.organisation_id)
                                 .where(Grant.status.in_(FUNDED_STATUSES))))
    paid = set(session.scalars(select(LedgerEntry.organisation_id).where(
        LedgerEntry.is_grant.is_(True), LedgerEntry.organisation_id.is_not(None)).distinct()))
    return funded | paid


def shared_key_persons(session: Session, org: Organisation | None = None) -> list[SharedPerson]:
    """Persons who are key persons in two or more grant-receiving associations, or in a
    grant-receiving association and another organisation (a supplier's board, say).
    Matched on personnummer; on name only where a personnummer is missing. With ``org``:
    every person of that organisation who is a key person anywhere else."""
    receiving = grant_receiving_ids(session)
    persons = session.scalars(select(KeyPerson).options(selectinload(KeyPerson.organisation)))
    groups: dict[str, list[KeyPerson]] = defaultdict(list)
    names_with_pnr: dict[str, str] = {}
    people = list(persons)
    for p in people:
        if p.personnummer:
            groups["pnr:" + p.personnummer].append(p)
            names_with_pnr.setdefault(p.name.strip().casefold(), "pnr:" + p.personnummer)
    for p in people:
        if not p.personnummer:
            key = names_with_pnr.get(p.name.strip().casefold(),
                                     "name:" + p.name.strip().casefold())
            groups[key].append(p)
    out = []
    for key, members in groups.items():
        orgs = {m.organisation_id for m in members}
        if len(orgs) < 2 or (org is not None and org.id not in orgs):
            continue
        first = next((m for m in members if m.personnummer), members[0])
        shared = SharedPerson(first.name, first.masked_personnummer,
                              "personnummer" if key.startswith("pnr:") else "namn")
        seen = set()
        for m in members:
            if m.organisation_id in seen:
                continue
            seen.add(m.organisation_id)
            o = m.organisation
            shared.links.append(PersonLink(o, m.role_label, o.id in receiving, o.org_group == 8))
        if org is not None or len(shared.grant_associations) >= 2 or (
                shared.grant_associations and shared.other_organisations):
            out.append(shared)
    return sorted(out, key=lambda s: (-len(s.links), s.name))


def reclaimed_total(grant: Grant) -> Decimal:
    return sum((d.amount or Decimal(0) for d in grant.decisions if d.action == "reclaim"),
               Decimal(0))
