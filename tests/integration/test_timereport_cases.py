"""A time-report finding becomes a case (issue 13 → 14): through the exception queue as the LSS
officer, owned by the district, linked to the provider and the assistance user, carrying the
reason code, explanation, rows and hours; once only; another district cannot."""
from datetime import date

from sqlalchemy import select

from assistance.timereport_models import TimeReportFinding
from assistance.timereport_run import check_month
from oversight.cases.models import Case, CaseLink
from tests.integration.test_timereports_views import _body, api, world  # noqa: F401


def _finding(db, api, world):  # noqa: F811
    api(_body(world))
    check_month(db.session, None, date(2024, 3, 1))
    db.session.commit()
    return db.session.query(TimeReportFinding).filter_by(code="MISSING_APPROVAL").one()


def _cases(db):
    db.session.expire_all()
    return db.session.scalars(select(Case).where(Case.module == "timereports")).all()


def test_a_finding_becomes_a_case_once(world, api, login_as, db, make):  # noqa: F811
    finding = _finding(db, api, world)
    url = f"/assistance/timereports/findings/{finding.id}"
    other = login_as(world["other_officer"])
    assert other.post(url, data={"action": "case", "comment": "x"}).status_code == 404
    assert _cases(db) == []
    c = login_as(world["officer"])
    assert c.post(url, data={"action": "case", "comment": "Begär underlag"}).status_code == 302
    [case] = _cases(db)
    f = db.session.get(TimeReportFinding, finding.id)
    assert f.state == "case" and case.reference in f.case_note
    assert case.department_id == world["district"].id
    assert case.organisation_id == world["provider"].id
    assert case.finding_ref == f"assistance_time_report_finding:{finding.id}"
    assert "MISSING_APPROVAL" in case.evidence and finding.explanation in case.evidence
    assert f"rader: {finding.rows}" in case.evidence and "Timmar:" in case.evidence
    links = {(x.kind, x.ref) for x in db.session.scalars(
        select(CaseLink).where(CaseLink.case_id == case.id))}
    assert links == {("organisation", str(world["provider"].id)),
                     ("person", str(world["user"].id))}
    assert case.reference in c.get(url).get_data(as_text=True)
    # opening again through the service returns the same case
    from assistance.timereport_queue import open_case_for_finding

    assert open_case_for_finding(db.session, world["officer"], f, "igen").id == case.id
    db.session.commit()
    assert len(_cases(db)) == 1
    # the district's investigator reads the evidence; another district's does not
    own = login_as(make.user("investigator", world["district"]))
    assert "Underlag från fyndet" in own.get(f"/cases/{case.id}").get_data(as_text=True)
    stranger = login_as(make.user("investigator", world["other_district"]))
    assert stranger.get(f"/cases/{case.id}").status_code == 404
