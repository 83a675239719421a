"""``flask demo load --scale``: bulk data the pages accept, loaded once (idempotent)."""
from sqlalchemy import func, select

from assistance.timereport_models import TimeReport, TimeReportLine
from associations.ledger_models import LedgerEntry
from associations.models import Grant
from oversight.cases.models import Case
from oversight.organisations.models import Organisation
from oversight.scale import rows as R
from oversight.scale.sections import CASE_PREFIX
from suppliers.models import Contract, SupplierCheck
from tests.conftest import login

DEMO_PASSWORD = "demo-losenord-2026"  # nosec B105  # the published demo password
MODELS = (Organisation, LedgerEntry, Contract, SupplierCheck, Grant, TimeReport, TimeReportLine,
          Case)


def _counts(db):
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_scale_small_loads_once_and_pages_accept_it(runner, db, app):
    result = runner.invoke(args=["demo", "load", "--scale", "small"])
    assert result.exit_code == 0, result.output
    assert "Reskontra" in result.output and "Ärenden" in result.output
    sizes = R.SCALES["small"]
    first = _counts(db)
    assert db.session.scalar(select(func.count()).select_from(Case).where(
        Case.reference.like(CASE_PREFIX + "%"))) == sizes.cases
    assert first["LedgerEntry"] >= sizes.ledger_rows - sizes.ledger_departments
    assert first["Contract"] >= sizes.suppliers and first["SupplierCheck"] >= sizes.suppliers
    assert first["TimeReport"] >= 200 * sizes.report_months  # every user with a provider

    again = runner.invoke(args=["demo", "load", "--scale", "small"])
    assert again.exit_code == 0, again.output
    assert "fanns redan" in again.output
    assert _counts(db) == first

    for user, pages in {
        "upphandlare": ["/", "/suppliers/", "/organisations/?q=Omsorg"],
        "bidrag.kultur": ["/", "/associations/", "/associations/report"],
        "lss.jarva": ["/", "/assistance/", "/assistance/users", "/assistance/timereports/"],
        "utredare": ["/", "/cases/", "/statistics/"],
    }.items():
        client = app.test_client()
        assert login(client, user, DEMO_PASSWORD).status_code == 302
        for page in pages:
            assert client.get(page).status_code == 200, (user, page)
