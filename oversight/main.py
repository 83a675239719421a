from flask import Blueprint, render_template
from flask_login import current_user, login_required

from oversight.attention import items_for
from oversight.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("main/index.html", items=items_for(db.session, current_user))


@bp.get("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
