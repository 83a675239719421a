"""Provider pages and the district dashboard (thin: parse, call a service, commit, redirect).
The pages about people (assistance users, alerts, the IVO letter) are in views_people.py."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assistance import forms, overview, services
from assistance.alerts import refresh_alerts
from assistance.imports import ALERTING_KINDS
from assistance.models import PERMIT_STATUSES, label
from oversight.exports import export_response
from oversight.extensions import db
from oversight.organisations.models import Organisation
from oversight.permissions import require
from oversight.views_support import commit_or_flash, flash_form_errors

bp = Blueprint("assistance", __name__, url_prefix="/assistance")


def today() -> date:
    return date.today()


@bp.get("/")
@require("assistance.view")
def index():
    return render_template("assistance/index.html", d=overview.dashboard(db.session, current_user, today()))


@bp.get("/providers")
@require("assistance.view")
def providers():
    args = request.args
    rows = overview.provider_rows(
        db.session, current_user, today(), q=args.get("q", ""), status=args.get("status", ""),
        mine=args.get("mine") == "1", sort=args.get("sort", "name"), desc=args.get("dir") == "desc",
        overdue=args.get("overdue") == "1")
    if args.get("format") in ("csv", "xlsx"):
        return export_response(args["format"], "assistansanordnare",
                               ["organisationsnummer", "namn", "tillstånd i dag", "senast kontrollerad",
                                "dagar sedan kontroll", "kontroll försenad", "brukare i min stadsdel"],
                               ((r.organisation.orgnr, r.organisation.name, r.status_label,
                                 r.verification.verified_on if r.verification else None,
                                 r.verification_age, "ja" if r.overdue else "nej", r.my_users)
                                for r in rows))
    return render_template("assistance/providers.html", rows=rows, statuses=PERMIT_STATUSES,
                           label=label)


@bp.get("/providers/<int:org_id>")
@require("assistance.view")
def provider(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    on = today()
    permits = services.permits_of(db.session, org.id)
    verification = services.latest_verification(db.session, org.id)
    return render_template(
        "assistance/provider.html", org=org, on=on, permits=permits,
        status=services.status_today(permits, on), verification=verification,
        overdue=services.verification_overdue(db.session, verification, on),
        verifications=org_verifications(org.id),
        registrations=overview.registrations(db.session, org),
        my_users=overview.my_users_of_provider(db.session, current_user, org.id, on),
        alerts=overview.district_alerts(db.session, current_user, org.id),
        permit_form=forms.PermitForm(), verification_form=forms.VerificationForm(), label=label,
        statuses=PERMIT_STATUSES)


def org_verifications(org_id: int):
    from sqlalchemy import select

    from assistance.models import PermitVerification

    return db.session.scalars(select(PermitVerification).where(
        PermitVerification.organisation_id == org_id)
        .order_by(PermitVerification.verified_on.desc(), PermitVerification.id.desc()).limit(20)).all()


@bp.post("/providers/<int:org_id>/permits")
@require("assistance.manage")
def add_permit(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    form = forms.PermitForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".provider", org_id=org.id))

    def action():
        document = _document(form)
        services.record_permit(
            db.session, current_user, org, status=form.status.data, activity=form.activity.data,
            reference=form.reference.data, decision_date=form.decision_date.data,
            valid_from=form.valid_from.data, valid_to=form.valid_to.data,
            source="ivo_notice" if document or form.reference.data else "manual",
            note=form.note.data, document=document)
        refresh_alerts(db.session, today())  # every district affected gets its alert now

    commit_or_flash(action, _("Tillståndsuppgiften är registrerad (historiken behålls)."))
    return redirect(url_for(".provider", org_id=org.id))


def _document(form):
    storage = form.document.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    from registries.documents import read_upload, store_document

    max_bytes = int(current_app.config["ASSISTANCE_UPLOAD_MAX_MB"]) * 1024 * 1024
    filename, data = read_upload(storage, max_bytes)
    return store_document(db.session, current_user, filename, data, form.decision_date.data, max_bytes)


@bp.post("/providers/<int:org_id>/verifications")
@require("assistance.manage")
def add_verification(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    form = forms.VerificationForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".provider", org_id=org.id))
    commit_or_flash(lambda: services.record_verification(
        db.session, current_user, org, verified_on=form.verified_on.data, method=form.method.data,
        result=form.result.data, note=form.note.data), _("Kontrollen är registrerad."))
    return redirect(url_for(".provider", org_id=org.id))


@bp.route("/import", methods=["GET", "POST"])
@require("assistance.manage")
def import_file():
    """The same importers as `flask assistance import`, for the officer's own district (users,
    decisions, arrangements) or for everyone (permit lists). Small files: read at once."""
    from assistance.fileio import ImportFailed
    from assistance.imports import run_import

    form = forms.ImportForm()
    errors, result = [], None
    if form.validate_on_submit():
        storage = form.file.data
        max_bytes = int(current_app.config["ASSISTANCE_IMPORT_MAX_MB"]) * 1024 * 1024
        data = storage.stream.read(max_bytes + 1) if storage and storage.filename else b""
        if not data:
            errors = [_("Välj en fil.")]
        elif len(data) > max_bytes:
            errors = [_("Filen är större än %(n)s MB.", n=current_app.config["ASSISTANCE_IMPORT_MAX_MB"])]
        else:
            try:
                result = run_import(db.session, current_user, form.kind.data, data, storage.filename)
                if form.kind.data in ALERTING_KINDS:
                    refresh_alerts(db.session, today())
            except ImportFailed as exc:
                db.session.rollback()
                errors = [str(e) for e in exc.errors]
            else:
                db.session.commit()
    return render_template("assistance/import.html", form=form, errors=errors, result=result), \
        (400 if errors else 200)


from assistance import views_people  # noqa: E402,F401  (routes on the same blueprint)
