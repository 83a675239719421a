"""Redirect targets taken from the request stay on this site. Browsers read a backslash as a
slash and drop tabs and newlines, so "/\\evil.example" and "/\\t/evil.example" lead to another
host just like "//evil.example"."""
from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import PASSWORD

TRICKS = ["/\\evil.example/x", "/\t/evil.example/x", "/\\/evil.example", "\\\\evil.example",
          "/\n/evil.example", "https://evil.example/", "//evil.example"]


def _stays_local(location: str) -> bool:
    return location.startswith("/") and not location.startswith("//") \
        and "\\" not in location and not any(c in location for c in "\t\r\n")


@pytest.mark.parametrize("target", TRICKS)
def test_login_next_cannot_leave_the_site(client, make, db, target):
    user = make.user()
    db.session.commit()
    response = client.post("/login", query_string={"next": target},
                           data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert _stays_local(response.headers["Location"])


@pytest.mark.parametrize("target", TRICKS)
def test_language_switch_next_cannot_leave_the_site(client, target):
    response = client.post("/language/en", data={"next": target})
    assert _stays_local(response.headers["Location"])


def test_login_next_keeps_a_local_path(client, make, db):
    user = make.user()
    db.session.commit()
    response = client.post("/login", query_string={"next": "/organisations/?q=a"},
                           data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/organisations/?q=a"


@pytest.mark.parametrize("target", TRICKS)
def test_grant_report_next_cannot_leave_the_site(db, make, login_as, target):
    from associations.grants import register_grant

    dept = make.department()
    user = make.user(role="grants", department=dept)
    org = make.organisation(name="Föreningen Sen", group=8)
    year = date.today().year - 2
    grant = register_grant(db.session, user, org, form="verksamhetsbidrag", department=dept,
                           purpose="Verksamhet", period_start=date(year, 1, 1),
                           period_end=date(year, 12, 31), amount=1000)
    report = grant.reports[0]
    response = login_as(user).post(f"/associations/reports/{report.id}/received", data={
        "received_on": date.today().isoformat(), "status": "approved", "note": "OK",
        "next": target})
    assert response.status_code == 302
    assert _stays_local(response.headers["Location"])
