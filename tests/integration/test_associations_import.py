"""Ledger import into the database: the real Örebro file, malformed files, idempotency,
the grant-account filter, the upload with preview and column mapping."""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from associations import imports
from associations.hooks import IMPORT_JOB
from associations.models import LedgerEntry, LedgerImport, LedgerMapping, LedgerUpload
from oversight.jobs import Job
from tests.factories import orgnr

OREBRO = Path(__file__).resolve().parents[3] / "shared" / "data" / \
    "orebro-2016-03-leverantorsfakturor.xlsx"
HEADER = "department;payee_name;org_nr;amount;date;account_text\n"


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode(encoding)


def run_import(db, make, data: bytes, filename: str = "reskontra.csv", **kw):
    dept = kw.pop("department", None) or make.department(code="kultur", name="Kulturförvaltningen")
    return imports.import_ledger(db.session, None, data=data, filename=filename,
                                 department=dept, **kw)


@pytest.mark.skipif(not OREBRO.exists(), reason=f"Örebros reskontra saknas ({OREBRO}): "
                    "lägg filen i ../shared/data/ för att köra importtestet mot verklig data.")
def test_real_orebro_file_imports_with_exact_counts(db, make, runner):
    make.department(code="orebro", name="Örebro kommun")
    db.session.commit()
    result = runner.invoke(args=["associations", "import-ledger", str(OREBRO), "--department",
                                 "orebro", "--preset", "orebro", "--period", "2016-03"])
    assert result.exit_code == 0, result.output
    li = db.session.scalar(select(LedgerImport))
    assert (li.row_count, li.department_count, li.flagged_row_count, li.grant_row_count) == \
        (67_755, 31, 58, 239)
    assert li.total_amount == Decimal("448256766.57")
    assert count(db, LedgerEntry) == 67_755
    assert db.session.scalar(select(func.sum(LedgerEntry.amount))) == Decimal("448256766.57")
    # Invalid organisation numbers are kept raw and flagged, never dropped.
    saknas = db.session.scalars(select(LedgerEntry).where(LedgerEntry.org_nr_raw == "SAKNAS"))
    assert all(e.org_nr is None and "SAKNAS" in e.org_nr_problem for e in saknas)
    multi = db.session.scalar(select(LedgerEntry).where(
        LedgerEntry.org_nr_raw == "556811-9357/556168-8523"))
    assert multi.org_nr is None and "Flera organisationsnummer" in multi.org_nr_problem
    assert li.period_start.isoformat() == "2016-03-01"
    # Every row of the month carries the period, so a run for March sees all of them.
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.effective_on == li.period_start)) == 67_755

    again = runner.invoke(args=["associations", "import-ledger", str(OREBRO), "--department",
                                "orebro", "--preset", "orebro", "--period", "2016-03"])
    assert again.exit_code == 0 and "redan importerad" in again.output
    assert count(db, LedgerEntry) == 67_755 and count(db, LedgerImport) == 1

    detect = runner.invoke(args=["associations", "detect", "--from", "2016-03-01",
                                 "--to", "2016-03-31"])
    assert detect.exit_code == 0, detect.output
    from associations.models import DetectionCluster
    found = set(db.session.scalars(select(DetectionCluster.resolved_org_nr).where(
        DetectionCluster.is_association.is_(True))))
    # Ground truth from the org numbers themselves: group-8 numbers paid by 2+ departments.
    truth = set(db.session.scalars(
        select(LedgerEntry.org_nr).where(LedgerEntry.org_nr.like("8%"))
        .group_by(LedgerEntry.org_nr)
        .having(func.count(func.distinct(LedgerEntry.department_raw)) >= 2)))
    assert len(truth) >= 15 and truth <= found


def test_idempotent_reimport_records_the_hash(db, make):
    org = orgnr(8)
    data = csv_bytes(f"Kultur;Förening A;{org};1000,50;2026-03-01;45300 Bidrag",
                     f"Idrott;Förening A;{org};2000;2026-03-02;45300 Bidrag")
    first = run_import(db, make, data)
    assert first.created and first.ledger_import.row_count == 2
    assert first.ledger_import.sha256 == imports.sha256(data)
    second = run_import(db, make, data, department=first.ledger_import.department)
    assert not second.created and second.ledger_import.id == first.ledger_import.id
    assert "redan importerad" in second.summary
    assert count(db, LedgerEntry) == 2 and count(db, LedgerImport) == 1


