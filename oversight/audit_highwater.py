"""The audit chain's high-water mark: the newest committed entry (id and hash), kept in a small
file outside the database (``OVERSIGHT_AUDIT_HIGHWATER_PATH``, default
instance/audit-highwater.json) and moved forward after every commit that wrote audit entries.

Anchors (oversight/audit_anchors.py) are written hourly; entries deleted from the end of the
chain *after* the last anchor leave a chain that is still whole. The mark closes that gap: the
entry it names must still be in the database with the same hash, so deleting the newest K
entries, or deleting them and letting new entries take their ids (SQLite reuses them), is found
by ``flask audit verify``, the audit page and ``/health``.

The mark only moves forward, and only over a chain that still holds the previous mark's entry:
a tail deleted by someone with database access is not papered over by the next legitimate
entry. Written after the commit (a rolled-back transaction never moves it), under a file lock,
atomically (temporary file + rename), with an HMAC of the chain key so it cannot be forged
without the key. One file holds a mark per database (keyed by the database URL without
password), so several databases on one machine do not mix. A restore from backup and
``flask audit reseal`` set the mark to the new head (``reset_mark``).

What it cannot see: the mark lags by the entries of a process that crashed between its commit
and writing the mark; an attacker who can rewrite the file *and* holds the key (out of scope,
as for the anchors). With several machines, put the file on storage they share, or each
machine's mark covers the entries its own processes wrote.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from oversight.db import utcnow

log = logging.getLogger(__name__)

_PENDING = "audit_highwater_pending"  # session.info key: (last_id, head) to write after commit


@dataclass(frozen=True)
class Mark:
    last_id: int
    head: str
    at: datetime
    valid: bool = True  # False: wrong HMAC (forged, or another key)


class MarkUnreadable(ValueError):
    """The mark file exists but cannot be read: a failed check, never a pass."""


def highwater_path(app: Flask | None = None) -> str:
    app = app or current_app
    return app.config.get("AUDIT_HIGHWATER_PATH") or os.path.join(app.instance_path,
                                                                  "audit-highwater.json")


def database_key(engine: Engine) -> str:
    url = engine.url.render_as_string(hide_password=True)
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def _mac(key: bytes, fields: dict) -> str:
    data = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, b"highwater:" + data, hashlib.sha256).hexdigest()


def _chain_key(app: Flask) -> bytes:
    return app.config["AUDIT_KEY_BYTES"]


def _read_all(path: str) -> dict:
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        raise MarkUnreadable(_("Högvattenmärket %(path)s kan inte läsas (%(exc)s).",
                               path=path, exc=exc)) from exc
    if not isinstance(data, dict):
        raise MarkUnreadable(_("Högvattenmärket %(path)s kan inte läsas (%(exc)s).",
                               path=path, exc="not an object"))
    return data


def read_mark(app: Flask, engine: Engine) -> Mark | None:
    """This database's mark, None when none was written yet; MarkUnreadable when the file is
    damaged."""
    raw = _read_all(highwater_path(app)).get(database_key(engine))
    if raw is None:
        return None
    try:
        fields = {k: raw[k] for k in ("last_id", "head", "at")}
        valid = hmac.compare_digest(str(raw.get("mac", "")), _mac(_chain_key(app), fields))
        return Mark(int(fields["last_id"]), str(fields["head"]),
                    datetime.fromisoformat(fields["at"]), valid)
    except (KeyError, TypeError, ValueError) as exc:
        raise MarkUnreadable(_("Högvattenmärket %(path)s kan inte läsas (%(exc)s).",
                               path=highwater_path(app), exc=exc)) from exc


def _write(app: Flask, engine: Engine, last_id: int, head: str, *, force: bool) -> None:
    """Replace this database's mark under a lock; without ``force`` only a newer one."""
    path = highwater_path(app)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            marks = _read_all(path)
        except MarkUnreadable:
            if not force:
                raise
            marks = {}
        key = database_key(engine)
        current = marks.get(key)
        if not force and current and int(current.get("last_id", 0)) >= last_id:
            return
        fields = {"last_id": last_id, "head": head, "at": utcnow().isoformat(timespec="seconds")}
        marks[key] = fields | {"mac": _mac(_chain_key(app), fields)}
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".highwater-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(marks, f, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)


