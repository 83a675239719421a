"""Multi-department detection over imported ledger rows, stored clusters and judgements.

A run reads the rows of a period, resolves payees with associations.matching (org.nr, then
account, then names), and stores every payee paid by two or more departments with amounts per
department, accounts, purposes and a possible-double-funding flag. A handler's judgement is
keyed by the cluster key (``orgnr:NNNNNN-NNNN``, else ``namn:<normalized name>``) and survives
re-runs: a judged payee is not raised again unless something new appears (a new department, a
new account, or an amount more than GRANT_REJUDGE_AMOUNT_PERCENT higher than when judged).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from associations.funding import FundingItem, find_overlaps
from associations.ledger import LedgerRow
from associations.ledger_models import in_complete_import
from associations.matching import cluster_ledger, multi_department_clusters
from associations.models import (
    FUNDED_STATUSES,
    VERDICTS,
    ClusterJudgement,
    DetectionCluster,
    DetectionClusterEntry,
    DetectionRun,
    Grant,
    LedgerEntry,
)
from oversight.auth.models import Department
from oversight.formatting import sek
from oversight.names import normalize_org_name
from oversight.organisations.models import Organisation


class DetectionError(ValueError):
    pass


def cluster_key(resolved_org_nr: str | None, canonical_name: str) -> str:
    if resolved_org_nr:
        return f"orgnr:{resolved_org_nr}"
    return "namn:" + (normalize_org_name(canonical_name) or canonical_name.casefold())[:390]


def _noop(done, total=None, message=None):
    return None


@dataclass
class _Loaded:
    entries: list[tuple]  # (id, is_grant, effective_on, organisation_id)
    rows: list[LedgerRow]


def load_rows(session: Session, period_start: date | None, period_end: date | None,
              grants_only: bool) -> _Loaded:
    names = dict(session.execute(select(Department.id, Department.name)).all())
    stmt = select(LedgerEntry.id, LedgerEntry.department_id, LedgerEntry.department_raw,
                  LedgerEntry.payee_name, LedgerEntry.org_nr_raw, LedgerEntry.org_nr,
                  LedgerEntry.org_nr_problem, LedgerEntry.bank_account, LedgerEntry.amount,
                  LedgerEntry.booked_on, LedgerEntry.account_text, LedgerEntry.purpose,
                  LedgerEntry.is_grant, LedgerEntry.effective_on).order_by(LedgerEntry.id)
    stmt = stmt.where(in_complete_import())
    if period_start:
        stmt = stmt.where(LedgerEntry.effective_on >= period_start)
    if period_end:
        stmt = stmt.where(LedgerEntry.effective_on <= period_end)
    if grants_only:
        stmt = stmt.where(LedgerEntry.is_grant.is_(True))
    loaded = _Loaded([], [])
    for r in session.execute(stmt.execution_options(yield_per=5000)):
        dept = names.get(r.department_id) if r.department_id else r.department_raw
        loaded.rows.append(LedgerRow(r.id, dept, r.payee_name, r.org_nr_raw, r.org_nr,
                                     r.org_nr_problem, r.bank_account, Decimal(r.amount),
                                     r.booked_on, r.account_text, r.purpose))
        loaded.entries.append((r.id, bool(r.is_grant), r.effective_on))
    return loaded


def latest_judgements(session: Session, keys) -> dict[str, ClusterJudgement]:
    keys = list(keys)
    out: dict[str, ClusterJudgement] = {}
    for i in range(0, len(keys), 500):
        stmt = (select(ClusterJudgement).where(ClusterJudgement.cluster_key.in_(keys[i:i + 500]))
                .order_by(ClusterJudgement.decided_at, ClusterJudgement.id))
        for j in session.scalars(stmt):
            out[j.cluster_key] = j  # later ones overwrite
    return out


def snapshot_of(departments: list[dict], accounts: list[str], total) -> dict:
    return {"departments": [d["department"] for d in departments],
            "accounts": sorted(accounts), "total": str(total),
            "amounts": {d["department"]: str(d["amount"]) for d in departments}}


def changes_since(snapshot: dict, departments: list[dict], accounts: list[str], total: Decimal,
                  jump_percent: float) -> list[str]:
    """What is new compared with what was judged; empty when nothing is."""
    reasons = []
    new_depts = [d["department"] for d in departments
                 if d["department"] not in set(snapshot.get("departments", []))]
    if new_depts:
        reasons.append("Ny förvaltning sedan bedömningen: " + ", ".join(new_depts) + ".")
    new_accounts = sorted(set(accounts) - set(snapshot.get("accounts", [])))
    if new_accounts:
        reasons.append("Nytt konto sedan bedömningen: " + ", ".join(new_accounts) + ".")
    factor = Decimal(1) + Decimal(str(jump_percent)) / 100
    before = Decimal(snapshot.get("total") or 0)
    if before > 0 and total > before * factor:
        reasons.append(f"Totalbeloppet har ökat med {(total / before - 1) * 100:.0f} % "
                       f"(från {sek(before, 0)} till {sek(total, 0)}) sedan bedömningen.")
    amounts = snapshot.get("amounts", {})
    for d in departments:
        old = Decimal(amounts.get(d["department"]) or 0)
        if old > 0 and Decimal(d["amount"]) > old * factor:
            reasons.append(f"{d['department']}: beloppet har ökat med "
                           f"{(Decimal(d['amount']) / old - 1) * 100:.0f} % sedan bedömningen.")
    return reasons


def _funding_items(session: Session, org_id: int | None, multi, rows_by_id, ids,
                   start: date | None, end: date | None) -> list[FundingItem]:
    items: list[FundingItem] = []
    if org_id is not None:
        stmt = select(Grant).where(Grant.organisation_id == org_id,
                                   Grant.status.in_(FUNDED_STATUSES))
        if start:
            stmt = stmt.where(Grant.period_end >= start)
        if end:
            stmt = stmt.where(Grant.period_start <= end)
        for g in session.scalars(stmt):
            items.append(grant_item(g))
    purposes: dict[tuple[str, str], list[date]] = defaultdict(list)
    for entry_id in ids:
        row = rows_by_id[entry_id]
        if row.purpose:
            purposes[row.department, row.purpose].append(row.date or start or date.min)
    for (dept, purpose), days in purposes.items():
        lo = start or min(days)
        hi = end or max(days)
        items.append(FundingItem(f"ledger:{dept}:{purpose}", dept,
                                 f"utbetalningar från {dept}", purpose, None, lo, hi,
                                 kind="ledger"))
    return items


def grant_item(g: Grant) -> FundingItem:
    return FundingItem(f"grant:{g.id}", g.grantor,
                       f"{g.form_label.lower()} {g.period_start.isoformat()}–"
                       f"{g.period_end.isoformat()} ({g.grantor})",
                       g.purpose, g.activity, g.period_start, g.period_end, g.amount)


def run_detection(session: Session, user, *, period_start: date | None = None,
                  period_end: date | None = None, grants_only: bool = False,
                  job=None, progress=_noop) -> DetectionRun:
    """Cluster the period's rows and store the multi-department payees. Nothing is written
    before the last progress call, so a job's intermediate commits hold only its progress."""
    if period_start and period_end and period_end < period_start:
        raise DetectionError(_("Periodens slut ligger före dess början."))
    progress(0, 4, _("Läser reskontrarader"))
    loaded = load_rows(session, period_start, period_end, grants_only)
    progress(1, 4, _("Grupperar %(count)s rader på betalningsmottagare", count=len(loaded.rows)))
    result = cluster_ledger(loaded.rows)
    multi = multi_department_clusters(result, loaded.rows)
    progress(2, 4, _("Jämför %(count)s mottagare med tidigare bedömningar", count=len(multi)))
    cfg = current_app.config
    jump = float(cfg["GRANT_REJUDGE_AMOUNT_PERCENT"])
    threshold = float(cfg["GRANT_PURPOSE_SIMILARITY"])
    ids = result.cluster_ids()
    members: dict[int, list[int]] = defaultdict(list)
    wanted = {m.cluster_id for m in multi}
    for i, cid in enumerate(ids):
        if cid in wanted:
            members[cid].append(i)
    rows_by_id = {r.row: r for r in loaded.rows}
    keys = {m.cluster_id: cluster_key(m.resolved_org_nr, m.canonical_name) for m in multi}
    judged = latest_judgements(session, keys.values())
    orgs = _organisations(session, {m.resolved_org_nr for m in multi if m.resolved_org_nr})
    progress(3, 4, _("Sparar resultatet"))
    run = DetectionRun(period_start=period_start, period_end=period_end, grants_only=grants_only,
                       row_count=len(loaded.rows), payee_count=len(result.clusters),
                       job_id=getattr(job, "id", None), created_by_id=getattr(user, "id", None))
    session.add(run)
    session.flush()
    stored = [(_make_cluster(session, run, m, keys[m.cluster_id], judged, orgs,
                             members[m.cluster_id], loaded, rows_by_id, jump, threshold),
               members[m.cluster_id]) for m in multi]
    session.add_all(c for c, _ in stored)
    session.flush()
    membership = []
    for cluster, idx in stored:
        run.cluster_count += 1
        run.association_count += int(cluster.is_association)
        run.new_count += int(cluster.status != "judged")
        membership += [{"cluster_id": cluster.id, "entry_id": loaded.entries[i][0],
                        "method": result[i].method} for i in idx]
    for i in range(0, len(membership), 5000):
        session.execute(insert(DetectionClusterEntry), membership[i:i + 5000])
    session.flush()
    return run


