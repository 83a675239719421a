"""The web side: pages, forms, permissions, the detection job, exports, attention items, the
organisation-page section and the demo data."""
from __future__ import annotations

import io
import re
from datetime import date

from sqlalchemy import func, select

from associations import imports
from associations.detection import run_detection
from associations.models import (
    ClusterJudgement,
    DetectionCluster,
    DetectionRun,
    Grant,
    GrantDecision,
    LedgerImport,
)
from oversight.jobs import Job
from oversight.organisations.models import Organisation
from tests.factories import orgnr

Y = date.today().year


def seed_ledger(db, make, org_number: str):
    rows = (f"department;payee_name;org_nr;amount;date;account_text;purpose\n"
            f"Kulturförvaltningen;Föreningen Test;{org_number};1000;2026-03-05;45300;Läxhjälp\n"
            f"Idrottsförvaltningen;Föreningen Test;{org_number};2000;2026-03-06;45300;Fotboll\n")
    return imports.import_ledger(db.session, None, data=rows.encode(), filename="r.csv",
                                 department=make.department()).ledger_import


def test_association_page_shows_grants_payments_chart_and_table(db, make, login_as):
    dept = make.department(name="Kulturförvaltningen")
    user = make.user(role="grants", department=dept)
    org = make.organisation(name="Föreningen Test", group=8, registration_date=date(2010, 1, 1))
    seed_ledger(db, make, org.orgnr)
    client = login_as(user)
    response = client.post(f"/associations/org/{org.id}/grants/new", data={
        "grantor": f"dept:{dept.id}", "form": "tidsbegransat", "status": "granted",
        "purpose": "Läxhjälp för barn", "activity": "Läxhjälp",
        "period_start": f"{Y}-01-01", "period_end": f"{Y}-12-31", "amount": "50000"})
    assert response.status_code == 302
    grant = db.session.scalar(select(Grant))
    assert grant.department_id == dept.id and grant.created_by_id == user.id
    assert {f["code"] for f in grant.eligibility} >= {"no_giro"}
    html = client.get(f"/associations/org/{org.id}").get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html and "<title" in html
    assert "Betalningar per förvaltning (tabell)" in html
    assert "Kulturförvaltningen" in html and "Idrottsförvaltningen" in html
    assert "3\u00a0000\u00a0kr" in html  # total paid
    assert "Inget bankgiro eller plusgiro" in html
    page = client.get(f"/associations/grants/{grant.id}").get_data(as_text=True)
    assert "Halvårsredovisning" in page and "Årsredovisning" in page
    # The organisation page has a section from this module.
    org_page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert 'id="foreningsbidrag"' in org_page and "Visa föreningssidan" in org_page


def test_grant_form_errors_are_shown_and_nothing_saved(db, make, login_as):
    dept = make.department()
    client = login_as(make.user(role="grants", department=dept))
    org = make.organisation(group=8)
    db.session.commit()  # the view's rollback after an error must not take the test's rows
    response = client.post(f"/associations/org/{org.id}/grants/new", data={
        "grantor": f"dept:{dept.id}", "form": "projekt", "status": "granted", "purpose": "x",
        "period_start": f"{Y}-05-01", "period_end": f"{Y}-01-01", "amount": "10"})
    assert response.status_code == 200 and "före dess början" in response.get_data(as_text=True)
    response = client.post(f"/associations/org/{org.id}/grants/new", data={
        "grantor": "funder:", "funder_other": "", "form": "projekt", "status": "granted",
        "purpose": "x", "period_start": f"{Y}-01-01", "period_end": f"{Y}-02-01",
        "amount": "10"})
    assert "antingen en förvaltning eller en extern finansiär" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Grant)) == 0


def test_external_funder_and_decision_through_the_web(db, make, login_as):
    dept = make.department()
    client = login_as(make.user(role="grants", department=dept))
    org = make.organisation(group=8)
    client.post(f"/associations/org/{org.id}/grants/new", data={
        "grantor": "funder:MUCF", "form": "projekt", "status": "granted", "purpose": "Läger",
        "period_start": f"{Y}-01-01", "period_end": f"{Y}-06-30", "amount": "10000"})
    grant = db.session.scalar(select(Grant))
    assert grant.funder_name == "MUCF"
    response = client.post(f"/associations/grants/{grant.id}/decisions", data={
        "action": "withhold", "reason": "Redovisning saknas.", "reference": "DNR 1"})
    assert response.status_code == 302
    db.session.refresh(grant)
    assert grant.status == "withheld"
    # An action that is not allowed now is refused by the form's choices.
    client.post(f"/associations/grants/{grant.id}/decisions", data={
        "action": "approve", "reason": "x"})
    assert db.session.scalar(select(func.count()).select_from(GrantDecision)) == 1


