"""Suppliers: the supplier register, exclusion checks under LOU 13 kap. / 19 kap. 17 § and
LOV 7 kap. 1 §, batch screening of tenderers, monitoring during the contract, complaints,
hearing and decision. See DESIGN.md; ``init_app(app)`` registers the domain."""
from __future__ import annotations

DEFAULTS = {
    "SUPPLIERS_CHECK_CONCURRENCY": None,  # parallel registry questions; None: REGISTRY_CONCURRENCY
    "SUPPLIERS_BATCH_CHUNK": 50,  # suppliers per chunk in a batch (progress granularity)
    "SUPPLIERS_HEARING_DAYS": 14,  # default answer period of a hearing letter
    "SUPPLIERS_UPLOAD_MAX_MB": 10,  # largest document attached to a hearing
    "SUPPLIERS_MONITOR_HOUR": 5,  # hour of the daily periodic monitoring task (huey)
    "SUPPLIERS_CLI_DEPARTMENT": "socialforvaltningen",  # department of `flask suppliers check`
}


def init_app(app) -> None:
    from suppliers import models, rule_values  # noqa: F401  (registers the rule values)

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    models.install_guards()

    from suppliers import hooks, jobs, views, views_cases  # noqa: F401  (register routes etc.)
    from suppliers.cli import suppliers_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(suppliers_cli)

    from huey import crontab

    from oversight.jobs import periodic_task

    hour = str(app.config.get("SUPPLIERS_MONITOR_HOUR", 5))
    periodic_task(app, "suppliers.monitor", crontab(minute="15", hour=hour), jobs.monitor_daily)
