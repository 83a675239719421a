"""The one converter of Python values to JSON-ready values (audit entries, registry answers,
supplier evidence, job results): dataclasses become dicts (optionally tagged with their type
name so they can be rebuilt), dates ISO text, Decimals exact text, tuples lists."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def to_jsonable(value: Any, *, tag_types: bool = False,
                on_datetime: Callable[[datetime], str] | None = None,
                fallback: Callable[[Any], Any] | None = None) -> Any:
    """``tag_types`` adds ``"_type": ClassName`` to every dataclass; ``on_datetime`` formats
    datetimes (default ISO); ``fallback`` converts anything else (default: left as it is)."""
    def convert(v: Any) -> Any:
        if v is None or isinstance(v, (str, bool, int, float)):
            return v
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            data = {f.name: convert(getattr(v, f.name)) for f in dataclasses.fields(v)}
            if tag_types:
                data["_type"] = type(v).__name__
            return data
        if isinstance(v, datetime):
            return on_datetime(v) if on_datetime else v.isoformat()
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, Decimal):
            return str(v)
        if isinstance(v, (list, tuple)):
            return [convert(item) for item in v]
        if isinstance(v, dict):
            return {str(k): convert(item) for k, item in v.items()}
        return fallback(v) if fallback else v
    return convert(value)
