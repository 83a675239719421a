"""One reading of a registry answer for every page that shows it (pure, no I/O).

The organisation page (``registries.assess``), the supplier checks (``suppliers.evidence`` and
``suppliers.rules``) and the assistance module's permit verifications judge the same answers:
how old an answer is and whether it is too old (``freshness``), and what an IVO answer says
about a permit (``ivo_verdict``). They call these functions, so an answer never reads "för
gammalt" in one place and "inga anmärkningar" in another.

Age: an answer speaks for the day of its document, else the day (in Sweden) it was retrieved.
It is too old when it is more than ``max_age_days`` days old on the day of judgement (the
boundary day is still in time); an answer without a date is too old whenever there is a limit;
``None`` means no limit.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from oversight.formatting import STOCKHOLM

VALID_PERMIT = "gällande"
STALE_LABEL = "För gammalt svar"


def answer_day(document_date: date | None, retrieved_at: datetime | None) -> date | None:
    """The day an answer speaks for: its document's date, else the Swedish day it arrived."""
    if document_date:
        return document_date
    if retrieved_at is None:
        return None
    at = retrieved_at if retrieved_at.tzinfo else retrieved_at.replace(tzinfo=UTC)
    return at.astimezone(STOCKHOLM).date()


@dataclass(frozen=True)
class Freshness:
    dated: date | None
    on: date
    max_age_days: int | None

    @property
    def age_days(self) -> int | None:
        return None if self.dated is None else (self.on - self.dated).days

    @property
    def stale(self) -> bool:
        if self.max_age_days is None:
            return False
        return self.age_days is None or self.age_days > self.max_age_days

    def sentence(self) -> str:
        """Why the answer is too old, with the limit, for the officer ("" when it is not)."""
        return stale_sentence(self.dated, self.max_age_days) if self.stale else ""


def stale_sentence(dated: date | None, max_age_days: int | None) -> str:
    """The one sentence for a too old answer, naming the limit (the rule value)."""
    day = dated.isoformat() if dated else "okänt datum"
    limit = (f": äldre än {_days(max_age_days)}, den högsta ålder regelvärdet tillåter"
             if max_age_days is not None else "")
    return f"Svaret är från {day} och är för gammalt för att lita på{limit}."


def freshness(dated: date | None, on: date, max_age_days: int | None) -> Freshness:
    return Freshness(dated, on, None if max_age_days is None else int(max_age_days))


def _days(n: int | None) -> str:
    return f"{n} dag" if n == 1 else f"{n} dagar"


# --- IVO permits -------------------------------------------------------------------------------

def _reference(permit) -> str | None:
    return getattr(permit, "reference", None) or getattr(permit, "diarienummer", None)


def permit_sentence(permit) -> str:
    """``LSS 9 § 2 personlig assistans: återkallat (beslut 2026-11-12, dnr 3.5.1-1/2026).``"""
    when = permit.decision_date.isoformat() if permit.decision_date else "okänt datum"
    ref = _reference(permit)
    text = f"{permit.activity}: {permit.status} (beslut {when}{f', dnr {ref}' if ref else ''})."
    return text[:1].upper() + text[1:]


def _relevant(permit, wanted: str) -> bool:
    activity = (permit.activity or "").casefold()
    return not wanted or wanted in activity or activity in wanted


def ivo_verdict(permits: Iterable, activity: str | None = None,
                required: bool = False) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """What an IVO answer says: ``(findings, notes, unanswered)``.

    A permit of the activity (all activities when ``activity`` is empty) that is not
    ``gällande`` is a finding; a valid one is a note. ``required``: the asker needs a valid
    permit for ``activity`` (a procurement), so its absence is "could not be checked", never a
    pass; on the organisation page the absence of a permit is only worth knowing."""
    permits = list(permits)
    wanted = (activity or "").casefold().strip()
    relevant = [p for p in permits if _relevant(p, wanted)]
    findings = tuple(permit_sentence(p) for p in relevant if p.status != VALID_PERMIT)
    valid = [p for p in relevant if p.status == VALID_PERMIT]
    notes = tuple(permit_sentence(p) for p in valid)
    unanswered: tuple[str, ...] = ()
    if findings or valid:
        return findings, notes, unanswered
    others = [p for p in permits if p.status == VALID_PERMIT]
    if others:
        text = (f"Tillstånd finns för {', '.join(p.activity for p in others)}, men inget som "
                f"tydligt avser {activity}.")
        return (), (), (text,)
    text = "IVO har inget tillstånd registrerat för organisationen."
    return ((), (), (text,)) if required else ((), (text,), ())
