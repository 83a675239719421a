"""Personal assistance (LSS 9 § 2): assistance users, municipal decisions, arrangements (who
provides the assistance), IVO permits of providers, permit verifications and the alerts sent to
the districts whose users a provider without a permit serves.

Department-scoped (personal data, read and change only inside the district): ``AssistanceUser``
and ``PermitAlert``. Decisions and arrangements belong to their user (reach them through a
scoped user). Permits and verifications are about organisations and visible to everyone: that a
provider lost its permit is a shared warning.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistance.permits import PERSONAL_ASSISTANCE
from oversight.db import TimestampMixin, utcnow
from oversight.extensions import db

# --- codes and their labels (one definition each) -------------------------------------------
# Labels are Swedish source strings (N_ marks them for translation); ``label`` translates at
# display time, so the same dicts serve the CLI and imports, where there is no request.


def N_(text: str) -> str:  # noqa: N802  (gettext marker)
    return text


PERMIT_STATUSES = {
    "valid": N_("gällande"),
    "revoked": N_("återkallat"),
    "banned": N_("tillfälligt förbud"),
    "ceased": N_("upphört"),
    "pending": N_("ansökan pågår"),
    "missing": N_("saknas"),
    "unknown": N_("okänt"),
}
# The only status under which a provider may run assistance on a day.
VALID_STATUS = "valid"

PERMIT_ACTIVITIES = (
    PERSONAL_ASSISTANCE,
    "LSS 9 § 6 korttidsvistelse",
    "LSS 9 § 8 bostad för barn",
    "LSS 9 § 9 bostad med särskild service för vuxna",
    "LSS 9 § 10 daglig verksamhet",
)

PERMIT_SOURCES = {
    "ivo_list": N_("Lista från IVO"),
    "ivo_notice": N_("Underrättelse från IVO"),
    "manual": N_("Manuell registrering"),
    "registry": N_("Registeruppgift"),
    "demo": N_("Demodata"),
}

DECISION_BASES = {
    "lss": N_("LSS, högst 20 timmar/vecka"),
    "temporary_extension": N_("Tillfälligt utökat behov"),
    "fk_arranged": N_("Beslutat av Försäkringskassan, ordnat av kommunen"),
}

ARRANGEMENT_KINDS = {
    "provider": N_("Assistansanordnare"),
    "own_employer": N_("Egen arbetsgivare"),
    "municipal": N_("Kommunen i egen regi"),
}
# Only a company or association that runs assistance needs an IVO permit (LSS 23 §).
PERMIT_BOUND_KINDS = ("provider",)

VERIFICATION_METHODS = {
    "ivo_register": N_("Kontrollerat i IVO:s register"),
    "phone": N_("Telefon till IVO"),
    "email": N_("E-post till IVO"),
    "registry": N_("Automatisk registerkontroll"),
}
VERIFICATION_RESULTS = {
    "no_change": N_("Ingen ändring"),
    "changed": N_("Ändrat tillstånd registrerat"),
    "not_found": N_("Inget tillstånd hittades"),
    "could_not_check": N_("Kunde inte kontrolleras"),
}
# Results that count as a verification of the permit (fail closed: the rest do not).
CONCLUSIVE_RESULTS = ("no_change", "changed", "not_found")

ALERT_STATES = {"open": N_("Öppen"), "handled": N_("Hanterad")}


def label(codes: dict, code: str | None) -> str:
    """The label of ``code`` in the page's language (the Swedish source outside a request)."""
    text = codes.get(code, code or "")
    from flask import has_request_context

    if has_request_context() and text:
        from flask_babel import gettext

        return gettext(text)
    return text


# --- models -------------------------------------------------------------------------------------


class AssistanceUser(TimestampMixin, db.Model):
    """A person with municipal personal assistance, owned by the district that decides it."""

    __tablename__ = "assistance_user"
    __audited__ = True
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    # Personnummer or samordningsnummer, 12 digits without separator (YYYYMMDDNNNN).
    person_id: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    death_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))  # "K" | "M" | None

    department = relationship("Department")
    decisions: Mapped[list[AssistanceDecision]] = relationship(
        back_populates="assistance_user", cascade="all, delete-orphan",
        order_by="AssistanceDecision.valid_from")
    arrangements: Mapped[list[Arrangement]] = relationship(
        back_populates="assistance_user", cascade="all, delete-orphan",
        order_by="Arrangement.valid_from")

    @property
    def masked_person_id(self) -> str:
        from assistance.people import mask

        return mask(self.person_id)

    def audit_value(self, key: str, value):
        """The audit trail keeps the personnummer masked, as the UI shows it."""
        if key == "person_id" and value:
            from assistance.people import mask

            return mask(value)
        return value

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_person_id})"


