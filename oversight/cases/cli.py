"""``flask cases ...``: import case lists and payments, list alerts. Same services as the views;
the command owns the transaction."""
from __future__ import annotations

from pathlib import Path

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from oversight.cli import CommandGroup, acting_user
from oversight.extensions import db

cases_cli = CommandGroup("cases", help="Ärenderegistret (FUT): import och bevakning.")


@cases_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", default=None, help="Användare som importen görs som.")
def import_command(file: Path, username: str | None):
    """Importera en ärendelista (CSV eller XLSX, en rad per ärende)."""
    from oversight.cases.filereader import FileError
    from oversight.cases.importer import CaseImportError, import_cases

    user = acting_user(username)
    try:
        result = import_cases(db.session, user, file.read_bytes(), file.name)
    except (CaseImportError, FileError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(_("Importerade %(imported)s; %(skipped)s fanns redan.",
                 imported=ngettext("%(num)s ärende", "%(num)s ärenden", result.imported),
                 skipped=len(result.skipped)))


@cases_cli.command("import-payments")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="Utredaren som registrerar betalningarna.")
def import_payments_command(file: Path, username: str):
    """Importera inbetalningar på återkrav från ekonomisystemet (ärende;betaldatum;belopp;referens)."""
    from oversight.cases.payment_import import import_payments
    from oversight.tabular import TableError

    user = acting_user(username)
    try:
        result = import_payments(db.session, user, file.read_bytes(), file.name)
    except TableError as exc:
        db.session.rollback()
        shown = "; ".join(str(e) for e in exc.errors[:50])
        raise click.ClickException(_("Filen importerades inte: %(errors)s", errors=shown)) from None
    db.session.commit()
    click.echo(_("%(added)s registrerade på %(cases)s; %(skipped)s fanns redan.",
                 added=ngettext("%(num)s inbetalning", "%(num)s inbetalningar", result.added),
                 cases=ngettext("%(num)s ärende", "%(num)s ärenden", len(result.cases)),
                 skipped=result.skipped))


@cases_cli.command("alerts")
@click.option("--department", "code", required=True, help="Förvaltningens kod.")
def alerts_command(code: str):
    """Lista ärenden i kö som passerat startfristen och avbetalningar som missats."""
    from oversight.cases.alerts import department_alerts
    from oversight.statistics.service import StatisticsError, department_by_code

    try:
        dept = department_by_code(db.session, code)
    except StatisticsError as exc:
        raise click.ClickException(str(exc)) from None
    for alert in department_alerts(db.session, dept.id):
        click.echo(f"{alert.kind}\t{alert.reference}\t{alert.text}")


@cases_cli.command("stops")
def stops_command():
    """Lista aktiva betalningsstopp (organisation, beslut, ärende, förvaltning)."""
    from oversight.cases.stops import active_stops

    for stops in active_stops(db.session).values():
        for stop in stops:
            click.echo(f"{stop.organisation_name}\t{stop.decided_on.isoformat()}\t{stop.reference}"
                       f"\t{stop.department_name}\t{stop.kind}")


@cases_cli.command("benefit-ended")
def benefit_ended_command():
    """Kör den dagliga kontrollen nu: ärenden med skuld där personen eller föreningen har
    lämnat insatsen får en notis (som system)."""
    from oversight.cases.benefit_ended import notify

    acting_user(None)
    added = notify(db.session)
    db.session.commit()
    for activity in added:
        click.echo(f"{activity.case.reference}\t{activity.text}")
    click.echo(ngettext("%(num)s ny notis.", "%(num)s nya notiser.", len(added)))
