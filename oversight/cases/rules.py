"""The case register's time limits, read from the core store of dated rule values
(``oversight.rule_values``; the keys ``cases.start_deadline_months``,
``cases.claim_deadline_years`` and ``cases.missed_instalment_grace_days`` are declared in
``oversight.rule_defaults``). This function is the one place the case register reads them;
no value valid on the day raises ``RuleValueMissing`` (fail closed)."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal

from oversight.rule_values import value_on

KEYS = ("cases.start_deadline_months", "cases.claim_deadline_years",
        "cases.missed_instalment_grace_days")


# Inside ``same_values()`` (a list of cases), each key and day is read once, not per case.
_memo: ContextVar[dict | None] = ContextVar("case_rule_numbers", default=None)


@contextmanager
def same_values():
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def rule_number(session, key: str, on: date | None = None) -> int:
    """The value of ``key`` valid on ``on`` (today by default), as an int."""
    on = on or date.today()
    memo = _memo.get()
    if memo is not None and (key, on) in memo:
        return memo[(key, on)]
    value = int(Decimal(value_on(session, key, on)))
    if memo is not None:
        memo[(key, on)] = value
    return value
