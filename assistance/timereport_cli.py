"""`flask assistance check|settle|provider-token|provider-user`: time-report commands added to
the assistance module's ``flask assistance`` group (one transaction per command)."""
from __future__ import annotations

import json

import click
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from oversight.cli import acting_user
from oversight.extensions import db


def _month(text: str):
    from assistance.shift_times import parse_month
    try:
        return parse_month(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None


@click.command("check")
@click.option("--month", required=True, help="Månaden (ÅÅÅÅ-MM).")
@click.option("--json", "as_json", is_flag=True, help="En JSON-rad per avvikelse.")
@click.option("--user", "username", default=None)
def check_command(month: str, as_json: bool, username: str | None) -> None:
    """Kontrollera månadens tidrapporter; avvikelserna hamnar i stadsdelarnas kö."""
    from assistance.timereport_rules import RuleMissing
    from assistance.timereport_run import check_month

    acting_user(username)
    try:
        rows = check_month(db.session, None, _month(month))
    except RuleMissing as exc:
        raise click.ClickException(str(exc)) from None
    out = [finding_json(f) for f in rows]
    db.session.commit()
    for row in out:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{row['code']} {row['date'] or ''} {row['hours']} h: {row['explanation']}")
    if not as_json:
        click.echo(ngettext("%(num)s avvikelse.", "%(num)s avvikelser.", len(out)), err=True)


def finding_json(f) -> dict:
    return {"code": f.code, "person_id": f.assistance_user.person_id,
            "assistant_id": f.assistant_id,
            "provider_org_nr": f.provider.orgnr if f.provider else "",
            "date": f.day.isoformat() if f.day else None, "hours": str(f.hours),
            "explanation": f.explanation, "state": f.state, "rows": f.row_ids}


@click.command("settle")
@click.option("--month", required=True, help="Månaden (ÅÅÅÅ-MM).")
@click.option("--json", "as_json", is_flag=True, help="En JSON-rad per användare och anordnare.")
def settle_command(month: str, as_json: bool) -> None:
    """Avräkna månaden: förskott på beslutade timmar mot godkända utförda timmar."""
    from assistance.timereport_rules import RuleMissing
    from assistance.timereport_settle import settle_month

    try:
        lines = settle_month(db.session, _month(month))
    except RuleMissing as exc:
        raise click.ClickException(str(exc)) from None
    for ln in lines:
        if as_json:
            click.echo(json.dumps(ln.as_json(), ensure_ascii=False))
        else:
            click.echo(_("%(provider)s %(person)s: förskott %(advance)s, att betala %(payable)s, "
                         "att återkräva %(reclaim)s", provider=ln.provider or _("egen regi"),
                         person=ln.person_id, advance=ln.advance, payable=ln.payable,
                         reclaim=ln.reclaim)
                       + (f" ({ln.reason_text})" if ln.reasons else "")
                       + (" – " + _("INNEHÅLLS: %(why)s", why=ln.withheld) if ln.withheld else ""))


@click.command("provider-token")
@click.argument("org_nr")
@click.argument("name")
@click.option("--user", "username", default=None)
def provider_token_command(org_nr: str, name: str, username: str | None) -> None:
    """Skapa en API-nyckel för en anordnare (visas en gång; bara dess hash sparas)."""
    from assistance.timereport_api_auth import create_token
    from oversight.organisations.models import Organisation

    user = acting_user(username)
    org = db.session.scalar(select(Organisation).where(Organisation.orgnr == org_nr))
    if org is None:
        raise click.ClickException(_("Okänd organisation: %(orgnr)s", orgnr=org_nr))
    token = create_token(db.session, user, org, name)
    db.session.commit()
    click.echo(token)


@click.command("provider-user")
@click.argument("username")
@click.argument("org_nr")
@click.option("--name", required=True, help="Fullständigt namn.")
@click.option("--email", default=None)
@click.option("--password", default=None, help="Utelämna för att få en fråga (rekommenderas).")
def provider_user_command(username, org_nr, name, email, password):
    """Skapa en inloggning för en anordnares personal (rollen Assistansanordnare)."""
    import getpass

    from assistance.timereport_api_auth import create_provider_user
    from oversight.auth.services import AuthError
    from oversight.organisations.models import Organisation

    acting_user(None)
    org = db.session.scalar(select(Organisation).where(Organisation.orgnr == org_nr))
    if org is None:
        raise click.ClickException(_("Okänd organisation: %(orgnr)s", orgnr=org_nr))
    if password is None:
        password = getpass.getpass("Lösenord: ")
        if getpass.getpass("Upprepa: ") != password:
            raise click.ClickException(_("Lösenorden är inte lika."))
    try:
        user = create_provider_user(db.session, username=username, name=name, password=password,
                                    organisation=org, email=email)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(_("Skapade %(username)s (Assistansanordnare, %(organisation)s).",
                 username=user.username, organisation=org.name))


def register_commands(group) -> None:
    for command in (check_command, settle_command, provider_token_command, provider_user_command):
        group.add_command(command)