def test_grant_account_filter_and_links(db, make, app):
    org = make.organisation(name="Förening B", group=8)
    data = csv_bytes(f"Kultur;Förening B;{org.orgnr};1000;2026-03-01;45300 Bidrag förening",
                     f"Kultur;Förening B;{org.orgnr};500;2026-03-01;45190 Övriga bidrag",
                     f"Kultur;Förening B;{org.orgnr};700;2026-03-01;64110 Städtjänster",
                     f"Kultur;Förening B;{org.orgnr};900;2026-03-01;")
    report = run_import(db, make, data)
    li = report.ledger_import
    assert (li.grant_row_count, li.grant_amount) == (2, Decimal(1500))
    codes = dict(db.session.execute(select(LedgerEntry.row_number, LedgerEntry.is_grant)).all())
    assert codes == {1: True, 2: True, 3: False, 4: False}
    assert all(e.organisation_id == org.id for e in db.session.scalars(select(LedgerEntry)))
    app.config["GRANT_ACCOUNT_PREFIXES"] = "641"  # env style: comma-separated text
    try:
        other = run_import(db, make, data + b"\n", department=li.department)
        assert other.ledger_import.grant_row_count == 1
    finally:
        app.config["GRANT_ACCOUNT_PREFIXES"] = ["451", "452", "453"]


def test_latin1_file_with_decimal_comma_keeps_swedish_letters(db, make):
    data = csv_bytes("Kulturförvaltningen;Föreningen Åkerö;SAKNAS;1 234,50;2026-03-01;45300",
                     encoding="cp1252")
    report = run_import(db, make, data)
    entry = db.session.scalar(select(LedgerEntry))
    assert entry.payee_name == "Föreningen Åkerö" and entry.amount == Decimal("1234.50")
    assert entry.org_nr is None and entry.org_nr_raw == "SAKNAS"
    assert report.problems == [(1, "Föreningen Åkerö", "SAKNAS",
                                "Inget organisationsnummer, bara texten 'SAKNAS'")]
    # A department text that names a platform department is linked to it.
    assert entry.department_id == report.ledger_import.department_id


@pytest.mark.parametrize("filename,data,message", [
    ("blandad.csv", (HEADER + "Kultur;Förening A;;1;;\n").encode()
     + "Kultur;Förening B;;1;;\n".encode("cp1252"), "blandar teckenkodningar"),
    ("saknar.csv", b"department;payee_name;org_nr\nKultur;A;\n", "Kolumnen 'amount' saknas"),
    ("trasig.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, "trasig eller avkortad"),
    ("fel.xlsx", b"department;payee_name;amount\n", "ingen Excel-fil"),
    ("rapport.pdf", b"%PDF-1.4", "stöds inte"),
    ("tom.csv", b"  \n", "tom"),
    ("bara-rubrik.csv", HEADER.encode(), "inga rader"),
])
def test_malformed_files_give_a_clear_error_and_import_nothing(db, make, runner, filename,
                                                               data, message, tmp_path):
    make.department(code="kultur", name="Kulturförvaltningen")
    db.session.commit()
    path = tmp_path / filename
    path.write_bytes(data)
    result = runner.invoke(args=["associations", "import-ledger", str(path), "--department",
                                 "kultur"])
    assert result.exit_code == 1
    assert message in result.output and "Inget importerades" in result.output
    assert count(db, LedgerImport) == 0 and count(db, LedgerEntry) == 0


def test_bad_value_late_in_a_big_file_rolls_back_every_batch(db, make, runner, tmp_path):
    make.department(code="kultur", name="Kulturförvaltningen")
    db.session.commit()
    rows = [f"Kultur;Leverantör {i};;{i},00;2026-03-01;45300" for i in range(1, 12_001)]
    rows[11_499] = "Kultur;Leverantör X;;tolv kronor;2026-03-01;45300"
    path = tmp_path / "stor.csv"
    path.write_bytes(csv_bytes(*rows))
    result = runner.invoke(args=["associations", "import-ledger", str(path), "--department",
                                 "kultur"])
    assert result.exit_code == 1
    assert "Rad 11500: amount: Beloppet tolv kronor kan inte läsas" in result.output
    assert count(db, LedgerImport) == 0 and count(db, LedgerEntry) == 0


def test_unknown_department_code_is_refused(runner, db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes("Kultur;A;;1;;"))
    result = runner.invoke(args=["associations", "import-ledger", str(path), "--department",
                                 "finns-inte"])
    assert result.exit_code == 1 and "Okänd förvaltning" in result.output


def test_period_option_must_be_a_month(runner, make, db, tmp_path):
    make.department(code="kultur")
    db.session.commit()
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes("Kultur;A;;1;;"))
    result = runner.invoke(args=["associations", "import-ledger", str(path), "--department",
                                 "kultur", "--period", "mars"])
    assert result.exit_code == 1 and "ÅÅÅÅ-MM" in result.output


