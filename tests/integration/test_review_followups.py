"""Follow-ups from the security review: audit masking, audit ownership, read-only roles."""
from sqlalchemy import select

from oversight.audit import AuditEntry
from oversight.organisations import services
from oversight.organisations.models import OrganisationNote


def test_sole_traders_personnummer_is_masked_in_the_audit_trail(make, db):
    org = services.register_organisation(db.session, orgnr="850312-1231", name="Anna Konsult")
    services.rename_organisation(db.session, org, "Anna Konsult Förnyad")
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "organisation")).all()
    text = " ".join(str(e.before) + str(e.after) + (e.summary or "") for e in entries)
    assert "19850312-1231" not in text and "19850312-****" in text


def test_entries_about_personal_data_belong_to_the_owning_department(make, db):
    from oversight.audit import set_actor
    owner, org = make.department(), make.organisation()
    note = OrganisationNote(organisation_id=org.id, department_id=owner.id, body="x")
    set_actor(None)  # a system job, which has no department
    db.session.add(note)
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "organisation_note")).one()
    assert entry.actor == "system" and entry.department_id == owner.id


def test_auditor_cannot_acknowledge_monitoring_findings(login_as, make):
    auditor = make.user(role="auditor")
    assert login_as(auditor).post("/suppliers/monitoring/findings/1/ack").status_code == 403
