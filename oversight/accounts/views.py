"""Thin views: account verification, the holder registry and the shared-account allow list.
Payment-file checks are in views_payments.py (same blueprint)."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import or_, select

from oversight import identifiers
from oversight.accounts import forms, services
from oversight.accounts.models import AccountHolderEvidence, SharedAccountAllowance
from oversight.accounts.services import AccountsError
from oversight.accounts.verification import validate_account
from oversight.audit import record_view
from oversight.exports import export_response
from oversight.extensions import db
from oversight.jobs import DONE
from oversight.jobs_health import JobBusy
from oversight.organisations import services as org_services
from oversight.organisations.forms import WarningForm
from oversight.organisations.models import Organisation
from oversight.permissions import require
from oversight.scoping import get_owned_or_404
from oversight.upload_store import job_errors, start_upload_job
from oversight.uploads import UploadError, import_max_bytes, read_bounded
from oversight.views_support import commit_or_flash, flash_form_errors, paginate, sorted_by

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


# --- verification ------------------------------------------------------------------------------

@bp.route("/verify", methods=["GET", "POST"])
@require("accounts.view")
def verify():
    if request.method == "POST" and not current_user.can("accounts.verify"):
        abort(403)  # a verification is stored: read-only roles only look
    form = forms.VerifyForm()
    if request.method == "GET":
        _prefill(form, ("orgnr", "kind", "number"))
    verification = org = None
    if form.validate_on_submit():
        org = org_services.get_by_orgnr(db.session, form.orgnr.data)
        orgnr_check = identifiers.validate("orgnr", form.orgnr.data)
        if not orgnr_check.valid:
            form.orgnr.errors.append(orgnr_check.error)
        elif org is None and not (form.payee_name.data or "").strip():
            form.payee_name.errors.append(
                _("Organisationen finns inte i registret: ange mottagarens namn."))
        else:
            verification = services.verify_account(
                db.session, org, form.kind.data, form.number.data,
                payee_name=None if org else form.payee_name.data,
                payee_id=None if org else form.orgnr.data)
            if org is not None:
                services.record_verification(db.session, current_user, org, verification, "web")
                db.session.commit()
    return render_template("accounts/verify.html", form=form, verification=verification,
                           org=org)


@bp.post("/organisations/<int:org_id>/verify")
@require("accounts.verify")
def verify_organisation(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    records = services.verify_and_record_organisation(db.session, current_user, org)
    db.session.commit()
    flash(ngettext("%(num)s konto kontrollerat och sparat.",
                   "%(num)s konton kontrollerade och sparade.", len(records)) if records
          else _("Organisationen har inga aktuella konton att kontrollera."), "success")
    return redirect(url_for("organisations.show", org_id=org.id, _anchor="kontokontroll"))


@bp.get("/organisations/<int:org_id>/warning")
@require("warning.create")
def warning_form(org_id: int):
    """The organisation's warning form, pre-filled from an account finding."""
    org = db.get_or_404(Organisation, org_id)
    kind, number = request.args.get("kind", ""), request.args.get("number", "")
    checked = validate_account(kind, number)
    if checked is None or not checked.valid:
        abort(404)  # an invalid number is refused at entry: no warning is built on it
    v = services.verify_account(db.session, org, kind, number)
    lines = [f"{v.kind_label} {v.normalized or v.number}: {v.status_label}."]
    lines += [f"{f.label}: {f.text}" for f in v.alerts]
    form = WarningForm(formdata=None, data={
        "category": "account", "reason": " ".join(lines),
        "evidence": v.explanation + (f" Besked nr {v.evidence.id}." if v.evidence else "")})
    return render_template("accounts/warning.html", org=org, form=form, verification=v)


# --- holder registry ---------------------------------------------------------------------------

# The holder list's sortable columns; the newest answer first by default, the id breaks ties.
HOLDER_SORTS = {"account": AccountHolderEvidence.digits, "holder": AccountHolderEvidence.holder_name,
                "status": AccountHolderEvidence.status, "source": AccountHolderEvidence.source,
                "answered": AccountHolderEvidence.answered_on, "entry": AccountHolderEvidence.entry,
                "id": AccountHolderEvidence.id}


def _holder_query(q: str):
    stmt = sorted_by(select(AccountHolderEvidence), HOLDER_SORTS, "answered", "desc")
    q = (q or "").strip()
    if not q:
        return stmt
    digits = re.sub(r"\D", "", q)
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    conditions = [AccountHolderEvidence.holder_name.ilike(f"%{escaped}%", escape="\\")]
    if len(digits) >= 5:
        conditions += [AccountHolderEvidence.digits == digits,
                       AccountHolderEvidence.holder_orgnr == f"{digits[-10:-4]}-{digits[-4:]}"]
    return stmt.where(or_(*conditions))


@bp.get("/holders")
@require("accounts.view")
def holders():
    q = request.args.get("q", "")
    stmt = _holder_query(q)
    if request.args.get("format") in ("csv", "xlsx"):
        rows = ((e.kind_label, e.number, e.holder_name, e.holder_id_display, e.status_label,
                 e.source_label, e.answered_on, e.entry_label, e.reference)
                for e in db.session.scalars(stmt))
        return export_response(request.args["format"], "kontohavare",
                               ["kontotyp", "kontonummer", "kontohavare", "organisationsnummer",
                                "status", "källa", "datum", "registrering", "referens"], rows)
    page = paginate(stmt)
    return render_template("accounts/holders.html", page=page, q=q)


