"""Editing a procurement and a contract: the owning department's procurement officer changes
them (audited); another department, an auditor and bad input change nothing; ending a
contract takes the supplier out of the monitoring of active contracts."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from oversight.audit import AuditEntry
from suppliers import checks, services
from suppliers.models import Contract, Procurement


@pytest.fixture
def world(db, make):
    social = make.department(name="Socialförvaltningen", kind="social")
    jarva = make.department(name="Järva stadsdelsförvaltning")
    officer = make.user(role="procurement", department=social)
    outsider = make.user(role="procurement", department=jarva)
    auditor = make.user(role="auditor", department=social)
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Omsorg AB"))
    procurement = services.create_procurement(db.session, officer, {
        "reference": "SOC 2026/1", "title": "Personlig assistans", "procedure": "lou_open",
        "above_threshold": True, "estimated_value": "1000000"})
    contract = services.create_contract(db.session, officer, supplier, {
        "reference": "AVT-1", "title": "Assistans", "procedure": "lov",
        "start_date": date.today() - timedelta(days=30),
        "end_date": date.today() + timedelta(days=300), "value": "500000"})
    db.session.commit()
    return dict(social=social, jarva=jarva, officer=officer, outsider=outsider,
                auditor=auditor, supplier=supplier, procurement=procurement, contract=contract)


def _procurement_form(**overrides):
    data = {"reference": "SOC 2026/1", "title": "Personlig assistans, ny rubrik",
            "procedure": "lou_simplified", "service_category": "Assistans",
            "estimated_value": "2 500 000", "status": "evaluating",
            "permit_bound": "y", "permit_activity": "Personlig assistans"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _contract_form(**overrides):
    data = {"reference": "AVT-1", "title": "Assistans", "procedure": "lov",
            "value": "750000", "start_date": (date.today() - timedelta(days=30)).isoformat(),
            "end_date": (date.today() + timedelta(days=600)).isoformat(), "status": "active",
            "calling_department_id": "0", "service_category": "Personlig assistans"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _audit_updates(db, entity_type, entity_id):
    return db.session.query(AuditEntry).filter_by(action="update", entity_type=entity_type,
                                                  entity_id=str(entity_id)).all()


def test_officer_edits_procurement_and_it_is_audited(db, world, login_as):
    p = world["procurement"]
    client = login_as(world["officer"])
    page = client.get(f"/suppliers/procurements/{p.id}").get_data(as_text=True)
    assert f'href="/suppliers/procurements/{p.id}/edit"' in page
    form = client.get(f"/suppliers/procurements/{p.id}/edit")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert 'value="SOC 2026/1"' in text and "Ändra upphandling" in text
    assert '<label for="status">Status</label>' in text

    response = client.post(f"/suppliers/procurements/{p.id}/edit", data=_procurement_form())

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/suppliers/procurements/{p.id}")
    db.session.expire_all()
    p = db.session.get(Procurement, p.id)
    assert p.title == "Personlig assistans, ny rubrik"
    assert p.procedure == "lou_simplified" and p.above_threshold is False
    assert p.estimated_value == Decimal("2500000") and p.status == "evaluating"
    assert p.permit_bound and p.permit_activity == "Personlig assistans"
    assert p.department_id == world["social"].id
    entries = _audit_updates(db, Procurement.__tablename__, p.id)
    assert entries and entries[-1].actor_id == world["officer"].id
    assert entries[-1].after.get("title") == "Personlig assistans, ny rubrik"
    shown = client.get(f"/suppliers/procurements/{p.id}").get_data(as_text=True)
    assert "Utvärdering" in shown


def test_officer_edits_contract_and_it_is_audited(db, world, login_as, make):
    c, supplier = world["contract"], world["supplier"]
    client = login_as(world["officer"])
    page = client.get(f"/suppliers/{supplier.id}").get_data(as_text=True)
    assert f'href="/suppliers/contracts/{c.id}/edit"' in page
    assert client.get(f"/suppliers/contracts/{c.id}/edit").status_code == 200
    calling = make.department(name="Bromma")

    response = client.post(f"/suppliers/contracts/{c.id}/edit", data=_contract_form(
        procedure="call_off", calling_department_id=str(calling.id), permit_bound="y",
        permit_activity="Personlig assistans"))

    assert response.status_code == 302
    db.session.expire_all()
    c = db.session.get(Contract, c.id)
    assert c.value == Decimal("750000") and c.procedure == "call_off"
    assert c.calling_department_id == calling.id and c.permit_bound
    assert c.end_date == date.today() + timedelta(days=600)
    assert c.service_category == "Personlig assistans"
    assert c.department_id == world["social"].id and c.supplier_id == supplier.id
    entries = _audit_updates(db, Contract.__tablename__, c.id)
    assert entries and entries[-1].actor_id == world["officer"].id


def test_another_department_cannot_edit_by_url_or_post(db, world, login_as):
    p, c = world["procurement"], world["contract"]
    client = login_as(world["outsider"])
    assert "/edit" not in client.get(f"/suppliers/procurements/{p.id}").get_data(as_text=True)
    assert f"/suppliers/contracts/{c.id}/edit" not in client.get(
        f"/suppliers/{world['supplier'].id}").get_data(as_text=True)
    assert client.get(f"/suppliers/procurements/{p.id}/edit").status_code == 404
    assert client.get(f"/suppliers/contracts/{c.id}/edit").status_code == 404
    assert client.post(f"/suppliers/procurements/{p.id}/edit",
                       data=_procurement_form(title="Kapad")).status_code == 404
    assert client.post(f"/suppliers/contracts/{c.id}/edit",
                       data=_contract_form(status="terminated")).status_code == 404
    assert client.post(f"/suppliers/contracts/{c.id}/status",
                       data={"status": "ended"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Procurement, p.id).title == "Personlig assistans"
    assert db.session.get(Contract, c.id).status == "active"
    assert not _audit_updates(db, Procurement.__tablename__, p.id)
    assert not _audit_updates(db, Contract.__tablename__, c.id)


def test_service_refuses_another_department(db, world):
    with pytest.raises(services.SupplierError, match="Endast förvaltningen"):
        services.update_contract(db.session, world["outsider"], world["contract"],
                                 _contract_form(status="ended"))
    with pytest.raises(services.SupplierError, match="Endast förvaltningen"):
        services.update_procurement(db.session, world["outsider"], world["procurement"],
                                    _procurement_form())


def test_auditor_cannot_edit(db, world, login_as):
    p, c = world["procurement"], world["contract"]
    client = login_as(world["auditor"])
    assert "/edit" not in client.get(f"/suppliers/procurements/{p.id}").get_data(as_text=True)
    assert "/edit" not in client.get(f"/suppliers/{world['supplier'].id}").get_data(as_text=True)
    for method, url, data in (
            ("get", f"/suppliers/procurements/{p.id}/edit", None),
            ("post", f"/suppliers/procurements/{p.id}/edit", _procurement_form(title="X")),
            ("get", f"/suppliers/contracts/{c.id}/edit", None),
            ("post", f"/suppliers/contracts/{c.id}/edit", _contract_form(value="1")),
            ("post", f"/suppliers/contracts/{c.id}/status", {"status": "ended"})):
        assert getattr(client, method)(url, data=data).status_code == 403, url
    db.session.expire_all()
    assert db.session.get(Procurement, p.id).title == "Personlig assistans"
    assert db.session.get(Contract, c.id).value == Decimal("500000")


def test_invalid_contract_input_shows_swedish_error_inline_and_changes_nothing(db, world,
                                                                             login_as):
    c = world["contract"]
    client = login_as(world["officer"])
    response = client.post(f"/suppliers/contracts/{c.id}/edit", data=_contract_form(
        value="999", end_date=(date.today() - timedelta(days=60)).isoformat()))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Slutdatum kan inte ligga före startdatum." in text
    assert 'id="end_date-error"' in text and 'aria-invalid="true"' in text
    assert "Avtalet är inte ändrat" in text

    call_off = client.post(f"/suppliers/contracts/{c.id}/edit",
                           data=_contract_form(procedure="call_off", value="999"))
    assert "Ange vilken förvaltning som avropar." in call_off.get_data(as_text=True)
    bad_money = client.post(f"/suppliers/contracts/{c.id}/edit", data=_contract_form(value="abc"))
    assert "Ogiltigt belopp" in bad_money.get_data(as_text=True)
    missing = client.post(f"/suppliers/contracts/{c.id}/edit", data=_contract_form(title=""))
    assert "Ange rubrik." in missing.get_data(as_text=True)
    db.session.expire_all()
    c = db.session.get(Contract, c.id)
    assert c.value == Decimal("500000") and c.procedure == "lov"
    assert c.end_date == date.today() + timedelta(days=300)
    assert not _audit_updates(db, Contract.__tablename__, c.id)


def test_invalid_procurement_input_changes_nothing(db, world, login_as):
    p = world["procurement"]
    services.create_procurement(db.session, world["officer"], {
        "reference": "SOC 2026/2", "title": "Städ", "procedure": "lou_open"})
    db.session.commit()
    client = login_as(world["officer"])
    duplicate = client.post(f"/suppliers/procurements/{p.id}/edit",
                            data=_procurement_form(reference="SOC 2026/2"))
    text = duplicate.get_data(as_text=True)
    assert "Det finns redan en upphandling med diarienummer SOC 2026/2." in text
    assert 'id="reference-error"' in text
    permit = client.post(f"/suppliers/procurements/{p.id}/edit",
                         data=_procurement_form(permit_activity=""))
    assert "Ange vilken tillståndspliktig verksamhet det gäller." in permit.get_data(as_text=True)
    status = client.post(f"/suppliers/procurements/{p.id}/edit",
                         data=_procurement_form(status="påhittad"))
    assert status.status_code == 200 and "Upphandlingen är inte ändrad" in status.get_data(
        as_text=True)
    db.session.expire_all()
    p = db.session.get(Procurement, p.id)
    assert p.reference == "SOC 2026/1" and p.title == "Personlig assistans"
    assert p.status == "open" and p.estimated_value == Decimal("1000000")
    assert not _audit_updates(db, Procurement.__tablename__, p.id)


def test_keeping_own_reference_is_not_a_duplicate(db, world):
    p = services.update_procurement(db.session, world["officer"], world["procurement"],
                                    _procurement_form(status=None))
    assert p.reference == "SOC 2026/1" and p.status == "open"  # status kept when not given


def test_ending_a_contract_removes_it_from_monitoring(db, world, login_as):
    supplier = world["supplier"]
    assert [t.supplier.id for t in checks.active_contract_targets(db.session)] == [supplier.id]
    client = login_as(world["officer"])
    response = client.post(f"/suppliers/contracts/{world['contract'].id}/edit",
                           data=_contract_form(status="ended"))
    assert response.status_code == 302
    db.session.expire_all()
    assert checks.active_contract_targets(db.session) == []
    assert db.session.get(Contract, world["contract"].id).status_label == "Avslutat"


def test_status_buttons_terminate_and_reactivate(db, world, login_as):
    c, supplier = world["contract"], world["supplier"]
    client = login_as(world["officer"])
    page = client.get(f"/suppliers/contracts/{c.id}/edit").get_data(as_text=True)
    assert "Markera som uppsagt/hävt" in page and "Återaktivera avtalet" not in page
    done = client.post(f"/suppliers/contracts/{c.id}/status", data={"status": "terminated"},
                       follow_redirects=True)
    assert "Uppsagt/hävt" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contract, c.id).status == "terminated"
    assert checks.active_contract_targets(db.session) == []
    assert _audit_updates(db, Contract.__tablename__, c.id)
    client.post(f"/suppliers/contracts/{c.id}/status", data={"status": "bogus"})
    db.session.expire_all()
    assert db.session.get(Contract, c.id).status == "terminated"
    client.post(f"/suppliers/contracts/{c.id}/status", data={"status": "active"})
    db.session.expire_all()
    assert [t.supplier.id for t in checks.active_contract_targets(db.session)] == [supplier.id]