def _organisations(session: Session, orgnrs: set[str]) -> dict[str, Organisation]:
    out = {}
    orgnrs = list(orgnrs)
    for i in range(0, len(orgnrs), 500):
        for o in session.scalars(select(Organisation).where(
                Organisation.orgnr.in_(orgnrs[i:i + 500]))):
            out[o.orgnr] = o
    return out


def _make_cluster(session, run, m, key, judged, orgs, idx, loaded, rows_by_id, jump,
                  threshold) -> DetectionCluster:
    grant_total = sum((loaded.rows[i].amount for i in idx if loaded.entries[i][1]), Decimal(0))
    any_grant = any(loaded.entries[i][1] for i in idx)
    org = orgs.get(m.resolved_org_nr) if m.resolved_org_nr else None
    is_association = bool(
        (m.resolved_org_nr and m.resolved_org_nr.startswith("8"))
        or any(o.startswith("8") for o in m.org_numbers)
        or (not m.org_numbers and any_grant))
    departments = [{"department": d.department, "rows": d.rows, "amount": str(d.amount),
                    "share": round(d.share, 4)} for d in m.departments]
    entry_ids = [loaded.entries[i][0] for i in idx]
    items = _funding_items(session, org.id if org else None, m, rows_by_id, entry_ids,
                           run.period_start, run.period_end)
    overlaps = find_overlaps(items, threshold)
    status, reasons = "new", []
    judgement = judged.get(key)
    if judgement is not None:
        reasons = changes_since(judgement.snapshot or {}, departments, m.accounts, m.total, jump)
        status = "reraised" if reasons else "judged"
    return DetectionCluster(
        run_id=run.id, cluster_key=key, canonical_name=m.canonical_name[:500],
        resolved_org_nr=m.resolved_org_nr, organisation_id=org.id if org else None,
        is_association=is_association, total=m.total, grant_total=grant_total,
        department_count=len(m.departments), row_count=len(idx), departments=departments,
        names=m.names[:50], org_numbers=m.org_numbers[:20], accounts=m.accounts[:50],
        purposes=m.purposes[:50], explanation=m.explanation,
        double_funding=bool(overlaps), funding_reasons=[o.reason for o in overlaps][:20],
        status=status, change_reasons=reasons)


