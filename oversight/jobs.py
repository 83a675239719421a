"""Background jobs on huey with their status persisted, so the UI can show a progress bar.

huey stores its queue in SQLite in instance/ by default, or in Redis when OVERSIGHT_REDIS_URL is
set; tests run jobs immediately in-process (OVERSIGHT_JOBS_IMMEDIATE). A job is a row in
``job``; domain modules register a handler per kind with ``@job_handler("kind")`` and their
periodic tasks with ``periodic_task(app, ...)`` from their ``init_app``.

``run_job`` runs the handler as the job's creator (``oversight.audit.acting_as``), keeps a
heartbeat while it runs, and ends the job ``done`` or ``failed`` (never silently: if recording
the failure fails, it is logged and tried again in a fresh session). A job whose heartbeat
stopped for ``JOB_STALE_MINUTES`` is marked ``interrupted`` (see ``oversight.jobs_health``).
"""
from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from huey import MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from oversight.audit import acting_as
from oversight.db import utcnow
from oversight.extensions import db
from oversight.labels import Labels

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
INTERRUPTED = "interrupted"  # a failed state: the worker stopped while the job ran
ACTIVE = (QUEUED, RUNNING)
FAILED_STATES = (FAILED, INTERRUPTED)
STATUS_LABELS = {QUEUED: _l("I kö"), RUNNING: _l("Pågår"), DONE: _l("Klar"),
                 FAILED: _l("Misslyckades"), INTERRUPTED: _l("Avbrutet")}
# Colour of the status (CSS class job-<value>): a failed job never looks like a finished one.
STATUS_CLASSES = {QUEUED: "badge", RUNNING: "badge badge-warn", DONE: "badge badge-ok",
                  FAILED: "badge badge-danger", INTERRUPTED: "badge badge-danger"}


class Job(db.Model):
    __tablename__ = "job"
    __department_scoped__ = True  # results may hold personal data

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default=QUEUED, index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    result_url: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    created_by = relationship("User", lazy="joined")

    @property
    def percent(self) -> int:
        if self.status == DONE:
            return 100
        if not self.total:
            return 0
        # Only a finished job shows a full bar: a failed one must not read as complete.
        return min(99, int(100 * self.done / self.total))

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES.get(self.status, "badge")

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATES

    @property
    def finished(self) -> bool:
        return self.status not in ACTIVE

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "status_label": self.status_label,
                "status_class": self.status_class, "failed": self.failed,
                "done": self.done, "total": self.total, "percent": self.percent,
                "message": self.message, "error": self.error, "result_url": self.result_url,
                "attempts": self.attempts}


Progress = Callable[[int, int | None, str | None], None]
Handler = Callable[[Session, Job, Progress], dict | None]
_HANDLERS: dict[str, Handler] = {}
KIND_LABELS = Labels({})  # filled by job_handler: one label per kind, beside its handler


class JobFailed(Exception):
    """Raised by a handler whose outcome is a failure it has recorded itself (e.g. a file that
    could not be read, with its errors stored): what the handler flushed is kept and the job
    ends ``failed`` with this message."""


def job_handler(kind: str, label=None):
    """Register the handler of ``kind``; ``label`` is what the job dashboard shows for it."""
    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        if label is not None:
            KIND_LABELS[kind] = label
        return fn
    return register


def create_job(session: Session, user, kind: str, title: str, params: dict | None = None,
               total: int | None = None) -> Job:
    if kind not in _HANDLERS:
        raise KeyError(f"no handler for job kind {kind!r}")
    job = Job(kind=kind, title=title, params=params or {}, total=total,
              created_by_id=getattr(user, "id", None),
              department_id=getattr(user, "department_id", None))
    session.add(job)
    session.flush()
    return job


def dispatch(job: Job) -> None:
    """Hand a committed job to the queue (runs at once in immediate mode)."""
    get_huey(current_app._get_current_object()).run_job_task(job.id)


def run_job(job_id: int) -> None:
    """Execute one job as its creator; progress is committed as it goes."""
    from oversight.auth.services import system_user
    from oversight.jobs_health import Heartbeat

    session = db.session
    job = session.get(Job, job_id)
    if job is None or job.status != QUEUED:
        return
    actor = job.created_by or system_user(session)
    job.status, job.started_at = RUNNING, utcnow()
    job.heartbeat_at, job.attempts = job.started_at, (job.attempts or 0) + 1
    session.commit()

    def progress(done: int, total: int | None = None, message: str | None = None) -> None:
        job.done = done
        if total is not None:
            job.total = total
        if message is not None:
            job.message = message
        job.heartbeat_at = utcnow()
        session.commit()

    with acting_as(actor), Heartbeat(job_id):
        _execute(session, job, progress)


