"""Checking a payment file before it is sent.

``verify_payments`` matches every payment to the organisation register and verifies it. It
loads everything it needs in a handful of bulk queries (organisations by number, their names
and accounts, holder evidence and register rows for the file's accounts, the allow list) and
then runs the pure core per payment: no per-payment queries.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from oversight import identifiers
from oversight.accounts.models import PaymentCheck, PaymentCheckLine
from oversight.accounts.paymentfile import (
    FORMATS,
    Payment,
    PaymentFile,
    detect_format,
    parse_payment_file,
    sha256,
)
from oversight.accounts.services import AccountsError, load_context
from oversight.accounts.textfile import FileFormatError
from oversight.accounts.verification import (
    INVALID_PAYEE_ID,
    PAYMENT_STOP,
    SHARED_IN_FILE,
    STATUSES,
    UNKNOWN_PAYEE,
    AccountVerification,
    Claim,
    Context,
    Finding,
    Settings,
    account_key,
    mask_holder_id,
    validate_account,
    verify,
)
from oversight.db import in_chunks, utcnow
from oversight.jobs import JobFailed, Progress, job_handler
from oversight.labels import _l
from oversight.names import normalize_org_name
from oversight.organisations.models import Organisation, OrganisationName
from oversight.scoping import owned_by
from oversight.views_support import path_for


@dataclass
class PaymentResult:
    payment: Payment
    verification: AccountVerification
    organisation_id: int | None = None
    organisation_name: str | None = None
    matched_by: str | None = None  # "orgnr" | "name" | None

    @property
    def status(self) -> str:
        return self.verification.status


@dataclass(frozen=True)
class _Org:
    id: int
    orgnr: str
    name: str
    group: int | None


def _normalise_ids(payments: Sequence[Payment]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for p in payments:
        if p.payee_id and p.payee_id not in out:
            result = identifiers.validate("orgnr", p.payee_id)
            out[p.payee_id] = result.normalized if result.valid else None
    return out


def _orgs_by_orgnr(session: Session, orgnrs) -> dict[str, _Org]:
    out = {}
    cols = (Organisation.id, Organisation.orgnr, Organisation.name, Organisation.org_group)
    for chunk in in_chunks(set(orgnrs)):
        for row in session.execute(select(*cols).where(Organisation.orgnr.in_(chunk))):
            out[row.orgnr] = _Org(*row)
    return out


def _orgs_by_name(session: Session, names) -> dict[str, _Org | None]:
    """Normalised name -> the one organisation with that name (None when ambiguous)."""
    wanted = {normalize_org_name(n) for n in names if n}
    wanted.discard("")
    if not wanted:
        return {}
    found: dict[str, _Org | None] = {}
    cols = (Organisation.id, Organisation.orgnr, Organisation.name, Organisation.org_group)
    for row in session.execute(select(*cols)):
        key = normalize_org_name(row.name)
        if key in wanted:
            found[key] = None if key in found else _Org(*row)
    return found


def _other_names(session: Session, org_ids) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for chunk in in_chunks(set(org_ids)):
        for oid, name in session.execute(
                select(OrganisationName.organisation_id, OrganisationName.name)
                .where(OrganisationName.organisation_id.in_(chunk))):
            out[oid].append(name)
    return out


@dataclass
class PaymentContext:
    """Everything verify_loaded needs, loaded in bulk by load_payment_context."""

    ids: dict[str, str | None]  # payee id as written -> normalised (None when invalid)
    matches: list[tuple[_Org | None, str | None]]  # per payment: register org, matched by
    aliases: dict[int, list[str]]
    ctx: Context
    # Active payment stops (oversight.cases.stops): by organisation id and by account key.
    stops_by_org: dict = field(default_factory=dict)
    stops_by_account: dict = field(default_factory=dict)
    department_id: int | None = None  # the department whose file it is


def load_payment_context(session: Session, payments: Sequence[Payment], *,
                         today: date | None = None, settings: Settings | None = None,
                         department_id: int | None = None) -> PaymentContext:
    """Match payments to the register and load evidence: a handful of bulk queries."""
    ids = _normalise_ids(payments)
    orgs = _orgs_by_orgnr(session, {v for v in ids.values() if v})
    nameless = [p.payee_name for p in payments if not ids.get(p.payee_id)]
    by_name = _orgs_by_name(session, nameless) if nameless else {}
    matches: list[tuple[_Org | None, str | None]] = []
    for p in payments:
        pid = ids.get(p.payee_id) if p.payee_id else None
        if pid and pid in orgs:
            matches.append((orgs[pid], "orgnr"))
        elif not pid and (org := by_name.get(normalize_org_name(p.payee_name))):
            matches.append((org, "name"))
        else:
            matches.append((None, None))
    org_ids = {o.id for o, _ in matches if o}
    keys = set()
    for p in payments:
        result = validate_account(p.kind, p.number)
        if result is not None and result.valid:
            keys.add(account_key(p.kind, result.normalized))
    ctx = load_context(session, keys, org_ids, today, settings)
    from oversight.cases.stops import active_stops, stops_for_accounts

    return PaymentContext(ids, matches, _other_names(session, org_ids), ctx,
                          active_stops(session, org_ids), stops_for_accounts(session, keys),
                          department_id)


def verify_loaded(payments: Sequence[Payment], pctx: PaymentContext,
                  progress: Progress | None = None) -> list[PaymentResult]:
    """The pure part: verify every payment against the loaded context (no I/O)."""
    results = []
    total = len(payments)
    for i, (p, (org, how)) in enumerate(zip(payments, pctx.matches), start=1):
        results.append(_verify_one(p, org, how, pctx.ids, pctx.aliases, pctx.ctx))
        _stop_findings(results[-1], pctx)
        if progress and i % 5000 == 0:
            progress(i, total, _("Kontrollerat %(i)s av %(total)s betalningar", i=i, total=total))
    _shared_in_file(results, pctx.ctx.allowances)
    return results


def verify_payments(session: Session, payments: Sequence[Payment], *, today: date | None = None,
                    settings: Settings | None = None, progress: Progress | None = None,
                    department_id: int | None = None) -> list[PaymentResult]:
    """Match each payment to the register and verify it (evidence loaded in bulk first)."""
    pctx = load_payment_context(session, payments, today=today, settings=settings,
                                department_id=department_id)
    return verify_loaded(payments, pctx, progress)


def _stop_findings(result: PaymentResult, pctx: PaymentContext) -> None:
    """A payment to an organisation under an active payment stop, or to an account the
    register has for it, is flagged with the stop's case reference (danger)."""
    v = result.verification
    found = list(pctx.stops_by_org.get(result.organisation_id, ())) if result.organisation_id else []
    if v.normalized:
        found += pctx.stops_by_account.get(account_key(v.kind, v.normalized), ())
    for stop in {s.decision_id: s for s in found}.values():
        text = stop.text(pctx.department_id)
        if stop.organisation_id != result.organisation_id:
            text = _("%(kind)s %(number)s tillhör %(org)s i registret. ", kind=v.kind_label,
                     number=v.normalized, org=stop.organisation_name) + text
        v.findings.append(Finding(PAYMENT_STOP, "danger", text))


