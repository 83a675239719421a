"""How the audit trail reads for an auditor: event names in words, changes as
"fält: gammalt → nytt" with values formatted the Swedish way and times in local time, never a
Python dict. Pure functions (no database), used by the audit page and its CSV/XLSX export."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from oversight.formatting import STOCKHOLM, number

EVENT_LABELS = {
    "create": _l("Skapad"),
    "update": _l("Ändrad"),
    "delete": _l("Borttagen"),
    "view": _l("Visning av personuppgift"),
    "login": _l("Inloggning"),
    "failed": _l("Misslyckad inloggning"),
    "throttled": _l("Fördröjd inloggning"),
}

# Categories of the filter: the entries of a category are those with one of its actions.
CATEGORIES = {
    "changes": (_l("Ändringar"), ("create", "update", "delete")),
    "views": (_l("Visningar av personuppgifter"), ("view",)),
    "logins": (_l("Inloggningar"), ("login", "failed", "throttled")),
}

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
ARROW = "→"
EMPTY = "–"


def event_label(action: str) -> str:
    """The event in words (an unknown action is shown as it is, never hidden)."""
    label = EVENT_LABELS.get(action)
    return str(label) if label is not None else action


def format_value(value) -> str:
    """One stored value as an auditor reads it: empty as "–", yes/no, amounts and numbers
    with Swedish grouping, timestamps (stored in UTC) in Stockholm time, lists and mappings
    as "a, b" and "nyckel: värde"."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(_l("ja") if value else _l("nej"))
    if isinstance(value, (int, float, Decimal)):
        return _number(value)
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items()) or EMPTY
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value) or EMPTY
    return _text(str(value))


def _number(value) -> str:
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    decimals = max(0, -d.normalize().as_tuple().exponent) if d != d.to_integral() else 0
    return number(d, min(decimals, 6))


def _local(value: datetime) -> str:
    if value.tzinfo is None:  # the trail keeps naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M:%S")


def _text(text: str) -> str:
    if _ISO_DATETIME.match(text):
        try:
            return _local(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            return text
    return text


def diff_lines(action: str, before: dict | None, after: dict | None) -> list[str]:
    """The entry's content as lines: "fält: gammalt → nytt" for a change, "fält: värde" for
    what was created or deleted (empty fields left out)."""
    before, after = before or {}, after or {}
    if action == "update":
        return [f"{key}: {format_value(before.get(key))} {ARROW} {format_value(new)}"
                for key, new in after.items()]
    values = after if action == "create" else before
    return [f"{key}: {format_value(v)}" for key, v in values.items()
            if v not in (None, "", [], {})]


def diff_text(action: str, before: dict | None, after: dict | None) -> str:
    """``diff_lines`` joined for one spreadsheet cell."""
    return "; ".join(diff_lines(action, before, after))


def hidden_text(count: int) -> str:
    """"3 poster från andra förvaltningar visas inte" (nothing when none is hidden)."""
    if not count:
        return ""
    if count == 1:
        return str(_l("1 post från en annan förvaltning visas inte."))
    return str(_l("%(n)s poster från andra förvaltningar visas inte.", n=number(count)))