@bp.route("/holders/new", methods=["GET", "POST"])
@require("registry.manual")
def new_holder():
    form = forms.HolderForm()
    if request.method == "GET":
        _prefill(form, ("kind", "number"))
    if form.validate_on_submit():
        upload = form.document.data
        try:
            evidence = services.add_holder_answer(
                db.session, current_user, kind=form.kind.data, number=form.number.data,
                holder_name=form.holder_name.data, holder_id=form.holder_id.data,
                source=form.source.data, status=form.status.data,
                answered_on=form.answered_on.data, reference=form.reference.data,
                note=form.note.data, document=(upload.filename, upload.read()))
        except AccountsError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Beskedet om kontohavaren är sparat."), "success")
            return redirect(url_for(".holder", evidence_id=evidence.id))
    return render_template("accounts/holder_form.html", form=form)


def _prefill(form, names) -> None:
    """Fill fields from the query string (links from the organisation page)."""
    for name in names:
        value = request.args.get(name)
        if value:
            getattr(form, name).data = value[:60]


@bp.get("/holders/<int:evidence_id>")
@require("accounts.view")
def holder(evidence_id: int):
    evidence = db.get_or_404(AccountHolderEvidence, evidence_id)
    return render_template("accounts/holder.html", e=evidence, full=None)


@bp.post("/holders/<int:evidence_id>/reveal")
@require("personal.reveal")
def reveal_holder(evidence_id: int):
    evidence = db.get_or_404(AccountHolderEvidence, evidence_id)
    full = services.reveal_holder_personnummer(db.session, evidence)
    db.session.commit()
    return render_template("accounts/holder.html", e=evidence, full=full)


@bp.get("/holders/<int:evidence_id>/document")
@require("accounts.view")
def holder_document(evidence_id: int):
    evidence = db.get_or_404(AccountHolderEvidence, evidence_id)
    doc = evidence.document
    if doc is None:
        abort(404)
    if evidence.is_private:  # the bank's answer names the private holder in full
        if not current_user.can("personal.reveal"):
            abort(403)
        record_view(db.session, "account_document", doc.id,
                    f"Laddade ned underlaget om kontohavaren (privatperson) för "
                    f"{evidence.kind_label} {evidence.number}")
        db.session.commit()
    safe_name = re.sub(r"[^\w.\-]+", "_", doc.filename)[:120] or "underlag"
    return Response(doc.data, mimetype=doc.content_type, headers={
        "Content-Disposition": f'attachment; filename="{safe_name}"'})


@bp.route("/holders/import", methods=["GET", "POST"])
@require("registry.manual")
def import_holders():
    """Store the file and parse it in a background job; when the job has already finished
    (immediate mode), show the outcome here as before."""
    form = forms.ImportForm()
    errors = None
    if form.validate_on_submit():
        try:
            data = read_bounded(form.file.data.stream, import_max_bytes())
            job = start_upload_job(db.session, current_user, services.HOLDER_IMPORT_JOB,
                                   f"Import av kontohavarbesked {form.file.data.filename}",
                                   filename=form.file.data.filename, data=data)
        except (UploadError, JobBusy) as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            if job.status == DONE:
                flash(job.message, "success")
                return redirect(url_for(".holders"))
            if not job.failed:
                return redirect(url_for("jobs.show", job_id=job.id))
            errors = [e["error"] for e in job_errors(job)] or [job.error]
    return render_template("accounts/holder_import.html", form=form, errors=errors)


# --- allow list --------------------------------------------------------------------------------

@bp.route("/allowances", methods=["GET", "POST"])
@require("accounts.view")
def allowances():
    form = forms.AllowanceForm()
    if request.method == "POST":
        if not current_user.can("org.edit"):
            abort(403)
        if form.validate_on_submit():
            try:
                services.add_allowance(db.session, current_user, kind=form.kind.data,
                                       number=form.number.data, category=form.category.data,
                                       reason=form.reason.data)
            except AccountsError as exc:
                db.session.rollback()
                form.number.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Kontot är godkänt som delat konto."), "success")
                return redirect(url_for(".allowances"))
    rows = db.session.scalars(select(SharedAccountAllowance).order_by(
        SharedAccountAllowance.withdrawn_at.is_not(None), SharedAccountAllowance.created_at.desc()))
    return render_template("accounts/allowances.html", form=form, rows=list(rows),
                           withdraw_form=forms.WithdrawForm())


@bp.post("/allowances/<int:allowance_id>/withdraw")
@require("org.edit")
def withdraw_allowance(allowance_id: int):
    # only the department that granted the exception withdraws it
    allowance = get_owned_or_404(db.session, SharedAccountAllowance, allowance_id, current_user)
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.withdraw_allowance(
            db.session, current_user, allowance, form.reason.data), _("Undantaget är borttaget."),
            (AccountsError,))
    else:
        flash_form_errors(form)
    return redirect(url_for(".allowances"))
