"""Application factory. Creating the app has no side effects: no migrations, network or file
writes (the database is set up by ``flask db upgrade``, see the Makefile)."""
from __future__ import annotations

import importlib
import os

from flask import Flask

# Domain packages: each defines ``init_app(app)`` that imports its models and registers its
# blueprints, CLI groups, job handlers, navigation entries and organisation-page sections.
DOMAINS = ("registries", "oversight.accounts", "suppliers", "associations", "assistance",
           "oversight.cases", "oversight.statistics")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("OVERSIGHT_INSTANCE_PATH") or os.path.join(ROOT, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    from oversight.views_support import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    from oversight.config import load_config

    load_config(app, test_config)
    from oversight import logs

    logs.init_app(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Client address and scheme from the proxy: login throttling and secure cookies need them.
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _init_domains(app)

    from oversight import audit_anchors, health, jobs, sso, web

    jobs.init_app(app)
    audit_anchors.init_app(app)
    health.init_app(app)
    sso.init_app(app)

    web.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from oversight import audit, i18n
    from oversight.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    _sqlite_pragmas(app)
    # Batch mode: SQLite cannot ALTER most things in place.
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Logga in för att se sidan."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    i18n.init_app(app)
    audit.init_audit()
    _import_models()


def _sqlite_pragmas(app: Flask) -> None:
    """SQLite only: WAL (readers never wait for a writer) and a busy timeout (a writer waits
    for the lock instead of failing at once), set on every new connection."""
    from sqlalchemy import event

    from oversight.extensions import db

    timeout_ms = int(float(app.config["SQLITE_BUSY_TIMEOUT_SECONDS"]) * 1000)

    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", on_connect)


def _import_models() -> None:
    """Every model module, so metadata (and Alembic autogenerate) sees all tables."""
    import oversight.audit  # noqa: F401
    import oversight.auth.models  # noqa: F401
    import oversight.health  # noqa: F401
    import oversight.jobs  # noqa: F401
    import oversight.organisations.models  # noqa: F401
    import oversight.rule_values  # noqa: F401
    import oversight.sso.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from oversight.admin.views import bp as admin_bp
    from oversight.auth.views import bp as auth_bp
    from oversight.jobs_views import bp as jobs_bp
    from oversight.main import bp as main_bp
    from oversight.ops_views import bp as ops_bp
    from oversight.organisations.views import bp as org_bp

    for bp in (main_bp, auth_bp, admin_bp, org_bp, jobs_bp, ops_bp):
        app.register_blueprint(bp)


def _init_domains(app: Flask) -> None:
    for name in DOMAINS:
        # A missing init_app means the package did not import as ours (e.g. a stale install
        # making it a namespace package): fail loudly rather than run without its tables.
        importlib.import_module(name).init_app(app)


def _register_cli(app: Flask) -> None:
    from oversight.backup_cli import backup_cli
    from oversight.cli import audit_cli, demo_cli, departments_cli, users_cli
    from oversight.identifiers_cli import ids_cli
    from oversight.jobs_cli import jobs_cli

    for group in (users_cli, departments_cli, audit_cli, demo_cli, ids_cli, jobs_cli, backup_cli):
        app.cli.add_command(group)
