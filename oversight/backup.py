"""Backups that restore: ``flask backup create`` writes a folder with

* ``tables/<table>.jsonl``: every table, one JSON object per row, in primary-key order (a
  portable dump through SQLAlchemy that restores into SQLite or PostgreSQL alike);
* ``documents/<sha256>``: every stored document and file body (binary columns: registry
  answers, uploaded evidence, hearing documents, imported payment files), once per content;
  the rows refer to them by checksum;
* ``audit-anchors.log``: the audit chain's anchor file;
* ``database.sqlite3`` (SQLite, the online backup API) or ``database.pgdump`` (PostgreSQL,
  ``pg_dump -Fc`` when the program is installed): the engine's own copy, for its own tools;
* ``manifest.json``: time, schema revision, row count per table and the SHA-256 and size of
  every file above.

``flask backup restore`` first checks every checksum and the schema revision (any mismatch:
nothing is written), then replaces the contents of the target database in one transaction.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - pg_dump with a fixed argument list
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import LargeBinary, MetaData, Table, func, inspect, select, text
from sqlalchemy.engine import Connection

from oversight.audit_anchors import anchor_path
from oversight.audit_highwater import reset_mark
from oversight.db import utcnow
from oversight.extensions import db

FORMAT = 1
CHUNK = 1000
DOC_KEY = "$doc"


class BackupError(Exception):
    """What is wrong with a backup or its target, in Swedish."""


@dataclass
class BackupResult:
    path: str
    tables: dict[str, int] = field(default_factory=dict)
    documents: int = 0


# --- values -------------------------------------------------------------------------------------

def _encode(value, binary: bool, docs_dir: str, seen: set[str]):
    if value is None:
        return None
    if binary:
        digest = hashlib.sha256(value).hexdigest()
        if digest not in seen:
            with open(os.path.join(docs_dir, digest), "wb") as f:
                f.write(value)
            seen.add(digest)
        return {DOC_KEY: digest}
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):  # binary in a non-LargeBinary column (should not happen)
        return {"$b64": base64.b64encode(value).decode()}
    return value


def _python_type(column):
    try:
        return column.type.python_type
    except NotImplementedError:  # JSON and custom types: stored as they are
        return None


def _decode(value, column, docs_dir: str):
    if value is None:
        return None
    if isinstance(value, dict) and DOC_KEY in value and isinstance(column.type, LargeBinary):
        with open(os.path.join(docs_dir, value[DOC_KEY]), "rb") as f:
            return f.read()
    if isinstance(value, dict) and "$b64" in value and len(value) == 1:
        return base64.b64decode(value["$b64"])
    kind = _python_type(column)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    return value


# --- files --------------------------------------------------------------------------------------

def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables(conn: Connection) -> list[Table]:
    tables = list(db.metadata.sorted_tables)
    if inspect(conn).has_table("alembic_version"):
        tables.append(Table("alembic_version", MetaData(), autoload_with=conn))
    return tables


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _order(table: Table):
    return list(table.primary_key.columns) or list(table.columns)


# --- create -------------------------------------------------------------------------------------

def create_backup(app: Flask, target_dir: str | None = None) -> BackupResult:
    """Write a complete backup folder and return it; nothing in the database changes."""
    base = target_dir or app.config.get("BACKUP_DIR") or os.path.join(app.instance_path, "backups")
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(base, f"oversight-{stamp}")
    if os.path.exists(path):
        raise BackupError(_("Mappen %(path)s finns redan.", path=path))
    os.makedirs(os.path.join(path, "tables"))
    os.makedirs(os.path.join(path, "documents"))
    result = BackupResult(path=path)
    seen: set[str] = set()
    engine = db.engine
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":  # one consistent snapshot for every table
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        revision = _revision(conn)
        for table in _tables(conn):
            result.tables[table.name] = _dump_table(conn, table, path, seen)
    result.documents = len(seen)
    _copy_anchors(app, path)
    _native_copy(path)
    _write_manifest(path, result, revision, engine.dialect.name)
    return result


def _dump_table(conn: Connection, table: Table, path: str, seen: set[str]) -> int:
    binary = {c.name for c in table.columns if isinstance(c.type, LargeBinary)}
    docs_dir = os.path.join(path, "documents")
    count = 0
    with open(os.path.join(path, "tables", f"{table.name}.jsonl"), "w", encoding="utf-8") as f:
        for row in conn.execute(select(table).order_by(*_order(table))).mappings():
            encoded = {k: _encode(v, k in binary, docs_dir, seen) for k, v in row.items()}
            f.write(json.dumps(encoded, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def _copy_anchors(app: Flask, path: str) -> None:
    source = anchor_path(app)
    if os.path.exists(source):
        shutil.copyfile(source, os.path.join(path, "audit-anchors.log"))


def _native_copy(path: str) -> None:
    """The engine's own copy beside the portable dump (best effort for PostgreSQL)."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            dest = sqlite3.connect(os.path.join(path, "database.sqlite3"))
            with dest:
                raw.driver_connection.backup(dest)
            dest.close()
        finally:
            raw.close()
    elif engine.dialect.name == "postgresql" and shutil.which("pg_dump"):
        url = engine.url
        env = dict(os.environ, PGPASSWORD=url.password or "")  # never on the command line
        args = [shutil.which("pg_dump"), "-Fc", "-f", os.path.join(path, "database.pgdump"),
                "-h", url.host or "localhost", "-p", str(url.port or 5432),
                "-U", url.username or "", url.database or ""]
        done = subprocess.run(args, env=env, capture_output=True, timeout=3600)  # nosec B603
        if done.returncode != 0:
            raise BackupError(_("pg_dump misslyckades: %(error)s",
                                error=done.stderr.decode(errors="replace").strip()[:500]))


