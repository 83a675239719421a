"""The web import: the same importers, bound to the officer's own district."""
import io

from assistance.models import AssistanceDecision, AssistanceUser, Permit
from tests.assistance_helpers import person, pnr


def _post(client, kind, text, name="fil.csv"):
    return client.post("/assistance/import", data={"kind": kind, "file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def test_officer_imports_only_into_own_district(make, db, login_as):
    jarva = make.department("sdf-jarva", "Järva stadsdelsförvaltning")
    bromma = make.department("sdf-bromma", "Bromma stadsdelsförvaltning")
    bea = person(db.session, bromma, 9, "Berit Brommabo")
    org = make.organisation()
    officer = make.user("lss", jarva)
    c = login_as(officer)
    assert c.get("/assistance/import").status_code == 200
    ok = _post(c, "permits", "org_nr;activity;status;valid_from\n"
                             f"{org.orgnr};LSS 9 § 2 personlig assistans;gällande;2015-01-01\n")
    assert ok.status_code == 200 and "1 nya" in ok.get_data(as_text=True)
    users = _post(c, "users", "person_id;district;name\n"
                              f"{pnr('19800101', 1)};sdf-jarva;Jana\n"
                              f"{pnr('19800101', 2)};sdf-bromma;Bo\n"
                              f"{bea.person_id};sdf-jarva;Flytt\n")
    page = users.get_data(as_text=True)
    assert users.status_code == 400 and "Inget importerades" in page
    assert "Rad 3, kolumn district" in page and "din egen stadsdel" in page
    assert "Rad 4, kolumn person_id" in page and "Berit" not in page
    decisions = _post(c, "decisions", "person_id;valid_from;hours_per_week\n"
                                      f"{bea.person_id};2026-01-01;10\n")
    assert decisions.status_code == 400 and "brukaren finns inte" in decisions.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(AssistanceUser).count() == 1 and bea.department_id == bromma.id
    assert db.session.query(AssistanceDecision).count() == 0
    assert db.session.query(Permit).count() == 1
    assert _post(c, "users", "").status_code == 400


def test_import_page_needs_the_lss_role(make, login_as):
    buyer = make.user("procurement")
    assert login_as(buyer).get("/assistance/import").status_code == 403
