"""Alerts: days without a valid permit on active provider arrangements, per district."""
import json
from datetime import date, timedelta

from assistance.alerts import find_findings, refresh_alerts
from assistance.models import PermitAlert, PermitVerification
from assistance.services import latest_verification, verification_overdue, verification_schedule
from tests.assistance_helpers import arrangement, at, permit, person

ON = date(2026, 11, 30)


def _world(make, db):
    jarva = make.department("sdf-jarva", "Järva")
    bromma = make.department("sdf-bromma", "Bromma")
    good, bad = make.organisation("Trygg Assistans AB"), make.organisation("Snabb Assistans AB")
    permit(db.session, good)
    permit(db.session, bad)
    return jarva, bromma, good, bad


def test_revocation_dated_in_the_past_alerts_each_district_with_only_its_users(make, db, runner):
    jarva, bromma, good, bad = _world(make, db)
    j1, j2, b1 = person(db.session, jarva, 1), person(db.session, jarva, 2), person(db.session, bromma, 3)
    for u in (j1, j2, b1):
        arrangement(db.session, u, org=bad)
    arrangement(db.session, person(db.session, jarva, 4), org=good)
    assert find_findings(db.session, ON) == []
    # recorded on 30 Nov, effective 15 Oct: the days since 15 Oct turn red
    permit(db.session, bad, "revoked", start=date(2026, 10, 15), recorded=at(2026, 11, 30))
    findings = find_findings(db.session, ON)
    assert {(f.department_id, tuple(sorted(u.assistance_user.id for u in f.users))) for f in findings} == {
        (jarva.id, tuple(sorted((j1.id, j2.id)))), (bromma.id, (b1.id,))}
    assert all(f.first_day == date(2026, 10, 15) and f.status == "revoked" for f in findings)
    assert all(len(f.days) == (ON - date(2026, 10, 15)).days + 1 for f in findings)
    db.session.commit()
    result = runner.invoke(args=["assistance", "alerts", "--date", ON.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.strip().splitlines()]
    by_district = {r["district"]: r for r in rows}
    assert set(by_district) == {"sdf-jarva", "sdf-bromma"}
    assert by_district["sdf-jarva"]["person_ids"] == sorted([j1.person_id, j2.person_id])
    assert by_district["sdf-bromma"]["person_ids"] == [b1.person_id]
    assert by_district["sdf-bromma"]["first_day"] == "2026-10-15"
    assert by_district["sdf-bromma"]["status"] == "revoked"
    assert by_district["sdf-bromma"]["provider_org_nr"] == bad.orgnr
    # idempotent: the same day again stores no new alert
    runner.invoke(args=["assistance", "alerts", "--date", ON.isoformat()])
    assert db.session.query(PermitAlert).count() == 2


def test_own_employer_and_municipal_never_alerted(make, db):
    jarva = make.department("sdf-jarva", "Järva")
    u1, u2 = person(db.session, jarva, 1), person(db.session, jarva, 2)
    arrangement(db.session, u1, kind="own_employer")
    arrangement(db.session, u2, kind="municipal")
    assert find_findings(db.session, ON) == []
    assert refresh_alerts(db.session, ON) == []
    assert verification_schedule(db.session, ON) == []


def test_provider_without_any_permit_fails_closed(make, db):
    jarva = make.department("sdf-jarva", "Järva")
    org = make.organisation("Okänd Assistans AB")
    arrangement(db.session, person(db.session, jarva, 1), org=org, start=ON - timedelta(days=2))
    [finding] = find_findings(db.session, ON)
    assert finding.status == "unknown" and len(finding.days) == 3


def test_ended_arrangement_and_ban_period(make, db):
    jarva, _, _, bad = _world(make, db)
    u = person(db.session, jarva, 1)
    arrangement(db.session, u, org=bad, end=date(2026, 6, 10))
    permit(db.session, bad, "banned", start=date(2026, 6, 1), end=date(2026, 6, 30), recorded=at(2026, 7, 1))
    [finding] = find_findings(db.session, ON)
    assert finding.days == [date(2026, 6, d) for d in range(1, 11)]
    assert finding.status == "banned"


def test_verification_age_at_the_boundary(make, db):
    jarva, _, good, _ = _world(make, db)
    arrangement(db.session, person(db.session, jarva, 1), org=good)
    assert verification_overdue(db.session, None, ON)  # never verified
    v = PermitVerification(organisation_id=good.id, verified_on=ON - timedelta(days=30),
                           method="ivo_register", result="no_change")
    db.session.add(v)
    db.session.flush()
    assert latest_verification(db.session, good.id) is v
    assert not verification_overdue(db.session, v, ON)  # 30 days: still in time
    assert verification_overdue(db.session, v, ON + timedelta(days=1))  # 31 days: overdue
    [row] = verification_schedule(db.session, ON)
    assert row.organisation.id == good.id and not row.overdue
    # a check that could not be performed is not a verification (fail closed)
    db.session.add(PermitVerification(organisation_id=good.id, verified_on=ON, method="phone",
                                      result="could_not_check"))
    db.session.flush()
    assert latest_verification(db.session, good.id) is v


def test_a_new_period_without_permit_gives_a_new_alert_after_a_handled_one(make, db):
    from assistance.services import handle_alert

    jarva, _, _, bad = _world(make, db)
    arrangement(db.session, person(db.session, jarva, 1), org=bad)
    permit(db.session, bad, "banned", start=date(2026, 3, 1), end=date(2026, 3, 10), recorded=at(2026, 3, 1))
    [(first, _)] = refresh_alerts(db.session, ON)
    handle_alert(db.session, None, first, "Brukaren bytte inte; IVO hävde förbudet")
    # the same period again: the handled alert stays handled, no new one
    assert [a.id for a, _ in refresh_alerts(db.session, ON)] == [first.id] and first.state == "handled"
    # a later ban: a second period, a new open alert beside the handled one
    permit(db.session, bad, "banned", start=date(2026, 11, 1), end=None, recorded=at(2026, 11, 2))
    pairs = refresh_alerts(db.session, ON)
    assert len(pairs) == 2
    new = next(a for a, _ in pairs if a.id != first.id)
    assert new.state == "open" and new.first_day == date(2026, 11, 1) and first.last_day == date(2026, 3, 10)
    assert db.session.query(PermitAlert).count() == 2
    # a revocation backdated into the handled period's past still belongs to that period
    permit(db.session, bad, "revoked", start=date(2026, 2, 20), end=date(2026, 3, 5), recorded=at(2026, 11, 3))
    refresh_alerts(db.session, ON)
    assert first.first_day == date(2026, 2, 20) and db.session.query(PermitAlert).count() == 2


def test_verification_schedule_reads_a_few_statements_whatever_the_number_of_providers(make, db):
    """The LSS start page builds the schedule: its statements must not grow per provider, and
    each provider keeps its own verification and permit status."""
    from sqlalchemy import event

    jarva = make.department("sdf-jarva", "Järva")

    def statements_for(n_providers: int, first: int) -> tuple[int, list]:
        for i in range(n_providers):
            org = make.organisation(f"Assistans {first + i} AB")
            if i % 2:
                permit(db.session, org)
                db.session.add(PermitVerification(organisation_id=org.id, verified_on=ON,
                                                  method="ivo_register", result="no_change"))
            arrangement(db.session, person(db.session, jarva, first + i), org=org)
        db.session.flush()
        sent = []
        listener = lambda *args: sent.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            rows = verification_schedule(db.session, ON)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(sent), rows

    few, _rows = statements_for(2, 1)
    many, rows = statements_for(8, 10)
    assert many == few
    by_name = {r.organisation.name: r for r in rows}
    assert by_name["Assistans 11 AB"].verification is not None and not by_name["Assistans 11 AB"].overdue
    assert by_name["Assistans 10 AB"].verification is None and by_name["Assistans 10 AB"].overdue
    assert by_name["Assistans 11 AB"].status != by_name["Assistans 10 AB"].status
