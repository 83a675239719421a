"""Append-only, hash-chained audit trail.

Every create/update/delete of a model marked ``__audited__ = True`` is recorded automatically
by an ``after_flush`` hook, on the flush's own connection, so the entry commits or rolls back
with the change itself. Views of a person's full identity are recorded with ``record_view``.
Each entry's hash is an HMAC-SHA256, keyed with ``OVERSIGHT_AUDIT_KEY`` (from the environment,
never in the database), over its content and the previous entry's hash: someone who can write
the database but lacks the key cannot recompute the chain after a change. ``verify_chain`` finds
the first entry that was altered, removed or inserted out of order, and checks the anchors
(oversight/audit_anchors.py) that catch deleted tail entries and a recomputation with the key;
the high-water mark (oversight/audit_highwater.py) catches tail entries deleted after the last
anchor.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from flask import current_app, g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import JSON, DateTime, Integer, String, Text, event, insert, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from oversight.audit_highwater import init_events as init_highwater_events
from oversight.audit_highwater import note_append
from oversight.db import utcnow
from oversight.extensions import db
from oversight.jsonable import to_jsonable

GENESIS = "0" * 64
_IGNORED_COLUMNS = {"created_at", "updated_at"}


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    department_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10), index=True)  # create|update|delete|view
    entity_type: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(60), index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # Unique: an entry can have only one successor, so concurrent writers cannot fork the chain.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str
    department_id: int | None


SYSTEM = Actor(None, "system", None)


SYSTEM_USERNAME = "system"  # the named account scheduled jobs run as (it cannot log in)


def actor_of(user) -> Actor:
    if user is None:
        return SYSTEM
    if getattr(user, "username", None) == SYSTEM_USERNAME:
        return Actor(user.id, SYSTEM_USERNAME, None)  # acts for no department
    return Actor(user.id, user.username, user.department_id)


def set_actor(user) -> None:
    """Who the following changes are attributed to (request hook, login, CLI)."""
    if has_app_context():
        g._audit_actor = actor_of(user)


@contextmanager
def acting_as(user):
    """Attribute every change inside the block to ``user`` (None: "system"), then restore the
    previous actor. Background jobs run their handler inside this, as the job's creator."""
    if not has_app_context():
        yield
        return
    had, previous = "_audit_actor" in g, g.get("_audit_actor")
    g._audit_actor = actor_of(user)
    try:
        yield
    finally:
        if had:
            g._audit_actor = previous
        else:
            g.pop("_audit_actor", None)


def current_actor() -> Actor:
    if has_app_context():
        return g.get("_audit_actor", SYSTEM)
    return SYSTEM


def _jsonable(value: Any) -> Any:
    return to_jsonable(value, on_datetime=_canonical_time, fallback=str)


def _canonical_time(value: datetime) -> str:
    # SQLite returns naive UTC, PostgreSQL aware in the session zone: hash one canonical form.
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def chain_key() -> bytes:
    """The HMAC key of the app (config ``AUDIT_KEY_BYTES``, set up by oversight/config.py)."""
    return current_app.config["AUDIT_KEY_BYTES"]


def entry_hash(row: dict, key: bytes | None = None) -> str:
    payload = {k: row[k] for k in (
        "at", "actor_id", "actor", "department_id", "action", "entity_type", "entity_id",
        "summary", "before", "after", "prev_hash")}
    payload["at"] = _canonical_time(payload["at"])
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(chain_key() if key is None else key, data.encode(), hashlib.sha256).hexdigest()


def _append(session: Session, rows: list[dict]) -> None:
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(727274)"))  # serialise writers
    table = AuditEntry.__table__
    prev = connection.execute(
        select(table.c.hash).order_by(table.c.id.desc()).limit(1)
    ).scalar() or GENESIS
    key = chain_key()
    for row in rows:
        row["prev_hash"] = prev
        row["hash"] = prev = entry_hash(row, key)
    connection.execute(insert(table), rows)
    note_append(session, connection, table)  # the high-water mark moves after the commit


def _base_row(action: str, entity_type: str, entity_id: Any, summary: str | None,
              actor: Actor | None = None) -> dict:
    actor = actor or current_actor()
    return {
        "at": utcnow(), "actor_id": actor.id, "actor": actor.name,
        "department_id": actor.department_id, "action": action, "entity_type": entity_type,
        "entity_id": None if entity_id is None else str(entity_id), "summary": summary,
        "before": None, "after": None,
    }


def _columns(obj) -> tuple[tuple[str, bool], ...]:
    """(column, hidden) of what the trail records: ``__audit_exclude__`` columns as ***,
    ``__audit_skip__`` columns not at all (bookkeeping another entry already records, such as
    a user's last login, which is its own ``login`` entry)."""
    return _columns_of(type(obj))


@cache
def _columns_of(cls) -> tuple[tuple[str, bool], ...]:
    # per model class: the columns and the two sets are the class's, not the row's
    excluded = getattr(cls, "__audit_exclude__", set())
    skipped = _IGNORED_COLUMNS | set(getattr(cls, "__audit_skip__", ()))
    return tuple((attr.key, attr.key in excluded) for attr in inspect(cls).column_attrs
                 if attr.key not in skipped)


_PLAIN = (str, int, float, bool, type(None))


def _value(obj, key: str, hidden: bool, value: Any) -> Any:
    """What the trail keeps of one column: excluded columns as ***, and a model may mask a
    value through ``audit_value`` (a sole trader's organisationsnummer is a personnummer)."""
    if hidden:
        return "***"
    mask = getattr(obj, "audit_value", None)
    if mask:
        value = mask(key, value)
    return value if type(value) in _PLAIN else _jsonable(value)


