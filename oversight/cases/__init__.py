"""The investigation case register (FUT): tips -> assessment -> investigation -> decisions
(återkrav, polisanmälan, underrättelse, ...) -> repayment follow-up -> closed, the control
calendar, and opening a case from any module's finding. See README "Case register".

``init_app(app)`` registers the models, the blueprint (with the public tip form), the
``flask cases`` commands, the permissions, the rule values, the start-page items and the
navigation entries.
"""
from __future__ import annotations

DEFAULTS = {
    # The public tip form: at most this many submissions per address and window.
    "CASES_PUBLIC_TIP_LIMIT": 5,
    "CASES_PUBLIC_TIP_WINDOW_MINUTES": 60,
    # Largest document attached to an investigation activity (oversight.cases.documents).
    "CASES_DOCUMENT_MAX_MB": 20,
    # Hour of the daily run that tells investigators when a debtor has left the benefit.
    "CASES_DAILY_HOUR": 6,
}

_PERMISSIONS = {
    "cases.view": {"investigator", "admin"},
    "cases.manage": {"investigator"},
    # Opening a case from a finding: every role that works with findings.
    "cases.open": {"admin", "procurement", "grants", "lss", "investigator"},
    "statistics.view": {"investigator", "auditor", "admin", "lss", "grants", "procurement"},
}
_READS = {"cases.view", "statistics.view"}


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)

    from oversight import navigation
    from oversight.auth.roles import register_permissions
    from oversight.cases import hooks, models  # noqa: F401  (models and start page)
    from oversight.cases.cli import cases_cli
    from oversight.cases.views import bp

    register_permissions(_PERMISSIONS, reads=_READS)
    app.register_blueprint(bp)
    if "cases" not in app.cli.commands:
        app.cli.add_command(cases_cli)
    navigation.register("cases.index", "Ärenden", "cases.view", 60)
    navigation.register("cases.controls_index", "Årshjul", "cases.view", 62)

    from huey import crontab

    from oversight.cases.benefit_ended import daily
    from oversight.jobs import periodic_task

    periodic_task(app, "cases.daily", crontab(minute="45", hour=int(app.config["CASES_DAILY_HOUR"])),
                  daily)
