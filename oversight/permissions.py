"""View decorator: the role check lives here, not in forms or templates."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def require(permission: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