# --- web upload ------------------------------------------------------------------------------

def import_jobs(db) -> int:
    """Import jobs made (the preview is read by a job of its own, PREVIEW_JOB)."""
    return db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == IMPORT_JOB))


def upload(client, data: bytes, filename: str, department, preset="standard", period=""):
    return client.post("/associations/imports/new", data={
        "file": (io.BytesIO(data), filename), "department": department.id, "preset": preset,
        "period": period}, content_type="multipart/form-data")


STANDARD_FIELDS = {"department": "department", "payee_name": "payee_name", "org_nr": "org_nr",
                   "amount": "amount", "date": "date", "account_text": "account_text",
                   "bank_account": "", "purpose": "", "period": "", "save_as": ""}


def test_upload_preview_mapping_and_import(db, make, login_as):
    dept = make.department(code="kultur", name="Kulturförvaltningen")
    user = make.user(role="grants", department=dept)
    client = login_as(user)
    org = orgnr(8)
    data = ("Nämnd;Mottagare;Orgnr;Summa;Kontotext\n"
            f"Kultur;Förening C;{org};1 500,00;45300 Bidrag\n"
            f"Idrott;Förening C;{org};2 500,00;45300 Bidrag\n").encode()
    response = upload(client, data, "export.csv", dept, period="2026-03")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Kolumnerna" in html and "saknas" in html  # standard headers do not fit this file
    assert count(db, LedgerImport) == 0
    response = client.post(preview_url, data={
        "department": "Nämnd", "payee_name": "Mottagare", "org_nr": "Orgnr", "amount": "Summa",
        "account_text": "Kontotext", "bank_account": "", "date": "", "purpose": "",
        "period": "2026-03", "save_as": "Kulturs ekonomisystem"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    # The import runs as a background job: the browser is sent to its progress bar.
    job = db.session.scalar(select(Job).where(Job.kind == IMPORT_JOB))
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert job.status == "done" and job.created_by_id == user.id
    assert job.params["columns"]["amount"] == "Summa" and job.params["upload_id"]
    li = db.session.scalar(select(LedgerImport))
    assert job.result == {"import_id": li.id, "created": True, "rows": 2, "departments": 2,
                          "grant_rows": 2, "flagged_rows": 0}
    assert job.result_url == f"/associations/imports/{li.id}"
    assert li.row_count == 2 and li.grant_row_count == 2 and li.preset == "egen"
    assert li.imported_by_id == user.id and li.source == "web"
    assert li.columns["payee_name"] == "Mottagare"
    assert li.period_start.isoformat() == "2026-03-01"
    assert count(db, LedgerUpload) == 0
    mapping = db.session.scalar(select(LedgerMapping))
    assert mapping.department_id == dept.id and mapping.columns["amount"] == "Summa"
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Klar" in job_page and "2 rader importerade" in job_page
    assert f'href="/associations/imports/{li.id}"' in job_page
    page = client.get(job.result_url)
    assert page.status_code == 200 and li.sha256 in page.get_data(as_text=True)

    # The saved mapping is offered next time and needs no changes.
    data2 = data + f"Social;Förening C;{org};10,00;45300 Bidrag\n".encode()
    response = upload(client, data2, "export2.csv", dept, preset=f"mapping:{mapping.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Förening C" in page and "Social" in page and "saknas" not in page


def test_a_bad_file_is_refused_at_the_preview_and_imports_nothing(db, make, login_as):
    """The import is all-or-nothing, so a row that cannot be read means nothing would be
    imported: the preview says so and offers no import; no job is made (issue 11, defect 5)."""
    dept = make.department(code="kultur", name="Kulturförvaltningen")
    client = login_as(make.user(role="grants", department=dept))
    data = csv_bytes("Kultur;A;;10;2026-03-01;45300", "Kultur;B;;tio;2026-03-01;45300")
    response = upload(client, data, "fel.csv", dept)
    response = client.post(response.headers["Location"], data=STANDARD_FIELDS)
    assert response.status_code == 422
    assert "Inget giltigt att importera" in response.get_data(as_text=True)
    assert import_jobs(db) == 0
    assert count(db, LedgerImport) == 0 and count(db, LedgerEntry) == 0
    assert count(db, LedgerUpload) == 1  # kept: the user can map the columns again


def test_a_failure_after_progress_commits_leaves_nothing(db, make, login_as, monkeypatch):
    """The job commits at every progress call; the import writes only after the last one. The
    bad row lies beyond what the preview reads, so the job itself meets it."""
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    dept = make.department(code="kultur", name="Kulturförvaltningen")
    client = login_as(make.user(role="grants", department=dept))
    rows = [f"Kultur;Leverantör {i};;{i},00;2026-03-01;45300" for i in range(1, 31)]
    response = upload(client, csv_bytes(*rows, "Kultur;X;;sju;2026-03-01;45300"),
                      "sen.csv", dept)
    client.post(response.headers["Location"], data=STANDARD_FIELDS)
    job = db.session.scalar(select(Job).where(Job.kind == IMPORT_JOB))
    assert job.status == "failed" and "Rad 31" in job.error and job.done >= 2
    assert count(db, LedgerImport) == 0 and count(db, LedgerEntry) == 0

    response = upload(client, csv_bytes(*rows[:7]), "hel.csv", dept)
    client.post(response.headers["Location"], data=STANDARD_FIELDS)
    job = db.session.scalars(select(Job).where(Job.kind == IMPORT_JOB)
                             .order_by(Job.id.desc())).first()
    assert job.status == "done" and (job.done, job.total) == (7, 7)
    assert job.result["rows"] == 7 and count(db, LedgerEntry) == 7


def test_progress_is_reported_before_anything_is_written(db, make):
    """The first pass checks every row and writes nothing (the bar's first half); the rows
    are written after it (the second half)."""
    calls = []

    def progress(done, total=None, message=None):
        calls.append((done, total, message, count(db, LedgerImport), count(db, LedgerEntry)))

    rows = [f"Kultur;Leverantör {i};;{i},00;2026-03-01;45300" for i in range(1, 6)]
    report = run_import(db, make, csv_bytes(*rows), progress=progress, progress_every=2)
    assert report.created and report.ledger_import.row_count == 5
    checking = calls[:-1]
    assert [c[:2] for c in checking] == [(0, 5), (1, 5), (2, 5), (2, 5)]
    assert checking[-1][2] == "Sparar 5 rader"
    assert all(c[3:] == (0, 0) for c in checking)  # nothing written while checking
    assert calls[-1][:3] == (5, 5, "Sparat 5 rader")
    assert count(db, LedgerEntry) == 5


def test_web_reimport_of_the_same_file_is_recognised_before_a_job(db, make, login_as):
    dept = make.department(code="kultur", name="Kulturförvaltningen")
    client = login_as(make.user(role="grants", department=dept))
    data = csv_bytes("Kultur;A;;10;2026-03-01;45300", "Idrott;B;;20;2026-03-01;45300")
    response = upload(client, data, "samma.csv", dept)
    client.post(response.headers["Location"], data=STANDARD_FIELDS)
    response = upload(client, data, "samma.csv", dept)
    response = client.post(response.headers["Location"], data=STANDARD_FIELDS)
    assert response.status_code == 422
    assert "redan importerad" in response.get_data(as_text=True)
    assert import_jobs(db) == 1 and count(db, LedgerImport) == 1 and count(db, LedgerEntry) == 2


def test_missing_required_column_is_refused_before_a_job_is_made(db, make, login_as):
    dept = make.department(code="kultur", name="Kulturförvaltningen")
    client = login_as(make.user(role="grants", department=dept))
    response = upload(client, csv_bytes("Kultur;A;;10;2026-03-01;45300"), "a.csv", dept)
    response = client.post(response.headers["Location"], data={**STANDARD_FIELDS,
                                                               "amount": ""})
    assert response.status_code == 422
    assert import_jobs(db) == 0 and count(db, LedgerImport) == 0


def test_an_upload_that_is_gone_gives_a_clear_failed_job(db, make):
    from oversight.jobs import create_job, run_job

    user = make.user(role="grants", department=make.department())
    job = create_job(db.session, user, IMPORT_JOB, "Import", {"upload_id": 999_999})
    db.session.commit()
    run_job(job.id)
    db.session.refresh(job)
    assert job.status == "failed" and job.error.startswith("Importfel: Den uppladdade filen")


def test_upload_checks_type_and_permission(db, make, login_as, app):
    dept = make.department(code="kultur")
    client = login_as(make.user(role="grants", department=dept))
    response = upload(client, b"%PDF-1.4", "rapport.pdf", dept)
    assert response.status_code == 200 and "stöds inte" in response.get_data(as_text=True)
    assert count(db, LedgerUpload) == 0
    lss = login_as(make.user(role="lss", department=dept))
    assert lss.get("/associations/imports/new").status_code == 403
    # Another user cannot open someone else's pending upload.
    response = upload(client, csv_bytes("Kultur;A;;1;;"), "a.csv", dept)
    other = login_as(make.user(role="grants", department=dept))
    assert other.get(response.headers["Location"]).status_code == 404


def test_upload_larger_than_the_limit_is_refused(db, make, login_as, app):
    dept = make.department(code="kultur")
    client = login_as(make.user(role="grants", department=dept))
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        response = upload(client, csv_bytes(*["Kultur;A;;1;;"] * 200), "stor.csv", dept)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 413
    assert count(db, LedgerUpload) == 0


def test_row_estimate_for_the_progress_bar():
    from openpyxl import Workbook

    book = Workbook()
    for i in range(7):
        book.active.append(["department", "payee_name"] if i == 0 else ["Kultur", f"A{i}"])
    out = io.BytesIO()
    book.save(out)
    assert imports.estimate_rows(out.getvalue()) == 6
    assert imports.estimate_rows(csv_bytes("Kultur;A;;1;;", "Kultur;B;;2;;")) == 2
    assert imports.estimate_rows(HEADER.encode() + b"Kultur;A;;1;;") == 1  # no final newline
    assert imports.estimate_rows(b"PK\x03\x04" + b"\x00garbage" * 50) is None


def test_preview_blocks_an_import_with_nothing_valid_and_a_file_already_imported(
        db, make, login_as):
    """Issue 11, defect 5: refused before any job, with the reason on the preview."""
    dept = make.department(code="kultur2", name="Kulturförvaltningen 2")
    client = login_as(make.user(role="grants", department=dept))
    org = orgnr(8)
    data = ("Nämnd;Mottagare;Orgnr;Summa;Kontotext\n"
            f"Kultur;Förening C;{org};1 500,00;45300 Bidrag\n").encode()
    preview_url = upload(client, data, "export.csv", dept, period="2026-03").headers["Location"]
    wrong = {"department": "Nämnd", "payee_name": "Mottagare", "org_nr": "Orgnr",
             "amount": "Kontotext", "account_text": "", "bank_account": "", "date": "",
             "purpose": "", "period": "2026-03", "save_as": ""}
    response = client.post(preview_url, data=wrong)
    assert response.status_code == 422
    assert "Inget giltigt att importera" in response.get_data(as_text=True)
    assert import_jobs(db) == 0
    right = wrong | {"amount": "Summa", "account_text": "Kontotext"}
    assert client.post(preview_url, data=right).status_code == 302
    again = upload(client, data, "samma.csv", dept, period="2026-03").headers["Location"]
    page = client.get(again).get_data(as_text=True)
    assert "Filen är redan importerad" in page and ">Importera</button>" not in page
    jobs = import_jobs(db)
    assert client.post(again, data=right).status_code == 422
    assert import_jobs(db) == jobs
