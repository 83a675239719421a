"""The suppliers' rule values (time limits, amounts, answer ages), kept in the one store of
dated rule values (``oversight.rule_values``); this module registers them and reads them.

A check reads every value that applies on its date once (``values_on``) and stores them with
the check, so it can be re-read with the values that applied then; pages and the printed
kontrollunderlag show ``describe()`` text, never a key. Answer ages are shared with the
registries (``registries.<registry>.max_age_days``) and the IVO answer age with the assistance
module (``ivo.permit_verification_max_age_days``): one value each.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from registries.assess import max_age_key

from oversight import rule_defaults  # noqa: F401  (the shared answer ages)
from oversight.rule_values import (
    LAW, POLICY, RuleDefault, RuleDefinition, RuleValueMissing, definition, describe, entry_on,
    label_for, register,
)

LOU_START = date(2017, 1, 1)  # LOU (2016:1145) in force

CONVICTION_YEARS = "suppliers.conviction_years"
EVENT_YEARS = "suppliers.event_years"
LOV_CONVICTION_YEARS = "suppliers.lov_conviction_years"
COMPLAINT_YEARS = "suppliers.complaint_years"
PERSISTENT_COMPLAINTS = "suppliers.complaints_for_persistent_deficiency"
DIRECT_AWARD_LIMIT = "procurement.direct_award_limit"
DOCUMENTATION_LIMIT = "procurement.documentation_limit"
MONITOR_INTERVAL_DAYS = "suppliers.monitor_interval_days"
CRIMINAL_RECORD_MAX_AGE = "suppliers.criminal_record_max_age_days"
# evidence source -> the rule value that limits how old its answer may be
MAX_AGE_KEYS = {
    **{registry: max_age_key(registry)
       for registry in ("bolagsverket", "skatteverket", "kronofogden", "sanctions", "ivo")},
    "criminal_record": CRIMINAL_RECORD_MAX_AGE,
}


def _rule(key, sv, en, unit, *defaults):
    register(RuleDefinition(key, sv, en, unit, list(defaults)))


_rule(CONVICTION_YEARS, "Tidsgräns för uteslutning efter dom", "Time limit after a conviction",
      "years", RuleDefault(LOU_START, 5, "LOU 13 kap. 4 §", kind=LAW))
_rule(EVENT_YEARS, "Tidsgräns för uteslutning efter omständighet",
      "Time limit after an event", "years", RuleDefault(LOU_START, 3, "LOU 13 kap. 4 §", kind=LAW))
_rule(LOV_CONVICTION_YEARS, "Tidsgräns efter dom i valfrihetssystem (LOV)",
      "Time limit after a conviction (LOV)", "years",
      RuleDefault(date(2009, 1, 1), 5, "LOV 7 kap. 1 § anger ingen tidsgräns; staden tillämpar "
                  "LOU:s fem år av proportionalitetsskäl", kind=POLICY))
_rule(COMPLAINT_YEARS, "Klagomål räknas som brist i tidigare kontrakt i",
      "Complaints count as deficiencies in an earlier contract for", "years",
      RuleDefault(LOU_START, 3, "LOU 13 kap. 3 § 7", kind=LAW))
_rule(PERSISTENT_COMPLAINTS, "Antal klagomål som räknas som långvarig brist",
      "Complaints that count as a persistent deficiency", "count",
      RuleDefault(LOU_START, 2, "Kommunens riktlinje (LOU 13 kap. 3 § 7); ett allvarligt "
                  "klagomål räcker ensamt", kind=POLICY))
_rule(DIRECT_AWARD_LIMIT, "Direktupphandlingsgräns", "Direct award limit", "kr",
      RuleDefault(date(2020, 1, 1), Decimal("615312"),
                  "LOU 19 kap. 8 § (28 % av tröskelvärdet), enligt stadens handlingsplan",
                  date(2022, 1, 31)),
      RuleDefault(date(2022, 2, 1), Decimal("700000"), "LOU 19 kap. 2 §"))
_rule(DOCUMENTATION_LIMIT, "Dokumentationsplikt vid direktupphandling över",
      "Documentation duty for direct awards above", "kr",
      RuleDefault(LOU_START, Decimal("100000"), "LOU 19 kap. 30 §"))
_rule(CRIMINAL_RECORD_MAX_AGE, "Högsta ålder på utdrag ur belastningsregistret",
      "Maximum age of a criminal-record extract", "days",
      RuleDefault(LOU_START, 180, "Kommunens riktlinje (högst 6 månader)", kind=POLICY))
_rule(MONITOR_INTERVAL_DAYS, "Leverantörer med aktiva avtal kontrolleras minst var",
      "Suppliers with active contracts are checked at least every", "days",
      RuleDefault(LOU_START, 7, "Kommunens riktlinje för bevakning", kind=POLICY))

CHECK_KEYS = (CONVICTION_YEARS, EVENT_YEARS, LOV_CONVICTION_YEARS, COMPLAINT_YEARS,
              PERSISTENT_COMPLAINTS, DIRECT_AWARD_LIMIT, DOCUMENTATION_LIMIT,
              *MAX_AGE_KEYS.values(), MONITOR_INTERVAL_DAYS)


def _plain(value: Decimal) -> Any:
    return int(value) if value == value.to_integral_value() else str(value)


def values_on(session: Session, on_date: date) -> dict[str, Any]:
    """Every value a check uses on ``on_date`` (stored with the check, so it can be re-read).
    A value missing for the date raises ``RuleValueMissing``: no check runs without its rules."""
    return {key: _plain(entry_on(session, key, on_date).decimal) for key in CHECK_KEYS}


def defaults_on(on_date: date) -> dict[str, Any]:
    """The registered defaults on ``on_date`` without a database (pure tests, benchmarks)."""
    out = {}
    for key in CHECK_KEYS:
        rows = [d for d in definition(key).defaults
                if d.valid_from <= on_date and (d.valid_to is None or on_date <= d.valid_to)]
        if rows:
            out[key] = _plain(Decimal(str(max(rows, key=lambda d: d.valid_from).value)))
    return out


def descriptions(session: Session, values: dict[str, Any], on_date: date) -> list[str]:
    """Readable lines for the values a check used ("Direktupphandlingsgräns: 700 000 kr, gäller
    från 2022-02-01, LOU 19 kap. 2 §"); a value no longer in the store shows its label."""
    lines = []
    for key, value in values.items():
        try:
            entry = entry_on(session, key, on_date)
        except RuleValueMissing:
            lines.append(f"{label_for(key)}: {value}")
            continue
        lines.append(describe(entry))
    return sorted(lines)


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
