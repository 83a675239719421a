"""Issue 11, "sorting and export on every list": the one list-table macro gives sort links with
aria-sort, and the lists answer CSV and XLSX."""
from __future__ import annotations

import pytest

from associations.ledger_models import LedgerImport
from suppliers import services

LISTS = [("/admin/users", "admin", "användarnamn;namn;roll", "role"),
         ("/suppliers/procurements/", "procurement", "diarienummer;rubrik;form", "title"),
         ("/associations/imports", "grants", "importerad;fil;förvaltning", "amount"),
         ("/associations/follow-up", "grants", "läge;senast;förening", "association")]


@pytest.mark.parametrize(("url", "role", "header", "column"), LISTS)
def test_list_sorts_and_exports(db, make, login_as, url, role, header, column):
    user = make.user(role=role)
    services.create_procurement(db.session, user, {
        "reference": "SOC 2026/9", "title": "Städ", "procedure": "lou_open"}) if role == "procurement" else None
    if role == "grants":
        db.session.add(LedgerImport(sha256="a" * 64, filename="reskontra.csv", size=10,
                                    department_id=user.department_id, preset="standard"))
    db.session.commit()
    client = login_as(user)
    page = client.get(f"{url}?sort={column}&dir=desc").get_data(as_text=True)
    assert "format=xlsx" in page
    if "follow-up" not in url:  # the follow-up lists are empty here: sorted_rows below
        assert 'aria-sort="descending"' in page
    csv = client.get(f"{url}?format=csv").get_data().decode("utf-8-sig")
    assert csv.startswith(header)
    xlsx = client.get(f"{url}?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get(f"{url}?sort=;drop").status_code == 200


def test_monitoring_exports_findings_and_charts_its_history(db, make, login_as, monkeypatch):
    from datetime import date, timedelta

    from suppliers import evidence as ev
    from suppliers import monitoring
    from suppliers.testing import FakeRegistries

    fake = FakeRegistries().install(monkeypatch)
    officer = make.user(role="procurement", department=make.department(name="Social"))
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Hemtjänst AB"))
    services.create_contract(db.session, officer, supplier, {
        "reference": "AVT-5", "title": "Hemtjänst", "procedure": "lov",
        "start_date": date.today() - timedelta(days=100)})
    monitoring.run_monitor(db.session)
    fake.set(supplier.organisation.orgnr, "bolagsverket", facts=(ev.CompanyStatus(
        supplier.organisation.orgnr, "Hemtjänst AB", True,
        proceedings=(ev.Proceeding("KK", "Konkurs", date.today()),)),))
    monitoring.run_monitor(db.session)
    db.session.commit()
    client = login_as(officer)
    page = client.get("/suppliers/monitoring").get_data(as_text=True)
    assert 'class="chart"' in page and "Nya fynd per körning" in page and "format=xlsx" in page
    csv = client.get("/suppliers/monitoring?format=csv").get_data().decode("utf-8-sig")
    assert csv.startswith("upptäckt;leverantör;avtal") and "Hemtjänst AB;AVT-5" in csv
    assert client.get("/suppliers/monitoring?format=xlsx").data[:2] == b"PK"


def test_sorted_rows_for_lists_in_memory(app):
    from oversight.views_support import sorted_rows

    rows = [{"n": "b", "d": 2}, {"n": "a", "d": None}, {"n": "c", "d": 1}]
    keys = {"name": lambda r: r["n"], "day": lambda r: r["d"]}
    with app.test_request_context("/?sort=day&dir=desc"):
        assert [r["n"] for r in sorted_rows(rows, keys, "name")] == ["b", "c", "a"]
    with app.test_request_context("/?sort=evil"):
        assert [r["n"] for r in sorted_rows(rows, keys, "name")] == ["a", "b", "c"]


def test_followup_sorts_and_exports_overdue_reports(db, make, login_as):
    from datetime import date

    from associations.grants import register_grant

    dept = make.department()
    user = make.user(role="grants", department=dept)
    year = date.today().year
    for name in ("Föreningen Sen", "Allians Förening"):
        register_grant(db.session, user, make.organisation(name=name, group=8),
                       form="verksamhetsbidrag", department=dept, purpose="Verksamhet",
                       period_start=date(year - 2, 1, 1), period_end=date(year - 2, 12, 31),
                       amount=1000)
    client = login_as(user)
    page = client.get("/associations/follow-up?sort=association&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    assert page.index("Föreningen Sen") < page.index("Allians Förening")
    csv = client.get("/associations/follow-up?format=csv").get_data().decode("utf-8-sig")
    assert "försenad;" in csv and "Föreningen Sen" in csv
