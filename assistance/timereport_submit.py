"""Submitting, approving and correcting time reports. The web grid, the file upload, the JSON
API and the CLI import all end in ``submit_report``: one validation, one report.

Services take the session and the acting user, flush, never commit; the audit trail records
the report, its approvals and versions (the lines are covered by the report's content hash).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from assistance.models import Arrangement, AssistanceUser
from assistance.people import normalize_person_id
from assistance.shift_times import month_bounds, parse_clock, parse_month
from assistance.timereport_codes import KIND_ALIASES
from assistance.timereport_models import AssistantApproval, TimeReport, TimeReportLine
from oversight.db import utcnow
from oversight.identifiers import InvalidIdentifier


@dataclass(frozen=True)
class LineError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Rad %(row)s, kolumn %(col)s: %(msg)s", row=self.row, col=self.column,
                 msg=self.message)


class ReportError(ValueError):
    """The report was not accepted; ``errors`` name row and column (Swedish)."""

    def __init__(self, errors: list[LineError] | str):
        self.errors = [LineError(0, "", errors)] if isinstance(errors, str) else errors
        super().__init__("; ".join(str(e) if e.row else e.message for e in self.errors[:20]))


@dataclass(frozen=True)
class LineInput:
    line_no: int
    assistant_id: str
    day: date
    start: time
    end: time
    kind: str = "ordinary"
    end_day: date | None = None

    def key(self) -> tuple:
        return (self.assistant_id, self.day.isoformat(), self.start.strftime("%H:%M"),
                self.end.strftime("%H:%M"), self.kind,
                self.end_day.isoformat() if self.end_day else "")


def _date(text) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(_("Ogiltigt datum %(v)r: ange ÅÅÅÅ-MM-DD.", v=str(text))) from None


def _cell(row: Mapping, key: str) -> str:
    value = row.get(key)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value).strip()


def parse_lines(rows: Iterable[tuple[int, Mapping]]) -> list[LineInput]:
    """(row number, {assistant_id, date, start, end, kind[, end_date]}) -> lines, or a
    ReportError naming every bad cell. Blank rows are skipped (a web grid has empty rows)."""
    lines, errors = [], []
    for number, row in rows:
        if not any(_cell(row, k) for k in ("assistant_id", "date", "start", "end")):
            continue
        parsed = {}
        for column, parse in (("assistant_id", normalize_person_id), ("date", _date),
                              ("start", parse_clock),
                              ("end", lambda v: parse_clock(v, is_end=True))):
            try:
                parsed[column] = parse(_cell(row, column))
            except (ValueError, InvalidIdentifier) as exc:
                errors.append(LineError(number, column, str(exc)))
        kind = KIND_ALIASES.get(_cell(row, "kind").lower())
        if kind is None:
            errors.append(LineError(number, "kind", _("Okänd passtyp: ange ordinarie eller jour.")))
        end_day = None
        if _cell(row, "end_date"):
            try:
                end_day = _date(_cell(row, "end_date"))
            except ValueError as exc:
                errors.append(LineError(number, "end_date", str(exc)))
        if len(parsed) == 4 and kind:
            lines.append(LineInput(number, parsed["assistant_id"], parsed["date"],
                                   parsed["start"], parsed["end"], kind, end_day))
    if errors:
        raise ReportError(errors)
    return lines


def content_hash(person_id: str, provider_key: int, month: date, lines) -> str:
    payload = [person_id, provider_key, month.isoformat(), sorted(line.key() for line in lines)]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def provider_users_select(organisation_id: int, month: date | None = None):
    """Assistance users the provider serves (an arrangement with it, in the month if given)."""
    stmt = select(AssistanceUser).join(Arrangement).where(
        Arrangement.kind == "provider", Arrangement.provider_organisation_id == organisation_id)
    if month is not None:
        first, last = month_bounds(month)
        stmt = stmt.where(Arrangement.valid_from <= last,
                          or_(Arrangement.valid_to.is_(None), Arrangement.valid_to >= first))
    return stmt.distinct()


def latest_report(session: Session, user_id: int, provider_key: int, month: date):
    return session.scalar(select(TimeReport).where(
        TimeReport.assistance_user_id == user_id, TimeReport.provider_key == provider_key,
        TimeReport.month == month).order_by(TimeReport.version.desc()).limit(1))


def find_user_for_provider(session: Session, person_id: str, organisation_id: int | None,
                           month: date) -> AssistanceUser:
    """The user, if the provider serves them that month; one message for unknown and for
    another provider's user, so a provider cannot probe who exists."""
    try:
        person_id = normalize_person_id(person_id)
    except InvalidIdentifier as exc:
        raise ReportError(str(exc)) from None
    if organisation_id is None:
        user = session.scalar(select(AssistanceUser).where(AssistanceUser.person_id == person_id))
    else:
        user = session.scalar(provider_users_select(organisation_id, month).where(
            AssistanceUser.person_id == person_id))
    if user is None:
        raise ReportError(_("Användaren finns inte bland anordnarens användare för månaden."))
    return user