def test_permissions(db, make, login_as):
    dept = make.department()
    org = make.organisation(group=8)
    auditor = login_as(make.user(role="auditor", department=dept))
    assert auditor.get("/associations/").status_code == 200
    assert auditor.get(f"/associations/org/{org.id}").status_code == 200
    assert auditor.get(f"/associations/org/{org.id}/grants/new").status_code == 403
    assert auditor.post("/associations/report/run", data={}).status_code == 403
    lss = login_as(make.user(role="lss", department=dept))
    assert lss.get("/associations/report").status_code == 200
    assert lss.get(f"/associations/org/{org.id}/profile").status_code == 403
    assert login_as(make.user(role="grants", department=dept)).get(
        f"/associations/org/{org.id}/profile").status_code == 200


def test_detection_job_report_judgement_and_export(db, make, login_as):
    dept = make.department()
    user = make.user(role="grants", department=dept)
    org = make.organisation(name="Föreningen Test", group=8)
    seed_ledger(db, make, org.orgnr)
    client = login_as(user)
    response = client.post("/associations/report/run", data={
        "period_start": "2026-03-01", "period_end": "2026-03-31"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.scalar(select(Job))
    assert job.status == "done", job.error
    run = db.session.scalar(select(DetectionRun))
    assert job.result["run_id"] == run.id and job.result_url == f"/associations/report?run={run.id}"
    assert run.job_id == job.id and run.created_by_id == user.id
    html = client.get(job.result_url).get_data(as_text=True)
    assert "Föreningen Test" in html and "Kulturförvaltningen: 1\u00a0000\u00a0kr (33\u00a0%)" in html
    cluster = db.session.scalar(select(DetectionCluster))
    response = client.post(f"/associations/clusters/{cluster.id}/judgement", data={
        "verdict": "co_funding", "comment": "Olika verksamheter."})
    assert response.status_code == 302
    judgement = db.session.scalar(select(ClusterJudgement))
    assert judgement.cluster_key == f"orgnr:{org.orgnr}" and judgement.decided_by_id == user.id
    assert "Inga mottagare matchar" in client.get(job.result_url).get_data(as_text=True)
    csv = client.get(f"/associations/report?run={run.id}&status=all&format=csv")
    text = csv.get_data(as_text=True)
    assert csv.mimetype == "text/csv" and text.startswith("\ufeffklusternyckel;")
    assert f"orgnr:{org.orgnr};Föreningen Test;{org.orgnr};ja;2;3000,00" in text
    assert "Godkänd samfinansiering" in text
    # the per-department column in the one amount format, shares that add up to 100 %
    assert "Kulturförvaltningen: 1\u00a0000\u00a0kr (33\u00a0%)" in text
    shares = re.findall(r"\((\d+)\u00a0%\)", text)
    assert shares and sum(map(int, shares)) == 100
    xlsx = client.get(f"/associations/report?run={run.id}&status=all&format=xlsx")
    assert xlsx.data[:2] == b"PK"
    cluster_page = client.get(f"/associations/clusters/{cluster.id}").get_data(as_text=True)
    assert "Godkänd samfinansiering" in cluster_page and "Olika verksamheter." in cluster_page


def test_report_filters_reject_nonsense_quietly(db, make, login_as):
    client = login_as(make.user(role="grants"))
    org = make.organisation(group=8)
    seed_ledger(db, make, org.orgnr)
    run_detection(db.session, None)
    db.session.commit()
    response = client.get("/associations/report?min_amount=mycket&status=hack&scope=all")
    assert response.status_code == 200
    assert "Minsta belopp måste vara ett tal" in response.get_data(as_text=True)
    assert client.get("/associations/report?run=999999").status_code == 404


def test_attention_items_for_grant_handlers(db, make, login_as):
    dept = make.department()
    user = make.user(role="grants", department=dept)
    org = make.organisation(name="Föreningen Sen", group=8, registration_date=date(Y - 1, 1, 1))
    from associations.grants import register_grant

    register_grant(db.session, user, org, form="verksamhetsbidrag", department=dept,
                   purpose="Verksamhet", period_start=date(Y - 3, 1, 1),
                   period_end=date(Y - 2, 12, 31), amount=1000)
    seed_ledger(db, make, org.orgnr)
    run_detection(db.session, None)
    db.session.commit()
    html = login_as(user).get("/").get_data(as_text=True)
    assert re.search(r"\b2 försenade redovisningar av föreningsbidrag", html)  # not "(ar)"
    assert "1 förening får betalt av flera förvaltningar" in html
    assert "Bidragsvarning: Föreningen Sen" in html
    lss = login_as(make.user(role="lss", department=dept)).get("/").get_data(as_text=True)
    assert "Bidragsvarning" not in lss


def test_followup_page_and_marking_a_report_received(db, make, login_as):
    dept = make.department()
    user = make.user(role="grants", department=dept)
    org = make.organisation(name="Föreningen Sen", group=8)
    from associations.grants import register_grant

    grant = register_grant(db.session, user, org, form="verksamhetsbidrag", department=dept,
                           purpose="Verksamhet", period_start=date(Y - 2, 1, 1),
                           period_end=date(Y - 2, 12, 31), amount=1000)
    client = login_as(user)
    html = client.get("/associations/follow-up").get_data(as_text=True)
    assert "Föreningen Sen" in html and "dagar sen" in html
    report = grant.reports[0]
    client.post(f"/associations/reports/{report.id}/received", data={
        "received_on": date.today().isoformat(), "status": "approved", "note": "OK",
        "next": "//evil.example/"})
    db.session.refresh(report)
    assert report.status == "approved"
    assert "Inga försenade redovisningar" in client.get("/associations/follow-up").get_data(
        as_text=True)


def test_import_pages_and_history(db, make, login_as):
    dept = make.department(name="Kulturförvaltningen")
    client = login_as(make.user(role="investigator", department=dept))
    data = (b"department;payee_name;org_nr;amount\nKultur;A;SAKNAS;1\nKultur;B;"
            + orgnr(8).encode() + b";2\n")
    response = client.post("/associations/imports/new", data={
        "file": (io.BytesIO(data), "a.csv"), "department": dept.id, "preset": "standard",
        "period": "2026-03"}, content_type="multipart/form-data")
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "SAKNAS" in preview and "Inget organisationsnummer" in preview
    response = client.post(response.headers["Location"], data={
        "department": "department", "payee_name": "payee_name", "org_nr": "org_nr",
        "amount": "amount", "period": "2026-03"})
    li = db.session.scalar(select(LedgerImport))
    job = db.session.scalar(select(Job).where(Job.kind == "associations.import"))
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert job.status == "done" and job.result["rows"] == 2 and job.result["flagged_rows"] == 1
    assert job.result_url == f"/associations/imports/{li.id}"
    assert li.preset == "standard" and li.imported_by_id is not None
    page = client.get(f"/associations/imports/{li.id}").get_data(as_text=True)
    assert "Rader med problem i organisationsnumret (1)" in page
    assert "a.csv" in client.get("/associations/imports").get_data(as_text=True)


def test_sole_trader_numbers_in_ledgers_are_masked(db, make, login_as):
    client = login_as(make.user(role="grants"))
    data = (b"department;payee_name;org_nr;amount\n"
            b"Kultur;Enskild Firma;850312-1231;1\nIdrott;Enskild Firma;19850312-1231;2\n"
            b"Kultur;Annan Firma;850312-1234;3\n")
    li = imports.import_ledger(db.session, None, data=data, filename="p.csv",
                               department=make.department()).ledger_import
    run = run_detection(db.session, None)
    db.session.commit()
    cluster = db.session.scalar(select(DetectionCluster))
    pages = [client.get(f"/associations/imports/{li.id}").get_data(as_text=True),
             client.get(f"/associations/report?run={run.id}&scope=all").get_data(as_text=True),
             client.get(f"/associations/clusters/{cluster.id}").get_data(as_text=True),
             client.get(f"/associations/report?run={run.id}&scope=all&format=csv")
             .get_data(as_text=True)]
    assert "850312-****" in pages[0]  # the invalid one, in the problem list
    for page in pages:
        assert "1231" not in page and "850312-1234" not in page
    assert all("19850312-****" in page for page in pages[1:])


def test_demo_load_is_idempotent_and_tells_the_story(db, runner):
    from associations.demo import load
    from oversight.demo import load as load_core

    load_core(db.session)
    first = load(db.session)
    db.session.commit()
    counts = [db.session.scalar(select(func.count()).select_from(m))
              for m in (Grant, LedgerImport, DetectionRun, ClusterJudgement, GrantDecision)]
    second = load(db.session)
    db.session.commit()
    assert counts == [db.session.scalar(select(func.count()).select_from(m))
                      for m in (Grant, LedgerImport, DetectionRun, ClusterJudgement,
                                GrantDecision)]
    assert "8 nya bidrag" in first and "0 nya bidrag" in second
    gemenskap = db.session.scalar(select(DetectionCluster).where(
        DetectionCluster.resolved_org_nr == "802412-3450"))
    assert gemenskap.double_funding and gemenskap.status == "new"
    ljus = db.session.scalar(select(DetectionCluster).where(
        DetectionCluster.resolved_org_nr == "817602-3458"))
    assert ljus.status == "judged" and not ljus.double_funding
    hovsta = db.session.scalars(select(DetectionCluster.canonical_name)).all()
    assert not any("Hovsta" in name for name in hovsta)
    from associations.followup import overdue_reports
    assert any(r.grant.organisation.orgnr == "802498-7656" for r in overdue_reports(db.session))
    young = db.session.scalar(select(Grant).join(Grant.organisation).where(
        Organisation.orgnr == "802501-2348"))
    assert "org_too_young" in {f["code"] for f in young.eligibility}
