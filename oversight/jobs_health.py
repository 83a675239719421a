"""Jobs that survive a dead worker: the heartbeat of a running job, marking jobs whose
heartbeat stopped as ``interrupted``, retrying a failed job, and refusing a second import of
the same kind while one runs (web and CLI alike)."""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from oversight.db import utcnow
from oversight.extensions import db
from oversight.formatting import local_datetime
from oversight.jobs import ACTIVE, DONE, FAILED_STATES, INTERRUPTED, QUEUED, RUNNING, Job, _fail

log = logging.getLogger(__name__)


class JobError(ValueError):
    """A user-facing refusal (Swedish message)."""


class JobBusy(JobError):
    """Another job of the same kind is running."""

    def __init__(self, job: Job):
        self.job = job
        super().__init__(busy_message(job))


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite hands back naive UTC
        return value.replace(tzinfo=UTC)
    return value


def stale_minutes() -> float:
    return float(current_app.config.get("JOB_STALE_MINUTES", 10))


def last_sign_of_life(job: Job) -> datetime | None:
    return _aware(job.heartbeat_at or job.started_at or job.created_at)


def is_stale(job: Job, now: datetime | None = None) -> bool:
    """A running job whose heartbeat is older than JOB_STALE_MINUTES."""
    if job.status != RUNNING:
        return False
    seen = last_sign_of_life(job)
    return seen is not None and seen < (now or utcnow()) - timedelta(minutes=stale_minutes())


class Heartbeat:
    """While the handler runs, a timer thread stamps ``heartbeat_at`` every
    JOB_HEARTBEAT_SECONDS on its own connection (progress calls stamp it too)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.interval = float(current_app.config.get("JOB_HEARTBEAT_SECONDS", 30))
        self.engine = db.engine
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-{job_id}-heartbeat",
                                       daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(self.interval):
            try:
                with self.engine.begin() as conn:
                    conn.execute(update(Job).where(Job.id == self.job_id, Job.status == RUNNING)
                                 .values(heartbeat_at=utcnow()))
            except Exception as exc:  # noqa: BLE001 - a missed beat; the next one may succeed
                log.debug("job %s: heartbeat not written (%s)", self.job_id, exc)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=1)


def mark_stale_jobs(session: Session, now: datetime | None = None) -> list[int]:
    """Mark every running job without a heartbeat for JOB_STALE_MINUTES ``interrupted``, with
    the reason; returns their ids. The caller commits."""
    now = now or utcnow()
    marked = []
    for job in session.scalars(select(Job).where(Job.status == RUNNING)):
        if is_stale(job, now):
            job.status, job.finished_at = INTERRUPTED, now
            job.error = _("Jobbet avbröts: bakgrundsprocessen slutade svara (senaste livstecken "
                          "%(at)s). Inget resultat ska läsas som klart; försök igen.",
                          at=local_datetime(last_sign_of_life(job)))
            marked.append(job.id)
            log.warning("job %s (%s) marked interrupted", job.id, job.kind)
    session.flush()
    return marked


def sweep_stale_jobs(app: Flask) -> list[int]:
    """The worker's start and the periodic sweep: mark stale jobs in one transaction."""
    with app.app_context():
        try:
            marked = mark_stale_jobs(db.session)
            db.session.commit()
            return marked
        except Exception:
            db.session.rollback()
            log.exception("could not mark stale jobs")
            return []


def retry_job(session: Session, job: Job) -> Job:
    """Put a failed or interrupted job back in the queue (same row, one more attempt). The
    caller has checked the user may (department scoping, permission), commits and dispatches."""
    if job.status not in FAILED_STATES:
        raise JobError(_("Bara ett misslyckat eller avbrutet jobb kan köras igen."))
    from oversight.jobs import _HANDLERS

    synchronous = (job.params or {}).get("source") == "cli"  # job_run: no handler ran it
    if job.kind not in _HANDLERS or synchronous:  # a synchronous run (CLI import) recorded as a job
        raise JobError(_("Jobbet kördes direkt (till exempel från kommandoraden) och kan inte "
                         "köras om härifrån: gör om importen."))
    job.status, job.done, job.error, job.result, job.result_url = QUEUED, 0, None, None, None
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.message = _("Nytt försök (försök %(n)s).", n=(job.attempts or 0) + 1)
    session.flush()
    return job


def running_job_of_kind(session: Session, kind: str, department_id: int | None = None,
                        exclude_id: int | None = None) -> Job | None:
    """A queued or running (not stale) job of this kind, in the department when one is given."""
    stmt = select(Job).where(Job.kind == kind, Job.status.in_(ACTIVE)).order_by(Job.id)
    if department_id is not None:
        stmt = stmt.where(Job.department_id == department_id)
    for job in session.scalars(stmt):
        if job.id != exclude_id and not is_stale(job):
            return job
    return None


def busy_message(job: Job) -> str:
    who = job.created_by.name if job.created_by else _("systemet")
    at = local_datetime(job.started_at or job.created_at)
    return _("En import pågår redan, startad %(time)s av %(name)s. Vänta tills den är klar.",
             time=at[-5:] if at[:10] == local_datetime(utcnow())[:10] else at, name=who)


def refuse_if_running(session: Session, kind: str, department_id: int | None = None) -> None:
    job = running_job_of_kind(session, kind, department_id)
    if job is not None:
        raise JobBusy(job)


@contextmanager
def job_run(session: Session, user, kind: str, title: str, department_id: int | None = None,
            *, per_department: bool = True):
    """A synchronous run (a CLI or in-request import) recorded as a running job of ``kind``,
    so a second import from the web or the CLI is refused while it runs (in the department,
    or anywhere when ``per_department`` is false). Commits the job row first; ends it done,
    or failed when the block raises (and re-raises)."""
    refuse_if_running(session, kind, department_id if per_department else None)
    job = Job(kind=kind, title=title, params={"source": "cli"}, status=RUNNING,
              created_by_id=getattr(user, "id", None), department_id=department_id,
              started_at=utcnow(), heartbeat_at=utcnow(), attempts=1)
    session.add(job)
    session.commit()
    job_id = job.id
    with Heartbeat(job_id):
        try:
            yield job
        except BaseException as exc:
            _fail(session, job_id, exc if isinstance(exc, Exception) else str(exc), keep=True)
            raise
    session.execute(update(Job).where(Job.id == job_id).values(
        status=DONE, finished_at=utcnow(), heartbeat_at=utcnow()))
    session.commit()

