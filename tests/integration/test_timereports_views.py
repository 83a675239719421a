"""Time reports through the web and the API as the real roles: the provider's portal (grid,
paste, upload, approvals) fenced to its own users, the JSON API with tokens, and the district's
exception queue, missing reports and settlement export, scoped by district."""
import io
from datetime import date
from decimal import Decimal

import pytest

from assistance.timereport_api_auth import create_token
from assistance.timereport_models import TimeReport, TimeReportFinding
from assistance.timereport_run import check_month
from tests.timereport_helpers import assistance_user, assistant, valid_permit

MONTH = "2024-03"


@pytest.fixture
def world(db, make):
    district = make.department(code="sdf-a")
    other_district = make.department(code="sdf-b")
    external = make.department(code="externa", kind="other")
    provider = make.organisation(name="Assistans AB")
    rival = make.organisation(name="Konkurrent AB")
    for org in (provider, rival):
        valid_permit(db.session, org)
    user = assistance_user(db.session, district, provider, hours_per_week=Decimal(14))
    rivals_user = assistance_user(db.session, other_district, rival)
    a = assistant(db.session, provider)
    staff = make.user(role="provider", department=external)
    staff.organisation_id = provider.id
    officer = make.user(role="lss", department=district)
    other_officer = make.user(role="lss", department=other_district)
    db.session.commit()
    return locals()


def _grid(aid, rows):
    data = {"count": str(len(rows))}
    for i, (day, start, end) in enumerate(rows, start=1):
        data.update({f"line-{i}-assistant_id": aid, f"line-{i}-date": day,
                     f"line-{i}-start": start, f"line-{i}-end": end, f"line-{i}-kind": "ordinarie"})
    return data


def test_provider_is_fenced_to_its_portal(world, login_as):
    c = login_as(world["staff"])
    assert c.get("/").headers["Location"].endswith("/provider/")
    for url in ("/organisations/", "/assistance/", "/assistance/timereports/", "/admin/audit",
                f"/provider/report/{world['rivals_user'].id}/{MONTH}"):
        assert c.get(url).status_code in (403, 404), url
    page = c.get(f"/provider/?month={MONTH}").get_data(as_text=True)
    assert world["user"].name in page and "Konkurrent" not in page


def test_every_link_and_form_of_the_provider_portal_is_open_to_the_provider(world, login_as, app):
    """The fence lists what a provider may reach by endpoint name: each name must exist, and
    every link and form on the portal (language switch, password change, logout) answers."""
    import html
    import re

    from assistance.timereport_provider_views import OPEN_ENDPOINTS

    assert OPEN_ENDPOINTS <= {rule.endpoint for rule in app.url_map.iter_rules()}
    c = login_as(world["staff"])
    page = c.get(f"/provider/?month={MONTH}").get_data(as_text=True)
    links = {html.unescape(u) for u in re.findall(r'href="(/[^"#]*)"', page)}
    forms = {html.unescape(re.search(r'action="([^"]*)"', tag).group(1))
             for tag in re.findall(r"<form[^>]*>", page)
             if 'method="post"' in tag.lower() and 'action="/' in tag}
    assert "/password" in links and any(url.startswith("/language/") for url in forms)
    for url in sorted(links):
        if not url.startswith("/static/"):
            assert c.get(url).status_code != 404, url
    for url in sorted(forms):
        if url.startswith("/language/"):
            assert c.post(url, data={"next": "/provider/"}).status_code == 302, url


