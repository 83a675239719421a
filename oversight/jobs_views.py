"""Job status for progress bars: an HTML page and a JSON endpoint polled by static/js/app.js."""
from flask import Blueprint, render_template
from flask_login import current_user

from oversight.extensions import db
from oversight.jobs import Job
from oversight.permissions import require
from oversight.scoping import get_scoped_or_404, scoped_select
from oversight.views_support import paginate

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.get("/")
@require("jobs.run")
def index():
    stmt = scoped_select(Job, current_user).order_by(Job.id.desc())
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
