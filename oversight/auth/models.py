"""Departments (förvaltningar/nämnder), users and login attempts."""
from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oversight.auth.roles import ROLE_LABELS, can
from oversight.db import TimestampMixin, utcnow
from oversight.extensions import db
from oversight.labels import Labels

DEPARTMENT_KINDS = Labels({
    "district": "Stadsdelsförvaltning",
    "social": "Socialförvaltning",
    "other": "Övrig förvaltning",
})


class Department(TimestampMixin, db.Model):
    __tablename__ = "department"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # A merger has several predecessors; each points to its successor (Rinkeby-Kista -> Järva).
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))

    successor: Mapped[Department | None] = relationship(
        remote_side=[id], foreign_keys=[successor_id], back_populates="predecessors"
    )
    predecessors: Mapped[list[Department]] = relationship(
        foreign_keys=[successor_id], back_populates="successor"
    )

    @property
    def kind_label(self) -> str:
        return DEPARTMENT_KINDS.get(self.kind, self.kind)

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def __str__(self) -> str:
        return self.name


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"
    __audited__ = True
    __audit_exclude__ = {"password_hash"}
    __audit_skip__ = {"last_login_at"}  # the login itself is an entry of category "login"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Stored in the session at login and compared on every request: raising it ends every
    # session of this user (logout, password change, deactivation, role or department change).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Provider role only: the provider organisation whose time reports the user submits.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))

    department: Mapped[Department] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def can(self, permission: str) -> bool:
        return can(self.role, permission)

    def __str__(self) -> str:
        return f"{self.name} ({self.username})"


class LoginAttempt(db.Model):
    """Failed and successful logins; the throttle counts these in the database, so it works
    across workers. Attempts refused by the throttle are not stored here (they are logged and
    audited): a stranger hammering an account cannot make its delay grow faster."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
