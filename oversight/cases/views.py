"""Thin views of the case register: lists, registering a tip, the case page, transitions,
assignment, activities and classification. Cases are loaded through ``cases.access`` (the
owning department via ``oversight.scoping``, plus assigned investigators)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from oversight.auth.models import Department, User
from oversight.auth.roles import INVESTIGATOR
from oversight.cases import access, codes, forms, services, transitions
from oversight.cases import documents as case_documents
from oversight.cases.alerts import case_alerts
from oversight.cases.decisions import repayment
from oversight.cases.models import Case
from oversight.cases.stops import STOP_KINDS
from oversight.exports import export_response
from oversight.extensions import db
from oversight.organisations.models import Organisation
from oversight.permissions import require
from oversight.uploads import attachment_extension
from oversight.views_support import commit_or_flash, flash_form_errors, paginate, sorted_by

bp = Blueprint("cases", __name__, url_prefix="/cases")
ERRORS = (services.CaseError, transitions.TransitionRefused)


def _case(case_id: int) -> Case:
    return access.case_or_404(db.session, case_id, current_user)


def _owned(case_id: int) -> Case:
    """For the owner's actions (assignment, investigator): an assigned user gets a 404."""
    case = _case(case_id)
    if not access.is_owner(current_user, case):
        abort(404)
    return case


def _back(case: Case):
    return redirect(url_for("cases.show", case_id=case.id))


@bp.get("/")
@require("cases.view")
def index():
    status = request.args.get("status", "")
    stmt = access.accessible_cases(current_user)
    if status == "intake":
        stmt = stmt.where(Case.status.in_(transitions.INTAKE_STATUSES))
    elif status == "open":
        stmt = stmt.where(Case.status.in_(transitions.OPEN_STATUSES))
    elif status in codes.STATUSES:
        stmt = stmt.where(Case.status == status)
    if request.args.get("mine") == "1":
        stmt = stmt.where(Case.investigator_id == current_user.id)
    stmt = sorted_by(stmt, CASE_SORTS, default="received", default_dir="desc")
    if request.args.get("format") in ("csv", "xlsx"):
        cases = db.session.scalars(stmt.options(selectinload(Case.investigator)))
        rows = ((c.reference, c.received_on, c.status_label, c.source_label, c.title,
                 c.investigator.name if c.investigator else "") for c in cases)
        return export_response(request.args["format"], "arenden",
                               ["referens", "inkom", "status", "källa", "rubrik", "handläggare"], rows)
    return render_template("cases/index.html", page=paginate(stmt), status=status,
                           statuses=codes.STATUSES)


# The case list's sortable columns; newest received first by default, the id breaks ties.
CASE_SORTS = {"reference": Case.reference, "received": Case.received_on, "title": Case.title,
              "source": Case.source, "status": Case.status, "id": Case.id}


@bp.route("/new", methods=["GET", "POST"])
@require("cases.manage")
def create():
    form = forms.TipForm()
    if form.validate_on_submit():
        org_id = None
        if form.organisation_orgnr.data:
            org = db.session.scalar(select(Organisation).where(
                Organisation.orgnr == form.organisation_orgnr.data.strip()))
            if org is None:
                form.organisation_orgnr.errors.append(_("Organisationen finns inte i registret."))
                return render_template("cases/new.html", form=form), 422
            org_id = org.id
        holder = {}

        def run():
            holder["case"] = services.register_case(
                db.session, current_user, department=current_user.department,
                title=form.title.data, source=form.source.data, description=form.description.data,
                received_on=form.received_on.data, person_name=form.person_name.data,
                person_pnr=form.person_pnr.data, organisation_id=org_id,
                amount_estimate=form.amount_estimate.data, investigator=current_user)

        if commit_or_flash(run, _("Uppgiften är registrerad."), ERRORS):
            return _back(holder["case"])
    elif request.method == "POST":
        flash_form_errors(form)
    return render_template("cases/new.html", form=form)


@bp.get("/<int:case_id>")
@require("cases.view")
def show(case_id: int):
    case = _case(case_id)
    owner = access.is_owner(current_user, case)
    colleagues = db.session.scalars(select(User).where(
        User.department_id == case.department_id, User.role == INVESTIGATOR, User.active.is_(True)))
    inv_form = forms.InvestigatorForm(investigator=case.investigator_id or 0)
    inv_form.investigator.choices = [(0, "–")] + [(u.id, u.name) for u in colleagues]
    db.session.commit()  # the assigned user's view entry (access.case_or_404)
    return render_template(
        "cases/show.html", case=case, owner=owner, alerts=case_alerts(db.session, case, date.today()),
        money=repayment(db.session, case), next_statuses=sorted(transitions.allowed_next(case.status)),
        priority=transitions.priority(case.amount_estimate, case.risk_of_loss, case.ongoing_error),
        codes=codes, assess_form=forms.AssessForm(prefix="assess"), transition_form=forms.TransitionForm(),
        assign_form=forms.AssignForm(prefix="assign"), inv_form=inv_form,
        activity_form=forms.ActivityForm(prefix="act"), link_form=forms.LinkForm(prefix="link"),
        classify_form=forms.ClassifyForm(obj=case, prefix="cls"), payment_form=forms.PaymentForm(prefix="pay"),
        stop_decisions=[d for d in case.decisions if d.kind in STOP_KINDS],
        lift_form=forms.LiftStopForm(prefix="lift"),
        organisation=db.session.get(Organisation, case.organisation_id) if case.organisation_id else None)


