"""Authentication: argon2 hashes, login throttling, user management."""
from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.audit import record_event
from oversight.auth import passwords, throttle
from oversight.auth.models import Department, LoginAttempt, User
from oversight.auth.roles import ROLE_LABELS

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
log = logging.getLogger("oversight.auth")


class LoginThrottled(Exception):
    """Too many failed attempts for this username or address: wait ``seconds``."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


class AuthError(ValueError):
    """A user-facing error, message in Swedish."""


class WrongCurrentPassword(AuthError):
    """The current password given for a change is not the user's."""


@lru_cache(maxsize=4)
def _hasher_with(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def _hasher() -> PasswordHasher:
    """The argon2id hasher with the configured cost (the library's defaults outside an app)."""
    if not has_app_context():
        return _hasher_with(3, 65_536)
    config = current_app.config
    return _hasher_with(int(config["PASSWORD_HASH_TIME_COST"]),
                        int(config["PASSWORD_HASH_MEMORY_KIB"]))


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    session: Session, username: str, password: str, remote_addr: str | None,
    *, policy: throttle.Policy, now: datetime | None = None,
) -> User | None:
    """Return the user on success, None on bad credentials; raise LoginThrottled (with the
    seconds left) while a delay for this account or address runs. Every outcome is logged and
    audited (category ``login``)."""
    username = username.strip().lower()[:80]
    now = now or throttle.now()
    wait = throttle.remaining_wait(session, username, remote_addr, policy, now)
    if wait:
        _record_login(session, "throttled", username, remote_addr, None,
                      f"Inloggning som {username} fördröjd ({wait} s kvar)")
        raise LoginThrottled(wait)
    user = session.scalar(select(User).where(User.username == username))
    ok = bool(user and user.active and verify_password(user.password_hash, password))
    if not user:
        verify_password(_dummy_hash(_hasher()), password)  # same cost whether or not the user exists
    session.add(LoginAttempt(username=username, remote_addr=remote_addr, success=ok, at=now))
    if not ok:
        _record_login(session, "failed", username, remote_addr, None,
                      f"Misslyckad inloggning som {username}")
        return None
    user.last_login_at = now
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    _record_login(session, "login", username, remote_addr, user, f"Inloggning som {username}")
    return user


def _record_login(session: Session, action: str, username: str, remote_addr: str | None,
                  user: User | None, summary: str) -> None:
    level = logging.INFO if action == "login" else logging.WARNING
    log.log(level, "login %s user=%r addr=%s", action, username, remote_addr)  # %r: no log injection
    record_event(session, action, "login", user.id if user else None,
                 f"{summary} från {remote_addr or 'okänd adress'}", actor=user)


def end_sessions(user: User) -> None:
    """End every session of ``user`` (each carries the generation it was started with)."""
    user.session_generation = (user.session_generation or 0) + 1


def validate_new_password(password: str, *, username: str = "", name: str = "",
                          email: str | None = None, current_hash: str | None = None) -> None:
    """NIST SP 800-63B: length, not a common password or pattern, not built from the user's
    own data, not the current password. Raises AuthError with the reason in Swedish."""
    problem = passwords.problem(password, [username, name, email or ""])
    if problem is None and current_hash and verify_password(current_hash, password):
        problem = _("Det nya lösenordet får inte vara samma som det nuvarande.")
    if problem:
        raise AuthError(problem)


def _validate_for(user: User, password: str) -> None:
    validate_new_password(password, username=user.username, name=user.name, email=user.email,
                          current_hash=user.password_hash)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The user's own change: their other sessions end; the caller renews the current one."""
    if not verify_password(user.password_hash, current):
        raise WrongCurrentPassword(_("Nuvarande lösenord stämmer inte."))
    _validate_for(user, new)
    user.password_hash = hash_password(new)
    end_sessions(user)
    session.flush()


def create_user(
    session: Session, *, username: str, name: str, password: str, role: str,
    department: Department, email: str | None = None,
) -> User:
    username = username.strip().lower()
    if role not in ROLE_LABELS:
        raise AuthError(_("Okänd roll: %(role)s.", role=role))
    if session.scalar(select(User).where(User.username == username)):
        raise AuthError(_("Användarnamnet %(username)s finns redan.", username=username))
    validate_new_password(password, username=username, name=name, email=email)
    user = User(
        username=username, name=name, email=email, role=role,
        department=department, password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, actor, user: User, *, name: str, role: str,
                department: Department, active: bool, email: str | None) -> User:
    """Change a user. Nobody changes their own role or department (an administrator moving
    into a department would gain its personal data): another administrator does, audited, and
    the department's users see it on their start page (``access_changes``)."""
    if role not in ROLE_LABELS:
        raise AuthError(_("Okänd roll: %(role)s.", role=role))
    if actor is not None and getattr(actor, "id", None) == user.id and (
            role != user.role or department.id != user.department_id or not active):
        raise AuthError(_("Du kan inte ändra din egen roll, förvaltning eller aktivering; "
                          "be en annan administratör."))
    if (role, department.id, bool(active)) != (user.role, user.department_id, bool(user.active)):
        end_sessions(user)  # new rights (or none) take effect at once, not at the next login
    user.name, user.role, user.department, user.active, user.email = (
        name, role, department, active, email
    )
    session.flush()
    return user


def upsert_department(session: Session, *, code: str, name: str, kind: str,
                      valid_from=None, valid_to=None, successor_code: str | None = None) -> Department:
    """Create or update a department by its code; a successor link expresses a merger."""
    if valid_from and valid_to and valid_to < valid_from:
        raise AuthError(_("Slutdatum kan inte ligga före startdatum."))
    successor = None
    if successor_code:
        successor = session.scalar(select(Department).where(Department.code == successor_code))
        if successor is None:
            raise AuthError(_("Okänd efterträdare: %(successor_code)s.", successor_code=successor_code))
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        dept = Department(code=code)
        session.add(dept)
    dept.name, dept.kind, dept.valid_from, dept.valid_to = name, kind, valid_from, valid_to
    dept.successor = successor
    session.flush()
    return dept


def reset_password(session: Session, user: User, new: str) -> None:
    """An administrator sets a new password: every session of the user ends."""
    _validate_for(user, new)
    user.password_hash = hash_password(new)
    end_sessions(user)
    session.flush()


SYSTEM_DEPARTMENT_CODE = "system"


def system_user(session: Session) -> User:
    """The named account scheduled jobs run as, made on first use (idempotent). It cannot log
    in: it is inactive and its password hash is not a hash any password matches. Its audit
    entries carry no department (see ``oversight.audit.actor_of``)."""
    from oversight.audit import SYSTEM_USERNAME

    user = session.scalar(select(User).where(User.username == SYSTEM_USERNAME))
    if user is not None:
        return user
    department = session.scalar(select(Department).where(
        Department.code == SYSTEM_DEPARTMENT_CODE))
    if department is None:
        department = Department(code=SYSTEM_DEPARTMENT_CODE, name="Systemet (schemalagda jobb)",
                                kind="other")
        session.add(department)
    user = User(username=SYSTEM_USERNAME, name="Systemet (schemalagda jobb)", role="auditor",
                department=department, password_hash="!cannot-log-in",  # nosec B106  # no hash matches
                active=False)
    session.add(user)
    session.flush()
    return user
