"""Anchors of the audit chain: its head hash and entry count at a moment, appended to a log
file outside the database (``OVERSIGHT_AUDIT_ANCHOR_PATH``, default instance/audit-anchors.log).

Someone who can write the database can delete the newest entries (the chain that is left is
still whole) or, holding the key, recompute the chain after a change. Neither survives an anchor
written before: its entry is gone, or has another hash. Anchors are written by
``flask audit anchor`` and hourly by the worker; keep the file on storage the database's
administrators cannot rewrite (append-only attribute ``chattr +a``, a log shipper, WORM
storage). Each line also carries an HMAC with the chain key, so a line cannot be forged
without the key.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oversight.audit import GENESIS, AuditEntry, chain_key
from oversight.db import utcnow


@dataclass(frozen=True)
class Anchor:
    at: datetime
    count: int
    last_id: int
    head: str
    valid: bool = True  # False: the line's HMAC does not match (forged or another key)


def anchor_path(app: Flask | None = None) -> str:
    app = app or current_app
    return app.config.get("AUDIT_ANCHOR_PATH") or os.path.join(app.instance_path,
                                                               "audit-anchors.log")


def _mac(fields: dict) -> str:
    data = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(chain_key(), b"anchor:" + data, hashlib.sha256).hexdigest()


def write_anchor(session: Session) -> Anchor:
    """Append the chain's current head and count to the anchor file and return the anchor."""
    count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    last = session.execute(select(AuditEntry.id, AuditEntry.hash)
                           .order_by(AuditEntry.id.desc()).limit(1)).first()
    fields = {"at": utcnow().isoformat(timespec="seconds"), "count": count,
              "last_id": last[0] if last else 0, "head": last[1] if last else GENESIS}
    line = json.dumps(fields | {"mac": _mac(fields)}, sort_keys=True)
    path = anchor_path()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:  # append only, never rewritten
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())
    return _anchor(fields, True)


def _anchor(fields: dict, valid: bool) -> Anchor:
    return Anchor(datetime.fromisoformat(fields["at"]), int(fields["count"]),
                  int(fields["last_id"]), str(fields["head"]), valid)


def read_anchors() -> list[Anchor]:
    """Every anchor of the file, oldest first; unreadable lines raise ValueError (fail closed)."""
    path = anchor_path()
    if not os.path.exists(path):
        return []
    anchors = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                mac = data.pop("mac", "")
                anchors.append(_anchor(data, hmac.compare_digest(mac, _mac(data))))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(_("Ankarfilen %(path)s, rad %(number)s: kan inte läsas (%(exc)s).",
                                   path=path, number=number, exc=exc)) from exc
    return anchors


def init_app(app: Flask) -> None:
    """Write an anchor every hour in the worker (``AUDIT_ANCHOR_MINUTE`` past the hour), as a
    periodic task of the core (run as the system user, like every scheduled task)."""
    from huey import crontab

    from oversight.jobs import periodic_task

    minute = str(app.config.get("AUDIT_ANCHOR_MINUTE", 5))
    periodic_task(app, "audit.anchor", crontab(minute=minute), write_anchor)


def verify_with_anchors(session: Session):
    """``verify_chain`` against every anchor of the file; an anchor file that cannot be read or
    a line with a wrong HMAC is a failed check, never a pass."""
    from oversight.audit import ChainReport, verify_chain

    try:
        anchors = read_anchors()
    except ValueError as exc:
        return ChainReport(False, 0, None, str(exc))
    forged = [a for a in anchors if not a.valid]
    if forged:
        return ChainReport(False, 0, forged[0].last_id,
                           f"ankaret från {forged[0].at:%Y-%m-%d %H:%M} har fel signatur")
    report = verify_chain(session, anchors)
    if not report.ok:
        return report
    return _with_highwater(session, report)


def _with_highwater(session: Session, report):
    """Entries deleted after the last anchor: the high-water mark's entry must still be there
    (oversight/audit_highwater.py)."""
    from oversight.audit import ChainReport
    from oversight.audit_highwater import check_tail

    tail = check_tail(session)
    if tail.ok:
        return report
    return ChainReport(False, report.checked, tail.mark.last_id if tail.mark else None,
                       tail.reason)
