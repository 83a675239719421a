"""Operations on the shared organisation register. Plain functions taking the session and the
acting user; they flush, never commit (the view or CLI owns the transaction)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from rapidfuzz import fuzz, process
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from oversight import identifiers
from oversight.audit import record_view
from oversight.db import utcnow
from oversight.names import search_key
from oversight.organisations import name_index
from oversight.organisations.models import (
    ACCOUNT_KINDS,
    KEY_PERSON_ROLES,
    WARNING_CATEGORIES,
    BankAccount,
    KeyPerson,
    Organisation,
    OrganisationName,
    OrganisationNote,
    OrganisationWarning,
)
from oversight.scoping import may_change, scoped_select

# identifiers.py names kinds with dashes (CLI style); the register stores underscores.
_ID_KIND = {"bankgiro": "bankgiro", "plusgiro": "plusgiro", "bank_account": "bank-account",
            "iban": "iban"}


class RegisterError(ValueError):
    """A user-facing validation error (Swedish message)."""


def _validated(kind: str, value: str) -> identifiers.IdResult:
    result = identifiers.validate(kind, value)
    if not result.valid:
        raise RegisterError(result.error)
    return result


def get_by_orgnr(session: Session, orgnr: str) -> Organisation | None:
    try:
        normalized = _validated("orgnr", orgnr).normalized
    except RegisterError:
        return None
    return session.scalar(select(Organisation).where(Organisation.orgnr == normalized))


def register_organisation(
    session: Session, *, orgnr: str, name: str, legal_form: str | None = None,
    registration_date: date | None = None, municipality: str | None = None,
) -> Organisation:
    """Create an organisation, or return the existing one with that number (idempotent)."""
    result = _validated("orgnr", orgnr)
    existing = session.scalar(select(Organisation).where(Organisation.orgnr == result.normalized))
    if existing:
        return existing
    name = name.strip()
    if not name:
        raise RegisterError(_("Namn saknas."))
    org = Organisation(
        orgnr=result.normalized, name=name, legal_form=legal_form,
        org_group=result.details.get("group"), registration_date=registration_date,
        is_sole_trader=bool(result.details.get("sole_trader")), municipality=municipality,
    )
    session.add(org)
    session.flush()
    return org


def rename_organisation(session: Session, org: Organisation, new_name: str,
                        changed_on: date | None = None) -> None:
    """Keep the old name as a former name: a renamed company is still the same counterparty."""
    new_name = new_name.strip()
    if new_name and new_name != org.name:
        org.names.append(OrganisationName(name=org.name, kind="former",
                                          valid_to=changed_on or date.today()))
        org.name = new_name
        session.flush()


def add_alias(session: Session, org: Organisation, name: str, source: str | None = None) -> None:
    name = name.strip()
    if name and name != org.name and all(n.name != name for n in org.names):
        org.names.append(OrganisationName(name=name, kind="alias", source=source))
        session.flush()


def add_bank_account(session: Session, user, org: Organisation, *, kind: str, number: str,
                     source: str | None = None) -> BankAccount:
    if kind not in ACCOUNT_KINDS:
        raise RegisterError(_("Okänd kontotyp: %(kind)s.", kind=kind))
    result = _validated(_ID_KIND[kind], number)
    for account in org.current_accounts:
        if account.kind == kind and account.number == result.normalized:
            return account
    account = BankAccount(
        kind=kind, number=result.normalized, digits=re.sub(r"\D", "", result.normalized),
        source=source, added_by_id=getattr(user, "id", None),
    )
    org.bank_accounts.append(account)
    session.flush()
    return account


def close_bank_account(session: Session, user, account: BankAccount, reason: str) -> None:
    """Close an account (history kept): who closed it and why are recorded and audited. The
    roles that may do so hold ``account.close`` (checked by the view)."""
    if not (reason or "").strip():
        raise RegisterError(_("Ange varför kontot avslutas."))
    if account.removed_at is None:
        account.removed_at = utcnow()
        account.removed_reason = reason.strip()[:300]
        account.removed_by_id = getattr(user, "id", None)
        session.flush()


def replace_bank_account(session: Session, user, account: BankAccount, *, number: str,
                         source: str | None, reason: str) -> BankAccount:
    new = add_bank_account(session, user, account.organisation, kind=account.kind,
                           number=number, source=source)
    if new is not account:
        close_bank_account(session, user, account, reason)
    return new


def add_key_person(session: Session, org: Organisation, *, role: str, name: str,
                   personnummer: str | None = None, from_date: date | None = None,
                   source: str | None = None) -> KeyPerson:
    if role not in KEY_PERSON_ROLES:
        raise RegisterError(_("Okänd roll: %(role)s.", role=role))
    pnr = None
    if personnummer and personnummer.strip():
        result = identifiers.validate("personnummer", personnummer)
        if not result.valid:
            result = _validated("samordningsnummer", personnummer)
        pnr = result.normalized
    person = KeyPerson(role=role, name=name.strip(), personnummer=pnr, from_date=from_date,
                       source=source)
    org.key_persons.append(person)
    session.flush()
    return person


def reveal_personnummer(session: Session, person: KeyPerson) -> str | None:
    """The full number, with the view written to the audit trail."""
    if person.personnummer:
        record_view(session, "key_person", person.id,
                    f"Visade personnummer för {person.role_label} i {person.organisation.name}")
    return person.personnummer


def raise_warning(session: Session, user, org: Organisation, *, category: str, reason: str,
                  evidence: str | None, issued_on: date | None = None,
                  expires_on: date | None = None) -> OrganisationWarning:
    if category not in WARNING_CATEGORIES:
        raise RegisterError(_("Okänd kategori: %(category)s.", category=category))
    issued_on = issued_on or date.today()
    if expires_on and expires_on < issued_on:
        raise RegisterError(_("Slutdatum kan inte ligga före utfärdandedatum."))
    warning = OrganisationWarning(
        department_id=user.department_id, created_by_id=user.id, category=category,
        reason=reason.strip(), evidence=(evidence or "").strip() or None,
        issued_on=issued_on, expires_on=expires_on,
    )
    org.warnings.append(warning)
    session.flush()
    return warning


def withdraw_warning(session: Session, user, warning: OrganisationWarning, reason: str) -> None:
    if not may_change(user, warning):
        raise RegisterError(_("Endast förvaltningen som utfärdade varningen kan återkalla den."))
    if not reason.strip():
        raise RegisterError(_("Ange varför varningen återkallas."))
    warning.withdrawn_at = utcnow()
    warning.withdrawn_reason = reason.strip()
    session.flush()


def add_note(session: Session, user, org: Organisation, body: str) -> OrganisationNote:
    if not body.strip():
        raise RegisterError(_("Anteckningen är tom."))
    note = OrganisationNote(organisation_id=org.id, department_id=user.department_id,
                            author_id=user.id, body=body.strip())
    session.add(note)
    session.flush()
    return note


def notes_for(session: Session, user, org: Organisation) -> list[OrganisationNote]:
    stmt = scoped_select(OrganisationNote, user).where(
        OrganisationNote.organisation_id == org.id).order_by(OrganisationNote.created_at.desc())
    return list(session.scalars(stmt))


# --- search -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchHit:
    organisation: Organisation
    matched_on: str  # "orgnr" | "account" | "name" | "former name"
    matched_text: str
    score: float


def search_organisations(session: Session, query: str, limit: int = 25) -> list[SearchHit]:
    query = (query or "").strip()
    if not query:
        return []
    hits: dict[int, SearchHit] = {}
    for hit in _exact_number_hits(session, query) + _name_hits(session, query, limit):
        current = hits.get(hit.organisation.id)
        if current is None or hit.score > current.score:
            hits[hit.organisation.id] = hit
    return sorted(hits.values(), key=lambda h: (-h.score, h.organisation.name))[:limit]


def _exact_number_hits(session: Session, query: str) -> list[SearchHit]:
    digits = re.sub(r"\D", "", query)
    if len(digits) < 5 or len(digits) < len(re.sub(r"\s", "", query)) * 0.6:
        return []
    hits = []
    org = get_by_orgnr(session, query)
    if org:
        hits.append(SearchHit(org, "orgnr", org.display_orgnr, 100.0))
    accounts = session.scalars(select(BankAccount).where(BankAccount.digits == digits))
    hits += [SearchHit(a.organisation, "account", str(a), 100.0) for a in accounts]
    return hits


def _name_hits(session: Session, query: str, limit: int) -> list[SearchHit]:
    """Fuzzy match over current, former and alias names, normalised the Swedish way."""
    rows, choices = name_index.names(session)  # folded once per change, not per search
    if not rows:
        return []
    # Folded to a/a/o on both sides: "JERUSALEMSFORENINGEN" finds Jerusalemsföreningen.
    needle = search_key(query)
    best = process.extract(needle, choices, scorer=fuzz.WRatio, limit=limit * 3,
                           score_cutoff=70)
    ids = {rows[i][0] for _, _, i in best}
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids))
                                             .options(selectinload(Organisation.warnings)))}
    hits = []
    for _name, score, i in best:
        oid, name = rows[i]
        org = orgs[oid]
        matched_on = "name" if name == org.name else "former name"
        hits.append(SearchHit(org, matched_on, name, round(float(score), 1)))
    return hits


def organisations_page(session: Session, *, sort: str = "name", direction: str = "asc",
                       flagged_only: bool = False):
    """The register listing: sortable; optionally only organisations with an active warning."""
    columns = {"name": Organisation.name, "orgnr": Organisation.orgnr,
               "created": Organisation.created_at}
    column = columns.get(sort, Organisation.name)
    stmt = (select(Organisation).options(selectinload(Organisation.warnings))
            .order_by(column.desc() if direction == "desc" else column.asc()))
    if flagged_only:
        today = date.today()
        stmt = stmt.where(Organisation.warnings.any(
            (OrganisationWarning.withdrawn_at.is_(None))
            & or_(OrganisationWarning.expires_on.is_(None), OrganisationWarning.expires_on >= today)))
    return stmt
