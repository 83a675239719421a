"""The screening pipeline (suppliers/pipeline.py) through the registries' HTTP adapters and the
stub server: every check complete and in order, connections reused, and its failure
behaviour: a call failing mid-batch, an error on the session's thread, a run that aborts after
failures in a row. Never a false clean, never a half-written supplier."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from oversight.audit import AuditEntry
from oversight.jobs import DONE, FAILED, Job, create_job, dispatch
from registries import stub_data
from suppliers import checks, rules, services
from suppliers import evidence as ev
from suppliers.models import CheckEvidence, CheckGround, SupplierCheck
from tests.factories import orgnr

REGISTRY_KEYS = {"bolagsverket:org", "sanctions:org", "skatteverket:org", "kronofogden:org"}


@pytest.fixture
def officer(make):
    return make.user(role="procurement", department=make.department(name="Socialförvaltningen",
                                                                     kind="social"))


@pytest.fixture
def stub(app, monkeypatch):
    """HTTP mode against the stub; ``stub.configure(**settings)`` changes the app's settings."""
    from registries.stub import StubRegistry, StubServer

    server = StubServer(StubRegistry(latency=0.0, seed=5, retry_after=0, timeout_sleep=0.3)).start()

    def configure(**extra):
        settings = server.config(
            REGISTRY_RETRIES=0, REGISTRY_TIMEOUT_READ=2.0, REGISTRY_ABORT_AFTER_FAILURES=0,
            REGISTRY_CONCURRENCY=4, SUPPLIERS_CHECK_CONCURRENCY=4,
            REGISTRY_RATE_LIMIT={"bolagsverket": 0, "sanctions": 0},
            REGISTRY_CACHE_MAX_AGE={"bolagsverket": 0, "sanctions": 0, "skatteverket": 0,
                                    "kronofogden": 0, "ivo": 0}) | extra
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)

    server.configure = configure
    configure()
    yield server
    server.stop()


def active_numbers(count: int, start: int = 6000) -> list[str]:
    """Organisation numbers the stub reports as active companies (so insolvency can clear)."""
    numbers, n = [], start
    while len(numbers) < count:
        n += 1
        candidate = orgnr(5, n)
        if stub_data.truth(candidate.replace("-", ""))["kind"] == "active":
            numbers.append(candidate)
    return numbers


def procurement_with(db, officer, numbers, reference="SOC 2026/40"):
    procurement = services.create_procurement(db.session, officer, {
        "reference": reference, "title": "Städ", "procedure": "lou_open", "above_threshold": True})
    for i, number in enumerate(numbers):
        services.add_tenderer(db.session, officer, procurement, orgnr=number, name=f"Pipe {i} AB")
    return procurement


def ground(check, code):
    return next(g for g in check.grounds if g.code == code)


def pool_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("registry-call-")]


def test_every_tenderer_is_checked_in_order_with_all_its_evidence_and_connections_reused(
        db, officer, stub):
    stub.configure(REGISTRY_CONCURRENCY=2, SUPPLIERS_CHECK_CONCURRENCY=6, SUPPLIERS_BATCH_CHUNK=10)
    numbers = active_numbers(30)
    procurement = procurement_with(db, officer, numbers)
    seen = []
    done = checks.screen_procurement(db.session, officer, procurement,
                                     progress=lambda d, t, m: seen.append((d, t)))
    assert [c.supplier.organisation.orgnr for c in done] == numbers
    for check in done:
        assert REGISTRY_KEYS <= set(check.evidence_by_key)
        assert ground(check, "insolvency").outcome == rules.CLEAR
    assert seen[0] == (0, 30) and seen[-1] == (30, 30)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    stats = stub.app.stats
    assert stats["/vardefulla-datamangder/v1/organisationer"] == 30
    assert sum(n for path, n in stats.items() if path.startswith("/match/")) == 1  # 30 in one call
    # 31 calls on 6 threads over pooled connections (sized to the screening's threads), not
    # a connection per call
    assert len(stub.app.connections) <= 6 + 2
    assert pool_threads() == []


def test_a_call_failing_mid_batch_is_never_clean_and_no_check_is_half_written(
        db, officer, stub):
    numbers = active_numbers(20, start=7000)
    failing = {numbers[i] for i in (8, 9, 10, 11)}
    for number in failing:
        stub.app.inject(number.replace("-", ""), "500" if number != numbers[10] else "timeout")
    stub.configure(REGISTRY_TIMEOUT_READ=0.1)
    procurement = procurement_with(db, officer, numbers, reference="SOC 2026/41")
    done = checks.screen_procurement(db.session, officer, procurement)
    db.session.commit()
    assert len(done) == 20
    for check in done:
        assert REGISTRY_KEYS <= set(check.evidence_by_key)  # every question has its answer
        assert len(check.grounds) == len(done[0].grounds)
        bolagsverket = check.evidence_by_key["bolagsverket:org"]
        if check.supplier.organisation.orgnr in failing:
            assert bolagsverket.status == ev.UNAVAILABLE
            assert ground(check, "insolvency").outcome == rules.UNKNOWN
            assert check.overall != rules.CLEAR
        else:
            assert ground(check, "insolvency").outcome == rules.CLEAR
    assert pool_threads() == []


