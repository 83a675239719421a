"""Rule values with validity dates: time limits, thresholds and freshness limits.

Laws change and municipal policies change more often, so no number used by the exclusion
rules is a literal in the rules: it is looked up here for the date that matters (the day of
the check). A new value is a new row with its ``valid_from``; the old row keeps answering for
earlier dates, so a check from 2021 can be re-read with the values that applied then.

Each row says where the value comes from (``source``) and whether it is law or local policy
(``kind``). Values marked ``kind="policy"`` are the municipality's own choices (e.g. how old a
Skatteverket answer may be before a check refuses to rely on it) and can be overridden per
installation with the ``SUPPLIERS_RULE_OVERRIDES`` setting (see ``init_app``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

LAW, POLICY = "law", "policy"


@dataclass(frozen=True)
class RuleValue:
    name: str
    value: Any
    valid_from: date
    valid_to: date | None
    unit: str
    kind: str  # law | policy
    source: str
    verified: bool = True  # False: taken from a secondary source, confirm before relying on it

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


LOU_START = date(2017, 1, 1)  # LOU (2016:1145) in force

RULE_VALUES: tuple[RuleValue, ...] = (
    # --- time limits (LOU 13 kap.) ---------------------------------------------------------
    RuleValue("conviction_years", 5, LOU_START, None, "år", LAW,
              "LOU 13 kap.: uteslutning enligt 1 § får inte ske när mer än fem år har gått "
              "sedan domen fick laga kraft."),
    RuleValue("event_years", 3, LOU_START, None, "år", LAW,
              "LOU 13 kap.: uteslutning enligt 3 § får inte ske när mer än tre år har gått "
              "sedan omständigheten inträffade."),
    RuleValue("lov_conviction_years", 5, date(2009, 1, 1), None, "år", POLICY,
              "LOV 7 kap. 1 § anger ingen tidsgräns; staden tillämpar LOU:s fem år av "
              "proportionalitetsskäl.", verified=False),
    RuleValue("complaint_years", 3, LOU_START, None, "år", LAW,
              "Klagomål räknas som möjlig brist i tidigare kontrakt (LOU 13 kap. 3 § 7) i tre år."),
    RuleValue("complaints_for_persistent_deficiency", 2, LOU_START, None, "klagomål", POLICY,
              "Mindre allvarliga klagomål räknas som långvarig brist (13 kap. 3 § 7) från det "
              "andra inom tidsgränsen; ett allvarligt klagomål räcker ensamt."),
    # --- thresholds ------------------------------------------------------------------------
    RuleValue("direct_award_limit", Decimal("615312"), date(2020, 1, 1), date(2022, 1, 31), "kr",
              LAW, "Direktupphandlingsgräns 2020–jan 2022 (28 % av tröskelvärdet), enligt "
              "stadens handlingsplan ”cirka 615 000 kronor”.", verified=False),
    RuleValue("direct_award_limit", Decimal("700000"), date(2022, 2, 1), None, "kr", LAW,
              "LOU 19 kap. 30 §, direktupphandlingsgräns 700 000 kr från 1 februari 2022."),
    RuleValue("documentation_limit", Decimal("100000"), LOU_START, None, "kr", LAW,
              "LOU 19 kap. 30 §: direktupphandling över 100 000 kr ska dokumenteras."),
    # --- how old an answer may be before a check refuses to rely on it (policy) ---------------
    RuleValue("max_age_days.bolagsverket", 30, LOU_START, None, "dagar", POLICY,
              "Bolagsverkets uppgifter får vara högst 30 dagar gamla vid kontroll."),
    RuleValue("max_age_days.skatteverket", 90, LOU_START, None, "dagar", POLICY,
              "Skatteverkets intyg (SKV 4820) får vara högst 3 månader gammalt."),
    RuleValue("max_age_days.kronofogden", 90, LOU_START, None, "dagar", POLICY,
              "Kronofogdens utdrag i upphandlingssyfte får vara högst 3 månader gammalt."),
    RuleValue("max_age_days.sanctions", 7, LOU_START, None, "dagar", POLICY,
              "Sanktions- och uteslutningslistor ändras ofta: högst en vecka gammal träfflista."),
    RuleValue("max_age_days.ivo", 30, LOU_START, None, "dagar", POLICY,
              "IVO:s tillståndsuppgift får vara högst 30 dagar gammal."),
    RuleValue("max_age_days.criminal_record", 180, LOU_START, None, "dagar", POLICY,
              "Utdrag ur belastningsregistret får vara högst 6 månader gammalt."),
    # --- monitoring --------------------------------------------------------------------------
    RuleValue("monitor_interval_days", 7, LOU_START, None, "dagar", POLICY,
              "Leverantörer med aktiva avtal kontrolleras minst varje vecka."),
)

_overrides: dict[str, Any] = {}


class UnknownRuleValue(LookupError):
    pass


def set_overrides(values: dict[str, Any] | None) -> None:
    """Installation overrides for policy values (from the SUPPLIERS_RULE_OVERRIDES setting).
    Law values cannot be overridden: a new law value is a new row with a date."""
    _overrides.clear()
    for name, value in (values or {}).items():
        rows = [r for r in RULE_VALUES if r.name == name]
        if not rows:
            raise UnknownRuleValue(f"Okänt regelvärde i SUPPLIERS_RULE_OVERRIDES: {name}")
        if any(r.kind == LAW for r in rows):
            raise UnknownRuleValue(f"{name} är ett lagvärde och kan inte ändras med inställning.")
        _overrides[name] = value


def rule_row(name: str, on_date: date, table: Iterable[RuleValue] = RULE_VALUES) -> RuleValue:
    rows = [r for r in table if r.name == name and r.applies_on(on_date)]
    if not rows:
        raise UnknownRuleValue(f"Inget värde för {name} den {on_date.isoformat()}.")
    return max(rows, key=lambda r: r.valid_from)


def rule_value(name: str, on_date: date, table: Iterable[RuleValue] = RULE_VALUES) -> Any:
    """The value of ``name`` that applies on ``on_date``."""
    row = rule_row(name, on_date, table)
    return _overrides.get(name, row.value) if table is RULE_VALUES else row.value


def values_on(on_date: date) -> dict[str, Any]:
    """Every value that applies on ``on_date`` (stored with a check, so it can be re-read)."""
    names = sorted({r.name for r in RULE_VALUES})
    out = {}
    for name in names:
        try:
            value = rule_value(name, on_date)
        except UnknownRuleValue:
            continue
        out[name] = str(value) if isinstance(value, Decimal) else value
    return out


def add_years(day: date, years: int) -> date:
    """Calendar years; 29 February becomes 28 February in a non-leap year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def within_years(event: date, on_date: date, years: int) -> bool:
    """True while ``on_date`` is no more than ``years`` calendar years after ``event``: the
    last day it still counts is the anniversary itself (judgment 2020-03-15, five years:
    counts on 2025-03-15, not on 2025-03-16). An event dated after ``on_date`` (a typing
    error or a different clock) counts: failing closed."""
    return on_date <= add_years(event, years)
