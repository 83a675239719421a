"""SQLite that does not lock users out: WAL and a busy timeout on every connection; one import
of a kind at a time (a clear message in the web and the CLI); CLI errors as one Swedish line."""
from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from associations.hooks import IMPORT_JOB
from oversight.app import create_app
from oversight.db import utcnow
from oversight.extensions import db as _db
from oversight.jobs import Job
from registries.services import IMPORT_JOB as REGISTRY_IMPORT_JOB
from tests.conftest import config_for_tests

HEADER = "department;payee_name;org_nr;amount;date;account_text\n"
FIELDS = {"department": "department", "payee_name": "payee_name", "org_nr": "org_nr",
          "amount": "amount", "date": "date", "account_text": "account_text",
          "bank_account": "", "purpose": "", "period": "", "save_as": ""}
BUSY = "En import pågår redan, startad 10:42 av Anna Andersson"


def _sqlite(db) -> bool:
    return db.engine.dialect.name == "sqlite"


def test_every_new_sqlite_connection_has_wal_and_a_busy_timeout(db):
    if not _sqlite(db):
        pytest.skip("SQLite only")
    db.engine.dispose()  # a new connection, not one from the pool
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def _running_import(db, make, kind=IMPORT_JOB, department=None, minutes_ago=0):
    anna = make.user(role="grants", department=department)
    anna.name = "Anna Andersson"
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
    started = datetime(today.year, today.month, today.day, 10, 42,
                       tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)
    job = Job(kind=kind, title="Import", params={}, status="running", created_by_id=anna.id,
              department_id=anna.department_id, started_at=started,
              heartbeat_at=utcnow() - timedelta(minutes=minutes_ago), attempts=1)
    db.session.add(job)
    db.session.commit()
    return job


def _upload_and_confirm(client, dept):
    data = (HEADER + "Kultur;Förening A;;100;2026-03-01;45300\n").encode()
    response = client.post("/associations/imports/new", data={
        "file": (io.BytesIO(data), "a.csv"), "department": dept.id, "preset": "standard",
        "period": ""}, content_type="multipart/form-data")
    return client.post(response.headers["Location"], data=FIELDS, follow_redirects=True)


def test_a_second_web_import_is_refused_with_who_and_when(db, make, login_as):
    dept = make.department(code="kultur")
    running = _running_import(db, make, department=dept)
    client = login_as(make.user(role="grants", department=dept))
    page = _upload_and_confirm(client, dept).get_data(as_text=True)
    assert BUSY in page
    # No second import job (the preview is read by a job of its own kind).
    assert db.session.scalar(select(Job.id).where(Job.id != running.id,
                                                  Job.kind == IMPORT_JOB)) is None


def test_a_stuck_import_does_not_block_the_upload(db, make, login_as):
    """The worker died: the old job has no heartbeat, so the upload can be confirmed again."""
    dept = make.department(code="kultur")
    stuck = _running_import(db, make, department=dept, minutes_ago=60)
    client = login_as(make.user(role="grants", department=dept))
    page = _upload_and_confirm(client, dept).get_data(as_text=True)
    assert BUSY not in page
    new = db.session.scalar(select(Job).where(Job.id != stuck.id, Job.kind == IMPORT_JOB))
    assert new is not None and new.status == "done"


def test_a_second_cli_import_is_refused_with_one_line(db, make, runner, tmp_path):
    dept = make.department(code="kultur")
    _running_import(db, make, department=dept)
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "Kultur;Förening A;;100;2026-03-01;45300\n")
    result = runner.invoke(args=["associations", "import-ledger", str(path), "--department",
                                 "kultur"])
    assert result.exit_code == 1 and BUSY in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_a_registry_import_is_refused_while_another_runs(db, make, runner, tmp_path):
    _running_import(db, make, kind=REGISTRY_IMPORT_JOB)
    path = tmp_path / "skv.csv"
    path.write_text("organisationsnummer;fskatt\n5569012346;ja\n")
    result = runner.invoke(args=["registries", "import", "skatteverket", str(path)])
    assert result.exit_code == 1 and BUSY in result.output and "Traceback" not in result.output


def test_a_cli_import_is_recorded_as_a_job_while_it_runs(db, make, runner, tmp_path):
    make.department(code="kultur")
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "Kultur;Förening A;;100;2026-03-01;45300\n")
    result = runner.invoke(args=["associations", "import-ledger", str(path), "--department",
                                 "kultur"])
    assert result.exit_code == 0, result.output
    job = db.session.scalar(select(Job).where(Job.kind == IMPORT_JOB))
    assert job.status == "done"


def test_a_locked_database_gives_one_swedish_line_in_the_cli(db, make, tmp_path):
    if not _sqlite(db):
        pytest.skip("SQLite only")
    make.department(code="kultur")
    db.session.commit()
    app = create_app(config_for_tests(SQLITE_BUSY_TIMEOUT_SECONDS=0.2))
    path = db.engine.url.database
    holder = sqlite3.connect(path, timeout=0.1)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process is writing (a long import)
        result = app.test_cli_runner().invoke(args=["departments", "add", "ny", "Ny förvaltning"])
    finally:
        holder.rollback()
        holder.close()
        with app.app_context():
            _db.engine.dispose()
    assert result.exit_code == 1
    assert "Databasen är upptagen" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_bad_file_gives_one_swedish_line_in_the_cli(db, make, runner, tmp_path):
    make.department(code="kultur")
    path = tmp_path / "trasig.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = runner.invoke(args=["associations", "import-ledger", str(path), "--department",
                                 "kultur"])
    assert result.exit_code == 1 and result.output.startswith("Fel: ")
    assert "Traceback" not in result.output


def test_an_account_holder_import_is_refused_while_another_runs(db, make, runner, login_as,
                                                                tmp_path):
    from oversight.accounts.services import HOLDER_IMPORT_JOB

    _running_import(db, make, kind=HOLDER_IMPORT_JOB)
    text = "kontotyp;kontonummer;kontohavare;datum\nbankgiro;5050-1006;Förening;2026-01-02\n"
    path = tmp_path / "h.csv"
    path.write_text(text)
    result = runner.invoke(args=["accounts", "import-holders", str(path)])
    assert result.exit_code == 1 and BUSY in result.output and "Traceback" not in result.output
    client = login_as(make.user(role="procurement"))
    page = client.post("/accounts/holders/import", data={
        "file": (io.BytesIO(text.encode()), "h.csv")}, content_type="multipart/form-data",
        follow_redirects=True).get_data(as_text=True)
    assert BUSY in page
