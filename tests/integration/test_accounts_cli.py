"""flask accounts verify / check-payments / import-holders."""
import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from oversight.accounts.models import AccountHolderEvidence, AccountVerificationRecord, PaymentCheck
from oversight.organisations import services as orgs

FIXTURES = Path(__file__).resolve().parents[2] / "oversight" / "accounts" / "fixtures"
RECENT = date.today() - timedelta(days=2)


def holders_csv(tmp_path, rows: str) -> str:
    path = tmp_path / "kontohavare.csv"
    path.write_text("kontotyp;kontonummer;kontohavare;organisationsnummer;datum;källa\n" + rows,
                    encoding="utf-8")
    return str(path)


def test_import_then_verify(runner, db, make, tmp_path):
    user = make.user()
    org = make.organisation(name="Föreningen Gemenskap i Rinkeby", orgnr="802432-4009")
    orgs.add_bank_account(db.session, user, org, kind="bankgiro", number="5050-1006")
    db.session.commit()
    path = holders_csv(tmp_path, f"bankgiro;5050-1006;GEMENSKAP I RINKEBY;;{RECENT};bankgirot\n")
    result = runner.invoke(args=["accounts", "import-holders", path, "--user", user.username])
    assert result.exit_code == 0 and "1 besked importerat" in result.output
    result = runner.invoke(args=["accounts", "verify", "802432-4009", "bankgiro", "50501006",
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "MTCH" and data["name_comparison"]["b_normalized"] == "gemenskap i rinkeby"
    assert db.session.scalar(select(AccountVerificationRecord.context)) == "cli"
    text = runner.invoke(args=["accounts", "verify", "802432-4009", "bg", "5050-1006",
                               "--no-record"])
    assert text.output.startswith("MTCH") and "Förklaring:" in text.output
    assert db.session.scalar(select(func.count(AccountVerificationRecord.id))) == 1


def test_verify_unknown_organisation_needs_a_name(runner, db):
    result = runner.invoke(args=["accounts", "verify", "556908-1234", "bankgiro", "5050-1006"])
    assert result.exit_code != 0 and "--name" in result.output
    result = runner.invoke(args=["accounts", "verify", "556908-1234", "swish", "1"])
    assert result.exit_code != 0


def test_import_with_errors_exits_non_zero_and_saves_nothing(runner, db, tmp_path):
    path = holders_csv(tmp_path, f"bankgiro;5050-1007;X;;{RECENT};bank\n")
    result = runner.invoke(args=["accounts", "import-holders", path])
    assert result.exit_code == 1 and "rad 2" in result.output and "Inget importerades" in result.output
    assert db.session.scalar(select(func.count(AccountHolderEvidence.id))) == 0


def test_check_payments_json_and_saving(runner, db, make):
    dept = make.department(code="soc")
    db.session.commit()
    path = str(FIXTURES / "pain001_v09.xml")
    result = runner.invoke(args=["accounts", "check-payments", path, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["file"]["format"] == "pain.001.001.09" and len(data["payments"]) == 4
    assert data["summary"]["counts"]["NOAP"] == 4 and data["saved_check_id"] is None
    assert data["payments"][0]["where"].startswith("rad 35")
    result = runner.invoke(args=["accounts", "check-payments", path, "--department", "soc"])
    assert result.exit_code == 0 and "NOAP Kan inte kontrolleras: 4" in result.output
    check = db.session.scalar(select(PaymentCheck))
    assert check.department_id == dept.id and check.status == "done"
    assert check.file_sha256 in result.output


def test_check_payments_reports_file_errors(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("mottagare;kontotyp;kontonummer;belopp;datum\nA;bankgiro;1;x;2026-01-01\n")
    result = runner.invoke(args=["accounts", "check-payments", str(path), "--format", "csv"])
    assert result.exit_code == 1 and "rad 2" in result.output
