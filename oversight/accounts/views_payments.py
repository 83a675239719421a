"""Thin views for payment-file checks: upload -> background job -> result (export, print)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from oversight.accounts import forms
from oversight.accounts.models import PaymentCheck, PaymentCheckLine
from oversight.accounts.payments import EXPORT_HEADERS, create_payment_check, export_rows
from oversight.accounts.services import AccountsError
from oversight.accounts.verification import FINDING_LABELS, STATUS_LABELS, STATUSES
from oversight.accounts.views import bp
from oversight.exports import export_response
from oversight.extensions import db
from oversight.jobs import DONE, create_job, dispatch
from oversight.organisations.models import Organisation
from oversight.permissions import require
from oversight.scoping import get_scoped_or_404, restrict_to_department, scoped_select
from oversight.views_support import paginate, sorted_by


@bp.route("/payments", methods=["GET", "POST"])
@require("payments.check")
def payments():
    form = forms.PaymentFileForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            check = create_payment_check(db.session, current_user, filename=upload.filename,
                                         data=upload.read(), fmt=form.format.data or None)
        except AccountsError as exc:
            db.session.rollback()
            form.file.errors.append(str(exc))
        else:
            job = create_job(db.session, current_user, "accounts.check_payments",
                             _("Kontroll av betalfil %(filename)s", filename=check.filename), {"check_id": check.id})
            check.job_id = job.id
            db.session.commit()
            dispatch(job)
            db.session.refresh(job)
            db.session.refresh(check)
            if job.status == DONE or check.status == "invalid":  # the check shows the errors
                return redirect(url_for(".payment_check", check_id=check.id))
            return redirect(url_for("jobs.show", job_id=job.id))
    stmt = sorted_by(scoped_select(PaymentCheck, current_user), CHECK_SORTS, "checked", "desc")
    if request.method == "GET" and request.args.get("format") in ("csv", "xlsx"):
        return export_response(request.args["format"], "betalfilskontroller", [
            "fil", "kontrollerad", "av", "status", "betalningar", "belopp", "att kontrollera"],
            ((c.filename, c.created_at, c.created_by.name if c.created_by else "",
              c.status_label, c.n_payments, c.total_amount,
              c.attention_count if c.status == "done" else None)
             for c in db.session.scalars(stmt.limit(100_000))))
    return render_template("accounts/payments.html", form=form, checks=paginate(stmt))


# Earlier checks of the department, newest first by default; the id breaks ties.
CHECK_SORTS = {"file": PaymentCheck.filename, "status": PaymentCheck.status,
               "payments": PaymentCheck.n_payments, "amount": PaymentCheck.total_amount,
               "checked": PaymentCheck.id}


@bp.get("/payments/<int:check_id>")
@require("payments.check")
def payment_check(check_id: int):
    check = get_scoped_or_404(db.session, PaymentCheck, check_id, current_user)
    status = request.args.get("status", "")
    code = request.args.get("finding", "")
    stmt = restrict_to_department(
        select(PaymentCheckLine).where(PaymentCheckLine.check_id == check.id),
        PaymentCheckLine, current_user).order_by(PaymentCheckLine.position)
    if status in STATUSES:
        stmt = stmt.where(PaymentCheckLine.status == status)
    if code in FINDING_LABELS:
        stmt = stmt.where(PaymentCheckLine.finding_codes.contains(f" {code} ", autoescape=True))
    if request.args.get("attention") == "1":
        stmt = stmt.where(PaymentCheckLine.attention.is_(True))
    if request.args.get("format") in ("csv", "xlsx"):
        lines = list(db.session.scalars(stmt))
        return export_response(request.args["format"], f"betalfilskontroll-{check.id}",
                               EXPORT_HEADERS, export_rows(lines, _org_names(lines)))
    printing = request.args.get("print") == "1"
    if printing:
        lines = list(db.session.scalars(stmt))
        page = None
    else:
        page = paginate(stmt)
        lines = page.items
    return render_template("accounts/payment_check.html", check=check, page=page, lines=lines,
                           org_names=_org_names(lines), status=status, code=code,
                           printing=printing, statuses=STATUSES, status_labels=STATUS_LABELS,
                           finding_labels=FINDING_LABELS)


def _org_names(lines) -> dict[int, str]:
    ids = {line.organisation_id for line in lines if line.organisation_id}
    if not ids:
        return {}
    rows = db.session.execute(select(Organisation.id, Organisation.name)
                              .where(Organisation.id.in_(ids)))
    return dict(rows.all())


def allow_large_payment_files(app) -> None:
    """Payment files may be larger than MAX_UPLOAD_MB: raise the limit for the upload view only.

    Runs before every other request hook (CSRF validation reads the form, which would apply the
    global limit first)."""
    from flask import request as req

    def raise_limit():
        if req.endpoint == "accounts.payments" and req.method == "POST":
            req.max_content_length = int(float(app.config["PAYMENT_FILE_MAX_MB"]) * 1024 * 1024)

    app.before_request_funcs.setdefault(None, []).insert(0, raise_limit)
