"""The dated rule values the time-report checks and the settlement use. They are declared in
the core rule-value store (``oversight/rule_defaults.py``: working time, window, hospital days,
due day, schablonbelopp, the grace days after a revocation) and read here on a day. Every
lookup of this package goes through ``rule_value``."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from assistance.rules import GRACE_DAYS, SCHABLONBELOPP  # noqa: F401  (re-exported keys)
from assistance.timereport_codes import Parameters
from oversight import rule_values as core

# Declared (label, unit, defaults, source) in the core's oversight/rule_defaults.py.
CAP = "assistance.working_time_cap_hours"
CAP_RELATIVE = "assistance.working_time_cap_hours_relative"
WINDOW = "assistance.working_time_window_weeks"
HOSPITAL_DAYS = "assistance.hospital_max_days_with_special_reasons"
DUE_DAY = "assistance.timereport_due_day"
KEYS = (CAP, CAP_RELATIVE, WINDOW, HOSPITAL_DAYS, DUE_DAY, GRACE_DAYS, SCHABLONBELOPP)


class RuleMissing(LookupError):
    """No value of a rule is valid on the day (Swedish message): fail closed."""


def rule_value(session, key: str, on: date) -> Decimal:
    try:
        return core.value_on(session, key, on)
    except core.RuleValueMissing as exc:
        raise RuleMissing(str(exc)) from exc


def register_rules() -> None:
    """The core declares every key this module reads; fail loudly at start if one is missing."""
    missing = [key for key in KEYS if not core.is_registered(key)]
    if missing:
        raise RuntimeError(f"rule values not registered: {', '.join(missing)}")


def parameters_on(session, day: date) -> Parameters:
    def v(key):
        return rule_value(session, key, day)
    return Parameters(cap_hours=v(CAP), cap_hours_relative=v(CAP_RELATIVE),
                      window_weeks=int(v(WINDOW)), hospital_max_days=int(v(HOSPITAL_DAYS)),
                      grace_days=int(v(GRACE_DAYS)))
