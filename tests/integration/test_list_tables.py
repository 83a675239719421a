"""Issue 11, "sorting and export on every list": the one list-table macro gives sort links with
aria-sort, and the lists answer CSV and XLSX."""
from __future__ import annotations

import pytest

from associations.ledger_models import LedgerImport
from suppliers import services

LISTS = [("/admin/users", "admin", "användarnamn;namn;roll", "role"),
         ("/suppliers/procurements/", "procurement", "diarienummer;rubrik;form", "title"),
         ("/associations/imports", "grants", "importerad;fil;förvaltning", "amount")]


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
    assert 'aria-sort="descending"' in page and "format=xlsx" in page
    csv = client.get(f"{url}?format=csv").get_data().decode("utf-8-sig")
    assert csv.startswith(header)
    xlsx = client.get(f"{url}?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get(f"{url}?sort=;drop").status_code == 200
