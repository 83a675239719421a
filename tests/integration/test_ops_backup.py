"""flask backup create|verify|restore: the demo database (with documents and audit anchors)
restored into an emptied database and into a fresh one compares equal, table by table and
document by document; a damaged backup or another schema revision restores nothing."""
from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import LargeBinary, create_engine, select

from oversight.app import create_app
from oversight.audit import verify_chain
from oversight.audit_anchors import anchor_path
from oversight.backup import BackupError, create_backup, restore_backup, verify_backup
from oversight.extensions import db as _db
from tests.conftest import config_for_tests, empty_all_tables


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every model table, in primary-key order, normalised for comparison."""
    result = {}
    with engine.connect() as conn:
        for table in _db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            result[table.name] = [tuple(_norm(v) for v in row) for row in rows]
    return result


def _norm(value):
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None) if value.utcoffset().total_seconds() == 0 else value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def documents(engine) -> set[bytes]:
    found = set()
    with engine.connect() as conn:
        for table in _db.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, LargeBinary):
                    found |= {v for v in conn.execute(select(column)).scalars() if v is not None}
    return found


def _fill(app, runner, db, tmp_path, demo: bool):
    app.config["AUDIT_ANCHOR_PATH"] = str(tmp_path / "anchors" / "audit-anchors.log")
    if demo:
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
    else:
        from tests.factories import Factory

        Factory(db.session).organisation(name="Liten Förening")
    from registries.models import RegistryBlob

    db.session.add(RegistryBlob(sha256="0" * 64, content_type="application/pdf",
                                size=12, data=b"%PDF-1.4 \x00\xff\x10"))
    db.session.commit()
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0


@pytest.fixture
def demo_db(app, runner, db, tmp_path):
    _fill(app, runner, db, tmp_path, demo=True)
    yield db
    app.config.pop("AUDIT_ANCHOR_PATH", None)


@pytest.fixture
def small_db(app, runner, db, tmp_path):
    _fill(app, runner, db, tmp_path, demo=False)
    yield db
    app.config.pop("AUDIT_ANCHOR_PATH", None)


def test_restore_into_the_emptied_database_gives_back_every_row_and_document(app, demo_db,
                                                                             runner, tmp_path):
    before, docs = snapshot(demo_db.engine), documents(demo_db.engine)
    assert sum(len(rows) for rows in before.values()) > 100 and docs
    anchors = open(anchor_path(app), encoding="utf-8").read()
    result = runner.invoke(args=["backup", "create", "--dir", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    (path,) = [str(p) for p in (tmp_path / "b").iterdir()]
    manifest = verify_backup(path)
    assert manifest["documents"] == len(docs)
    assert "audit-anchors.log" in manifest["files"]

    empty_all_tables(demo_db)
    os.remove(anchor_path(app))
    result = runner.invoke(args=["backup", "restore", path, "--yes"])
    assert result.exit_code == 0, result.output
    demo_db.session.expire_all()
    after = snapshot(demo_db.engine)
    for name in before:
        assert after[name] == before[name], name
    assert documents(demo_db.engine) == docs
    assert open(anchor_path(app), encoding="utf-8").read() == anchors
    assert verify_chain(demo_db.session).ok  # the audit chain survived intact


def test_restore_into_a_fresh_database(app, demo_db, tmp_path):
    before, docs = snapshot(demo_db.engine), documents(demo_db.engine)
    backup = create_backup(app, str(tmp_path / "b"))
    fresh = create_app(config_for_tests(
        DATABASE_URL="sqlite:///" + str(tmp_path / "fresh.db"),
        AUDIT_ANCHOR_PATH=str(tmp_path / "fresh-anchors.log")))
    with fresh.app_context():
        _db.create_all()
        counts = restore_backup(fresh, backup.path)
        engine = _db.engine
        after, fresh_docs = snapshot(engine), documents(engine)
        _db.session.remove()
        engine.dispose()
    assert counts == {k: v for k, v in backup.tables.items() if k in counts}
    for name in before:
        assert after[name] == before[name], name
    assert fresh_docs == docs
    assert os.path.exists(tmp_path / "fresh-anchors.log")
    if demo_db.engine.dialect.name == "sqlite":  # the engine's own copy, too
        copy = create_engine("sqlite:///" + os.path.join(backup.path, "database.sqlite3"))
        try:
            assert snapshot(copy) == before
        finally:
            copy.dispose()


def test_a_damaged_backup_restores_nothing(app, small_db, runner, tmp_path):
    demo_db = small_db
    backup = create_backup(app, str(tmp_path / "b"))
    before = snapshot(demo_db.engine)
    docs_dir = os.path.join(backup.path, "documents")
    victim = os.path.join(docs_dir, sorted(os.listdir(docs_dir))[0])
    with open(victim, "ab") as f:
        f.write(b"x")
    result = runner.invoke(args=["backup", "restore", backup.path, "--yes"])
    assert result.exit_code != 0
    assert "fel kontrollsumma" in result.output and "Traceback" not in result.output
    assert snapshot(demo_db.engine) == before
    os.remove(os.path.join(backup.path, "manifest.json"))
    with pytest.raises(BackupError, match="manifest"):
        verify_backup(backup.path)


def test_another_schema_revision_restores_nothing(app, small_db, tmp_path):
    demo_db = small_db
    backup = create_backup(app, str(tmp_path / "b"))
    manifest_path = os.path.join(backup.path, "manifest.json")
    manifest = json.load(open(manifest_path, encoding="utf-8"))
    manifest["schema_revision"] = "0001_core"
    json.dump(manifest, open(manifest_path, "w", encoding="utf-8"))
    before = snapshot(demo_db.engine)
    with pytest.raises(BackupError, match="schemat"):
        restore_backup(app, backup.path)
    assert snapshot(demo_db.engine) == before