def test_provider_submits_grid_with_paste_then_approves(world, login_as, db):
    c = login_as(world["staff"])
    aid = world["a"].assistant_id
    data = _grid(aid, [("2024-03-01", "08:00", "10:00")])
    data["paste"] = "assistent\tdatum\tstart\tslut\ttyp\n" + f"{aid}\t2024-03-02\t22:00\t06:00\tjour\n"
    r = c.post(f"/provider/report/{world['user'].id}/{MONTH}", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    report = db.session.query(TimeReport).one()
    assert [ln.kind for ln in report.lines] == ["ordinary", "on_call"] and report.source == "web"
    again = c.post(f"/provider/report/{world['user'].id}/{MONTH}", data=data, follow_redirects=True)
    assert "redan inskickad" in again.get_data(as_text=True)
    c.post(f"/provider/reports/{report.id}/approve", data={"who": "user", "approved_by": "Företrädare"})
    c.post(f"/provider/reports/{report.id}/approve",
           data={"who": "assistant", "assistant_id": aid, "approved_by": "Anna"})
    db.session.expire_all()
    assert db.session.get(TimeReport, report.id).status == "approved"


def test_grid_errors_name_row_and_column(world, login_as, db):
    c = login_as(world["staff"])
    data = _grid(world["a"].assistant_id, [("2024-03-01", "08:00", "10:00"),
                                           ("2024-03-40", "8", "10:00")])
    page = c.post(f"/provider/report/{world['user'].id}/{MONTH}", data=data).get_data(as_text=True)
    assert "Rad 2, kolumn date" in page and "Rad 2, kolumn start" in page
    assert 'id="error-summary"' in page and db.session.query(TimeReport).count() == 0


def test_provider_upload_csv(world, login_as, db):
    c = login_as(world["staff"])
    csv = ("provider_org_nr;person_id;month;assistant_id;date;start;end;kind\n"
           f";{world['user'].person_id};{MONTH};{world['a'].assistant_id};2024-03-04;08:00;12:00;ordinarie\n")
    r = c.post("/provider/upload", data={"file": (io.BytesIO(csv.encode()), "mars.csv")},
               content_type="multipart/form-data", follow_redirects=True)
    assert "1 rapport inskickad" in r.get_data(as_text=True)  # not "1 rapporter"
    bad = csv.replace(world["user"].person_id, world["rivals_user"].person_id)
    r = c.post("/provider/upload", data={"file": (io.BytesIO(bad.encode()), "mars.csv")},
               content_type="multipart/form-data", follow_redirects=True)
    assert "Inget importerades" in r.get_data(as_text=True)


@pytest.fixture
def api(world, db, client):
    token = create_token(db.session, None, world["provider"], "System")
    db.session.commit()

    def post(body, token=token, raw=None):
        return client.post("/api/v1/timereports", data=raw if raw is not None else None,
                           json=body if raw is None else None,
                           headers={"Authorization": f"Bearer {token}"},
                           content_type="application/json")
    return post


def _body(world, **kw):
    body = {"person_id": world["user"].person_id, "month": MONTH,
            "lines": [{"assistant_id": world["a"].assistant_id, "date": "2024-03-05",
                       "start": "08:00", "end": "16:00", "kind": "ordinary"}]}
    body.update(kw)
    return body


def test_api_submit_is_idempotent_and_token_scoped(world, api, db, client):
    first = api(_body(world))
    assert first.status_code == 201 and first.json["created"] and first.json["version"] == 1
    again = api(_body(world))
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert not again.json["created"] and db.session.query(TimeReport).count() == 1
    assert "*" in first.json["person_id"]
    shown = client.get(f"/api/v1/timereports/{first.json['id']}", headers={
        "Authorization": "Bearer nope"})
    assert shown.status_code == 401


def test_api_bad_token_other_providers_user_malformed_json(world, api):
    assert api(_body(world), token="tr_wrong").status_code == 401
    other = api(_body(world, person_id=world["rivals_user"].person_id))
    unknown = api(_body(world, person_id="19121212-1212"))
    assert other.status_code == unknown.status_code == 404
    assert other.json["title"] == unknown.json["title"]
    assert api(None, raw="{not json").status_code == 400
    assert api(_body(world, lines="x")).status_code == 400
    bad = api(_body(world, lines=[{"assistant_id": "x", "date": "2024-03-01", "start": "8",
                                   "end": "10:00"}]))
    assert bad.status_code == 422
    assert {(e["row"], e["column"]) for e in bad.json["errors"]} == {(1, "assistant_id"),
                                                                      (1, "start")}


def test_openapi_description(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.") and "/api/v1/timereports" in spec["paths"]


def test_officer_queue_is_scoped_and_accept_needs_comment(world, login_as, db, api):
    api(_body(world))
    check_month(db.session, None, date(2024, 3, 1))
    db.session.commit()
    finding = db.session.query(TimeReportFinding).filter_by(code="MISSING_APPROVAL").one()
    other = login_as(world["other_officer"])
    assert other.get(f"/assistance/timereports/findings/{finding.id}").status_code == 404
    link = f"/assistance/timereports/findings/{finding.id}\""
    assert link not in other.get(
        f"/assistance/timereports/findings?month={MONTH}").get_data(as_text=True)
    c = login_as(world["officer"])
    assert link in c.get(
        f"/assistance/timereports/findings?month={MONTH}").get_data(as_text=True)
    r = c.post(f"/assistance/timereports/findings/{finding.id}", data={"action": "accept"},
               follow_redirects=True)
    assert "Skriv en kommentar" in r.get_data(as_text=True)
    c.post(f"/assistance/timereports/findings/{finding.id}",
           data={"action": "accept", "comment": "Godkänt på papper"})
    db.session.expire_all()
    assert db.session.get(TimeReportFinding, finding.id).state == "accepted"
    assert other.post(f"/assistance/timereports/findings/{finding.id}",
                      data={"action": "uphold"}).status_code == 404


def test_settlement_export_and_missing_reports(world, login_as, db):
    c = login_as(world["officer"])
    csv = c.get(f"/assistance/timereports/settlement?month={MONTH}&format=csv")
    text = csv.get_data().decode("utf-8-sig")
    assert csv.status_code == 200 and "Att återkräva" in text and world["user"].person_id not in text
    assert "20621,20" in text or "20 621,20" in text or "20621.20" in text
    page = c.get(f"/assistance/timereports/missing?month={MONTH}").get_data(as_text=True)
    assert world["user"].name in page and world["rivals_user"].name not in page
    c.post("/assistance/timereports/missing/remind", data={"month": MONTH})
    staff = login_as(world["staff"])
    assert "Rapport för 2024-03 saknas" in staff.get("/provider/").get_data(as_text=True)
    assert c.get(f"/assistance/timereports/?month={MONTH}").status_code == 200


def test_district_dashboard_leads_to_time_reports(world, login_as):
    page = login_as(world["officer"]).get("/assistance/").get_data(as_text=True)
    assert "/assistance/timereports/findings?state=open" in page


def test_an_officers_run_writes_only_the_own_districts_queue(world, login_as, db, api):
    api(_body(world))
    login_as(world["other_officer"]).post("/assistance/timereports/check", data={"month": MONTH})
    assert db.session.query(TimeReportFinding).count() == 0  # the finding is district A's
    login_as(world["officer"]).post("/assistance/timereports/check", data={"month": MONTH})
    assert {f.department_id for f in db.session.query(TimeReportFinding)} == {world["district"].id}


def test_a_tampered_grid_count_is_not_an_error_page(world, login_as):
    c = login_as(world["staff"])
    data = _grid(world["a"].assistant_id, [("2024-03-01", "08:00", "10:00")])
    data["count"] = "x"
    r = c.post(f"/provider/report/{world['user'].id}/{MONTH}", data=data)
    assert r.status_code == 200 and "Rapporten har inga rader" in r.get_data(as_text=True)


def test_the_check_job_runs_as_the_worker_runs_it(world, db, app, api):
    """Fresh app context, as the worker: the job writes the officer's district queue only."""
    from assistance.timereport_jobs import CHECK_JOB
    from oversight.jobs import create_job, run_job

    api(_body(world))
    job = create_job(db.session, world["officer"], CHECK_JOB, "Kontroll",
                     {"month": MONTH, "department_id": world["district"].id})
    db.session.commit()
    job_id = job.id
    with app.app_context():
        run_job(job_id)
    db.session.expire_all()
    assert db.session.get(type(job), job_id).status == "done"
    assert {f.department_id for f in db.session.query(TimeReportFinding)} == {world["district"].id}


def test_an_assistants_personnummer_in_a_finding_is_masked_on_the_page_and_in_the_export(
        world, login_as, db, api):
    """The stored explanation names the assistant who has not approved (evidence for a case);
    the officer's page and the findings export show it masked, as every list does."""
    from assistance.timereport_submit import approve_as_user
    from oversight.identifiers import mask_personnummer

    api(_body(world))
    approve_as_user(db.session, None, db.session.query(TimeReport).one(), "Brukaren")
    check_month(db.session, None, date(2024, 3, 1))
    db.session.commit()
    aid = world["a"].assistant_id
    finding = db.session.query(TimeReportFinding).filter_by(code="MISSING_APPROVAL").one()
    assert aid in finding.explanation  # stored in full
    c = login_as(world["officer"])
    page = c.get(f"/assistance/timereports/findings/{finding.id}").get_data(as_text=True)
    export = c.get(f"/assistance/timereports/findings?month={MONTH}&format=csv").get_data(
        as_text=True)
    for shown in (page, export):
        assert aid not in shown and aid[-4:] not in shown
        assert mask_personnummer(aid).replace("-", "") in shown.replace("-", "")


def test_statistics_without_the_years_hourly_amount_show_counts_and_say_why_no_amounts(
        world, login_as, db, api):
    """The schablonbelopp of a year is entered as data; until it is, the month's statistics
    still show reports and findings, and say why hours and amounts are missing (fail closed:
    no amount computed from a missing rule)."""
    body = _body(world, month="2026-11")
    body["lines"][0]["date"] = "2026-11-05"
    assert api(body).status_code == 201
    c = login_as(world["officer"])
    page = c.get("/assistance/timereports/?month=2026-11").get_data(as_text=True)
    assert "Timmar och belopp kan inte räknas fram" in page
    assert "Rapporter inkomna" in page and "Avvikelser per kontroll" in page
    assert " kr<" not in page  # no amount shown
    assert c.get("/assistance/timereports/?month=2026-11&format=csv").status_code == 200
