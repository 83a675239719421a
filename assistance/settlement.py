"""Monthly settlement of municipal personal assistance, as LSS has it (pure, no I/O).

The municipality pays **in advance on the decided hours** × the year's schablonbelopp, then
settles the month against the **approved hours actually performed**. Hours not performed, and
hours refused by a check the officer upheld, become an amount to reclaim under LSS 12 §.
Hours performed beyond the decision are not paid (the advance covered only decided hours) and
reclaim nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from assistance.timereport_codes import label

CENT = Decimal("0.01")
NOT_PERFORMED = "NOT_PERFORMED"
NO_APPROVED_REPORT = "NO_APPROVED_REPORT"


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Reason:
    code: str
    hours: Decimal
    amount: Decimal

    @property
    def label(self) -> str:
        if self.code == NOT_PERFORMED:
            return _("Beslutade timmar som inte utförts")
        if self.code == NO_APPROVED_REPORT:
            return _("Ingen godkänd tidrapport")
        return _("Underkänt av kontroll: %(label)s", label=label(self.code))


@dataclass(frozen=True)
class SettlementLine:
    person_id: str
    provider: str                 # organisation number, "" for own employer / municipal
    month: date
    rate: Decimal
    decided_hours: Decimal
    approved_hours: Decimal
    refused_hours: Decimal
    payable_hours: Decimal
    advance: Decimal
    payable: Decimal
    reclaim: Decimal
    reasons: tuple[Reason, ...] = field(default=())
    # An active payment stop on the provider (oversight.cases.stops): ``withheld`` is the stop's
    # sentence when it is the line's district's own stop (the month is not payable), and
    # ``stop_note`` when another district stopped the provider (shown, payable).
    withheld: str = ""
    stop_note: str = ""

    @property
    def reason_text(self) -> str:
        return "; ".join(f"{r.label}: {r.hours} h" for r in self.reasons)

    @property
    def payable_now(self) -> Decimal:
        """What may be paid out now: nothing while the provider's month is withheld."""
        return Decimal("0.00") if self.withheld else self.payable

    def as_json(self) -> dict:
        return {"person_id": self.person_id, "provider_org_nr": self.provider,
                "month": self.month.strftime("%Y-%m"), "rate": str(self.rate),
                "decided_hours": str(self.decided_hours), "approved_hours": str(self.approved_hours),
                "refused_hours": str(self.refused_hours), "payable_hours": str(self.payable_hours),
                "advance": str(self.advance), "payable": str(self.payable),
                "reclaim": str(self.reclaim), "withheld": bool(self.withheld),
                "payable_now": str(self.payable_now), "stop": self.withheld or self.stop_note or None,
                "reasons": [{"code": r.code, "hours": str(r.hours), "amount": str(r.amount)}
                            for r in self.reasons]}


def settle(person_id: str, provider: str, month: date, rate: Decimal, decided: Decimal,
           approved: Decimal | None, refused_by_code: dict[str, Decimal]) -> SettlementLine:
    """``approved`` None: no approved report for the month (nothing counts as performed)."""
    decided, rate = Decimal(decided), Decimal(rate)
    performed = Decimal(approved or 0)
    refused = sum((Decimal(h) for h in refused_by_code.values()), Decimal(0))
    payable_hours = max(Decimal(0), min(decided, performed - refused))
    advance = money(decided * rate)
    payable = money(payable_hours * rate)
    reclaim = advance - payable
    missing = max(Decimal(0), decided - performed)
    reasons = []
    if missing:
        code = NO_APPROVED_REPORT if approved is None else NOT_PERFORMED
        reasons.append(Reason(code, missing, money(missing * rate)))
    left = decided - payable_hours - missing  # refused hours that reduce the payment
    for code, h in sorted(refused_by_code.items()):
        take = min(Decimal(h), left)
        if take > 0:
            reasons.append(Reason(code, take, money(take * rate)))
            left -= take
    if reasons:  # the reasons add up to the reclaim exactly
        diff = reclaim - sum(r.amount for r in reasons)
        last = reasons[-1]
        reasons[-1] = Reason(last.code, last.hours, last.amount + diff)
    return SettlementLine(person_id, provider, month, rate, decided, performed, refused,
                          payable_hours, advance, payable, reclaim, tuple(reasons))
