"""Declarative base, constraint naming convention and shared column mixins."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names make Alembic autogenerate and PostgreSQL/SQLite diffs predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timezone-aware now; used as a callable default, never evaluated at import."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


IN_LIST_CHUNK = 900  # bound parameters per IN (...) query: safe on SQLite and PostgreSQL


def in_chunks(values, size: int | None = None):
    """``values`` in lists of at most ``size`` (``IN_LIST_CHUNK``), for ``column.in_(chunk)``
    queries over many keys (SQLite refuses more than 32 766 parameters in one statement)."""
    size = size or IN_LIST_CHUNK
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i:i + size]
