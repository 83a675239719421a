"""The audit log is read across departments by administrators and auditors: changes to
department-scoped personal data (criminal-record extracts, decisions, hearings, notes, ...)
must show there only to users of the department the data belongs to."""
from __future__ import annotations

from datetime import date

import pytest

from oversight.audit import set_actor
from suppliers import hearings, services

SECRET_REASONING = "Skälen avser VD:ns dom HEMLIGT-BESLUT"
SECRET_COURT = "Hemliga tingsrätten"


@pytest.fixture
def scoped_changes(db, make):
    social, jarva = make.department(name="Social"), make.department(name="Järva")
    officer = make.user(role="procurement", department=social)
    org = make.organisation(name="Dömda Bolaget AB")
    supplier = services.supplier_for(db.session, officer, org)
    set_actor(officer)
    services.record_extract(db.session, officer, supplier, key_person_id=None,
                            document_date=date(2026, 1, 10), reference="BR-1",
                            convictions=[{"category": "money_laundering",
                                          "judgment_date": date(2025, 5, 1),
                                          "court": SECRET_COURT, "description": "Penningtvätt"}])
    hearings.create_decision(db.session, officer, None, outcome="not_exclude",
                             reasoning=SECRET_REASONING, supplier=supplier)
    set_actor(None)
    db.session.commit()
    return social, jarva


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_other_departments_audit_readers_do_not_see_scoped_changes(db, make, login_as,
                                                                   scoped_changes, role):
    _, jarva = scoped_changes
    client = login_as(make.user(role=role, department=jarva))
    page = client.get("/admin/audit").get_data(as_text=True)
    csv = client.get("/admin/audit?format=csv").get_data().decode("utf-8-sig")
    for text in (page, csv):
        assert SECRET_REASONING not in text and SECRET_COURT not in text
    assert "supplier_decision" not in csv and "criminal_record_conviction" not in csv
    assert "Beslut " not in page.split("<tbody>")[-1]  # no row about the decision either
    assert "Dömda Bolaget AB" in csv  # the shared register's changes are still listed
    filtered = client.get("/admin/audit?entity=supplier_decision&format=csv")
    assert SECRET_REASONING not in filtered.get_data().decode("utf-8-sig")


def test_own_departments_audit_reader_sees_them(db, make, login_as, scoped_changes):
    social, _ = scoped_changes
    client = login_as(make.user(role="admin", department=social))
    csv = client.get("/admin/audit?format=csv").get_data().decode("utf-8-sig")
    assert "supplier_decision" in csv and SECRET_REASONING in csv
