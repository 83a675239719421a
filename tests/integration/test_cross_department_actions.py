"""Crossing the department boundary through actions, not only through reading: a user of
another department must not be able to make the platform run its personal-data checks for a
department that is not theirs (and read the outcome in its own job)."""
from __future__ import annotations

import pytest

from suppliers import services
from suppliers.models import Procurement, SupplierCheck
from suppliers.testing import FakeRegistries


@pytest.fixture
def fake(monkeypatch):
    return FakeRegistries().install(monkeypatch)


def test_other_department_cannot_screen_a_procurement(db, make, fake, login_as):
    social, jarva = make.department(name="Social"), make.department(name="Järva")
    owner = make.user(role="procurement", department=social)
    outsider = make.user(role="procurement", department=jarva)
    procurement = services.create_procurement(db.session, owner, {
        "reference": "SOC 2026/9", "title": "Städ", "procedure": "lou_open",
        "above_threshold": True})
    org = make.organisation(name="Anbud AB")
    services.add_tenderer(db.session, owner, procurement, orgnr=org.orgnr, name=None,
                          submitted_on=None)
    db.session.commit()

    response = login_as(outsider).post(f"/suppliers/procurements/{procurement.id}/screen")

    assert response.status_code in (302, 403, 404)
    db.session.expire_all()
    assert db.session.query(SupplierCheck).count() == 0  # nothing run for Social
    assert db.session.get(Procurement, procurement.id).last_job_id is None
    from oversight.jobs import Job
    assert db.session.query(Job).count() == 0


def test_screening_job_for_another_departments_procurement_fails(db, make, fake):
    from oversight.jobs import FAILED, create_job, run_job

    social, jarva = make.department(), make.department()
    owner = make.user(role="procurement", department=social)
    outsider = make.user(role="procurement", department=jarva)
    procurement = services.create_procurement(db.session, owner, {
        "reference": "SOC 2026/10", "title": "Städ", "procedure": "lou_open",
        "above_threshold": True})
    services.add_tenderer(db.session, owner, procurement,
                          orgnr=make.organisation().orgnr, name=None, submitted_on=None)
    job = create_job(db.session, outsider, "suppliers.screen", "x",
                     {"procurement_id": procurement.id})
    db.session.commit()
    run_job(job.id)
    assert job.status == FAILED
    assert db.session.query(SupplierCheck).count() == 0
