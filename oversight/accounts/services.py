"""Operations: the holder registry, verification of an organisation's accounts, the shared-
account allow list. Plain functions taking the session (and the acting user); they flush,
never commit. Evidence and register facts are loaded in bulk into a verification Context;
the decisions themselves are made by the pure core in verification.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight import identifiers
from oversight.accounts.holderfile import HolderError, HolderFields, check_fields, parse_holder_file
from oversight.accounts.models import (
    ALLOWANCE_CATEGORIES,
    HOLDER_SOURCES,
    AccountDocument,
    AccountHolderEvidence,
    AccountVerificationRecord,
    SharedAccountAllowance,
)
from oversight.accounts.paymentfile import sha256
from oversight.accounts.verification import (
    ACCOUNT_KINDS,
    MTCH,
    NMTC,
    NOAP,
    AccountVerification,
    Allowance,
    Claim,
    Context,
    HolderAnswer,
    RegisterAccount,
    Settings,
    account_key,
    mask_holder_id,
    validate_account,
    verify,
)
from oversight.audit import record_view
from oversight.db import in_chunks, utcnow
from oversight.organisations.models import BankAccount, Organisation
from oversight.rule_values import value_on
from oversight.scoping import may_change
from oversight.uploads import UploadError, check_document, safe_filename

__all__ = [
    "AccountsError", "add_holder_answer", "import_holder_file", "verify_account",
    "verify_organisation_accounts", "bankgiro_registered_to", "record_verification",
    "verify_and_record_organisation", "add_allowance", "withdraw_allowance", "load_context",
]


class AccountsError(ValueError):
    """A user-facing error (Swedish message); nothing was saved."""


def current_settings(session: Session, today: date | None = None) -> Settings:
    """The thresholds and answer ages valid on ``today``, from the dated rule values (the
    covered account kinds are an installation setting)."""
    day = today or date.today()
    kinds = current_app.config.get("ACCOUNT_COVERED_KINDS") if has_app_context() else None
    return Settings(
        match_threshold=float(value_on(session, "accounts.name_match_threshold", day)),
        close_threshold=float(value_on(session, "accounts.name_close_threshold", day)),
        max_age_days=int(value_on(session, "accounts.evidence_max_age_days", day)),
        change_window_days=int(value_on(session, "accounts.change_window_days", day)),
        covered_kinds=tuple(kinds or ACCOUNT_KINDS))


def _as_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        from oversight.formatting import STOCKHOLM

        return value.astimezone(STOCKHOLM).date()
    return value


# --- documents -------------------------------------------------------------------------------

def store_document(session: Session, user, filename: str, data: bytes) -> AccountDocument:
    max_mb = float(current_app.config.get("ACCOUNT_DOCUMENT_MAX_MB", 10)) \
        if has_app_context() else 10.0
    try:
        ctype = check_document(filename, data, int(max_mb * 1024 * 1024), what=_("Underlaget"))
    except UploadError as exc:
        raise AccountsError(str(exc)) from None
    name = safe_filename(filename, default="underlag", limit=200)
    doc = AccountDocument(filename=name, content_type=ctype, size=len(data),
                          sha256=sha256(data), data=data,
                          uploaded_by_id=getattr(user, "id", None))
    session.add(doc)
    session.flush()
    return doc


# --- holder registry ---------------------------------------------------------------------------

def add_holder_answer(session: Session, user, *, kind: str, number: str,
                      holder_name: str | None, holder_id: str | None, source: str,
                      status: str, answered_on: date | None, reference: str | None = None,
                      note: str | None = None, document: tuple[str, bytes] | None = None,
                      entry: str = "manual") -> AccountHolderEvidence:
    """Record one answer. A manual entry must carry its document (filename, bytes)."""
    try:
        fields = check_fields(kind=kind, number=number, holder_name=holder_name,
                              holder_id=holder_id, source=source, status=status,
                              answered_on=answered_on, reference=reference, note=note)
    except HolderError as exc:
        raise AccountsError(str(exc)) from None
    if entry == "manual" and not document:
        raise AccountsError(_("Bifoga underlaget (PDF eller bild) för en manuell uppgift."))
    doc = store_document(session, user, *document) if document else None
    evidence = _evidence_row(fields, user, entry=entry, document=doc)
    session.add(evidence)
    session.flush()
    return evidence


def _evidence_row(fields: HolderFields, user, *, entry: str, document=None,
                  import_sha256: str | None = None) -> AccountHolderEvidence:
    return AccountHolderEvidence(
        kind=fields.kind, number=fields.number, digits=fields.digits,
        holder_name=fields.holder_name, holder_orgnr=fields.holder_orgnr,
        holder_personnummer=fields.holder_personnummer, source=fields.source,
        status=fields.status, answered_on=fields.answered_on, reference=fields.reference,
        note=fields.note, entry=entry, document=document, import_sha256=import_sha256,
        entered_by_id=getattr(user, "id", None))


@dataclass(frozen=True)
class ImportResult:
    created: int
    duplicates: int
    sha256: str


HOLDER_IMPORT_JOB = "accounts.import_holders"  # one account-holder import at a time (web, CLI)


def import_holder_file(session: Session, user, data: bytes) -> ImportResult:
    """Import a holder CSV (holderfile.py documents it). All rows or none: raises
    FileFormatError with every bad row's line number. Rows already recorded (same account,
    holder, source, status and date) are skipped, so a file can be imported twice."""
    rows = parse_holder_file(data)
    digest = sha256(data)
    existing = set()
    for chunk in in_chunks({f.digits for _row, f in rows}):
        existing.update(session.execute(select(
            AccountHolderEvidence.kind, AccountHolderEvidence.digits,
            AccountHolderEvidence.holder_name, AccountHolderEvidence.holder_orgnr,
            AccountHolderEvidence.holder_personnummer, AccountHolderEvidence.source,
            AccountHolderEvidence.status, AccountHolderEvidence.answered_on,
        ).where(AccountHolderEvidence.digits.in_(chunk))).all())
    created = duplicates = 0
    for _row, fields in rows:
        key = (fields.kind, fields.digits, fields.holder_name, fields.holder_orgnr,
               fields.holder_personnummer, fields.source, fields.status, fields.answered_on)
        if key in existing:
            duplicates += 1
            continue
        existing.add(key)
        session.add(_evidence_row(fields, user, entry="import", import_sha256=digest))
        created += 1
    session.flush()
    return ImportResult(created, duplicates, digest)


def reveal_holder_personnummer(session: Session, evidence: AccountHolderEvidence) -> str | None:
    if evidence.holder_personnummer:
        record_view(session, "account_holder_evidence", evidence.id,
                    f"Visade kontohavarens personnummer för {evidence.kind_label} "
                    f"{evidence.number}")
    return evidence.holder_personnummer


def holder_answers(session: Session, keys) -> list[HolderAnswer]:
    """Every stored answer for the given (kind, digits) keys, loaded in bulk."""
    keys = set(keys)
    out = []
    cols = (AccountHolderEvidence.id, AccountHolderEvidence.kind, AccountHolderEvidence.digits,
            AccountHolderEvidence.holder_name, AccountHolderEvidence.holder_orgnr,
            AccountHolderEvidence.holder_personnummer, AccountHolderEvidence.source,
            AccountHolderEvidence.status, AccountHolderEvidence.answered_on)
    for chunk in in_chunks({d for _kind, d in keys}):
        for row in session.execute(select(*cols).where(AccountHolderEvidence.digits.in_(chunk))):
            if (row.kind, row.digits) in keys:
                out.append(HolderAnswer(*row, source_label=HOLDER_SOURCES.get(row.source, "")))
    return out


def registry_result(evidence: AccountHolderEvidence):
    """The answer as a ``registries.base.RegistryResult`` (registry "kontohavare"), so
    registry-wide views and adapters can treat holder answers like other registry evidence."""
    from registries.base import FOUND, NOT_FOUND, RegistryResult

    record = HolderFields(evidence.kind, evidence.number, evidence.digits, evidence.holder_name,
                    evidence.holder_orgnr, None if not evidence.holder_personnummer else
                    mask_holder_id(evidence.holder_personnummer), evidence.source,
                    evidence.status, evidence.answered_on, evidence.reference)
    return RegistryResult(
        registry="kontohavare", identifier=f"{evidence.kind}:{evidence.number}",
        status=NOT_FOUND if evidence.status == "not_found" else FOUND,
        source=f"{evidence.source}-{evidence.entry}", records=(record,),
        retrieved_at=evidence.created_at or utcnow(), document_date=evidence.answered_on,
        document_id=evidence.document_id, query={"kind": evidence.kind,
                                                 "number": evidence.number})


# --- loading a verification context in bulk ----------------------------------------------------

def register_rows(session: Session, *, keys=(), org_ids=()) -> list[RegisterAccount]:
    cols = (BankAccount.organisation_id, Organisation.orgnr, Organisation.name, BankAccount.kind,
            BankAccount.digits, BankAccount.added_at, BankAccount.removed_at,
            BankAccount.removed_reason, BankAccount.number)
    base = select(*cols).join(Organisation, Organisation.id == BankAccount.organisation_id)
    keys = set(keys)
    rows = []
    for chunk in in_chunks({d for _kind, d in keys}):
        rows += [r for r in session.execute(base.where(BankAccount.digits.in_(chunk)))
                 if (r.kind, r.digits) in keys]
    for chunk in in_chunks(set(org_ids)):
        rows += session.execute(base.where(BankAccount.organisation_id.in_(chunk))).all()
    return [RegisterAccount(r.organisation_id, r.orgnr, r.name, r.kind, r.digits,
                            _as_date(r.added_at), _as_date(r.removed_at), r.removed_reason,
                            r.number) for r in rows]


def active_allowances(session: Session) -> dict[tuple[str, str], Allowance]:
    rows = session.scalars(select(SharedAccountAllowance)
                           .where(SharedAccountAllowance.withdrawn_at.is_(None)))
    return {(a.kind, a.digits): Allowance(a.kind, a.digits, a.category_label, a.reason)
            for a in rows}


def load_context(session: Session, keys, org_ids=(), today: date | None = None,
                 settings: Settings | None = None) -> Context:
    today = today or date.today()
    ctx = Context(settings=settings or current_settings(session, today), today=today)
    ctx.add_evidence(holder_answers(session, keys))
    ctx.add_register(register_rows(session, keys=keys, org_ids=org_ids))
    ctx.allowances = active_allowances(session)
    return ctx


# --- verification against an organisation ------------------------------------------------------

def claim_for(org: Organisation, kind: str, number: str, *, payee_name: str | None = None,
              pay_date: date | None = None) -> Claim:
    names = tuple(n.name for n in org.names)
    return Claim(kind=kind, number=number, payee_name=payee_name or org.name,
                 payee_id=org.orgnr, organisation_id=org.id,
                 other_names=(org.name, *names) if payee_name else names,
                 is_association=org.org_group == 8, pay_date=pay_date)


def _key_of(kind: str, number: str):
    result = validate_account(kind, number)
    return account_key(kind, result.normalized) if result is not None and result.valid else None


def verify_account(session: Session, org: Organisation | None, kind: str, number: str, *,
                   payee_name: str | None = None, payee_id: str | None = None,
                   today: date | None = None) -> AccountVerification:
    """Verify one account against an organisation of the register, or (org None) against a
    payee given only by name and/or number."""
    key = _key_of(kind, number)
    ctx = load_context(session, [key] if key else [], [org.id] if org else [], today)
    if org is not None:
        claim = claim_for(org, kind, number, payee_name=payee_name)
    else:
        pid = None
        if payee_id:
            ident = identifiers.validate("orgnr", payee_id)
            pid = ident.normalized if ident.valid else None
        claim = Claim(kind=kind, number=number, payee_name=payee_name or "", payee_id=pid)
    return verify(claim, ctx)


def verify_organisation_accounts(session: Session, org: Organisation,
                                 today: date | None = None) -> list[AccountVerification]:
    """Every current account of ``org`` verified now (read-only; nothing is stored).

    For the supplier, association and provider pages: one bulk load, no per-account queries.
    """
    accounts = org.current_accounts
    keys = [(a.kind, a.digits) for a in accounts]
    ctx = load_context(session, keys, [org.id], today)
    return [verify(claim_for(org, a.kind, a.number), ctx) for a in accounts]


_PREFERENCE = {MTCH: 0, "CMTC": 1, NMTC: 2, NOAP: 3}


def bankgiro_registered_to(session: Session, org: Organisation,
                           today: date | None = None) -> AccountVerification | None:
    """Grant eligibility: is a bankgiro or plusgiro registered in the organisation's name?

    The best verification among the organisation's current bankgiro/plusgiro accounts (MTCH
    first); None when it has none. Only MTCH satisfies the requirement.
    """
    giro = [a for a in org.current_accounts if a.kind in ("bankgiro", "plusgiro")]
    if not giro:
        return None
    ctx = load_context(session, [(a.kind, a.digits) for a in giro], [org.id], today)
    results = [verify(claim_for(org, a.kind, a.number), ctx) for a in giro]
    return min(results, key=lambda v: (_PREFERENCE[v.status], v.kind != "bankgiro"))


def record_verification(session: Session, user, org: Organisation,
                        verification: AccountVerification,
                        context: str = "web") -> AccountVerificationRecord:
    evidence_id = verification.evidence.id if verification.evidence else None
    record = AccountVerificationRecord(
        organisation_id=org.id, kind=verification.kind,
        number=verification.normalized or verification.number[:40],
        digits=_key_of(verification.kind, verification.number)[1]
        if verification.normalized else None,
        status=verification.status, holder_name=verification.holder_name,
        holder_id=verification.holder_display, score=verification.score,
        explanation=verification.explanation,
        findings=[f.to_json() for f in verification.findings], evidence_id=evidence_id,
        context=context, department_id=getattr(user, "department_id", None),
        verified_by_id=getattr(user, "id", None))
    session.add(record)
    session.flush()
    return record


def verify_and_record_organisation(session: Session, user, org: Organisation,
                                   context: str = "organisation") -> list[AccountVerificationRecord]:
    return [record_verification(session, user, org, v, context)
            for v in verify_organisation_accounts(session, org)]


def latest_records(session: Session, org: Organisation) -> dict[tuple[str, str],
                                                                  AccountVerificationRecord]:
    rows = session.scalars(select(AccountVerificationRecord)
                           .where(AccountVerificationRecord.organisation_id == org.id)
                           .order_by(AccountVerificationRecord.verified_at,
                                     AccountVerificationRecord.id))
    return {(r.kind, r.digits): r for r in rows}


# --- allow list ------------------------------------------------------------------------------

def add_allowance(session: Session, user, *, kind: str, number: str, category: str,
                  reason: str) -> SharedAccountAllowance:
    result = validate_account(kind, number or "")
    if result is None:
        raise AccountsError(_("Okänd kontotyp %(kind)r.", kind=kind))
    if not result.valid:
        raise AccountsError(_("Kontonumret är ogiltigt: %(error)s", error=result.error))
    if category not in ALLOWANCE_CATEGORIES:
        raise AccountsError(_("Okänd kategori %(category)r.", category=category))
    if not (reason or "").strip():
        raise AccountsError(_("Ange skälet till att kontot får delas."))
    digits = account_key(kind, result.normalized)[1]
    existing = session.scalar(select(SharedAccountAllowance).where(
        SharedAccountAllowance.kind == kind, SharedAccountAllowance.digits == digits,
        SharedAccountAllowance.withdrawn_at.is_(None)))
    if existing:
        raise AccountsError(_("Kontot finns redan på listan över godkända delade konton."))
    allowance = SharedAccountAllowance(
        kind=kind, number=result.normalized, digits=digits, category=category,
        reason=reason.strip(), department_id=getattr(user, "department_id", None),
        created_by_id=getattr(user, "id", None))
    session.add(allowance)
    session.flush()
    return allowance


def withdraw_allowance(session: Session, user, allowance: SharedAccountAllowance,
                       reason: str) -> None:
    if not may_change(user, allowance):
        raise AccountsError(_("Endast förvaltningen som godkände undantaget kan ta bort det."))
    if not (reason or "").strip():
        raise AccountsError(_("Ange varför undantaget tas bort."))
    if allowance.withdrawn_at is None:
        allowance.withdrawn_at = utcnow()
        allowance.withdrawn_reason = reason.strip()[:500]
        session.flush()
