"""Background jobs on huey with their status persisted, so the UI can show a progress bar.

huey stores its queue in SQLite in instance/ by default, or in Redis when OVERSIGHT_REDIS_URL is
set; tests run jobs immediately in-process (OVERSIGHT_JOBS_IMMEDIATE). A job is a row in
``job``; domain modules register a handler per kind with ``@job_handler("kind")``. A handler
that raises leaves the job ``failed`` with the reason: it never reads as done.
"""
from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from oversight.db import utcnow
from oversight.extensions import db

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUS_LABELS = {QUEUED: "I kö", RUNNING: "Pågår", DONE: "Klar", FAILED: "Misslyckades"}


class Job(db.Model):
    __tablename__ = "job"
    __department_scoped__ = True  # results may hold personal data

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
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
        return STATUS_LABELS.get(self.status, self.status)

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "status_label": self.status_label,
                "done": self.done, "total": self.total, "percent": self.percent,
                "message": self.message, "error": self.error, "result_url": self.result_url}


Progress = Callable[[int, int | None, str | None], None]
Handler = Callable[[Session, Job, Progress], dict | None]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str):
    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
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
    """Execute one job in its own transaction; progress is committed as it goes."""
    session = db.session
    job = session.get(Job, job_id)
    if job is None or job.status != QUEUED:
        return
    job.status, job.started_at = RUNNING, utcnow()
    session.commit()

    def progress(done: int, total: int | None = None, message: str | None = None) -> None:
        job.done = done
        if total is not None:
            job.total = total
        if message is not None:
            job.message = message
        session.commit()

    try:
        job.result = _HANDLERS[job.kind](session, job, progress) or {}
        job.status = DONE
    except Exception as exc:  # fail closed: the job is marked failed, never done
        session.rollback()
        job = session.get(Job, job_id)
        job.status = FAILED
        job.error = f"{type(exc).__name__}: {exc}"
        log.error("job %s (%s) failed\n%s", job_id, job.kind, traceback.format_exc())
    job.finished_at = utcnow()
    session.commit()


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
    return huey


def _make_huey(app: Flask):
    if app.config["JOBS_IMMEDIATE"]:
        return MemoryHuey("oversight", immediate=True)
    if app.config.get("REDIS_URL"):
        return RedisHuey("oversight", url=app.config["REDIS_URL"])
    os.makedirs(app.instance_path, exist_ok=True)
    return SqliteHuey("oversight", filename=os.path.join(app.instance_path, "huey.db"))