class AssistanceDecision(TimestampMixin, db.Model):
    """The municipal decision: a period, the hours per week and the basis."""

    __tablename__ = "assistance_decision"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("assistance_user_id", "valid_from"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assistance_user_id: Mapped[int] = mapped_column(ForeignKey("assistance_user.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    basis: Mapped[str] = mapped_column(String(30), default="lss")

    assistance_user: Mapped[AssistanceUser] = relationship(back_populates="decisions")

    @property
    def basis_label(self) -> str:
        return label(DECISION_BASES, self.basis)

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def __str__(self) -> str:
        return f"Beslut {self.valid_from}–{self.valid_to or ''}"


class Arrangement(TimestampMixin, db.Model):
    """Who provides the assistance in a period: a provider organisation, the user as own
    employer, or the municipality itself. A change of provider ends one row and adds another."""

    __tablename__ = "assistance_arrangement"
    __audited__ = True
    __owned_through__ = "assistance_user"  # changed only by the user's district
    __table_args__ = (
        UniqueConstraint("assistance_user_id", "valid_from"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),
        CheckConstraint("(kind = 'provider') = (provider_organisation_id IS NOT NULL)",
                        name="provider_org"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assistance_user_id: Mapped[int] = mapped_column(ForeignKey("assistance_user.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    provider_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True)
    # The day the user was told that the provider's permit was revoked (starts the grace period).
    user_told_of_revocation_on: Mapped[date | None] = mapped_column(Date)

    assistance_user: Mapped[AssistanceUser] = relationship(back_populates="arrangements")
    provider = relationship("Organisation")

    @property
    def kind_label(self) -> str:
        return label(ARRANGEMENT_KINDS, self.kind)

    @property
    def needs_permit(self) -> bool:
        return self.kind in PERMIT_BOUND_KINDS

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def __str__(self) -> str:
        return f"{self.kind_label} från {self.valid_from}"


class Permit(db.Model):
    """One recorded state of an IVO permit (tillstånd) of an organisation for an activity. Rows
    are never overwritten: a revocation, a ban or a corrected list adds a new row, and the
    latest recorded row covering a day decides that day (see assistance.permits)."""

    __tablename__ = "assistance_permit"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    activity: Mapped[str] = mapped_column(String(200), default=PERSONAL_ASSISTANCE)
    status: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(60))  # IVO's diarienummer
    decision_date: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("registry_document.id"))
    source: Mapped[str] = mapped_column(String(20), default="manual")
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation = relationship("Organisation")
    document = relationship("RegistryDocument")
    recorded_by = relationship("User")

    @property
    def status_label(self) -> str:
        return label(PERMIT_STATUSES, self.status)

    @property
    def source_label(self) -> str:
        return label(PERMIT_SOURCES, self.source)

    def __str__(self) -> str:
        return f"Tillstånd {self.reference or ''} ({self.status_label})"


class PermitVerification(db.Model):
    """A check of a provider's permit: "kontrollerat i IVO:s register 2026-12-01 av …"."""

    __tablename__ = "assistance_permit_verification"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    verified_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    permit_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_permit.id"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation = relationship("Organisation")
    verified_by = relationship("User")

    @property
    def conclusive(self) -> bool:
        return self.result in CONCLUSIVE_RESULTS

    @property
    def method_label(self) -> str:
        return label(VERIFICATION_METHODS, self.method)

    @property
    def result_label(self) -> str:
        return label(VERIFICATION_RESULTS, self.result)

    def __str__(self) -> str:
        return f"Tillståndskontroll {self.verified_on}"


class PermitAlert(TimestampMixin, db.Model):
    """A district's alert: a provider it uses had no valid permit on days with an active
    arrangement of one of the district's users. One per district, provider and first day."""

    __tablename__ = "assistance_permit_alert"
    __audited__ = True
    __department_scoped__ = True
    __table_args__ = (UniqueConstraint("department_id", "organisation_id", "first_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    permit_status: Mapped[str] = mapped_column(String(20))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    days_without_permit: Mapped[int] = mapped_column(Integer, default=0)
    users_count: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default="open")
    handled_comment: Mapped[str | None] = mapped_column(Text)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    case_note: Mapped[str | None] = mapped_column(Text)
    ivo_notified_on: Mapped[date | None] = mapped_column(Date)
    ivo_letter_names_users: Mapped[bool] = mapped_column(Boolean, default=False)

    department = relationship("Department")
    organisation = relationship("Organisation")
    handled_by = relationship("User")

    @property
    def state_label(self) -> str:
        return label(ALERT_STATES, self.state)

    @property
    def status_label(self) -> str:
        return label(PERMIT_STATUSES, self.permit_status)

    def __str__(self) -> str:
        return f"Tillståndslarm {self.id}"
