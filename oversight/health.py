"""Health of a running installation, for the load balancer and the operators: ``GET /health``
answers JSON with the database, the background workers' heartbeat, the job queue and each
registry's last successful lookup; 200 when the service can do its work, 503 otherwise. It
carries no secrets (no URLs, keys or personal data): counts, times and booleans only.

Every worker stamps ``worker_heartbeat`` once a minute (periodic task
``oversight.worker_heartbeat``) and at start; a worker silent for ``HEALTH_WORKER_STALE_MINUTES``
no longer counts as alive.
"""
from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import DateTime, String, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from oversight.db import utcnow
from oversight.extensions import db
from oversight.jobs import FAILED_STATES, QUEUED, RUNNING, Job
from oversight.jobs_health import _aware

log = logging.getLogger(__name__)


class WorkerHeartbeat(db.Model):
    """The last sign of life of one worker process (host:pid)."""

    __tablename__ = "worker_heartbeat"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def beat(session: Session, name: str | None = None) -> WorkerHeartbeat:
    """Stamp this worker's heartbeat (the caller commits)."""
    name = name or worker_name()
    row = session.get(WorkerHeartbeat, name)
    if row is None:
        row = WorkerHeartbeat(name=name, started_at=utcnow())
        session.add(row)
    row.beat_at = utcnow()
    session.flush()
    return row


def _iso(value: datetime | None) -> str | None:
    value = _aware(value)
    return value.isoformat(timespec="seconds") if value else None


def _database(session: Session) -> dict:
    try:
        session.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception:  # noqa: BLE001 - reported as a failed check, never as a traceback
        session.rollback()
        return {"ok": False, "error": "database unreachable"}


def _workers(session: Session, now: datetime) -> dict:
    if current_app.config.get("JOBS_IMMEDIATE"):
        return {"ok": True, "mode": "immediate"}
    stale = timedelta(minutes=float(current_app.config["HEALTH_WORKER_STALE_MINUTES"]))
    last = _aware(session.scalar(select(func.max(WorkerHeartbeat.beat_at))))
    alive = session.scalar(select(func.count()).select_from(WorkerHeartbeat)
                           .where(WorkerHeartbeat.beat_at >= now - stale)) or 0
    return {"ok": alive > 0, "alive": alive, "last_beat": _iso(last),
            "stale_after_minutes": stale.total_seconds() / 60}


def _jobs(session: Session, now: datetime) -> dict:
    counts = dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    failed_day = session.scalar(select(func.count()).select_from(Job).where(
        Job.status.in_(FAILED_STATES), Job.finished_at >= now - timedelta(days=1))) or 0
    oldest = _aware(session.scalar(select(func.min(Job.created_at)).where(Job.status == QUEUED)))
    return {"queued": counts.get(QUEUED, 0), "running": counts.get(RUNNING, 0),
            "failed_last_24h": failed_day, "oldest_queued": _iso(oldest)}


def _registries(session: Session) -> dict:
    """Last conclusive answer and last attempt per registry (informational: offline mode and
    registries that are rarely asked must not take the service down)."""
    from registries.base import CONCLUSIVE
    from registries.models import RegistryLookup

    last_ok = dict(session.execute(select(RegistryLookup.registry,
                                          func.max(RegistryLookup.retrieved_at))
                                   .where(RegistryLookup.status.in_(CONCLUSIVE))
                                   .group_by(RegistryLookup.registry)).all())
    last_any = dict(session.execute(select(RegistryLookup.registry,
                                           func.max(RegistryLookup.retrieved_at))
                                    .group_by(RegistryLookup.registry)).all())
    return {name: {"last_success": _iso(last_ok.get(name)), "last_attempt": _iso(at)}
            for name, at in sorted(last_any.items())}


def _audit(session: Session) -> dict:
    """The audit chain's newest entry against its high-water mark (oversight/audit_highwater.py):
    entries deleted from the end show here at once, without walking the chain. Reported, not
    fatal (the service still works; the operators must look): ``ok`` false with the ids."""
    from oversight.audit_highwater import check_tail

    try:
        tail = check_tail(session)
    except Exception:  # noqa: BLE001 - a check that could not run is a failed check
        session.rollback()
        log.exception("audit tail check failed")
        return {"ok": False, "error": "audit check failed"}
    out = {"ok": tail.ok, "last_id": tail.max_id,
           "recorded_last_id": tail.mark.last_id if tail.mark else None,
           "recorded_at": _iso(tail.mark.at) if tail.mark else None}
    if not tail.ok:
        out["error"] = "audit entries missing or changed after the high-water mark"
    return out


def report(session: Session) -> tuple[dict, bool]:
    """The health document and whether the service is healthy (database and a live worker)."""
    now = utcnow()
    checks = {"database": _database(session)}
    if not checks["database"]["ok"]:
        return {"status": "fail", "checks": checks, "checked_at": _iso(now)}, False
    checks["worker"] = _workers(session, now)
    checks["jobs"] = _jobs(session, now)
    checks["registries"] = _registries(session)
    checks["audit"] = _audit(session)
    healthy = checks["database"]["ok"] and checks["worker"]["ok"]
    return {"status": "ok" if healthy else "fail", "checks": checks,
            "checked_at": _iso(now)}, healthy


def init_app(app: Flask) -> None:
    """The worker's heartbeat: every minute, and once when a worker starts."""
    from huey import crontab

    from oversight.jobs import periodic_task

    app.config.setdefault("HEALTH_WORKER_STALE_MINUTES", 5)
    periodic_task(app, "oversight.worker_heartbeat", crontab(minute="*"), beat)


def beat_at_start(app: Flask) -> None:
    """A worker announces itself when it starts (a failure is logged, never fatal)."""
    with app.app_context():
        try:
            beat(db.session)
            db.session.commit()
        except Exception:  # noqa: BLE001
            db.session.rollback()
            log.exception("could not write the worker heartbeat")
