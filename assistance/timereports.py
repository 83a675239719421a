"""Time reports (issue 13): ``init_app`` registers the models, rules, importers, commands,
blueprints (officers, providers, JSON API), navigation and start-page items. Called from
``assistance.init_app`` after the module's own registrations."""
from __future__ import annotations


def init_app(app) -> None:
    from assistance import (
        timereport_imports,
        timereport_jobs,  # noqa: F401  (job handler)
        timereport_models,  # noqa: F401  (tables)
        timereport_reminders,  # start-page item (registers on import)
    )
    from assistance.timereport_cli import register_commands
    from assistance.timereport_rules import register_rules
    from oversight.cli import CommandGroup

    register_rules()
    timereport_imports.register()
    group = app.cli.commands.get("assistance")
    if group is None:
        group = CommandGroup("assistance", help="Personlig assistans.")
        app.cli.add_command(group)
    register_commands(group)
    _register_web(app)
    from huey import crontab

    from oversight.jobs import periodic_task

    hour = int(app.config["ASSISTANCE_DAILY_HOUR"])
    periodic_task(app, "assistance.timereport_reminders", crontab(minute="40", hour=hour),
                  timereport_reminders.daily)


def _register_web(app) -> None:
    from assistance import timereport_api, timereport_provider_views, timereport_views
    from oversight import navigation

    app.register_blueprint(timereport_views.bp)
    app.register_blueprint(timereport_provider_views.bp)
    app.register_blueprint(timereport_api.bp)
    app.before_request(timereport_provider_views.fence_providers)
    navigation.register("timereports.index", "Tidrapporter", "timereport.view", 36)
    navigation.register("provider.index", "Tidrapporter", "timereport.submit", 1)
