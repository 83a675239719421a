from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from oversight import sessions
from oversight.audit import set_actor
from oversight.auth import services
from oversight.auth.forms import LoginForm, PasswordChangeForm
from oversight.auth.throttle import Policy
from oversight.extensions import db
from oversight.i18n import LOCALES
from oversight.web import local_path

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect after login."""
    return local_path(target, url_for("main.index"))


def wait_text(seconds: int) -> str:
    """"30 sekunder", "1 minut", "4 minuter": minutes (rounded up) from two minutes on."""
    if seconds < 120:
        return ngettext("%(num)d sekund", "%(num)d sekunder", seconds)
    return ngettext("%(num)d minut", "%(num)d minuter", -(-seconds // 60))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                db.session, form.username.data, form.password.data, request.remote_addr,
                policy=Policy.from_config(current_app.config))
        except services.LoginThrottled as exc:
            db.session.commit()  # the audit entry of the refused attempt
            flash(_("För många misslyckade inloggningar. Försök igen om %(wait)s.",
                    wait=wait_text(exc.seconds)), "error")
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(exc.seconds)
            return response
        db.session.commit()
        if user is None:
            flash(_("Fel användarnamn eller lösenord."), "error")
            return render_template("auth/login.html", form=form), 200
        session.clear()  # new session on login: no fixation
        login_user(user)
        sessions.start(session, user)  # a browser session; absolute and idle limits enforced
        set_actor(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_sessions(current_user)  # every session of the user, also a saved cookie
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(db.session, current_user, form.current.data, form.new.data)
        except services.WrongCurrentPassword as exc:
            form.current.errors.append(str(exc))
        except services.AuthError as exc:
            form.new.errors.append(str(exc))
        else:
            db.session.commit()
            sessions.renew(session, current_user)  # this session stays; the user's others end
            flash(_("Lösenordet är ändrat."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)


@bp.post("/language/<code>")
def set_language(code: str):
    if code in LOCALES:
        session["locale"] = code
    return redirect(_safe_next(request.form.get("next")))
