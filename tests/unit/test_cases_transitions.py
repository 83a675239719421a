"""The life of a case and its deadlines, at their boundaries."""
from datetime import date
from decimal import Decimal

import pytest

from oversight.cases import deadlines, transitions
from oversight.cases.deadlines import Due
from oversight.cases.transitions import TransitionRefused


@pytest.mark.parametrize("current,target", [
    ("registered", "assessment"), ("assessment", "queued"), ("assessment", "not_opened"),
    ("queued", "investigation"), ("investigation", "decision"), ("investigation", "closed"),
    ("decision", "follow_up"), ("follow_up", "closed"), ("not_opened", "assessment"),
])
def test_allowed_transitions(current, target):
    transitions.check(current, target, reason="no_grounds")


@pytest.mark.parametrize("current,target", [
    ("registered", "investigation"), ("registered", "closed"), ("queued", "decision"),
    ("assessment", "investigation"), ("closed", "investigation"), ("closed", "registered"),
    ("not_opened", "investigation"), ("follow_up", "queued"), ("registered", "registered"),
])
def test_refused_transitions_say_why_in_swedish(current, target):
    with pytest.raises(TransitionRefused, match="kan inte gå till"):
        transitions.check(current, target)


def test_not_opened_needs_a_reason():
    with pytest.raises(TransitionRefused, match="skälet"):
        transitions.check("assessment", "not_opened")


def test_start_deadline_boundary():
    queued = date(2026, 1, 15)
    assert deadlines.start_deadline(queued, 3) == date(2026, 4, 15)
    assert not deadlines.start_overdue(queued, 3, date(2026, 4, 15))  # the last day: no alert
    assert deadlines.start_overdue(queued, 3, date(2026, 4, 16))


def test_start_deadline_end_of_month():
    assert deadlines.start_deadline(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_claim_deadline_boundary_and_warning():
    paid = [date(2023, 5, 10), date(2023, 6, 10)]
    status = deadlines.claim_status(paid, 3, date(2026, 5, 10), warn_days=90)
    assert status.deadline == date(2026, 5, 10) and status.days_left == 0 and status.state == "warning"
    assert deadlines.claim_status(paid, 3, date(2026, 5, 11), 90).state == "expired"
    assert deadlines.claim_status(paid, 3, date(2026, 2, 8), 90).state == "ok"  # 91 days left
    assert deadlines.claim_status(paid, 3, date(2026, 2, 9), 90).state == "warning"  # 90 days left
    assert deadlines.claim_status([], 3, date(2026, 1, 1), 90) is None


def test_claim_deadline_leap_day():
    assert deadlines.claim_deadline(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_missed_instalment_raised_after_grace_period():
    plan = deadlines.instalment_plan(Decimal(3000), Decimal(1000), date(2026, 1, 31))
    assert [d.due_on for d in plan] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    paid = [(date(2026, 2, 2), Decimal(1000))]
    # Grace 7 days: the February instalment is missed from 8 March, not on 7 March.
    assert deadlines.missed_instalments(plan, paid, date(2026, 3, 7), 7) == []
    assert deadlines.missed_instalments(plan, paid, date(2026, 3, 8), 7) == [Due(date(2026, 2, 28), Decimal(1000))]
    # A late payment within the grace period counts.
    late = [(date(2026, 2, 7), Decimal(1000))]
    assert deadlines.missed_instalments(plan, late, date(2026, 2, 8), 7) == []
    assert deadlines.missed_instalments(plan, [(date(2026, 2, 8), Decimal(1000))], date(2026, 2, 8), 7) \
        == [Due(date(2026, 1, 31), Decimal(1000))]


def test_instalment_plan_remainder_and_bad_amount():
    plan = deadlines.instalment_plan(Decimal("2500.50"), Decimal(1000), date(2026, 1, 1))
    assert [d.amount for d in plan] == [Decimal(1000), Decimal(1000), Decimal("500.50")]
    with pytest.raises(ValueError):
        deadlines.instalment_plan(Decimal(100), Decimal(0), date(2026, 1, 1))


def test_priority_from_the_three_criteria():
    assert transitions.priority(Decimal(150_000), True, False).level == "high"
    assert transitions.priority(Decimal(5_000), False, True).level == "normal"
    assert transitions.priority(None, False, False).level == "low"


def test_the_large_amount_reason_uses_the_one_amount_format():
    """Issue 11, defect 6: amounts in one format everywhere (``100 000 kr``)."""
    from oversight.formatting import sek

    reasons = transitions.priority(Decimal(250_000), False, False).reasons
    assert reasons == (f"stort belopp (minst {sek(100_000)})",)