# --- judgements --------------------------------------------------------------------------------

def record_judgement(session: Session, user, cluster: DetectionCluster, *, verdict: str,
                     comment: str | None = None) -> ClusterJudgement:
    if verdict not in VERDICTS:
        raise DetectionError(_("Okänd bedömning: %(verdict)s.", verdict=verdict))
    if verdict in ("different_orgs", "investigate") and not (comment or "").strip():
        raise DetectionError(_("Skriv en kommentar: vad skiljer dem åt, eller vad ska utredas?"))
    judgement = ClusterJudgement(
        cluster_key=cluster.cluster_key, canonical_name=cluster.canonical_name,
        organisation_id=cluster.organisation_id, verdict=verdict,
        comment=(comment or "").strip() or None,
        snapshot=snapshot_of(cluster.departments, cluster.accounts, cluster.total),
        run_id=cluster.run_id, decided_by_id=getattr(user, "id", None),
        department_id=getattr(user, "department_id", None))
    session.add(judgement)
    cluster.status, cluster.change_reasons = "judged", []
    session.flush()
    return judgement


def judgements_for_key(session: Session, key: str) -> list[ClusterJudgement]:
    return list(session.scalars(select(ClusterJudgement).where(
        ClusterJudgement.cluster_key == key).order_by(ClusterJudgement.decided_at.desc(),
                                                       ClusterJudgement.id.desc())))


