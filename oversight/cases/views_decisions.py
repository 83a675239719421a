"""Decisions (with their printable letter), payments received, and opening a case from any
module's finding."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from oversight.cases import access, decisions, forms, services, stops
from oversight.cases.models import CaseDecision
from oversight.cases.views import ERRORS, _back, _case, bp
from oversight.extensions import db
from oversight.formatting import count_text
from oversight.identifiers import validate
from oversight.organisations.models import Organisation
from oversight.permissions import require
from oversight.views_support import commit_or_flash, flash_form_errors
from oversight.web import local_path


@bp.route("/<int:case_id>/decisions/new", methods=["GET", "POST"])
@require("cases.manage")
def new_decision(case_id: int):
    case, form = _case(case_id), forms.DecisionForm()
    if request.method == "GET" and request.args.get("kind"):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        holder = {}
        target = _target_organisation(form)
        if target is False:
            return render_template("cases/decision_form.html", case=case, form=form), 422

        def run():
            holder["d"] = decisions.add_decision(
                db.session, current_user, case, kind=form.kind.data, decided_on=form.decided_on.data,
                decided_by=form.decided_by.data, decided_by_name=form.decided_by_name.data or None,
                meeting_date=form.meeting_date.data, paragraph=form.paragraph.data or None,
                legal_basis=form.legal_basis.data or None, amount=form.amount.data,
                period_from=form.period_from.data, period_to=form.period_to.data,
                repayment_method=form.repayment_method.data or None,
                ability_to_pay=form.ability_to_pay.data or None, recipient=form.recipient.data or None,
                police_reference=form.police_reference.data or None, outcome=form.outcome.data or None,
                reasoning=form.reasoning.data or None, monthly=form.monthly.data,
                first_due=form.first_due.data, target_organisation_id=target)

        if commit_or_flash(run, _("Beslutet är registrerat."), ERRORS + (ValueError,)):
            return redirect(url_for("cases.letter", decision_id=holder["d"].id))
    elif request.method == "POST":
        flash_form_errors(form)
    return render_template("cases/decision_form.html", case=case, form=form)


def _target_organisation(form) -> int | None | bool:
    """The organisation named for a stop (None: the case's own), False when unknown."""
    orgnr = (form.target_orgnr.data or "").strip()
    if not orgnr or form.kind.data not in stops.STOP_KINDS:
        return None
    result = validate("orgnr", orgnr)
    org_id = db.session.scalar(select(Organisation.id).where(
        Organisation.orgnr == result.normalized)) if result.valid else None
    if org_id is None:
        form.target_orgnr.errors.append(_("Organisationen finns inte i registret."))
        return False
    return org_id


@bp.post("/decisions/<int:decision_id>/lift")
@require("cases.manage")
def lift_stop(decision_id: int):
    """Lift a payment stop (with its reason); the owning department only."""
    decision = db.session.get(CaseDecision, decision_id)
    if decision is None:
        abort(404)
    case = access.case_or_404(db.session, decision.case_id, current_user)
    if not access.is_owner(current_user, case):
        abort(404)
    form = forms.LiftStopForm(prefix="lift")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(case)
    commit_or_flash(lambda: stops.lift(db.session, current_user, decision, reason=form.reason.data,
                                       on=form.on.data),
                    _("Betalningsstoppet är hävt."), ERRORS)
    return _back(case)


@bp.get("/decisions/<int:decision_id>/letter")
@require("cases.view")
def letter(decision_id: int):
    decision = db.session.get(CaseDecision, decision_id)
    if decision is None:
        abort(404)
    case = access.case_or_404(db.session, decision.case_id, current_user)
    db.session.commit()
    return render_template("cases/letter.html", case=case, decision=decision)


@bp.post("/<int:case_id>/payments")
@require("cases.manage")
def add_payment(case_id: int):
    case, form = _case(case_id), forms.PaymentForm(prefix="pay")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(case)
    commit_or_flash(lambda: decisions.add_payment(
        db.session, current_user, case, paid_on=form.paid_on.data, amount=form.amount.data,
        reference=form.reference.data or ""), _("Betalningen är registrerad."), ERRORS)
    return _back(case)


@bp.post("/from-finding")
@require("cases.open")
def from_finding():
    """The button of ``templates/cases/_from_finding.html``, included by other modules."""
    form = forms.FindingForm()
    back = local_path(request.form.get("next"), url_for("cases.index"))
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    try:
        amount = Decimal(form.amount.data) if form.amount.data else None
        org_id = int(form.organisation_id.data) if form.organisation_id.data else None
    except (InvalidOperation, ValueError):
        abort(400)
    holder = {}

    def run():
        holder["case"] = services.open_case_from_finding(
            db.session, current_user, module=form.module.data, finding_ref=form.finding_ref.data,
            title=form.title.data, evidence=form.evidence.data, organisation_id=org_id, amount=amount)

    if commit_or_flash(run, _("Ett ärende är öppnat för fyndet."), ERRORS):
        if current_user.can("cases.view"):
            return redirect(url_for("cases.show", case_id=holder["case"].id))
        flash(_("Ärendets referens: %(reference)s.", reference=holder['case'].reference), "info")
    return redirect(back)


@bp.post("/payments/import")
@require("cases.manage")
def import_payments():
    """The finance system's file of payments received (ärende;betaldatum;belopp;referens)."""
    from oversight.cases.payment_import import import_payments as run_import
    from oversight.tabular import TableError

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Välj en fil."), "error")
        return redirect(url_for("cases.index"))
    try:
        result = run_import(db.session, current_user, upload.read(), upload.filename)
    except TableError as exc:
        db.session.rollback()
        for error in exc.errors[:20]:
            flash(str(error), "error")
        return redirect(url_for("cases.index"))
    db.session.commit()
    flash(_("Registrerade: %(added)s på %(cases)s; %(skipped)s fanns redan.",
            added=count_text(result.added, "%(num)s inbetalning", "%(num)s inbetalningar"),
            cases=count_text(len(result.cases), "%(num)s ärende", "%(num)s ärenden"),
            skipped=result.skipped), "success")
    return redirect(url_for("cases.index"))
