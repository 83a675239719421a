"""A batch job for the fault tests (tests/integration/test_ops_faults.py), importable by a
worker subprocess: it registers one organisation per item, skips items a previous attempt
finished (so a retry resumes), commits each item with its progress, and can hang after an
item (to be killed) or have its database connections cut after one."""
from __future__ import annotations

import sys
import time

from sqlalchemy import select

from oversight.jobs import job_handler
from oversight.organisations import services as orgs
from oversight.organisations.models import Organisation
from tests.factories import orgnr

HOOKS: dict = {}  # "after_item": fn(session, i), set by a test in this process


def numbers(n: int) -> list[str]:
    return [orgnr(5, 1000 + i) for i in range(n)]


@job_handler("test.ops_batch")
def batch(session, job, progress):
    items = numbers(job.params["n"])
    progress(0, len(items), "startar")
    for i, number in enumerate(items):
        if session.scalar(select(Organisation.id).where(Organisation.name == f"Batch {i} AB")) is None:
            orgs.register_organisation(session, orgnr=number, name=f"Batch {i} AB")
        progress(i + 1, len(items), f"{i + 1} klara")  # commits: the item is whole or absent
        if job.params.get("hang_after") == i:
            time.sleep(600)  # the worker is killed here
        if "after_item" in HOOKS:
            HOOKS["after_item"](session, i)
    return {"registered": len(items)}


def main(database_url: str, job_id: int) -> None:
    """A worker process running one job (``python -m tests.ops_fault_jobs URL ID``)."""
    from oversight.app import create_app
    from oversight.jobs import run_job
    from tests.conftest import config_for_tests

    app = create_app(config_for_tests(DATABASE_URL=database_url, JOBS_IMMEDIATE=False,
                                      JOB_HEARTBEAT_SECONDS=0.1))
    with app.app_context():
        run_job(job_id)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
