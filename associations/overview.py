"""Everything the association page shows, assembled in one place (views stay thin)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from associations.detection import cluster_key, judgements_for_key, latest_run
from associations.followup import SharedPerson, shared_key_persons
from associations.funding import FundingOverlap, find_overlaps
from associations.grants import Finding, eligibility, get_profile, grants_for
from associations.ledger_models import in_complete_import
from associations.models import (
    FUNDED_STATUSES,
    AssociationProfile,
    ClusterJudgement,
    DetectionCluster,
    Grant,
    LedgerEntry,
)
from oversight.auth.models import Department
from oversight.db import in_chunks
from oversight.organisations.models import Organisation

CHART_WIDTH = 640
BAR_HEIGHT = 26
LABEL_WIDTH = 250


@dataclass
class DepartmentPayments:
    department: str
    rows: int
    amount: Decimal
    grant_amount: Decimal
    accounts: list[str]
    share: float = 0.0
    bar: int = 0  # width in the SVG chart
    y: int = 0


@dataclass
class Overview:
    org: Organisation
    profile: AssociationProfile | None
    grants: list[Grant]
    findings: list[Finding]
    overlaps: list[FundingOverlap]
    payments: list[DepartmentPayments]
    paid_total: Decimal
    payee_accounts: list[str]
    shared_persons: list[SharedPerson]
    judgements: list[ClusterJudgement]
    clusters: list[DetectionCluster] = field(default_factory=list)

    @property
    def chart_height(self) -> int:
        return max(1, len(self.payments)) * (BAR_HEIGHT + 8) + 8

    @property
    def funded_total(self) -> Decimal:
        return sum((g.amount for g in self.grants if g.status in FUNDED_STATUSES), Decimal(0))


def payments_by_department(session: Session, org: Organisation) -> list[DepartmentPayments]:
    names = dict(session.execute(select(Department.id, Department.name)).all())
    stmt = (select(LedgerEntry.department_id, LedgerEntry.department_raw,
                   LedgerEntry.is_grant, LedgerEntry.account_text, func.count(),
                   func.sum(LedgerEntry.amount))
            .where(or_(LedgerEntry.org_nr == org.orgnr, LedgerEntry.organisation_id == org.id),
                   in_complete_import())
            .group_by(LedgerEntry.department_id, LedgerEntry.department_raw,
                      LedgerEntry.is_grant, LedgerEntry.account_text))
    by_dept: dict[str, DepartmentPayments] = {}
    for dept_id, raw, is_grant, account, count, amount in session.execute(stmt):
        label = names.get(dept_id, raw) if dept_id else raw
        p = by_dept.setdefault(label, DepartmentPayments(label, 0, Decimal(0), Decimal(0), []))
        amount = Decimal(amount or 0)
        p.rows += count
        p.amount += amount
        if is_grant:
            p.grant_amount += amount
        if account and account not in p.accounts:
            p.accounts.append(account)
    payments = sorted(by_dept.values(), key=lambda p: -p.amount)
    total = sum((p.amount for p in payments), Decimal(0))
    top = max((p.amount for p in payments), default=Decimal(0))
    for i, p in enumerate(payments):
        p.share = float(p.amount / total) if total else 0.0
        p.bar = int((CHART_WIDTH - LABEL_WIDTH - 120) * (p.amount / top)) if top > 0 else 0
        p.bar = max(p.bar, 2 if p.amount > 0 else 0)
        p.y = 8 + i * (BAR_HEIGHT + 8)
    return payments


def association_overview(session: Session, org: Organisation) -> Overview:
    grants = grants_for(session, org)
    funded = [g for g in grants if g.status in FUNDED_STATUSES]
    from associations.detection import grant_item

    overlaps = find_overlaps([grant_item(g) for g in funded],
                             float(current_app.config["GRANT_PURPOSE_SIMILARITY"]))
    payments = payments_by_department(session, org)
    accounts = sorted(set(session.scalars(
        select(LedgerEntry.bank_account).where(LedgerEntry.org_nr == org.orgnr,
                                               LedgerEntry.bank_account.is_not(None))
        .distinct())))
    run = latest_run(session)
    clusters = []
    if run is not None:
        clusters = list(session.scalars(select(DetectionCluster).where(
            DetectionCluster.run_id == run.id,
            or_(DetectionCluster.organisation_id == org.id,
                DetectionCluster.resolved_org_nr == org.orgnr))))
    keys = {cluster_key(org.orgnr, org.name)} | {c.cluster_key for c in clusters}
    judgements = [j for k in sorted(keys) for j in judgements_for_key(session, k)]
    return Overview(
        org=org, profile=get_profile(session, org), grants=grants,
        findings=eligibility(session, org), overlaps=overlaps, payments=payments,
        paid_total=sum((p.amount for p in payments), Decimal(0)), payee_accounts=accounts,
        shared_persons=shared_key_persons(session, org), judgements=judgements,
        clusters=clusters)


def associations_page(session: Session, q: str | None = None):
    """Associations (group 8) and any organisation with a grant, by name."""
    with_grants = select(Grant.organisation_id)
    stmt = select(Organisation).where(or_(Organisation.org_group == 8,
                                          Organisation.id.in_(with_grants)))
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Organisation.name.ilike(like), Organisation.orgnr.ilike(like)))
    return stmt.options(selectinload(Organisation.warnings)).order_by(Organisation.name)


def totals_for(session: Session, orgs: list[Organisation]) -> dict[int, dict]:
    """Grants and ledger totals per organisation; in chunks of keys (an export lists up to
    100 000 associations)."""
    ids = [o.id for o in orgs]
    out = {i: {"grants": 0, "funded": Decimal(0), "paid": Decimal(0), "departments": 0}
           for i in ids}
    for chunk in in_chunks(ids):
        for oid, count, amount in session.execute(
                select(Grant.organisation_id, func.count(), func.sum(Grant.amount))
                .where(Grant.organisation_id.in_(chunk), Grant.status.in_(FUNDED_STATUSES))
                .group_by(Grant.organisation_id)):
            out[oid]["grants"], out[oid]["funded"] = count, Decimal(amount or 0)
    by_orgnr = {o.orgnr: o.id for o in orgs}
    for chunk in in_chunks(by_orgnr):
        for orgnr, amount, depts in session.execute(
                select(LedgerEntry.org_nr, func.sum(LedgerEntry.amount),
                       func.count(func.distinct(LedgerEntry.department_raw)))
                .where(LedgerEntry.org_nr.in_(chunk), in_complete_import())
                .group_by(LedgerEntry.org_nr)):
            out[by_orgnr[orgnr]]["paid"] = Decimal(amount or 0)
            out[by_orgnr[orgnr]]["departments"] = depts
    return out
