"""Reason codes of the time-report checks, each with its one label, and the plain data the
pure checks (``timereport_checks``) work on. No I/O, no database."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l

ASSISTANT_OVERLAP = "ASSISTANT_OVERLAP"
HOURS_ABOVE_DECISION = "HOURS_ABOVE_DECISION"
NO_DECISION = "NO_DECISION"
HOSPITAL_STAY = "HOSPITAL_STAY"
ASSISTANT_UNDER_18 = "ASSISTANT_UNDER_18"
ASSISTANT_OUTSIDE_EEA = "ASSISTANT_OUTSIDE_EEA"
ASSISTANT_NO_WORK_PERMIT = "ASSISTANT_NO_WORK_PERMIT"
WORKING_TIME_CAP = "WORKING_TIME_CAP"
PROVIDER_NO_PERMIT = "PROVIDER_NO_PERMIT"
AFTER_DEATH = "AFTER_DEATH"
REPEATED_REPORT = "REPEATED_REPORT"
MISSING_APPROVAL = "MISSING_APPROVAL"
SHIFT_INVALID = "SHIFT_INVALID"

CODE_LABELS = {
    ASSISTANT_OVERLAP: _l("Samma assistent i överlappande pass"),
    HOURS_ABOVE_DECISION: _l("Fler timmar än beslutat"),
    NO_DECISION: _l("Timmar utan gällande beslut"),
    HOSPITAL_STAY: _l("Timmar under sjukhusvistelse"),
    ASSISTANT_UNDER_18: _l("Assistenten är under 18 år"),
    ASSISTANT_OUTSIDE_EEA: _l("Assistenten bor utanför EES"),
    ASSISTANT_NO_WORK_PERMIT: _l("Assistenten saknar giltigt arbetstillstånd"),
    WORKING_TIME_CAP: _l("Över arbetstidsgränsen"),
    PROVIDER_NO_PERMIT: _l("Anordnaren saknar IVO-tillstånd"),
    AFTER_DEATH: _l("Timmar efter dödsfall"),
    REPEATED_REPORT: _l("Kopierad tidrapport"),
    MISSING_APPROVAL: _l("Godkännande saknas"),
    SHIFT_INVALID: _l("Ogiltigt pass"),
}
CODES = tuple(CODE_LABELS)

# Codes whose upheld findings refuse the whole rows they name; the others refuse their hours
# (the overlapping or excess hours). MISSING_APPROVAL refuses nothing by itself: hours of a
# report that is not approved are never settled as performed.
ROW_REFUSING = frozenset({NO_DECISION, HOSPITAL_STAY, ASSISTANT_UNDER_18, ASSISTANT_OUTSIDE_EEA,
                          ASSISTANT_NO_WORK_PERMIT, PROVIDER_NO_PERMIT, AFTER_DEATH,
                          REPEATED_REPORT, SHIFT_INVALID})
HOURS_REFUSING = frozenset({ASSISTANT_OVERLAP, HOURS_ABOVE_DECISION, WORKING_TIME_CAP})

ORDINARY = "ordinary"
ON_CALL = "on_call"
KIND_LABELS = {ORDINARY: _l("Ordinarie"), ON_CALL: _l("Jour")}
KIND_ALIASES = {"ordinary": ORDINARY, "ordinarie": ORDINARY, "o": ORDINARY, "": ORDINARY,
                "on_call": ON_CALL, "on-call": ON_CALL, "jour": ON_CALL, "beredskap": ON_CALL,
                "j": ON_CALL}


def label(code: str) -> str:
    return str(CODE_LABELS.get(code, code))


@dataclass(slots=True, unsafe_hash=True)  # read-only by convention: a frozen dataclass's
class Shift:                             # __init__ took 10x longer (1.5 M per national month)
    row: int                    # stable id of the line (database id, or line number in a file)
    assistant_id: str
    person_id: str              # the assistance user
    provider: str               # provider organisation number; "" for own employer/municipal
    day: date
    start: time
    end: time
    kind: str = ORDINARY
    end_day: date | None = None  # only when the report states the end date


@dataclass(frozen=True)
class Assistant:
    assistant_id: str
    birth_date: date | None
    lives_in_eea: bool | None          # None: not known (fails closed)
    needs_work_permit: bool = False
    work_permit_until: date | None = None
    relative_of: str | None = None     # person_id of the user the assistant is relative of


@dataclass(frozen=True)
class Decision:
    person_id: str
    valid_from: date
    valid_to: date | None
    hours_per_week: Decimal


@dataclass(frozen=True)
class HospitalStay:
    person_id: str
    start: date
    end: date | None            # None: still in hospital
    special_reasons: bool = False


@dataclass(frozen=True)
class Arrangement:
    person_id: str
    valid_from: date
    valid_to: date | None
    kind: str                   # provider | own_employer | municipal
    provider: str = ""
    told_of_revocation_on: date | None = None


@dataclass(frozen=True)
class ReportApproval:
    person_id: str
    provider: str
    user_approved: bool
    approved_assistants: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Parameters:
    """Rule values on the month's first day (rule store keys in ``assistance.timereport_rules``)."""
    cap_hours: Decimal = Decimal(48)
    cap_hours_relative: Decimal = Decimal(52)
    window_weeks: int = 4
    hospital_max_days: int = 28
    grace_days: int = 14
    repeat_min_lines: int = 10
    repeat_similarity: Decimal = Decimal("0.9")


@dataclass
class MonthData:
    month: date                                   # first day of the month checked
    shifts: list[Shift]
    assistants: dict[str, Assistant] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    stays: list[HospitalStay] = field(default_factory=list)
    deaths: dict[str, date] = field(default_factory=dict)
    arrangements: list[Arrangement] = field(default_factory=list)
    # provider org nr -> days without a valid permit; a provider missing here is unknown and
    # fails closed (every day counts as without permit)
    no_permit_days: dict[str, frozenset[date]] = field(default_factory=dict)
    approvals: list[ReportApproval] | None = None  # None: do not check approvals
    context_shifts: list[Shift] = field(default_factory=list)  # earlier weeks (working time)
    earlier_patterns: dict[str, list[tuple[date, frozenset]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    code: str
    person_id: str
    assistant_id: str
    provider: str
    day: date | None
    rows: tuple[int, ...]
    hours: Decimal
    explanation: str

    @property
    def label(self) -> str:
        return label(self.code)

    @property
    def fingerprint(self) -> str:
        """Same code, user and rows: an accepted finding is not raised again."""
        return f"{self.code}:{self.person_id}:{','.join(str(r) for r in sorted(self.rows))}"

    def as_json(self) -> dict:
        return {"code": self.code, "person_id": self.person_id, "assistant_id": self.assistant_id,
                "provider_org_nr": self.provider, "date": self.day.isoformat() if self.day else None,
                "hours": str(self.hours), "rows": list(self.rows), "explanation": self.explanation}
