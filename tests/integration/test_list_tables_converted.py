"""Issue 11, the lists review: the audit log, the multi-department report, the grant follow-up,
the job dashboard, the provider portal and the time-report statistics are the one list_table
(sort links with aria-sort, server-side order, pagination, empty state), as the real roles
through the test client."""
from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

import pytest

from assistance.timereport_models import TimeReportFinding
from oversight.audit import record_event
from oversight.jobs import FAILED, Job
from tests.conftest import login
from tests.timereport_helpers import assistance_user, assistant, valid_permit

DEMO_PASSWORD = "demo-losenord-2026"


def _cells(page: str, column: int) -> list[str]:
    """The text of one column (0-based) of the first list_table's body rows."""
    body = page[page.index('<div class="table-scroll"'):]
    body = body[body.index("<tbody>"):body.index("</tbody>")]
    out = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        out.append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cells[column])).strip())
    return out


@pytest.fixture
def small_pages(app):
    saved = app.config["PAGE_SIZE"]
    app.config["PAGE_SIZE"] = 2
    yield
    app.config["PAGE_SIZE"] = saved


def test_audit_log_sorts_by_user_pages_and_exports_in_that_order(db, make, login_as, small_pages):
    auditor = make.user(username="granskare", role="auditor")
    for name in ("cecilia", "anna", "bertil"):
        record_event(db.session, "login", "user_account", 1, f"Inloggning som {name}",
                     actor=make.user(username=name))
    client = login_as(auditor)
    page = client.get("/admin/audit?category=login&action=login&sort=actor").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and 'role="region"' in page
    assert _cells(page, 2) == ["anna", "bertil"]
    assert "actor_page" not in page and "page=2" in page  # the pager keeps filter and order
    second = client.get("/admin/audit?category=login&action=login&sort=actor&page=2").get_data(as_text=True)
    assert _cells(second, 2) == ["cecilia", "granskare"]
    desc = client.get("/admin/audit?category=login&action=login&sort=actor&dir=desc").get_data(as_text=True)
    assert _cells(desc, 2) == ["granskare", "cecilia"]
    csv = client.get("/admin/audit?category=login&action=login&sort=actor&format=csv").get_data().decode("utf-8-sig")
    actors = [line.split(";")[2] for line in csv.splitlines()[1:]]
    assert actors == ["anna", "bertil", "cecilia", "granskare"]
    empty = client.get("/admin/audit?actor=ingen").get_data(as_text=True)
    assert "Inga händelser matchar filtret." in empty and "<tbody>" not in empty.split('id="anchors"')[0]


def test_job_dashboard_sections_sort_and_page_on_their_own(db, make, login_as, small_pages):
    admin = make.user(role="admin")
    for title in ("Cirkel", "Alfa", "Bravo"):
        db.session.add(Job(kind="test.list", title=title, status=FAILED, error="fel",
                           department_id=admin.department_id))
    db.session.add(Job(kind="test.list", title="Väntar", status="queued"))
    db.session.commit()
    client = login_as(admin)
    page = client.get("/admin/jobs?sort=title").get_data(as_text=True)
    failed = page[page.index('id="failed"'):]
    assert _cells(failed, 1) == ["Alfa", "Bravo"]
    assert 'aria-sort="ascending"' in failed and "failed_page=2" in failed
    assert "Väntar" in page  # the queue is its own list, not cut by the failed list's pages
    second = client.get("/admin/jobs?sort=title&failed_page=2").get_data(as_text=True)
    assert _cells(second[second.index('id="failed"'):], 1) == ["Cirkel"]
    desc = client.get("/admin/jobs?sort=title&dir=desc").get_data(as_text=True)
    assert _cells(desc[desc.index('id="failed"'):], 1) == ["Cirkel", "Bravo"]
    assert "Inga jobb." in page  # nothing running: the empty state


