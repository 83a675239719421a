"""Possible double funding: the same activity funded twice in overlapping periods (pure).

An item is a grant (or a department's ledger payments with a purpose text). Two items are
flagged when their periods overlap and their activity or purpose texts are alike: the same
activity, or a token-set similarity (rapidfuzz) of the activity texts - or, where an item
names no activity, of the purpose texts - at or above the threshold (so "Läxhjälp och
språkcafé" and "Språkcafé och läxhjälp för unga" are alike, "Stödsamtal för unga anhöriga" and
"Sommarläger för unga anhöriga" are not at the default 80). Every flag carries
a sentence a handler can check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import combinations

from rapidfuzz import fuzz

DEFAULT_SIMILARITY = 80.0
# Words that say nothing about the activity.
_STOP = frozenset("och i för med till av på om en ett det den de som att från vid inom samt "
                  "bidrag bidraget verksamhet verksamheten projekt projektet".split())
_WORD = re.compile(r"[^\wåäöÅÄÖ]+")


@dataclass(frozen=True)
class FundingItem:
    key: str            # e.g. "grant:12" or "ledger:Kulturförvaltningen:läxhjälp"
    grantor: str        # department or external funder
    label: str          # what a person reads: "Tidsbegränsat bidrag 2026 (Kulturförvaltningen)"
    purpose: str
    activity: str | None
    start: date
    end: date
    amount: Decimal | None = None
    kind: str = "grant"  # grant | ledger


@dataclass(frozen=True)
class FundingOverlap:
    a: FundingItem
    b: FundingItem
    overlap_start: date
    overlap_end: date
    similarity: float
    reason: str


def activity_words(text: str | None) -> str:
    words = [w for w in _WORD.split((text or "").casefold()) if w and w not in _STOP]
    return " ".join(words)


def similarity(a: FundingItem, b: FundingItem) -> tuple[float, str]:
    """(0-100, on what). Activities when both items name one (a purpose text shares target
    groups such as "unga anhöriga" too easily); otherwise the purpose texts."""
    act_a, act_b = activity_words(a.activity), activity_words(b.activity)
    if act_a and act_b:
        if act_a == act_b:
            return 100.0, "aktivitet"
        return float(fuzz.token_set_ratio(act_a, act_b)), "aktivitet"
    pur_a = activity_words(a.purpose) or act_a
    pur_b = activity_words(b.purpose) or act_b
    if not (pur_a and pur_b):
        return 0.0, "syfte"
    return float(fuzz.token_set_ratio(pur_a, pur_b)), "syfte"


def _comparable(a: FundingItem, b: FundingItem) -> bool:
    if a.kind == "ledger" or b.kind == "ledger":
        # A ledger payment is probably the payment of a registered grant, and one department's
        # instalments are not double funding: compare ledger items only across departments.
        return a.kind == b.kind == "ledger" and a.grantor != b.grantor
    return True


def find_overlaps(items: list[FundingItem],
                  threshold: float = DEFAULT_SIMILARITY) -> list[FundingOverlap]:
    out = []
    for a, b in combinations(items, 2):
        if not _comparable(a, b):
            continue
        start, end = max(a.start, b.start), min(a.end, b.end)
        if start > end:
            continue
        score, on = similarity(a, b)
        if score < threshold:
            continue
        who = "samma finansiär" if a.grantor == b.grantor else "två finansiärer"
        reason = (f"Möjlig dubbelfinansiering: {a.label} och {b.label} avser liknande {on} "
                  f"({score:.0f} % lika: '{a.activity or a.purpose}' / "
                  f"'{b.activity or b.purpose}') från {who} under samma tid, "
                  f"{start.isoformat()}–{end.isoformat()}.")
        out.append(FundingOverlap(a, b, start, end, score, reason))
    return out
