"""`flask assistance verify-permits` and the daily task: the registries' IVO answers verify
what they can; the rest is listed for a manual check (fail closed)."""
from datetime import date, timedelta

from assistance.models import Permit, PermitAlert, PermitVerification
from oversight.jobs import run_periodic
from registries import filed
from tests.assistance_helpers import arrangement, at, permit, person


def _ivo_file(rows):
    lines = ["organisationsnummer;namn;verksamhet;status;beslutsdatum;diarienummer;datum"]
    lines += [";".join(r + (date.today().isoformat(),)) for r in rows]  # the list's date
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_verify_permits_uses_fresh_ivo_answers_and_lists_the_rest(runner, make, db):
    jarva = make.department("sdf-jarva", "Järva")
    ok, gone, silent = (make.organisation(n) for n in ("Ett AB", "Två AB", "Tre AB"))
    for i, org in enumerate((ok, gone, silent)):
        permit(db.session, org)
        arrangement(db.session, person(db.session, jarva, i + 1), org=org)
    revoked = (date.today() - timedelta(days=3)).isoformat()
    filed.import_records(db.session, None, "ivo", "ivo.csv", _ivo_file([
        (ok.orgnr, ok.name, "LSS 9 § 2 personlig assistans", "gällande", "2015-01-01", "1"),
        (gone.orgnr, gone.name, "LSS 9 § 2 personlig assistans", "återkallat", revoked, "2"),
    ]), )
    from registries import services
    services.batch_lookup(db.session, None, "ivo", [ok.orgnr, gone.orgnr])
    db.session.commit()
    result = runner.invoke(args=["assistance", "verify-permits"])
    assert result.exit_code == 0, result.output
    assert "Kontrollerad: Ett AB" in result.output and "Ingen ändring" in result.output
    assert "Kontrollerad: Två AB" in result.output and "Ändrat tillstånd registrerat" in result.output
    assert "Manuell kontroll behövs: Tre AB" in result.output
    latest = db.session.query(Permit).filter_by(organisation_id=gone.id, status="revoked").one()
    assert latest.valid_from.isoformat() == revoked and latest.source == "registry"
    assert db.session.query(PermitVerification).filter_by(organisation_id=silent.id).count() == 0
    # run again: nothing new
    again = runner.invoke(args=["assistance", "verify-permits"])
    assert "Manuell kontroll behövs: Tre AB" in again.output and "Kontrollerad" not in again.output
    assert db.session.query(PermitVerification).count() == 2


def test_daily_task_runs_like_the_worker(app, make, db):
    jarva = make.department("sdf-jarva", "Järva")
    org = make.organisation("Fyra AB")
    permit(db.session, org)
    permit(db.session, org, "revoked", start=date.today() - timedelta(days=1), recorded=at(2026, 2, 1))
    arrangement(db.session, person(db.session, jarva, 1), org=org)
    db.session.commit()
    run_periodic(app, "assistance.daily")
    db.session.expire_all()
    [alert] = db.session.query(PermitAlert).all()
    assert alert.department_id == jarva.id and alert.days_without_permit == 2
