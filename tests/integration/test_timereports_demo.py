"""The time-report demo tells its story and can be loaded twice."""
from datetime import date
from decimal import Decimal

from assistance.timereport_demo import PROVIDER_USERNAME, load
from assistance.timereport_models import TimeReport, TimeReportFinding
from oversight.auth.models import User
from tests.timereport_helpers import assistance_user, valid_permit


def test_demo_plants_findings_in_both_districts_and_is_idempotent(db, make):
    jarva, bromma = make.department(code="sdf-jarva"), make.department(code="sdf-bromma")
    p1, p2 = make.organisation(name="Ett AB"), make.organisation(name="Två AB")
    for p in (p1, p2):
        valid_permit(db.session, p)
    for _ in range(3):
        assistance_user(db.session, jarva, p1, hours_per_week=Decimal(40))
        assistance_user(db.session, bromma, p2, hours_per_week=Decimal(40))
    today = date(2026, 12, 2)
    assert "nya rapporter" in load(db.session, today)
    codes = {(f.code, f.department_id) for f in db.session.query(TimeReportFinding)}
    assert ("ASSISTANT_OVERLAP", jarva.id) in codes and ("ASSISTANT_OVERLAP", bromma.id) in codes
    assert {c for c, _d in codes} >= {"HOSPITAL_STAY", "ASSISTANT_UNDER_18", "MISSING_APPROVAL"}
    count = db.session.query(TimeReport).count()
    assert count == 12
    load(db.session, today)
    assert db.session.query(TimeReport).count() == count
    staff = db.session.query(User).filter_by(username=PROVIDER_USERNAME).one()
    assert staff.role == "provider" and staff.organisation_id == p1.id