def test_multi_department_report_sorts_pages_and_exports(runner, db, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    client = app.test_client()
    assert login(client, "bidrag.kultur", DEMO_PASSWORD).status_code == 302
    base = "/associations/report?status=all&scope=all"
    csv = client.get(f"{base}&sort=name&format=csv").get_data().decode("utf-8-sig")
    names = [line.split(";")[1] for line in csv.splitlines()[1:]]
    assert len(names) >= 3 and names == sorted(names, key=str.casefold)
    totals = [Decimal(line.split(";")[5].replace(",", "."))
              for line in client.get(f"{base}&sort=total&dir=desc&format=csv")
              .get_data().decode("utf-8-sig").splitlines()[1:]]
    assert totals == sorted(totals, reverse=True)  # amounts as numbers, in the chosen order
    page = client.get(f"{base}&sort=name&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    shown = [html.unescape(n) for n in re.findall(r'/associations/clusters/\d+">([^<]+)</a>', page)]
    assert shown == sorted(names, key=str.casefold, reverse=True)
    assert 'class="chart"' in page and "<desc" in page and "Utbetalt per förvaltning (tabell)" in page
    app.config["PAGE_SIZE"], saved = 2, app.config["PAGE_SIZE"]
    try:
        paged = client.get(f"{base}&sort=name").get_data(as_text=True)
        assert len(_cells(paged, 0)) == 2 and 'rel="next"' in paged
        assert f"{len(names)} mottagare</caption>" in paged  # the count is the whole list's
    finally:
        app.config["PAGE_SIZE"] = saved


def test_followup_lists_page_each_on_their_own(db, make, login_as, small_pages):
    from associations.grants import register_grant

    dept = make.department()
    user = make.user(role="grants", department=dept)
    year = date.today().year
    for name in ("Cederföreningen", "Allians Förening", "Björkens IF"):
        register_grant(db.session, user, make.organisation(name=name, group=8),
                       form="verksamhetsbidrag", department=dept, purpose="Verksamhet",
                       period_start=date(year - 2, 1, 1), period_end=date(year - 2, 12, 31),
                       amount=1000)
    client = login_as(user)
    page = client.get("/associations/follow-up?sort=association").get_data(as_text=True)
    assert "Försenade redovisningar (3)" in page
    assert _cells(page, 1) == ["Allians Förening", "Björkens IF"]
    assert "overdue_page=2" in page and "Inga redovisningar väntas" in page
    second = client.get("/associations/follow-up?sort=association&overdue_page=2").get_data(as_text=True)
    assert _cells(second, 1) == ["Cederföreningen"]


@pytest.fixture
def portal(db, make):
    district = make.department(code="sdf-l")
    provider = make.organisation(name="Listans Assistans AB")
    valid_permit(db.session, provider)
    users = [assistance_user(db.session, district, provider) for _i in range(3)]
    for u, name in zip(users, ("Cilla Ek", "Adam Berg", "Bodil Alm"), strict=True):
        u.name = name
    aid = assistant(db.session, provider).assistant_id
    staff = make.user(role="provider", department=make.department(code="ext-l", kind="other"))
    staff.organisation_id = provider.id
    officer = make.user(role="lss", department=district)
    db.session.commit()
    return {"users": users, "aid": aid, "staff": staff, "officer": officer, "district": district}


def test_provider_portal_sorts_its_users_and_a_reports_shifts(portal, login_as, small_pages):
    client = login_as(portal["staff"])
    month = "2024-03"
    bodil = portal["users"][2]
    data = {"count": "3"}
    for i, day in enumerate(("2024-03-05", "2024-03-01", "2024-03-03"), start=1):
        data.update({f"line-{i}-assistant_id": portal["aid"], f"line-{i}-date": day,
                     f"line-{i}-start": "08:00", f"line-{i}-end": "10:00",
                     f"line-{i}-kind": "ordinarie"})
    r = client.post(f"/provider/report/{bodil.id}/{month}", data=data)
    assert r.status_code == 302
    report_url = r.headers["Location"]
    page = client.get(f"/provider/?month={month}&sort=user").get_data(as_text=True)
    assert [c.split(" (")[0] for c in _cells(page, 0)] == ["Adam Berg", "Bodil Alm"]
    assert 'aria-sort="ascending"' in page and "month=2024-03" in page.split('rel="next"')[0][-300:]
    by_report = client.get(f"/provider/?month={month}&sort=report&dir=desc").get_data(as_text=True)
    assert _cells(by_report, 0)[0].startswith("Bodil Alm")  # the one sent comes first
    rows = client.get(report_url).get_data(as_text=True)
    assert _cells(rows, 2) == ["2024-03-05", "2024-03-01", "2024-03-03"]  # as reported
    by_date = client.get(report_url + "?sort=date").get_data(as_text=True)
    assert _cells(by_date, 2) == ["2024-03-01", "2024-03-03", "2024-03-05"]
    assert "<time" in by_date.split("<tbody>")[1]  # dates through the nowrap filter


def _findings(portal, db):
    user = portal["users"][0]
    counts = {"HOURS_ABOVE_DECISION": ("open", "open", "upheld"), "AFTER_DEATH": ("upheld",),
              "MISSING_APPROVAL": ("open", "accepted")}
    n = 0
    for code, states in counts.items():
        for i, state in enumerate(states):
            n += 1
            db.session.add(TimeReportFinding(
                department_id=portal["district"].id, month=date(2024, 3, 1), code=code,
                fingerprint=f"{code}-{i}", assistance_user_id=user.id, assistant_id=portal["aid"],
                hours=Decimal(n), rows="", explanation="test", state=state, day=date(2024, 3, n)))
    db.session.commit()


def test_time_report_findings_sort_by_hours_and_export(portal, db, login_as):
    _findings(portal, db)
    client = login_as(portal["officer"])
    queue = client.get("/assistance/timereports/findings?month=2024-03").get_data(as_text=True)
    states = _cells(queue, 4)
    assert states[:3] == ["Att hantera"] * 3  # unsorted: the open ones first
    page = client.get("/assistance/timereports/findings?month=2024-03&sort=hours&dir=desc"
                      ).get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    assert _cells(page, 3) == ["6,00", "5,00", "4,00", "3,00", "2,00", "1,00"]
    csv = client.get("/assistance/timereports/findings?month=2024-03&sort=day&format=csv")
    lines = csv.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("kontroll;kod;användare;personnummer;datum;timmar")
    assert [ln.split(";")[5] for ln in lines[1:]] == [f"{n},00" for n in range(1, 7)]
    assert portal["users"][0].person_id not in csv.get_data().decode("utf-8-sig")  # masked
    assert client.get("/assistance/timereports/findings?month=2024-03&sort=user"
                      ).status_code == 200


def test_time_report_statistics_sort_by_a_state_and_export(portal, db, login_as):
    _findings(portal, db)
    client = login_as(portal["officer"])
    page = client.get("/assistance/timereports/?month=2024-03").get_data(as_text=True)
    assert _cells(page, 0)[0].startswith("Fler timmar än beslutat")  # most findings first
    upheld = client.get("/assistance/timereports/?month=2024-03&sort=state-upheld&dir=desc"
                        ).get_data(as_text=True)
    assert 'aria-sort="descending"' in upheld
    assert [c.split(" ")[-1] for c in _cells(upheld, 0)] == [  # ties keep the default order
        "HOURS_ABOVE_DECISION", "AFTER_DEATH", "MISSING_APPROVAL"]
    by_check = client.get("/assistance/timereports/?month=2024-03&sort=check").get_data(as_text=True)
    labels = [c.rsplit(" ", 1)[0] for c in _cells(by_check, 0)]
    assert labels == sorted(labels, key=str.casefold)
    csv = client.get("/assistance/timereports/?month=2024-03&sort=total&dir=desc&format=csv")
    text = csv.get_data().decode("utf-8-sig").splitlines()
    assert text[0].startswith("kontroll;kod;Att hantera")
    assert text[1].split(";")[1] == "HOURS_ABOVE_DECISION" and text[1].endswith(";3")
    assert client.get("/assistance/timereports/?month=2024-03&format=xlsx").data[:2] == b"PK"


# The six lists the issue names ("follow-up, procurements, monitoring, imports, users,
# lookups"): each answers CSV and XLSX with its rows; amounts are numbers in both.
SIX_LISTS = [("upphandlare", "/suppliers/procurements/", "uppskattat värde"),
             ("upphandlare", "/suppliers/monitoring", None),
             ("upphandlare", "/registries/", None),
             ("bidrag.kultur", "/associations/imports", "summa"),
             ("bidrag.kultur", "/associations/follow-up", "belopp"),
             ("admin", "/admin/users", None)]


def test_the_six_officer_lists_export_their_rows_formula_safe(runner, db, app):
    import csv
    import io

    from openpyxl import load_workbook

    from oversight.auth.models import User
    from suppliers import services

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    buyer = db.session.scalar(db.select(User).where(User.username == "upphandlare"))
    services.create_procurement(db.session, buyer, {
        "reference": "SOC 2026/0999", "title": "=HYPERLINK(\"http://x\")", "procedure": "lou_open"})
    db.session.commit()
    for username, url, amount in SIX_LISTS:
        client = app.test_client()
        assert login(client, username, DEMO_PASSWORD).status_code == 302
        page = client.get(url).get_data(as_text=True)
        assert "format=csv" in page and "format=xlsx" in page, url
        text = client.get(f"{url}?format=csv").get_data().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert len(rows) >= 2, (url, rows)
        sheet = load_workbook(io.BytesIO(client.get(f"{url}?format=xlsx").data)).active
        cells = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert len(cells) == len(rows) and cells[0] == rows[0], url
        assert not any(str(v).startswith("=") for r in cells for v in r if v is not None), url
        if amount:
            col = rows[0].index(amount)
            assert all(re.fullmatch(r"-?\d+(,\d+)?", r[col]) for r in rows[1:] if r[col]), url
            assert all(isinstance(r[col], (int, float)) for r in cells[1:] if r[col] is not None)
    text = app.test_client()
    login(text, "upphandlare", DEMO_PASSWORD)
    assert "'=HYPERLINK" in text.get("/suppliers/procurements/?format=csv").get_data().decode("utf-8-sig")


def test_charts_on_the_report_the_monitoring_history_and_the_start_page(runner, db, app):
    """The three charts the issue asks for, each an SVG with a description and its table."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    for username, url, title, table in (
            ("bidrag.kultur", "/associations/report", "Utbetalt till mottagarna i listan, per förvaltning",
             "Utbetalt per förvaltning (tabell)"),
            ("upphandlare", "/suppliers/monitoring", "Nya fynd per körning", "Körningar (tabell)"),
            ("upphandlare", "/", "Att uppmärksamma per slag", "Att uppmärksamma per slag (tabell)")):
        client = app.test_client()
        assert login(client, username, DEMO_PASSWORD).status_code == 302
        page = client.get(url).get_data(as_text=True)
        figure = page[page.index('<figure class="chart">'):page.index("</figure>")]
        assert 'role="img"' in figure and "<title" in figure and title in figure, url
        desc = re.search(r"<desc[^>]*>(.*?)</desc>", figure, re.S).group(1)
        assert re.search(r"\d", desc), url  # the figures as text
        assert f"{table}</caption>" in page, url


def test_registry_imports_sort_page_and_export(db, make, login_as, small_pages):
    from registries.models import RegistryImport

    officer = make.user(role="procurement")
    for name, rows in (("b.csv", 5), ("=c.csv", 1), ("a.csv", 9)):
        db.session.add(RegistryImport(kind="skatteverket", filename=name, rows_total=rows,
                                      inserted=rows, status="done", imported_by_id=officer.id))
    db.session.commit()
    client = login_as(officer)
    page = client.get("/registries/import?sort=rows&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in page and 'rel="next"' in page
    assert _cells(page, 2) == ["a.csv", "b.csv"]
    assert _cells(client.get("/registries/import").get_data(as_text=True), 2) == ["a.csv", "=c.csv"]
    text = client.get("/registries/import?sort=file&format=csv").get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("importerad;typ;fil") and len(lines) == 4
    assert [ln.split(";")[2] for ln in lines[1:]] == ["'=c.csv", "a.csv", "b.csv"]
    assert lines[1].split(";")[1] == "Skatteverket (F-skatt, moms, arbetsgivare)"  # not the code
    assert client.get("/registries/import?format=xlsx").data[:2] == b"PK"


def test_case_list_sorts_by_title_and_keeps_newest_first_by_default(db, make, login_as):
    from datetime import timedelta

    from oversight.cases import services as cases

    dept = make.department(code="sdf-sort", name="Sorteringsdistriktet")
    investigator = make.user(role="investigator", department=dept)
    for days, title in ((30, "Bidrag utan rätt"), (10, "Assistans utan pass"), (20, "Dubbel lön")):
        cases.register_case(db.session, investigator, department=dept, title=title,
                            source="caseworker", person_name="Testperson",
                            person_pnr="850312-1231",
                            received_on=date.today() - timedelta(days=days))
    client = login_as(investigator)
    newest = client.get("/cases/").get_data(as_text=True)
    assert _cells(newest, 2) == ["Assistans utan pass", "Dubbel lön", "Bidrag utan rätt"]
    by_title = client.get("/cases/?sort=title&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in by_title
    assert _cells(by_title, 2) == ["Dubbel lön", "Bidrag utan rätt", "Assistans utan pass"]
    csv = client.get("/cases/?sort=title&format=csv").get_data().decode("utf-8-sig").splitlines()
    assert [line.split(";")[4] for line in csv[1:]] == [
        "Assistans utan pass", "Bidrag utan rätt", "Dubbel lön"]


def test_association_list_sorts_and_exports_with_amounts_as_numbers(db, make, login_as):
    from associations.grants import register_grant

    dept = make.department()
    user = make.user(role="grants", department=dept)
    for name, amount in (("Björkens IF", 1500), ("Allians Förening", 0), ("=Cederföreningen", 250)):
        org = make.organisation(name=name, group=8)
        if amount:
            register_grant(db.session, user, org, form="verksamhetsbidrag", department=dept,
                           purpose="Verksamhet", period_start=date(2025, 1, 1),
                           period_end=date(2025, 12, 31), amount=amount)
    client = login_as(user)
    page = client.get("/associations/?sort=name&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in page and "format=xlsx" in page
    assert _cells(page, 0) == ["Björkens IF", "Allians Förening", "=Cederföreningen"]
    text = client.get("/associations/?sort=name&format=csv").get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("förening;organisationsnummer;bidrag;beviljat")
    assert [ln.split(";")[0] for ln in lines[1:]] == [
        "'=Cederföreningen", "Allians Förening", "Björkens IF"]
    assert lines[3].split(";")[2:4] == ["1", "1500,00"]  # numbers, not "1 500 kr"


def test_account_holder_list_sorts_by_holder_and_keeps_newest_first(db, make, login_as):
    from datetime import timedelta

    from oversight.accounts import services as accounts
    from tests.factories import bankgiro

    officer = make.user(role="grants")
    for days, name in ((9, "Beta Förening"), (2, "Gamma AB"), (5, "Alfa IF")):
        accounts.add_holder_answer(db.session, officer, kind="bankgiro", number=bankgiro(),
                                   holder_name=name, holder_id=None, source="bank",
                                   status="active", answered_on=date.today() - timedelta(days=days),
                                   document=("intyg.pdf", b"%PDF-1.4\n% intyg\n"))
    client = login_as(officer)
    newest = client.get("/accounts/holders").get_data(as_text=True)
    assert _cells(newest, 1) == ["Gamma AB", "Alfa IF", "Beta Förening"]
    by_holder = client.get("/accounts/holders?sort=holder").get_data(as_text=True)
    assert 'aria-sort="ascending"' in by_holder
    assert _cells(by_holder, 1) == ["Alfa IF", "Beta Förening", "Gamma AB"]
    csv = client.get("/accounts/holders?sort=holder&dir=desc&format=csv").get_data().decode("utf-8-sig")
    assert [ln.split(";")[2] for ln in csv.splitlines()[1:]] == ["Gamma AB", "Beta Förening", "Alfa IF"]


def test_assistance_users_sort_and_page_inside_the_district(portal, login_as, small_pages, make, db):
    outside = make.department(code="sdf-annan")
    assistance_user(db.session, outside, kind="municipal").name = "Aaron Utanför"
    db.session.commit()
    client = login_as(portal["officer"])
    page = client.get("/assistance/users?sort=name").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and 'rel="next"' in page
    assert _cells(page, 0) == ["Adam Berg", "Bodil Alm"]  # never the other district's user
    last = client.get("/assistance/users?sort=name&page=2").get_data(as_text=True)
    assert _cells(last, 0) == ["Cilla Ek"]
    desc = client.get("/assistance/users?sort=name&dir=desc&format=csv").get_data().decode("utf-8-sig")
    assert [ln.split(";")[1] for ln in desc.splitlines()[1:]] == ["Cilla Ek", "Bodil Alm", "Adam Berg"]


def test_own_job_list_sorts_by_title(db, make, login_as):
    officer = make.user(role="procurement")
    for title in ("Cirkel", "Alfa", "Bravo"):
        db.session.add(Job(kind="test.list", title=title, status="done",
                           department_id=officer.department_id))
    db.session.commit()
    client = login_as(officer)
    assert _cells(client.get("/jobs/").get_data(as_text=True), 1) == ["Bravo", "Alfa", "Cirkel"]
    page = client.get("/jobs/?sort=title").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and _cells(page, 1) == ["Alfa", "Bravo", "Cirkel"]


def test_missing_reports_sort_by_user_and_export(portal, login_as):
    client = login_as(portal["officer"])
    page = client.get("/assistance/timereports/missing?month=2024-03&sort=user&dir=desc"
                      ).get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    assert [c.split(" (")[0] for c in _cells(page, 0)] == ["Cilla Ek", "Bodil Alm", "Adam Berg"]
    text = client.get("/assistance/timereports/missing?month=2024-03&sort=user&format=csv"
                      ).get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "användare;personnummer;anordnare;påminnelser;senast påmind"
    assert [ln.split(";")[0] for ln in lines[1:]] == ["Adam Berg", "Bodil Alm", "Cilla Ek"]
    assert all(u.person_id not in text for u in portal["users"])  # masked


def test_permit_alerts_sort_by_days(portal, db, make, login_as):
    from assistance.models import PermitAlert

    for name, days in (("Alfa Omsorg AB", 3), ("Beta Assistans AB", 12), ("Gamma Vård AB", 7)):
        db.session.add(PermitAlert(department_id=portal["district"].id,
                                   organisation_id=make.organisation(name=name).id,
                                   permit_status="revoked", first_day=date(2024, 3, days),
                                   last_day=date(2024, 3, 20), days_without_permit=days,
                                   users_count=1))
    db.session.commit()
    client = login_as(portal["officer"])
    page = client.get("/assistance/alerts?sort=days&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in page
    assert _cells(page, 0) == ["Beta Assistans AB", "Gamma Vård AB", "Alfa Omsorg AB"]
    by_name = client.get("/assistance/alerts?sort=provider").get_data(as_text=True)
    assert _cells(by_name, 0) == ["Alfa Omsorg AB", "Beta Assistans AB", "Gamma Vård AB"]


def test_payment_checks_sort_by_amount_page_and_export_in_the_department(db, make, login_as,
                                                                         small_pages):
    from oversight.accounts.models import PaymentCheck

    officer = make.user(role="grants")
    other = make.user(role="grants", department=make.department())
    for dept, name, amount in ((officer.department_id, "mars.csv", "1200.50"),
                               (officer.department_id, "april.csv", "99000"),
                               (officer.department_id, "maj.csv", "5000"),
                               (other.department_id, "annan.csv", "1")):
        db.session.add(PaymentCheck(department_id=dept, filename=name, file_sha256="0" * 64,
                                    file_size=10, status="done", n_payments=2,
                                    total_amount=Decimal(amount), summary={"attention": 1}))
    db.session.commit()
    client = login_as(officer)
    page = client.get("/accounts/payments?sort=amount&dir=desc").get_data(as_text=True)
    assert 'aria-sort="descending"' in page and 'rel="next"' in page
    assert _cells(page, 0) == ["april.csv", "maj.csv"]
    text = client.get("/accounts/payments?sort=amount&format=csv").get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert [ln.split(";")[0] for ln in lines[1:]] == ["mars.csv", "maj.csv", "april.csv"]
    assert lines[1].split(";")[5] == "1200,50" and "annan.csv" not in text


def test_rows_page_clamps_and_reads_its_own_parameter(app):
    from oversight.views_support import paginate_rows, sorted_rows

    app.config["PAGE_SIZE"], saved = 2, app.config["PAGE_SIZE"]
    try:
        with app.test_request_context("/?page=9&other_page=2&sort=x"):
            last = paginate_rows(range(5))
            assert (last.page, last.pages, last.total, last.items) == (3, 3, 5, [4])
            assert last.has_prev and not last.has_next
            other = paginate_rows(range(5), "other_page")
            assert other.items == [2, 3] and other.prev_num == 1 and other.next_num == 3
            assert sorted_rows([3, 1, 2], {"n": lambda r: r}, None) == [3, 1, 2]  # unknown sort
        with app.test_request_context("/?page=-1"):
            assert paginate_rows([]).items == [] and paginate_rows([1]).page == 1
    finally:
        app.config["PAGE_SIZE"] = saved


def test_departments_sort_by_code(db, make, login_as):
    admin = make.user(role="admin")
    for code, name in (("zz-b", "Alfaförvaltningen"), ("aa-c", "Betaförvaltningen")):
        make.department(code=code, name=name)
    client = login_as(admin)
    default = _cells(client.get("/admin/departments").get_data(as_text=True), 1)
    assert default.index("Alfaförvaltningen") < default.index("Betaförvaltningen")  # by name
    codes = _cells(client.get("/admin/departments?sort=code&dir=desc").get_data(as_text=True), 0)
    assert codes == sorted(codes, reverse=True) and codes[0] == "zz-b" and codes[-1] == "aa-c"