def _verify_one(p: Payment, org: _Org | None, how, ids, aliases, ctx) -> PaymentResult:
    pid = ids.get(p.payee_id) if p.payee_id else None
    extra = []
    if p.payee_id and not pid:
        extra.append(Finding(INVALID_PAYEE_ID, "warning", (
            f"Mottagarens organisationsnummer {p.payee_id!r} i filen är ogiltigt; "
            "kontrollen bygger bara på namnet.")))
    if org is not None:
        names = [org.name, *aliases.get(org.id, ())]
        claim = Claim(kind=p.kind, number=p.number, payee_name=p.payee_name,
                      payee_id=org.orgnr, organisation_id=org.id,
                      other_names=tuple(n for n in names if n != p.payee_name),
                      is_association=org.group == 8, pay_date=p.pay_date)
    else:
        extra.append(Finding(UNKNOWN_PAYEE, "info", (
            "Mottagaren finns inte i organisationsregistret"
            + (f" (organisationsnummer {mask_holder_id(pid)})." if pid else ".")
            + " Registrera organisationen och dess konto för fler kontroller.")))
        claim = Claim(kind=p.kind, number=p.number, payee_name=p.payee_name, payee_id=pid,
                      is_association=bool(pid) and pid.startswith("8"), pay_date=p.pay_date)
    verification = verify(claim, ctx)
    verification.findings.extend(extra)
    return PaymentResult(p, verification, org.id if org else None, org.name if org else None,
                         how)


