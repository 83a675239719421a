"""Login sessions that end: a per-user generation, an absolute limit and an idle limit.

At login the session gets the user's ``session_generation`` and the login time. On every request
(Flask-Login's user loader) the session is refused when the user's generation has moved on
(logout, password change, deactivation, role or department change end every session of that
user, also a cookie saved earlier), when ``SESSION_HOURS`` have passed since login, or when no
request came for ``SESSION_IDLE_MINUTES``.
"""
from __future__ import annotations

import time
from collections.abc import MutableMapping

GENERATION, LOGIN_AT, SEEN_AT = "_gen", "_login_at", "_seen_at"
_TOUCH_EVERY = 60  # seconds: do not rewrite the cookie on every request


def start(session: MutableMapping, user, now: float | None = None) -> None:
    now = time.time() if now is None else now
    session[GENERATION] = user.session_generation or 0
    session[LOGIN_AT] = session[SEEN_AT] = int(now)


def renew(session: MutableMapping, user) -> None:
    """Keep the current session after the user's own password change (the others end)."""
    session[GENERATION] = user.session_generation or 0


def is_valid(session: MutableMapping, user, config, now: float | None = None) -> bool:
    """Whether this session may still act as ``user``; refreshes the idle clock when it may."""
    now = time.time() if now is None else now
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if (user is None or session.get(GENERATION) != (user.session_generation or 0)
            or not isinstance(login_at, int) or not isinstance(seen_at, int)):
        return False
    if now - login_at > float(config["SESSION_HOURS"]) * 3600:
        return False
    if now - seen_at > float(config["SESSION_IDLE_MINUTES"]) * 60:
        return False
    if now - seen_at >= _TOUCH_EVERY:
        session[SEEN_AT] = int(now)
    return True
