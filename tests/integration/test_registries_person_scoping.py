"""Issue 11, defect 11: person lookups (who screened whom) are personal data, visible only
inside the department that made them; lookups of organisations stay shared."""
from __future__ import annotations

from oversight.audit import set_actor
from registries import services

NAME = "Hemlig Personsdotter"


def _setup(db, make):
    social, jarva = make.department(name="Social"), make.department(name="Järva")
    officer = make.user(role="procurement", department=social)
    set_actor(officer)
    person = services.person_lookup(db.session, officer, NAME)
    org = make.organisation(name="Delad Bolag AB")
    shared = services.lookup(db.session, officer, "bolagsverket", org.orgnr)
    set_actor(None)
    db.session.commit()
    return officer, jarva, person, shared


def test_person_lookup_is_seen_only_by_its_department(db, make, login_as):
    officer, jarva, person, shared = _setup(db, make)
    assert person.department_id == officer.department_id
    own = login_as(officer)
    assert NAME in own.get("/registries/").get_data(as_text=True) or \
        "Personsdotter" in own.get("/registries/?format=csv").get_data(as_text=True)
    assert own.get(f"/registries/lookups/{person.id}").status_code == 200
    for role in ("procurement", "auditor", "admin", "lss"):
        other = login_as(make.user(role=role, department=jarva))
        page = other.get("/registries/").get_data(as_text=True)
        export = other.get("/registries/?format=csv").get_data(as_text=True)
        assert "Personsdotter" not in page and "Personsdotter" not in export
        assert other.get(f"/registries/lookups/{person.id}").status_code == 404
        assert other.get(f"/registries/lookups/{person.id}/raw").status_code == 404
        # the organisation's lookup stays shared
        assert other.get(f"/registries/lookups/{shared.id}").status_code == 200


def test_register_list_sorts_and_exports(db, make, login_as):
    officer, _jarva, _person, _shared = _setup(db, make)
    client = login_as(officer)
    page = client.get("/registries/?sort=registry&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    xlsx = client.get("/registries/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    csv = client.get("/registries/?format=csv").get_data(as_text=True)
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("hämtat;register")
    assert client.get("/registries/?sort=nonsense").status_code == 200


def test_another_departments_person_lookup_is_not_reused_from_the_cache(db, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRY_CACHE_MAX_AGE", {"bolagsverket": 3600, "sanctions": 3600})
    officer, jarva, person, _shared = _setup(db, make)
    person.status = "not_found"  # a conclusive answer, which the cache would reuse
    db.session.commit()
    assert services._cached(db.session, "sanctions", [person.identifier], officer)
    other = make.user(role="procurement", department=jarva)
    assert services._cached(db.session, "sanctions", [person.identifier], other) == {}
