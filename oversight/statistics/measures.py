"""Every measure of the case statistics, defined once, in code, with the sentence shown beside
it on the page. Pure: the measures work on ``CaseFacts`` (one per case, built from the database
by ``oversight.statistics.service`` or by tests), so the same definition serves the page, the
CLI and the export.

A measure for a period counts the events dated inside it (received, assessed, started, decided,
reported, paid, closed), whenever the case itself began.
"""
from __future__ import annotations

import statistics as pystats
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# The saved amount is entered per case as the incorrect monthly payment that was stopped,
# times this many months (one documented method; see SAVED_DEFINITION).
SAVED_MONTHS = 12


@dataclass
class CaseFacts:
    department: str
    received_on: date
    unit: str | None = None
    assessment: str | None = None  # opened | not_opened | None (not assessed yet)
    not_opened_reason: str | None = None
    assessed_on: date | None = None
    investigation_started_on: date | None = None
    closed_on: date | None = None
    cause: str | None = None
    sex: str | None = None
    module: str = "tip"
    recoveries: list[tuple[date, Decimal]] = field(default_factory=list)
    repayments: list[tuple[date, Decimal]] = field(default_factory=list)
    police_reports: list[date] = field(default_factory=list)
    notifications: list[tuple[date, str]] = field(default_factory=list)
    ivo_reports: list[date] = field(default_factory=list)
    saved: list[tuple[date, Decimal]] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @classmethod
    def year(cls, year: int, month: int | None = None) -> Period:
        if month is None:
            return cls(date(year, 1, 1), date(year, 12, 31))
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return cls(date(year, month, 1), date.fromordinal(nxt.toordinal() - 1))


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    definition: str
    compute: Callable[[list[CaseFacts], Period], object]
    unit: str = "count"  # count | sek | days | share | breakdown


def _count(facts, pred) -> int:
    return sum(1 for f in facts if pred(f))


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _days(facts: list[CaseFacts], p: Period) -> list[int]:
    return [(f.closed_on - f.investigation_started_on).days for f in facts
            if f.closed_on in p and f.investigation_started_on is not None]


def _waits(facts: list[CaseFacts], p: Period) -> list[int]:
    return [(f.investigation_started_on - f.assessed_on).days for f in facts
            if f.investigation_started_on in p and f.assessed_on is not None]


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _median(values: list[int]) -> float | None:
    return float(pystats.median(values)) if values else None


def _in_queue(f: CaseFacts, end: date) -> bool:
    return (f.assessment == "opened" and f.assessed_on is not None and f.assessed_on <= end
            and (f.investigation_started_on is None or f.investigation_started_on > end)
            and (f.closed_on is None or f.closed_on > end))


def _recovery_amount(facts, p) -> Decimal:
    return _sum(a for f in facts for d, a in f.recoveries if d in p)


def _repaid_amount(facts, p) -> Decimal:
    return _sum(a for f in facts for d, a in f.repayments if d in p)


def _share_repaid(facts, p) -> float | None:
    claimed = _recovery_amount(facts, p)
    return round(float(_repaid_amount(facts, p) / claimed), 3) if claimed else None


def _by(values: Iterable[str | None]) -> dict[str, int]:
    return dict(sorted(Counter(v or "unknown" for v in values).items()))


def _by_module(facts, p) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for f in facts:
        row = result.setdefault(f.module, {"incoming": 0, "not_opened": 0, "opened": 0,
                                           "recovery": 0, "police_report": 0})
        row["incoming"] += f.received_on in p
        row["not_opened"] += f.assessment == "not_opened" and f.assessed_on in p
        row["opened"] += f.assessment == "opened" and f.assessed_on in p
        row["recovery"] += any(d in p for d, _a in f.recoveries)
        row["police_report"] += any(d in p for d in f.police_reports)
    return {k: v for k, v in sorted(result.items()) if any(v.values())}


