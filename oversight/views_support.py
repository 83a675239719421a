"""Small helpers every blueprint uses for the shape of a form POST."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash

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


def paginate(stmt):
    """One page of a list statement: the page number from ``?page=``, ``PAGE_SIZE`` rows (one
    setting for every list)."""
    return db.paginate(stmt, per_page=int(current_app.config["PAGE_SIZE"]), error_out=False)
