"""Login through the identity provider, and the admins' page for the group table."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from oversight import sessions
from oversight.audit import set_actor
from oversight.auth.models import Department
from oversight.extensions import db
from oversight.permissions import require
from oversight.sso import enabled, services
from oversight.sso.forms import MappingForm
from oversight.sso.models import SsoGroupMapping

bp = Blueprint("sso", __name__, url_prefix="/login/sso")
admin_bp = Blueprint("sso_admin", __name__, url_prefix="/admin/sso")


def _client():
    """The Authlib client, made on first use (no network until a login starts)."""
    app = current_app._get_current_object()
    client = app.extensions.get("oversight_oidc")
    if client is None:
        from authlib.integrations.flask_client import OAuth

        oauth = OAuth(app)
        client = oauth.register(
            "municipality", server_metadata_url=app.config["OIDC_METADATA_URL"],
            client_id=app.config["OIDC_CLIENT_ID"],
            client_secret=app.config["OIDC_CLIENT_SECRET"],
            client_kwargs={"scope": app.config["OIDC_SCOPE"], "timeout": 15})
        app.extensions["oversight_oidc"] = client
    return client


@bp.get("/")
def start():
    if not enabled(current_app):
        abort(404)
    try:
        return _client().authorize_redirect(url_for(".callback", _external=True))
    except Exception:  # noqa: BLE001 - the provider could not be reached: say so, no traceback
        current_app.logger.exception("SSO: the identity provider could not be reached")
        flash(_("Kommunens inloggning svarar inte just nu. Försök igen senare."), "error")
        return redirect(url_for("auth.login"))


@bp.get("/callback")
def callback():
    if not enabled(current_app):
        abort(404)
    try:
        token = _client().authorize_access_token()
    except Exception:  # noqa: BLE001 - a refused, forged or expired answer: never a login
        current_app.logger.warning("SSO: the provider's answer was refused", exc_info=True)
        flash(_("Inloggningen med kommunens konto kunde inte slutföras. Försök igen."), "error")
        return redirect(url_for("auth.login"))
    claims = dict(token.get("userinfo") or {})
    try:
        user = services.user_from_claims(
            db.session, claims, groups_claim=current_app.config["OIDC_GROUPS_CLAIM"],
            username_claim=current_app.config["OIDC_USERNAME_CLAIM"])
    except services.SsoError as exc:
        db.session.commit()  # the audit entry of the refusal
        flash(str(exc), "error")
        return redirect(url_for("auth.login"))
    db.session.commit()
    session.clear()  # new session on login: no fixation
    login_user(user)
    sessions.start(session, user)
    set_actor(user)
    return redirect(url_for("main.index"))


# --- admin: the group table ---------------------------------------------------------------------

def _departments():
    return [(d.id, d.name) for d in db.session.scalars(
        select(Department).where(Department.valid_to.is_(None)).order_by(Department.name))]


@admin_bp.route("/", methods=["GET", "POST"])
@admin_bp.route("/<int:mapping_id>", methods=["GET", "POST"])
@require("users.manage")
def mappings(mapping_id: int | None = None):
    mapping = db.get_or_404(SsoGroupMapping, mapping_id) if mapping_id else None
    form = MappingForm(obj=mapping)
    form.department_id.choices = _departments()
    if form.validate_on_submit():
        try:
            services.save_mapping(db.session, mapping, group=form.group.data,
                                  role=form.role.data,
                                  department=db.session.get(Department, form.department_id.data),
                                  priority=form.priority.data)
        except services.SsoError as exc:
            db.session.rollback()
            form.group.errors = [*form.group.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Grupptabellen är sparad."), "success")
            return redirect(url_for(".mappings"))
    rows = db.session.scalars(select(SsoGroupMapping).order_by(SsoGroupMapping.priority,
                                                               SsoGroupMapping.group))
    return render_template("admin/sso.html", form=form, mapping=mapping, rows=list(rows),
                           roles=services.SSO_ROLES, enabled=enabled(current_app),
                           delete_form=FlaskForm(), current_user=current_user)


@admin_bp.post("/<int:mapping_id>/delete")
@require("users.manage")
def delete(mapping_id: int):
    mapping = db.get_or_404(SsoGroupMapping, mapping_id)
    if FlaskForm().validate_on_submit():
        services.delete_mapping(db.session, mapping)
        db.session.commit()
        flash(_("Gruppen %(group)s är borttagen ur tabellen.", group=mapping.group), "success")
    return redirect(url_for(".mappings"))
