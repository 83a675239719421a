"""Issue 10 (review), uploads: the ledger preview, registry files and account-holder answers
are stored by the web request and parsed by a background job (the request never opens the
file); row and column errors reach the user on the job's page. Ledger imports are written in
committed chunks and continue after a crash without duplicates.

The worker is run the way huey_consumer runs it: a second app on the same database with a real
queue, the job executed in a fresh app context."""
from __future__ import annotations

import io
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from associations import imports
from associations.detection import load_rows
from associations.hooks import IMPORT_JOB, PREVIEW_JOB
from associations.models import LedgerEntry, LedgerImport, LedgerUpload
from oversight.app import create_app
from oversight.extensions import db as _db
from oversight.jobs import Job, dispatch, get_huey
from oversight.jobs_health import retry_job
from oversight.upload_store import StoredUpload
from tests.conftest import config_for_tests

HEADER = "department;payee_name;org_nr;amount;date;account_text\n"
FIELDS = {"department": "department", "payee_name": "payee_name", "org_nr": "org_nr",
          "amount": "amount", "date": "date", "account_text": "account_text",
          "bank_account": "", "purpose": "", "period": "", "save_as": ""}


def count(db, model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def ledger(n: int, bad_row: int | None = None) -> bytes:
    rows = [f"Kultur;Leverantör {i};;{i},00;2026-03-01;45300" if i != bad_row
            else f"Kultur;Leverantör {i};;tio;2026-03-01;45300" for i in range(1, n + 1)]
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


@pytest.fixture
def worker(app, tmp_path):
    """The web app queues its jobs for a worker app (real SQLite huey) instead of running
    them inside the request; ``worker()`` runs the next queued job as huey_consumer does."""
    worker_app = create_app(config_for_tests(JOBS_IMMEDIATE=False))
    worker_app.instance_path = str(tmp_path)
    huey = get_huey(worker_app)
    saved = app.extensions.get("huey")
    app.extensions["huey"] = huey

    def run_next():
        huey.execute(huey.dequeue())

    yield run_next
    app.extensions["huey"] = saved
    with worker_app.app_context():
        _db.session.remove()


@contextmanager
def no_parsing():
    """Fails the test if the code inside opens a tabular file (CSV, XLSX or zip)."""
    import associations.imports
    import associations.ledger
    from oversight import tabular

    def refuse(*args, **kwargs):
        raise AssertionError("a file was parsed in the web request")

    modules = (tabular, associations.ledger, associations.imports)
    saved = [m.open_table for m in modules]
    for m in modules:
        m.open_table = refuse
    try:
        yield
    finally:
        for m, fn in zip(modules, saved, strict=True):
            m.open_table = fn


def _job(db, kind):
    db.session.expire_all()
    return db.session.scalars(select(Job).where(Job.kind == kind).order_by(Job.id.desc())).first()


# --- registry files ---------------------------------------------------------------------------

def test_a_registry_file_is_parsed_by_the_worker_and_its_row_errors_reach_the_user(
        db, make, login_as, worker):
    from registries.models import RegistryRecord
    from registries.services import IMPORT_JOB as REGISTRY_IMPORT

    client = login_as(make.user(role="procurement"))
    good = "organisationsnummer;fskatt;moms;arbetsgivare;datum\n556901-2346;ja;ja;ja;2026-11-01\n"
    with no_parsing():
        response = client.post("/registries/import", data={
            "kind": "skatteverket", "file": (io.BytesIO(good.encode()), "skv.csv")},
            content_type="multipart/form-data")
    job = _job(db, REGISTRY_IMPORT)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert job.status == "queued" and count(db, StoredUpload) == 1
    assert count(db, RegistryRecord) == 0  # nothing parsed or saved by the request
    worker()
    job = _job(db, REGISTRY_IMPORT)
    assert job.status == "done", job.error
    assert count(db, RegistryRecord) == 1 and count(db, StoredUpload) == 0
    assert "1 nya" in client.get(job.result_url).get_data(as_text=True)

    bad = "organisationsnummer;fskatt;datum\n556901-2346;kanske;2026-11-01\n"
    client.post("/registries/import", data={
        "kind": "skatteverket", "file": (io.BytesIO(bad.encode()), "bad.csv")},
        content_type="multipart/form-data")
    worker()
    job = _job(db, REGISTRY_IMPORT)
    assert job.status == "failed" and "Filen importerades inte" in job.error
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "<td>2</td>" in page and "varken ja eller nej" in page
    assert count(db, RegistryRecord) == 1
    assert count(db, StoredUpload) == 1  # kept for *Kör om jobbet*


def test_a_second_registry_import_is_refused_while_one_is_queued(db, make, login_as, worker):
    client = login_as(make.user(role="procurement"))
    good = "organisationsnummer;fskatt;moms;arbetsgivare;datum\n556901-2346;ja;ja;ja;2026-11-01\n"
    for _ in range(2):
        page = client.post("/registries/import", data={
            "kind": "skatteverket", "file": (io.BytesIO(good.encode()), "skv.csv")},
            content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "En import pågår redan" in page
    assert count(db, StoredUpload) == 1


# --- account-holder answers ----------------------------------------------------------------------

def test_an_account_holder_file_is_parsed_by_the_worker(db, make, login_as, worker):
    from oversight.accounts.models import AccountHolderEvidence
    from oversight.accounts.services import HOLDER_IMPORT_JOB

    client = login_as(make.user(role="procurement"))
    text = ("kontotyp;kontonummer;kontohavare;datum\n"
            "bankgiro;5050-1006;Förening A;2026-01-02\n"
            "bankgiro;5050-1007;Förening B;2026-01-02\n")  # 5050-1007: wrong check digit
    with no_parsing():
        response = client.post("/accounts/holders/import", data={
            "file": (io.BytesIO(text.encode()), "k.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    worker()
    job = _job(db, HOLDER_IMPORT_JOB)
    assert job.status == "failed"
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "<td>3</td>" in page and "rad 3" in page
    assert count(db, AccountHolderEvidence) == 0


# --- ledger preview ------------------------------------------------------------------------------

def test_the_ledger_preview_is_read_by_the_worker(db, make, login_as, worker):
    dept = make.department(code="kultur", name="Kulturförvaltningen")
    client = login_as(make.user(role="grants", department=dept))
    with no_parsing():
        response = client.post("/associations/imports/new", data={
            "file": (io.BytesIO(ledger(3)), "reskontra.csv"), "department": dept.id,
            "preset": "standard", "period": ""}, content_type="multipart/form-data")
    job = _job(db, PREVIEW_JOB)
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    up = db.session.scalar(select(LedgerUpload))
    preview_url = f"/associations/imports/uploads/{up.id}"
    # Before the job has run, the preview page leads to its progress bar.
    with no_parsing():
        assert client.get(preview_url).headers["Location"].endswith(f"/jobs/{job.id}")
    worker()
    job = _job(db, PREVIEW_JOB)
    assert job.status == "done" and job.result_url == preview_url
    with no_parsing():
        page = client.get(preview_url).get_data(as_text=True)
        assert "Leverantör 3" in page and ">Importera</button>" in page
        response = client.post(preview_url, data=FIELDS)
    assert response.status_code == 302
    worker()
    assert _job(db, IMPORT_JOB).status == "done"
    assert count(db, LedgerEntry) == 3


# --- chunked, restartable ledger import ----------------------------------------------------------

@pytest.fixture
def small_chunks(app):
    app.config["LEDGER_IMPORT_CHUNK_ROWS"] = 3
    yield
    app.config["LEDGER_IMPORT_CHUNK_ROWS"] = 5000


@pytest.fixture
def crash_after_two_chunks(monkeypatch):
    """The worker dies while writing the third chunk (after two were committed)."""
    real, calls = imports._insert_chunk, []

    def insert(session, batch):
        calls.append(len(batch))
        if len(calls) == 3:
            raise RuntimeError("arbetsprocessen dog")
        real(session, batch)

    monkeypatch.setattr(imports, "_insert_chunk", insert)
    return lambda: monkeypatch.setattr(imports, "_insert_chunk", real)


def _upload_and_confirm(client, dept, data):
    response = client.post("/associations/imports/new", data={
        "file": (io.BytesIO(data), "stor.csv"), "department": dept.id, "preset": "standard",
        "period": ""}, content_type="multipart/form-data")
    return client.post(response.headers["Location"], data=FIELDS)


def test_a_ledger_import_commits_in_chunks_and_a_retry_continues_without_duplicates(
        db, make, login_as, small_chunks, crash_after_two_chunks):
    dept = make.department(code="kultur", name="Kulturförvaltningen")
    client = login_as(make.user(role="grants", department=dept))
    _upload_and_confirm(client, dept, ledger(10))
    job = _job(db, IMPORT_JOB)
    assert job.status == "failed" and "arbetsprocessen dog" in job.error
    li = db.session.scalar(select(LedgerImport))
    assert li.complete is False and count(db, LedgerEntry) == 6  # two chunks were committed
    assert load_rows(db.session, None, None, False).rows == []  # not in any report yet

    crash_after_two_chunks()  # the worker is back: *Kör om jobbet*
    retry_job(db.session, job)
    db.session.commit()
    dispatch(job)
    job = _job(db, IMPORT_JOB)
    assert job.status == "done", job.error
    li = db.session.scalar(select(LedgerImport))
    assert li.complete is True and li.row_count == 10 and li.total_amount == 55
    numbers = db.session.scalars(select(LedgerEntry.row_number).order_by(LedgerEntry.row_number))
    assert list(numbers) == list(range(1, 11))
    assert len(load_rows(db.session, None, None, False).rows) == 10
    assert count(db, LedgerUpload) == 0


def test_the_cli_continues_an_import_cut_off_mid_way(db, make, runner, tmp_path, small_chunks,
                                                    crash_after_two_chunks):
    make.department(code="kultur", name="Kulturförvaltningen")
    db.session.commit()
    path = tmp_path / "stor.csv"
    path.write_bytes(ledger(8))
    args = ["associations", "import-ledger", str(path), "--department", "kultur"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert count(db, LedgerEntry) == 6 and count(db, LedgerImport, LedgerImport.complete.is_(False)) == 1
    crash_after_two_chunks()
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert count(db, LedgerEntry) == 8 and count(db, LedgerImport, LedgerImport.complete.is_(True)) == 1
    assert "redan importerad" in runner.invoke(args=args).output  # a third run adds nothing
    assert count(db, LedgerEntry) == 8


def test_a_bad_row_late_in_a_large_file_writes_nothing(db, make, small_chunks):
    dept = make.department(code="kultur", name="Kulturförvaltningen")
    with pytest.raises(imports.LedgerImportError, match="Rad 9"):
        imports.import_ledger(db.session, None, data=ledger(10, bad_row=9), filename="x.csv",
                              department=dept, commit=db.session.commit)
    assert count(db, LedgerImport) == 0 and count(db, LedgerEntry) == 0


def test_a_failed_cli_import_recorded_as_a_job_is_not_retried_from_the_web(db, make):
    """Import kinds now have handlers (for uploads); a CLI run recorded by job_run has no
    stored file, so it is refused with the reason instead of failing again."""
    from oversight.jobs_health import JobError, job_run
    from registries.services import IMPORT_JOB as REGISTRY_IMPORT

    user = make.user(role="procurement")
    with pytest.raises(RuntimeError), job_run(db.session, user, REGISTRY_IMPORT, "CLI-import"):
        raise RuntimeError("trasig fil")
    job = _job(db, REGISTRY_IMPORT)
    assert job.status == "failed"
    with pytest.raises(JobError, match="kommandoraden"):
        retry_job(db.session, job)
