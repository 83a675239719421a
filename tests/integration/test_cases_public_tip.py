"""The public tip form: no login, anonymous allowed, CSRF, throttled per address, nothing of
what was sent echoed back, a receipt number, into the chosen department's intake queue."""
import re

import pytest
from sqlalchemy import select

from oversight.cases.models import Case

SECRET_TEXT = "Grannen Kalle Exempel 850312-1231 jobbar svart"


@pytest.fixture
def depts(make):
    return make.department(code="sdf-jarva", name="Järva"), make.department(code="sdf-bromma", name="Bromma")


def test_anonymous_tip_lands_in_the_chosen_departments_intake_with_a_receipt(client, db, depts, make, login_as):
    jarva, _bromma = depts
    assert client.get("/cases/tips").status_code == 200  # no login
    r = client.post("/cases/tips", data={"department": jarva.id, "text": SECRET_TEXT, "contact": ""})
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    receipt = re.search(r"T-[A-Z2-9]{8}", page).group(0)
    assert "Kalle" not in page and "850312" not in page and "Järva" not in page
    case = db.session.scalar(select(Case))
    assert case.receipt_number == receipt and case.department_id == jarva.id
    assert case.source == "anonymous" and case.status == "registered" and case.description == SECRET_TEXT
    # the receipt page shows once
    assert client.get("/cases/tips/kvitto").status_code == 302
    inbox = login_as(make.user(role="investigator", department=jarva)).get("/cases/?status=intake")
    assert case.reference in inbox.get_data(as_text=True)
    other = login_as(make.user(role="investigator", department=_bromma)).get("/cases/?status=intake")
    assert case.reference not in other.get_data(as_text=True)


def test_contact_given_makes_it_a_public_tip_and_is_not_shown_back(client, db, depts):
    r = client.post("/cases/tips", data={"department": depts[0].id, "text": "Något",
                                         "contact": "anna@example.invalid"})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "anna@example.invalid" not in page
    assert db.session.scalar(select(Case)).source == "public"


def test_errors_do_not_echo_what_was_written(client, db, depts):
    r = client.post("/cases/tips", data={"department": depts[0].id, "text": "",
                                         "contact": "kalle@example.invalid 850312-1231"})
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "Beskriv vad tipset gäller" in body
    assert "kalle@example.invalid" not in body and "850312" not in body
    assert db.session.scalar(select(Case)) is None


def test_throttled_per_address(app, db, depts):
    app.config["CASES_PUBLIC_TIP_LIMIT"] = 2
    try:
        one = app.test_client()
        for _ in range(2):
            assert one.post("/cases/tips", data={"department": depts[0].id, "text": "x"},
                            environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 302
        r = one.post("/cases/tips", data={"department": depts[0].id, "text": SECRET_TEXT},
                     environ_base={"REMOTE_ADDR": "10.0.0.1"})
        assert r.status_code == 429 and "Kalle" not in r.get_data(as_text=True)
        other = app.test_client().post("/cases/tips", data={"department": depts[0].id, "text": "y"},
                                       environ_base={"REMOTE_ADDR": "10.0.0.2"})
        assert other.status_code == 302
    finally:
        app.config["CASES_PUBLIC_TIP_LIMIT"] = 5
    assert len(db.session.scalars(select(Case)).all()) == 3


def test_csrf_is_required(app, db, depts):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        r = client.post("/cases/tips", data={"department": depts[0].id, "text": "x"})
        assert r.status_code == 400
        page = client.get("/cases/tips").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        r = client.post("/cases/tips", data={"department": depts[0].id, "text": "x", "csrf_token": token})
        assert r.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_address_is_not_stored_in_clear(client, db, depts):
    from oversight.cases.models import TipSubmission

    client.post("/cases/tips", data={"department": depts[0].id, "text": "x"},
                environ_base={"REMOTE_ADDR": "192.0.2.55"})
    row = db.session.scalar(select(TipSubmission))
    assert row is not None and "192.0.2.55" not in row.address_hash
