"""`flask associations ...` commands. match-ledger needs no database: file in, files out."""
from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from dataclasses import asdict
from decimal import Decimal

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from associations.ledger import PRESETS, LedgerError, read_ledger
from associations.matching import cluster_ledger, multi_department_clusters
from oversight.cli import CommandGroup
from oversight.exports import safe_cell
from oversight.gc_pause import paused_gc

associations_cli = CommandGroup("associations", help="Föreningar och bidrag.")

CLUSTER_COLUMNS = ("row", "cluster_id", "resolved_org_nr", "canonical_name", "method",
                   "confidence")


@associations_cli.command("match-ledger", with_appcontext=False)
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False))
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default="standard",
              show_default=True, help="Kolumnrubriker: orebro, goteborg eller standard.")
@click.option("--ignore-orgnr", is_flag=True,
              help="Använd inte organisationsnummer (bara konto och namn).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="clusters.csv: en rad per rad i reskontran (utan flagga: standard ut).")
@click.option("--report", type=click.Path(dir_okay=False, writable=True),
              help="report.json: mottagare som fått betalt av flera förvaltningar.")
def match_ledger(input_path: str, preset: str, ignore_orgnr: bool, output: str | None,
                 report: str | None) -> None:
    """Gruppera betalningsmottagare i en leverantörsreskontra (CSV/XLSX)."""
    try:
        with paused_gc():  # a million rows: no cyclic GC while they are built
            rows = list(read_ledger(input_path, preset))
    except LedgerError as exc:
        raise click.ClickException(str(exc)) from exc
    result = cluster_ledger(rows, use_orgnr=not ignore_orgnr)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as f:
            _write_clusters(f, result)
    else:
        _write_clusters(sys.stdout, result)
    multi = multi_department_clusters(result, rows)
    if report:
        with open(report, "w", encoding="utf-8") as f:
            json.dump(_report(input_path, preset, ignore_orgnr, rows, result, multi), f,
                      ensure_ascii=False, indent=2, default=_json_default)
    problems = sum(1 for r in rows if r.org_nr_problem)
    ambiguous = sum(1 for c in result.clusters.values() if c.ambiguous_name)
    click.echo(_("%(rows)s, %(payees)s (med betalningar från flera förvaltningar: %(multi)s; med samma "
                 "namn och flera möjliga organisationer: %(ambiguous)s); rader med "
                 "organisationsnummerproblem: %(problems)s.",
                 rows=ngettext("%(num)s rad", "%(num)s rader", len(rows)),
                 payees=ngettext("%(num)s mottagare", "%(num)s mottagare", len(result.clusters)),
                 multi=len(multi), problems=problems, ambiguous=ambiguous), err=True)


def _write_clusters(stream, result) -> None:
    out = csv.writer(stream, lineterminator="\n")
    out.writerow(CLUSTER_COLUMNS)
    for a in result:
        out.writerow([a.row, a.cluster_id, a.resolved_org_nr or "", safe_cell(a.canonical_name),
                      a.method, f"{a.confidence:.3f}"])


def _report(input_path, preset, ignore_orgnr, rows, result, multi) -> dict:
    problems = [{"row": r.row, "org_nr_raw": r.org_nr_raw, "problem": r.org_nr_problem}
                for r in rows if r.org_nr_problem]
    return {
        "input": str(input_path), "preset": preset, "use_orgnr": not ignore_orgnr,
        "rows": len(rows), "clusters": len(result.clusters),
        "methods": dict(Counter(a.method for a in result)),
        "same_name_several_organisations": [
            {"cluster_id": c.cluster_id, "name": c.canonical_name, "rows": c.rows}
            for c in result.clusters.values() if c.ambiguous_name],
        "org_nr_problems": problems,
        "multi_department_clusters": [asdict(m) for m in multi],
    }


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)
