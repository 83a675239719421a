"""The officer's check run as a background job (progress, run as the officer who started it).
Only the officer's district queue is written; the checks see every district's reports."""
from __future__ import annotations

from oversight.jobs import JobFailed, job_handler
from oversight.labels import _l

CHECK_JOB = "timereports.check"


@job_handler(CHECK_JOB, _l("Kontroll av tidrapporter"))
def check_job(session, job, progress):
    from assistance.shift_times import parse_month
    from assistance.timereport_rules import RuleMissing
    from assistance.timereport_run import check_month

    params = job.params or {}
    progress(0, 1, "Kontrollerar månadens tidrapporter")
    try:
        rows = check_month(session, job.created_by, parse_month(params["month"]),
                           params["department_id"])
    except RuleMissing as exc:
        raise JobFailed(str(exc)) from None
    progress(1, 1, f"{len(rows)} avvikelser att hantera")
    return {"findings": len(rows), "month": params["month"]}
