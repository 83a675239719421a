"""The module's dated rule values, declared once. They live in the core rule-value store
(``oversight.rule_values``, table ``rule_value``) once that is merged; until then the defaults
declared here answer. Every lookup in this package goes through ``value_on``/``entry_on``
below, so the switch is in one place."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

VERIFICATION_MAX_AGE = "ivo.permit_verification_max_age_days"
GRACE_DAYS = "assistance.revocation_grace_days"
MUNICIPAL_MAX_HOURS = "assistance.municipal_max_hours_per_week"
SCHABLONBELOPP = "assistance.schablonbelopp"
ALERT_LOOKBACK = "assistance.alert_lookback_days"

_LSS_PROP = "Prop. 2020/21:205, i kraft 1 nov 2021"
_SCHABLON_SOURCE = "Förordning om assistansersättningens schablonbelopp (regeringen, årligen)"

# key: (label_sv, label_en, unit, [(valid_from, value, source, valid_to)])
DEFINITIONS: dict[str, tuple[str, str, str, list[tuple[date, Decimal, str, date | None]]]] = {
    VERIFICATION_MAX_AGE: (
        "Längsta ålder på kontroll av IVO-tillstånd", "Maximum age of an IVO permit verification",
        "dagar", [(date(2017, 1, 1), Decimal(30),
                   "Stadens policy; samma värde som leverantörskontrollernas IVO-uppgift", None)]),
    GRACE_DAYS: (
        "Tid efter återkallelse då assistans får betalas", "Payable period after a revocation",
        "dagar", [(date(2021, 11, 1), Decimal(14), _LSS_PROP + " (två veckor från att brukaren "
                   "fick veta)", None)]),
    MUNICIPAL_MAX_HOURS: (
        "Kommunens ansvar: grundläggande behov högst", "Municipal responsibility: basic needs at most",
        "timmar/vecka", [(date(1994, 1, 1), Decimal(20), "LSS 9 a §, SFB 51 kap. 3 §", None)]),
    ALERT_LOOKBACK: (
        "Hur långt bakåt dagar utan tillstånd söks", "How far back days without a permit are sought",
        "dagar", [(date(2021, 11, 1), Decimal(365), "Stadens policy (rutin för tillståndskontroll)",
                   None)]),
    SCHABLONBELOPP: (
        "Schablonbelopp för assistansersättning", "Standard hourly amount for assistance",
        "kr/timme", [(date(y, 1, 1), Decimal(v), _SCHABLON_SOURCE, date(y, 12, 31))
                     for y, v in ((2019, "299.80"), (2020, "304.30"), (2021, "315.00"),
                                  (2022, "319.70"), (2023, "324.50"), (2024, "332.60"))]),
}


class RuleMissing(LookupError):
    """No value is valid that day (Swedish message)."""


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    unit: str
    value: Decimal
    source: str
    valid_from: date
    valid_to: date | None

    @property
    def formatted(self) -> str:
        from oversight.formatting import number

        decimals = 0 if self.value == self.value.to_integral_value() else 2
        return f"{number(self.value, decimals)} {self.unit}"


def _core():
    try:
        from oversight import rule_values  # the core store (branch `rules`)
    except ImportError:
        return None
    return rule_values if hasattr(rule_values, "value_on") else None


def register_rules() -> None:
    """Declare the rules in the core store (no-op until it exists). Called from init_app."""
    core = _core()
    if core is None:
        return
    for key, (sv, en, unit, defaults) in DEFINITIONS.items():
        core.register(core.RuleDefinition(key, sv, en, unit, defaults=[
            core.RuleDefault(valid_from, value, source, valid_to=valid_to)
            for valid_from, value, source, valid_to in defaults]))


def _default_entry(key: str, on: date) -> Entry:
    sv, _en, unit, defaults = DEFINITIONS[key]
    for valid_from, value, source, valid_to in defaults:
        if valid_from <= on and (valid_to is None or on <= valid_to):
            return Entry(key, sv, unit, value, source, valid_from, valid_to)
    raise RuleMissing(f"Regelvärdet ”{sv}” saknas för {on.isoformat()}.")


def entry_on(session, key: str, on: date):
    core = _core()
    if core is not None:
        try:
            return core.entry_on(session, key, on)
        except core.RuleValueMissing as exc:
            raise RuleMissing(str(exc)) from exc
    return _default_entry(key, on)


def value_on(session, key: str, on: date) -> Decimal:
    return Decimal(entry_on(session, key, on).value)


def int_on(session, key: str, on: date) -> int:
    return int(value_on(session, key, on))
