"""Jobs the way the worker runs them: a fresh app context outside the request, as the job's
creator; scheduled tasks as the system user; heartbeat, interrupted jobs and retries; the
failure path that cannot fail silently; a failed payment-file job that never reads "Klar"."""
from __future__ import annotations

import ast
import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from oversight.app import create_app
from oversight.audit import AuditEntry
from oversight.auth.models import User
from oversight.db import utcnow
from oversight.extensions import db as _db
from oversight.jobs import (
    INTERRUPTED, Job, create_job, dispatch, get_huey, job_handler, run_job, run_periodic,
)
from oversight.jobs_health import mark_stale_jobs, sweep_stale_jobs
from oversight.organisations import services as orgs
from tests.conftest import config_for_tests, login
from tests.factories import orgnr

ROOT = Path(__file__).resolve().parents[2]


@job_handler("test.audited")
def _audited(session, job, progress):
    org = orgs.register_organisation(session, orgnr=job.params["orgnr"], name="Jobbet AB")
    progress(1, 1, "klart")
    return {"org_id": org.id}


@job_handler("test.heartbeat")
def _waits_for_heartbeat(session, job, progress):
    """Waits (at most 10 s) until the timer thread has stamped a newer heartbeat."""
    first = job.heartbeat_at
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with _db.engine.connect() as conn:
            beat = conn.execute(select(Job.heartbeat_at).where(Job.id == job.id)).scalar()
        if beat is not None and str(beat) != str(first):
            return {"beat": True}
        time.sleep(0.05)
    return {"beat": False}


@job_handler("test.flaky")
def _flaky(session, job, progress):
    if job.attempts < 2:
        raise RuntimeError("arbetsprocessen dog")
    return {"ok": True}


@pytest.fixture
def worker_app(tmp_path, app):
    """A second app on the same database, with a real (SQLite) huey queue: the worker."""
    worker = create_app(config_for_tests(JOBS_IMMEDIATE=False, JOB_HEARTBEAT_SECONDS=0.05))
    worker.instance_path = str(tmp_path)
    yield worker
    with worker.app_context():
        _db.session.remove()


def run_in_worker(worker_app, job):
    with worker_app.app_context():
        dispatch(job)
    huey = get_huey(worker_app)
    huey.execute(huey.dequeue())  # exactly what huey_consumer does: a fresh app context


def test_job_runs_as_its_creator_in_the_worker(db, make, worker_app):
    officer = make.user(role="procurement", username="anna")
    number = orgnr(5)
    job = create_job(db.session, officer, "test.audited", "Registrera", {"orgnr": number})
    db.session.commit()
    run_in_worker(worker_app, job)
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done"
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.entity_type == "organisation", AuditEntry.action == "create"))
    assert (entry.actor, entry.actor_id, entry.department_id) == (
        "anna", officer.id, officer.department_id)


def test_registry_check_job_records_the_officer_as_who_ran_it(db, make, worker_app):
    from registries.models import RegistryLookup

    officer = make.user(role="procurement", username="bertil")
    org = make.organisation(name="Omsorgspartner i Norden AB", orgnr="556901-2346")
    job = create_job(db.session, officer, "registries.check", "Kontroll",
                     {"organisation_id": org.id, "registries": ["bolagsverket"]})
    db.session.commit()
    run_in_worker(worker_app, job)
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done"
    lookup = db.session.scalar(select(RegistryLookup))
    assert lookup.user_id == officer.id
    actors = set(db.session.scalars(select(AuditEntry.actor).where(
        AuditEntry.entity_type == "registry_lookup")))
    assert actors == {"bertil"}


def test_job_without_a_creator_runs_as_the_system_user_who_cannot_log_in(db, make, worker_app,
                                                                         app):
    job = create_job(db.session, None, "test.audited", "System", {"orgnr": orgnr(5)})
    db.session.commit()
    run_in_worker(worker_app, job)
    db.session.expire_all()
    system = db.session.scalar(select(User).where(User.username == "system"))
    assert system is not None and not system.active
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "organisation"))
    assert (entry.actor, entry.actor_id, entry.department_id) == ("system", system.id, None)
    client = app.test_client()
    assert login(client, "system", "").status_code == 200  # the login form again, refused
    assert login(client, "system", "!cannot-log-in").status_code == 200


