"""Job status for progress bars: an HTML page and a JSON endpoint polled by static/js/app.js,
and retrying a failed or interrupted job (confirmation step, then a POST)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from oversight.extensions import db
from oversight.jobs import Job, dispatch
from oversight.jobs_health import JobError, retry_job
from oversight.permissions import require
from oversight.scoping import get_scoped_or_404, scoped_select
from oversight.views_support import paginate, sorted_by

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.get("/")
@require("jobs.run")
def index():
    stmt = sorted_by(scoped_select(Job, current_user), {
        "title": Job.title, "status": Job.status, "created": Job.created_at, "id": Job.id},
        "id", "desc")
    return render_template("jobs/index.html", page=paginate(stmt))


@bp.get("/<int:job_id>")
@require("jobs.run")
def show(job_id: int):
    job = get_scoped_or_404(db.session, Job, job_id, current_user)
    return render_template("jobs/show.html", job=job)


@bp.get("/<int:job_id>.json")
@require("jobs.run")
def status(job_id: int):
    return get_scoped_or_404(db.session, Job, job_id, current_user).as_dict()


@bp.route("/<int:job_id>/retry", methods=["GET", "POST"])
@require("jobs.run")
def retry(job_id: int):
    """Run a failed or interrupted job again, as its creator; only inside its department."""
    job = get_scoped_or_404(db.session, Job, job_id, current_user)
    form = FlaskForm()
    if not job.failed:
        flash(_("Bara ett misslyckat eller avbrutet jobb kan köras igen."), "error")
        return redirect(url_for(".show", job_id=job.id))
    if not form.validate_on_submit():
        return render_template("jobs/retry.html", job=job, form=form)
    try:
        retry_job(db.session, job)
    except JobError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".show", job_id=job.id))
    db.session.commit()
    dispatch(job)
    flash(_("Jobbet körs igen."), "success")
    return redirect(url_for(".show", job_id=job.id))
