"""``flask jobs ...``: list background jobs, retry a failed or interrupted one, mark stale
jobs now. The same services as the job pages; the command owns the transaction."""
from __future__ import annotations

import click
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from oversight.cli import CommandGroup
from oversight.extensions import db
from oversight.formatting import local_datetime
from oversight.jobs import ACTIVE, FAILED_STATES, STATUS_LABELS, Job, dispatch, run_job
from oversight.jobs_health import JobError, mark_stale_jobs, retry_job

jobs_cli = CommandGroup("jobs", help="Bakgrundsjobb: lista, kör om och markera avbrutna.")


@jobs_cli.command("list")
@click.option("--status", type=click.Choice(sorted(STATUS_LABELS)), default=None,
              help="Bara jobb med denna status.")
@click.option("--failed", is_flag=True, help="Bara misslyckade och avbrutna jobb.")
@click.option("--limit", type=int, default=50, show_default=True)
def list_command(status, failed, limit):
    """Lista de senaste jobben med status, vem som startade dem och felet."""
    stmt = select(Job).order_by(Job.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Job.status == status)
    if failed:
        stmt = stmt.where(Job.status.in_(FAILED_STATES))
    jobs = list(db.session.scalars(stmt))
    if not jobs:
        click.echo(_("Inga jobb."))
    for job in jobs:
        who = job.created_by.username if job.created_by else "system"
        click.echo(f"{job.id}\t{job.status_label}\t{job.percent} %\t{job.kind}\t{job.title}\t"
                   f"{who}\t{local_datetime(job.created_at)}\tförsök {job.attempts or 0}")
        if job.error:
            click.echo(f"\t{job.error}")


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
@click.option("--here", is_flag=True,
              help="Kör jobbet i denna process i stället för att lämna det till arbetsprocessen.")
def retry_command(job_id, here):
    """Kör om ett misslyckat eller avbrutet jobb (som den som startade det)."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise JobError(_("Jobb %(job_id)s finns inte.", job_id=job_id))
    retry_job(db.session, job)
    db.session.commit()
    if here or current_app.config["JOBS_IMMEDIATE"]:
        run_job(job_id)
    else:
        dispatch(job)
    db.session.refresh(job)
    if job.status in ACTIVE:
        click.echo(_("Jobb %(job_id)s ligger i kön igen (%(status_label)s).",
                     job_id=job_id, status_label=job.status_label))
        return
    click.echo(f"Jobb {job_id}: {job.status_label}" + (f": {job.error}" if job.error else ""))
    if job.status in FAILED_STATES:
        raise SystemExit(1)


@jobs_cli.command("mark-stale")
def mark_stale_command():
    """Markera jobb som inte gett livstecken på JOB_STALE_MINUTES minuter som avbrutna."""
    marked = mark_stale_jobs(db.session)
    db.session.commit()
    click.echo(ngettext("%(num)s jobb markerat som avbrutet", "%(num)s jobb markerade som avbrutna",
                        len(marked)) + (f": {', '.join(map(str, marked))}." if marked else "."))
