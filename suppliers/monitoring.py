"""Monitoring during the contract: every supplier with an active contract is checked again
(``flask suppliers monitor``, the huey periodic task, or cron), and what changed since the
previous check of the same supplier for the same department becomes a finding for the
contract-owning department: shown on its start page ("Att uppmärksamma") and in the feed.

What counts as new:
* a ground or requirement that is ``found`` now and was not ``found`` in the previous check
  (or there was no previous check): e.g. a bankruptcy during the contract;
* a ground that was ``clear`` and now could not be checked: the supplier is no longer
  verified (a first run does not report "could not be checked", or every missing extract
  would flood the start page; the check itself shows it).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.db import utcnow
from oversight.labels import join_sentences
from oversight.scoping import owned_by
from suppliers import checks, rules
from suppliers.models import MonitoringFinding, MonitorRun, SupplierCheck


def previous_check(session: Session, supplier_id: int, department_id: int,
                   before_id: int) -> SupplierCheck | None:
    stmt = owned_by(select(SupplierCheck), SupplierCheck, department_id).where(
        SupplierCheck.supplier_id == supplier_id, SupplierCheck.id < before_id)
    return session.scalar(stmt.order_by(SupplierCheck.id.desc()).limit(1))


def new_findings(current: SupplierCheck, previous: SupplierCheck | None) -> list[MonitoringFinding]:
    before = {g.code: g.outcome for g in previous.grounds} if previous else {}
    out = []
    for g in current.grounds:
        was = before.get(g.code)
        if g.outcome == rules.FOUND and was != rules.FOUND:
            summary = join_sentences(g.reasons[:3]) or g.label
        elif g.outcome == rules.UNKNOWN and was == rules.CLEAR:
            summary = "Kan inte längre kontrolleras: " + join_sentences(g.problems[:2])
        else:
            continue
        out.append(MonitoringFinding(
            department_id=current.department_id, supplier_id=current.supplier_id,
            contract_id=current.contract_id, check_id=current.id,
            previous_check_id=previous.id if previous else None, code=g.code, label=g.label,
            outcome=g.outcome, summary=summary[:2000], detected_on=current.on_date))
    return out


def run_monitor(session: Session, *, on_date: date | None = None, progress=None,
                user=None) -> MonitorRun:
    """Check every supplier with an active contract and record what is new. The caller
    commits (the CLI after the run; the job runner through ``progress``)."""
    on_date = on_date or date.today()
    run = MonitorRun()
    session.add(run)
    session.flush()
    targets = checks.active_contract_targets(session, on_date)
    run.suppliers = len({t.supplier.id for t in targets})
    try:
        done = checks.run_checks(session, user, targets, trigger="monitor", on_date=on_date,
                                 progress=progress)
    except Exception as exc:
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = utcnow()
        raise
    checks.load_grounds(session, done)
    for check in done:
        previous = previous_check(session, check.supplier_id, check.department_id, check.id)
        findings = new_findings(check, previous)
        session.add_all(findings)
        run.new_findings += len(findings)
        run.unknown += check.overall == rules.UNKNOWN
    run.checks = len(done)
    run.finished_at = utcnow()
    session.flush()
    return run


def acknowledge(session: Session, user, finding: MonitoringFinding) -> None:
    if finding.acknowledged_at is None:
        finding.acknowledged_at = utcnow()
        finding.acknowledged_by_id = user.id
        session.flush()