def submit_report(session: Session, actor, user: AssistanceUser, organisation_id: int | None,
                  month: date | str, lines: list[LineInput], *, source: str = "web",
                  correction_reason: str | None = None) -> tuple[TimeReport, bool]:
    """Store a report version; (report, created). The same content again returns the latest
    version unchanged (idempotent). A new content over an approved version needs a reason."""
    month = parse_month(month) if isinstance(month, str) else month.replace(day=1)
    if not lines:
        raise ReportError(_("Rapporten har inga rader."))
    key = organisation_id or 0
    digest = content_hash(user.person_id, key, month, lines)
    previous = latest_report(session, user.id, key, month)
    if previous is not None and previous.content_hash == digest:
        return previous, False
    reason = (correction_reason or "").strip() or None
    if previous is not None and previous.status == "approved" and not reason:
        raise ReportError(_("Rapporten för månaden är godkänd och låst: en rättelse blir en ny "
                            "version och behöver ett skäl."))
    report = TimeReport(department_id=user.department_id, assistance_user_id=user.id,
                        provider_organisation_id=organisation_id, provider_key=key, month=month,
                        version=(previous.version + 1) if previous else 1, source=source,
                        correction_reason=reason, content_hash=digest,
                        submitted_by_id=getattr(actor, "id", None))
    report.lines = [TimeReportLine(line_no=i, assistant_id=ln.assistant_id, day=ln.day,
                                   start=ln.start, end=ln.end, kind=ln.kind, end_day=ln.end_day)
                    for i, ln in enumerate(sorted(lines, key=lambda x: x.line_no), start=1)]
    session.add(report)
    if previous is not None:
        previous.status = "superseded"
    session.flush()
    return report, True


def report_assistants(report: TimeReport) -> list[str]:
    return sorted({line.assistant_id for line in report.lines})


def _require_open(report: TimeReport) -> None:
    if report.status != "submitted":
        raise ReportError(_("Rapporten är %(s)s och kan inte ändras.", s=report.status_label.lower()))


def approve_as_user(session: Session, actor, report: TimeReport, approved_by: str) -> None:
    """The user or their representative approves (who, as a name, and when)."""
    _require_open(report)
    if not (approved_by or "").strip():
        raise ReportError(_("Ange vem som godkänner (användaren eller företrädaren)."))
    report.user_approved_by = approved_by.strip()[:200]
    report.user_approved_at = utcnow()
    _lock_if_complete(report)
    session.flush()


def approve_as_assistant(session: Session, actor, report: TimeReport, assistant_id: str,
                         approved_by: str) -> None:
    _require_open(report)
    assistant_id = normalize_person_id(assistant_id)
    if assistant_id not in report_assistants(report):
        raise ReportError(_("Assistenten finns inte i rapporten."))
    if not (approved_by or "").strip():
        raise ReportError(_("Ange assistentens namn."))
    if any(a.assistant_id == assistant_id for a in report.approvals):
        raise ReportError(_("Assistenten har redan godkänt rapporten."))
    report.approvals.append(AssistantApproval(assistant_id=assistant_id,
                                              approved_by=approved_by.strip()[:200]))
    _lock_if_complete(report)
    session.flush()


def _lock_if_complete(report: TimeReport) -> None:
    approved = {a.assistant_id for a in report.approvals}
    if report.user_approved_at and approved >= set(report_assistants(report)):
        report.status = "approved"
        report.locked_at = utcnow()


def count_reports(session: Session, month: date) -> int:
    return session.scalar(select(func.count()).select_from(TimeReport).where(
        TimeReport.month == month, TimeReport.status != "superseded")) or 0


def provider_report(session: Session, organisation_id: int | None, report_id: int):
    """A report the provider organisation submitted, else None (the provider role's scope)."""
    if organisation_id is None:
        return None
    return session.scalar(select(TimeReport).where(
        TimeReport.id == report_id, TimeReport.provider_organisation_id == organisation_id))


def provider_reports(session: Session, organisation_id: int, month: date) -> dict[int, TimeReport]:
    """Latest version per user of the provider's reports for the month."""
    out = {}
    for r in session.scalars(select(TimeReport).where(
            TimeReport.provider_organisation_id == organisation_id, TimeReport.month == month)
            .order_by(TimeReport.version)):
        out[r.assistance_user_id] = r
    return out
