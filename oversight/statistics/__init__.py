"""Statistics per district and year from the case register: every measure defined once in
``measures.py`` and shown with its definition. ``init_app`` registers the page and
``flask statistics``."""
from __future__ import annotations


def init_app(app) -> None:
    from oversight import navigation
    from oversight.statistics.cli import statistics_cli
    from oversight.statistics.views import bp

    app.register_blueprint(bp)
    if "statistics" not in app.cli.commands:
        app.cli.add_command(statistics_cli)
    navigation.register("statistics.index", "Statistik", "statistics.view", 64)