MEASURES: list[Measure] = [
    Measure("incoming", "Inkomna uppgifter",
            "Tips och fynd som kom in under perioden (mottagningsdatum).",
            lambda fs, p: _count(fs, lambda f: f.received_on in p)),
    Measure("not_opened", "Inte inledda",
            "Förhandsbedömningar under perioden som slutade med att utredning inte inleddes.",
            lambda fs, p: _count(fs, lambda f: f.assessment == "not_opened" and f.assessed_on in p)),
    Measure("not_opened_by_reason", "Inte inledda per skäl",
            "Samma som ovan, fördelat på skäl.",
            lambda fs, p: _by(f.not_opened_reason for f in fs
                              if f.assessment == "not_opened" and f.assessed_on in p), "breakdown"),
    Measure("opened", "Inledda utredningar",
            "Förhandsbedömningar under perioden som slutade med att utredning inleds (ärendet ställs i kö).",
            lambda fs, p: _count(fs, lambda f: f.assessment == "opened" and f.assessed_on in p)),
    Measure("queue_end", "Kö vid periodens slut",
            "Inledda ärenden vars utredning inte hade påbörjats (och som inte avslutats) sista dagen i perioden.",
            lambda fs, p: _count(fs, lambda f: _in_queue(f, p.end))),
    Measure("waiting_days_mean", "Väntetid (medel, dagar)",
            "Dagar från förhandsbedömning till påbörjad utredning, för utredningar påbörjade under perioden.",
            lambda fs, p: _mean(_waits(fs, p)), "days"),
    Measure("investigation_days_mean", "Utredningstid (medel, dagar)",
            "Dagar från påbörjad utredning till avslut, för ärenden avslutade under perioden.",
            lambda fs, p: _mean(_days(fs, p)), "days"),
    Measure("investigation_days_median", "Utredningstid (median, dagar)",
            "Medianen av samma utredningstider.",
            lambda fs, p: _median(_days(fs, p)), "days"),
    Measure("recovery_decisions", "Beslut om återkrav",
            "Beslut om återkrav fattade under perioden (beslutsdatum).",
            lambda fs, p: sum(1 for f in fs for d, _a in f.recoveries if d in p)),
    Measure("recovery_amount", "Återkrävt belopp",
            "Summan av beloppen i beslut om återkrav fattade under perioden.",
            _recovery_amount, "sek"),
    Measure("repaid_amount", "Återbetalt belopp",
            "Inbetalningar på återkrav under perioden (betaldatum), oavsett när beslutet fattades.",
            _repaid_amount, "sek"),
    Measure("share_repaid", "Andel återbetald",
            "Återbetalt belopp under perioden delat med återkrävt belopp under perioden.",
            _share_repaid, "share"),
    Measure("police_reports", "Polisanmälningar",
            "Polisanmälningar enligt bidragsbrottslagen gjorda under perioden.",
            lambda fs, p: sum(1 for f in fs for d in f.police_reports if d in p)),
    Measure("notifications", "Underrättelser",
            "Underrättelser enligt lag (2008:206) och till Skatteverket under perioden, alla mottagare.",
            lambda fs, p: sum(1 for f in fs for d, _r in f.notifications if d in p)),
    Measure("notifications_by_recipient", "Underrättelser per mottagare",
            "Samma som ovan, fördelat på mottagare.",
            lambda fs, p: _by(r for f in fs for d, r in f.notifications if d in p), "breakdown"),
    Measure("ivo_reports", "Anmälningar till IVO",
            "Anmälningar till IVO om olämplig anordnare under perioden.",
            lambda fs, p: sum(1 for f in fs for d in f.ivo_reports if d in p)),
    Measure("saved_amount", "Besparing",
            f"Felaktig månadsutbetalning som stoppats × {SAVED_MONTHS} månader, räknat den dag "
            "utbetalningen stoppades (importerade rader: avslutsdagen, annars återkravsdagen).",
            lambda fs, p: _sum(a for f in fs for d, a in f.saved if d in p), "sek"),
    Measure("by_cause", "Orsaker",
            "Utredningar inledda under perioden per orsakskod (unknown = inte klassificerad).",
            lambda fs, p: _by(f.cause for f in fs if f.assessment == "opened" and f.assessed_on in p),
            "breakdown"),
    Measure("by_sex", "Kön",
            "Utredningar inledda under perioden per kön, där det är känt.",
            lambda fs, p: _by(f.sex for f in fs if f.assessment == "opened" and f.assessed_on in p),
            "breakdown"),
    Measure("by_module", "Fynd per modul och utfall",
            "Per ursprung (tips, leverantörskontroll, kontokontroll, föreningsbidrag, assistans ...): "
            "inkomna, inte inledda, inledda, med återkrav och med polisanmälan under perioden.",
            _by_module, "breakdown"),
]
BY_KEY = {m.key: m for m in MEASURES}
# The keys ``flask statistics show --json`` prints (the contract), in order.
JSON_KEYS = ("incoming", "not_opened", "opened", "queue_end", "recovery_decisions",
             "recovery_amount", "repaid_amount", "police_reports", "notifications",
             "saved_amount", "investigation_days_mean", "investigation_days_median", "by_cause")


def compute(facts: list[CaseFacts], period: Period) -> dict[str, object]:
    return {m.key: m.compute(facts, period) for m in MEASURES}


def rates(values: dict[str, object], denominators: dict[str, int]) -> dict[str, float]:
    """Incoming and opened per 1 000 recipients / households, where a denominator is entered."""
    out = {}
    for kind, value in sorted(denominators.items()):
        if value:
            for key in ("incoming", "opened", "recovery_decisions"):
                out[f"{key}_per_1000_{kind}"] = round(1000 * values[key] / value, 2)
    return out


def jsonable(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value
