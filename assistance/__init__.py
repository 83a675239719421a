"""Personal assistance: providers and their IVO permits, assistance users with their decisions
and arrangements, permit verification schedule, and permit alerts to the districts whose users a
provider without a permit serves. See DESIGN.md and README.md ("Personlig assistans").

``init_app(app)`` registers the models, the rule values, the blueprint, the ``flask assistance``
commands, the start-page items and the navigation entry.
"""
from __future__ import annotations

DEFAULTS = {
    "ASSISTANCE_UPLOAD_MAX_MB": 10,  # largest IVO document attached to a permit notice
    "ASSISTANCE_IMPORT_MAX_MB": 5,  # largest file imported on the web page
    "ASSISTANCE_DAILY_HOUR": 6,  # hour of the daily alert refresh and permit verification (huey)
}


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)

    from assistance import (  # noqa: F401  (register on import)
        hooks,
        imports,
        models,  # noqa: F401  (tables)
        rules,
    )
    from assistance.cli import assistance_cli
    from assistance.views import bp

    app.register_blueprint(bp)

    rules.register_rules()
    from huey import crontab

    from oversight.jobs import periodic_task

    hour = int(app.config["ASSISTANCE_DAILY_HOUR"])
    periodic_task(app, "assistance.daily", crontab(minute="30", hour=hour), daily)
    if "assistance" not in app.cli.commands:
        app.cli.add_command(assistance_cli)

    from assistance import timereports  # time reports (issue 13): registers after the above
    timereports.init_app(app)


def daily(session) -> None:
    """The worker's daily run: automated permit verification, then the alerts for today."""
    from datetime import date

    from assistance.alerts import refresh_alerts
    from assistance.services import verify_permits

    today = date.today()
    verify_permits(session, None, today)
    refresh_alerts(session, today)
