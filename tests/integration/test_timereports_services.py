"""Time reports through the services: submission (idempotent), approval and versions, the
month's checks stored as findings (accepted ones stay accepted), settlement by hand, CLI."""
import json
from datetime import date
from decimal import Decimal

import pytest

from assistance.timereport_models import HospitalStay, TimeReportFinding
from assistance.timereport_run import check_month
from assistance.timereport_settle import settle_month
from assistance.timereport_submit import (
    ReportError,
    approve_as_assistant,
    approve_as_user,
    parse_lines,
    submit_report,
)
from tests.timereport_helpers import assistance_user, assistant, grid, valid_permit

MARCH = date(2024, 3, 1)


@pytest.fixture
def setting(db, make):
    district = make.department(code="sdf-test")
    provider = make.organisation(name="Assistans AB")
    valid_permit(db.session, provider)
    user = assistance_user(db.session, district, provider, hours_per_week=Decimal(14))
    a = assistant(db.session, provider)
    officer = make.user(role="lss", department=district)
    return db, district, provider, user, a, officer


def _lines(aid, days, start="08:00", end="10:00"):
    return parse_lines(grid(*[(aid, f"2024-03-{d:02d}", start, end) for d in days]))


def test_duplicate_submission_is_idempotent(setting):
    db, _d, provider, user, a, officer = setting
    first, created = submit_report(db.session, officer, user, provider.id, MARCH,
                                   _lines(a.assistant_id, range(1, 4)))
    again, created_again = submit_report(db.session, officer, user, provider.id, "2024-03",
                                         _lines(a.assistant_id, range(1, 4)))
    assert created and not created_again and again.id == first.id and first.version == 1


def test_approval_locks_and_correction_is_a_new_version_with_reason(setting):
    db, _d, provider, user, a, officer = setting
    report, _ = submit_report(db.session, officer, user, provider.id, MARCH,
                              _lines(a.assistant_id, range(1, 4)))
    approve_as_user(db.session, officer, report, "God Man Gunnarsson")
    assert report.status == "submitted"
    approve_as_assistant(db.session, officer, report, a.assistant_id, "Anna Assistent")
    assert report.status == "approved" and report.locked_at and report.user_approved_at
    with pytest.raises(ReportError, match="skäl"):
        submit_report(db.session, officer, user, provider.id, MARCH,
                      _lines(a.assistant_id, range(1, 5)))
    with pytest.raises(ReportError):
        approve_as_user(db.session, officer, report, "Någon")
    v2, created = submit_report(db.session, officer, user, provider.id, MARCH,
                                _lines(a.assistant_id, range(1, 5)),
                                correction_reason="Glömt den 4 mars")
    assert created and v2.version == 2 and report.status == "superseded"
    assert v2.correction_reason == "Glömt den 4 mars" and len(report.lines) == 3


def test_bad_lines_name_row_and_column(setting):
    with pytest.raises(ReportError) as err:
        parse_lines(grid(("19900101-0017", "2024-03-01", "08:00", "10:00"),
                         ("nonsense", "2024-03-32", "25:00", "10:00", "x")))
    cols = {(e.row, e.column) for e in err.value.errors}
    assert cols == {(2, "assistant_id"), (2, "date"), (2, "start"), (2, "kind")}


def test_accepted_finding_is_not_raised_again(setting):
    db, district, provider, user, a, officer = setting
    submit_report(db.session, officer, user, provider.id, MARCH, _lines(a.assistant_id, [1]))
    found = check_month(db.session, None, MARCH)
    assert [f.code for f in found] == ["MISSING_APPROVAL"], [f.explanation for f in found]
    found[0].state, found[0].comment = "accepted", "Godkänns på papper"
    assert check_month(db.session, None, MARCH) == []
    row = db.session.get(TimeReportFinding, found[0].id)
    assert row.state == "accepted" and row.department_id == district.id


