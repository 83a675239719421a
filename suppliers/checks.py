"""Running exclusion checks: one supplier, the tenderers of a procurement, or every supplier
with an active contract (monitoring). Gathers the evidence (registries through
``registry_adapter``, the platform's own data through ``sources``), lets ``rules`` decide, and
stores the check with a copy of every piece of evidence. Flushes, never commits (except
through the job's progress callback, which the job runner owns)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session, selectinload

from oversight.jobs import Progress
from oversight.organisations.models import Organisation
from oversight.rule_values import RuleValueMissing
from oversight.scoping import owned_by
from suppliers import evidence as ev
from suppliers import pipeline, registry_adapter, rules, sources
from suppliers.evidence_store import row_values
from suppliers.models import (
    CheckEvidence,
    CheckGround,
    Contract,
    Procurement,
    Supplier,
    SupplierCheck,
)
from suppliers.registry_adapter import LookupRequest
from suppliers.rule_values import values_on
from suppliers.services import SupplierError


@dataclass
class Target:
    """What to check, for whom, under which rules."""

    supplier: Supplier
    department_id: int
    regime: str
    permit_required: bool = False
    permit_activity: str | None = None
    procurement_id: int | None = None
    contract_id: int | None = None
    people: list = field(default_factory=list)  # [(Person, KeyPerson)] filled in by run


def target_for_tender(procurement: Procurement, supplier: Supplier) -> Target:
    return Target(supplier, procurement.department_id, procurement.regime,
                  procurement.permit_bound, procurement.permit_activity,
                  procurement_id=procurement.id)


def target_for_contract(contract: Contract) -> Target:
    return Target(contract.supplier, contract.department_id, contract.regime,
                  contract.permit_bound, contract.permit_activity, contract_id=contract.id)


def target_standalone(supplier: Supplier, department_id: int, regime: str = rules.LOU,
                      permit_activity: str | None = None) -> Target:
    return Target(supplier, department_id, regime, bool(permit_activity), permit_activity)


def registry_requests(target: Target) -> list[LookupRequest]:
    org: Organisation = target.supplier.organisation
    company = dict(identifier=org.orgnr, subject="org", subject_label=org.name, name=org.name)
    wanted = [ev.BOLAGSVERKET, ev.SKATTEVERKET, ev.KRONOFOGDEN, ev.SANCTIONS]
    if target.permit_required:
        wanted.append(ev.IVO)
    requests = [LookupRequest(registry=r, **company) for r in wanted]
    for person, key_person in target.people:
        born = _birth_date(key_person.personnummer)
        requests.append(LookupRequest(  # asked by name and birth date, never personnummer
            registry=ev.SANCTIONS, identifier=f"{key_person.name}|{born or ''}",
            subject=person.key, subject_label=person.label, name=key_person.name,
            schema="Person", birth_date=born))
    return requests


def _birth_date(pnr: str | None) -> date | None:
    """YYYYMMDD-NNNN (normalized personnummer) -> date; samordningsnummer day - 60."""
    if not pnr or len(pnr) < 8 or not pnr[:8].isdigit():
        return None
    day = int(pnr[6:8])
    try:
        return date(int(pnr[:4]), int(pnr[4:6]), day - 60 if day > 60 else day)
    except ValueError:
        return None


def _chunk_size() -> int:
    return max(1, int(current_app.config.get("SUPPLIERS_BATCH_CHUNK", 50)))


def run_checks(session: Session, user, targets: list[Target], *, trigger: str,
               job_id: int | None = None, progress: Progress | None = None,
               on_date: date | None = None) -> list[SupplierCheck]:
    """Check every target; returns the stored checks in the order of ``targets``.

    A pipeline (``suppliers.pipeline``): every registry question of the batch is asked at
    once, the HTTP calls on ``SUPPLIERS_CHECK_CONCURRENCY`` threads, and each supplier's check
    is evaluated and stored on this thread as soon as its answers are in, while other calls
    are in flight. The progress bar moves every ``SUPPLIERS_BATCH_CHUNK`` suppliers."""
    on_date = on_date or date.today()
    try:
        values = values_on(session, on_date)
    except RuleValueMissing as exc:  # fail closed: no check without its rules
        raise SupplierError(str(exc)) from exc
    total = len(targets)
    checks: dict[int, SupplierCheck] = {}
    if progress:
        progress(0, total, _("Frågar registren…"))
    size = _chunk_size()
    ids = _supplier_ids(targets)
    _load_suppliers(session, ids)
    for t in targets:
        t.people = sources.representatives(t.supplier.organisation, on_date)
    answers, batches = pipeline.answers(session, user, [registry_requests(t) for t in targets],
                                        concurrency=_concurrency(), chunk=size)
    reported = 0
    own = _OwnEvidence(session, targets, size)
    with contextlib.closing(batches):
        for ready in batches:
            with session.no_autoflush:
                parts = [_check_one(session, user, targets[i], answers, own.of(i), values,
                                    on_date, trigger, job_id) for i in ready]
            store_checks(session, parts)
            checks.update((i, part[0]) for i, part in zip(ready, parts))
            done = len(checks)
            if progress and (done - reported >= size or done == total):
                reported = done
                progress(done, total, _("%(done)s av %(total)s leverantörer kontrollerade.", done=done, total=total))
                _load_suppliers(session, [ids[i] for i in range(total) if i not in checks])
                own.forget()  # the callback may have committed: those objects are expired
    return [checks[i] for i in range(total)]


class _OwnEvidence:
    """The platform's own evidence (``sources.Prefetched``) read for a chunk of ``size``
    targets at a time, when the first of them is checked: a few statements per chunk, not per
    group of suppliers whose answers came in together (often two or three)."""

    def __init__(self, session: Session, targets: list[Target], size: int):
        self.session, self.targets, self.size = session, targets, size
        self._chunks: dict[int, sources.Prefetched] = {}

    def of(self, index: int) -> sources.Prefetched:
        chunk = index // self.size
        if chunk not in self._chunks:
            group = self.targets[chunk * self.size:(chunk + 1) * self.size]
            self._chunks[chunk] = sources.Prefetched(
                self.session, [t.supplier for t in group], {t.department_id for t in group})
        return self._chunks[chunk]

    def forget(self) -> None:
        self._chunks.clear()


def load_grounds(session: Session, stored: list[SupplierCheck]) -> None:
    """Load (or refresh) the grounds of many stored checks in a few statements: ``run_checks``
    writes evidence and grounds in bulk, so ``check.grounds`` is otherwise one query each."""
    ids = [inspect(c).identity[0] for c in stored]
    for start in range(0, len(ids), 500):
        session.scalars(select(SupplierCheck).where(SupplierCheck.id.in_(ids[start:start + 500]))
                        .options(selectinload(SupplierCheck.grounds))).all()


def _concurrency() -> int:
    return registry_adapter.concurrency() or int(current_app.config["REGISTRY_CONCURRENCY"])


def _supplier_ids(targets: list[Target]) -> list[int]:
    """Without loading anything (the supplier may be expired after a commit)."""
    return [inspect(t.supplier).identity[0] for t in targets]


def _load_suppliers(session: Session, ids: list[int]) -> None:
    """Load (or refresh after the progress callback committed) the suppliers with their
    organisations and key persons in a few statements instead of one per supplier."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        session.scalars(select(Supplier).where(Supplier.id.in_(wanted[start:start + 500])).options(
            selectinload(Supplier.organisation).selectinload(Organisation.key_persons))).all()


