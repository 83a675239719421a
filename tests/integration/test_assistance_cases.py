"""A permit alert becomes a case in the case register (issue 12 → 14): through the web as the
LSS officer, owned by the district, linked to the provider, carrying the alert's evidence;
opening twice opens one case; another district can neither open nor see it."""
from sqlalchemy import select

from assistance.models import PermitAlert
from oversight.cases.models import Case, CaseLink
from tests.integration.test_assistance_views import world  # noqa: F401  (fixture)


def _cases(db):
    db.session.expire_all()
    return db.session.scalars(select(Case).where(Case.module == "assistance")).all()


def test_a_permit_alert_becomes_a_case_once(world, login_as, db, make):  # noqa: F811
    c = login_as(world["officers"]["jarva"])
    alert_id = world["alert_j"].id
    r = c.post(f"/assistance/alerts/{alert_id}/case", data={"note": "Utred utbetalningarna"})
    assert r.status_code == 302
    [case] = _cases(db)
    assert case.department_id == world["jarva"].id and case.organisation_id == world["bad"].id
    assert case.finding_ref == f"assistance_permit_alert:{alert_id}"
    assert "Snabb Assistans AB" in case.evidence and "Utred utbetalningarna" in case.evidence
    assert "Dagar utan tillstånd" in case.evidence
    links = db.session.scalars(select(CaseLink).where(CaseLink.case_id == case.id)).all()
    assert [(x.kind, x.ref) for x in links] == [("organisation", str(world["bad"].id))]
    alert = db.session.get(PermitAlert, alert_id)
    assert case.reference in alert.case_note
    page = c.get(f"/assistance/alerts/{alert_id}").get_data(as_text=True)
    assert case.reference in page
    # twice: still one case
    c.post(f"/assistance/alerts/{alert_id}/case", data={"note": "Igen"})
    assert len(_cases(db)) == 1
    # the district's investigator reads the evidence on the case page, and the alert links to it
    investigator = login_as(make.user("investigator", world["jarva"]))
    shown = investigator.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Underlag från fyndet" in shown and "Utred utbetalningarna" in shown
    assert f"/cases/{case.id}" in investigator.get(f"/assistance/alerts/{alert_id}").get_data(as_text=True)


def test_another_district_cannot_open_a_case_on_the_alert(world, login_as, db, make):  # noqa: F811
    bromma = login_as(world["officers"]["bromma"])
    alert_id = world["alert_j"].id
    assert bromma.post(f"/assistance/alerts/{alert_id}/case", data={"note": "x"}).status_code == 404
    assert _cases(db) == []
    login_as(world["officers"]["jarva"]).post(f"/assistance/alerts/{alert_id}/case",
                                               data={"note": "Utred"})
    [case] = _cases(db)
    other_investigator = login_as(make.user("investigator", world["bromma"]))
    assert other_investigator.get(f"/cases/{case.id}").status_code == 404


def test_the_alert_page_offers_actions_only_to_the_owner(world, login_as, make):  # noqa: F811
    alert_id = world["alert_j"].id
    owner = login_as(world["officers"]["jarva"]).get(f"/assistance/alerts/{alert_id}")
    assert f"/assistance/alerts/{alert_id}/case" in owner.get_data(as_text=True)
    auditor = login_as(make.user("auditor", world["jarva"]))
    page = auditor.get(f"/assistance/alerts/{alert_id}").get_data(as_text=True)
    assert f"/assistance/alerts/{alert_id}/case" not in page


def test_cases_from_assistance_count_in_findings_per_module(world, login_as, db):  # noqa: F811
    from datetime import date

    from oversight.statistics.service import measures_for

    login_as(world["officers"]["jarva"]).post(f"/assistance/alerts/{world['alert_j'].id}/case",
                                               data={"note": "Utred"})
    by_module = measures_for(db.session, date.today().year, department=world["jarva"])["by_module"]
    assert by_module["assistance"]["incoming"] == 1


def test_the_permit_alert_list_exports_the_districts_alerts_only(world, login_as, db):  # noqa: F811
    """CSV/XLSX of the alert list, as every list officers work from; each district's export
    holds its own alerts."""
    jarva = login_as(world["officers"]["jarva"])
    page = jarva.get("/assistance/alerts").get_data(as_text=True)
    assert "format=csv" in page and "format=xlsx" in page
    assert jarva.get("/assistance/alerts?format=xlsx").status_code == 200
    for district in ("jarva", "bromma"):
        client = login_as(world["officers"][district])
        csv = client.get("/assistance/alerts?format=csv")
        own = db.session.scalars(select(PermitAlert).where(
            PermitAlert.department_id == world[district].id)).all()
        lines = csv.get_data(as_text=True).strip().splitlines()
        assert csv.status_code == 200 and len(lines) == 1 + len(own) and own
        assert all(a.organisation.name in csv.get_data(as_text=True) for a in own)
