"""The module's dated rule values, read from the core store (``oversight.rule_values``). The
permit-verification age, the grace period after a revocation, the municipal hours limit and the
schablonbelopp are registered by the core (``oversight/rule_defaults.py``); this module adds the
alert look-back. Every lookup in this package goes through ``entry_on``/``value_on`` here."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from oversight import rule_defaults  # noqa: F401  (the shared assistance rules)
from oversight.rule_values import POLICY, RuleDefault, RuleDefinition, RuleValueMissing, register
from oversight.rule_values import entry_on as _entry_on

VERIFICATION_MAX_AGE = "ivo.permit_verification_max_age_days"
GRACE_DAYS = "assistance.revocation_grace_days"
MUNICIPAL_MAX_HOURS = "assistance.municipal_max_hours_per_week"
SCHABLONBELOPP = "assistance.schablonbelopp"
ALERT_LOOKBACK = "assistance.alert_lookback_days"

RuleMissing = RuleValueMissing


def register_rules() -> None:
    """Declare this module's own rules (idempotent). Called at import and from init_app."""
    register(RuleDefinition(
        ALERT_LOOKBACK, "Dagar utan tillstånd söks bakåt i", "Days without a permit are sought back",
        "days", [RuleDefault(date(2021, 11, 1), 365, "Kommunens rutin för tillståndskontroll "
                             "(lagändringen 1 nov 2021)", kind=POLICY)]))


register_rules()


def entry_on(session, key: str, on: date):
    return _entry_on(session, key, on)


def value_on(session, key: str, on: date) -> Decimal:
    return entry_on(session, key, on).decimal


def int_on(session, key: str, on: date) -> int:
    return int(value_on(session, key, on))
