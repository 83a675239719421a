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


def sek(value, decimals: int | None = None) -> str:
    """One amount format everywhere: ``275 000 kr`` for whole kronor, ``275 000,50 kr`` when
    there are öre (``decimals=None``, the default); a fixed ``decimals`` forces that many."""
    if value is None or value == "":
        return ""
    if decimals is None:
        d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        decimals = 0 if d == d.to_integral_value() else 2
    return f"{number(value, decimals)}{NBSP}kr"


def percentages(values, decimals: int = 0) -> list[Decimal]:
    """Shares of a whole in per cent that add up to exactly 100 (largest remainder method):
    each share is rounded down to ``decimals``, and the units left over go to the shares with
    the largest remainders. Rounded once, here; templates format the result with ``number``."""
    parts = [Decimal(str(v or 0)) for v in values]
    total = sum(parts, Decimal(0))
    if not parts or total == 0:
        return [Decimal(0) for _ in parts]
    unit = Decimal(1).scaleb(-decimals)
    exact = [p * 100 / total for p in parts]
    floors = [(e / unit).to_integral_value(rounding="ROUND_FLOOR") * unit for e in exact]
    left = int(((Decimal(100) - sum(floors, Decimal(0))) / unit).to_integral_value())
    order = sorted(range(len(parts)), key=lambda i: (exact[i] - floors[i], -i), reverse=True)
    for i in order[:left]:
        floors[i] += unit
    return floors


def percent_texts(values, decimals: int = 0) -> list[str]:
    """``percentages`` formatted: ``['33,3 %', '33,3 %', '33,4 %']``."""
    return [f"{number(p, decimals)}{NBSP}%" for p in percentages(values, decimals)]


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


def day_html(value, with_time: bool = False):
    """A date (or a local date and time) for a page, as ``<time>`` that never breaks inside
    (``time { white-space: nowrap }`` in the one stylesheet): the Jinja filters ``day`` and
    ``daytime``. Empty for None."""
    from markupsafe import Markup

    if value is None or value == "":
        return ""
    text = local_datetime(value) if with_time and isinstance(value, datetime) else iso_date(value)
    return Markup('<time datetime="{}">{}</time>').format(text.replace(" ", "T"), text)


def age_days(value, today: date | None = None) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(
            STOCKHOLM).date()
    return ((today or date.today()) - value).days


def age_text(value, today: date | None = None) -> str:
    """``i dag``, ``i går``, ``2 dagar sedan`` (``aldrig`` for no date), in the page's language."""
    from flask_babel import gettext, ngettext

    days = age_days(value, today)
    if days is None:
        return gettext("aldrig")
    if days <= 0:
        return gettext("i dag")
    if days == 1:
        return gettext("i går")
    return ngettext("%(num)s dag sedan", "%(num)s dagar sedan", days)


def count_text(n: int, singular: str, plural: str) -> str:
    """A count with its noun in the right number: ``1 dag``, ``2 dagar``, ``1 000 dagar``.
    Templates use ``ngettext`` directly; this is for Python code building sentences."""
    from flask_babel import get_translations

    return get_translations().ngettext(singular, plural, n) % {"num": number(n)}
