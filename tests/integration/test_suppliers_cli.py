"""``flask suppliers ...`` and the demo data."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from oversight.demo import load as load_core_demo
from suppliers import demo, services
from suppliers import evidence as ev
from suppliers.models import (
    Complaint,
    Contract,
    MonitoringFinding,
    MonitorRun,
    Procurement,
    SupplierCheck,
    Tender,
)
from suppliers.testing import FakeRegistries


@pytest.fixture
def fake(monkeypatch):
    return FakeRegistries().install(monkeypatch)


def test_check_json_and_exit_codes(db, make, runner, fake):
    make.department(code="socialforvaltningen", name="Socialförvaltningen", kind="social")
    org = make.organisation(name="Cli Test AB")
    db.session.commit()
    result = runner.invoke(args=["suppliers", "check", org.orgnr, "--json"])
    data = json.loads(result.output)
    assert data["overall"] == "unknown" and result.exit_code == 3  # no criminal-record extract
    assert {g["code"] for g in data["grounds"]} >= {"crime", "taxes", "insolvency"}
    assert any(e["source"] == "bolagsverket" for e in data["evidence"])
    fake.set(org.orgnr, "bolagsverket", facts=(ev.CompanyStatus(org.orgnr, org.name, False,
                                                               proceedings=(ev.Proceeding(
                                                                   "KK", "Konkurs"),)),))
    result = runner.invoke(args=["suppliers", "check", org.orgnr, "--regime", "lov"])
    assert result.exit_code == 2 and "[Grund föreligger] Konkurs" in result.output
    assert "7 kap. 1 §" in result.output


def test_check_refuses_bad_input(db, make, runner, fake):
    make.department(code="socialforvaltningen", name="Socialförvaltningen", kind="social")
    db.session.commit()
    bad = runner.invoke(args=["suppliers", "check", "556901-2345"])
    assert bad.exit_code == 1 and "Kontrollsiffran" in bad.output
    unknown = runner.invoke(args=["suppliers", "check", "5569012346"])
    assert unknown.exit_code == 1 and "ange namn" in unknown.output
    nodept = runner.invoke(args=["suppliers", "check", "5569012346", "--department", "x"])
    assert "Okänd eller saknad" in nodept.output


def test_screen_procurement_and_all_active(db, make, runner, fake):
    user = make.user(role="procurement")
    procurement = services.create_procurement(db.session, user, {
        "reference": "P-1", "title": "Test", "procedure": "lou_open", "above_threshold": True})
    org = make.organisation(name="Anbud AB")
    services.add_tenderer(db.session, user, procurement, orgnr=org.orgnr)
    services.create_contract(db.session, user, procurement.tenders[0].supplier, {
        "reference": "A-1", "title": "Avtal", "procedure": "lou_open"})
    db.session.commit()
    result = runner.invoke(args=["suppliers", "screen", "--procurement", str(procurement.id)])
    assert result.exit_code == 0 and "1 leverantör kontrollerad" in result.output
    assert db.session.scalar(select(SupplierCheck.procurement_id)) == procurement.id
    result = runner.invoke(args=["suppliers", "screen", "--all-active"])
    assert result.exit_code == 0 and "Anbud AB" in result.output
    usage = runner.invoke(args=["suppliers", "screen"])
    assert usage.exit_code == 2


def test_monitor_command(db, make, runner, fake):
    user = make.user(role="procurement")
    supplier = services.supplier_for(db.session, user, make.organisation(name="Bevakad AB"))
    services.create_contract(db.session, user, supplier, {
        "reference": "A-2", "title": "Avtal", "procedure": "lov"})
    db.session.commit()
    result = runner.invoke(args=["suppliers", "monitor"])
    assert result.exit_code == 0 and "1 leverantör, 1 kontroll, 0 nya fynd" in result.output
    assert db.session.scalar(select(func.count()).select_from(MonitorRun)) == 1


def test_rules_command_prints_dated_values(runner):
    now = runner.invoke(args=["suppliers", "rules"]).output.replace("\u00a0", " ")
    assert "Direktupphandlingsgräns: 700 000 kr, gäller från 2022-02-01" in now
    assert "direct_award_limit" not in now  # labels, never keys
    then = runner.invoke(args=["suppliers", "rules", "--date", "2021-06-01"]).output
    assert "615 312 kr, gäller 2020-01-01–2022-01-31" in then.replace("\u00a0", " ")


def test_demo_is_idempotent_and_tells_the_story(db):
    load_core_demo(db.session)
    first = demo.load(db.session)
    db.session.commit()
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (
        Procurement, Tender, Contract, Complaint, SupplierCheck, MonitorRun)]
    demo.load(db.session)
    db.session.commit()
    assert counts == [db.session.scalar(select(func.count()).select_from(m)) for m in (
        Procurement, Tender, Contract, Complaint, SupplierCheck, MonitorRun)]
    assert "SOC 2026/0412" in first
    procurement = db.session.scalar(select(Procurement))
    by_name = {c.supplier.name: c for c in db.session.scalars(
        select(SupplierCheck).where(SupplierCheck.procurement_id == procurement.id))}
    omsorg = {g.code: g.outcome for g in by_name["Omsorgspartner i Norden AB"].grounds}
    trygg = {g.code: g.outcome for g in by_name["Assistansgruppen Trygg Vardag AB"].grounds}
    assert omsorg["taxes"] == "found" and omsorg["misconduct"] == "found"
    assert omsorg["crime"] == "unknown"
    assert trygg["permit"] == "found" and trygg["crime"] == "clear"
    findings = db.session.scalars(select(MonitoringFinding)).all()
    assert any(f.code == "permit" and f.supplier.name.startswith("Assistansgruppen")
               for f in findings)