def test_overlap_across_two_providers_in_two_districts(setting, make):
    db, district, provider, user, a, officer = setting
    other_district = make.department(code="sdf-annan")
    other_provider = make.organisation(name="Annan Assistans AB")
    valid_permit(db.session, other_provider)
    other_user = assistance_user(db.session, other_district, other_provider)
    assistant(db.session, other_provider, born=date(1990, 1, 1))  # same person, other employer
    submit_report(db.session, officer, user, provider.id, MARCH,
                  _lines(a.assistant_id, [5], "08:00", "16:00"))
    submit_report(db.session, officer, other_user, other_provider.id, MARCH,
                  _lines(a.assistant_id, [5], "15:00", "20:00"))
    found = [f for f in check_month(db.session, None, MARCH) if f.code == "ASSISTANT_OVERLAP"]
    assert {f.department_id for f in found} == {district.id, other_district.id}
    assert all(f.hours == 1 for f in found)


def test_settlement_of_a_month_by_hand(setting):
    db, _d, provider, user, a, officer = setting
    # decided: 14 h/week = 2 h a day x 31 days = 62 h; performed 25 x 2 h = 50 h;
    # 24-25 March in hospital without special reasons: 4 h, upheld by the officer.
    db.session.add(HospitalStay(assistance_user_id=user.id, start=date(2024, 3, 24),
                                end=date(2024, 3, 25), special_reasons=False))
    report, _ = submit_report(db.session, officer, user, provider.id, MARCH,
                              _lines(a.assistant_id, range(1, 26)))
    approve_as_user(db.session, officer, report, "Brukaren själv")
    approve_as_assistant(db.session, officer, report, a.assistant_id, "Anna Assistent")
    found = check_month(db.session, None, MARCH)
    assert [f.code for f in found] == ["HOSPITAL_STAY"]
    found[0].state = "upheld"
    [line] = settle_month(db.session, MARCH)
    assert line.rate == Decimal("332.60") and line.decided_hours == Decimal("62.00")
    assert line.advance == Decimal("20621.20")  # 62 x 332.60
    assert line.approved_hours == 50 and line.payable_hours == 46
    assert line.payable == Decimal("15299.60")  # 46 x 332.60
    assert line.reclaim == Decimal("5321.60")
    assert [(r.code, r.hours, r.amount) for r in line.reasons] == [
        ("NOT_PERFORMED", Decimal(12), Decimal("3991.20")),
        ("HOSPITAL_STAY", Decimal(4), Decimal("1330.40"))]


def test_no_approved_report_reclaims_the_advance(setting):
    db, _d, provider, user, a, officer = setting
    submit_report(db.session, officer, user, provider.id, MARCH, _lines(a.assistant_id, [1]))
    [line] = settle_month(db.session, MARCH)
    assert line.approved_hours == 0 and line.reclaim == line.advance == Decimal("20621.20")
    assert line.reasons[0].code == "NO_APPROVED_REPORT"


def test_cli_check_and_settle_json(setting, runner):
    db, _d, provider, user, a, officer = setting
    submit_report(db.session, officer, user, provider.id, MARCH, _lines(a.assistant_id, [1]))
    db.session.commit()
    result = runner.invoke(args=["assistance", "check", "--month", "2024-03", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.output.splitlines() if x.startswith("{")]
    assert rows and set(rows[0]) >= {"code", "person_id", "assistant_id", "provider_org_nr",
                                     "date", "hours", "explanation"}
    assert rows[0]["person_id"] == user.person_id
    result = runner.invoke(args=["assistance", "settle", "--month", "2024-03", "--json"])
    assert result.exit_code == 0 and json.loads(result.output.splitlines()[0])["reclaim"]
    bad = runner.invoke(args=["assistance", "check", "--month", "2024-13"])
    assert bad.exit_code != 0 and "Ogiltig månad" in bad.output


def test_settle_fails_closed_without_the_years_schablonbelopp(setting, runner):
    result = runner.invoke(args=["assistance", "settle", "--month", "2031-03"])
    assert result.exit_code != 0 and "saknas" in result.output
