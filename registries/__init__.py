"""External registries behind one protocol (see registries/base.py and DESIGN.md).

``init_app(app)`` adds the configuration defaults, the models, the blueprint, the CLI group
``flask registries``, the "check now" job, the organisation-page section and the navigation
entry. Nothing here touches the network or the disk."""
from __future__ import annotations


def init_app(app) -> None:
    from registries import models  # noqa: F401  (tables in the metadata)
    from registries.adapters import init_config

    init_config(app)
    from registries import hooks  # noqa: F401  (section, job handler, navigation)
    from registries.cli import registries_cli
    from registries.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(registries_cli)
