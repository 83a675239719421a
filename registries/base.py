"""The registry protocol: one ``lookup(identifier) -> RegistryResult`` per registry.

Fail closed: only ``found`` and ``not_found`` are conclusive. ``partial`` (some parts of the
answer are missing, and they are named), ``error`` (the registry could not answer for this
identifier) and ``unavailable`` (the registry could not be asked) always read as "could not be
checked", never as "no findings".

Two error levels, as in nomenklatura:

* a record-level problem is a result with status ``error`` / ``unavailable``: the next
  identifier may still be looked up;
* a run-level problem raises :class:`RunAbort` (credentials rejected, wrong configuration,
  the service keeps failing): a batch stops, and what was not looked up is ``unavailable``.

Messages in results and exceptions are Swedish, shown to users as they are, and never carry a
credential (:func:`redact`).
"""
from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from flask_babel import gettext as _

from oversight.db import utcnow
from oversight.jsonable import to_jsonable as _to_jsonable
from oversight.labels import Labels

FOUND, NOT_FOUND, PARTIAL, ERROR, UNAVAILABLE = "found", "not_found", "partial", "error", "unavailable"
STATUSES = (FOUND, NOT_FOUND, PARTIAL, ERROR, UNAVAILABLE)
CONCLUSIVE = frozenset({FOUND, NOT_FOUND})
STATUS_LABELS = Labels({
    FOUND: "Träff",
    NOT_FOUND: "Ingen träff",
    PARTIAL: "Ofullständigt svar",
    ERROR: "Fel i svaret",
    UNAVAILABLE: "Kunde inte kontrolleras",
})

# Registries with a lookup of their own (the CLI's choices). Other modules (bank-account
# holders) may store results under their own registry name through the same storage.
REGISTRIES = ("bolagsverket", "sanctions", "skatteverket", "kronofogden", "ivo")
REGISTRY_LABELS = Labels({
    "bolagsverket": "Bolagsverket",
    "sanctions": "Sanktioner och uteslutning",
    "skatteverket": "Skatteverket",
    "kronofogden": "Kronofogden",
    "ivo": "IVO (tillstånd)",
})


class RegistryError(Exception):
    """Base class; ``str(exc)`` is a Swedish message without credentials."""


class RunAbort(RegistryError):
    """The whole run must stop (credentials rejected, misconfiguration, service down)."""


class CredentialsRejected(RunAbort):
    pass


class Unavailable(RegistryError):
    """The registry could not be asked for this identifier (timeouts, 5xx, 429 after retries)."""


@dataclass(frozen=True)
class RegistryResult:
    """What one registry said about one identifier, normalized, with its evidence."""

    registry: str
    identifier: str
    status: str
    source: str  # e.g. bolagsverket-api, bolagsverket-bulk, fixture, yente, import, manual
    retrieved_at: datetime = field(default_factory=utcnow)
    records: tuple = ()  # normalized frozen dataclasses (registries.normalized)
    missing: tuple[str, ...] = ()  # named parts a partial answer lacks
    message: str | None = None
    request_id: str | None = None
    raw: bytes | None = None  # the registry's answer exactly as received
    raw_content_type: str = "application/json"
    query: dict = field(default_factory=dict, compare=False, hash=False)
    document_date: date | None = None  # date of the underlying document (files, manual entries)
    http_status: int | None = None
    duration_ms: int | None = None
    document_id: int | None = None  # attached document (manual entries)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.status == PARTIAL and not self.missing:
            raise ValueError("a partial result must name what is missing")

    @property
    def conclusive(self) -> bool:
        return self.status in CONCLUSIVE

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def normalized(self) -> dict:
        return {"records": [to_jsonable(r) for r in self.records], "missing": list(self.missing)}

    def replace(self, **changes) -> RegistryResult:
        return dataclasses.replace(self, **changes)


def failed(registry: str, identifier: str, status: str, source: str, message: str,
           **extra) -> RegistryResult:
    """A result for a lookup that did not produce an answer (error / unavailable)."""
    if status in CONCLUSIVE:
        raise ValueError("a failed lookup cannot be conclusive")
    return RegistryResult(registry=registry, identifier=identifier, status=status,
                          source=source, message=message, **extra)


class Adapter(Protocol):
    """One registry. ``thread_safe`` adapters may be called from a thread pool (HTTP only);
    the others read the database through the session they were built with."""

    name: str
    thread_safe: bool

    def lookup(self, identifier: str, *, name: str | None = None) -> RegistryResult: ...


# --- JSON conversion of the normalized frozen dataclasses ---------------------------------

def to_jsonable(value: Any) -> Any:
    return _to_jsonable(value)


def from_jsonable(cls, data: Any):
    """Rebuild a normalized dataclass (nested dataclasses, tuples, dates, Decimals)."""
    return _convert(cls, data)


@functools.cache
def _fields(cls) -> tuple[dict, frozenset]:
    """A dataclass's type hints and field names (``get_type_hints`` is slow; classes do not change)."""
    return typing.get_type_hints(cls), frozenset(f.name for f in dataclasses.fields(cls))


def _convert(tp, value):
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if origin is tuple:
        (item, *_rest) = typing.get_args(tp) or (Any,)
        return tuple(_convert(item, v) for v in value)
    if dataclasses.is_dataclass(tp):
        hints, known = _fields(tp)
        return tp(**{k: _convert(hints[k], v) for k, v in value.items() if k in known})
    if tp is date:
        return parse_date(value)
    if tp is Decimal:
        return Decimal(str(value))
    return value


# --- small shared parsers --------------------------------------------------------------------

_DATE_RE = re.compile(r"^\s*(\d{4})-?(\d{2})-?(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")


def parse_date(value) -> date | None:
    """``2001-03-15``, ``20010315`` or ``2023-05-05T00:00:00.000+00:00`` -> date.

    Raises ValueError for anything else; empty values give None."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    text = str(value).strip()
    if not text:
        return None
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(_("Ogiltigt datum: %(text)r", text=text[:40]))
    return date(int(match[1]), int(match[2]), int(match[3]))


def redact(text: str | None, secrets) -> str | None:
    """Replace every credential in ``text`` by ``[dolt]`` (tokens, secrets, API keys)."""
    if not text:
        return text
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[dolt]")
    return text
