"""Assistance pages as real roles; district scoping by URL, search, export and JSON."""
from datetime import date, timedelta

import pytest

from assistance.alerts import refresh_alerts
from assistance.models import Arrangement, Permit, PermitAlert, PermitVerification
from tests.assistance_helpers import arrangement, at, permit, person


@pytest.fixture
def world(make, db):
    jarva = make.department("sdf-jarva", "Järva stadsdelsförvaltning")
    bromma = make.department("sdf-bromma", "Bromma stadsdelsförvaltning")
    bad = make.organisation("Snabb Assistans AB")
    good = make.organisation("Trygg Assistans AB")
    permit(db.session, bad)
    permit(db.session, good)
    revoked_on = date.today() - timedelta(days=20)
    permit(db.session, bad, "revoked", start=revoked_on, recorded=at(2026, 1, 2), reference="8.1-999/2026")
    jane = person(db.session, jarva, 1, "Jana Järvabo")
    jon = person(db.session, jarva, 2, "Jon Järvabo")
    bea = person(db.session, bromma, 3, "Berit Brommabo")
    arrangement(db.session, jane, org=bad)
    arrangement(db.session, jon, kind="own_employer")
    arrangement(db.session, bea, org=bad)
    refresh_alerts(db.session, date.today())
    officers = {"jarva": make.user("lss", jarva), "bromma": make.user("lss", bromma),
                "buyer": make.user("procurement", jarva)}
    db.session.commit()
    alerts = {a.department_id: a for a in db.session.query(PermitAlert)}
    return {"jarva": jarva, "bromma": bromma, "bad": bad, "good": good, "jane": jane, "jon": jon,
            "bea": bea, "officers": officers, "alert_j": alerts[jarva.id], "alert_b": alerts[bromma.id],
            "revoked_on": revoked_on}


def test_district_dashboard_and_start_page_tell_the_story(world, login_as):
    c = login_as(world["officers"]["jarva"])
    page = c.get("/assistance/").get_data(as_text=True)
    assert "Snabb Assistans AB" in page and "återkallat" in page
    start = c.get("/").get_data(as_text=True)
    assert "Tillstånd återkallat: Snabb Assistans AB" in start
    assert "anordnare behöver tillståndskontroll" in start  # never verified


def test_another_district_sees_the_warning_but_never_the_users(world, login_as):
    c = login_as(world["officers"]["bromma"])
    jane, alert_j = world["jane"], world["alert_j"]
    provider = c.get(f"/assistance/providers/{world['bad'].id}").get_data(as_text=True)
    assert "återkallat" in provider and "8.1-999/2026" in provider  # the shared warning
    assert "Berit Brommabo" in provider and "Jana" not in provider
    # by URL
    assert c.get(f"/assistance/users/{jane.id}").status_code == 404
    assert c.get(f"/assistance/alerts/{alert_j.id}").status_code == 404
    assert c.get(f"/assistance/alerts/{alert_j.id}/letter?name_users=1").status_code == 404
    assert c.post(f"/assistance/alerts/{alert_j.id}/handle", data={"comment": "x"}).status_code == 404
    assert c.post(f"/assistance/users/{jane.id}/arrangements",
                  data={"from_day": "2026-01-01", "kind": "municipal"}).status_code == 404
    jane_arr = jane.arrangements[0].id
    assert c.post(f"/assistance/arrangements/{jane_arr}/told", data={"told_on": "2026-01-01"}).status_code == 404
    # by search
    for q in ("Jana", jane.person_id, jane.person_id[:8]):
        hits = c.get("/assistance/users", query_string={"q": q}).get_data(as_text=True)
        assert "Järvabo" not in hits
    # by export
    export = c.get("/assistance/users?format=csv").get_data(as_text=True)
    assert "Berit" in export and "Jana" not in export and jane.person_id[8:] not in export
    providers_csv = c.get("/assistance/providers?format=csv").get_data(as_text=True)
    bad_line = next(line for line in providers_csv.splitlines() if "Snabb" in line)
    assert bad_line.rstrip().endswith(";1") or bad_line.rstrip().endswith(",1")  # Bromma's 1, not 2
    # by JSON
    rows = c.get("/assistance/alerts.json").get_json()
    assert [r["person_ids"] for r in rows] == [[world["bea"].person_id]]
    assert rows[0]["district"] == "sdf-bromma"
    # start page: only Bromma's users counted
    start = c.get("/").get_data(as_text=True)
    assert "1 av stadsdelens brukare" in start


