"""Evidence <-> JSON: the typed facts are stored with a type tag so a stored check can be
re-read (kontrollunderlag, decision snapshots) exactly as the rules saw it."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from suppliers import evidence as ev

FACT_TYPES = {cls.__name__: cls for cls in (
    ev.CompanyStatus, ev.Proceeding, ev.TaxStatus, ev.DebtStatus, ev.SanctionsHit, ev.Permit,
    ev.WarningFact, ev.ComplaintFact, ev.DecisionFact, ev.Conviction, ev.RecordExtract)}


def to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        data["_type"] = type(value).__name__
        return data
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def from_json(data: Any, tp: Any = None) -> Any:
    if isinstance(data, dict) and "_type" in data:
        cls = FACT_TYPES[data["_type"]]
        hints = typing.get_type_hints(cls)
        return cls(**{k: from_json(v, hints.get(k)) for k, v in data.items() if k != "_type"})
    if isinstance(data, list):
        return tuple(from_json(v, _item_type(tp)) for v in data)
    if data is None:
        return None
    base = _strip_optional(tp)
    if base is date and isinstance(data, str):
        return date.fromisoformat(data[:10])
    if base is Decimal:
        return Decimal(str(data))
    return data


def _strip_optional(tp):
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    return args[0] if typing.get_origin(tp) in (typing.Union, __import__("types").UnionType) and len(args) == 1 else tp


def _item_type(tp):
    args = typing.get_args(_strip_optional(tp)) if tp else ()
    return args[0] if args else None


def row_values(item: ev.Evidence) -> dict:
    """Column values for a ``CheckEvidence`` row."""
    return dict(source=item.source, subject=item.subject, subject_label=item.subject_label[:300],
                status=item.status, stale=item.stale, retrieved_at=item.retrieved_at,
                document_date=item.document_date, message=item.message,
                missing_parts=list(item.missing_parts), facts=to_json(list(item.facts)),
                ref=item.ref, origin=item.origin, query=(item.query or None) and item.query[:300],
                raw_hash=item.raw_hash)


def evidence_from_row(row) -> ev.Evidence:
    return ev.Evidence(source=row.source, subject=row.subject, subject_label=row.subject_label,
                       status=row.status, retrieved_at=row.retrieved_at,
                       document_date=row.document_date, facts=from_json(row.facts or []),
                       missing_parts=tuple(row.missing_parts or ()), message=row.message,
                       ref=row.ref, origin=row.origin, query=row.query, raw_hash=row.raw_hash,
                       stale=bool(row.stale))


def digest(data: Any) -> str:
    """SHA-256 of a canonical JSON form (decision snapshots)."""
    text = json.dumps(to_json(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
