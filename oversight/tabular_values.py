"""Cell values of Swedish tabular files: amounts, dates, times, integers, yes/no (pure).

Every parser takes the cell as the file gives it (text, or a number/date from an XLSX cell)
and returns the value or raises ValueError with a Swedish message (through gettext) that can
be shown to the person who sent the file. Nothing is guessed silently: an amount with an
exponent, ``NaN`` or ``Infinity``, more decimals than the column allows, a date that does not
exist or lies outside the column's plausible range are refused.
"""
from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from flask_babel import gettext as _

if TYPE_CHECKING:
    from oversight.tabular import Column

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE_AHEAD = timedelta(days=366)  # default: at most a year ahead of today

_AMOUNT_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009\u2007']")
_MINUS = "-\u2212\u2013"  # hyphen-minus, the minus sign U+2212, an en dash some systems write
_PLAIN = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
_GROUPED = re.compile(r"\d{1,3}(?:(?P<sep>[.,])\d{3})+", re.ASCII)


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_amount(text, max_decimals: int = 2, allow_negative: bool = True) -> Decimal:
    """``1 234,50``, ``1.234,50``, ``1,234.50``, ``-12,5``, ``12,5-``, ``−500 kr`` -> Decimal.

    Space, no-break space and dot (or comma, with a decimal point) are thousand separators in
    groups of three; the last comma or point followed by other than three digits is the
    decimal mark. Refused: empty, ``NaN``, ``Infinity``, exponents (``1e6``), letters, more
    than ``max_decimals`` decimals (2 for SEK), a negative amount when not allowed."""
    if isinstance(text, bool) or text is None:
        raise ValueError(_("Belopp saknas."))
    if isinstance(text, (int, float, Decimal)):
        amount = _number(text)
    else:
        amount = _amount_text(str(text))
    if amount == 0:
        amount = abs(amount)  # -0,00 is zero
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > max_decimals:
        if max_decimals == 0:
            raise ValueError(_("Beloppet %(value)s får inte ha decimaler.", value=_short(text)))
        raise ValueError(_("Beloppet %(value)s har för många decimaler (högst %(n)s).",
                           value=_short(text), n=max_decimals))
    if amount < 0 and not allow_negative:
        raise ValueError(_("Beloppet %(value)s får inte vara negativt.", value=_short(text)))
    return amount


def _number(value) -> Decimal:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_("Beloppet %(value)s är inget tal.", value=value))
        value = Decimal(repr(value)).normalize() if value != int(value) else Decimal(int(value))
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(_("Beloppet %(value)s är inget tal.", value=value))
    return amount


_COMMON_AMOUNT = re.compile(r"-?\d{1,15}(?:,\d{1,2})?", re.ASCII)  # 1234,50: most exports


def common_amount(raw: str) -> Decimal | None:
    """What ``parse_amount(raw)`` gives a cell in the commonest form (``1234,50``, ``-12``:
    at most 2 decimals, so valid for any column allowing 2 decimals and negative amounts),
    or None when the cell is in another form and parse_amount has to read it."""
    if _COMMON_AMOUNT.fullmatch(raw):
        amount = Decimal(raw.replace(",", "."))
        return abs(amount) if amount == 0 else amount  # -0,00 is zero
    return None


def _amount_text(raw: str) -> Decimal:
    if _COMMON_AMOUNT.fullmatch(raw):  # the same value as the general path below, sooner
        return Decimal(raw.replace(",", "."))
    text = _AMOUNT_SPACES.sub("", raw.strip())
    lowered = text.casefold()
    for suffix in ("kr", "sek", ":-"):
        if lowered.endswith(suffix):
            text, lowered = text[:-len(suffix)], lowered[:-len(suffix)]
    if lowered.startswith("sek"):
        text = text[3:]
    if not text:
        raise ValueError(_("Belopp saknas."))
    negative = False
    if text[0] in _MINUS or text[0] == "+":
        negative, text = text[0] != "+", text[1:]
    elif len(text) > 1 and text[-1] in _MINUS:  # some systems write the minus last
        negative, text = True, text[:-1]
    number = _normalise_separators(text)
    if number is None or not _PLAIN.fullmatch(number):
        raise ValueError(_("Beloppet %(value)s kan inte läsas som ett belopp (skriv t.ex. "
                           "1 234,50).", value=_short(raw.strip())))
    try:
        amount = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError(_("Beloppet %(value)s kan inte läsas.", value=_short(raw))) from None
    return -amount if negative else amount


