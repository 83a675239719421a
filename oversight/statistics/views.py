"""The statistics page: the measures with their definitions, a chart per district (inline SVG,
served with the page; the table is its text alternative), the comparison table and exports."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from sqlalchemy import select

from oversight.auth.models import Department
from oversight.exports import export_response
from oversight.extensions import db
from oversight.permissions import require
from oversight.statistics import measures as m
from oversight.statistics.chart import bar_chart
from oversight.statistics.export import HEADERS, SCALARS, comparison_rows, measure_rows
from oversight.statistics.service import comparison, measures_for, reporting_units

bp = Blueprint("statistics", __name__, url_prefix="/statistics")
CHARTABLE = [x for x in SCALARS if x.unit in ("count", "sek", "days")]


def _int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    try:
        value = int(request.args.get(name) or default)
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


@bp.get("/")
@require("statistics.view")
def index():
    year = _int_arg("year", date.today().year, 2000, 2100)
    month = _int_arg("month", None, 1, 12)
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    dept = next((d for d in departments if str(d.id) == request.args.get("department")), None)
    units = reporting_units(db.session)
    unit = request.args.get("unit") if request.args.get("unit") in units else None
    values = measures_for(db.session, year, month, dept, unit)
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        if request.args.get("table") == "districts":
            headers, rows = comparison_rows(db.session, year, month)
            return export_response(fmt, f"statistik-forvaltningar-{year}", headers, rows)
        return export_response(fmt, f"statistik-{year}", HEADERS, measure_rows(values))
    chart_key = request.args.get("measure") if request.args.get("measure") in {x.key for x in CHARTABLE} \
        else "incoming"
    districts = comparison(db.session, year, month)
    chart = bar_chart([(r.department.name, r.values[chart_key]) for r in districts],
                      m.BY_KEY[chart_key].unit)
    return render_template("statistics/index.html", year=year, month=month, dept=dept,
                           departments=departments, units=units, unit=unit, values=values, measures=m.MEASURES,
                           scalars=SCALARS, chartable=CHARTABLE, chart_key=chart_key,
                           chart=chart, districts=districts, by_key=m.BY_KEY, labels=code_labels())


def code_labels() -> dict[str, str]:
    """One label per code of the breakdowns (causes, reasons, recipients, sexes, modules)."""
    from oversight.cases import codes

    out = {"unknown": "Okänt / ej angivet"}
    for table in (codes.CAUSES, codes.NOT_OPENED_REASONS, codes.RECIPIENTS, codes.SEXES, codes.MODULES):
        out.update({k: codes.label(table, k) for k in table})
    return out
