"""Edges: XLSX imports, samordningsnummer, invalid personnummer, death ends the days, the change
of provider, and the grace period's last payable day from the rule value."""
import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from assistance.alerts import find_findings, payable_until
from assistance.models import AssistanceUser
from assistance.services import AssistanceError, change_provider
from oversight.identifiers import luhn_check_digit
from tests.assistance_helpers import arrangement, at, permit, person, pnr

ON = date(2026, 11, 30)


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_users_from_xlsx_with_samordningsnummer_and_a_bad_row(runner, make, db, tmp_path):
    make.department("sdf-jarva", "Järva stadsdelsförvaltning")
    db.session.commit()
    body = "750372123"  # day 12 + 60: a samordningsnummer
    coordination = "19" + body + luhn_check_digit(body)
    good = tmp_path / "users.xlsx"
    good.write_bytes(_xlsx([["person_id", "district", "name"], [coordination, "sdf-jarva", "Sam Ordning"],
                            [pnr("19800101", 5), "Järva stadsdelsförvaltning", "Per Son"]]))
    result = runner.invoke(args=["assistance", "import", "users", str(good)])
    assert result.exit_code == 0, result.output
    assert db.session.query(AssistanceUser).filter_by(person_id=coordination).one().name == "Sam Ordning"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_xlsx([["person_id", "district", "name"], ["19800101-0000", "sdf-jarva", "X"],
                           [pnr("19800101", 6), "sdf-okand", "Y"]]))
    result = runner.invoke(args=["assistance", "import", "users", str(bad)])
    assert result.exit_code != 0
    assert "Rad 2, kolumn person_id" in result.output and "Rad 3, kolumn district" in result.output
    assert db.session.query(AssistanceUser).count() == 2


def test_days_after_death_are_not_counted(make, db):
    jarva = make.department("sdf-jarva", "Järva")
    org = make.organisation()
    permit(db.session, org)
    permit(db.session, org, "revoked", start=date(2026, 11, 1), recorded=at(2026, 11, 20))
    u = person(db.session, jarva, 1)
    u.death_date = date(2026, 11, 5)
    arrangement(db.session, u, org=org)
    [finding] = find_findings(db.session, ON)
    assert finding.days == [date(2026, 11, d) for d in range(1, 6)]


def test_change_provider_ends_the_current_arrangement(make, db):
    jarva = make.department("sdf-jarva", "Järva")
    old, new = make.organisation(), make.organisation()
    u = person(db.session, jarva, 1)
    first = arrangement(db.session, u, org=old, start=date(2026, 1, 1))
    with pytest.raises(AssistanceError):
        change_provider(db.session, None, u, from_day=date(2026, 6, 1), kind="provider")
    with pytest.raises(AssistanceError):
        change_provider(db.session, None, u, from_day=date(2026, 6, 1), kind="own_employer", organisation=new)
    with pytest.raises(AssistanceError):
        change_provider(db.session, None, u, from_day=date(2026, 1, 1), kind="municipal")
    second = change_provider(db.session, None, u, from_day=date(2026, 6, 1), kind="provider", organisation=new)
    assert first.valid_to == date(2026, 5, 31) and second.valid_to is None
    third = change_provider(db.session, None, u, from_day=date(2026, 9, 1), kind="own_employer")
    assert second.valid_to == date(2026, 8, 31) and third.provider_organisation_id is None


def test_last_payable_day_follows_the_grace_rule_value(make, db):
    from oversight.rule_values import add_value

    jarva = make.department("sdf-jarva", "Järva")
    a = arrangement(db.session, person(db.session, jarva, 1), org=make.organisation())
    assert payable_until(db.session, a, ON) is None  # not told yet: not known
    a.user_told_of_revocation_on = date(2026, 11, 2)
    assert payable_until(db.session, a, ON) == date(2026, 11, 16)
    add_value(db.session, None, "assistance.revocation_grace_days", 21, date(2026, 11, 20), "Test")
    assert payable_until(db.session, a, ON) == date(2026, 11, 23)
    assert payable_until(db.session, a, date(2026, 11, 19)) == date(2026, 11, 16)