def _execute(session: Session, job: Job, progress: Progress) -> None:
    job_id = job.id
    try:
        result = _HANDLERS[job.kind](session, job, progress) or {}
    except JobFailed as exc:
        try:
            session.commit()  # keep what the handler recorded about the failure
        except Exception as commit_exc:  # noqa: BLE001 - recorded as the job's failure
            return _fail(session, job_id, commit_exc)
        return _fail(session, job_id, str(exc), keep=True)
    except Exception as exc:  # fail closed: the job is marked failed, never done
        return _fail(session, job_id, exc)
    try:
        job.result, job.status, job.error = result, DONE, None
        job.finished_at = utcnow()
        session.commit()
    except Exception as exc:  # noqa: BLE001 - the handler's work could not be saved
        _fail(session, job_id, exc)


def _fail(session: Session, job_id: int, error, keep: bool = False) -> None:
    """Mark the job failed; if that itself fails, log it and try again in a fresh session."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    if not keep:
        log.error("job %s failed\n%s", job_id, traceback.format_exc())
    values = {"status": FAILED, "error": text, "finished_at": utcnow()}
    try:
        session.rollback()
        session.execute(update(Job).where(Job.id == job_id).values(**values))
        session.commit()
        session.expire_all()
        return
    except Exception:  # noqa: BLE001
        log.exception("job %s: could not record the failure; trying a fresh session", job_id)
        session.rollback()
    try:
        with Session(db.engine) as fresh:
            fresh.execute(update(Job).where(Job.id == job_id).values(**values))
            fresh.commit()
    except Exception:  # noqa: BLE001 - nothing more can be done here; the sweeper will see it
        log.exception("job %s: could not record the failure in a fresh session either", job_id)


# --- huey ----------------------------------------------------------------------------------------

def periodic_task(app: Flask, name: str, schedule, fn: Callable[[Session], object]) -> None:
    """Register ``fn(session)`` to run on ``schedule`` (a ``huey.crontab``) as the system
    user; called from a domain's ``init_app``. Attached when the app's huey is built."""
    app.extensions.setdefault("oversight_periodic", {})[name] = (schedule, fn)


def run_periodic(app: Flask, name: str) -> None:
    """Run one registered periodic task the way the worker does: a fresh app context, the
    system user as actor, one transaction."""
    from oversight.auth.services import system_user

    _, fn = app.extensions["oversight_periodic"][name]
    with app.app_context():
        session = db.session
        try:
            with acting_as(system_user(session)):
                fn(session)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("periodic task %s failed", name)
            raise


def init_app(app: Flask) -> None:
    """The core's periodic task: mark jobs whose worker died (every 5 minutes)."""
    from huey import crontab

    from oversight.jobs_health import mark_stale_jobs

    periodic_task(app, "oversight.mark_stale_jobs", crontab(minute="*/5"), mark_stale_jobs)


def get_huey(app: Flask):
    """The app's huey instance, made on first use: SqliteHuey creates its file when built,
    and creating the app must write nothing."""
    huey = app.extensions.get("huey")
    if huey is None:
        huey = app.extensions["huey"] = _make_huey(app)

        @huey.task(name="oversight.run_job")
        def run_job_task(job_id: int) -> None:
            with app.app_context():
                run_job(job_id)

        huey.run_job_task = run_job_task
        for name, (schedule, _fn) in app.extensions.get("oversight_periodic", {}).items():
            huey.periodic_task(schedule, name=name)(
                lambda name=name: run_periodic(app, name))

        @huey.on_startup(name="oversight.worker_start")
        def on_worker_start() -> None:
            from oversight.health import beat_at_start
            from oversight.jobs_health import sweep_stale_jobs

            sweep_stale_jobs(app)
            beat_at_start(app)
    return huey


def _make_huey(app: Flask):
    if app.config["JOBS_IMMEDIATE"]:
        return MemoryHuey("oversight", immediate=True)
    if app.config.get("REDIS_URL"):
        return RedisHuey("oversight", url=app.config["REDIS_URL"])
    os.makedirs(app.instance_path, exist_ok=True)
    return SqliteHuey("oversight", filename=os.path.join(app.instance_path, "huey.db"))


# The helpers for stale jobs, retries and one import at a time live in oversight.jobs_health;
# they can be imported from here too (resolved lazily: that module imports this one).
_HEALTH = {"JobBusy", "JobError", "busy_message", "job_run", "mark_stale_jobs",
           "refuse_if_running", "retry_job", "running_job_of_kind", "sweep_stale_jobs"}


def __getattr__(name: str):
    if name in _HEALTH:
        from oversight import jobs_health

        return getattr(jobs_health, name)
    raise AttributeError(name)