def _check_one(session: Session, user, target: Target, answers: dict,
               own: sources.Prefetched, values: dict, on_date: date, trigger: str,
               job_id: int | None) -> tuple[SupplierCheck, list[dict], list[dict]]:
    supplier = target.supplier
    org = supplier.organisation
    dept = target.department_id
    people = [p for p, _ in target.people]
    bundle = ev.EvidenceBundle()
    for req in registry_requests(target):
        bundle.add(answers[(req.registry, req.subject, req.identifier)])
    bundle.add(sources.warnings_evidence(session, supplier, dept, on_date,
                                         own.warnings.get(org.id, [])))
    bundle.add(sources.complaints_evidence(session, supplier, own.complaints.get(supplier.id, [])))
    bundle.add(sources.decisions_evidence(session, supplier, dept,
                                          own.decisions.get((supplier.id, dept), [])))
    for item in sources.criminal_record_evidence(session, supplier, dept, people,
                                                 own.extracts.get((org.id, dept), [])):
        bundle.add(item)
    ctx = rules.CheckContext(
        regime=target.regime, on_date=on_date, supplier_name=org.name, orgnr=org.orgnr,
        values=values, representatives=tuple(people), permit_required=target.permit_required,
        permit_activity=target.permit_activity,
        in_company_register=(org.org_group or 5) not in (8, 2))
    bundle = bundle.mark_stale(on_date, rules.max_ages(values))
    outcomes = rules.evaluate(ctx, bundle)
    return check_rows(user, target, ctx, bundle, outcomes, trigger=trigger, job_id=job_id)


def check_rows(user, target: Target, ctx: rules.CheckContext, bundle: ev.EvidenceBundle,
               outcomes: list[rules.GroundOutcome], *, trigger: str,
               job_id: int | None = None) -> tuple[SupplierCheck, list[dict], list[dict]]:
    """The check (not yet added) and the column values of its evidence and grounds."""
    check = SupplierCheck(
        supplier_id=target.supplier.id, department_id=target.department_id,
        procurement_id=target.procurement_id, contract_id=target.contract_id, job_id=job_id,
        regime=ctx.regime, on_date=ctx.on_date, trigger=trigger,
        overall=rules.overall(outcomes), permit_required=ctx.permit_required,
        permit_activity=ctx.permit_activity, rule_values=dict(ctx.values),
        representatives=[p.label for p in ctx.representatives],
        run_by_id=getattr(user, "id", None))
    evidence = [dict(department_id=target.department_id, **row_values(item))
                for item in bundle.items]
    grounds = [dict(
        department_id=target.department_id, position=i, code=o.code, label=o.label, law=o.law,
        kind=o.kind, outcome=o.outcome, mandatory=o.mandatory,
        hearing_required=o.hearing_required, reasons=list(o.reasons), problems=list(o.problems),
        actions=list(o.actions), evidence_keys=list(o.evidence))
        for i, o in enumerate(outcomes)]
    return check, evidence, grounds


