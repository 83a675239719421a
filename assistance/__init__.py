"""Personal assistance: providers and their IVO permits, assistance users with their decisions
and arrangements, permit verification schedule, and permit alerts to the districts whose users a
provider without a permit serves. See DESIGN.md and README.md ("Personlig assistans").

``init_app(app)`` registers the models, the rule values, the blueprint, the ``flask assistance``
commands, the start-page items and the navigation entry.
"""
from __future__ import annotations

DEFAULTS = {
    "ASSISTANCE_UPLOAD_MAX_MB": 10,  # largest IVO document attached to a permit notice
    "ASSISTANCE_IMPORT_MAX_MB": 20,  # largest import file
}


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)

    from assistance import models  # noqa: F401  (tables)
    from assistance import hooks, imports, rules  # noqa: F401  (register on import)
    from assistance.cli import assistance_cli
    from assistance.views import bp

    app.register_blueprint(bp)

    rules.register_rules()
    if "assistance" not in app.cli.commands:
        app.cli.add_command(assistance_cli)

    from assistance import timereports  # time reports (issue 13): registers after the above
    timereports.init_app(app)
