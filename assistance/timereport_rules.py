"""The dated rule values the time-report checks and the settlement use, declared once here
and stored in the core rule-value store (``oversight.rule_values``). The schablonbelopp and
the two weeks after a revocation are the assistance module's rules (``assistance.rules``).
Every lookup of this package goes through ``rule_value``."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from assistance.rules import GRACE_DAYS, SCHABLONBELOPP  # noqa: F401  (re-exported keys)
from assistance.timereport_codes import Parameters
from oversight import rule_values as core

SOURCE_WTA = "Arbetstidslagen (1982:673) 10 b §"
SOURCE_HOUSEHOLD = "Lag (1970:943) om arbetstid m.m. i husligt arbete"
SOURCE_FK = "Försäkringskassan, vägledning 2003:6 (sjukhusvistelse, särskilda skäl)"

CAP = "assistance.working_time_cap_hours"
CAP_RELATIVE = "assistance.working_time_cap_hours_relative"
WINDOW = "assistance.working_time_window_weeks"
HOSPITAL_DAYS = "assistance.hospital_max_days_with_special_reasons"
DUE_DAY = "assistance.timereport_due_day"

DEFINITIONS = (
    core.RuleDefinition(CAP, "Arbetstid: högst timmar per vecka i snitt",
                        "Working time cap: hours per week on average", "hours_per_week",
                        [core.RuleDefault(date(1983, 1, 1), Decimal(48), SOURCE_WTA)]),
    core.RuleDefinition(CAP_RELATIVE, "Arbetstid för anhörig eller samma hushåll: högst timmar "
                        "per vecka i snitt", "Working time cap for a relative or household "
                        "member: hours per week on average", "hours_per_week",
                        [core.RuleDefault(date(1971, 1, 1), Decimal(52), SOURCE_HOUSEHOLD)]),
    core.RuleDefinition(WINDOW, "Beräkningsperiod för arbetstidens snitt",
                        "Averaging period of working time", "weeks",
                        [core.RuleDefault(date(1983, 1, 1), Decimal(4), SOURCE_WTA)]),
    core.RuleDefinition(HOSPITAL_DAYS, "Assistans under sjukhusvistelse med särskilda skäl: högst",
                        "Assistance during a hospital stay with special reasons: at most", "days",
                        [core.RuleDefault(date(1994, 1, 1), Decimal(28), SOURCE_FK)]),
    core.RuleDefinition(DUE_DAY, "Tidrapporten ska lämnas senast", "Time report due",
                        "day_of_month",
                        [core.RuleDefault(date(2019, 1, 1), Decimal(10),
                                          "Stadens rutin för månatliga tidrapporter",
                                          kind=core.POLICY)]),
)


class RuleMissing(LookupError):
    """No value of a rule is valid on the day (Swedish message): fail closed."""


def rule_value(session, key: str, on: date) -> Decimal:
    try:
        return core.value_on(session, key, on)
    except core.RuleValueMissing as exc:
        raise RuleMissing(str(exc)) from exc


def register_rules() -> None:
    for definition in DEFINITIONS:
        core.register(definition)


def parameters_on(session, day: date) -> Parameters:
    def v(key):
        return rule_value(session, key, day)
    return Parameters(cap_hours=v(CAP), cap_hours_relative=v(CAP_RELATIVE),
                      window_weeks=int(v(WINDOW)), hospital_max_days=int(v(HOSPITAL_DAYS)),
                      grace_days=int(v(GRACE_DAYS)))
