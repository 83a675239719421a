"""Login throttling with growing delays, counted in the database (several gunicorn workers).

Two counters, each over the failures inside the window (``LOGIN_WINDOW_MINUTES``):

* per account: failures since that account's last success. The first ``LOGIN_MAX_ATTEMPTS``
  failures are free; after that each attempt waits ``LOGIN_DELAY_SECONDS`` (30 s), doubling with
  every further failure, at most ``LOGIN_MAX_DELAY_SECONDS``.
* per client address: every failure from the address, whichever account, and a success on
  another account does **not** reset it (password spraying from one address stays throttled).
  Free failures: 4 x ``LOGIN_MAX_ATTEMPTS`` (an office behind one NAT address).

A delay is never a lockout: once it has passed, the right password is let through, so a
stranger who types wrong passwords for someone else's account only slows that user down for a
bounded time. Attempts refused during a delay are not counted (they are logged and audited).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oversight.auth.models import LoginAttempt
from oversight.db import utcnow

ADDRESS_FACTOR = 4


def now() -> datetime:
    """The throttle's clock (tests replace it to let time pass without waiting)."""
    return utcnow()


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 5  # free failures per account (ADDRESS_FACTOR x that per address)
    window_minutes: int = 15
    delay_seconds: int = 30
    max_delay_seconds: int = 900

    @classmethod
    def from_config(cls, config) -> Policy:
        return cls(int(config["LOGIN_MAX_ATTEMPTS"]), int(config["LOGIN_WINDOW_MINUTES"]),
                   int(config["LOGIN_DELAY_SECONDS"]), int(config["LOGIN_MAX_DELAY_SECONDS"]))


def delay_for(failures: int, free: int, policy: Policy) -> int:
    """Seconds to wait after ``failures`` failures when ``free`` of them cost nothing."""
    if failures < free:
        return 0
    return min(policy.delay_seconds * 2 ** min(failures - free, 20), policy.max_delay_seconds)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _failures(session: Session, since: datetime, *conditions) -> tuple[int, datetime | None]:
    row = session.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.success.is_(False), LoginAttempt.at >= since, *conditions)).one()
    return row[0] or 0, (_aware(row[1]) if row[1] else None)


def _account_failures(session: Session, username: str, since: datetime):
    last_success = select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.success.is_(True)).scalar_subquery()
    return _failures(session, since, LoginAttempt.username == username,
                     LoginAttempt.at > func.coalesce(last_success, since))


def _wait(count: int, last: datetime | None, free: int, policy: Policy, now: datetime) -> int:
    delay = delay_for(count, free, policy)
    if not delay or last is None:
        return 0
    return max(0, int(-(-(last + timedelta(seconds=delay) - now).total_seconds() // 1)))


def remaining_wait(session: Session, username: str, remote_addr: str | None, policy: Policy,
                   now: datetime) -> int:
    """Seconds until an attempt for ``username`` from ``remote_addr`` is let through (0: now)."""
    since = now - timedelta(minutes=policy.window_minutes)
    waits = [_wait(*_account_failures(session, username, since), policy.max_attempts, policy, now)]
    if remote_addr:
        count, last = _failures(session, since, LoginAttempt.remote_addr == remote_addr)
        waits.append(_wait(count, last, policy.max_attempts * ADDRESS_FACTOR, policy, now))
    return max(waits)
