"""`flask assistance import assistants|hospital-stays|timereports` with the README's examples:
imported, idempotent, all or nothing with row numbers."""
import re
from datetime import date
from decimal import Decimal

import pytest

from assistance.timereport_models import Assistant, HospitalStay, TimeReport
from tests.timereport_helpers import valid_permit

README = open("README.md", encoding="utf-8").read()


def _examples() -> dict[str, str]:
    section = README.split("## Tidrapporter för personlig assistans", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```\n(.*?)```", section, flags=re.S)
    return {"assistants": blocks[0], "hospital-stays": blocks[1], "timereports": blocks[2]}


@pytest.fixture
def setup(db, make):
    from assistance.models import Arrangement, AssistanceDecision, AssistanceUser
    district = make.department(code="sdf-x")
    provider = make.organisation(name="Trygg AB", orgnr="556874-3214")
    valid_permit(db.session, provider)
    user = AssistanceUser(department_id=district.id, person_id="195005050017", name="Brukare")
    db.session.add(user)
    db.session.flush()
    db.session.add(AssistanceDecision(assistance_user_id=user.id, valid_from=date(2020, 1, 1),
                                      hours_per_week=Decimal(20), basis="lss"))
    db.session.add(Arrangement(assistance_user_id=user.id, valid_from=date(2020, 1, 1),
                               kind="provider", provider_organisation_id=provider.id))
    db.session.commit()
    return user


def _run(runner, tmp_path, kind, text):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    return runner.invoke(args=["assistance", "import", kind, str(path)])


def test_readme_examples_import_and_reimport(setup, runner, tmp_path, db):
    for kind, text in _examples().items():
        result = _run(runner, tmp_path, kind, text)
        assert result.exit_code == 0, (kind, result.output)
        again = _run(runner, tmp_path, kind, text)
        assert again.exit_code == 0 and ("oförändrade" in again.output), again.output
    assert db.session.query(Assistant).count() == 3
    assert db.session.query(HospitalStay).count() == 1
    report = db.session.query(TimeReport).one()
    assert report.source == "import" and len(report.lines) == 2
    check = runner.invoke(args=["assistance", "check", "--month", "2026-03", "--json"])
    assert check.exit_code == 0 and '"MISSING_APPROVAL"' in check.output


def test_bad_rows_are_named_and_nothing_is_imported(setup, runner, tmp_path, db):
    text = _examples()["timereports"].replace("22:00", "25:00").replace("2026-03-01;08", "2026-13-01;08")
    result = _run(runner, tmp_path, "timereports", text)
    assert result.exit_code != 0
    assert "Rad 2" in result.output or "rad 2" in result.output
    assert "rad 3" in result.output.lower()
    assert db.session.query(TimeReport).count() == 0
    bad = _run(runner, tmp_path, "assistants", "assistant_id;lives_in_eea\n19900101-0018;kanske\n")
    assert bad.exit_code != 0 and "rad 2" in bad.output.lower()
    assert db.session.query(Assistant).count() == 0


def test_provider_user_and_token_from_the_cli(setup, runner, db):
    from oversight.auth.models import User
    from tests.conftest import PASSWORD
    result = runner.invoke(args=["assistance", "provider-user", "trygg.anna", "556874-3214",
                                 "--name", "Anna Trygg", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(username="trygg.anna").one()
    assert user.role == "provider" and user.organisation_id is not None
    token = runner.invoke(args=["assistance", "provider-token", "556874-3214", "System"])
    assert token.exit_code == 0 and token.output.strip().startswith("tr_")
    assert token.output.strip() not in str(db.session.execute(
        __import__("sqlalchemy").text("select token_hash from assistance_provider_token")).all())
