"""Swedish number and date formats for templates and exports: ``1 234 567 kr``, ISO dates."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

NBSP = "\u00a0"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def number(value, decimals: int = 0) -> str:
    """``1234567.5`` -> ``1 234 567,5`` (non-breaking space groups, decimal comma)."""
    if value is None or value == "":
        return ""
    quant = Decimal(1).scaleb(-decimals)
    d = Decimal(str(value)).quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NBSP.join(groups) or "0"
    return sign + text + ("," + frac if frac else "")


def sek(value, decimals: int = 0) -> str:
    return "" if value is None else f"{number(value, decimals)}{NBSP}kr"


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def iso_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_datetime(value)[:10]
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def age_days(value, today: date | None = None) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(
            STOCKHOLM).date()
    return ((today or date.today()) - value).days


def age_text(value, today: date | None = None) -> str:
    days = age_days(value, today)
    if days is None:
        return "aldrig"
    if days <= 0:
        return "i dag"
    if days == 1:
        return "i går"
    return f"{days} dagar sedan"
