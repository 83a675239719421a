"""Operations pages: ``GET /health`` (JSON for the load balancer and monitoring; no login, no
secrets) and the admins' job dashboard (queued, running, failed and interrupted jobs of every
department, with retry). The dashboard shows what ran, when and how it ended, never a job's
result: results may hold a department's personal data."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from oversight import health, navigation
from oversight.audit import record_event
from oversight.auth.models import Department
from oversight.extensions import csrf, db
from oversight.jobs import FAILED_STATES, QUEUED, RUNNING, STATUS_LABELS, Job, dispatch
from oversight.jobs_health import JobError, is_stale, retry_job
from oversight.permissions import require
from oversight.views_support import paginate, sorted_by

bp = Blueprint("ops", __name__)

# The dashboard's columns a header sorts by (the same order in each section); id breaks ties.
JOB_SORTS = {"title": Job.title, "kind": Job.kind, "department": Department.name,
             "status": Job.status, "attempts": Job.attempts, "created": Job.created_at,
             "heartbeat": Job.heartbeat_at, "id": Job.id}


@bp.get("/health")
@csrf.exempt
def health_check():
    document, healthy = health.report(db.session)
    return document, (200 if healthy else 503), {"Cache-Control": "no-store"}


@bp.get("/admin/jobs")
@require("users.manage")
def dashboard():
    counts = dict(db.session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    sections = []
    for key, title, statuses in (
            ("running", _("Pågår"), (RUNNING,)),
            ("queued", _("I kö"), (QUEUED,)),
            ("failed", _("Misslyckade och avbrutna"), FAILED_STATES)):
        stmt = (select(Job).outerjoin(Department, Department.id == Job.department_id)
                .where(Job.status.in_(statuses)))
        page_param = f"{key}_page"
        sections.append({"key": key, "title": title, "page_param": page_param,
                         "jobs": paginate(sorted_by(stmt, JOB_SORTS, "id", "desc"), page_param),
                         "count": sum(counts.get(s, 0) for s in statuses)})
    departments = dict(db.session.execute(select(Department.id, Department.name)).all())
    return render_template("admin/jobs.html", sections=sections, counts=counts,
                           departments=departments,
                           labels=STATUS_LABELS, is_stale=is_stale, form=FlaskForm(),
                           health=health.report(db.session)[0])


@bp.post("/admin/jobs/<int:job_id>/retry")
@require("users.manage")
def retry(job_id: int):
    """An admin puts a failed or interrupted job of any department back in the queue; it runs
    as its creator again. Audited."""
    job = db.get_or_404(Job, job_id)
    if not FlaskForm().validate_on_submit():
        flash(_("Formuläret hade gått ut. Försök igen."), "error")
        return redirect(url_for(".dashboard"))
    try:
        retry_job(db.session, job)
    except JobError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".dashboard"))
    record_event(db.session, "retry", "job", job.id,
                 _("Jobb %(id)s (%(kind)s) köades om av %(name)s.", id=job.id, kind=job.kind,
                   name=current_user.username))
    db.session.commit()
    dispatch(job)
    flash(_("Jobbet körs igen."), "success")
    return redirect(url_for(".dashboard"))



navigation.register("ops.dashboard", "Jobböversikt", "users.manage", 94)