def _shared_in_file(results: list[PaymentResult], allowances) -> None:
    """The same account for several different payees in one file."""
    payees: dict[tuple, dict] = defaultdict(dict)
    for r in results:
        v = r.verification
        if not v.normalized:
            continue
        key = account_key(v.kind, v.normalized)
        who = ("org", r.organisation_id) if r.organisation_id else \
            ("id", v.payee_id) if v.payee_id else ("name", normalize_org_name(r.payment.payee_name))
        payees[key].setdefault(who, r.payment.payee_name or mask_holder_id(v.payee_id))
    listed: dict[tuple, str] = {}  # per account, once: not re-sorted for every line
    for key, names in payees.items():
        if len(names) > 1 and key not in allowances:
            listed[key] = ", ".join(sorted(set(names.values()))[:5])
    for r in results:
        v = r.verification
        if not v.normalized:
            continue
        key = account_key(v.kind, v.normalized)
        if key in listed:
            v.findings.append(Finding(SHARED_IN_FILE, "danger", (
                f"{v.kind_label} {v.normalized} används för {len(payees[key])} olika mottagare i "
                f"filen: {listed[key]}.")))


def summarize(results: Sequence[PaymentResult]) -> dict:
    counts = Counter(r.status for r in results)
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    findings: Counter = Counter()
    for r in results:
        amounts[r.status] += r.payment.amount
        findings.update({f.code for f in r.verification.findings})
    return {
        "counts": {s: counts.get(s, 0) for s in STATUSES},
        "amounts": {s: str(amounts.get(s, Decimal(0))) for s in STATUSES},
        "findings": dict(sorted(findings.items())),
        "attention": sum(1 for r in results if r.verification.needs_attention),
        "unmatched": sum(1 for r in results if r.organisation_id is None),
        "total_amount": str(sum((r.payment.amount for r in results), Decimal(0))),
        "n_payments": len(results),
    }


# --- stored checks ---------------------------------------------------------------------------

def create_payment_check(session: Session, user, *, filename: str, data: bytes,
                         fmt: str | None = None) -> PaymentCheck:
    """Record an uploaded file (bytes kept until the check has run)."""
    if not data:
        raise AccountsError(_("Filen är tom."))
    if fmt and fmt not in FORMATS:
        raise AccountsError(_("Välj format pain.001 (XML) eller CSV."))
    detected = detect_format(data)
    if fmt and fmt != detected:
        raise AccountsError(_("Filen ser ut att vara XML (pain.001), inte det valda formatet.")
                            if detected == "pain001"
                            else _("Filen ser ut att vara CSV, inte det valda formatet."))
    name = (filename or "betalfil").replace("\\", "/").rsplit("/", 1)[-1][:200] or "betalfil"
    check = PaymentCheck(department_id=user.department_id, created_by_id=user.id,
                         filename=name, requested_format=fmt, file_sha256=sha256(data),
                         file_size=len(data), data=data, status="queued")
    session.add(check)
    session.flush()
    return check


def run_payment_check(session: Session, check: PaymentCheck, progress: Progress | None = None,
                      data: bytes | None = None, today: date | None = None) -> PaymentCheck:
    """Parse, verify and store the lines of a check; a malformed file ends as 'invalid' with
    its line/element-precise errors and no lines."""
    data = check.data if data is None else data
    if data is None or sha256(data) != check.file_sha256:
        raise AccountsError(_("Filens innehåll saknas eller stämmer inte med kontrollsumman."))
    check.status = "running"
    try:
        parsed = parse_payment_file(data, check.requested_format)
    except FileFormatError as exc:
        check.status, check.errors = "invalid", [e.to_json() for e in exc.errors]
        check.data, check.finished_at = None, utcnow()
        session.flush()
        return check
    if progress:
        progress(0, len(parsed.payments), _("Filen är läst; kontrollerar betalningarna"))
    results = verify_payments(session, parsed.payments, today=today, progress=progress,
                              department_id=check.department_id)
    store_lines(session, check, results, progress)
    _finish(check, parsed, results)
    session.flush()
    return check


