"""The dated rule values the time-report checks and the settlement use.

They live in the core rule-value store (``oversight.rule_values``, table ``rule_value``); this
module declares them (``register_rules``) and reads them on a day through ``rule_value`` only.
Until the core store is part of the branch, ``rule_value`` answers from the same defaults, so
the one place to switch is that function.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from assistance.timereport_codes import Parameters

SOURCE_WTA = "Arbetstidslagen (1982:673) 10 b §"
SOURCE_HOUSEHOLD = "Lag (1970:943) om arbetstid m.m. i husligt arbete"
SOURCE_FK = "Försäkringskassan, vägledning 2003:6 (sjukhusvistelse)"
SOURCE_SCHABLON = "Förordning om assistansersättning, schablonbelopp per år"

# key -> (label_sv, label_en, unit, [(valid_from, value, source)])
DEFAULTS: dict[str, tuple[str, str, str, list[tuple[date, str, str]]]] = {
    "assistance.working_time_cap_hours": (
        "Arbetstid, högst timmar per vecka i snitt", "Working time cap, hours per week on average",
        "h", [(date(1983, 1, 1), "48", SOURCE_WTA)]),
    "assistance.working_time_cap_hours_relative": (
        "Arbetstid för anhörig/samma hushåll, timmar per vecka i snitt",
        "Working time cap for a relative, hours per week on average",
        "h", [(date(1971, 1, 1), "52", SOURCE_HOUSEHOLD)]),
    "assistance.working_time_window_weeks": (
        "Beräkningsperiod för arbetstid, veckor", "Working time averaging window, weeks",
        "veckor", [(date(1983, 1, 1), "4", SOURCE_WTA)]),
    "assistance.hospital_max_days_with_special_reasons": (
        "Sjukhusvistelse med särskilda skäl, högst dagar",
        "Hospital stay with special reasons, at most days", "dagar",
        [(date(1994, 1, 1), "28", SOURCE_FK)]),
    "assistance.timereport_due_day": (
        "Tidrapport senast dag i följande månad", "Time report due day of the next month",
        "dag", [(date(2019, 1, 1), "10", "Kommunens rutin")]),
    "assistance.schablonbelopp": (
        "Schablonbelopp personlig assistans", "Standard hourly amount, personal assistance",
        "kr/h", [(date(2019, 1, 1), "299.80", SOURCE_SCHABLON),
                 (date(2020, 1, 1), "304.30", SOURCE_SCHABLON),
                 (date(2021, 1, 1), "315.00", SOURCE_SCHABLON),
                 (date(2022, 1, 1), "319.70", SOURCE_SCHABLON),
                 (date(2023, 1, 1), "324.50", SOURCE_SCHABLON),
                 (date(2024, 1, 1), "332.60", SOURCE_SCHABLON)]),
}
# The schablonbelopp is set per calendar year: each default is valid to its year's end, so a
# later year without an entered value fails closed (no settlement on a guessed amount).
YEARLY = {"assistance.schablonbelopp"}


class RuleMissing(LookupError):
    """No value of a rule is valid on the day (Swedish message)."""


def _default(key: str, on: date) -> Decimal:
    label, _en, _unit, values = DEFAULTS[key]
    for valid_from, value, _source in sorted(values, reverse=True):
        if valid_from <= on and (key not in YEARLY or on.year == valid_from.year):
            return Decimal(value)
    raise RuleMissing(f"Regelvärdet ”{label}” saknas för {on.isoformat()}: "
                      "en administratör behöver lägga in det.")


def rule_value(session, key: str, on: date) -> Decimal:
    """The value of ``key`` on ``on`` (the one function to switch to the core store)."""
    try:
        from oversight import rule_values
    except ImportError:
        return _default(key, on)
    try:
        return rule_values.value_on(session, key, on)
    except rule_values.RuleValueMissing as exc:
        raise RuleMissing(str(exc)) from exc


def register_rules() -> None:
    """Declare the rules with the core store (a no-op until it is on the branch)."""
    try:
        from oversight.rule_values import RuleDefault, RuleDefinition, register
    except ImportError:
        return
    for key, (label, label_en, unit, values) in DEFAULTS.items():
        defaults = []
        for valid_from, value, source in values:
            valid_to = date(valid_from.year, 12, 31) if key in YEARLY else None
            defaults.append(RuleDefault(valid_from, Decimal(value), source, valid_to=valid_to))
        register(RuleDefinition(key, label, label_en, unit, defaults=defaults))


def parameters_on(session, day: date, grace_days: int = 14) -> Parameters:
    def v(key):
        return rule_value(session, f"assistance.{key}", day)
    return Parameters(cap_hours=v("working_time_cap_hours"),
                      cap_hours_relative=v("working_time_cap_hours_relative"),
                      window_weeks=int(v("working_time_window_weeks")),
                      hospital_max_days=int(v("hospital_max_days_with_special_reasons")),
                      grace_days=grace_days)