def _snapshot(obj) -> dict:
    return {k: _value(obj, k, hidden, getattr(obj, k)) for k, hidden in _columns(obj)}


def _changes(obj) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for key, hidden in _columns(obj):
        hist = state.attrs[key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                before[key], after[key] = _value(obj, key, hidden, old), _value(obj, key, hidden, new)
    return before, after


def _entity_id(obj) -> Any:
    # From the row's primary key columns, not the identity key: in after_flush a new object's
    # identity is not yet set (it was, so creations carried an empty id), its key columns are.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    if any(part is None for part in key):
        return None
    return key[0] if len(key) == 1 else ",".join(str(part) for part in key)


def _row(obj, action: str) -> dict:
    # A model may name a row's type itself (``audit_entity_type``) and mark single rows as
    # personal data (``audit_personal``): a person lookup in the otherwise shared registry.
    entity_type = getattr(obj, "audit_entity_type", None) or obj.__tablename__
    row = _base_row(action, entity_type, _entity_id(obj), str(obj)[:500])
    personal = getattr(obj, "__department_scoped__", False) or getattr(obj, "audit_personal", False)
    if personal and getattr(obj, "department_id", None):
        # Entries about personal data belong to the owning department, which alone reads them
        # (also when the system, which has no department, made the change).
        row["department_id"] = obj.department_id
    return row


def _after_flush(session: Session, flush_context) -> None:
    rows = []
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            rows.append(_row(obj, "create") | {"after": _snapshot(obj)})
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj):
            before, after = _changes(obj)
            if after:
                rows.append(_row(obj, "update") | {"before": before, "after": after})
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            rows.append(_row(obj, "delete") | {"before": _snapshot(obj)})
    _append(session, rows)


def init_audit() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    init_highwater_events()


def record_view(session: Session, entity_type: str, entity_id: Any, summary: str) -> None:
    """Log that the acting user saw personal data in full (e.g. an unmasked personnummer)."""
    _append(session, [_base_row("view", entity_type, entity_id, summary)])


def record_event(session: Session, action: str, entity_type: str, entity_id: Any, summary: str,
                 *, actor=None) -> None:
    """An entry that is not a row change (e.g. ``login``/``failed``/``throttled`` of the
    ``login`` category); ``actor`` is a user, or the current actor when None."""
    who = None
    if actor is not None:
        who = Actor(actor.id, actor.username, actor.department_id)
    _append(session, [_base_row(action, entity_type, entity_id, summary, who)])


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str | None = None


_HASHED = ("at", "actor_id", "actor", "department_id", "action", "entity_type", "entity_id",
           "summary", "before", "after", "prev_hash")


def legacy_entry_hash(row: dict) -> str:
    """The unkeyed SHA-256 of entries written before the chain was keyed (up to 0008_authsec)."""
    payload = {k: row[k] for k in _HASHED}
    payload["at"] = _canonical_time(payload["at"])
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


def reseal_legacy_chain(session: Session) -> int:
    """Key a chain written before keying: verify every entry's unkeyed hash first (a broken
    legacy chain is refused, not blessed), then recompute all hashes with the key. Returns the
    number of entries; raises ValueError naming the first broken entry."""
    table, prev, rows = AuditEntry.__table__, GENESIS, []
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        row = {c: getattr(entry, c) for c in _HASHED}
        if entry.prev_hash != prev or legacy_entry_hash(row) != entry.hash:
            raise ValueError(_("Den gamla kedjan är bruten vid post %(id)s; inget ändrat.", id=entry.id))
        prev = entry.hash
        rows.append((entry.id, row))
    prev, key = GENESIS, chain_key()
    for entry_id, row in rows:
        row["prev_hash"] = prev
        prev = entry_hash(row, key)
        session.execute(table.update().where(table.c.id == entry_id)
                        .values(prev_hash=row["prev_hash"], hash=prev))
    session.expire_all()
    return len(rows)



def verify_chain(session: Session, anchors: Iterable = ()) -> ChainReport:
    """Walk the chain from the start; ``anchors`` (oversight/audit_anchors.Anchor: ``last_id``,
    ``count``, ``head``, ``at``) must each find their entry at their position with their hash:
    that catches entries deleted from the end and a chain recomputed with the key."""
    pending = {a.last_id: a for a in anchors if a.last_id}
    prev, checked = GENESIS, 0
    stmt = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    for entry in session.scalars(stmt):
        problem = _entry_problem(entry, prev)
        if problem:
            return ChainReport(False, checked, entry.id, problem)
        prev, checked = entry.hash, checked + 1
        anchor = pending.pop(entry.id, None)
        if anchor and (anchor.head != entry.hash or anchor.count != checked):
            return ChainReport(False, checked, entry.id, _anchor_text(anchor, "stämmer inte med "
                               "posten (kedjan har räknats om eller poster har tagits bort)"))
    if pending:
        anchor = pending[min(pending)]
        return ChainReport(False, checked, anchor.last_id, _anchor_text(
            anchor, f"räknade {anchor.count} poster till post {anchor.last_id}, som saknas "
                    "(poster i slutet har tagits bort)"))
    return ChainReport(True, checked)


def _entry_problem(entry: AuditEntry, prev: str) -> str | None:
    row = {c: getattr(entry, c) for c in _HASHED}
    if entry.prev_hash != prev:
        return "föregående hash stämmer inte (post saknas eller flyttad)"
    if not hmac.compare_digest(entry_hash(row), entry.hash):
        return "innehållet har ändrats"
    return None


def _anchor_text(anchor, text: str) -> str:
    return f"ankaret från {_canonical_time(anchor.at)[:19].replace('T', ' ')} UTC {text}"