@bp.post("/<int:case_id>/assess")
@require("cases.manage")
def assess(case_id: int):
    case, form = _case(case_id), forms.AssessForm(prefix="assess")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(case)
    commit_or_flash(lambda: services.assess(
        db.session, current_user, case, open_case=form.decision.data == "open",
        reason=form.reason.data or None, on=form.on.data, amount_estimate=form.amount_estimate.data,
        risk_of_loss=form.risk_of_loss.data, ongoing_error=form.ongoing_error.data,
        note=form.note.data or None), _("Bedömningen är registrerad."), ERRORS)
    return _back(case)


@bp.post("/<int:case_id>/transition")
@require("cases.manage")
def transition(case_id: int):
    case, form = _case(case_id), forms.TransitionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(case)
    commit_or_flash(lambda: services.transition(db.session, current_user, case, form.target.data,
                                                on=form.on.data),
                    _("Status: %(status)s.", status=codes.label(codes.STATUSES, form.target.data)), ERRORS)
    return _back(case)


@bp.post("/<int:case_id>/investigator")
@require("cases.manage")
def set_investigator(case_id: int):
    case = _owned(case_id)
    user = db.session.get(User, int(request.form.get("investigator") or 0) or -1)
    commit_or_flash(lambda: services.set_investigator(db.session, current_user, case, user),
                    _("Handläggaren är ändrad."), ERRORS)
    return _back(case)


@bp.post("/<int:case_id>/assign")
@require("cases.manage")
def assign(case_id: int):
    case, form = _owned(case_id), forms.AssignForm(prefix="assign")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(case)
    assignee = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
    if assignee is None:
        flash(_("Det finns ingen användare med det användarnamnet."), "error")
        return _back(case)
    commit_or_flash(lambda: services.assign(db.session, current_user, case, assignee, form.reason.data),
                    _("%(name)s har fått tillgång till ärendet.", name=assignee.name), ERRORS)
    return _back(case)


@bp.post("/<int:case_id>/assignments/<int:assignment_id>/revoke")
@require("cases.manage")
def revoke(case_id: int, assignment_id: int):
    case = _owned(case_id)
    assignment = next((a for a in case.assignments if a.id == assignment_id), None)
    if assignment is not None:
        commit_or_flash(lambda: services.revoke_assignment(db.session, current_user, assignment),
                        _("Tilldelningen är återkallad."), ERRORS)
    return _back(case)


@bp.post("/<int:case_id>/activities")
@require("cases.manage")
def add_activity(case_id: int):
    case, form = _case(case_id), forms.ActivityForm(prefix="act")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(case)
    upload = form.document.data
    attached = upload is not None and bool(getattr(upload, "filename", ""))

    def run():
        activity = services.add_activity(
            db.session, current_user, case, kind=form.kind.data, text=form.text.data, on=form.on.data,
            counterpart=form.counterpart.data or None, follow_up_on=form.follow_up_on.data)
        if attached:
            filename, data = case_documents.read_upload(upload)
            case_documents.add_document(db.session, current_user, case, activity,
                                        filename=filename, data=data)

    commit_or_flash(run, _("Händelsen och dokumentet är registrerade.") if attached
                    else _("Händelsen är registrerad."), ERRORS)
    return _back(case)


@bp.get("/<int:case_id>/documents/<int:document_id>")
@require("cases.view")
def document(case_id: int, document_id: int):
    """A document of the case, for the owning department and the assigned investigators."""
    case = _case(case_id)
    doc = case_documents.document_of(case, document_id)
    if doc is None:
        abort(404)
    try:
        data = case_documents.download(db.session, current_user, case, doc)
    except services.CaseError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(case)
    db.session.commit()
    name = f"{case.reference}-{doc.id}{attachment_extension(doc.content_type)}"
    return Response(data, mimetype=doc.content_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


@bp.post("/<int:case_id>/links")
@require("cases.manage")
def add_link(case_id: int):
    case, form = _case(case_id), forms.LinkForm(prefix="link")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(case)
    commit_or_flash(lambda: services.add_link(db.session, current_user, case, kind=form.kind.data,
                                              ref=form.ref.data.strip(), label=form.label.data or None),
                    _("Kopplingen är sparad."), ERRORS)
    return _back(case)


@bp.post("/<int:case_id>/classify")
@require("cases.manage")
def classify(case_id: int):
    case, form = _case(case_id), forms.ClassifyForm(prefix="cls")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(case)

    def run():
        services.classify(db.session, current_user, case, cause=form.cause.data, intent=form.intent.data,
                          preventable=form.preventable.data, sex=form.sex.data,
                          detected_by=form.detected_by.data)
        if form.saved_monthly.data is not None:
            from oversight.statistics.measures import SAVED_MONTHS
            services.set_saved_amount(db.session, current_user, case, form.saved_monthly.data * SAVED_MONTHS)

    commit_or_flash(run, _("Klassificeringen är sparad."), ERRORS)
    return _back(case)


def department_choices() -> list[tuple[int, str]]:
    today = date.today()
    return [(d.id, d.name) for d in db.session.scalars(select(Department).order_by(Department.name))
            if d.is_valid_on(today)]


# Registered on import: the decision, payment, finding and control pages share the blueprint.
from oversight.cases import views_controls, views_decisions, views_public  # noqa: E402,F401
