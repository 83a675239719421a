"""Migrations produce the models' schema; demo data loads idempotently."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, inspect, select, text

from oversight.app import create_app
from oversight.auth.models import Department
from oversight.extensions import db as _db
from tests.conftest import config_for_tests


def _fresh_database_url(tmp_path) -> str:
    url = os.environ.get("OVERSIGHT_TEST_MIGRATIONS_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path / "migrations.db")
    engine = create_engine(url)
    with engine.begin() as conn:  # start from an empty schema
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def test_upgrade_on_empty_database_matches_models(tmp_path):
    app = create_app(config_for_tests(DATABASE_URL=_fresh_database_url(tmp_path)))
    with app.app_context():
        upgrade()
        with _db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                    _db.metadata)
        assert diff == [], diff
        assert "alembic_version" in inspect(_db.engine).get_table_names()
        _db.session.remove()
        _db.engine.dispose()


def _row_counts(db) -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables if t.name not in ("audit_entry", "login_attempt")}


def test_demo_load_is_idempotent(runner, db):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = _row_counts(db)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert _row_counts(db) == counts  # every table of every domain, not just the core
    assert counts["department"] >= 14 and counts["organisation"] >= 9 and "lss.jarva" in first.output
    jarva = db.session.scalar(select(Department).where(Department.code == "sdf-jarva"))
    assert {d.code for d in jarva.predecessors} == {"sdf-rinkeby-kista", "sdf-spanga-tensta"}


def test_ids_cli_through_the_app(runner):
    result = runner.invoke(args=["ids", "validate", "--kind", "orgnr", "-"],
                           input="5560160680\n556016-0681\n")
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and '"valid": true' in lines[0] and "Kontrollsiffran" in lines[1]
    assert result.exit_code == 1
