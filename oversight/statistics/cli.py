"""``flask statistics show|export``: the measures of ``measures.py`` for a year or month."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from oversight.extensions import db
from oversight.statistics import measures as m
from oversight.statistics.service import StatisticsError, department_by_code, measures_for

statistics_cli = AppGroup("statistics", help="Statistik per förvaltning och år.")


def _values(year, month, code):
    try:
        dept = department_by_code(db.session, code) if code else None
        return measures_for(db.session, year, month, dept)
    except StatisticsError as exc:
        raise click.ClickException(str(exc))


@statistics_cli.command("show")
@click.option("--year", type=int, required=True)
@click.option("--month", type=int, default=None)
@click.option("--department", "code", default=None, help="Förvaltningens kod (utelämna för alla).")
@click.option("--json", "as_json", is_flag=True, help="Skriv måtten som JSON.")
def show(year, month, code, as_json):
    """Visa måtten för ett år (eller en månad)."""
    values = _values(year, month, code)
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
    click.echo(f"Skrev {output}")
