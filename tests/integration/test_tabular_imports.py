"""Every import reads its file through the core reader: the defects of the core issue, through
the services, the CLI and the web as they really run."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from registries import services
from registries.csvfiles import ImportRejected
from registries.models import RegistryImport, RegistryRecord

TODAY = date.today()


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("amount", ["1e6", "NaN", "Infinity"])
def test_registry_file_refuses_exponents_nan_and_infinity(db, amount):
    text = f"organisationsnummer;belopp;datum\n556901-2346;{amount};{TODAY}\n"
    with pytest.raises(ImportRejected) as exc:
        services.import_registry_file(db.session, None, "kronofogden", "kfm.csv", data=text.encode())
    assert exc.value.errors[0]["line"] == 2 and amount in exc.value.errors[0]["error"]
    assert _count(db, RegistryRecord) == 0


def test_registry_file_refuses_a_huge_cell_with_its_row(db):
    text = f"organisationsnummer;belopp;datum;anteckning\n556901-2346;0;{TODAY};{'x' * 131_073}\n"
    with pytest.raises(ImportRejected) as exc:
        services.import_registry_file(db.session, None, "kronofogden", "kfm.csv", data=text.encode())
    assert exc.value.errors[0]["line"] == 2 and "tecken" in exc.value.errors[0]["error"]


def test_registry_file_refuses_duplicated_headers_and_short_rows(db):
    text = (f"organisationsnummer;orgnr;belopp;datum\n556901-2346;556712-0984;0;{TODAY}\n")
    with pytest.raises(ImportRejected, match="två gånger"):
        services.import_registry_file(db.session, None, "kronofogden", "kfm.csv", data=text.encode())
    text = f"organisationsnummer;belopp;datum\n556901-2346;0;{TODAY}\n556712-0984;0\n"
    with pytest.raises(ImportRejected) as exc:
        services.import_registry_file(db.session, None, "kronofogden", "kfm.csv", data=text.encode())
    assert exc.value.errors[0]["line"] == 3 and "fält" in exc.value.errors[0]["error"]
    assert _count(db, RegistryRecord) == 0


def test_registry_file_refuses_an_amount_with_three_decimals_and_old_dates(db):
    text = (f"organisationsnummer;belopp;datum\n556901-2346;125000.001;{TODAY}\n"
            "556712-0984;0;0001-01-01\n")
    with pytest.raises(ImportRejected) as exc:
        services.import_registry_file(db.session, None, "kronofogden", "kfm.csv", data=text.encode())
    assert [e["line"] for e in exc.value.errors] == [2, 3]
    assert "decimaler" in exc.value.errors[0]["error"]


def test_registry_cli_prints_one_swedish_line_for_nan(runner, db, tmp_path):
    path = tmp_path / "kfm.csv"
    path.write_text(f"organisationsnummer;belopp;datum\n556901-2346;NaN;{TODAY}\n")
    result = runner.invoke(args=["registries", "import", "kronofogden", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "rad 2" in result.output and _count(db, RegistryImport) == 0


def test_registry_file_in_a_zip_is_read(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("kfm.csv", f"organisationsnummer;belopp;datum\n556901-2346;12 000,50;{TODAY}\n")
    imp = services.import_registry_file(db.session, None, "kronofogden", "kfm.zip", data=buffer.getvalue())
    assert imp.inserted == 1


def test_an_xlsx_bomb_uploaded_as_a_ledger_is_refused_before_parsing(db, make, login_as, app,
                                                                    monkeypatch):
    """Security issue, defect 5: the upload is refused from the workbook's declared sizes and
    the job imports nothing; no request unpacks it."""
    from associations.models import LedgerEntry, LedgerImport
    from oversight.jobs import Job
    from tests.integration.test_associations_import import STANDARD_FIELDS, upload
    from tests.unit.test_tabular_limits import _bomb
    monkeypatch.setitem(app.config, "IMPORT_MAX_UNCOMPRESSED_MB", 4)
    dept = make.department(code="kultur", name="Kulturförvaltningen")
    client = login_as(make.user(role="grants", department=dept))
    response = upload(client, _bomb(200_000), "bomb.xlsx", dept)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "packas upp till" in page
    response = client.post(response.headers["Location"], data=STANDARD_FIELDS)
    job = db.session.scalar(select(Job).where(Job.kind == "associations.import"))
    if job is not None:
        assert job.status == "failed" and "packas upp till" in (job.error or "")
    assert _count(db, LedgerImport) == 0 and _count(db, LedgerEntry) == 0


def test_reader_messages_are_english_in_the_english_ui(app):
    from flask import session

    from oversight.tabular import Column, TableError, read_table
    with app.test_request_context("/"):
        session["locale"] = "en"
        with pytest.raises(TableError) as exc:
            read_table(b"belopp;datum\n1e6;2026-02-30\n", "f.csv",
                       [Column("belopp", kind="amount"), Column("datum", kind="date")])
    text = str(exc.value)
    assert "Row 2, column belopp: The amount 1e6 cannot be read as an amount" in text
    assert "the day does not exist in that month" in text
