"""`flask assistance ...`: imports, alerts and the permit verification run (the same services
as the web pages; one transaction per command)."""
from __future__ import annotations

import json
from datetime import date

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from oversight.cli import CommandGroup, acting_user
from oversight.extensions import db

assistance_cli = CommandGroup("assistance", help="Personlig assistans: brukare, anordnare, IVO-tillstånd.")


def _day(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(_("%(value)r är inget datum (ÅÅÅÅ-MM-DD).", value=value)) from None


@assistance_cli.command("import")
@click.argument("kind")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", default=None, help="Användare som ändringarna loggas på.")
def import_command(kind: str, path: str, username: str | None) -> None:
    """Importera en fil: users, decisions, arrangements, permits (och tidrapporternas typer).
    Allt eller inget: vid fel importeras ingenting och felen visas med radnummer."""
    from assistance.alerts import refresh_alerts
    from assistance.fileio import ImportFailed
    from assistance.imports import ALERTING_KINDS, IMPORTERS, run_import

    if kind not in IMPORTERS:
        raise click.BadParameter(_("okänd typ %(kind)r; tillåtna: %(allowed)s", kind=kind,
                                   allowed=", ".join(sorted(IMPORTERS))),
                                 param_hint="KIND")
    user = acting_user(username)
    with open(path, "rb") as f:
        data = f.read()
    try:
        result = run_import(db.session, user, kind, data, path)
        if kind in ALERTING_KINDS:
            refresh_alerts(db.session, date.today())
    except ImportFailed as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(ngettext("Inget importerades (%(num)s fel).", "Inget importerades (%(num)s fel).",
                                            len(exc.errors))) from exc
    db.session.commit()
    click.echo(result.summary())


@assistance_cli.command("alerts")
@click.option("--date", "day", default=None, help="Dagen som gäller (ÅÅÅÅ-MM-DD), standard i dag.")
@click.option("--json", "as_json", is_flag=True, help="En JSON-rad per larm.")
@click.option("--user", "username", default=None)
def alerts_command(day: str | None, as_json: bool, username: str | None) -> None:
    """Sök dagar utan giltigt IVO-tillstånd och spara ett larm per stadsdel och anordnare."""
    from assistance.alerts import alerts_json, refresh_alerts

    acting_user(username)
    on = _day(day)
    pairs = refresh_alerts(db.session, on)
    rows = alerts_json(pairs)
    db.session.commit()
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(_("%(district)s: %(provider)s (%(orgnr)s), %(status)s, %(users)s, %(days)s från "
                         "%(first_day)s", district=row['district'],
                         provider=row['provider_name'], orgnr=row['provider_org_nr'], status=row['status'],
                         users=ngettext("%(num)s brukare", "%(num)s brukare", len(row['person_ids'])),
                         days=ngettext("%(num)s dag", "%(num)s dagar", row['days_without_permit']),
                         first_day=row['first_day']))
    if not as_json:
        click.echo(ngettext("%(num)s larm.", "%(num)s larm.", len(rows)), err=True)


@assistance_cli.command("verify-permits")
@click.option("--date", "day", default=None, help="Dagen som gäller (ÅÅÅÅ-MM-DD), standard i dag.")
@click.option("--user", "username", default=None)
def verify_permits_command(day: str | None, username: str | None) -> None:
    """Kontrollera tillstånden som kan kontrolleras automatiskt (registrens IVO-besked) och lista
    anordnarna som behöver en manuell kontroll hos IVO."""
    from assistance.services import verify_permits

    user = acting_user(username)
    on = _day(day)
    verified, manual = verify_permits(db.session, user, on)
    db.session.commit()
    for org, v in verified:
        click.echo(_("Kontrollerad: %(name)s (%(orgnr)s): %(result)s, %(day)s", name=org.name,
                     orgnr=org.orgnr, result=v.result_label, day=v.verified_on))
    for row in manual:
        last = row.verification.verified_on.isoformat() if row.verification else _("aldrig")
        click.echo(_("Manuell kontroll behövs: %(name)s (%(orgnr)s), senast kontrollerad %(last)s, "
                     "%(users)s", name=row.organisation.name, orgnr=row.organisation.orgnr, last=last,
                     users=ngettext("%(num)s brukare", "%(num)s brukare", row.users)))
    click.echo(_("%(verified)s, %(manual)s.",
                 verified=ngettext("%(num)s kontrollerad automatiskt", "%(num)s kontrollerade automatiskt",
                                   len(verified)),
                 manual=ngettext("%(num)s behöver manuell kontroll", "%(num)s behöver manuell kontroll",
                                 len(manual))),
               err=True)
