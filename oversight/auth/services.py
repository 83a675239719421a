"""Authentication: argon2 hashes, login throttling, user management."""
from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oversight.auth.models import Department, LoginAttempt, User
from oversight.auth.roles import ROLE_LABELS
from oversight.db import utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12


class LoginThrottled(Exception):
    """Too many failed attempts for this username or address inside the window."""


class AuthError(ValueError):
    """A user-facing error, message in Swedish."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _recent_failures(session: Session, *, window: timedelta, **where) -> int:
    since = utcnow() - window
    (column, value), = where.items()
    last_success = select(func.max(LoginAttempt.at)).where(
        getattr(LoginAttempt, column) == value, LoginAttempt.success.is_(True)
    ).scalar_subquery()
    stmt = select(func.count()).where(
        getattr(LoginAttempt, column) == value,
        LoginAttempt.success.is_(False),
        LoginAttempt.at >= since,
        LoginAttempt.at > func.coalesce(last_success, since),
    )
    return session.scalar(stmt) or 0


def authenticate(
    session: Session, username: str, password: str, remote_addr: str | None,
    *, max_attempts: int, window_minutes: int,
) -> User | None:
    """Return the user on success, None on bad credentials; raise LoginThrottled when locked.

    Per-address throttling uses a higher limit so one office behind NAT is not locked out by
    a single colleague's typos.
    """
    username = username.strip().lower()
    window = timedelta(minutes=window_minutes)
    if _recent_failures(session, window=window, username=username) >= max_attempts or (
        remote_addr
        and _recent_failures(session, window=window, remote_addr=remote_addr) >= max_attempts * 4
    ):
        raise LoginThrottled()
    user = session.scalar(select(User).where(User.username == username))
    ok = bool(user and user.active and verify_password(user.password_hash, password))
    if not user:
        verify_password(_DUMMY_HASH, password)  # same cost whether or not the user exists
    session.add(LoginAttempt(username=username, remote_addr=remote_addr, success=ok))
    if not ok:
        return None
    user.last_login_at = utcnow()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


_DUMMY_HASH = _hasher.hash("not-a-real-password")


def validate_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AuthError("Nuvarande lösenord stämmer inte.")
    validate_new_password(new)
    user.password_hash = hash_password(new)
    session.flush()


def create_user(
    session: Session, *, username: str, name: str, password: str, role: str,
    department: Department, email: str | None = None,
) -> User:
    username = username.strip().lower()
    if role not in ROLE_LABELS:
        raise AuthError(f"Okänd roll: {role}.")
    if session.scalar(select(User).where(User.username == username)):
        raise AuthError(f"Användarnamnet {username} finns redan.")
    validate_new_password(password)
    user = User(
        username=username, name=name, email=email, role=role,
        department=department, password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, user: User, *, name: str, role: str,
                department: Department, active: bool, email: str | None) -> User:
    if role not in ROLE_LABELS:
        raise AuthError(f"Okänd roll: {role}.")
    user.name, user.role, user.department, user.active, user.email = (
        name, role, department, active, email
    )
    session.flush()
    return user


def upsert_department(session: Session, *, code: str, name: str, kind: str,
                      valid_from=None, valid_to=None, successor_code: str | None = None) -> Department:
    """Create or update a department by its code; a successor link expresses a merger."""
    if valid_from and valid_to and valid_to < valid_from:
        raise AuthError("Slutdatum kan inte ligga före startdatum.")
    successor = None
    if successor_code:
        successor = session.scalar(select(Department).where(Department.code == successor_code))
        if successor is None:
            raise AuthError(f"Okänd efterträdare: {successor_code}.")
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        dept = Department(code=code)
        session.add(dept)
    dept.name, dept.kind, dept.valid_from, dept.valid_to = name, kind, valid_from, valid_to
    dept.successor = successor
    session.flush()
    return dept


def reset_password(session: Session, user: User, new: str) -> None:
    validate_new_password(new)
    user.password_hash = hash_password(new)
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
                department=department, password_hash="!cannot-log-in", active=False)
    session.add(user)
    session.flush()
    return user
