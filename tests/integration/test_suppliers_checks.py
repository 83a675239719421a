"""Checks end to end through the database: evidence gathering, storage, immutability,
batch screening with progress, and fail-closed behaviour when registries fail."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from oversight.organisations import services as orgs
from suppliers import checks, evidence as ev, rules, services
from suppliers.models import CheckGround, ImmutableError, SupplierCheck
from suppliers.testing import FakeRegistries
from tests.factories import orgnr


@pytest.fixture
def fake(monkeypatch):
    return FakeRegistries().install(monkeypatch)


@pytest.fixture
def officer(make):
    return make.user(role="procurement", department=make.department(name="Socialförvaltningen",
                                                                     kind="social"))


def supplier_with_vd(db, make, officer, name="Omsorg Test AB"):
    org = make.organisation(name=name)
    orgs.add_key_person(db.session, org, role="vd", name="Vera Direktör")
    return services.supplier_for(db.session, officer, org)


def extracts(db, officer, supplier, convictions=()):
    services.record_extract(db.session, officer, supplier, key_person_id=None,
                            document_date=date.today(), reference="BR-1", convictions=[])
    for person in supplier.organisation.key_persons:
        services.record_extract(db.session, officer, supplier, key_person_id=person.id,
                                document_date=date.today(), reference="BR-2",
                                convictions=list(convictions))


def grounds(check):
    return {g.code: g.outcome for g in check.grounds}


def test_clean_supplier_with_extracts_is_clear_except_person_sanctions(db, make, officer, fake):
    supplier = supplier_with_vd(db, make, officer)
    extracts(db, officer, supplier)
    check = checks.check_supplier(db.session, officer, supplier)
    result = grounds(check)
    assert result["crime"] == rules.CLEAR
    assert result["taxes"] == rules.CLEAR
    assert result["insolvency"] == rules.CLEAR
    assert result["deficiency"] == rules.CLEAR
    # the fake answers persons like companies: so misconduct and sanctions are clear too
    assert result["misconduct"] == rules.CLEAR and result["sanctions"] == rules.CLEAR
    assert check.overall == rules.CLEAR
    stored = {e.key: e for e in check.evidence}
    assert stored["criminal_record:org"].status == ev.NOT_FOUND
    assert stored["bolagsverket:org"].ref.startswith("fake:bolagsverket")
    assert check.rule_values["suppliers.conviction_years"] == 5
    assert check.representatives == ["VD Vera Direktör"]


def test_without_extracts_the_crime_ground_cannot_be_checked(db, make, officer, fake):
    supplier = supplier_with_vd(db, make, officer)
    check = checks.check_supplier(db.session, officer, supplier)
    crime = next(g for g in check.grounds if g.code == "crime")
    assert crime.outcome == rules.UNKNOWN
    assert check.overall == rules.UNKNOWN
    assert any("belastningsregistret" in a for a in crime.actions)


def test_conviction_of_representative_is_found_and_mandatory(db, make, officer, fake):
    supplier = supplier_with_vd(db, make, officer)
    extracts(db, officer, supplier, [{"category": "bribery",
                                      "judgment_date": date.today() - timedelta(days=400),
                                      "description": "Givande av muta", "court": "Solna TR"}])
    check = checks.check_supplier(db.session, officer, supplier)
    crime = next(g for g in check.grounds if g.code == "crime")
    assert crime.outcome == rules.FOUND and crime.mandatory
    assert "VD Vera Direktör" in crime.reasons[0]


def test_another_departments_extract_is_not_used(db, make, officer, fake):
    supplier = supplier_with_vd(db, make, officer)
    other = make.user(role="procurement")
    extracts(db, other, supplier)
    check = checks.check_supplier(db.session, officer, supplier)
    assert grounds(check)["crime"] == rules.UNKNOWN


def test_registry_fault_is_never_clear(db, make, officer, fake):
    supplier = supplier_with_vd(db, make, officer)
    extracts(db, officer, supplier)
    fake.set(supplier.organisation.orgnr, "kronofogden", status=ev.UNAVAILABLE, facts=(),
             message="Tidsgräns")
    fake.set(supplier.organisation.orgnr, "bolagsverket", status=ev.PARTIAL, missing_parts=(
        "pågående konkurs, likvidation eller rekonstruktion",))
    check = checks.check_supplier(db.session, officer, supplier)
    assert grounds(check)["taxes"] == rules.UNKNOWN
    assert grounds(check)["insolvency"] == rules.UNKNOWN
    assert check.overall == rules.UNKNOWN


def test_stale_answer_is_not_relied_on(db, make, officer, fake):
    supplier = supplier_with_vd(db, make, officer)
    extracts(db, officer, supplier)
    from datetime import datetime, timezone
    fake.set(supplier.organisation.orgnr, "skatteverket",
             retrieved_at=datetime.now(timezone.utc) - timedelta(days=200),
             facts=(ev.TaxStatus(True, True, True, date.today() - timedelta(days=120)),),
             document_date=date.today() - timedelta(days=120))
    check = checks.check_supplier(db.session, officer, supplier)
    assert grounds(check)["tax_registration"] == rules.UNKNOWN
    stored = {e.key: e for e in check.evidence}
    assert stored["skatteverket:org"].stale


def test_warning_from_other_department_is_found(db, make, officer, fake):
    supplier = supplier_with_vd(db, make, officer)
    jarva = make.user(role="lss", department=make.department(name="Järva"))
    orgs.raise_warning(db.session, jarva, supplier.organisation, category="exclusion",
                       reason="Avtalet hävdes efter falska tidrapporter.", evidence="JÄR 1")
    check = checks.check_supplier(db.session, officer, supplier)
    misconduct = next(g for g in check.grounds if g.code == "misconduct")
    assert misconduct.outcome == rules.FOUND and "Järva" in misconduct.reasons[0]


def test_complaints_count_as_deficiency(db, make, officer, fake):
    supplier = supplier_with_vd(db, make, officer)
    contract = services.create_contract(db.session, officer, supplier, {
        "reference": "AVT-1", "title": "Städ", "procedure": "lou_open", "above_threshold": True})
    farsta = make.user(role="lss", department=make.department(name="Farsta"))
    complaint = services.file_complaint(db.session, farsta, contract,
                                        occurred_on=date.today() - timedelta(days=10),
                                        category="quality", severity="serious",
                                        description="Städning uteblev tre veckor.")
    check = checks.check_supplier(db.session, officer, supplier)
    assert grounds(check)["deficiency"] == rules.FOUND
    services.assess_complaint(db.session, officer, complaint, status="rejected",
                              assessment="Felaktig adress i beställningen.")
    check = checks.check_supplier(db.session, officer, supplier)
    assert grounds(check)["deficiency"] == rules.CLEAR


def test_evidence_and_grounds_are_immutable(db, make, officer, fake):
    supplier = supplier_with_vd(db, make, officer)
    check = checks.check_supplier(db.session, officer, supplier)
    db.session.commit()
    ground = db.session.get(CheckGround, check.grounds[0].id)
    ground.outcome = rules.CLEAR
    with pytest.raises(ImmutableError):
        db.session.flush()
    db.session.rollback()
    check = db.session.get(SupplierCheck, check.id)
    check.overall = rules.CLEAR
    with pytest.raises(ImmutableError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(SupplierCheck, check.id).evidence[0])
    with pytest.raises(ImmutableError):
        db.session.flush()


def test_screen_procurement_reports_progress_and_checks_every_tenderer(db, make, officer, fake):
    procurement = services.create_procurement(db.session, officer, {
        "reference": "SOC 2026/1", "title": "Personlig assistans", "procedure": "lou_open",
        "above_threshold": True, "welfare": True, "permit_bound": True,
        "permit_activity": "personlig assistans"})
    for i in range(3):
        org = make.organisation(name=f"Anbudsgivare {i} AB")
        services.add_tenderer(db.session, officer, procurement, orgnr=org.orgnr)
    fake.set(procurement.tenders[1].supplier.organisation.orgnr, "ivo",
             facts=(ev.Permit("LSS 9 § 2 personlig assistans", "återkallat"),))
    seen = []
    done = checks.screen_procurement(db.session, officer, procurement,
                                     progress=lambda d, t, m: seen.append((d, t)))
    assert [c.procurement_id for c in done] == [procurement.id] * 3
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert all(c.regime == rules.LOU19 for c in done)  # welfare service
    permit = [next(g for g in c.grounds if g.code == "permit") for c in done]
    assert permit[1].outcome == rules.FOUND
    assert ("ivo", procurement.tenders[0].supplier.organisation.orgnr) in fake.calls


def test_batch_with_faults_never_gives_false_clean(db, make, officer, fake):
    """The same supplier, clean in every registry, with one registry failing per supplier."""
    procurement = services.create_procurement(db.session, officer, {
        "reference": "SOC 2026/2", "title": "Städ", "procedure": "lou_open",
        "above_threshold": True})
    failures = [("bolagsverket", ev.ERROR), ("kronofogden", ev.UNAVAILABLE),
                ("skatteverket", ev.PARTIAL), ("sanctions", ev.UNAVAILABLE)]
    for i, (registry, status) in enumerate(failures):
        org = make.organisation(name=f"Leverantör {i} AB")
        supplier = services.supplier_for(db.session, officer, org)
        services.add_tenderer(db.session, officer, procurement, orgnr=org.orgnr)
        services.record_extract(db.session, officer, supplier, key_person_id=None,
                                document_date=date.today(), reference=None, convictions=[])
        fake.set(org.orgnr, registry, status=status, facts=(), missing_parts=("okänd del",))
    done = checks.screen_procurement(db.session, officer, procurement)
    assert [c.overall for c in done] == [rules.UNKNOWN] * 4


def test_real_offline_registries_for_demo_organisation(db, make, officer):
    """Through the registries package in offline mode: Bolagsverket fixtures answer, files
    for Skatteverket/Kronofogden are missing, so the check cannot clear the supplier."""
    org = orgs.register_organisation(db.session, orgnr="556901-2346",
                                     name="Omsorgspartner i Norden AB")
    supplier = services.supplier_for(db.session, officer, org)
    check = checks.check_supplier(db.session, officer, supplier)
    stored = {e.key: e for e in check.evidence}
    assert stored["bolagsverket:org"].ref.startswith("registry_lookup:")
    assert stored["kronofogden:org"].status == ev.UNAVAILABLE
    assert grounds(check)["taxes"] == rules.UNKNOWN
    assert check.overall in (rules.UNKNOWN, rules.FOUND)


def test_representatives_are_screened_through_the_registries(db, make, officer):
    """Offline mode: the sanctions fixtures cannot answer for a person, so the grounds that
    need the person read "kunde inte kontrolleras", and the lookup is stored as evidence."""
    org = orgs.register_organisation(db.session, orgnr="556874-3214",
                                     name="Assistansgruppen Trygg Vardag AB")
    orgs.add_key_person(db.session, org, role="vd", name="David Demosson",
                        personnummer="821230-2460")
    supplier = services.supplier_for(db.session, officer, org)
    check = checks.check_supplier(db.session, officer, supplier)
    person = org.key_persons[0]
    stored = {e.key: e for e in check.evidence}
    item = stored[f"sanctions:person:{person.id}"]
    assert item.ref.startswith("registry_lookup:") and item.status == ev.UNAVAILABLE
    assert "821230" not in (item.query or "") and "2460" not in (item.query or "")
    assert grounds(check)["sanctions"] == rules.UNKNOWN


@pytest.fixture
def stub(app, monkeypatch):
    from registries.stub import StubRegistry, StubServer

    server = StubServer(StubRegistry(latency=0.0, seed=5, retry_after=0)).start()
    settings = server.config(REGISTRY_RETRIES=0, REGISTRY_TIMEOUT_READ=2.0,
                             REGISTRY_ABORT_AFTER_FAILURES=0,
                             REGISTRY_RATE_LIMIT={"bolagsverket": 0, "sanctions": 0},
                             REGISTRY_CACHE_MAX_AGE={"bolagsverket": 0, "sanctions": 0,
                                                     "skatteverket": 0, "kronofogden": 0,
                                                     "ivo": 0})
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.stop()


def test_http_faults_in_a_batch_never_read_as_clean(db, make, officer, stub):
    """Through the registries' HTTP adapters and stub server: one tenderer's Bolagsverket
    answer fails (HTTP 500), another's is partly failed; both are "kunde inte kontrolleras"
    on insolvency, the third (a fault-free active company) is clear."""
    from registries import stub_data

    procurement = services.create_procurement(db.session, officer, {
        "reference": "SOC 2026/3", "title": "Städ", "procedure": "lou_open",
        "above_threshold": True})
    numbers = []
    n = 0
    while len(numbers) < 3:
        n += 1
        candidate = orgnr(5, 4000 + n)
        if stub_data.truth(candidate.replace("-", ""))["kind"] == "active":
            numbers.append(candidate)
    for i, number in enumerate(numbers):
        services.add_tenderer(db.session, officer, procurement, orgnr=number,
                              name=f"Stubbolag {i} AB")
    stub.app.inject(numbers[0].replace("-", ""), "500")
    stub.app.inject(numbers[1].replace("-", ""), "partial")
    done = checks.screen_procurement(db.session, officer, procurement)
    insolvency = [next(g for g in c.grounds if g.code == "insolvency") for c in done]
    assert insolvency[0].outcome == rules.UNKNOWN
    assert insolvency[1].outcome in (rules.UNKNOWN, rules.CLEAR)
    partial = {e.key: e for e in done[1].evidence}["bolagsverket:org"]
    assert partial.status == ev.PARTIAL and partial.missing_parts
    if insolvency[1].outcome == rules.CLEAR:  # only if the missing part is not a needed one
        assert not set(partial.missing_parts) & ev.BV_INSOLVENCY_PARTS
    assert insolvency[2].outcome == rules.CLEAR
    assert all(c.overall != rules.CLEAR for c in done[:2])


def test_batch_person_lookup_is_used_when_the_registries_offer_it(db, make, officer,
                                                                  monkeypatch):
    """Forward compatible: one call for every representative of the batch, in order; a
    failure of that call is "kunde inte kontrolleras" for each person."""
    from registries import services as registry_services
    from registries.base import NOT_FOUND, RegistryResult
    from registries.store import store_results

    calls = []

    def batch_person_lookup(session, user, people, concurrency=None):
        calls.append(people)
        results = [RegistryResult(registry="sanctions", identifier=f"person::{name}"[:40],
                                  status=NOT_FOUND, source="fake") for name, _ in people]
        return store_results(session, user, results, {})

    monkeypatch.setattr(registry_services, "batch_person_lookup", batch_person_lookup,
                        raising=False)
    org = make.organisation(name="Två Personer AB")
    orgs.add_key_person(db.session, org, role="vd", name="Anna Andersson",
                        personnummer="821230-2460")
    orgs.add_key_person(db.session, org, role="styrelseledamot", name="Bo Berg")
    supplier = services.supplier_for(db.session, officer, org)
    check = checks.check_supplier(db.session, officer, supplier)
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted([("Anna Andersson", date(1982, 12, 30)), ("Bo Berg", None)])
    people = [e for e in check.evidence if e.source == "sanctions" and e.subject != "org"]
    assert {e.status for e in people} == {ev.NOT_FOUND}
    assert all(e.ref.startswith("registry_lookup:") for e in people)

    def broken(*args, **kwargs):
        raise RuntimeError("yente nere")

    monkeypatch.setattr(registry_services, "batch_person_lookup", broken)
    check = checks.check_supplier(db.session, officer, supplier)
    people = [e for e in check.evidence if e.source == "sanctions" and e.subject != "org"]
    assert {e.status for e in people} == {ev.ERROR}
    assert grounds(check)["sanctions"] == rules.UNKNOWN
