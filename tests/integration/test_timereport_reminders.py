"""The daily reminder task for overdue time reports, run the way the worker runs it (a fresh
app context, as the system user): one reminder per missing report and month, audited, seen by
the provider on its portal and by each district's officer on the start page, never repeated."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from assistance.timereport_models import ReportReminder, TimeReport
from oversight.audit import AuditEntry
from oversight.jobs import run_periodic
from tests.timereport_helpers import assistance_user, valid_permit

TASK = "assistance.timereport_reminders"


def _overdue_month(today: date) -> date:
    """By hand: reports are due on day 10 (the seeded rule value) of the next month."""
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if today > today.replace(day=10):
        return last
    return (last - timedelta(days=1)).replace(day=1)


@pytest.fixture
def world(db, make):
    month = _overdue_month(date.today())
    district, other = make.department(code="sdf-a"), make.department(code="sdf-b")
    external = make.department(code="externa", kind="other")
    provider, rival = make.organisation(name="Assistans AB"), make.organisation(name="Rival AB")
    for org in (provider, rival):
        valid_permit(db.session, org)
    late = [assistance_user(db.session, district, provider, hours_per_week=Decimal(14))
            for _ in range(2)]
    on_time = assistance_user(db.session, district, provider)
    elsewhere = assistance_user(db.session, other, rival)
    db.session.add(TimeReport(department_id=district.id, assistance_user_id=on_time.id,
                              provider_organisation_id=provider.id, provider_key=provider.id,
                              month=month, content_hash="0" * 64))
    staff = make.user(role="provider", department=external)
    staff.organisation_id = provider.id
    officer = make.user(role="lss", department=district)
    other_officer = make.user(role="lss", department=other)
    db.session.commit()
    return locals()


def _reminders(db):
    db.session.expire_all()
    return db.session.query(ReportReminder).order_by(ReportReminder.id).all()


def test_the_daily_task_reminds_each_provider_once_per_user_and_month(world, app, db):
    run_periodic(app, TASK)
    reminders = _reminders(db)
    expected = {(u.id, world["provider"].id) for u in world["late"]}
    expected.add((world["elsewhere"].id, world["rival"].id))
    assert {(r.assistance_user_id, r.provider_organisation_id) for r in reminders} == expected
    assert {r.month for r in reminders} == {world["month"]}
    assert {r.department_id for r in reminders} == {world["district"].id, world["other"].id}
    entries = db.session.query(AuditEntry).filter_by(entity_type="assistance_report_reminder").all()
    assert len(entries) == 3 and {e.actor for e in entries} == {"system"}
    assert {r.sent_by_id for r in reminders} == {entries[0].actor_id} != {None}
    run_periodic(app, TASK)  # the next day: nothing new for the same users and month
    assert len(_reminders(db)) == 3


def test_a_reminder_an_officer_sent_is_not_repeated_by_the_task(world, app, db, login_as):
    month = world["month"].strftime("%Y-%m")
    login_as(world["officer"]).post("/assistance/timereports/missing/remind", data={"month": month})
    assert len(_reminders(db)) == 2
    run_periodic(app, TASK)
    assert len(_reminders(db)) == 3  # only the other district's user was new


def test_provider_and_officers_see_the_overdue_reports(world, app, login_as):
    run_periodic(app, TASK)
    month = world["month"].strftime("%Y-%m")
    portal = login_as(world["staff"]).get("/provider/").get_data(as_text=True)
    assert portal.count(f"Rapport för {month} saknas") == 2
    start = login_as(world["officer"]).get("/").get_data(as_text=True)
    assert f"2 tidrapporter för {month} saknas" in start
    assert "Anordnarna har påmints om 2 av dem." in start
    assert f"/assistance/timereports/missing?month={month}" in start
    other = login_as(world["other_officer"]).get("/").get_data(as_text=True)
    assert f"1 tidrapport för {month} saknas" in other and "2 tidrapporter" not in other
    missing = login_as(world["officer"]).get(f"/assistance/timereports/missing?month={month}")
    page = missing.get_data(as_text=True)
    assert all(u.name in page for u in world["late"]) and world["on_time"].name not in page
    assert world["elsewhere"].name not in page