def _write_manifest(path: str, result: BackupResult, revision: str | None, engine: str) -> None:
    files = {}
    for folder, _dirs, names in os.walk(path):
        for name in sorted(names):
            full = os.path.join(folder, name)
            rel = os.path.relpath(full, path).replace(os.sep, "/")
            files[rel] = {"sha256": sha256_file(full), "bytes": os.path.getsize(full)}
    manifest = {"format": FORMAT, "created_at": utcnow().isoformat(timespec="seconds"),
                "engine": engine, "schema_revision": revision, "tables": result.tables,
                "documents": result.documents, "files": files}
    with open(os.path.join(path, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)


# --- verify and restore -------------------------------------------------------------------------

def verify_backup(path: str) -> dict:
    """The manifest, after checking every file's SHA-256; a BackupError says what is wrong."""
    manifest_path = os.path.join(path, "manifest.json")
    if not os.path.isfile(manifest_path):
        raise BackupError(_("%(path)s saknar manifest.json: det är ingen fullständig "
                             "säkerhetskopia.", path=path))
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Okänt format på säkerhetskopian: %(format)r.",
                             format=manifest.get("format")))
    problems = []
    for rel, meta in sorted(manifest["files"].items()):
        full = os.path.join(path, *rel.split("/"))
        if not os.path.isfile(full):
            problems.append(f"{rel} saknas")
        elif sha256_file(full) != meta["sha256"]:
            problems.append(f"{rel} har fel kontrollsumma")
    for name in manifest["tables"]:
        if f"tables/{name}.jsonl" not in manifest["files"]:
            problems.append(f"tables/{name}.jsonl saknas i manifestet")
    if problems:
        raise BackupError(_("Säkerhetskopian är skadad: %(problems)s.",
                             problems="; ".join(problems[:20])))
    return manifest


def restore_backup(app: Flask, path: str) -> dict[str, int]:
    """Replace the database's contents with the backup's, in one transaction; returns the row
    count per table. Refuses a damaged backup or another schema revision."""
    manifest = verify_backup(path)
    engine = db.engine
    with engine.begin() as conn:
        revision = _revision(conn)
        if manifest["schema_revision"] != revision:
            raise BackupError(_(
                "Säkerhetskopian har databasschemat %(backup)s, databasen har %(database)s: kör "
                "'flask db upgrade' till samma version först (eller återställ med samma "
                "programversion).", backup=manifest["schema_revision"] or _("(okänt)"),
                database=revision or _("(okänt)")))
        tables = {t.name: t for t in _tables(conn)}
        missing = sorted(set(manifest["tables"]) - set(tables))
        if missing:
            raise BackupError(_("Databasen saknar tabellerna %(tables)s.", tables=", ".join(missing)))
        ordered = [t for t in tables.values() if t.name in manifest["tables"]]
        _empty(conn, ordered)
        counts = {t.name: _load_table(conn, t, path) for t in ordered}
        _reset_sequences(conn, ordered)
    _restore_anchors(app, path)
    reset_mark(app, engine)  # the restored chain replaces the one the mark described
    return counts


def _empty(conn: Connection, tables: list[Table]) -> None:
    if conn.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))  # nosec B608 - table names from metadata
    else:
        for table in reversed(tables):
            conn.execute(table.delete())


def _load_table(conn: Connection, table: Table, path: str) -> int:
    docs_dir = os.path.join(path, "documents")
    columns = {c.name: c for c in table.columns}
    batch, count = [], 0
    with open(os.path.join(path, "tables", f"{table.name}.jsonl"), encoding="utf-8") as f:
        for line in f:
            raw = json.loads(line)
            batch.append({k: _decode(v, columns[k], docs_dir) for k, v in raw.items()
                          if k in columns})
            if len(batch) >= CHUNK:
                conn.execute(table.insert(), batch)
                count, batch = count + len(batch), []
    if batch:
        conn.execute(table.insert(), batch)
        count += len(batch)
    return count


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """PostgreSQL: the next id after the restored rows."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" not in table.columns or not table.columns["id"].autoincrement:
            continue
        highest = conn.execute(select(func.max(table.columns["id"]))).scalar()
        if highest:
            conn.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                         {"t": table.name, "v": highest})


def _restore_anchors(app: Flask, path: str) -> None:
    """Put the anchor file back when the target has none; never overwrite existing anchors
    (they are evidence): the backup's copy is then left beside them as ``.restored``."""
    source = os.path.join(path, "audit-anchors.log")
    if not os.path.exists(source):
        return
    target = anchor_path(app)
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    if not os.path.exists(target) or os.path.getsize(target) == 0:
        shutil.copyfile(source, target)
    elif sha256_file(target) != sha256_file(source):
        shutil.copyfile(source, target + ".restored")
