"""Faults at scale: a worker killed mid-job, the database dropping its connections mid-job,
a registry failing mid-batch. Jobs end visibly failed or interrupted (never done), every
item is whole or absent, a retry resumes and finishes, and no check reads as clean. Runs on
SQLite and on PostgreSQL (OVERSIGHT_DATABASE_URL, .ci/run)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from oversight.db import utcnow
from oversight.jobs import DONE, FAILED, INTERRUPTED, RUNNING, Job, create_job, dispatch
from oversight.jobs_health import mark_stale_jobs, retry_job
from oversight.organisations.models import Organisation
from tests import ops_fault_jobs

ROOT = Path(__file__).resolve().parents[2]


def batch_rows(db) -> list[str]:
    return sorted(db.session.scalars(select(Organisation.name)
                                     .where(Organisation.name.like("Batch %"))))


def job_of(db, job_id) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def retry_and_run(db, job) -> Job:
    retry_job(db.session, job)
    db.session.commit()
    dispatch(job)  # immediate mode: runs now, like the worker would
    return job_of(db, job.id)


def test_worker_killed_mid_job_is_interrupted_and_the_retry_resumes(db, make, app):
    officer = make.user(role="procurement")
    job = create_job(db.session, officer, "test.ops_batch", "Batch", {"n": 5, "hang_after": 2})
    db.session.commit()
    url = db.engine.url.render_as_string(hide_password=False)
    worker = subprocess.Popen([sys.executable, "-m", "tests.ops_fault_jobs", url, str(job.id)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while job_of(db, job.id).done < 3:
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the worker never reached item 3"
            time.sleep(0.1)
    finally:
        os.kill(worker.pid, signal.SIGKILL)  # no cleanup, no failure recorded: a dead worker
        worker.wait()
    db.session.remove()
    killed = job_of(db, job.id)
    assert killed.status == RUNNING  # nobody could record anything
    assert batch_rows(db) == ["Batch 0 AB", "Batch 1 AB", "Batch 2 AB"]  # whole items only

    later = utcnow() + timedelta(minutes=app.config["JOB_STALE_MINUTES"] + 1)
    assert mark_stale_jobs(db.session, later) == [job.id]
    db.session.commit()
    interrupted = job_of(db, job.id)
    assert interrupted.status == INTERRUPTED and interrupted.failed and interrupted.percent < 100

    interrupted.params = {"n": 5}  # the retry runs to the end
    db.session.commit()
    finished = retry_and_run(db, interrupted)
    assert finished.status == DONE and finished.attempts == 2
    assert batch_rows(db) == [f"Batch {i} AB" for i in range(5)]  # resumed, no duplicates


def _cut_connections(db):
    """The database goes away under the job: PostgreSQL really closes the job's connection
    (as a restart does); SQLite cannot restart, so its next statement fails the same way."""
    if db.engine.dialect.name == "postgresql":
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        return None
    original = db.session.commit
    state = {"failed": False}

    def failing_commit():
        if not state["failed"]:
            state["failed"] = True
            db.session.rollback()
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))
        return original()
    db.session.commit = failing_commit
    return original


def test_database_lost_mid_job_fails_visibly_and_the_retry_resumes(db, make):
    officer = make.user(role="procurement")
    job = create_job(db.session, officer, "test.ops_batch", "Batch", {"n": 6})
    db.session.commit()
    restore = {}

    def after_item(session, i):
        if i == 2 and not restore:
            restore["commit"] = _cut_connections(db)
    ops_fault_jobs.HOOKS["after_item"] = after_item
    try:
        dispatch(job)
    finally:
        ops_fault_jobs.HOOKS.clear()
        if restore.get("commit") is not None:
            db.session.commit = restore["commit"]
    db.session.remove()
    failed = job_of(db, job.id)
    assert failed.status == FAILED and failed.error and failed.percent < 100
    written = batch_rows(db)
    assert written == [f"Batch {i} AB" for i in range(len(written))] and len(written) == 3

    finished = retry_and_run(db, failed)
    assert finished.status == DONE, finished.error
    assert batch_rows(db) == [f"Batch {i} AB" for i in range(6)]
    assert db.session.scalar(select(func.count()).select_from(Organisation)
                             .where(Organisation.name.like("Batch %"))) == 6


@pytest.fixture
def fake(monkeypatch):
    from suppliers.testing import FakeRegistries

    return FakeRegistries().install(monkeypatch)


def test_registry_failing_mid_batch_in_the_screening_job_is_never_clean(db, make, fake):
    """The screening job the way it runs: half the tenderers meet a registry that has gone
    down; the job finishes, and every one of those reads "could not be checked"."""
    from datetime import date

    from suppliers import evidence as ev
    from suppliers import rules, services
    from suppliers.models import SupplierCheck

    officer = make.user(role="procurement")
    procurement = services.create_procurement(db.session, officer, {
        "reference": "SOC 2026/9", "title": "Städ", "procedure": "lou_open",
        "above_threshold": True})
    failing = set()
    for i in range(6):
        org = make.organisation(name=f"Leverantör {i} AB")
        supplier = services.supplier_for(db.session, officer, org)
        services.add_tenderer(db.session, officer, procurement, orgnr=org.orgnr)
        services.record_extract(db.session, officer, supplier, key_person_id=None,
                                document_date=date.today(), reference=None, convictions=[])
        if i >= 3:  # the registry went down in the middle of the batch
            fake.set(org.orgnr, "kronofogden", status=ev.UNAVAILABLE, facts=())
            failing.add(supplier.id)
    job = create_job(db.session, officer, "suppliers.screen", "Kontroll",
                     {"procurement_id": procurement.id}, total=6)
    db.session.commit()
    dispatch(job)
    assert job_of(db, job.id).status == DONE
    checks = list(db.session.scalars(select(SupplierCheck)
                                     .where(SupplierCheck.procurement_id == procurement.id)))
    assert len(checks) == 6
    for check in checks:
        if check.supplier_id in failing:
            assert check.overall == rules.UNKNOWN
    assert not any(c.overall == rules.CLEAR for c in checks if c.supplier_id in failing)
