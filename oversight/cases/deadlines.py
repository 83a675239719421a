"""Deadlines of the case register, pure date arithmetic (the lengths come from the dated rule
values, see ``oversight.cases.rules``).

- Start deadline: a queued case should have its investigation started within N months of the
  day it was queued; the alert is raised from the day after the last day.
- Ersättningstalan: a claim in förvaltningsrätten must be brought within N years of the payment;
  the last day is the payment date N years on (29 February -> 28 February).
- A missed instalment is raised when the payments received by the instalment's due date plus a
  grace period do not cover the instalments due by then.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def start_deadline(queued_on: date, months: int) -> date:
    return add_months(queued_on, months)


def start_overdue(queued_on: date, months: int, today: date) -> bool:
    return today > start_deadline(queued_on, months)


def claim_deadline(payment_date: date, years: int) -> date:
    return add_months(payment_date, 12 * years)


@dataclass(frozen=True)
class ClaimStatus:
    deadline: date
    days_left: int
    state: str  # ok | warning | expired


def claim_status(payment_dates: Iterable[date], years: int, today: date,
                 warn_days: int) -> ClaimStatus | None:
    """The earliest payment's deadline counts (later payments' claims expire later)."""
    dates = sorted(payment_dates)
    if not dates:
        return None
    deadline = claim_deadline(dates[0], years)
    left = (deadline - today).days
    state = "expired" if left < 0 else "warning" if left <= warn_days else "ok"
    return ClaimStatus(deadline, left, state)


@dataclass(frozen=True)
class Due:
    due_on: date
    amount: Decimal


def missed_instalments(plan: Sequence[Due], payments: Iterable[tuple[date, Decimal]],
                       today: date, grace_days: int) -> list[Due]:
    """Instalments whose due date plus the grace period has passed while the payments made up
    to that day do not cover everything due up to and including it."""
    paid = sorted(payments)
    missed, due_total = [], Decimal(0)
    for item in sorted(plan, key=lambda d: d.due_on):
        due_total += item.amount
        cutoff = item.due_on + timedelta(days=grace_days)
        if today <= cutoff:
            break
        paid_by = sum((amount for day, amount in paid if day <= cutoff), Decimal(0))
        if paid_by < due_total:
            missed.append(item)
    return missed


def instalment_plan(total: Decimal, monthly: Decimal, first_due: date) -> list[Due]:
    """Equal monthly instalments, the last one taking the remainder."""
    if monthly <= 0:
        raise ValueError(_("Beloppet per månad måste vara större än noll."))
    plan, left, i = [], total, 0
    while left > 0:
        amount = min(monthly, left)
        plan.append(Due(add_months(first_due, i), amount))
        left -= amount
        i += 1
        if i > 600:
            raise ValueError(_("Avbetalningsplanen blir längre än 50 år; höj beloppet per månad."))
    return plan
