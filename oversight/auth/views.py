from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from oversight.audit import set_actor
from oversight.auth import services
from oversight.auth.forms import LoginForm, PasswordChangeForm
from oversight.extensions import db
from oversight.i18n import LOCALES
from oversight.web import local_path

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect after login."""
    return local_path(target, url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                db.session, form.username.data, form.password.data, request.remote_addr,
                max_attempts=current_app.config["LOGIN_MAX_ATTEMPTS"],
                window_minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
            )
        except services.LoginThrottled:
            db.session.rollback()
            flash(f"För många misslyckade inloggningar. Försök igen om "
                  f"{current_app.config['LOGIN_WINDOW_MINUTES']} minuter.", "error")
            return render_template("auth/login.html", form=form), 429
        db.session.commit()
        if user is None:
            flash("Fel användarnamn eller lösenord.", "error")
            return render_template("auth/login.html", form=form), 200
        session.clear()  # new session on login: no fixation
        login_user(user)
        session.permanent = True
        set_actor(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash("Du är utloggad.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(db.session, current_user, form.current.data, form.new.data)
        except services.AuthError as exc:
            form.current.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Lösenordet är ändrat.", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)


@bp.post("/language/<code>")
def set_language(code: str):
    if code in LOCALES:
        session["locale"] = code
    return redirect(_safe_next(request.form.get("next")))
