"""Monthly time reports of personal assistance: assistants per provider, hospital stays, the
reports (versions, lines, approvals), the findings of the checks, provider API tokens and
reminders. See ``timereport_checks`` for the rules and the README ("Tidrapporter").

Department-scoped (personal data): ``TimeReport``, ``TimeReportFinding``, ``ReportReminder``.
A report is also visible to the provider organisation that submitted it (provider role, see
``timereport_access``). Lines and approvals belong to their report.
"""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistance.timereport_codes import KIND_LABELS
from assistance.timereport_codes import label as code_label
from oversight.db import TimestampMixin, utcnow
from oversight.extensions import db

REPORT_STATUSES = {
    "submitted": _l("Inskickad"),
    "approved": _l("Godkänd och låst"),
    "superseded": _l("Ersatt av ny version"),
}
REPORT_SOURCES = {"web": _l("Webbformulär"), "file": _l("Fil"), "api": _l("API"),
                  "import": _l("Import (kommandorad)"), "demo": _l("Demodata")}
FINDING_STATES = {
    "open": _l("Att hantera"),
    "accepted": _l("Godtagen med kommentar"),
    "upheld": _l("Fastställd (timmarna betalas inte)"),
    "case": _l("Ärende öppnat"),
}
# Findings whose hours are refused in the settlement.
REFUSING_STATES = ("upheld", "case")


def _label(codes: dict, code: str | None) -> str:
    return str(codes.get(code, code or ""))


class Assistant(TimestampMixin, db.Model):
    """An assistant as a provider reports them (personnummer or samordningsnummer)."""

    __tablename__ = "assistance_assistant"
    __audited__ = True
    __table_args__ = (UniqueConstraint("provider_organisation_id", "assistant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True)
    assistant_id: Mapped[str] = mapped_column(String(12), index=True)
    lives_in_eea: Mapped[bool | None] = mapped_column(Boolean)
    needs_work_permit: Mapped[bool] = mapped_column(Boolean, default=False)
    work_permit_until: Mapped[date | None] = mapped_column(Date)
    relative_of_person_id: Mapped[str | None] = mapped_column(String(12))

    provider = relationship("Organisation")

    def audit_value(self, key: str, value):
        if key in ("assistant_id", "relative_of_person_id") and value:
            from assistance.people import mask
            return mask(value)
        return value

    def __str__(self) -> str:
        from assistance.people import mask
        return f"Assistent {mask(self.assistant_id)}"


class HospitalStay(TimestampMixin, db.Model):
    __tablename__ = "assistance_hospital_stay"
    __audited__ = True
    __table_args__ = (UniqueConstraint("assistance_user_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assistance_user_id: Mapped[int] = mapped_column(ForeignKey("assistance_user.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    special_reasons: Mapped[bool] = mapped_column(Boolean, default=False)

    assistance_user = relationship("AssistanceUser")

    def __str__(self) -> str:
        return f"Sjukhusvistelse {self.start}–{self.end or ''}"


class TimeReport(db.Model):
    """One version of one user's report from one provider for one month. A correction adds a
    version (with a reason) and marks the earlier one superseded; nothing is overwritten."""

    __tablename__ = "assistance_time_report"
    __audited__ = True
    __department_scoped__ = True
    __table_args__ = (UniqueConstraint("assistance_user_id", "provider_key", "month", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    assistance_user_id: Mapped[int] = mapped_column(ForeignKey("assistance_user.id"), index=True)
    provider_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True)
    provider_key: Mapped[int] = mapped_column(Integer, default=0)  # organisation id or 0
    month: Mapped[date] = mapped_column(Date, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    source: Mapped[str] = mapped_column(String(20), default="web")
    correction_reason: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_approved_by: Mapped[str | None] = mapped_column(String(200))
    user_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assistance_user = relationship("AssistanceUser")
    provider = relationship("Organisation")
    submitted_by = relationship("User")
    lines: Mapped[list[TimeReportLine]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="TimeReportLine.line_no")
    approvals: Mapped[list[AssistantApproval]] = relationship(
        back_populates="report", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return _label(REPORT_STATUSES, self.status)

    @property
    def source_label(self) -> str:
        return _label(REPORT_SOURCES, self.source)

    @property
    def locked(self) -> bool:
        return self.status != "submitted"

    def __str__(self) -> str:
        return f"Tidrapport {self.month:%Y-%m} version {self.version}"


class TimeReportLine(db.Model):
    """One assistant's shift (not audited row by row: the report's content hash is)."""

    __tablename__ = "assistance_time_report_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("assistance_time_report.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    assistant_id: Mapped[str] = mapped_column(String(12), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)
    end_day: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10), default="ordinary")

    report: Mapped[TimeReport] = relationship(back_populates="lines")

    @property
    def kind_label(self) -> str:
        return _label(KIND_LABELS, self.kind)


class AssistantApproval(db.Model):
    __tablename__ = "assistance_assistant_approval"
    __audited__ = True
    __table_args__ = (UniqueConstraint("report_id", "assistant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("assistance_time_report.id"), index=True)
    assistant_id: Mapped[str] = mapped_column(String(12))
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[TimeReport] = relationship(back_populates="approvals")

    def __str__(self) -> str:
        return f"Godkännande av assistent på tidrapport {self.report_id}"


class TimeReportFinding(TimestampMixin, db.Model):
    """A finding of the checks in the district's exception queue. ``fingerprint`` (code, user,
    rows) makes a re-run update rather than duplicate, and keeps an accepted finding accepted."""

    __tablename__ = "assistance_time_report_finding"
    __audited__ = True
    __department_scoped__ = True
    __table_args__ = (UniqueConstraint("department_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    fingerprint: Mapped[str] = mapped_column(String(500))
    assistance_user_id: Mapped[int] = mapped_column(ForeignKey("assistance_user.id"), index=True)
    provider_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    assistant_id: Mapped[str] = mapped_column(String(12))
    day: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    rows: Mapped[str] = mapped_column(Text)  # line ids, comma-separated
    explanation: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    comment: Mapped[str | None] = mapped_column(Text)
    case_note: Mapped[str | None] = mapped_column(Text)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    current: Mapped[bool] = mapped_column(Boolean, default=True)  # raised by the latest run

    assistance_user = relationship("AssistanceUser")
    provider = relationship("Organisation")
    handled_by = relationship("User")

    @property
    def label(self) -> str:
        return code_label(self.code)

    @property
    def state_label(self) -> str:
        return _label(FINDING_STATES, self.state)

    @property
    def row_ids(self) -> list[int]:
        return [int(r) for r in self.rows.split(",") if r]

    def __str__(self) -> str:
        return f"Avvikelse {self.code} {self.month:%Y-%m}"


class ProviderToken(db.Model):
    """An API token of a provider organisation; only its SHA-256 is stored."""

    __tablename__ = "assistance_provider_token"
    __audited__ = True
    __audit_exclude__ = {"token_hash"}

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation = relationship("Organisation")

    def __str__(self) -> str:
        return f"API-nyckel {self.name}"


class ReportReminder(db.Model):
    __tablename__ = "assistance_report_reminder"
    __audited__ = True
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    assistance_user_id: Mapped[int] = mapped_column(ForeignKey("assistance_user.id"), index=True)
    provider_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    month: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    def __str__(self) -> str:
        return f"Påminnelse tidrapport {self.month:%Y-%m}"
