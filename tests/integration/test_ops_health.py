"""/health (database, worker heartbeat, queue, registries' last success; 200/503, no secrets),
the worker heartbeat as the worker writes it, JSON logs, and the admins' job dashboard."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

from sqlalchemy import select

from oversight.app import create_app
from oversight.audit import AuditEntry
from oversight.db import utcnow
from oversight.health import WorkerHeartbeat, beat
from oversight.jobs import FAILED, QUEUED, Job, create_job, get_huey, job_handler, run_periodic
from oversight.logs import JsonFormatter
from tests.conftest import config_for_tests


@job_handler("test.ops_ok")
def _ok(session, job, progress):
    return {"ok": True}


def _worker_mode(app):
    app.config["JOBS_IMMEDIATE"] = False


def test_health_is_503_without_a_live_worker_and_200_with_one(app, db, client):
    app.config["JOBS_IMMEDIATE"] = False
    try:
        r = client.get("/health")
        assert r.status_code == 503
        assert r.json["status"] == "fail" and r.json["checks"]["worker"]["ok"] is False
        assert r.json["checks"]["database"]["ok"] is True
        old = WorkerHeartbeat(name="gammal:1", started_at=utcnow() - timedelta(hours=1),
                              beat_at=utcnow() - timedelta(minutes=30))
        db.session.add(old)
        db.session.commit()
        assert client.get("/health").status_code == 503  # a stale worker is not alive
        beat(db.session, "worker-1:42")
        db.session.commit()
        r = client.get("/health")
        assert r.status_code == 200, r.json
        assert r.json["checks"]["worker"]["alive"] == 1
        assert r.headers["Cache-Control"] == "no-store"
    finally:
        app.config["JOBS_IMMEDIATE"] = True


def test_health_reports_queue_and_registries_without_secrets(app, db, client, make):
    from registries.models import RegistryLookup

    now = utcnow()
    db.session.add_all([
        RegistryLookup(registry="bolagsverket", identifier="5569012346", status="found",
                       source="test", retrieved_at=now - timedelta(hours=2)),
        RegistryLookup(registry="bolagsverket", identifier="5569012346", status="error",
                       source="test", retrieved_at=now),
        RegistryLookup(registry="kronofogden", identifier="5569012346", status="error",
                       source="test", retrieved_at=now),
    ])
    officer = make.user(role="procurement")
    create_job(db.session, officer, "test.ops_ok", "Köat")
    db.session.commit()
    r = client.get("/health")
    assert r.status_code == 200
    checks = r.json["checks"]
    assert checks["jobs"]["queued"] == 1
    assert checks["registries"]["bolagsverket"]["last_success"] is not None
    assert checks["registries"]["bolagsverket"]["last_attempt"] > \
        checks["registries"]["bolagsverket"]["last_success"]
    assert checks["registries"]["kronofogden"]["last_success"] is None  # never a false success
    body = r.get_data(as_text=True).lower()
    for secret in ("secret", "password", "sqlite:", "postgresql", "5569012346",
                   app.config["SECRET_KEY"].lower()):
        assert secret not in body


def test_health_is_503_when_the_database_is_down(tmp_path):
    broken = create_app(config_for_tests(DATABASE_URL="sqlite:///" + str(tmp_path / "no" / "x.db")))
    r = broken.test_client().get("/health")
    assert r.status_code == 503
    assert r.json["checks"]["database"]["ok"] is False
    assert "x.db" not in r.get_data(as_text=True)


def test_the_worker_registers_and_runs_its_heartbeat(db, tmp_path):
    worker = create_app(config_for_tests(JOBS_IMMEDIATE=False))
    worker.instance_path = str(tmp_path)
    huey = get_huey(worker)
    names = {task.__name__ for task in huey._registry._periodic_tasks}
    assert "oversight.worker_heartbeat" in names
    run_periodic(worker, "oversight.worker_heartbeat")
    assert db.session.scalar(select(WorkerHeartbeat)) is not None
    db.session.execute(WorkerHeartbeat.__table__.delete())
    db.session.commit()
    for hook in huey._startup.values():
        hook()  # what huey_consumer runs when a worker starts
    assert db.session.scalar(select(WorkerHeartbeat)) is not None


def test_every_scheduled_job_the_readme_lists_is_registered(app):
    registered = set(app.extensions["oversight_periodic"])
    assert {"oversight.mark_stale_jobs", "oversight.worker_heartbeat", "audit.anchor",
            "suppliers.monitor", "assistance.daily",
            "assistance.timereport_reminders"} <= registered


def test_json_log_lines_are_json_with_the_exception():
    formatter = JsonFormatter()
    try:
        raise ValueError("trasig rad")
    except ValueError:
        import sys
        record = logging.LogRecord("oversight.test", logging.ERROR, __file__, 1,
                                   "jobb %s misslyckades", (7,), sys.exc_info())
    entry = json.loads(formatter.format(record))
    assert entry["message"] == "jobb 7 misslyckades" and entry["level"] == "ERROR"
    assert "trasig rad" in entry["exception"] and entry["logger"] == "oversight.test"


def test_json_log_setting_is_checked():
    import pytest

    with pytest.raises(RuntimeError):
        create_app(config_for_tests(LOG_FORMAT="xml"))


def test_admin_dashboard_lists_jobs_of_every_department_and_retries(db, make, login_as):
    admin = make.user(role="admin")
    officer = make.user(role="procurement")
    queued = create_job(db.session, officer, "test.ops_ok", "Köat jobb")
    failed = create_job(db.session, officer, "test.ops_ok", "Misslyckat jobb")
    failed.status, failed.error = FAILED, "RuntimeError: registret svarade inte"
    db.session.commit()
    client = login_as(admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Köat jobb" in page and "Misslyckat jobb" in page
    assert 'id="count-queued">1<' in page and 'id="count-failed">1<' in page
    r = client.post(f"/admin/jobs/{failed.id}/retry")
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, failed.id).status == "done"  # immediate mode runs it at once
    assert db.session.get(Job, queued.id).status == QUEUED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "job",
                                                       AuditEntry.action == "retry"))
    assert entry is not None and entry.actor == admin.username


def test_job_dashboard_is_for_admins_only(db, make, login_as):
    officer = make.user(role="procurement")
    assert login_as(officer).get("/admin/jobs").status_code == 403


def test_json_log_setting_installs_one_json_handler(capsys):
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        create_app(config_for_tests(LOG_FORMAT="json"))
        create_app(config_for_tests(LOG_FORMAT="json"))  # idempotent: one handler
        ours = [h for h in root.handlers if isinstance(h.formatter, JsonFormatter)]
        assert len(ours) == 1
        logging.getLogger("oversight.jobs").warning("jobb %s markerat avbrutet", 3)
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert json.loads(line)["message"] == "jobb 3 markerat avbrutet"
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
