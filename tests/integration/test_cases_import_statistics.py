"""``flask cases import`` and ``flask statistics show|export``: Stockholm's 2016 totals from
DOMAIN.md (579 incoming, 289 opened, 205 återkrav decisions, 23 police reports) reproduced from
a generated case list, every bad cell reported with row and column, nothing half-imported."""
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from oversight.cases.importer import COLUMNS
from oversight.cases.models import Case, CaseDecision

DISTRICTS = [("sdf-rinkeby-kista", "Rinkeby-Kista stadsdelsförvaltning"),
             ("sdf-sodermalm", "Södermalms stadsdelsförvaltning"),
             ("sdf-farsta", "Farsta stadsdelsförvaltning")]


@pytest.fixture
def districts(make):
    return [make.department(code=c, name=n) for c, n in DISTRICTS]


def _row(**values) -> str:
    return ";".join(str(values.get(c, "")) for c in COLUMNS)


def stockholm_2016() -> str:
    """579 tips received in 2016; 289 opened, 290 not opened; of the opened, 205 with a
    recovery decision in 2016 (1 000 kr each, 400 kr repaid) and 23 with a police report in
    2016; plus 40 cases wholly in 2015 that must not count."""
    lines = [";".join(COLUMNS)]
    start = date(2016, 1, 1)
    for i in range(579):
        code, name = DISTRICTS[i % 3]
        received = start + timedelta(days=i % 300)
        row = dict(reference=f"STH-2016-{i:04d}", department=name if i % 2 else code,
                   received_on=received, source="caseworker", assessed_on=received + timedelta(days=10))
        if i < 289:
            row.update(assessment="opened", investigation_started_on=received + timedelta(days=20),
                       cause="income_salary" if i % 2 else "household", sex="woman" if i % 2 else "man")
            if i < 205:
                row.update(recovery_decided_on=received + timedelta(days=40), recovery_amount="1 000,00",
                           repaid_amount="400", closed_on=received + timedelta(days=50),
                           notified_to="fk" if i < 10 else "", saved_amount="1200" if i < 5 else "")
            if i < 23:
                row.update(police_report_on=received + timedelta(days=45))
        else:
            row.update(assessment="not_opened", not_opened_reason="no_grounds" if i % 2 else "too_old")
        lines.append(_row(**row))
    for i in range(40):
        day = date(2015, 1, 5) + timedelta(days=i)
        lines.append(_row(reference=f"STH-2015-{i:04d}", department="sdf-farsta", received_on=day,
                          assessment="opened", assessed_on=day, investigation_started_on=day,
                          recovery_decided_on=day + timedelta(days=3), recovery_amount="500",
                          police_report_on=day + timedelta(days=4), closed_on=day + timedelta(days=5)))
    return "\n".join(lines) + "\n"


