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
