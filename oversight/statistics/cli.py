"""``flask statistics show|export``: the measures of ``measures.py`` for a year or month."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask_babel import gettext as _

from oversight.cli import CommandGroup
from oversight.extensions import db
from oversight.statistics import measures as m
from oversight.statistics.service import StatisticsError, department_by_code, measures_for

statistics_cli = CommandGroup("statistics", help="Statistik per förvaltning och år.")


def _values(year, month, code, unit=None):
    try:
        dept = department_by_code(db.session, code) if code else None
        return measures_for(db.session, year, month, dept, unit)
    except StatisticsError as exc:
        raise click.ClickException(str(exc)) from None


@statistics_cli.command("show")
@click.option("--year", type=int, required=True)
@click.option("--month", type=int, default=None)
@click.option("--department", "code", default=None, help="Förvaltningens kod (utelämna för alla).")
@click.option("--unit", default=None, help="Rapporterande enhet (t.ex. enheten för hemlösa).")
@click.option("--json", "as_json", is_flag=True, help="Skriv måtten som JSON.")
def show(year, month, code, unit, as_json):
    """Visa måtten för ett år (eller en månad)."""
    values = _values(year, month, code, unit)
    if as_json:
        out = {k: m.jsonable(values[k]) for k in m.JSON_KEYS}
        out.update({k: m.jsonable(v) for k, v in values.items() if k not in out})
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for measure in m.MEASURES:
        click.echo(f"{measure.label}: {m.jsonable(values[measure.key])}")


@statistics_cli.command("export")
@click.option("--year", type=int, required=True)
@click.option("--month", type=int, default=None)
@click.option("--department", "code", default=None)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export(year, month, code, output: Path):
    """Exportera måtten (med definitioner) och jämförelsen mellan förvaltningar till XLSX."""
    from oversight.statistics.export import workbook_bytes

    values = _values(year, month, code)
    output.write_bytes(workbook_bytes(db.session, values, year, month))
    click.echo(_("Skrev %(path)s", path=output))


@statistics_cli.command("denominator")
@click.option("--year", type=int, required=True)
@click.option("--department", "code", required=True)
@click.option("--kind", type=click.Choice(["recipients", "households"]), required=True)
@click.option("--value", type=click.IntRange(min=1), required=True)
def denominator(year, code, kind, value):
    """Registrera en nämnare för året (antal mottagare eller hushåll) för andelar per 1 000."""
    from sqlalchemy import select

    from oversight.cases.models import Denominator

    try:
        dept = department_by_code(db.session, code)
    except StatisticsError as exc:
        raise click.ClickException(str(exc)) from None
    row = db.session.scalar(select(Denominator).where(
        Denominator.department_id == dept.id, Denominator.year == year, Denominator.kind == kind))
    if row is None:
        db.session.add(Denominator(department_id=dept.id, year=year, kind=kind, value=value))
    else:
        row.value = value
    db.session.commit()
    click.echo(f"{dept.name} {year}: {kind} = {value}")
