"""Request hooks, security headers, error pages, template filters and globals."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from oversight import formatting, identifiers
from oversight.audit import set_actor

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    _hooks(app)
    _errors(app)
    _templates(app)


def _hooks(app: Flask) -> None:
    from oversight.auth.models import User
    from oversight.extensions import db, login_manager

    @login_manager.user_loader
    def load_user(user_id: str):
        from flask import session

        from oversight import sessions

        user = db.session.get(User, int(user_id))
        if not sessions.is_valid(session, user, app.config):
            session.clear()  # ended: a later request with the same cookie is anonymous too
            return None
        return user

    @app.before_request
    def attribute_changes_to_user():
        set_actor(current_user if current_user.is_authenticated else None)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config["ENV_NAME"] == "production":
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        if current_user.is_authenticated:  # pages with personal data must not be cached
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _errors(app: Flask) -> None:
    # Generic pages: they never say whether a resource exists elsewhere or why access failed.
    messages = {  # lazy: translated when a page is shown, in the reader's language
        400: (_l("Felaktig begäran"), _l("Begäran kunde inte tolkas.")),
        403: (_l("Åtkomst nekad"), _l("Du har inte behörighet till den här sidan.")),
        404: (_l("Sidan finns inte"), _l("Sidan finns inte eller så saknar du behörighet till den.")),
        413: (_l("Filen är för stor"), _l("Filen är större än vad som tillåts.")),
        500: (_l("Något gick fel"), _l("Ett oväntat fel inträffade. Försök igen eller kontakta support.")),
    }

    def make_handler(code):
        def handler(error):
            title, text = messages[code]
            if code == 413:
                text = _("Filen är större än %(n)s MB.", n=app.config["MAX_UPLOAD_MB"])
            return render_template("errors/error.html", code=code, title=title, text=text), code
        return handler

    for code in messages:
        app.register_error_handler(code, make_handler(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template(
            "errors/error.html", code=400, title=_("Sidan har gått ut"),
            text=_("Formuläret var för gammalt eller saknade säkerhetstoken. Ladda om sidan och försök igen."),
        ), 400


def _templates(app: Flask) -> None:
    from oversight import labels, scoping
    from oversight.navigation import navigation_for

    scoping.init_app(app)  # the Jinja test ``changeable``
    labels.init_app(app)  # the filters ``label``, ``coded``, ``score_phrase``

    app.jinja_env.filters.update(
        sek=formatting.sek, number=formatting.number, isodate=formatting.iso_date,
        datetime=formatting.local_datetime, age=formatting.age_text,
        day=formatting.day_html, daytime=lambda value: formatting.day_html(value, True),
        percentages=formatting.percent_texts,
        mask_personnummer=lambda value: identifiers.mask_personnummer(value) or "",
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.jinja_env.globals["sort_url"] = sort_url  # a global, so imported macros see it
    from oversight.documents import blocks

    app.jinja_env.globals["document_blocks"] = blocks  # the ``paragraphs`` macro's layout
    from oversight.navigation import grouped

    app.jinja_env.globals["nav_groups"] = grouped  # the desktop navigation's menus

    @app.context_processor
    def globals_():
        from oversight.i18n import LOCALES, select_locale

        return {
            "nav": navigation_for(current_user),
            "locales": LOCALES,
            "current_locale": select_locale(),
        }


def sort_url(column: str) -> str:
    """The current listing sorted by ``column``; a second click reverses the order."""
    args = request.args.to_dict()
    same = args.get("sort") == column
    args["dir"] = "desc" if same and args.get("dir") != "desc" else "asc"
    args["sort"] = column
    for key in [k for k in args if k == "page" or k.endswith("_page")]:
        args.pop(key)  # a new order starts every paged list on the page at its first page
    return request.path + "?" + urlencode(args)


def local_path(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback``: never an open redirect.

    Browsers read a backslash as a slash and drop tabs and newlines, so "/\\evil.example" and
    "/<tab>/evil.example" would lead to another host just like "//evil.example"."""
    if (not target or not target.startswith("/") or target.startswith("//")
            or any(c in target for c in "\\\t\r\n")):
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target