def test_domains_register_periodic_tasks_and_the_worker_imports_no_domain(db, worker_app):
    huey = get_huey(worker_app)
    names = {task.__name__ for task in huey._registry._periodic_tasks}
    assert {"suppliers.monitor", "oversight.mark_stale_jobs"} <= names
    tree = ast.parse((ROOT / "oversight" / "worker.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m.split(".")[0] in ("suppliers", "associations", "registries", "assistance")
                   or m.startswith("oversight.accounts") for m in imported)
    # A scheduled task runs as the system user.
    run_periodic(worker_app, "suppliers.monitor")
    assert db.session.scalar(select(User.username).where(User.username == "system"))


def test_a_running_job_keeps_a_heartbeat(db, make, worker_app):
    job = create_job(db.session, make.user(), "test.heartbeat", "Puls")
    db.session.commit()
    run_in_worker(worker_app, job)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "done" and job.result == {"beat": True}


def _stale_running_job(db, user, kind="test.flaky", minutes=30) -> Job:
    job = create_job(db.session, user, kind, "Ett jobb som dog", {"orgnr": orgnr(5)})
    job.status, job.attempts = "running", 1
    job.started_at = job.heartbeat_at = utcnow() - timedelta(minutes=minutes)
    db.session.commit()
    return job


def test_a_stale_job_is_marked_interrupted_at_worker_start_and_retried(db, make, login_as,
                                                                      worker_app):
    dept = make.department()
    officer = make.user(role="procurement", department=dept)
    job = _stale_running_job(db, officer)
    fresh = create_job(db.session, officer, "test.flaky", "Lever")
    fresh.status, fresh.started_at, fresh.heartbeat_at = "running", utcnow(), utcnow()
    db.session.commit()
    assert sweep_stale_jobs(worker_app) == [job.id]  # what every worker does at start
    assert get_huey(worker_app)._startup  # ... registered as huey's startup hook
    db.session.expire_all()
    job, fresh = db.session.get(Job, job.id), db.session.get(Job, fresh.id)
    assert job.status == INTERRUPTED and "avbröts" in job.error and fresh.status == "running"

    client = login_as(officer)
    as_json = client.get(f"/jobs/{job.id}.json").get_json()
    assert as_json["status_label"] == "Avbrutet" and as_json["failed"] is True
    assert as_json["percent"] < 100 and "danger" in as_json["status_class"]
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Avbrutet" in page and "Klar<" not in page and "Kör om jobbet" in page
    listing = client.get("/jobs/").get_data(as_text=True)
    assert "Avbrutet" in listing and ">Klar<" not in listing

    assert client.get(f"/jobs/{job.id}/retry").status_code == 200  # the confirmation step
    response = client.post(f"/jobs/{job.id}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "done" and job.attempts == 2 and job.error is None


def test_retry_is_refused_to_other_departments_and_the_auditor(db, make, login_as):
    dept = make.department()
    job = _stale_running_job(db, make.user(department=dept))
    mark_stale_jobs(db.session)
    db.session.commit()
    other = login_as(make.user(role="procurement"))
    assert other.post(f"/jobs/{job.id}/retry").status_code == 404
    auditor = login_as(make.user(role="auditor", department=dept))
    assert auditor.post(f"/jobs/{job.id}/retry").status_code == 403
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == INTERRUPTED


def test_retry_and_list_from_the_cli(db, make, runner):
    job = _stale_running_job(db, make.user(username="cecilia"))
    result = runner.invoke(args=["jobs", "mark-stale"])
    assert result.exit_code == 0 and str(job.id) in result.output
    listing = runner.invoke(args=["jobs", "list", "--failed"])
    assert "Avbrutet" in listing.output and "cecilia" in listing.output
    result = runner.invoke(args=["jobs", "retry", str(job.id), "--here"])
    assert result.exit_code == 0, result.output
    assert "Klar" in result.output
    again = runner.invoke(args=["jobs", "retry", str(job.id)])
    assert again.exit_code == 1 and "Traceback" not in again.output
    assert "Bara ett misslyckat eller avbrutet jobb" in again.output


def test_marking_a_job_failed_is_tried_again_in_a_fresh_session(db, make, monkeypatch):
    job = create_job(db.session, make.user(), "test.flaky", "Trasig")
    db.session.commit()
    real_execute = _db.session.execute

    def broken(statement, *args, **kwargs):
        if getattr(statement, "is_update", False) and getattr(statement, "table", None) is \
                Job.__table__:
            raise OperationalError("UPDATE job", {}, Exception("database is locked"))
        return real_execute(statement, *args, **kwargs)

    monkeypatch.setattr(_db.session, "execute", broken)
    run_job(job.id)
    monkeypatch.undo()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "failed" and "arbetsprocessen dog" in job.error


def test_failed_payment_file_job_is_failed_not_klar(db, make, login_as):
    fixtures = ROOT / "oversight" / "accounts" / "fixtures"
    client = login_as(make.user(role="procurement"))
    broken = (fixtures / "pain001_v03.xml").read_bytes().replace(b"<Amt>", b"<Amount>", 1)
    response = client.post("/accounts/payments", data={
        "file": (io.BytesIO(broken), "bad.xml"), "format": ""}, content_type="multipart/form-data")
    assert "/accounts/payments/" in response.headers["Location"]  # the errors are shown there
    job = db.session.scalar(select(Job).where(Job.kind == "accounts.check_payments"))
    as_json = client.get(f"/jobs/{job.id}.json").get_json()
    assert as_json["status"] == "failed" and as_json["status_label"] == "Misslyckades"
    assert as_json["percent"] < 100 and "kunde inte läsas" in as_json["error"]
    assert as_json["result_url"]
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Misslyckades" in page and "job-failed" in page and 'value="100"' not in page
    assert "Misslyckades" in client.get("/jobs/").get_data(as_text=True)


WORKER_SCRIPT = """
import sys, time
from oversight.app import create_app
from oversight.jobs import job_handler, run_job

@job_handler("test.killed")
def forever(session, job, progress):
    progress(1, 10, "arbetar")
    while True:
        time.sleep(0.05)

app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": sys.argv[1],
                  "JOB_HEARTBEAT_SECONDS": 0.05})
with app.app_context():
    run_job(int(sys.argv[2]))
"""


@job_handler("test.killed")
def _finishes_on_retry(session, job, progress):
    progress(10, 10, "klart")
    return {"attempt": job.attempts}


def test_a_killed_worker_process_leaves_an_interrupted_job_that_can_be_retried(db, make,
                                                                              tmp_path):
    """A real process runs the job and is killed (SIGKILL) mid-run; its job is then marked
    interrupted once the heartbeat is older than JOB_STALE_MINUTES, and a retry finishes it."""
    import os
    import signal
    import subprocess
    import sys

    job = create_job(db.session, make.user(), "test.killed", "Dör mitt i")
    db.session.commit()
    url = db.engine.url.render_as_string(hide_password=False)
    env = dict(os.environ, OVERSIGHT_INSTANCE_PATH=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, url, str(job.id)],
                            cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.expire_all()
            seen = db.session.get(Job, job.id)
            if seen.status == "running" and seen.done == 1:
                break
            assert proc.poll() is None, "the worker process ended early"
            time.sleep(0.1)
        else:
            pytest.fail("the worker process never started the job")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "running"  # stuck, as after a dead worker
    assert mark_stale_jobs(db.session) == []  # its heartbeat is recent: not yet stale
    later = utcnow() + timedelta(minutes=11)
    assert mark_stale_jobs(db.session, now=later) == [job.id]
    db.session.commit()
    from oversight.jobs_health import retry_job

    retry_job(db.session, db.session.get(Job, job.id))
    db.session.commit()
    run_job(job.id)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "done" and job.attempts == 2 and job.percent == 100


def test_path_for_builds_the_same_url_with_and_without_a_request(app):
    from oversight.views_support import path_for

    with app.app_context():  # a worker: no request
        outside = path_for("suppliers.procurement", procurement_id=3, _anchor="resultat")
    with app.test_request_context():
        inside = path_for("suppliers.procurement", procurement_id=3, _anchor="resultat")
    assert outside == inside == "/suppliers/procurements/3#resultat"


def test_retry_needs_the_csrf_token_of_the_confirmation_form(db, make):
    from tests.conftest import PASSWORD

    csrf_app = create_app(config_for_tests(WTF_CSRF_ENABLED=True))
    officer = make.user(role="procurement")
    job = _stale_running_job(db, officer)
    mark_stale_jobs(db.session)
    db.session.commit()
    c = csrf_app.test_client()
    token = c.get("/login").get_data(as_text=True).split(
        'name="csrf_token" type="hidden" value="')[1].split('"')[0]
    c.post("/login", data={"username": officer.username, "password": PASSWORD,
                           "csrf_token": token})
    assert c.post(f"/jobs/{job.id}/retry").status_code == 400
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == INTERRUPTED
    page = c.get(f"/jobs/{job.id}/retry").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert c.post(f"/jobs/{job.id}/retry", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done"
