"""The supplier pages over HTTP: list (search, filter, sort, export), procurement with the
"Kontrollera" job, scoping of checks and hearings, complaints, monitoring and the hooks into
shared pages (navigation, start page, organisation page)."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from oversight.organisations import services as orgs
from suppliers import checks, hearings, monitoring, rules, services
from suppliers import evidence as ev
from suppliers.models import Decision, Hearing, MonitoringFinding, Procurement
from suppliers.testing import FakeRegistries


@pytest.fixture
def fake(monkeypatch):
    return FakeRegistries().install(monkeypatch)


@pytest.fixture
def world(db, make):
    social = make.department(name="Socialförvaltningen", kind="social")
    jarva = make.department(name="Järva stadsdelsförvaltning")
    officer = make.user(role="procurement", department=social)
    district = make.user(role="lss", department=jarva)
    district_buyer = make.user(role="procurement", department=jarva)
    return social, jarva, officer, district, district_buyer


def test_nav_entry_and_list_with_search_filter_sort(db, make, world, fake, login_as):
    _, _, officer, district, _ = world
    a = services.supplier_for(db.session, officer, make.organisation(name="Alfa Omsorg AB"))
    b = services.supplier_for(db.session, officer, make.organisation(name="Beta Städ AB"))
    services.supplier_for(db.session, officer, make.organisation(name="Gamma Bygg AB"))
    orgs.raise_warning(db.session, district, b.organisation, category="deficiency",
                       reason="Brister", evidence=None)
    checks.check_supplier(db.session, officer, a)
    client = login_as(officer)
    page = client.get("/suppliers/").get_data(as_text=True)
    assert 'href="/suppliers/"' in page and "Leverantörer" in page
    assert page.index("Alfa Omsorg AB") < page.index("Beta Städ AB") < page.index("Gamma Bygg")
    assert "Aktiv varning" in page and "Inte kontrollerad" in page
    found = client.get("/suppliers/?q=beta").get_data(as_text=True)
    assert "Beta Städ AB" in found and "Alfa Omsorg AB" not in found
    by_orgnr = client.get(f"/suppliers/?q={a.organisation.orgnr.replace('-', '')}")
    assert "Alfa Omsorg AB" in by_orgnr.get_data(as_text=True)
    warned = client.get("/suppliers/?risk=warning").get_data(as_text=True)
    assert "Beta Städ AB" in warned and "Gamma Bygg" not in warned
    unchecked = client.get("/suppliers/?risk=unchecked").get_data(as_text=True)
    assert "Gamma Bygg" in unchecked and "Alfa Omsorg" not in unchecked
    assert "Beta Städ" not in unchecked
    desc = client.get("/suppliers/?sort=name&dir=desc").get_data(as_text=True)
    assert desc.index("Gamma Bygg") < desc.index("Alfa Omsorg AB")
    risk = client.get("/suppliers/?sort=risk").get_data(as_text=True)
    assert risk.index("Beta Städ AB") < risk.index("Alfa Omsorg AB")


def test_list_export_csv_and_xlsx(db, make, world, fake, login_as):
    _, _, officer, _, _ = world
    s = services.supplier_for(db.session, officer, make.organisation(name="=HYPERLINK(1) AB"))
    checks.check_supplier(db.session, officer, s)
    client = login_as(officer)
    csv = client.get("/suppliers/?format=csv").get_data().decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("organisationsnummer;namn;riskstatus")
    assert "'=HYPERLINK(1) AB" in csv
    xlsx = client.get("/suppliers/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.cell(2, 2).value == "'=HYPERLINK(1) AB"


def test_list_paginates(db, make, world, login_as):
    _, _, officer, _, _ = world
    for i in range(30):
        services.supplier_for(db.session, officer, make.organisation(name=f"Bolag {i:02d} AB"))
    client = login_as(officer)
    first = client.get("/suppliers/").get_data(as_text=True)
    assert "Bolag 00 AB" in first and "Bolag 29 AB" not in first and 'rel="next"' in first
    assert "Bolag 29 AB" in client.get("/suppliers/?page=2").get_data(as_text=True)


def test_procurement_kontrollera_runs_job_and_shows_results(db, make, world, fake, login_as):
    _, _, officer, _, _ = world
    client = login_as(officer)
    response = client.post("/suppliers/procurements/new", data={
        "reference": "SOC 2026/7", "title": "Städtjänster", "procedure": "lou_open",
        "above_threshold": "y"})
    procurement = db.session.query(Procurement).one()
    assert response.headers["Location"].endswith(f"/suppliers/procurements/{procurement.id}")
    org_bad = make.organisation(name="Konkurs Städ AB")
    db.session.commit()
    client.post(f"/suppliers/procurements/{procurement.id}/tenderers",
                data={"orgnr": org_bad.orgnr})
    good_orgnr = "559012-8764"
    client.post(f"/suppliers/procurements/{procurement.id}/tenderers",
                data={"orgnr": good_orgnr, "name": "Städkraft Stockholm AB"})
    bad = client.post(f"/suppliers/procurements/{procurement.id}/tenderers",
                      data={"orgnr": "556901-2345"}, follow_redirects=True)
    assert "Kontrollsiffran stämmer inte" in bad.get_data(as_text=True)
    fake.set(org_bad.orgnr, "bolagsverket", facts=(ev.CompanyStatus(
        org_bad.orgnr, org_bad.name, True, proceedings=(ev.Proceeding("KK", "Konkurs"),)),))
    response = client.post(f"/suppliers/procurements/{procurement.id}/screen")
    assert response.status_code == 302
    db.session.expire_all()
    procurement = db.session.get(Procurement, procurement.id)
    page = client.get(f"/suppliers/procurements/{procurement.id}").get_data(as_text=True)
    assert "Klar" in page and "Visa resultatet" in page
    assert "Grund föreligger (1)" in page and "Kunde inte kontrolleras (1)" in page
    only_found = client.get(f"/suppliers/procurements/{procurement.id}?show=found")
    text = only_found.get_data(as_text=True)
    assert "Konkurs Städ AB" in text and "Städkraft Stockholm AB" not in text.split("Resultat")[-1]
    underlag = client.get(f"/suppliers/procurements/{procurement.id}/underlag")
    assert "Kontrollunderlag" in underlag.get_data(as_text=True)
    assert "pågående konkurs" in underlag.get_data(as_text=True)
    printed = underlag.get_data(as_text=True).replace("\u00a0", " ")
    assert "Direktupphandlingsgräns: 700 000 kr" in printed and "direct_award_limit" not in printed
    # issue 11, defect 4: no raw code, score or configuration hint in the printed underlag
    shown = re.sub(r'<span class="code">[^<]*</span>', "", printed)  # codes as secondary text
    for raw in ("poäng", ".;", "yente", ">fixture<", ">platform<", "eu_edes", "local_exclusion"):
        assert raw not in shown, raw


def test_checks_and_hearings_are_department_scoped(db, make, world, fake, login_as):
    social, jarva, officer, district, district_buyer = world
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Risk AB"))
    fake.set(supplier.organisation.orgnr, "kronofogden", facts=(ev.DebtStatus(
        __import__("decimal").Decimal("90000"), ("allmänna mål",)),))
    check = checks.check_supplier(db.session, officer, supplier)
    hearing = hearings.open_hearing(db.session, officer, check, codes=["taxes"])
    hearings.update_notes(db.session, officer, hearing, "HEMLIG ANTECKNING om VD")
    orgs.raise_warning(db.session, officer, supplier.organisation, category="exclusion",
                       reason="Utesluten ur upphandling SOC 2026/1", evidence=None)
    db.session.commit()
    own = login_as(officer)
    assert own.get(f"/suppliers/checks/{check.id}").status_code == 200
    hearing_page = own.get(f"/suppliers/hearings/{hearing.id}").get_data(as_text=True)
    assert "HEMLIG ANTECKNING" in hearing_page
    for user in (district, district_buyer):
        other = login_as(user)
        assert other.get(f"/suppliers/checks/{check.id}").status_code == 404
        assert other.get(f"/suppliers/hearings/{hearing.id}").status_code == 404
        assert other.get(f"/suppliers/hearings/{hearing.id}/letter").status_code == 404
        page = other.get(f"/suppliers/{supplier.id}").get_data(as_text=True)
        assert "Utesluten ur upphandling SOC 2026/1" in page  # warnings are shared
        assert "HEMLIG" not in page and hearing.reference not in page
    assert login_as(district_buyer).post(f"/suppliers/hearings/{hearing.id}/notes",
                                         data={"internal_notes": "x"}).status_code == 404


def test_hearing_document_download_is_scoped(db, make, world, fake, login_as):
    _, _, officer, _, district_buyer = world
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Dok AB"))
    fake.set(supplier.organisation.orgnr, "skatteverket",
             facts=(ev.TaxStatus(False, True, True),))
    check = checks.check_supplier(db.session, officer, supplier)
    hearing = hearings.open_hearing(db.session, officer, check, codes=["tax_registration"])
    db.session.commit()
    client = login_as(officer)
    upload = client.post(f"/suppliers/hearings/{hearing.id}/documents", data={
        "kind": "statement", "file": (io.BytesIO(b"%PDF-1.4 test"), "yttrande.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Dokumentet är sparat" in upload.get_data(as_text=True)
    bad = client.post(f"/suppliers/hearings/{hearing.id}/documents", data={
        "kind": "statement", "file": (io.BytesIO(b"<html>"), "yttrande.html")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "inte en PDF" in bad.get_data(as_text=True)
    doc = db.session.get(Hearing, hearing.id).documents[0]
    ok = client.get(f"/suppliers/hearings/{hearing.id}/documents/{doc.id}")
    assert ok.data.startswith(b"%PDF") and "attachment" in ok.headers["Content-Disposition"]
    other = login_as(district_buyer)
    assert other.get(f"/suppliers/hearings/{hearing.id}/documents/{doc.id}").status_code == 404


def test_complaint_reaches_owner_and_text_is_limited(db, make, world, fake, login_as):
    social, jarva, officer, district, district_buyer = world
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Städ AB"))
    contract = services.create_contract(db.session, officer, supplier, {
        "reference": "AVT-3", "title": "Städ", "procedure": "direct_award"})
    db.session.commit()
    complainer = login_as(district)
    response = complainer.post(f"/suppliers/contracts/{contract.id}/complaints/new", data={
        "occurred_on": (date.today() - timedelta(days=3)).isoformat(), "category": "delivery",
        "severity": "serious", "description": "Städningen på Rinkebyvägen uteblev."},
        follow_redirects=True)
    assert "skickat till Socialförvaltningen" in response.get_data(as_text=True)
    start = login_as(officer).get("/").get_data(as_text=True)
    assert "Klagomål: Städ AB" in start
    third = make.user(role="grants", department=make.department(name="Kulturförvaltningen"))
    page = login_as(third).get(f"/suppliers/{supplier.id}").get_data(as_text=True)
    assert "Uteblivna eller försenade leveranser" in page and "Rinkebyvägen" not in page
    assert "Rinkebyvägen" in login_as(officer).get(f"/suppliers/{supplier.id}").get_data(
        as_text=True)
    future = complainer.post(f"/suppliers/contracts/{contract.id}/complaints/new", data={
        "occurred_on": (date.today() + timedelta(days=3)).isoformat(), "category": "delivery",
        "severity": "minor", "description": "x"}, follow_redirects=True)
    assert "framtiden" in future.get_data(as_text=True)


def test_monitoring_finds_bankruptcy_during_contract_and_tells_the_owner(db, make, world, fake,
                                                                         login_as):
    social, jarva, officer, district, _ = world
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Hemtjänst AB"))
    services.create_contract(db.session, officer, supplier, {
        "reference": "AVT-5", "title": "Hemtjänst", "procedure": "lov",
        "start_date": date.today() - timedelta(days=100)})
    first = monitoring.run_monitor(db.session)
    assert first.checks == 1 and first.new_findings == 0  # nothing found, first run
    fake.set(supplier.organisation.orgnr, "bolagsverket", facts=(ev.CompanyStatus(
        supplier.organisation.orgnr, "Hemtjänst AB", True,
        proceedings=(ev.Proceeding("KK", "Konkurs", date.today()),)),))
    second = monitoring.run_monitor(db.session)
    assert second.new_findings == 1
    finding = db.session.query(MonitoringFinding).one()
    assert finding.department_id == social.id and finding.code == "insolvency"
    third = monitoring.run_monitor(db.session)
    assert third.new_findings == 0  # not new any more
    db.session.commit()
    start = login_as(officer).get("/").get_data(as_text=True)
    assert "Ny grund: Hemtjänst AB" in start
    assert "Ny grund: Hemtjänst AB" not in login_as(district).get("/").get_data(as_text=True)
    feed = login_as(officer)
    assert "pågående konkurs" in feed.get("/suppliers/monitoring").get_data(as_text=True)
    feed.post(f"/suppliers/monitoring/findings/{finding.id}/ack")
    assert "Ny grund: Hemtjänst AB" not in feed.get("/").get_data(as_text=True)


def test_monitoring_reports_when_a_clean_supplier_can_no_longer_be_checked(db, make, world,
                                                                          fake):
    _, _, officer, _, _ = world
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Ren AB"))
    services.create_contract(db.session, officer, supplier, {
        "reference": "AVT-6", "title": "Bygg", "procedure": "lou_simplified"})
    services.record_extract(db.session, officer, supplier, key_person_id=None,
                            document_date=date.today(), reference=None, convictions=[])
    monitoring.run_monitor(db.session)
    fake.set(supplier.organisation.orgnr, "kronofogden", status=ev.UNAVAILABLE, facts=())
    run = monitoring.run_monitor(db.session)
    finding = db.session.query(MonitoringFinding).one()
    assert run.new_findings == 1 and finding.outcome == rules.UNKNOWN
    assert finding.code == "taxes" and "Kan inte längre kontrolleras" in finding.summary


def test_organisation_page_links_to_supplier(db, make, world, fake, login_as):
    _, _, officer, district, _ = world
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Länk AB"))
    checks.check_supplier(db.session, officer, supplier)
    db.session.commit()
    page = login_as(officer).get(f"/organisations/{supplier.organisation_id}").get_data(
        as_text=True)
    assert f'href="/suppliers/{supplier.id}"' in page and "Senaste kontroll" in page
    other = login_as(district).get(f"/organisations/{supplier.organisation_id}")
    assert "inte kontrollerat" in other.get_data(as_text=True)
    plain = make.organisation(name="Ingen leverantör AB")
    db.session.commit()
    assert "Öppna leverantörssidan" not in login_as(officer).get(
        f"/organisations/{plain.id}").get_data(as_text=True)


def test_check_now_from_supplier_page(db, make, world, fake, login_as):
    _, _, officer, district, _ = world
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Direkt AB"))
    db.session.commit()
    client = login_as(officer)
    response = client.post(f"/suppliers/{supplier.id}/check", data={"regime": "lou19"},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Kontrollunderlag: Direkt AB" in text and "19 kap. 17 §" in text
    assert login_as(district).post(f"/suppliers/{supplier.id}/check",
                                   data={"regime": "lou"}).status_code == 403


def test_extract_form_records_convictions_with_row_errors(db, make, world, login_as):
    _, _, officer, _, _ = world
    org = make.organisation(name="Utdrag AB")
    person = orgs.add_key_person(db.session, org, role="vd", name="Ville VD")
    supplier = services.supplier_for(db.session, officer, org)
    db.session.commit()
    client = login_as(officer)
    bad = client.post(f"/suppliers/{supplier.id}/extracts/new", data={
        "subject": str(person.id), "document_date": date.today().isoformat(),
        "category_1": "bribery", "description_1": "Mutbrott"}, follow_redirects=True)
    assert "Dom 1: ange när domen fick laga kraft" in bad.get_data(as_text=True)
    ok = client.post(f"/suppliers/{supplier.id}/extracts/new", data={
        "subject": str(person.id), "document_date": date.today().isoformat(),
        "category_1": "bribery", "judgment_date_1": "2024-05-02",
        "description_1": "Mutbrott"}, follow_redirects=True)
    assert "Utdraget är registrerat" in ok.get_data(as_text=True)
    from suppliers.models import CriminalRecordExtract
    extract = db.session.query(CriminalRecordExtract).one()
    assert extract.key_person_id == person.id and len(extract.convictions) == 1


def test_hearing_to_published_decision_over_http(db, make, world, fake, login_as):
    social, jarva, officer, district, _ = world
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Hävd AB"))
    contract = services.create_contract(db.session, officer, supplier, {
        "reference": "AVT-8", "title": "Assistans", "procedure": "lov"})
    fake.set(supplier.organisation.orgnr, "bolagsverket", facts=(ev.CompanyStatus(
        supplier.organisation.orgnr, "Hävd AB", True,
        proceedings=(ev.Proceeding("LI", "Likvidation"),)),))
    check = checks.check_supplier(db.session, officer, supplier, contract=contract)
    db.session.commit()
    client = login_as(officer)
    response = client.post(f"/suppliers/checks/{check.id}/hearings", data={
        "codes": ["insolvency"], "deadline": (date.today() + timedelta(days=1)).isoformat()})
    hearing = db.session.query(Hearing).one()
    assert response.headers["Location"].endswith(f"/suppliers/hearings/{hearing.id}")
    client.post(f"/suppliers/hearings/{hearing.id}/sent",
                data={"sent_on": date.today().isoformat()})
    client.post(f"/suppliers/hearings/{hearing.id}/statement", data={
        "statement": "Likvidationen avslutas i maj.", "received_on": date.today().isoformat(),
        "self_cleaning": "Ny styrelse."})
    response = client.post(f"/suppliers/hearings/{hearing.id}/decisions", data={
        "outcome": "terminate_notice", "reasoning": "Bolaget är i likvidation."})
    decision_url = response.headers["Location"]
    decision_id = int(decision_url.rsplit("/", 1)[1])
    # without the confirmation step nothing happens (issue 11, defect 2); the step says what
    step = client.post(f"/suppliers/decisions/{decision_id}/sign")
    assert step.status_code == 200 and 'name="confirmed" value="yes"' in step.get_data(as_text=True)
    assert "Signera beslutet" in step.get_data(as_text=True) and "Hävd AB" in step.get_data(as_text=True)
    assert db.session.get(Decision, decision_id).status == "draft"
    client.post("/language/en", data={"next": "/"})
    step = client.post(f"/suppliers/decisions/{decision_id}/sign").get_data(as_text=True)
    assert "Sign the decision" in step and "It and its evidence can then not be changed" in step
    client.post("/language/sv", data={"next": "/"})
    client.post(f"/suppliers/decisions/{decision_id}/sign", data={"confirmed": "yes"})
    assert db.session.get(Decision, decision_id).status == "signed"
    step = client.post(f"/suppliers/decisions/{decision_id}/publish")
    assert "Publicera beslutet som varning" in step.get_data(as_text=True)
    client.post(f"/suppliers/decisions/{decision_id}/publish", data={"confirmed": "yes"})
    page = login_as(district).get(f"/organisations/{supplier.organisation_id}")
    assert "Avtalet sägs upp enligt beslut" in page.get_data(as_text=True)
    assert login_as(district).get(decision_url).status_code == 404


def test_kontrollunderlag_links_evidence_and_what_to_do(db, world, login_as):
    """Real offline registries: the Bolagsverket answer links to its stored evidence; the
    missing Kronofogden answer and extract link to where they are entered."""
    _, _, officer, _, _ = world
    org = orgs.register_organisation(db.session, orgnr="556901-2346",
                                     name="Omsorgspartner i Norden AB")
    supplier = services.supplier_for(db.session, officer, org)
    check = checks.check_supplier(db.session, officer, supplier)
    db.session.commit()
    page = login_as(officer).get(f"/suppliers/checks/{check.id}").get_data(as_text=True)
    assert "/registries/lookups/" in page
    assert f"/registries/manual/kronofogden?org={org.id}" in page
    assert f"/suppliers/{supplier.id}/extracts/new" in page
    assert "Kunde inte kontrolleras" in page and "Bedöms i upphandlingen" in page
    # rule values as label, formatted value, validity and source; never a raw key
    text = page.replace("\u00a0", " ")
    assert "Direktupphandlingsgräns: 700 000 kr, gäller från 2022-02-01, LOU 19 kap. 2 §" in text
    assert "Tidsgräns för uteslutning efter dom: 5 år" in text
    assert "direct_award_limit" not in text and "conviction_years" not in text
    shown = re.sub(r'<span class="code">[^<]*</span>', "", text)  # codes as secondary text
    for raw in ("poäng", ".;", "Använd HTTP-läget", ">fixture<", ">platform<", "eu_edes"):
        assert raw not in shown, raw


def test_removing_a_tenderer_needs_the_confirmation_step(db, make, world, login_as):
    """Issue 11, defect 2: the step says what happens and to whom; only *Ja* removes."""
    from suppliers.models import Tender

    _, _, officer, _, _ = world
    client = login_as(officer)
    client.post("/suppliers/procurements/new", data={
        "reference": "SOC 2026/9", "title": "Städ", "procedure": "lou_open"})
    procurement = db.session.query(Procurement).one()
    org = make.organisation(name="Anbud Städ AB")
    db.session.commit()
    client.post(f"/suppliers/procurements/{procurement.id}/tenderers", data={"orgnr": org.orgnr})
    tender = db.session.query(Tender).one()
    url = f"/suppliers/procurements/{procurement.id}/tenderers/{tender.id}/remove"
    step = client.post(url).get_data(as_text=True)
    assert "Ta bort anbudsgivaren" in step and "Anbud Städ AB i SOC 2026/9" in step
    assert db.session.query(Tender).count() == 1
    client.post("/language/en", data={"next": "/"})
    step = client.post(url).get_data(as_text=True)
    assert "Remove the tenderer" in step and "Anbud Städ AB in SOC 2026/9" in step
    assert client.post(url, data={"confirmed": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.query(Tender).count() == 0


def test_hearing_decision_form_errors_in_the_one_summary_linked_to_the_field(
        db, make, world, fake, login_as):
    """Issue 11, defect 3: the hearing decision form with errors shows the error summary that
    links to the field, and the field is on the page the summary is on."""
    _, _, officer, _, _ = world
    supplier = services.supplier_for(db.session, officer, make.organisation(name="Fel AB"))
    fake.set(supplier.organisation.orgnr, "bolagsverket", facts=(ev.CompanyStatus(
        supplier.organisation.orgnr, "Fel AB", True,
        proceedings=(ev.Proceeding("LI", "Likvidation"),)),))
    check = checks.check_supplier(db.session, officer, supplier)
    db.session.commit()
    client = login_as(officer)
    client.post(f"/suppliers/checks/{check.id}/hearings", data={
        "codes": ["insolvency"], "deadline": (date.today() + timedelta(days=1)).isoformat()})
    hearing = db.session.query(Hearing).one()
    page = client.post(f"/suppliers/hearings/{hearing.id}/decisions",
                       data={"outcome": "exclude", "reasoning": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert page.count('id="error-summary"') == 1 and "data-error-summary" in page
    assert 'href="#reasoning"' in page and 'id="reasoning"' in page
    assert "Skriv skälen för beslutet." in page
    assert db.session.query(Decision).count() == 0


def test_monitoring_page_counts_say_whose_findings_they_are(db, make, world, fake, login_as):
    """Issue 11, defect 6 ("8 nya fynd" and a list of 6): the run's count is the whole city's,
    said so; the department's count is the number of open rows listed."""
    _, _, officer, _, district_buyer = world
    names = {}
    for who, name, ref in ((officer, "Egen Konkurs AB", "AVT-11"),
                           (district_buyer, "Annans Konkurs AB", "AVT-12")):
        supplier = services.supplier_for(db.session, who, make.organisation(name=name))
        services.create_contract(db.session, who, supplier, {
            "reference": ref, "title": "Tjänst", "procedure": "lov",
            "start_date": date.today() - timedelta(days=100)})
        names[name] = supplier
    monitoring.run_monitor(db.session)
    for name, supplier in names.items():
        fake.set(supplier.organisation.orgnr, "bolagsverket", facts=(ev.CompanyStatus(
            supplier.organisation.orgnr, name, True,
            proceedings=(ev.Proceeding("KK", "Konkurs", date.today()),)),))
    run = monitoring.run_monitor(db.session)
    assert run.new_findings == 2
    db.session.commit()
    page = login_as(officer).get("/suppliers/monitoring").get_data(as_text=True)
    assert "2 nya fynd i hela staden" in page
    assert "1 ohanterat fynd för din förvaltning" in page
    assert "Egen Konkurs AB" in page and "Annans Konkurs AB" not in page
