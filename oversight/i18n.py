"""Swedish by default, English on request (session choice, then the user's setting)."""
from __future__ import annotations

import os

from flask import Flask, session
from flask_login import current_user

from oversight.extensions import babel

LOCALES = {"sv": "Svenska", "en": "English"}


def select_locale() -> str:
    from flask import current_app, has_request_context

    if not has_request_context():  # a job or a CLI command: the configured default
        return current_app.config["DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    return current_app.config["DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(root, "translations"))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm")
    babel.init_app(app, locale_selector=select_locale, default_locale="sv",
                   default_timezone="Europe/Stockholm")