def _normalise_separators(text: str) -> str | None:
    """Digits with at most one decimal point, or None when the separators make no sense."""
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        whole, _sep, fraction = text.rpartition(decimal_mark)
        if not _GROUPED.fullmatch(whole) or not (fraction.isascii() and fraction.isdigit()):
            return None
        return whole.replace(",", "").replace(".", "") + "." + fraction
    for mark in (",", "."):
        count = text.count(mark)
        if count == 1:
            return text.replace(mark, ".")
        if count > 1:  # only thousand separators: 1.234.567
            return text.replace(mark, "") if _GROUPED.fullmatch(text) else None
    return text


# --- dates ---------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?)?", re.ASCII)
_SLASHED = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", re.ASCII)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_SHORT = re.compile(r"(\d{2})(\d{2})(\d{2})", re.ASCII)
_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./ ]\s*(\d{4})", re.ASCII)


def parse_date(text, earliest: date | None = None, latest: date | None = None) -> date:
    """``2026-03-01`` (also with a time), ``20260301``, ``260301``, ``2026/03/01``,
    ``1/3 2026``, ``01.03.2026`` -> date. Refused with a Swedish message: a date that does not
    exist, and one before ``earliest`` (default 1900-01-01) or after ``latest`` (default a year
    from today)."""
    if isinstance(text, datetime):
        value = text.date()
    elif isinstance(text, date):
        value = text
    else:
        value = _date_text("" if text is None else str(text).strip())
    earliest = earliest or EARLIEST_DATE
    latest = latest or date.today() + LATEST_DATE_AHEAD
    if value < earliest:
        raise ValueError(_("Datumet %(value)s ligger för långt bak i tiden (tidigast "
                           "%(earliest)s).", value=value.isoformat(),
                           earliest=earliest.isoformat()))
    if value > latest:
        raise ValueError(_("Datumet %(value)s ligger för långt fram i tiden (senast "
                           "%(latest)s).", value=value.isoformat(), latest=latest.isoformat()))
    return value


def _date_text(text: str) -> date:
    if not text:
        raise ValueError(_("Datum saknas."))
    for pattern, order in ((_ISO, "ymd"), (_SLASHED, "ymd"), (_COMPACT, "ymd"),
                           (_DAY_FIRST, "dmy"), (_SHORT, "yymmdd")):
        m = pattern.fullmatch(text)
        if m is None:
            continue
        a, b, c = (int(g) for g in m.groups())
        if order == "dmy":
            return _make_date(c, b, a, text)
        if order == "yymmdd":
            year = 2000 + a if 2000 + a <= date.today().year + 1 else 1900 + a
            return _make_date(year, b, c, text)
        return _make_date(a, b, c, text)
    raise ValueError(_("%(value)s är inget datum (skriv ÅÅÅÅ-MM-DD, t.ex. 2026-03-01).",
                       value=_short(text)))


def _make_date(year: int, month: int, day: int, text: str) -> date:
    if not 1 <= month <= 12:
        raise ValueError(_("Datumet %(value)s är ogiltigt: månaden %(month)s finns inte.",
                           value=_short(text), month=month))
    last = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if year < 1 or not 1 <= day <= last:
        raise ValueError(_("Datumet %(value)s är ogiltigt: dagen finns inte i månaden.",
                           value=_short(text)))
    return date(year, month, day)


