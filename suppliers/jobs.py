"""Background jobs: screening a procurement's tenderers, and a monitoring run."""
from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.auth.models import User
from oversight.jobs import Job, job_handler
from oversight.scoping import owned_by
from suppliers import checks, monitoring, rules
from suppliers.models import Procurement


def _path(endpoint: str, **values) -> str:
    """A URL path without a request (the worker has only an app context)."""
    with current_app.test_request_context():
        return url_for(endpoint, **values)


@job_handler("suppliers.screen")
def screen_job(session: Session, job: Job, progress) -> dict:
    user = session.get(User, job.created_by_id) if job.created_by_id else None
    # Only the department that owns the procurement runs its checks (the job's department).
    procurement = session.scalar(owned_by(
        select(Procurement).where(Procurement.id == job.params["procurement_id"]),
        Procurement, job.department_id))
    if procurement is None:
        raise LookupError("Upphandlingen finns inte längre eller tillhör en annan förvaltning.")
    done = checks.screen_procurement(session, user, procurement, job_id=job.id,
                                     progress=progress)
    job.result_url = _path("suppliers.procurement", procurement_id=procurement.id,
                           _anchor="resultat")
    counts = {k: sum(1 for c in done if c.overall == k)
              for k in (rules.FOUND, rules.UNKNOWN, rules.CLEAR)}
    progress(len(done), len(done),
             f"Klart: {counts[rules.FOUND]} med grund, {counts[rules.UNKNOWN]} kunde inte "
             f"kontrolleras helt, {counts[rules.CLEAR]} utan grund.")
    return {"checks": [c.id for c in done], **counts}


@job_handler("suppliers.monitor")
def monitor_job(session: Session, job: Job, progress) -> dict:
    run = monitoring.run_monitor(session, progress=progress)
    job.result_url = _path("suppliers.monitoring_feed")
    progress(run.checks, run.checks, f"Klart: {run.checks} kontroller, {run.new_findings} nya "
                                     f"fynd, {run.unknown} kunde inte kontrolleras helt.")
    return {"run_id": run.id, "checks": run.checks, "new_findings": run.new_findings}


def register_periodic(huey, app) -> None:
    """Schedule ``run_monitor`` daily on a huey instance (call from the worker module:
    ``suppliers.jobs.register_periodic(huey, app)``); the hour is SUPPLIERS_MONITOR_HOUR."""
    from huey import crontab

    hour = str(app.config.get("SUPPLIERS_MONITOR_HOUR", 5))

    @huey.periodic_task(crontab(minute="15", hour=hour), name="suppliers.monitor")
    def suppliers_monitor() -> None:
        from oversight.extensions import db

        with app.app_context():
            monitoring.run_monitor(db.session)
            db.session.commit()
