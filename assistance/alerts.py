"""Permit alerts: which districts' users had an active arrangement with a provider on days the
provider had no valid IVO permit. Only permit-bound arrangements (a company or association as
provider) count; own employers and the municipality's own assistance never do.

``find_findings`` computes (no writes); ``refresh_alerts`` stores one ``PermitAlert`` per district
and provider (flush, no commit). With a ``user`` every query is limited to that user's district
(oversight.scoping); without one (CLI, jobs) all districts are seen."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from assistance import rules
from assistance.models import (
    PERMIT_BOUND_KINDS,
    Arrangement,
    AssistanceUser,
    Permit,
    PermitAlert,
)
from assistance.permits import as_ranges, days_without_permit, last_payable_day, permit_status_on
from oversight.scoping import owned_by, restrict_to_department


@dataclass
class UserDays:
    assistance_user: AssistanceUser
    arrangement: Arrangement
    days: list[date]

    @property
    def ranges(self) -> list[tuple[date, date]]:
        return as_ranges(self.days)


@dataclass
class Finding:
    """One district's users on the days of one period in which a provider had no valid permit
    (``period``: the provider's consecutive days without a permit, within the look-back)."""

    department_id: int
    organisation_id: int
    status: str
    period: tuple[date, date] | None = None
    users: list[UserDays] = field(default_factory=list)

    def overlaps(self, first: date, last: date) -> bool:
        a, b = self.period or (self.first_day, self.last_day)
        return a <= last and first <= b

    @property
    def days(self) -> list[date]:
        return sorted({d for u in self.users for d in u.days})

    @property
    def first_day(self) -> date:
        return self.days[0]

    @property
    def last_day(self) -> date:
        return self.days[-1]

    @property
    def person_ids(self) -> list[str]:
        return sorted({u.assistance_user.person_id for u in self.users})


def window(session: Session, on: date) -> date:
    return on - timedelta(days=rules.int_on(session, rules.ALERT_LOOKBACK, on))


def permits_by_org(session: Session, org_ids) -> dict[int, list[Permit]]:
    out: dict[int, list[Permit]] = defaultdict(list)
    if org_ids:
        for p in session.scalars(select(Permit).where(Permit.organisation_id.in_(set(org_ids)))):
            out[p.organisation_id].append(p)
    return out


def _arrangements(session: Session, start: date, on: date, user, organisation_id):
    stmt = (select(Arrangement, AssistanceUser).join(AssistanceUser)
            .where(Arrangement.kind.in_(PERMIT_BOUND_KINDS), Arrangement.valid_from <= on,
                   or_(Arrangement.valid_to.is_(None), Arrangement.valid_to >= start)))
    if user is not None:
        stmt = restrict_to_department(stmt, AssistanceUser, user)
    if organisation_id is not None:
        stmt = stmt.where(Arrangement.provider_organisation_id == organisation_id)
    return session.execute(stmt.order_by(AssistanceUser.id, Arrangement.valid_from)).all()


def find_findings(session: Session, on: date, *, user=None,
                  organisation_id: int | None = None) -> list[Finding]:
    start = window(session, on)
    rows = _arrangements(session, start, on, user, organisation_id)
    permits = permits_by_org(session, {a.provider_organisation_id for a, _ in rows})
    bad = {org: days_without_permit(permits[org], start, on)
           for org in {a.provider_organisation_id for a, _ in rows}}
    periods = {org: as_ranges(days) for org, days in bad.items()}
    findings: dict[tuple[int, int, date], Finding] = {}
    for arrangement, person in rows:
        org = arrangement.provider_organisation_id
        first = max(arrangement.valid_from, start)
        last = min(d for d in (arrangement.valid_to, person.death_date, on) if d is not None)
        for period in periods[org]:
            days = [d for d in bad[org] if max(first, period[0]) <= d <= min(last, period[1])]
            if not days:
                continue
            key = (person.department_id, org, period[0])
            if key not in findings:
                findings[key] = Finding(person.department_id, org, "unknown", period)
            findings[key].users.append(UserDays(person, arrangement, days))
    for finding in findings.values():
        finding.status = permit_status_on(permits[finding.organisation_id], finding.last_day)
    return sorted(findings.values(), key=lambda f: (f.department_id, f.organisation_id, f.first_day))


def refresh_alerts(session: Session, on: date, *, user=None) -> list[tuple[PermitAlert, Finding]]:
    """Create or update the stored alert of every finding (idempotent for the same day)."""
    out = []
    for finding in find_findings(session, on, user=user):
        alert = _existing(session, finding)
        values = {"permit_status": finding.status, "first_day": finding.first_day,
                  "last_day": finding.last_day, "days_without_permit": len(finding.days),
                  "users_count": len(finding.users)}
        if alert is None:
            alert = PermitAlert(department_id=finding.department_id,
                                organisation_id=finding.organisation_id, state="open", **values)
            session.add(alert)
        else:
            for key, value in values.items():
                if getattr(alert, key) != value:
                    setattr(alert, key, value)
        out.append((alert, finding))
    session.flush()
    return out


def _existing(session: Session, finding: Finding) -> PermitAlert | None:
    """The district's alert about the same period without a permit (its days overlap the
    period: the period may have grown, or been backdated by a later notice). A handled alert
    stays handled while its period continues; a new period gives a new alert."""
    stmt = owned_by(select(PermitAlert), PermitAlert, finding.department_id).where(
        PermitAlert.organisation_id == finding.organisation_id)
    candidates = [a for a in session.scalars(stmt.order_by(PermitAlert.id.desc()))
                  if finding.overlaps(a.first_day, a.last_day)]
    return next((a for a in candidates if a.state == "open"), None) or next(iter(candidates), None)


def finding_for_alert(session: Session, alert: PermitAlert, user, on: date) -> Finding | None:
    """The alert's finding today, limited to the viewer's district (only its own users)."""
    found = find_findings(session, on, user=user, organisation_id=alert.organisation_id)
    return next((f for f in found if f.department_id == alert.department_id
                 and f.overlaps(alert.first_day, alert.last_day)), None)


def payable_until(session: Session, arrangement: Arrangement, on: date) -> date | None:
    grace = rules.int_on(session, rules.GRACE_DAYS, on)
    return last_payable_day(arrangement.user_told_of_revocation_on, grace)


def alerts_json(pairs) -> list[dict]:
    """One object per alert for `flask assistance alerts --json` and the district's JSON."""
    out = []
    for alert, finding in pairs:
        out.append({
            "provider_org_nr": alert.organisation.orgnr,
            "provider_name": alert.organisation.name,
            "status": finding.status,
            "district": alert.department.code,
            "person_ids": finding.person_ids,
            "days_without_permit": len(finding.days),
            "first_day": finding.first_day.isoformat(),
            "last_day": finding.last_day.isoformat(),
            "ranges": [[a.isoformat(), b.isoformat()] for a, b in as_ranges(finding.days)],
            "alert_id": alert.id,
            "state": alert.state,
        })
    return out


def open_alerts(session: Session, user) -> list[PermitAlert]:
    stmt = restrict_to_department(select(PermitAlert), PermitAlert, user).where(
        PermitAlert.state == "open").options(selectinload(PermitAlert.organisation))
    return list(session.scalars(stmt.order_by(PermitAlert.first_day)))
