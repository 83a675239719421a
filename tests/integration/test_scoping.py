"""Department scoping of personal data: try to cross the boundary and be refused."""
import pytest
from sqlalchemy import select

from oversight.jobs import Job
from oversight.organisations import services
from oversight.organisations.models import OrganisationNote
from oversight.scoping import get_scoped, restrict_to_department, scoped_select


@pytest.fixture
def two_districts(make, db):
    jarva, bromma = make.department(name="Järva"), make.department(name="Bromma")
    u_jarva, u_bromma = make.user(role="lss", department=jarva), make.user(role="lss", department=bromma)
    org = make.organisation(name="Assistans Test AB")
    note = services.add_note(db.session, u_jarva, org, "Brukaren NN i Järva berörs.")
    db.session.commit()
    return u_jarva, u_bromma, org, note


def test_other_district_cannot_read_note_by_url(two_districts, login_as):
    u_jarva, u_bromma, org, note = two_districts
    assert login_as(u_jarva).get(f"/organisations/{org.id}/notes/{note.id}").status_code == 200
    response = login_as(u_bromma).get(f"/organisations/{org.id}/notes/{note.id}")
    assert response.status_code == 404
    assert "Brukaren NN" not in response.get_data(as_text=True)


def test_other_district_does_not_see_note_on_shared_page(two_districts, login_as):
    u_jarva, u_bromma, org, _ = two_districts
    assert "Brukaren NN" in login_as(u_jarva).get(f"/organisations/{org.id}").get_data(as_text=True)
    page = login_as(u_bromma).get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Brukaren NN" not in page and "Assistans Test AB" in page


def test_admin_role_does_not_bypass_scoping(two_districts, make, db, login_as):
    _, _, org, note = two_districts
    admin = make.user(role="admin")
    assert login_as(admin).get(f"/organisations/{org.id}/notes/{note.id}").status_code == 404


def test_helper_filters_queries(two_districts, db):
    u_jarva, u_bromma, _, note = two_districts
    assert get_scoped(db.session, OrganisationNote, note.id, u_jarva) is note
    assert get_scoped(db.session, OrganisationNote, note.id, u_bromma) is None
    assert db.session.scalars(scoped_select(OrganisationNote, u_bromma)).all() == []
    assert db.session.scalars(scoped_select(OrganisationNote, None)).all() == []


def test_helper_refuses_models_that_are_not_scoped(db, make):
    from oversight.organisations.models import Organisation
    with pytest.raises(TypeError):
        restrict_to_department(select(Organisation), Organisation, make.user())


def test_jobs_of_another_department_are_hidden(make, db, login_as):
    a, b = make.department(), make.department()
    ua, ub = make.user(department=a), make.user(department=b)
    job = Job(kind="x", title="Kontroll", department_id=a.id, created_by_id=ua.id)
    db.session.add(job)
    db.session.commit()
    assert login_as(ua).get(f"/jobs/{job.id}.json").status_code == 200
    assert login_as(ub).get(f"/jobs/{job.id}.json").status_code == 404
    assert login_as(ub).get(f"/jobs/{job.id}").status_code == 404
