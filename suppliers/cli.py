"""``flask suppliers ...``: the same services as the views; the command owns the transaction.

Exit codes of ``check``: 0 no ground found, 2 a ground was found, 3 could not be fully
checked (scripts must treat 3 as "not cleared")."""
from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from oversight.auth.models import Department, User
from oversight.cli import CommandGroup, acting_user
from oversight.extensions import db
from oversight.rule_values import RuleValueMissing
from suppliers import checks, monitoring, rule_values, rules, services
from suppliers.models import Procurement

suppliers_cli = CommandGroup("suppliers", help="Leverantörer: kontroll, screening och bevakning.")
EXIT = {rules.CLEAR: 0, rules.FOUND: 2, rules.UNKNOWN: 3}


class _CliActor:
    """The acting identity of a command: a user (--user) or a department (--department)."""

    is_authenticated = True

    def __init__(self, department: Department, user: User | None):
        self.department_id = department.id
        self.department = department
        self.id = user.id if user else None
        self.username = user.username if user else "cli"
        self.name = user.name if user else "Kommandorad"


def _actor(username: str | None, department_code: str | None) -> _CliActor:
    if username:
        user = acting_user(username)
        return _CliActor(user.department, user)
    code = department_code or current_app.config.get("SUPPLIERS_CLI_DEPARTMENT")
    department = db.session.scalar(select(Department).where(Department.code == code)) \
        if code else None
    if department is None:
        codes = ", ".join(db.session.scalars(select(Department.code).order_by(Department.code)))
        raise click.ClickException(
            _("Ange förvaltning med --department (eller --user). Okänd eller saknad: %(code)r. Finns: %(codes)s.",
              code=code, codes=codes or _("inga")))
    acting_user(None)
    return _CliActor(department, None)


def _check_dict(check) -> dict:
    return {
        "check_id": check.id, "supplier": check.supplier.name,
        "orgnr": check.supplier.organisation.display_orgnr, "date": check.on_date.isoformat(),
        "regime": check.regime, "overall": check.overall, "overall_label": check.overall_label,
        "grounds": [{"code": g.code, "label": g.label, "law": g.law, "kind": g.kind,
                     "outcome": g.outcome, "outcome_label": g.outcome_label,
                     "mandatory": g.mandatory, "reasons": g.reasons, "problems": g.problems,
                     "actions": g.actions} for g in check.grounds],
        "evidence": [{"source": e.source, "subject": e.subject_label, "status": e.status,
                      "stale": e.stale, "retrieved_at": e.retrieved_at.isoformat()
                      if e.retrieved_at else None,
                      "document_date": e.document_date.isoformat() if e.document_date else None,
                      "message": e.message, "ref": e.ref} for e in check.evidence],
        "not_checked_by_registry": list(check.manual_grounds),
    }


def _print_check(check) -> None:
    click.echo(f"{check.supplier.name} ({check.supplier.organisation.display_orgnr}) – "
               f"{check.regime_label}, {check.on_date}")
    click.echo(_("Resultat: %(overall_label)s", overall_label=check.overall_label.upper()))
    for g in check.grounds:
        click.echo(f"\n[{g.outcome_label}] {g.label} ({g.law})")
        for line in g.reasons:
            click.echo(f"    {line}")
        for line in g.problems:
            click.echo(f"    ! {line}")
        for line in g.actions:
            click.echo(f"    -> {line}")
    if check.manual_grounds:
        click.echo("\n" + _("Bedöms i upphandlingen (ingen registerkontroll): %(grounds)s",
                              grounds="; ".join(check.manual_grounds)))


@suppliers_cli.command("check")
@click.argument("orgnr")
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
@click.option("--name", default=None, help="Namn, om organisationen är ny i registret.")
@click.option("--regime", type=click.Choice(sorted(rules.REGIME_LABELS)), default=rules.LOU,
              show_default=True, help="lou, lou19 (under tröskelvärdet/välfärd) eller lov.")
@click.option("--permit", "permit_activity", default=None,
              help="Tillståndspliktig verksamhet som kräver IVO-tillstånd.")