def persist(session: Session, user, target: Target, ctx: rules.CheckContext,
            bundle: ev.EvidenceBundle, outcomes: list[rules.GroundOutcome], *, trigger: str,
            job_id: int | None = None) -> SupplierCheck:
    """One check with its evidence and grounds, added to the session (flushed later)."""
    check, evidence, grounds = check_rows(user, target, ctx, bundle, outcomes, trigger=trigger,
                                          job_id=job_id)
    check.evidence = [CheckEvidence(**row) for row in evidence]
    check.grounds = [CheckGround(**row) for row in grounds]
    session.add(check)
    return check


def store_checks(session: Session, parts: list[tuple[SupplierCheck, list[dict], list[dict]]]) -> None:
    """Many checks at once (``check_rows`` each): the checks through the ORM (audited, ids),
    then all their evidence and all their grounds in one statement each, in the same
    transaction, so a check never stands without its evidence."""
    checks = [check for check, _, _ in parts]
    session.add_all(checks)
    session.flush()
    evidence = [dict(row, check_id=check.id) for check, rows, _ in parts for row in rows]
    grounds = [dict(row, check_id=check.id) for check, _, rows in parts for row in rows]
    if evidence:
        session.execute(insert(CheckEvidence.__table__), evidence)
    if grounds:
        session.execute(insert(CheckGround.__table__), grounds)


# --- convenience entry points ----------------------------------------------------------------

def check_supplier(session: Session, user, supplier: Supplier, *, regime: str | None = None,
                   procurement: Procurement | None = None, contract: Contract | None = None,
                   permit_activity: str | None = None, trigger: str = "manual",
                   on_date: date | None = None) -> SupplierCheck:
    if procurement is not None:
        target = target_for_tender(procurement, supplier)
    elif contract is not None:
        target = target_for_contract(contract)
    else:
        target = target_standalone(supplier, user.department_id, regime or rules.LOU,
                                   permit_activity)
    return run_checks(session, user, [target], trigger=trigger, on_date=on_date)[0]


def screen_procurement(session: Session, user, procurement: Procurement, *,
                       job_id: int | None = None, progress: Progress | None = None,
                       on_date: date | None = None) -> list[SupplierCheck]:
    _load_suppliers(session, [t.supplier_id for t in procurement.tenders])  # one query, not one each
    targets = [target_for_tender(procurement, t.supplier) for t in procurement.tenders]
    return run_checks(session, user, targets, trigger="screening", job_id=job_id,
                      progress=progress, on_date=on_date)


def active_contract_targets(session: Session, on_date: date | None = None) -> list[Target]:
    """One target per supplier and owning department with at least one active contract: the
    strictest rules among those contracts (LOU before LOV before LOU 19), permit if any."""
    on_date = on_date or date.today()
    contracts = session.scalars(
        select(Contract).where(Contract.status == "active")
        .options(selectinload(Contract.supplier).selectinload(Supplier.organisation)
                 .selectinload(Organisation.key_persons))
        .order_by(Contract.supplier_id, Contract.department_id, Contract.value.desc())).all()
    priority = {rules.LOU: 0, rules.LOV: 1, rules.LOU19: 2}
    grouped: dict[tuple[int, int], list[Contract]] = {}
    for c in contracts:
        if c.is_active(on_date):
            grouped.setdefault((c.supplier_id, c.department_id), []).append(c)
    targets = []
    for group in grouped.values():
        main = min(group, key=lambda c: priority[c.regime])
        permits = [c for c in group if c.permit_bound]
        target = target_for_contract(main)
        if permits:
            target.permit_required = True
            target.permit_activity = permits[0].permit_activity
        targets.append(target)
    return targets


def latest_checks(session: Session, supplier_ids: Iterable[int],
                  department_id: int) -> dict[int, SupplierCheck]:
    """The department's newest check per supplier."""
    ids = list(supplier_ids)
    if not ids:
        return {}
    rows = session.scalars(owned_by(select(SupplierCheck), SupplierCheck, department_id).where(
        SupplierCheck.supplier_id.in_(ids))
        .order_by(SupplierCheck.supplier_id, SupplierCheck.id.desc()))
    out: dict[int, SupplierCheck] = {}
    for row in rows:
        out.setdefault(row.supplier_id, row)
    return out