def test_stockholm_2016_totals_from_a_generated_case_list(runner, db, districts, tmp_path):
    path = tmp_path / "arenden.csv"
    path.write_bytes(("\ufeff" + stockholm_2016()).encode("utf-8"))
    result = runner.invoke(args=["cases", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Importerade 619 ärenden" in result.output
    again = runner.invoke(args=["cases", "import", str(path)])
    assert "Importerade 0 ärenden; 619 fanns redan" in again.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == 619

    out = runner.invoke(args=["statistics", "show", "--year", "2016", "--json"])
    assert out.exit_code == 0, out.output
    stats = json.loads(out.output)
    assert list(stats)[:13] == ["incoming", "not_opened", "opened", "queue_end", "recovery_decisions",
                                "recovery_amount", "repaid_amount", "police_reports", "notifications",
                                "saved_amount", "investigation_days_mean", "investigation_days_median",
                                "by_cause"]
    assert (stats["incoming"], stats["opened"], stats["recovery_decisions"], stats["police_reports"]) \
        == (579, 289, 205, 23)
    assert stats["not_opened"] == 290 and stats["queue_end"] == 0
    assert stats["recovery_amount"] == 205000.0 and stats["repaid_amount"] == 82000.0
    assert stats["notifications"] == 10 and stats["saved_amount"] == 6000.0
    assert stats["investigation_days_mean"] == 30.0 and stats["investigation_days_median"] == 30.0
    assert stats["by_cause"] == {"household": 145, "income_salary": 144}

    farsta = json.loads(runner.invoke(args=["statistics", "show", "--year", "2016", "--department",
                                            "sdf-farsta", "--json"]).output)
    assert farsta["incoming"] == 193
    y2015 = json.loads(runner.invoke(args=["statistics", "show", "--year", "2015", "--json"]).output)
    assert (y2015["incoming"], y2015["recovery_decisions"], y2015["police_reports"]) == (40, 40, 40)


def test_statistics_export_writes_measures_and_districts(runner, db, districts, tmp_path):
    path = tmp_path / "arenden.csv"
    path.write_text(stockholm_2016(), encoding="utf-8")
    runner.invoke(args=["cases", "import", str(path)])
    xlsx = tmp_path / "statistik.xlsx"
    result = runner.invoke(args=["statistics", "export", "--year", "2016", "--output", str(xlsx)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(xlsx)
    rows = {r[1]: r[2] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert rows["incoming"] == 579 and rows["police_reports"] == 23 and rows["by_cause.household"] == 145
    districts_sheet = list(wb.worksheets[1].iter_rows(values_only=True))
    assert districts_sheet[0][0] == "Förvaltning" and len(districts_sheet) == 4
    assert sum(r[1] for r in districts_sheet[1:]) == 579


def test_bad_cells_are_reported_with_row_and_column_and_nothing_is_imported(runner, db, districts, tmp_path):
    lines = [",".join(COLUMNS),
             ",".join(["OK-1", "sdf-farsta", "2016-01-01"] + [""] * (len(COLUMNS) - 3)),
             ",".join(["BAD-1", "Okänd förvaltning", "2016-13-01", "grannen"] + [""] * (len(COLUMNS) - 4)),
             ",".join(["BAD-2", "sdf-farsta", "2016-02-01", "", "opened", "", "2016-01-01"]
                      + [""] * (len(COLUMNS) - 7))]
    path = tmp_path / "fel.csv"
    path.write_text("\n".join(lines), encoding="latin-1")
    result = runner.invoke(args=["cases", "import", str(path)])
    assert result.exit_code == 1
    assert "rad 3, kolumn department" in result.output
    assert "rad 3, kolumn received_on:" in result.output
    assert "rad 3, kolumn source" in result.output
    assert "rad 4, kolumn assessed_on: ligger före received_on" in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_missing_column_is_a_clear_message(runner, db, tmp_path):
    path = tmp_path / "kort.csv"
    path.write_text("reference;received_on\nA;2016-01-01\n", encoding="utf-8")
    result = runner.invoke(args=["cases", "import", str(path)])
    assert result.exit_code == 1 and "department" in result.output and "Traceback" not in result.output


def test_statistics_unknown_department_is_a_message(runner, db):
    result = runner.invoke(args=["statistics", "show", "--year", "2016", "--department", "nope"])
    assert result.exit_code == 1 and "Okänd förvaltning: nope" in result.output


def test_statistics_page_shows_measures_definitions_chart_and_exports(runner, db, make, districts, tmp_path, login_as):
    path = tmp_path / "arenden.csv"
    path.write_text(stockholm_2016(), encoding="utf-8")
    runner.invoke(args=["cases", "import", str(path)])
    client = login_as(make.user(role="auditor"))
    page = client.get("/statistics/?year=2016").get_data(as_text=True)
    assert "Inkomna uppgifter" in page and ">579<" in page and "Tips och fynd som kom in" in page
    svg = page.split("<svg")[1].split("</svg>")[0].replace("http://www.w3.org/2000/svg", "")
    assert "Farsta stadsdelsförvaltning" in page and "http" not in svg  # nothing loaded from elsewhere
    csv = client.get("/statistics/?year=2016&format=csv").get_data(as_text=True)
    assert "incoming;579" in csv
    districts_csv = client.get("/statistics/?year=2016&format=csv&table=districts").get_data(as_text=True)
    assert "Farsta stadsdelsförvaltning" in districts_csv


def test_reporting_unit_and_denominator_rates(runner, db, districts, tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_text("reference;department;received_on;unit\nU-1;sdf-farsta;2016-03-01;Enheten för hemlösa\n"
                    "U-2;sdf-farsta;2016-03-02;\n", encoding="utf-8")
    assert runner.invoke(args=["cases", "import", str(path)]).exit_code == 0
    unit = json.loads(runner.invoke(args=["statistics", "show", "--year", "2016",
                                          "--unit", "Enheten för hemlösa", "--json"]).output)
    assert unit["incoming"] == 1
    result = runner.invoke(args=["statistics", "denominator", "--year", "2016", "--department",
                                 "sdf-farsta", "--kind", "households", "--value", "400"])
    assert result.exit_code == 0, result.output
    farsta = json.loads(runner.invoke(args=["statistics", "show", "--year", "2016", "--department",
                                            "sdf-farsta", "--json"]).output)
    assert farsta["rates"]["incoming_per_1000_households"] == 5.0


def test_the_readme_example_file_imports(runner, db, make):
    from pathlib import Path

    make.department(code="sdf-rinkeby-kista", name="Rinkeby-Kista stadsdelsförvaltning")
    make.department(code="sdf-sodermalm", name="Södermalms stadsdelsförvaltning")
    example = Path(__file__).resolve().parents[2] / "oversight" / "cases" / "fixtures" / "arenden-exempel.csv"
    result = runner.invoke(args=["cases", "import", str(example)])
    assert result.exit_code == 0, result.output
    stats = json.loads(runner.invoke(args=["statistics", "show", "--year", "2016", "--json"]).output)
    assert (stats["incoming"], stats["opened"], stats["not_opened"], stats["queue_end"]) == (4, 3, 1, 1)
    assert stats["recovery_amount"] == 55750.0 and stats["repaid_amount"] == 19250.0
    assert stats["notifications"] == 3 and stats["police_reports"] == 1 and stats["saved_amount"] == 36000.0


def test_statistics_page_filters_by_reporting_unit(runner, db, make, districts, tmp_path, login_as):
    path = tmp_path / "enheter.csv"
    path.write_text("reference;department;received_on;unit\nU-1;sdf-farsta;2016-03-01;Enheten för hemlösa\n"
                    "U-2;sdf-farsta;2016-03-02;\nU-3;sdf-farsta;2016-03-03;\n", encoding="utf-8")
    assert runner.invoke(args=["cases", "import", str(path)]).exit_code == 0
    client = login_as(make.user(role="investigator"))
    page = client.get("/statistics/?year=2016&unit=Enheten+för+hemlösa").get_data(as_text=True)
    assert "Statistik 2016, Enheten för hemlösa" in page
    assert '<tr data-key="incoming"><th scope="row">Inkomna uppgifter</th><td class="num">1</td>' in page


def test_kept_statistics_follow_every_change_to_cases_decisions_payments_and_departments(
        runner, db, districts, tmp_path):
    """The measures are kept per process while their tables are unchanged (oversight/statistics/
    service.py): a new case, a new decision, a removed payment and a renamed department each
    show at the next reading."""
    from oversight.cases.models import CaseDecision, CasePayment
    from oversight.statistics.service import comparison, measures_for

    path = tmp_path / "ärenden.csv"
    path.write_text(";".join(COLUMNS) + "\n" + _row(
        reference="K-1", department="sdf-farsta", received_on="2016-03-01", assessment="opened",
        assessed_on="2016-03-02", investigation_started_on="2016-03-03",
        recovery_decided_on="2016-04-01", recovery_amount="1000", repaid_amount="400") + "\n",
        encoding="utf-8")
    assert runner.invoke(args=["cases", "import", str(path)]).exit_code == 0
    first = measures_for(db.session, 2016)
    assert first["incoming"] == 1 and first["repaid_amount"] == 400
    assert measures_for(db.session, 2016) == first  # kept: the same figures again
    case = db.session.scalar(select(Case))
    db.session.add(Case(reference="K-2", department_id=case.department_id, title="Tips",
                        received_on=date(2016, 5, 1), source="caseworker"))
    db.session.flush()
    assert measures_for(db.session, 2016)["incoming"] == 2
    db.session.add(CaseDecision(case_id=case.id, department_id=case.department_id,
                                kind="police_report", decided_on=date(2016, 6, 1),
                                decided_by_name="Utredare"))
    db.session.flush()
    assert measures_for(db.session, 2016)["police_reports"] == 1
    db.session.delete(db.session.scalar(select(CasePayment)))
    db.session.flush()
    assert measures_for(db.session, 2016)["repaid_amount"] == 0
    districts[2].name = "Farsta (nytt namn)"
    db.session.flush()
    assert [r.department.name for r in comparison(db.session, 2016)] == ["Farsta (nytt namn)"]


def test_kept_statistics_see_an_edit_committed_after_a_later_one(db, make):
    """Two workers: A stamps its edit of one case, B edits another case later and commits first,
    statistics are read and kept, then A commits. Neither count, highest id nor latest
    ``updated_at`` changed; the figures must still follow A's edit."""
    from sqlalchemy import update

    from oversight.statistics.service import measures_for

    dept = make.department(code="sdf-x", name="X")
    a, b = (Case(reference=f"K-{n}", department_id=dept.id, title=n, source="caseworker",
                 received_on=date(2016, 3, n)) for n in (1, 2))
    db.session.add_all([a, b])
    db.session.commit()
    b.title = "B:s ändring"
    db.session.commit()
    assert measures_for(db.session, 2016)["incoming"] == 2
    stamped_earlier = b.updated_at - timedelta(seconds=1)  # A's flush, before B's
    db.session.execute(update(Case).where(Case.id == a.id).values(
        received_on=date(2015, 12, 31), updated_at=stamped_earlier))
    db.session.commit()
    assert measures_for(db.session, 2016)["incoming"] == 1


def test_statistics_leave_out_a_case_committed_while_they_are_read(db, make):
    """Another worker commits a case with its decision between the statement that reads the
    cases and the one that reads decisions: the page shows the reading without it, no error."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import Session

    from oversight.statistics.service import measures_for

    dept = make.department(code="sdf-x", name="X")
    db.session.add(Case(reference="K-1", department_id=dept.id, title="a", source="caseworker",
                        received_on=date(2016, 3, 1)))
    db.session.commit()
    dept_id, other, done = dept.id, create_engine(db.engine.url), []

    def commit_between(conn, cursor, statement, params, context, executemany):
        if "fut_decision.recipient" in statement and not done:
            done.append(True)
            with Session(other) as s:
                case = Case(reference="K-2", department_id=dept_id, title="b",
                            source="caseworker", received_on=date(2016, 4, 1))
                s.add(case)
                s.flush()
                s.add(CaseDecision(case_id=case.id, department_id=dept_id, kind="police_report",
                                   decided_on=date(2016, 5, 1), decided_by_name="Utredare"))
                s.commit()

    event.listen(db.engine, "before_cursor_execute", commit_between)
    try:
        during = measures_for(db.session, 2016)
    finally:
        event.remove(db.engine, "before_cursor_execute", commit_between)
        other.dispose()
    assert done and during["incoming"] == 1 and during["police_reports"] == 0
    after = measures_for(db.session, 2016)
    assert after["incoming"] == 2 and after["police_reports"] == 1
