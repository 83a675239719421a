"""Small helpers every blueprint uses: the shape of a form POST, and URLs built outside a
request (background jobs set ``result_url``)."""
from __future__ import annotations

from typing import Callable
from urllib.parse import quote

from flask import current_app, flash, has_request_context, url_for

from oversight.extensions import db


def flash_form_errors(form) -> None:
    """Each field error as a flash message, prefixed with the field's label."""
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")


def commit_or_flash(action: Callable[[], object], success: str,
                    errors: tuple[type[Exception], ...] = (ValueError,)) -> bool:
    """Run a service call: commit and flash ``success``, or roll back and flash the service's
    (Swedish) message so nothing is half-saved. True when saved."""
    try:
        action()
    except errors as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True


def path_for(endpoint: str, **values) -> str:
    """``url_for`` that also works without a request (a background worker has only an app
    context): the path on the app's URL map, with ``_anchor`` as a fragment."""
    if has_request_context():
        return url_for(endpoint, **values)
    anchor = values.pop("_anchor", None)
    adapter = current_app.url_map.bind(
        current_app.config.get("SERVER_NAME") or "localhost",
        script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    path = adapter.build(endpoint, values)
    return f"{path}#{quote(anchor)}" if anchor else path