def latest_run(session: Session) -> DetectionRun | None:
    return session.scalar(select(DetectionRun).order_by(DetectionRun.id.desc()).limit(1))


@dataclass
class ReportFilters:
    department: str | None = None
    min_amount: Decimal | None = None
    status: str = "open"  # open (new + reraised) | new | reraised | judged | all | <verdict>
    scope: str = "associations"  # associations | all
    double_only: bool = False


def report_clusters(session: Session, run: DetectionRun, f: ReportFilters) -> list:
    stmt = select(DetectionCluster).where(DetectionCluster.run_id == run.id)
    if f.scope == "associations":
        stmt = stmt.where(DetectionCluster.is_association.is_(True))
    if f.min_amount is not None:
        stmt = stmt.where(DetectionCluster.total >= f.min_amount)
    if f.double_only:
        stmt = stmt.where(DetectionCluster.double_funding.is_(True))
    if f.status == "open":
        stmt = stmt.where(DetectionCluster.status.in_(("new", "reraised")))
    elif f.status in ("new", "reraised", "judged"):
        stmt = stmt.where(DetectionCluster.status == f.status)
    clusters = list(session.scalars(stmt.order_by(DetectionCluster.is_association.desc(),
                                                  DetectionCluster.total.desc())))
    if f.department:
        clusters = [c for c in clusters if f.department in c.department_names]
    verdicts = latest_judgements(session, {c.cluster_key for c in clusters})
    if f.status in VERDICTS:
        clusters = [c for c in clusters if c.cluster_key in verdicts
                    and verdicts[c.cluster_key].verdict == f.status]
    return [(c, verdicts.get(c.cluster_key)) for c in clusters]


def open_counts(session: Session, run: DetectionRun) -> tuple[int, int]:
    """(associations to assess, of which possible double funding) in ``run``: the rows the
    report lists with its default filter, so the start page and the report show one number."""
    to_assess = report_clusters(session, run, ReportFilters())
    return len(to_assess), sum(1 for c, _j in to_assess if c.double_funding)


def run_departments(session: Session, run: DetectionRun) -> list[str]:
    names = set()
    for deps in session.scalars(select(DetectionCluster.departments).where(
            DetectionCluster.run_id == run.id)):
        names.update(d["department"] for d in deps)
    return sorted(names)
