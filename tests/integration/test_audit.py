from sqlalchemy import select, text

from oversight.audit import AuditEntry, verify_chain
from oversight.organisations import services


def test_changes_are_recorded_with_actor_before_and_after(login_as, make, db):
    user, org = make.user(), make.organisation(name="Före AB")
    db.session.commit()
    c = login_as(user)
    c.post(f"/organisations/{org.id}/warnings", data={"category": "other", "reason": "Skäl ett"})
    created = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "warning")).one()
    assert created.action == "create" and created.actor == user.username
    assert created.after["reason"] == "Skäl ett" and created.department_id == user.department_id

    services.rename_organisation(db.session, org, "Efter AB")
    db.session.commit()
    update = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "organisation", AuditEntry.action == "update")).one()
    assert update.before == {"name": "Före AB"} and update.after == {"name": "Efter AB"}


def test_rolled_back_change_leaves_no_entry(make, db):
    db.session.commit()
    before = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    make.organisation()
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == before


def test_chain_verifies_and_detects_tampering(make, db, runner):
    for _ in range(3):
        make.organisation()
    db.session.commit()
    assert verify_chain(db.session).ok
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0

    victim = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[1]
    db.session.execute(text("UPDATE audit_entry SET summary = 'ändrad' WHERE id = :id"), {"id": victim.id})
    db.session.commit()
    db.session.expire_all()
    report = verify_chain(db.session)
    assert not report.ok and report.broken_at == victim.id
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "BRUTEN" in result.output


def test_deleted_entry_is_detected(make, db):
    for _ in range(3):
        make.organisation()
    db.session.commit()
    ids = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": ids[1]})
    db.session.commit()
    report = verify_chain(db.session)
    assert not report.ok and report.broken_at == ids[2]


def test_auditor_page_filters_and_exports(login_as, make, db):
    auditor, officer = make.user(role="auditor"), make.user()
    make.organisation(name="Filtrerad AB")
    db.session.commit()
    assert login_as(officer).get("/admin/audit").status_code == 403
    c = login_as(auditor)
    page = c.get("/admin/audit?entity=organisation&action=create").get_data(as_text=True)
    assert "Filtrerad AB" in page
    assert "Filtrerad AB" not in c.get("/admin/audit?entity=user_account").get_data(as_text=True)
    assert c.get("/admin/audit?format=xlsx").status_code == 200
    flash = c.post("/admin/audit/verify", follow_redirects=True).get_data(as_text=True)
    assert "Kedjan är hel" in flash


def test_password_hash_is_never_in_the_trail(make, db):
    make.user()
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "user_account")).one()
    assert entry.after["password_hash"] == "***"
