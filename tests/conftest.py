"""Fixtures: the Flask tutorial trio (app, client, runner) plus db, users and login helpers.

The database is SQLite in a temporary folder, or PostgreSQL when OVERSIGHT_DATABASE_URL is set
(.ci/run does that). The schema is created once per session; every test starts from empty
tables (per-test isolation by truncation, which is fast on both engines).
"""
from __future__ import annotations

import os
import tempfile

import pytest
from sqlalchemy import text

_INSTANCE = tempfile.mkdtemp(prefix="oversight-test-")
os.environ["OVERSIGHT_INSTANCE_PATH"] = _INSTANCE  # nothing a test does touches instance/

from oversight.app import create_app  # noqa: E402
from oversight.extensions import db as _db  # noqa: E402
from tests import factories  # noqa: E402

PASSWORD = factories.PASSWORD


def _database_url() -> str:
    """SQLite in this process's temporary folder, or the PostgreSQL database named by
    OVERSIGHT_DATABASE_URL; under pytest-xdist each worker gets its own database beside it
    (``oversight_test_gw0``, …), created on first use."""
    url = os.environ.get("OVERSIGHT_DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(_INSTANCE, "test.db")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


def _worker_database(url: str, worker: str) -> str:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": own.database})
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


_DATABASE_URL = _database_url()


def config_for_tests(**overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": _DATABASE_URL,
        "WTF_CSRF_ENABLED": False,
        "JOBS_IMMEDIATE": True,
        # argon2id at its lowest cost: hashing at the production cost was most of the suite's
        # time. test_auth checks the production values separately.
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_KIB": 1024,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def app():
    app = create_app(config_for_tests())

    def _forget_previous_requests_user():
        # Requests reuse the test's app context (the db fixture holds one), so ``g`` would
        # carry one client's logged-in user into another client's request. Runs first.
        from flask import g
        g.pop("_login_user", None)
        g.pop("_audit_actor", None)
        g.pop("_flask_babel", None)  # Flask-Babel caches the locale there: one per request

    app.before_request_funcs.setdefault(None, []).insert(0, _forget_previous_requests_user)

    with app.app_context():
        _db.drop_all()
        _db.create_all()
        seed_rule_values(_db)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def empty_all_tables(db) -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                + " RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()
    _forget_audit_highwater(db)
    seed_rule_values(db)


def _forget_audit_highwater(db) -> None:
    """The chain was emptied on purpose: its high-water mark (outside the database) goes too."""
    from flask import current_app

    from oversight.audit_highwater import forget_mark

    forget_mark(current_app._get_current_object(), db.engine)


def seed_rule_values(db) -> None:
    """Every test starts with today's rule values, as a migrated database has them."""
    from oversight.rule_values import seed_defaults

    seed_defaults(db.session)
    db.session.commit()


@pytest.fixture(autouse=True)
def _clean_tables(request):
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        with app.app_context():
            _db.session.rollback()
            empty_all_tables(_db)


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(db):
    """Factories bound to the test session: ``make.user(role="lss", department=...)``."""
    return factories.Factory(db.session)


def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def login_as(app, make, db):
    """``login_as(user)`` -> a test client logged in as that user."""
    def _login(user):
        db.session.commit()
        c = app.test_client()
        response = login(c, user.username)
        assert response.status_code == 302, response.data[:500]
        return c
    return _login