# --- the audit trail's hooks -------------------------------------------------------------------

def note_append(session: Session, connection, table) -> None:
    """Called by oversight.audit after appending entries: remember the new head for the commit,
    if the chain still holds the current mark's entry (else the mark stays where it is, and
    verification keeps reporting the missing tail)."""
    if not has_app_context():
        return
    app = current_app._get_current_object()
    last = connection.execute(select(table.c.id, table.c.hash)
                              .order_by(table.c.id.desc()).limit(1)).first()
    if last is None:
        return
    try:
        mark = read_mark(app, connection.engine)
    except MarkUnreadable:
        log.error("audit high-water mark unreadable; not moved")
        return
    if mark is not None:
        held = connection.execute(select(table.c.hash).where(table.c.id == mark.last_id)).scalar()
        if not mark.valid or held != mark.head:
            log.error("audit chain: the high-water mark's entry %s is gone or changed; "
                      "the mark is not moved", mark.last_id)
            session.info.pop(_PENDING, None)
            return
    session.info[_PENDING] = (app, connection.engine, int(last[0]), str(last[1]))


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    app, engine, last_id, head = pending
    try:
        _write(app, engine, last_id, head, force=False)
    except (OSError, MarkUnreadable):  # the commit stands; the mark lags (logged)
        log.exception("could not write the audit high-water mark")


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    # Any rollback, a savepoint's too: the pending head may be gone; the mark then lags until
    # the next entry (never ahead of what was committed).
    session.info.pop(_PENDING, None)


def init_events() -> None:
    from sqlalchemy import event

    for name, fn in (("after_commit", _after_commit),
                     ("after_soft_rollback", _after_soft_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def reset_mark(app: Flask, engine: Engine) -> Mark | None:
    """Set the mark to the chain's current head (after a restore or a reseal): the chain was
    replaced on purpose. Without entries, the mark is removed."""
    from oversight.audit import AuditEntry

    with engine.connect() as conn:
        last = conn.execute(select(AuditEntry.id, AuditEntry.hash)
                            .order_by(AuditEntry.id.desc()).limit(1)).first()
    if last is None:
        forget_mark(app, engine)
        return None
    _write(app, engine, int(last[0]), str(last[1]), force=True)
    return read_mark(app, engine)


def forget_mark(app: Flask, engine: Engine) -> None:
    """Remove this database's mark (tests that empty every table)."""
    path = highwater_path(app)
    if not os.path.exists(path):
        return
    with open(path + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            marks = _read_all(path)
        except MarkUnreadable:
            marks = {}
        marks.pop(database_key(engine), None)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(marks, f, sort_keys=True)


# --- checking ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TailCheck:
    ok: bool
    max_id: int | None
    mark: Mark | None
    reason: str | None = None


def check_tail(session: Session) -> TailCheck:
    """Is the mark's entry still there with its hash? Cheap (two indexed queries): used by
    ``flask audit verify``, the audit page and ``/health``."""
    from oversight.audit import AuditEntry

    app = current_app._get_current_object()
    max_id = session.scalar(select(func.max(AuditEntry.id)))
    try:
        mark = read_mark(app, session.get_bind())
    except MarkUnreadable as exc:
        return TailCheck(False, max_id, None, str(exc))
    if mark is None:
        return TailCheck(True, max_id, None)
    when = mark.at.strftime("%Y-%m-%d %H:%M")
    if not mark.valid:
        return TailCheck(False, max_id, mark, _(
            "högvattenmärket från %(at)s UTC har fel signatur", at=when))
    held = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == mark.last_id))
    if held is None:
        return TailCheck(False, max_id, mark, _(
            "högvattenmärket från %(at)s UTC visar post %(last_id)s som senaste post, men den "
            "finns inte (högsta post nu: %(max_id)s): poster i slutet har tagits bort",
            at=when, last_id=mark.last_id, max_id=max_id or 0))
    if held != mark.head:
        return TailCheck(False, max_id, mark, _(
            "högvattenmärket från %(at)s UTC stämmer inte med post %(last_id)s: poster i "
            "slutet har tagits bort och ersatts, eller kedjan har räknats om",
            at=when, last_id=mark.last_id))
    return TailCheck(True, max_id, mark)
