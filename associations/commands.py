"""Database commands of ``flask associations`` (the group and the database-free match-ledger
live in associations/cli.py). Each wraps the same services as the views and owns the commit."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from associations.cli import associations_cli
from associations.ledger import PRESETS
from oversight.cli import acting_user
from oversight.extensions import db


def _department(code: str):
    from oversight.auth.models import Department

    dept = db.session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        raise click.ClickException(_("Okänd förvaltning: %(code)s (se 'flask users list' eller administrationen "
                                     "för koderna).",
                                     code=code))
    return dept


@associations_cli.command("import-ledger")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--department", "department_code", required=True,
              help="Koden för förvaltningen som lämnar exporten, t.ex. kulturforvaltningen.")
@click.option("--preset", type=click.Choice(sorted(p for p in PRESETS if not p.startswith("_"))),
              default="standard", show_default=True, help="Kolumnrubriker i filen.")
@click.option("--period", default=None, help="Månad raderna gäller, ÅÅÅÅ-MM (om filen saknar "
                                             "datum per rad).")
@click.option("--detect", is_flag=True, help="Kör flerförvaltningskontrollen för perioden efteråt.")
@click.option("--show-problems", default=20, show_default=True,
              help="Antal rader med problem att skriva ut.")
def import_ledger_command(path, department_code, preset, period, detect, show_problems):
    """Importera en leverantörsreskontra (CSV/TXT/XLSX): hela filen kontrolleras först,
    sedan sparas raderna i delar; en avbruten import fortsätter vid nästa körning."""
    from associations import imports
    from associations.hooks import IMPORT_JOB
    from oversight.jobs import job_run

    acting_user(None)
    department = _department(department_code)
    with job_run(db.session, None, IMPORT_JOB, f"Import av reskontra {Path(path).name} (CLI)",
                 department.id):
        try:
            start, end = imports.month_period(period)
            report = imports.import_ledger(
                db.session, None, data=Path(path).read_bytes(), filename=Path(path).name,
                department=department, preset=preset, period_start=start, period_end=end,
                source="cli", commit=db.session.commit)
        except imports.LedgerImportError as exc:
            db.session.rollback()
            message = str(exc)
            if "Inget importerades" not in message:
                message += " Inget importerades."
            raise click.ClickException(message) from exc
        db.session.commit()
    li = report.ledger_import
    click.echo(report.summary)
    if report.created:
        click.echo(_("Import %(id)s: summa %(total_amount)s kr, varav bidragskonton %(grant_amount)s kr; period "
                     "%(period_start)s – %(period_end)s.",
                     id=li.id, total_amount=li.total_amount, grant_amount=li.grant_amount,
                     period_start=li.period_start or '?', period_end=li.period_end or '?'))
    for warning in report.warnings:
        click.echo(_("Obs: %(warning)s", warning=warning), err=True)
    for row, payee, _raw, problem in report.problems[:show_problems]:
        click.echo("  " + _("Rad %(row)s: %(payee)s: %(problem)s", row=row, payee=payee, problem=problem),
                   err=True)
    if len(report.problems) > show_problems:
        click.echo("  " + ngettext("... och %(num)s rad till.", "... och %(num)s rader till.",
                                   li.flagged_row_count - show_problems), err=True)
    if detect:
        _run_detection(li.period_start, li.period_end, False)


def _run_detection(start, end, grants_only):
    from associations.detection import DetectionError, run_detection

    try:
        run = run_detection(db.session, None, period_start=start, period_end=end,
                            grants_only=grants_only)
    except DetectionError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(_("Körning %(id)s (%(label)s): %(rows)s, %(payees)s; med betalningar från flera "
                 "förvaltningar: %(cluster_count)s (varav föreningar: %(association_count)s); nya eller "
                 "med nya uppgifter: %(new_count)s.",
                 id=run.id, label=run.label, rows=ngettext("%(num)s rad", "%(num)s rader", run.row_count),
                 payees=ngettext("%(num)s mottagare", "%(num)s mottagare", run.payee_count),
                 cluster_count=run.cluster_count, association_count=run.association_count,
                 new_count=run.new_count))


@associations_cli.command("detect")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Periodens första dag, ÅÅÅÅ-MM-DD.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Periodens sista dag, ÅÅÅÅ-MM-DD.")
@click.option("--grants-only", is_flag=True, help="Bara rader på bidragskonton.")
def detect_command(start, end, grants_only):
    """Hitta mottagare som fått betalt av två eller fler förvaltningar."""
    acting_user(None)
    _run_detection(start.date() if start else None, end.date() if end else None, grants_only)


@associations_cli.command("overdue-reports")
def overdue_command():
    """Lista redovisningar av föreningsbidrag som inte kommit in i tid."""
    from associations.followup import overdue_reports

    reports = overdue_reports(db.session)
    for r in reports:
        g = r.grant
        click.echo(f"{r.due_on}\t{g.organisation.orgnr}\t{g.organisation.name}\t"
                   f"{r.kind_label}\t{r.period_start}–{r.period_end}\t{g.grantor}")
    click.echo(ngettext("%(num)s försenad redovisning.", "%(num)s försenade redovisningar.", len(reports)),
               err=True)


@associations_cli.command("rules")
@click.option("--set", "assignment", default=None, metavar="KOD=VÄRDE",
              help="Lägg till ett värde, t.ex. min_org_age_years=3.")
@click.option("--from", "valid_from", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Gäller från (standard: i dag).")
@click.option("--source", default=None, help="Beslut eller riktlinje som värdet kommer från.")
def rules_command(assignment, valid_from, source):
    """Visa eller ändra regelvärden (med giltighetsdatum) för bidragsprövningen."""
    from associations.grants import RULES, GrantError, rule_key, set_rule_value
    from oversight.rule_values import describe, entry_on

    if assignment:
        code, _, value = assignment.partition("=")
        try:
            set_rule_value(db.session, code.strip(), value.strip(),
                           (valid_from.date() if valid_from else date.today()), source=source)
        except (GrantError, ArithmeticError, ValueError) as exc:
            db.session.rollback()
            raise click.ClickException(str(exc) or _("Ogiltigt värde.")) from exc
        db.session.commit()
    for code in RULES:
        click.echo(f"{code}\t{describe(entry_on(db.session, rule_key(code), date.today()))}")
