"""``flask accounts ...``: the same services as the web pages."""
from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import click
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from oversight.accounts import services
from oversight.accounts.paymentfile import account_kind, parse_payment_file
from oversight.accounts.payments import (
    create_payment_check,
    run_payment_check,
    summarize,
    verify_payments,
)
from oversight.accounts.textfile import FileFormatError
from oversight.accounts.verification import STATUS_LABELS, STATUSES
from oversight.cli import CommandGroup, acting_user
from oversight.extensions import db
from oversight.formatting import sek
from oversight.jobs_health import job_run
from oversight.organisations.services import get_by_orgnr

accounts_cli = CommandGroup("accounts", help="Kontokontroll: konton, betalfiler och kontohavare.")


def _kind(value: str) -> str:
    kind = account_kind(value)
    if kind is None:
        raise click.BadParameter(_("bankgiro, plusgiro, bankkonto eller iban"), param_hint="KIND")
    return kind


@accounts_cli.command("verify")
@click.argument("orgnr")
@click.argument("kind")
@click.argument("number")
@click.option("--name", help="Mottagarens namn, om organisationen inte finns i registret.")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
@click.option("--record/--no-record", default=True,
              help="Spara kontrollen i organisationens historik (standard: ja).")
@click.option("--user", "username", help="Användare som kontrollen registreras på.")
def verify_command(orgnr, kind, number, name, as_json, record, username):
    """Verifiera att kontot NUMBER av typen KIND tillhör organisationen ORGNR."""
    kind = _kind(kind)
    user = acting_user(username)
    org = get_by_orgnr(db.session, orgnr)
    if org is None and not name:
        raise click.ClickException(_("Organisationen finns inte i registret: ange --name."))
    v = services.verify_account(db.session, org, kind, number,
                                payee_name=None if org else name,
                                payee_id=None if org else orgnr)
    if org is not None and record:
        services.record_verification(db.session, user, org, v, "cli")
    db.session.commit()
    if as_json:
        click.echo(json.dumps(v.to_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{v.status} – {v.status_label}")
    click.echo(_("Konto: %(kind_label)s %(normalized)s", kind_label=v.kind_label, normalized=v.normalized or v.number))
    click.echo(_("Mottagare: %(value)s (%(payee_id)s)", value=org.name if org else name, payee_id=v.payee_id or orgnr))
    if v.holder_name or v.holder_id:
        click.echo(f"Kontohavare: {v.holder_name or ''} {v.holder_display or ''}".rstrip())
    click.echo(_("Förklaring: %(explanation)s", explanation=v.explanation))
    for f in v.findings:
        click.echo(f"[{f.severity}] {f.code}: {f.text}")


@accounts_cli.command("check-payments")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["pain001", "csv"]),
              help="Filens format (annars känns det igen).")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
@click.option("--department", "department_code",
              help="Spara resultatet hos förvaltningen med denna kod (syns i webben).")
@click.option("--user", "username", help="Användare som kontrollen registreras på.")
def check_payments_command(path, fmt, as_json, department_code, username):
    """Kontrollera en betalfil (pain.001 eller CSV) innan den skickas. Filen ändras inte."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        parsed = parse_payment_file(data, fmt)
    except FileFormatError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        sys.exit(1)
    user = acting_user(username)
    results = verify_payments(db.session, parsed.payments)
    summary = summarize(results)
    saved = None
    if department_code:
        saved = _save(data, path, fmt, department_code, user)
    db.session.commit()
    if as_json:
        click.echo(json.dumps({
            "file": {"name": path, "format": parsed.format, "sha256": parsed.sha256,
                     "size": parsed.size, "message_id": parsed.message_id,
                     "warnings": [w.to_json() for w in parsed.warnings]},
            "summary": summary, "saved_check_id": saved,
            "payments": [{"position": r.payment.position, "where": r.payment.where,
                          "amount": str(r.payment.amount), "currency": r.payment.currency,
                          "date": r.payment.pay_date.isoformat() if r.payment.pay_date else None,
                          "reference": r.payment.reference, "matched_by": r.matched_by,
                          "organisation": r.organisation_name, **r.verification.to_json()}
                         for r in results]}, ensure_ascii=False, indent=1))
        return
    for r in results:
        v = r.verification
        click.echo(f"{r.payment.position:>6} {v.status} {v.kind_label} {v.normalized or v.number}"
                   f" {r.payment.amount} {r.payment.currency} {r.payment.payee_name}"
                   + (f" -> {v.holder_name}" if v.holder_name else ""))
        for f in v.findings:
            if f.severity != "info":
                click.echo(f"       [{f.severity}] {f.code}: {f.text}")
    for w in parsed.warnings:
        click.echo(_("Varning: %(w)s", w=w))
    click.echo(_("Fil: %(path)s (%(format)s), SHA-256 %(sha256)s",
                 path=path, format=parsed.format, sha256=parsed.sha256))
    for s in STATUSES:
        click.echo(_("%(code)s %(label)s: %(count)s, %(amount)s", code=s, label=STATUS_LABELS[s],
                     count=ngettext("%(num)s betalning", "%(num)s betalningar", summary["counts"][s]),
                     amount=sek(summary["amounts"][s])))
    click.echo(_("Att kontrollera: %(attention)s; utan träff i registret: %(unmatched)s",
                 attention=summary["attention"], unmatched=summary["unmatched"])
               + (_("; sparad som kontroll %(id)s", id=saved) if saved else ""))


def _save(data: bytes, path: str, fmt, department_code: str, user) -> int:
    from oversight.auth.models import Department

    dept = db.session.scalar(select(Department).where(Department.code == department_code))
    if dept is None:
        raise click.ClickException(_("Förvaltningen %(department_code)r finns inte.", department_code=department_code))
    actor = SimpleNamespace(id=getattr(user, "id", None), department_id=dept.id)
    check = create_payment_check(db.session, actor, filename=path, data=data, fmt=fmt)
    run_payment_check(db.session, check)
    return check.id


@accounts_cli.command("import-holders")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", help="Användare som importen registreras på.")
def import_holders_command(path, username):
    """Importera besked om kontohavare från en CSV-fil (alla rader eller ingen)."""
    user = acting_user(username)
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        with job_run(db.session, user, services.HOLDER_IMPORT_JOB,
                     f"Import av kontohavarbesked {path} (CLI)",
                     getattr(user, "department_id", None), per_department=False):
            result = services.import_holder_file(db.session, user, data)
    except FileFormatError as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(_("Inget importerades."), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(_("%(created)s, %(duplicates)s fanns redan (SHA-256 %(sha256)s).",
                 created=ngettext("%(num)s besked importerat", "%(num)s besked importerade", result.created),
                 duplicates=result.duplicates, sha256=result.sha256))
