"""Read models for the pages: the provider list, a provider's page and the district dashboard.
Counts of users are always of the viewer's own district (oversight.scoping)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistance import rules
from assistance.alerts import open_alerts, permits_by_org
from assistance.models import (
    PERMIT_STATUSES,
    Arrangement,
    AssistanceUser,
    Permit,
    PermitAlert,
    PermitVerification,
    label,
)
from assistance.permits import VALID, permit_status_on
from assistance.services import latest_verification, providers_in_use, verification_overdue
from oversight.organisations.models import Organisation
from oversight.scoping import restrict_to_department


@dataclass
class ProviderRow:
    organisation: Organisation
    status: str
    verification: PermitVerification | None
    overdue: bool
    my_users: int
    on: date

    @property
    def status_label(self) -> str:
        return label(PERMIT_STATUSES, self.status)

    @property
    def verification_age(self) -> int | None:
        return None if self.verification is None else (self.on - self.verification.verified_on).days

    @property
    def at_risk(self) -> bool:
        return self.status != VALID


SORTS = {
    "name": lambda r: r.organisation.name.lower(),
    "status": lambda r: (r.status == VALID, r.status),
    "verified": lambda r: -1 if r.verification_age is None else r.verification_age,
    "users": lambda r: r.my_users,
}


def provider_rows(session: Session, user, on: date, *, q: str = "", status: str = "",
                  mine: bool = False, sort: str = "name", desc: bool = False,
                  overdue: bool = False) -> list[ProviderRow]:
    """Every provider: an organisation with a permit row or a provider arrangement.
    ``overdue``: only those whose permit verification is overdue (the start page's count)."""
    ids = set(session.scalars(select(Permit.organisation_id).distinct()))
    ids |= set(session.scalars(select(Arrangement.provider_organisation_id).where(
        Arrangement.provider_organisation_id.is_not(None)).distinct()))
    mine_counts = providers_in_use(session, on, user)
    permits = permits_by_org(session, ids)
    max_age = rules.int_on(session, rules.VERIFICATION_MAX_AGE, on)
    rows = []
    for org in session.scalars(select(Organisation).where(Organisation.id.in_(ids))):
        verification = latest_verification(session, org.id)
        rows.append(ProviderRow(org, permit_status_on(permits[org.id], on), verification,
                                verification_overdue(session, verification, on, max_age),
                                mine_counts.get(org.id, 0), on))
    needle = q.strip().lower()
    if needle:
        digits = "".join(ch for ch in needle if ch.isdigit())
        rows = [r for r in rows if needle in r.organisation.name.lower()
                or (digits and digits in r.organisation.orgnr.replace("-", ""))]
    if status:
        rows = [r for r in rows if r.status == status]
    if mine:
        rows = [r for r in rows if r.my_users]
    if overdue:
        rows = [r for r in rows if r.overdue]
    return sorted(rows, key=SORTS.get(sort, SORTS["name"]), reverse=desc)


def my_users_of_provider(session: Session, user, organisation_id: int, on: date) -> list[tuple]:
    """(assistance user, arrangement) of the viewer's district with this provider (any period
    that reaches the lookback window)."""
    stmt = (select(AssistanceUser, Arrangement).join(Arrangement)
            .where(Arrangement.provider_organisation_id == organisation_id))
    stmt = restrict_to_department(stmt, AssistanceUser, user)
    return [(u, a) for u, a in session.execute(stmt.order_by(AssistanceUser.name))
            if a.valid_to is None or a.valid_to >= on.replace(year=on.year - 1)]


def registrations(session: Session, organisation: Organisation) -> dict:
    """F-skatt and employer registration from the registries' latest Skatteverket answer."""
    from registries.services import latest_results

    stored = latest_results(session, organisation).get("skatteverket")
    if stored is None:
        return {"stored": None, "f_tax": None, "employer": None}
    record = next(iter(stored.records), None)
    conclusive = stored.conclusive and record is not None
    return {"stored": stored, "f_tax": record.f_tax if conclusive else None,
            "employer": record.employer if conclusive else None}


def district_alerts(session: Session, user, organisation_id: int | None = None) -> list[PermitAlert]:
    stmt = restrict_to_department(select(PermitAlert), PermitAlert, user)
    if organisation_id is not None:
        stmt = stmt.where(PermitAlert.organisation_id == organisation_id)
    return list(session.scalars(stmt.order_by(PermitAlert.state.desc(), PermitAlert.first_day.desc())))


def dashboard(session: Session, user, on: date) -> dict:
    rows = provider_rows(session, user, on, mine=True)
    return {
        "in_use": rows,
        "at_risk": [r for r in rows if r.at_risk],
        "overdue": [r for r in rows if r.overdue],
        "alerts": open_alerts(session, user),
        "max_age": rules.entry_on(session, rules.VERIFICATION_MAX_AGE, on),
        "users": len(session.scalars(restrict_to_department(
            select(AssistanceUser.id), AssistanceUser, user)).all()),
    }
