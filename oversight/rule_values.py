"""One store of dated rule values: every threshold, time limit and amount of every domain.

A rule value is data with a validity period and a source (law, policy or decision, with its
reference). A new value is a new row from a date; the previous open-ended row gets its
``valid_to``, so a check from an earlier date can be re-read with the values that applied then.

Domains describe their rules once with ``register(RuleDefinition(...))`` at import of their own
rules module (core registers the shared ones in ``oversight.rule_defaults``); the defaults are
inserted by migration 0007, ``flask demo load`` and ``seed_defaults``. Services ask for the
value on a date::

    limit = value_on(session, "procurement.direct_award_limit", day)   # Decimal
    describe(entry_on(session, "procurement.direct_award_limit", day))
    # 'Direktupphandlingsgräns: 700 000 kr, gäller från 2022-02-01, LOU 19 kap. 2 §'

No value valid on the day raises ``RuleValueMissing`` (a Swedish message): fail closed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Date, DateTime, ForeignKey, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from oversight.db import utcnow
from oversight.extensions import db
from oversight.formatting import NBSP, number

LAW, POLICY, DECISION = "law", "policy", "decision"
SOURCE_KINDS = {LAW: "Lag eller förordning", POLICY: "Kommunens riktlinje",
                DECISION: "Beslut"}

# Units: code -> (decimals shown, formatter). Plural forms through ngettext.
UNITS = ("kr", "kr_per_hour", "days", "weeks", "months", "years", "hours", "hours_per_week",
         "percent", "score", "count", "day_of_month")


class RuleValueMissing(LookupError):
    """No value of a rule is valid on the date asked for (or the rule is unknown)."""


class RuleValueError(ValueError):
    """A new value that cannot be stored (Swedish message for the form or the CLI)."""


@dataclass(frozen=True)
class RuleDefault:
    valid_from: date
    value: Decimal | int | str
    source: str
    valid_to: date | None = None
    kind: str = LAW  # law | policy | decision


@dataclass(frozen=True)
class RuleDefinition:
    key: str
    label_sv: str
    label_en: str
    unit: str
    defaults: list[RuleDefault] = field(default_factory=list)


_REGISTRY: dict[str, RuleDefinition] = {}


def register(definition: RuleDefinition) -> RuleDefinition:
    """Make a rule known (idempotent for the same key: the last registration wins)."""
    if definition.unit not in UNITS:
        raise ValueError(f"unknown unit {definition.unit!r} for rule {definition.key}")
    _REGISTRY[definition.key] = definition
    return definition


def definitions() -> list[RuleDefinition]:
    _load_core()
    return sorted(_REGISTRY.values(), key=lambda d: d.key)


def definition(key: str) -> RuleDefinition:
    _load_core()
    try:
        return _REGISTRY[key]
    except KeyError:
        raise RuleValueMissing(_("Okänt regelvärde: %(key)s.", key=key)) from None


def is_registered(key: str) -> bool:
    _load_core()
    return key in _REGISTRY


def _load_core() -> None:
    from oversight import rule_defaults  # noqa: F401  (registers the shared rules)


class RuleValue(db.Model):
    """One value of a rule for a period (``valid_to`` inclusive; None: until further notice)."""

    __tablename__ = "rule_value"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    value: Mapped[str] = mapped_column(String(40))  # a Decimal as text (no float rounding)
    unit: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source_kind: Mapped[str] = mapped_column(String(10), default=LAW)
    source: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.value)

    @property
    def label(self) -> str:
        return label_for(self.key)

    @property
    def formatted(self) -> str:
        return format_value(self.decimal, self.unit)

    @property
    def source_kind_label(self) -> str:
        return _(SOURCE_KINDS.get(self.source_kind, self.source_kind))

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def __str__(self) -> str:
        return describe(self)


def label_for(key: str) -> str:
    d = _REGISTRY.get(key)
    if d is None:
        return key
    return d.label_en if _locale() == "en" else d.label_sv


def _locale() -> str:
    try:
        from flask_babel import get_locale

        loc = get_locale()
    except Exception:  # outside a request or app context
        return "sv"
    return loc.language if loc is not None else "sv"


def format_value(value: Decimal, unit: str) -> str:
    """``700000 kr`` -> "700 000 kr"; "30 dagar", "85 %", "332,60 kr/timme"."""
    decimals = 0 if value == value.to_integral_value() else 2
    n = number(value, decimals)
    count = int(value) if decimals == 0 else 2
    if unit == "kr":
        return f"{n}{NBSP}kr"
    if unit == "kr_per_hour":
        return f"{number(value, 2)}{NBSP}" + _("kr/timme")
    if unit == "percent":
        return f"{n}{NBSP}%"
    if unit in ("score", "count"):
        return n
    if unit == "day_of_month":
        return _("dag %(n)s i månaden", n=n)
    words = {
        "days": ngettext("%(num)s dag", "%(num)s dagar", count),
        "weeks": ngettext("%(num)s vecka", "%(num)s veckor", count),
        "months": ngettext("%(num)s månad", "%(num)s månader", count),
        "years": ngettext("%(num)s år", "%(num)s år", count),
        "hours": ngettext("%(num)s timme", "%(num)s timmar", count),
        "hours_per_week": ngettext("%(num)s timme per vecka", "%(num)s timmar per vecka", count),
    }
    return words[unit].replace(str(count), n, 1) if unit in words else n


def describe(entry: RuleValue) -> str:
    """'Direktupphandlingsgräns: 700 000 kr, gäller från 2022-02-01, LOU 19 kap. 2 §'."""
    if entry.valid_to is None:
        validity = _("gäller från %(start)s", start=entry.valid_from.isoformat())
    else:
        validity = _("gäller %(start)s–%(end)s", start=entry.valid_from.isoformat(),
                     end=entry.valid_to.isoformat())
    return f"{entry.label}: {entry.formatted}, {validity}, {entry.source}"


# --- reading ----------------------------------------------------------------------------------

def _valid_on(key: str, on: date):
    return (select(RuleValue)
            .where(RuleValue.key == key, RuleValue.valid_from <= on,
                   (RuleValue.valid_to.is_(None)) | (RuleValue.valid_to >= on))
            .order_by(RuleValue.valid_from.desc()).limit(1))


def entry_on(session: Session, key: str, on: date) -> RuleValue:
    """The row of ``key`` valid on ``on``; ``RuleValueMissing`` when there is none."""
    d = definition(key)
    row = session.scalar(_valid_on(key, on))
    if row is None:
        raise RuleValueMissing(_(
            "Regelvärdet ”%(label)s” saknas för %(day)s: kontrollen kan inte göras. "
            "Lägg in värdet under Administration → Regelvärden.",
            label=d.label_en if _locale() == "en" else d.label_sv, day=on.isoformat()))
    return row


def value_on(session: Session, key: str, on: date) -> Decimal:
    return entry_on(session, key, on).decimal


def entries_on(session: Session, keys, on: date) -> dict[str, RuleValue]:
    """Several rules at once (each must have a value: fail closed)."""
    return {key: entry_on(session, key, on) for key in keys}


# --- writing ----------------------------------------------------------------------------------

def _as_decimal(value) -> Decimal:
    try:
        d = Decimal(str(value).strip().replace(NBSP, "").replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise RuleValueError(_("Värdet måste vara ett tal, t.ex. 700000 eller 332,60.")) from None
    if not d.is_finite() or d < 0:
        raise RuleValueError(_("Värdet måste vara ett tal som inte är negativt."))
    if d.as_tuple().exponent < -2:
        raise RuleValueError(_("Värdet får ha högst två decimaler."))
    return d


def _rows(d: RuleDefinition, default: RuleDefault) -> dict:
    return {"key": d.key, "value": str(_as_decimal(default.value)), "unit": d.unit,
            "valid_from": default.valid_from, "valid_to": default.valid_to,
            "source_kind": default.kind, "source": default.source, "created_at": utcnow()}


def seed_defaults(session: Session) -> int:
    """Insert the registered defaults that are missing (same key and valid_from); idempotent.
    Returns the number of rows inserted. One bulk insert: cheap enough for every test."""
    existing = set(session.execute(select(RuleValue.key, RuleValue.valid_from)).tuples())
    rows = [_rows(d, default) for d in definitions() for default in d.defaults
            if (d.key, default.valid_from) not in existing]
    if rows:
        session.execute(insert(RuleValue), rows)
    return len(rows)


def add_value(session: Session, user, key: str, value, valid_from: date, source: str, *,
              valid_to: date | None = None, kind: str = DECISION) -> RuleValue:
    """A new value of ``key`` from ``valid_from`` (audited). The previous open-ended value ends
    the day before; a value that would overlap a closed period or start on or before the
    current open value's start is refused."""
    d = definition(key)
    amount = _as_decimal(value)
    source = (source or "").strip()
    if not source:
        raise RuleValueError(_("Ange källan: lag, riktlinje eller beslut med referens."))
    if kind not in SOURCE_KINDS:
        raise RuleValueError(_("Okänd typ av källa."))
    if valid_to is not None and valid_to < valid_from:
        raise RuleValueError(_("Giltig till får inte vara före giltig från."))
    rows = session.scalars(select(RuleValue).where(RuleValue.key == key)).all()
    end = valid_to or date.max
    for row in rows:
        if row.valid_to is None and row.valid_from < valid_from:
            continue  # ended below
        if row.valid_from <= end and (row.valid_to is None or valid_from <= row.valid_to):
            raise RuleValueError(_(
                "Det finns redan ett värde som gäller %(start)s–%(end)s: välj ett senare datum.",
                start=row.valid_from.isoformat(),
                end=row.valid_to.isoformat() if row.valid_to else _("tills vidare")))
    for row in rows:
        if row.valid_to is None and row.valid_from < valid_from:
            row.valid_to = valid_from - timedelta(days=1)
    new = RuleValue(key=key, value=str(amount), unit=d.unit, valid_from=valid_from,
                    valid_to=valid_to, source_kind=kind, source=source,
                    created_by_id=getattr(user, "id", None))
    session.add(new)
    session.flush()
    return new


def all_values(session: Session) -> list[RuleValue]:
    return list(session.scalars(select(RuleValue).order_by(RuleValue.key,
                                                           RuleValue.valid_from)))
