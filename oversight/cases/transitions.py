"""The life of a case as data: which status may follow which, and what a transition needs.
Pure: no database, no Flask (the services record who and when)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from oversight.formatting import sek
from oversight.labels import Labels

ALLOWED: dict[str, frozenset[str]] = {
    "registered": frozenset({"assessment"}),
    "assessment": frozenset({"not_opened", "queued"}),
    "not_opened": frozenset({"assessment"}),  # reconsidered when new information arrives
    "queued": frozenset({"investigation"}),
    "investigation": frozenset({"decision", "closed"}),
    "decision": frozenset({"investigation", "follow_up", "closed"}),
    "follow_up": frozenset({"decision", "closed"}),
    "closed": frozenset(),
}
OPEN_STATUSES = frozenset({"queued", "investigation", "decision", "follow_up"})
INTAKE_STATUSES = frozenset({"registered", "assessment"})


class TransitionRefused(ValueError):
    """A transition the case's life does not allow (Swedish message)."""


def allowed_next(status: str) -> frozenset[str]:
    return ALLOWED.get(status, frozenset())


def check(current: str, target: str, *, reason: str | None = None) -> None:
    """Raise ``TransitionRefused`` unless ``current`` -> ``target`` is allowed and complete."""
    from oversight.cases.codes import STATUSES, label

    if target not in allowed_next(current):
        raise TransitionRefused(
            _("Ett ärende med status %(current)s kan inte gå till %(target)s.",
              current=label(STATUSES, current), target=label(STATUSES, target)))
    if target == "not_opened" and not reason:
        raise TransitionRefused(_("Ange skälet till att utredning inte inleds."))


@dataclass(frozen=True)
class Priority:
    level: str  # high | normal | low
    score: int
    reasons: tuple[str, ...]


PRIORITY_LABELS = Labels({"high": "Hög", "normal": "Normal", "low": "Låg"})


def priority(amount: Decimal | None, risk_of_loss: bool, ongoing_error: bool,
             large_amount: Decimal = Decimal(100_000)) -> Priority:
    """Queue priority from the seeds' three criteria: a large amount, a risk of losing
    information, an error that is still going on. Each counts one point; 2+ is high."""
    reasons = []
    if amount is not None and amount >= large_amount:
        reasons.append(f"stort belopp (minst {sek(large_amount, 0)})")
    if risk_of_loss:
        reasons.append("risk att information går förlorad")
    if ongoing_error:
        reasons.append("pågående felaktig utbetalning")
    score = len(reasons)
    level = "high" if score >= 2 else "normal" if score == 1 else "low"
    return Priority(level, score, tuple(reasons))