def test_alert_actions_and_letter(world, login_as, db):
    c = login_as(world["officers"]["jarva"])
    alert_id = world["alert_j"].id
    page = c.get(f"/assistance/alerts/{alert_id}").get_data(as_text=True)
    assert "Jana Järvabo" in page and "Jon" not in page  # own employer never alerted
    assert "Berit" not in page
    assert "prop. 2020/21:205" in page and "14 dagar" in page
    arr = world["jane"].arrangements[0]
    told = date.today() - timedelta(days=3)
    r = c.post(f"/assistance/arrangements/{arr.id}/told", data={"told_on": told.isoformat(),
                                                                "next": f"/assistance/alerts/{alert_id}"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/assistance/alerts/{alert_id}")
    page = c.get(f"/assistance/alerts/{alert_id}").get_data(as_text=True)
    assert (told + timedelta(days=14)).isoformat() in page  # last payable day
    letter = c.get(f"/assistance/alerts/{alert_id}/letter").get_data(as_text=True)
    assert "Järva stadsdelsförvaltning" in letter and "Snabb Assistans AB" in letter
    assert "Antal berörda brukare i stadsdelen: 1." in letter and "Jana" not in letter
    named = c.get(f"/assistance/alerts/{alert_id}/letter?name_users=1").get_data(as_text=True)
    assert "Jana Järvabo" in named
    assert c.post(f"/assistance/alerts/{alert_id}/letter", data={}).status_code == 302
    assert c.post(f"/assistance/alerts/{alert_id}/case", data={"note": "Utred utbetalningar"}).status_code == 302
    r = c.post(f"/assistance/alerts/{alert_id}/handle", data={"comment": "Brukaren byter anordnare"})
    assert r.status_code == 302
    db.session.expire_all()
    a = db.session.get(PermitAlert, alert_id)
    assert a.state == "handled" and a.ivo_notified_on == date.today() and "Utred" in a.case_note
    # record the change of provider
    r = c.post(f"/assistance/users/{world['jane'].id}/arrangements",
               data={"from_day": date.today().isoformat(), "kind": "provider",
                     "provider_orgnr": world["good"].orgnr})
    assert r.status_code == 302
    db.session.expire_all()
    arrs = (db.session.query(Arrangement).filter_by(assistance_user_id=world["jane"].id)
            .order_by(Arrangement.valid_from).all())
    assert arrs[0].valid_to == date.today() - timedelta(days=1) and arrs[1].provider_organisation_id == world["good"].id


def test_permit_notice_and_verification_forms(world, login_as, db):
    c = login_as(world["officers"]["bromma"])
    good = world["good"]
    r = c.post(f"/assistance/providers/{good.id}/permits",
               data={"status": "banned", "activity": "LSS 9 § 2 personlig assistans",
                     "reference": "8.1-1/2026", "valid_from": "2026-05-01", "note": "Underrättelse"})
    assert r.status_code == 302
    r = c.post(f"/assistance/providers/{good.id}/verifications",
               data={"verified_on": date.today().isoformat(), "method": "ivo_register", "result": "changed"})
    assert r.status_code == 302
    assert db.session.query(Permit).filter_by(organisation_id=good.id).count() == 2  # history kept
    assert db.session.query(PermitVerification).filter_by(organisation_id=good.id).count() == 1
    page = c.get(f"/assistance/providers/{good.id}").get_data(as_text=True)
    assert "tillfälligt förbud" in page and "Ändrat tillstånd registrerat" in page
    # a procurement officer may look but not change
    buyer = login_as(world["officers"]["buyer"])
    assert buyer.get("/assistance/providers").status_code == 403
    assert buyer.post(f"/assistance/providers/{good.id}/permits", data={"status": "valid"}).status_code == 403


def test_provider_list_filters_sorts(world, login_as):
    c = login_as(world["officers"]["jarva"])
    page = c.get("/assistance/providers?status=revoked").get_data(as_text=True)
    assert "Snabb Assistans AB" in page and "Trygg Assistans AB" not in page
    page = c.get("/assistance/providers?mine=1").get_data(as_text=True)
    assert "Trygg Assistans AB" not in page
    page = c.get("/assistance/providers?sort=status").get_data(as_text=True)
    assert page.index("Snabb") < page.index("Trygg")
    assert c.get("/assistance/providers?format=xlsx").status_code == 200


def test_pages_in_english(world, login_as):
    c = login_as(world["officers"]["jarva"])
    c.post("/language/en", data={"next": "/"})
    page = c.get("/assistance/").get_data(as_text=True)
    assert "Personal assistance" in page and "Open permit alerts" in page and "revoked" in page
    letter = c.get(f"/assistance/alerts/{world['alert_j'].id}/letter").get_data(as_text=True)
    assert "Notice: assistance that seems to be run without a permit" in letter


def test_a_notice_entered_on_the_web_alerts_every_affected_district_at_once(world, login_as, db):
    """Bromma enters IVO's ban of Trygg; Järva's user with Trygg gets Järva an alert too."""
    jon = world["jon"]
    jon.arrangements[0].valid_to = date(2026, 1, 31)
    arrangement(db.session, jon, org=world["good"], start=date(2026, 2, 1))
    db.session.commit()
    c = login_as(world["officers"]["bromma"])
    r = c.post(f"/assistance/providers/{world['good'].id}/permits",
               data={"status": "banned", "activity": "LSS 9 § 2 personlig assistans",
                     "valid_from": (date.today() - timedelta(days=2)).isoformat()})
    assert r.status_code == 302
    alerts = db.session.query(PermitAlert).filter_by(organisation_id=world["good"].id).all()
    assert [(a.department_id, a.users_count, a.permit_status) for a in alerts] == [
        (world["jarva"].id, 1, "banned")]
    # Bromma (no users with Trygg) sees the shared warning on the provider page, not Järva's user
    page = c.get(f"/assistance/providers/{world['good'].id}").get_data(as_text=True)
    assert "tillfälligt förbud" in page and "Jon" not in page