def test_an_error_while_storing_stops_the_batch_and_leaves_only_whole_checks(
        db, make, officer, stub, monkeypatch):
    """The job as the worker runs it: the seventh supplier's rules fail. The job fails; the
    checks committed before (by a progress step) are whole, the rest are not there."""
    stub.configure(SUPPLIERS_BATCH_CHUNK=5)
    numbers = active_numbers(12, start=8000)
    procurement = procurement_with(db, officer, numbers, reference="SOC 2026/42")
    seen = []
    original = rules.evaluate

    def evaluate(ctx, bundle):
        seen.append(ctx.orgnr)
        if len(seen) == 7:
            raise RuntimeError("regelmotorn föll")
        return original(ctx, bundle)

    monkeypatch.setattr(rules, "evaluate", evaluate)
    job = create_job(db.session, officer, "suppliers.screen", "Kontroll",
                     {"procurement_id": procurement.id}, total=12)
    db.session.commit()
    dispatch(job)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == FAILED and "regelmotorn" in job.error
    stored = list(db.session.scalars(select(SupplierCheck)
                                     .where(SupplierCheck.procurement_id == procurement.id)))
    # what a progress step committed before the failure (how many depends on how the answers
    # arrived), never the failed supplier or those after it
    assert len(stored) < 7
    for check in stored:
        assert REGISTRY_KEYS <= set(check.evidence_by_key)
        assert len(check.grounds) == len(stored[0].grounds) > 0
        assert check.supplier.organisation.orgnr in seen[:6]
    orphans = db.session.scalar(select(func.count()).select_from(CheckEvidence).where(
        ~CheckEvidence.check_id.in_(select(SupplierCheck.id))))
    assert orphans == 0
    assert db.session.scalar(select(func.count()).select_from(CheckGround).where(
        ~CheckGround.check_id.in_(select(SupplierCheck.id)))) == 0
    assert pool_threads() == []


def test_failures_in_a_row_abort_the_run_and_what_was_not_asked_is_unavailable(
        db, officer, stub):
    stub.app.fault_rate, stub.app.fault_kinds = 1.0, ("503",)
    stub.configure(REGISTRY_ABORT_AFTER_FAILURES=3, SUPPLIERS_CHECK_CONCURRENCY=2,
                   REGISTRY_CONCURRENCY=2)
    numbers = active_numbers(25, start=9000)
    procurement = procurement_with(db, officer, numbers, reference="SOC 2026/43")
    done = checks.screen_procurement(db.session, officer, procurement)
    asked = stub.app.stats["/vardefulla-datamangder/v1/organisationer"]
    assert asked < 10  # three failures in a row, plus the calls already in flight
    messages = [c.evidence_by_key["bolagsverket:org"].message or "" for c in done]
    assert sum("avbröts" in m for m in messages) >= 25 - asked
    for check in done:
        assert check.evidence_by_key["bolagsverket:org"].status == ev.UNAVAILABLE
        assert ground(check, "insolvency").outcome == rules.UNKNOWN
        assert check.overall != rules.CLEAR
    assert pool_threads() == []


def test_the_screening_job_stores_its_lookups_as_its_creator(db, make, officer, stub):
    numbers = active_numbers(6, start=9500)
    procurement = procurement_with(db, officer, numbers, reference="SOC 2026/44")
    for tender in procurement.tenders:
        services.record_extract(db.session, officer, tender.supplier, key_person_id=None,
                                document_date=date.today(), reference=None, convictions=[])
    job = create_job(db.session, officer, "suppliers.screen", "Kontroll",
                     {"procurement_id": procurement.id}, total=6)
    db.session.commit()
    before = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    dispatch(job)
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == DONE
    actors = set(db.session.scalars(select(AuditEntry.actor_id).where(
        AuditEntry.id > before, AuditEntry.entity_type.in_(("registry_lookup", "supplier_check")))))
    assert actors == {officer.id}
    lookups = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.id > before, AuditEntry.entity_type == "registry_lookup"))
    assert lookups == 6 * 4  # Bolagsverket, sanctions, Skatteverket, Kronofogden per supplier


def test_one_bad_number_does_not_keep_the_others_from_being_asked(db, officer, stub):
    numbers = active_numbers(4, start=9700)
    procurement = procurement_with(db, officer, numbers, reference="SOC 2026/45")
    broken = procurement.tenders[1].supplier.organisation
    broken.orgnr = broken.orgnr[:-1] + str((int(broken.orgnr[-1]) + 1) % 10)  # wrong check digit
    db.session.flush()
    done = checks.screen_procurement(db.session, officer, procurement)
    assert done[1].evidence_by_key["bolagsverket:org"].status == ev.ERROR
    assert ground(done[1], "insolvency").outcome == rules.UNKNOWN
    assert [ground(c, "insolvency").outcome for i, c in enumerate(done) if i != 1] == [rules.CLEAR] * 3
