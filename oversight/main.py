from collections import Counter

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from oversight.attention import items_for
from oversight.extensions import db
from oversight.statistics.chart import Chart, bar_chart

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    items = items_for(db.session, current_user)
    return render_template("main/index.html", items=items, counts=_counts(items))


SEVERITY_LABELS = {"danger": _l("Allvarligt"), "warning": _l("Att bevaka"), "info": _l("Att känna till")}


def _counts(items) -> Chart:
    """The start page's items counted per severity, for the chart and its table."""
    counted = Counter(item.severity for item in items)
    return bar_chart([(str(label), counted[key]) for key, label in SEVERITY_LABELS.items()
                      if counted[key]], "count")


@bp.get("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