def _finish(check: PaymentCheck, parsed: PaymentFile, results) -> None:
    check.file_format = parsed.format
    check.message_id = (parsed.message_id or "")[:100] or None
    check.warnings = [w.to_json() for w in parsed.warnings]
    check.summary = summarize(results)
    check.n_payments = len(results)
    check.total_amount = parsed.total
    check.status, check.data, check.finished_at = "done", None, utcnow()


def line_values(check: PaymentCheck, r: PaymentResult) -> dict:
    p, v = r.payment, r.verification
    return {
        "check_id": check.id, "department_id": check.department_id, "position": p.position,
        "location": p.where[:120], "paying_department": (p.department or "")[:200] or None,
        "payee_name": p.payee_name[:300], "payee_id": mask_holder_id(v.payee_id)
        or (p.payee_id or "")[:40] or None,
        "organisation_id": r.organisation_id, "matched_by": r.matched_by, "kind": p.kind,
        "number": p.number[:60], "normalized": v.normalized, "amount": p.amount,
        "currency": p.currency or "SEK", "pay_date": p.pay_date,
        "reference": (p.reference or "")[:300] or None, "status": v.status,
        "holder_name": (v.holder_name or "")[:300] or None, "holder_id": v.holder_display,
        "score": v.score, "explanation": v.explanation,
        "findings": [f.to_json() for f in v.findings],
        "finding_codes": (" " + " ".join(sorted({f.code for f in v.findings})) + " ")[:300],
        "attention": v.needs_attention,
    }


def store_lines(session: Session, check: PaymentCheck, results, progress: Progress | None = None,
                batch: int = 2000) -> None:
    total = len(results)
    for start in range(0, total, batch):
        session.execute(insert(PaymentCheckLine),
                        [line_values(check, r) for r in results[start:start + batch]])
        if progress:
            done = min(start + batch, total)
            progress(done, total, _("Sparat %(done)s av %(total)s rader", done=done, total=total))


def result_url(check: PaymentCheck) -> str:
    return path_for("accounts.payment_check", check_id=check.id)


@job_handler("accounts.check_payments", _l("Kontroll av betalfil"))
def check_payments_job(session: Session, job, progress) -> dict:
    # only the department that uploaded the file (the job's department) runs its check
    check = session.scalar(owned_by(
        select(PaymentCheck).where(PaymentCheck.id == job.params["check_id"]), PaymentCheck,
        job.department_id))
    if check is None:
        raise AccountsError(_("Betalfilskontrollen finns inte."))
    check.job_id = job.id
    run_payment_check(session, check, progress)
    job.result_url = result_url(check)
    session.flush()
    if check.status == "invalid":  # the file's errors are kept on the check; the job failed
        raise JobFailed(_("Betalfilen kunde inte läsas (%(n)s fel). Inga betalningar har "
                          "kontrollerats; se felen i kontrollen.", n=len(check.errors or [])))
    return {"check_id": check.id, "status": check.status,
            "summary": check.summary, "errors": len(check.errors or [])}


EXPORT_HEADERS = [
    "nr", "plats i filen", "förvaltning", "mottagare", "mottagarens organisationsnummer",
    "matchad organisation", "kontotyp", "kontonummer", "belopp", "valuta", "datum", "referens",
    "resultat", "resultat (text)", "kontohavare", "kontohavarens nummer", "namnlikhet",
    "förklaring", "avvikelser (koder)", "avvikelser",
]


def export_rows(lines, org_names: dict[int, str]):
    for line in lines:
        yield [line.position, line.location, line.paying_department, line.payee_name,
               line.payee_id, org_names.get(line.organisation_id, ""), line.kind_label,
               line.number, line.amount, line.currency, line.pay_date, line.reference,
               line.status, line.status_label, line.holder_name, line.holder_id, line.score,
               line.explanation, (line.finding_codes or "").strip(),
               " | ".join(f.text for f in line.finding_list)]
