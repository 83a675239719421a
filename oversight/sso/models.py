"""The group → role and department table, and the link from a provider's subject to a user."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oversight.db import utcnow
from oversight.extensions import db


class SsoGroupMapping(db.Model):
    """Members of ``group`` get ``role`` in ``department``; with several matching groups the
    lowest ``priority`` wins."""

    __tablename__ = "sso_group_mapping"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    group: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    priority: Mapped[int] = mapped_column(Integer, default=100)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    department = relationship("Department", lazy="joined")

    def __str__(self) -> str:
        return f"SSO-grupp {self.group}"


class SsoIdentity(db.Model):
    """The provider's stable subject (``iss`` + ``sub``) of a user account."""

    __tablename__ = "sso_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User")