@click.option("--department", "department_code", default=None, help="Förvaltningens kod.")
@click.option("--user", "username", default=None, help="Kör som denna användare.")
def check_command(orgnr, as_json, name, regime, permit_activity, department_code, username):
    """Kontrollera en leverantör mot alla uteslutningsgrunder."""
    actor = _actor(username, department_code)
    try:
        supplier = services.ensure_supplier(db.session, actor, orgnr=orgnr, name=name)
    except services.SupplierError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        check = checks.check_supplier(db.session, actor, supplier, regime=regime,
                                      permit_activity=permit_activity, trigger="cli")
    except services.SupplierError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    if as_json:
        click.echo(json.dumps(_check_dict(check), ensure_ascii=False, indent=2))
    else:
        _print_check(check)
    sys.exit(EXIT[check.overall])


@suppliers_cli.command("screen")
@click.option("--procurement", "procurement_id", type=int, default=None,
              help="Upphandlingens id: kontrollera alla anbudsgivare.")
@click.option("--all-active", is_flag=True, help="Alla leverantörer med aktiva avtal.")
@click.option("--user", "username", default=None, help="Kör som denna användare.")
def screen_command(procurement_id, all_active, username):
    """Kontrollera anbudsgivarna i en upphandling, eller alla med aktiva avtal."""
    if bool(procurement_id) == bool(all_active):
        raise click.UsageError(_("Ange antingen --procurement ID eller --all-active."))

    def progress(done, total, message):
        click.echo(f"  {message}", err=True)

    if procurement_id:
        procurement = db.session.get(Procurement, procurement_id)
        if procurement is None:
            raise click.ClickException(_("Upphandling %(procurement_id)s finns inte.", procurement_id=procurement_id))
        user = _actor(username, None if username else procurement.department.code)
        done = checks.screen_procurement(db.session, user, procurement, progress=progress)
    else:
        acting_user(None)
        targets = checks.active_contract_targets(db.session)
        done = checks.run_checks(db.session, None, targets, trigger="cli", progress=progress)
    db.session.commit()
    counts = {k: 0 for k in EXIT}
    for c in done:
        counts[c.overall] += 1
        click.echo(f"{c.overall_label:<30} {c.supplier.organisation.display_orgnr}  "
                   f"{c.supplier.name}  (kontroll {c.id})")
    click.echo("\n" + _("%(done)s: med grund %(found)s, kunde inte kontrolleras helt %(unknown)s, "
                      "utan grund %(clear)s.",
                      done=ngettext("%(num)s leverantör kontrollerad", "%(num)s leverantörer kontrollerade",
                                    len(done)),
                      found=counts[rules.FOUND], unknown=counts[rules.UNKNOWN], clear=counts[rules.CLEAR]))


@suppliers_cli.command("monitor")
def monitor_command():
    """Bevaka alla leverantörer med aktiva avtal; nya fynd går till avtalsägaren.

    Schemalägg dagligen, t.ex. cron: 15 5 * * *  cd /srv/app && .venv/bin/flask suppliers monitor
    """
    acting_user(None)
    run = monitoring.run_monitor(db.session)
    db.session.commit()
    click.echo(_("%(suppliers)s, %(checks)s, %(new_findings)s; kunde inte kontrolleras helt: %(unknown)s.",
                 suppliers=ngettext("%(num)s leverantör", "%(num)s leverantörer", run.suppliers),
                 checks=ngettext("%(num)s kontroll", "%(num)s kontroller", run.checks),
                 new_findings=ngettext("%(num)s nytt fynd", "%(num)s nya fynd", run.new_findings),
                 unknown=run.unknown))


@suppliers_cli.command("rules")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Visa värdena som gällde detta datum (ÅÅÅÅ-MM-DD).")
def rules_command(on):
    """Visa regelvärden (tidsgränser, beloppsgränser, hur gamla svar får vara)."""
    day = on.date() if on else date.today()
    try:
        values = rule_values.values_on(db.session, day)
    except RuleValueMissing as exc:
        raise click.ClickException(str(exc)) from exc
    for line in rule_values.descriptions(db.session, values, day):
        click.echo(line)
