"""Issue 11, defect 7: the audit log as an auditor reads it: events in words, changes as
"fält: gammalt → nytt", logins in their own category (not a user_account update per login),
values formatted in the export, and entries of other departments counted, not silently left
out."""
from __future__ import annotations

from sqlalchemy import select

from oversight.audit import AuditEntry, set_actor
from oversight.organisations import services as orgs
from suppliers import hearings, services


def _changes(db, make):
    social, jarva = make.department(name="Social"), make.department(name="Järva")
    officer = make.user(role="procurement", department=social)
    org = make.organisation(name="Läsbara Bolaget AB")
    supplier = services.supplier_for(db.session, officer, org)
    set_actor(officer)
    orgs.add_note(db.session, officer, org, "intern anteckning")
    hearings.create_decision(db.session, officer, None, outcome="not_exclude",
                             reasoning="Skäl", supplier=supplier)
    org.name = "Läsbara Bolaget i Järva AB"
    db.session.flush()
    set_actor(None)
    db.session.commit()
    return social, jarva, officer


def test_login_is_one_entry_of_category_login(db, make, login_as):
    user = make.user(role="auditor")
    client = login_as(user)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.actor == user.username)).all()
    assert [(e.action, e.entity_type) for e in entries] == [("login", "login")]
    page = client.get("/admin/audit?category=logins").get_data(as_text=True)
    assert "Inloggning" in page and f"Inloggning som {user.username}" in page
    changes = client.get("/admin/audit?category=changes&format=csv").get_data().decode("utf-8-sig")
    assert f"Inloggning som {user.username}" not in changes


def test_update_reads_field_old_arrow_new_and_csv_has_no_dicts(db, make, login_as):
    _social, jarva, _officer = _changes(db, make)
    client = login_as(make.user(role="auditor", department=jarva))
    page = client.get("/admin/audit?category=changes").get_data(as_text=True)
    assert "name: Läsbara Bolaget AB → Läsbara Bolaget i Järva AB" in page
    assert "Ändrad" in page and ">update<" not in page
    csv = client.get("/admin/audit?format=csv").get_data().decode("utf-8-sig")
    header, *rows = csv.splitlines()
    assert header.split(";")[:8] == ["id", "tid", "användare", "händelse", "typ", "objekt-id",
                                     "sammanfattning", "ändring"]
    assert "name: Läsbara Bolaget AB → Läsbara Bolaget i Järva AB" in csv
    assert "{'" not in csv and "{\"" not in csv


def test_entries_of_other_departments_are_counted(db, make, login_as):
    social, jarva, _officer = _changes(db, make)
    other = login_as(make.user(role="auditor", department=jarva))
    page = other.get("/admin/audit").get_data(as_text=True)
    assert "från andra förvaltningar visas inte" in page or \
        "från en annan förvaltning visas inte" in page
    own = login_as(make.user(role="auditor", department=social))
    assert "visas inte." not in own.get("/admin/audit").get_data(as_text=True)
