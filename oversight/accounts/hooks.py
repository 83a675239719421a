"""Where account verification shows outside its own pages: the organisation page section and
the start page's "what needs attention"."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from oversight.accounts.models import AccountVerificationRecord, PaymentCheck
from oversight.accounts.services import (
    HOLDER_IMPORT_JOB,
    latest_records,
    verify_organisation_accounts,
)
from oversight.accounts.verification import CMTC, NMTC, NOAP, validate_account
from oversight.attention import AttentionItem, provider
from oversight.db import utcnow
from oversight.formatting import local_datetime
from oversight.jobs import job_handler
from oversight.labels import _l, label
from oversight.organisations.sections import register
from oversight.scoping import owned_by, scoped_select
from oversight.views_support import path_for as _path_for


@register("kontokontroll", _l("Kontokontroll"), order=20)
def organisation_section(session: Session, user, org) -> Markup | None:
    """Each current account with its result now and its last saved verification."""
    if not user.can("accounts.view") or not org.current_accounts:
        return None
    accounts = org.current_accounts
    verifications = verify_organisation_accounts(session, org)
    records = latest_records(session, org)
    rows = [(a, v, records.get((a.kind, a.digits))) for a, v in zip(accounts, verifications)]
    return Markup(render_template("accounts/_org_section.html", org=org, rows=rows))  # nosec B704  # render_template output, autoescaped by Jinja


def _days() -> int:
    return int(current_app.config.get("ACCOUNT_ATTENTION_DAYS", 30))


@provider
def account_attention(session: Session, user) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    if user.can("accounts.view"):
        items += _verification_items(session, user)
    if user.can("payments.check"):
        items += _payment_check_items(session, user)
    return items


def _verification_items(session: Session, user) -> list[AttentionItem]:
    """The account checks of the user's own department (another department's checks are its
    business; a warning it raises reaches everyone through the central channel)."""
    since = utcnow() - timedelta(days=_days())
    stmt = (owned_by(select(AccountVerificationRecord), AccountVerificationRecord,
                     user.department_id)
            .where(AccountVerificationRecord.verified_at >= since)
            .options(selectinload(AccountVerificationRecord.organisation))
            .order_by(AccountVerificationRecord.verified_at.desc(),
                      AccountVerificationRecord.id.desc()).limit(500))
    seen, items = set(), []
    for r in session.scalars(stmt):
        key = (r.organisation_id, r.kind, r.digits or r.number)
        if key in seen:
            continue
        seen.add(key)  # only the latest verification of an account counts
        alerts = r.alerts
        if r.status not in (NMTC, CMTC, NOAP) and not alerts:
            continue
        checked = validate_account(r.kind, r.number)
        if checked is None or not checked.valid:
            continue  # a number that fails its own check is a typing error, not a finding
        detail = r.explanation if r.status in (NMTC, CMTC, NOAP) else alerts[0].text
        account = (f"{r.organisation.name} – {r.kind_label} {r.number} "
                   f"({label(r.status, 'account_status')})")
        items.append(AttentionItem(
            title=(_("Konto kunde inte verifieras: %(account)s", account=account) if r.status == NOAP
                   else _("Konto att kontrollera: %(account)s", account=account)),
            detail=detail[:240],
            url=url_for("organisations.show", org_id=r.organisation_id, _anchor="kontokontroll"),
            severity="danger" if r.status == NMTC or any(a.severity == "danger" for a in alerts)
            else "warning",
            on=r.verified_at.date() if r.verified_at else None))
        if len(items) >= 20:
            break
    return items


def _payment_check_items(session: Session, user) -> list[AttentionItem]:
    since = utcnow() - timedelta(days=_days())
    stmt = (scoped_select(PaymentCheck, user)
            .where(PaymentCheck.created_at >= since, PaymentCheck.status == "done")
            .order_by(PaymentCheck.id.desc()).limit(20))
    items = []
    for check in session.scalars(stmt):
        if not check.attention_count:
            continue
        counts = (check.summary or {}).get("counts", {})
        items.append(AttentionItem(
            title=_("Betalfil med avvikelser: %(filename)s", filename=check.filename),
            detail=ngettext(
                "%(num)s av %(total)s betalningar behöver kontrolleras (%(counts)s); kontrollerad "
                "%(at)s.", "%(num)s av %(total)s betalningar behöver kontrolleras (%(counts)s); "
                "kontrollerad %(at)s.", check.attention_count, total=check.n_payments,
                counts=", ".join(f"{label(s, 'account_status')} {counts.get(s, 0)}"
                                 for s in (NMTC, CMTC, NOAP)),
                at=local_datetime(check.created_at)),
            url=url_for("accounts.payment_check", check_id=check.id, attention=1),
            severity="danger" if counts.get(NMTC) else "warning",
            on=check.created_at.date() if check.created_at else None))
    return items


@job_handler(HOLDER_IMPORT_JOB, _l("Import av kontohavarfil"))
def import_holders_job(session: Session, job, progress) -> dict:
    """An account-holder file uploaded on *Kontohavare* → *Importera*, parsed here (never in the
    web request): all rows or none; a refused file fails the job with every bad row in
    ``job.result["errors"]``."""
    from oversight.accounts.services import import_holder_file
    from oversight.accounts.textfile import FileFormatError
    from oversight.upload_store import reject_file, upload_or_fail

    upload = upload_or_fail(session, job)
    progress(0, None, _("Läser filen"))
    try:
        result = import_holder_file(session, job.created_by, upload.content)
    except FileFormatError as exc:
        reject_file(session, job, [{"line": e.line, "error": str(e)} for e in exc.errors],
                    str(exc))
    session.delete(upload)
    session.flush()
    job.result_url = _path_for("accounts.holders")
    job.message = ngettext("%(num)s besked importerat, %(duplicates)s fanns redan.",
                           "%(num)s besked importerade, %(duplicates)s fanns redan.",
                           result.created, duplicates=result.duplicates)
    return {"created": result.created, "duplicates": result.duplicates}
