"""Background jobs: screening a procurement's tenderers, and a monitoring run."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.jobs import Job, job_handler
from oversight.labels import _l
from oversight.scoping import owned_by
from oversight.views_support import path_for
from suppliers import checks, monitoring, rules
from suppliers.models import Procurement


@job_handler("suppliers.screen", _l("Kontroll av leverantörer"))
def screen_job(session: Session, job: Job, progress) -> dict:
    user = job.created_by
    # Only the department that owns the procurement runs its checks (the job's department).
    procurement = session.scalar(owned_by(
        select(Procurement).where(Procurement.id == job.params["procurement_id"]),
        Procurement, job.department_id))
    if procurement is None:
        raise LookupError(_("Upphandlingen finns inte längre eller tillhör en annan förvaltning."))
    done = checks.screen_procurement(session, user, procurement, job_id=job.id,
                                     progress=progress)
    job.result_url = path_for("suppliers.procurement", procurement_id=procurement.id,
                           _anchor="resultat")
    counts = {k: sum(1 for c in done if c.overall == k)
              for k in (rules.FOUND, rules.UNKNOWN, rules.CLEAR)}
    progress(len(done), len(done),
             _("Klart: %(found)s med grund, %(unknown)s kunde inte kontrolleras helt, %(clear)s utan grund.",
               found=counts[rules.FOUND], unknown=counts[rules.UNKNOWN], clear=counts[rules.CLEAR]))
    return {"checks": [c.id for c in done], **counts}


@job_handler("suppliers.monitor", _l("Bevakning av leverantörer"))
def monitor_job(session: Session, job: Job, progress) -> dict:
    run = monitoring.run_monitor(session, progress=progress)
    job.result_url = path_for("suppliers.monitoring_feed")
    progress(run.checks, run.checks,
             _("Klart: %(checks)s kontroller, %(new_findings)s nya fynd, %(unknown)s kunde inte "
               "kontrolleras helt.",
               checks=run.checks, new_findings=run.new_findings, unknown=run.unknown))
    return {"run_id": run.id, "checks": run.checks, "new_findings": run.new_findings}


def monitor_daily(session: Session) -> None:
    """The scheduled monitoring run (registered by ``suppliers.init_app``; runs as the system
    user at SUPPLIERS_MONITOR_HOUR:15)."""
    monitoring.run_monitor(session)
