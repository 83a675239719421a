"""The case register's time limits as dated rule values (keys ``cases.*``).

They live in the core store ``oversight.rule_values`` once that is merged; until then (and if a
database predates it) ``rule_number`` answers from the defaults below, which carry the same
dates and sources. This function is the one place the case register reads a rule value.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

# key, Swedish label, English label, unit, valid from, value, source
DEFINITIONS = [
    ("cases.start_deadline_months", "Utredning ska ha påbörjats inom", "Investigation to start within",
     "months", date(2017, 1, 1), 3,
     "Stockholms stad, revisionens förslag: utredning påbörjas inom 3 månader"),
    ("cases.claim_deadline_years", "Ersättningstalan ska väckas inom", "Claim for damages within",
     "years", date(2002, 1, 1), 3,
     "9 kap. 3 § SoL / 12 § LSS: talan väcks inom tre år från utbetalningen"),
    ("cases.missed_instalment_grace_days", "Missad avbetalning lyfts efter", "Missed instalment raised after",
     "days", date(2017, 1, 1), 7, "Kommunens rutin för återbetalningsuppföljning"),
]
_DEFAULTS = {key: (valid_from, value) for key, _sv, _en, _u, valid_from, value, _s in DEFINITIONS}


def register_rules() -> None:
    """Declare the rules to the core store when it exists (called from ``init_app``)."""
    try:
        from oversight.rule_values import RuleDefault, RuleDefinition, register
    except ImportError:  # the core store is not merged yet: the defaults below answer
        return
    for key, label_sv, label_en, unit, valid_from, value, source in DEFINITIONS:
        register(RuleDefinition(key, label_sv, label_en, unit,
                                defaults=[RuleDefault(valid_from, value, source)]))


def rule_number(session, key: str, on: date | None = None) -> int:
    """The value of ``key`` valid on ``on`` (today by default), as an int."""
    on = on or date.today()
    try:
        from oversight.rule_values import value_on
    except ImportError:
        valid_from, value = _DEFAULTS[key]
        if on < valid_from:
            raise LookupError(f"Inget värde för {key} gäller {on.isoformat()}.")
        return int(value)
    return int(Decimal(value_on(session, key, on)))