# --- times, integers, yes/no ---------------------------------------------------------------

_TIME = re.compile(r"(\d{1,2})(?:[:.]?(\d{2}))(?::(\d{2}))?", re.ASCII)


def parse_time(text) -> time:
    """``8:00``, ``08.30``, ``0830``, ``17:45:00`` -> time (00:00-23:59)."""
    if isinstance(text, datetime):
        return text.time()
    if isinstance(text, time):
        return text
    raw = "" if text is None else str(text).strip()
    m = _TIME.fullmatch(raw)
    if not raw:
        raise ValueError(_("Klockslag saknas."))
    if m is None:
        raise ValueError(_("%(value)s är inget klockslag (skriv TT:MM, t.ex. 08:30).",
                           value=_short(raw)))
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(_("Klockslaget %(value)s finns inte (00:00-23:59).", value=_short(raw)))
    return time(hour, minute, second)


def parse_int(text) -> int:
    """A whole number, thousands separated by spaces allowed; decimals refused."""
    if isinstance(text, bool):
        raise ValueError(_("%(value)s är inget heltal.", value=text))
    if isinstance(text, int):
        return text
    if isinstance(text, float) and text.is_integer():
        return int(text)
    raw = "" if text is None else str(text).strip()
    compact = _AMOUNT_SPACES.sub("", raw).replace("\u2212", "-")
    if not re.fullmatch(r"[+-]?[0-9]+", compact):
        raise ValueError(_("%(value)s är inget heltal.", value=_short(raw)))
    return int(compact)


TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "1", "true", "sant", "x"})
FALSE_WORDS = frozenset({"nej", "n", "no", "0", "false", "falskt"})


def parse_bool(text) -> bool:
    """ja/nej (also j/n, 1/0, x, true/false, sant/falskt)."""
    if isinstance(text, bool):
        return text
    raw = "" if text is None else str(text).strip()
    word = raw.casefold()
    if isinstance(text, (int, float)) and text in (0, 1):
        return bool(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("%(value)s är varken ja eller nej.", value=_short(raw)))


# --- one cell as its column's kind ------------------------------------------------------------

def _present(value) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def convert(column: Column, raw) -> object:
    """One cell as the column's kind; None for a blank cell (when allowed)."""
    if not _present(raw):
        if column.allow_empty:
            return None
        raise ValueError(_("Värde saknas."))
    if column.convert is not None:
        return column.convert(raw.strip() if isinstance(raw, str) else raw)
    kind = column.kind
    if kind == "text":
        return _text(raw)
    if kind == "amount":
        return parse_amount(raw, column.max_decimals, column.allow_negative)
    if kind == "date":
        return parse_date(raw, column.earliest, column.latest)
    if kind == "int":
        return parse_int(raw)
    if kind == "bool":
        return parse_bool(raw)
    if kind == "time":
        return parse_time(raw)
    return _identity(kind, _text(raw))


def _text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # an Excel number cell (5560160680.0) means its digits
    if hasattr(raw, "isoformat") and not isinstance(raw, str):
        raw = raw.isoformat()[:10] if getattr(raw, "hour", 0) == 0 else raw.isoformat()
    return str(raw).strip()


def _identity(kind: str, text: str) -> str:
    from oversight import identifiers
    if kind == "orgnr":
        result = identifiers.validate("orgnr", text)
        if not result.valid:
            raise ValueError(_("Ogiltigt organisationsnummer %(value)s: %(reason)s",
                               value=text[:20], reason=result.error))
        return result.normalized
    if identifiers.is_personal_identity(text):
        return identifiers.validate_personnummer(text).normalized \
            if identifiers.validate_personnummer(text).valid \
            else identifiers.validate_samordningsnummer(text).normalized
    result = identifiers.validate_personnummer(text)
    raise ValueError(_("Ogiltigt personnummer %(value)s: %(reason)s",
                       value=identifiers.mask_personnummer(text), reason=result.error))
