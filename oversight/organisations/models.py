"""The shared organisation register: organisations, names, bank accounts, key persons,
warnings (visible to every department) and internal notes (visible to one department)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oversight.db import TimestampMixin, utcnow
from oversight.extensions import db
from oversight.labels import Labels

ACCOUNT_KINDS = Labels({
    "bankgiro": "Bankgiro",
    "plusgiro": "Plusgiro",
    "bank_account": "Bankkonto",
    "iban": "IBAN",
})

KEY_PERSON_ROLES = Labels({
    "ordforande": "Ordförande",
    "kassor": "Kassör",
    "verksamhetsledare": "Verksamhetsledare",
    "vd": "VD",
    "styrelseledamot": "Styrelseledamot",
    "suppleant": "Suppleant",
    "firmatecknare": "Firmatecknare",
    "huvudman": "Huvudman",
})

WARNING_CATEGORIES = Labels({
    "exclusion": "Uteslutning / hävt avtal",
    "suspected_crime": "Misstanke om brott",
    "account": "Felaktigt eller delat konto",
    "deficiency": "Allvarliga brister i avtal",
    "grant_breach": "Brott mot bidragsvillkor",
    "permit": "Saknar eller förlorat tillstånd",
    "other": "Övrigt",
})


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisation"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalised organisationsnummer "NNNNNN-NNNN"; for a sole trader the personnummer.
    orgnr: Mapped[str] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    legal_form: Mapped[str | None] = mapped_column(String(100))
    org_group: Mapped[int | None] = mapped_column(Integer)
    registration_date: Mapped[date | None] = mapped_column(Date)
    is_sole_trader: Mapped[bool] = mapped_column(Boolean, default=False)
    municipality: Mapped[str | None] = mapped_column(String(100))

    names: Mapped[list[OrganisationName]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan",
        order_by="OrganisationName.id")
    bank_accounts: Mapped[list[BankAccount]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="BankAccount.id")
    key_persons: Mapped[list[KeyPerson]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="KeyPerson.id")
    warnings: Mapped[list[OrganisationWarning]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan",
        order_by="OrganisationWarning.issued_on.desc()")

    @property
    def display_orgnr(self) -> str:
        if self.is_sole_trader:  # a personnummer: personal data, masked by default
            return self.orgnr[:8] + "-****"
        return self.orgnr

    def audit_value(self, key: str, value):
        """The audit trail keeps a sole trader's personnummer masked, as the UI shows it."""
        if key == "orgnr" and self.is_sole_trader and value:
            return value[:8] + "-****"
        return value

    @property
    def current_accounts(self) -> list[BankAccount]:
        return [a for a in self.bank_accounts if a.removed_at is None]

    def active_warnings(self, today: date | None = None) -> list[OrganisationWarning]:
        return [w for w in self.warnings if w.is_active(today)]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_orgnr})"


class OrganisationName(db.Model):
    __tablename__ = "organisation_name"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="former")  # former | alias
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(100))

    organisation: Mapped[Organisation] = relationship(back_populates="names")

    def __str__(self) -> str:
        return self.name


class BankAccount(db.Model):
    """An account registered for an organisation. A change closes the old row (removed_at)
    and adds a new one, so the history of which account was used when is kept."""

    __tablename__ = "bank_account"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40))  # normalised by oversight.identifiers
    digits: Mapped[str] = mapped_column(String(40), index=True)  # for search and cross-checks
    source: Mapped[str | None] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_reason: Mapped[str | None] = mapped_column(String(300))
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organisation: Mapped[Organisation] = relationship(back_populates="bank_accounts")
    removed_by = relationship("User", foreign_keys=[removed_by_id])

    @property
    def kind_label(self) -> str:
        return ACCOUNT_KINDS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return f"{self.kind_label} {self.number}"


class KeyPerson(db.Model):
    __tablename__ = "key_person"
    __audited__ = True
    __audit_exclude__ = {"personnummer"}  # the trail must not become a copy of personal data

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    personnummer: Mapped[str | None] = mapped_column(String(13), index=True)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="key_persons")

    @property
    def role_label(self) -> str:
        return KEY_PERSON_ROLES.get(self.role, self.role)

    @property
    def masked_personnummer(self) -> str | None:
        from oversight.identifiers import mask_personnummer
        return mask_personnummer(self.personnummer) if self.personnummer else None

    def __str__(self) -> str:
        return f"{self.role_label} {self.name}"


class OrganisationWarning(TimestampMixin, db.Model):
    """A flag any department raises on an organisation; every department sees it."""

    __tablename__ = "warning"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    category: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship(back_populates="warnings")
    department = relationship("Department")
    created_by = relationship("User")

    @property
    def category_label(self) -> str:
        return WARNING_CATEGORIES.get(self.category, self.category)

    def is_active(self, today: date | None = None) -> bool:
        today = today or date.today()
        return self.withdrawn_at is None and (self.expires_on is None or self.expires_on >= today)

    def __str__(self) -> str:
        return f"Varning ({self.category_label}) för organisation {self.organisation_id}"


class OrganisationNote(TimestampMixin, db.Model):
    """A department's internal note about an organisation: may hold personal data, so it is
    department-scoped (oversight.scoping)."""

    __tablename__ = "organisation_note"
    __audited__ = True
    __audit_exclude__ = {"body"}  # the trail records that a note changed, not its content
    __department_scoped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)

    author = relationship("User")

    def __str__(self) -> str:
        return f"Intern anteckning {self.id}"
