"""The names the organisation search scores, folded once and kept per process.

Loading and folding every current, former and alias name on each search costs seconds at a
city's 20 000 organisations. The folded list is cached in the process and reused while a cheap
fingerprint of the two name tables (row counts, highest ids, latest change) is unchanged, so
every worker sees a new or renamed organisation at its next search; nothing is shared between
processes (workers stay stateless)."""
from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oversight.names import search_key
from oversight.organisations.models import Organisation, OrganisationName

_lock = threading.Lock()
_cache: dict[str, tuple] = {}  # database url -> (fingerprint, rows, keys)


def _fingerprint(session: Session) -> tuple:
    orgs = session.execute(select(func.count(), func.max(Organisation.id),
                                  func.max(Organisation.updated_at))).one()
    names = session.execute(select(func.count(), func.max(OrganisationName.id))).one()
    return (*orgs, *names)


def _load(session: Session) -> tuple[list[tuple[int, str]], list[str]]:
    rows = [tuple(r) for r in session.execute(select(Organisation.id, Organisation.name))]
    rows += [tuple(r) for r in session.execute(
        select(OrganisationName.organisation_id, OrganisationName.name))]
    return rows, [search_key(name) for _, name in rows]


def names(session: Session) -> tuple[list[tuple[int, str]], list[str]]:
    """(organisation id, name) of every name, and each name's search key, in the same order."""
    key = str(session.get_bind().url)
    fingerprint = _fingerprint(session)
    cached = _cache.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1], cached[2]
    rows, keys = _load(session)
    with _lock:
        _cache[key] = (fingerprint, rows, keys)
    return rows, keys
