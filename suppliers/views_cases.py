"""Department-scoped pages: a check's kontrollunderlag, criminal-record extracts, hearings
(letter, statement, documents, internal notes) and decisions (sign, correct, publish).
Every row is loaded through ``oversight.scoping``: another department gets a 404."""
from __future__ import annotations

from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from oversight.auth.models import Department
from oversight.extensions import db
from oversight.permissions import require
from oversight.scoping import get_scoped_or_404, scoped_select
from oversight.uploads import DOCUMENT_TYPES
from oversight.views_support import confirmation_page, needs_confirmation
from suppliers import forms, hearings, rule_values, rules, services
from suppliers.models import Decision, Hearing, HearingDocument, SupplierCheck
from suppliers.views import attempt, bp, flash_errors, supplier_or_404


def _check(check_id: int) -> SupplierCheck:
    return get_scoped_or_404(db.session, SupplierCheck, check_id, current_user)


def _hearing(hearing_id: int) -> Hearing:
    return get_scoped_or_404(db.session, Hearing, hearing_id, current_user)


def _decision(decision_id: int) -> Decision:
    return get_scoped_or_404(db.session, Decision, decision_id, current_user)


def decision_subject(decision: Decision) -> str:
    """Whom a decision concerns, for its confirmation step."""
    org = decision.supplier.organisation
    return f"{org.name} ({org.orgnr})"


# --- checks ---------------------------------------------------------------------------------------

@bp.get("/checks/<int:check_id>")
@require("supplier.view")
def check(check_id: int):
    check = _check(check_id)
    form = forms.HearingForm()
    candidates = [g for g in check.grounds if g.outcome != rules.CLEAR]
    form.codes.choices = [(g.code, f"{g.label} – {g.outcome_label}") for g in candidates]
    form.codes.data = [g.code for g in candidates if g.outcome == rules.FOUND]
    form.deadline.data = hearings.hearing_deadline()
    rule_lines = rule_values.descriptions(db.session, check.rule_values, check.on_date)
    return render_template("suppliers/check.html", check=check, hearing_form=form,
                           rule_lines=rule_lines)


@bp.post("/checks/<int:check_id>/hearings")
@require("supplier.manage")
def open_hearing(check_id: int):
    check = _check(check_id)
    form = forms.HearingForm()
    form.codes.choices = [(g.code, g.label) for g in check.grounds]
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for(".check", check_id=check.id))
    holder = {}

    def run():
        holder["h"] = hearings.open_hearing(db.session, current_user, check,
                                            codes=form.codes.data or [],
                                            deadline=form.deadline.data,
                                            recipient=form.recipient.data)

    if attempt(run, _("Kommuniceringen är skapad som utkast. Läs brevet och skicka det.")):
        return redirect(url_for(".hearing", hearing_id=holder["h"].id))
    return redirect(url_for(".check", check_id=check.id))


# --- criminal-record extracts ---------------------------------------------------------------------

@bp.route("/<int:supplier_id>/extracts/new", methods=["GET", "POST"])
@require("supplier.manage")
def new_extract(supplier_id: int):
    supplier = supplier_or_404(supplier_id)
    org = supplier.organisation
    subjects = [("org", f"Företaget: {org.name}")] + [
        (str(p.id), f"{p.role_label} {p.name}") for p in org.key_persons]
    form = forms.extract_form(subjects)
    if form.validate_on_submit():
        person = None if form.subject.data == "org" else int(form.subject.data)
        if attempt(lambda: services.record_extract(
                db.session, current_user, supplier, key_person_id=person,
                document_date=form.document_date.data, reference=form.reference.data,
                convictions=forms.convictions_from(form)),
                _("Utdraget är registrerat. Kör en ny kontroll för att använda det.")):
            return redirect(url_for(".show", supplier_id=supplier.id, _anchor="utdrag"))
    elif request.method == "POST":
        flash_errors(form)
    return render_template("suppliers/extract_form.html", form=form, supplier=supplier,
                           slots=range(1, forms.CONVICTION_SLOTS + 1))


# --- hearings -------------------------------------------------------------------------------------

@bp.get("/hearings/<int:hearing_id>")
@require("supplier.view")
def hearing(hearing_id: int):
    hearing = _hearing(hearing_id)
    letter_form = forms.LetterForm(letter_text=hearing.letter_text, deadline=hearing.deadline,
                                   recipient=hearing.recipient)
    statement_form = forms.StatementForm(statement=hearing.statement,
                                         received_on=hearing.statement_received_on,
                                         self_cleaning=hearing.self_cleaning)
    decisions = db.session.scalars(scoped_select(Decision, current_user).where(
        Decision.hearing_id == hearing.id).order_by(Decision.id)).all()
    return render_template(
        "suppliers/hearing.html", hearing=hearing, letter_form=letter_form,
        sent_form=forms.SentForm(sent_on=date.today()), statement_form=statement_form,
        notes_form=forms.NotesForm(internal_notes=hearing.internal_notes),
        document_form=forms.DocumentForm(), decision_form=forms.DecisionForm(),
        decisions=decisions, max_mb=hearings.max_upload_bytes() // (1024 * 1024))


@bp.get("/hearings/<int:hearing_id>/letter")
@require("supplier.view")
def hearing_letter(hearing_id: int):
    return render_template("suppliers/letter.html", hearing=_hearing(hearing_id))


def _hearing_post(hearing_id: int, form_cls, action, success: str, anchor: str = ""):
    hearing = _hearing(hearing_id)
    form = form_cls()
    if form.validate_on_submit():
        attempt(lambda: action(hearing, form), success)
    else:
        flash_errors(form)
    return redirect(url_for(".hearing", hearing_id=hearing.id, _anchor=anchor or None))


@bp.post("/hearings/<int:hearing_id>/letter")
@require("supplier.manage")
def save_letter(hearing_id: int):
    return _hearing_post(hearing_id, forms.LetterForm, lambda h, f: hearings.update_letter(
        db.session, current_user, h, letter_text=f.letter_text.data, deadline=f.deadline.data,
        recipient=f.recipient.data), _("Brevet är sparat."), "brev")


@bp.post("/hearings/<int:hearing_id>/sent")
@require("supplier.manage")
def mark_sent(hearing_id: int):
    return _hearing_post(hearing_id, forms.SentForm, lambda h, f: hearings.mark_sent(
        db.session, current_user, h, f.sent_on.data),
        _("Brevet är markerat som skickat. Svarsfristen löper."), "brev")


@bp.post("/hearings/<int:hearing_id>/statement")
@require("supplier.manage")
def save_statement(hearing_id: int):
    return _hearing_post(hearing_id, forms.StatementForm, lambda h, f: hearings.record_statement(
        db.session, current_user, h, statement=f.statement.data, received_on=f.received_on.data,
        self_cleaning=f.self_cleaning.data), _("Yttrandet är registrerat."), "yttrande")


@bp.post("/hearings/<int:hearing_id>/notes")
@require("supplier.manage")
def save_notes(hearing_id: int):
    return _hearing_post(hearing_id, forms.NotesForm, lambda h, f: hearings.update_notes(
        db.session, current_user, h, f.internal_notes.data), _("Anteckningarna är sparade."),
        "anteckningar")


@bp.post("/hearings/<int:hearing_id>/documents")
@require("supplier.manage")
def upload_document(hearing_id: int):
    hearing = _hearing(hearing_id)
    form = forms.DocumentForm()
    upload = request.files.get("file")
    if not form.validate_on_submit():
        flash_errors(form)
    elif upload is None or not upload.filename:
        flash(_("Välj en fil att ladda upp."), "error")
    else:
        limit = hearings.max_upload_bytes()
        data = upload.stream.read(limit + 1)
        attempt(lambda: hearings.add_document(db.session, current_user, hearing,
                                              filename=upload.filename, data=data,
                                              kind=form.kind.data),
                _("Dokumentet är sparat."))
    return redirect(url_for(".hearing", hearing_id=hearing.id, _anchor="dokument"))


@bp.get("/hearings/<int:hearing_id>/documents/<int:document_id>")
@require("supplier.view")
def download_document(hearing_id: int, document_id: int):
    hearing = _hearing(hearing_id)
    document = get_scoped_or_404(db.session, HearingDocument, document_id, current_user)
    if document.hearing_id != hearing.id:
        return Response(status=404)
    return Response(document.data, mimetype=document.content_type, headers={
        "Content-Disposition": f"attachment; filename=\"dokument-{document.id}"
                               f"{_extension(document.content_type)}\"",
        "X-Content-Type-Options": "nosniff"})


def _extension(content_type: str) -> str:
    return {c: ext for _, c, ext in DOCUMENT_TYPES}.get(content_type, "")


# --- decisions ------------------------------------------------------------------------------------

@bp.post("/hearings/<int:hearing_id>/decisions")
@require("supplier.decide")
def new_decision(hearing_id: int):
    hearing = _hearing(hearing_id)
    form = forms.DecisionForm()
    holder = {}
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for(".hearing", hearing_id=hearing.id, _anchor="beslut"))

    def run():
        holder["d"] = hearings.create_decision(
            db.session, current_user, hearing, outcome=form.outcome.data,
            reasoning=form.reasoning.data,
            self_cleaning_assessment=form.self_cleaning_assessment.data)

    if attempt(run, _("Beslutet är sparat som utkast. Granska och signera.")):
        return redirect(url_for(".decision", decision_id=holder["d"].id))
    return redirect(url_for(".hearing", hearing_id=hearing.id, _anchor="beslut"))


@bp.get("/decisions/<int:decision_id>")
@require("supplier.view")
def decision(decision_id: int):
    decision = _decision(decision_id)
    form = forms.DecisionForm(outcome=decision.outcome, reasoning=decision.reasoning,
                              self_cleaning_assessment=decision.self_cleaning_assessment)
    return render_template("suppliers/decision.html", decision=decision, form=form,
                           correct_form=forms.CorrectForm(), empty_form=forms.EmptyForm())


@bp.get("/decisions/<int:decision_id>/print")
@require("supplier.view")
def decision_print(decision_id: int):
    """The decision as a document to send or file (print, or "save as PDF" in the browser)."""
    decision = _decision(decision_id)
    return render_template("suppliers/decision_print.html", decision=decision,
                           department=db.session.get(Department, decision.department_id))


@bp.post("/decisions/<int:decision_id>")
@require("supplier.decide")
def update_decision(decision_id: int):
    decision = _decision(decision_id)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        attempt(lambda: hearings.update_decision(
            db.session, current_user, decision, outcome=form.outcome.data,
            reasoning=form.reasoning.data,
            self_cleaning_assessment=form.self_cleaning_assessment.data), _("Utkastet är sparat."))
    else:
        flash_errors(form)
    return redirect(url_for(".decision", decision_id=decision.id))


@bp.post("/decisions/<int:decision_id>/sign")
@require("supplier.decide")
def sign_decision(decision_id: int):
    decision = _decision(decision_id)
    if needs_confirmation():
        return confirmation_page(
            title=_("Signera beslutet"), whom=decision_subject(decision),
            what=_("Beslutet signeras. Det och dess underlag kan sedan inte ändras; en rättelse "
                   "blir en ny version."),
            action=url_for(".sign_decision", decision_id=decision.id),
            cancel_url=url_for(".decision", decision_id=decision.id))
    if forms.EmptyForm().validate_on_submit():
        attempt(lambda: hearings.sign_decision(db.session, current_user, decision),
                _("Beslutet är signerat och kan inte längre ändras."))
    return redirect(url_for(".decision", decision_id=decision.id))


@bp.post("/decisions/<int:decision_id>/correct")
@require("supplier.decide")
def correct_decision(decision_id: int):
    decision = _decision(decision_id)
    form = forms.CorrectForm()
    holder = {}
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for(".decision", decision_id=decision.id))

    def run():
        holder["d"] = hearings.correct_decision(db.session, current_user, decision,
                                                form.reason.data)

    if attempt(run, _("En ny version är skapad som utkast; den signerade versionen finns kvar.")):
        return redirect(url_for(".decision", decision_id=holder["d"].id))
    return redirect(url_for(".decision", decision_id=decision.id))


@bp.post("/decisions/<int:decision_id>/publish")
@require("supplier.decide")
def publish_decision(decision_id: int):
    decision = _decision(decision_id)
    if needs_confirmation():
        return confirmation_page(
            title=_("Publicera beslutet som varning"), whom=decision_subject(decision),
            what=_("Beslutet publiceras som en central varning som alla förvaltningar ser."),
            action=url_for(".publish_decision", decision_id=decision.id),
            cancel_url=url_for(".decision", decision_id=decision.id))
    if forms.EmptyForm().validate_on_submit():
        attempt(lambda: hearings.publish_decision(db.session, current_user, decision),
                _("Beslutet är publicerat som varning och syns för alla förvaltningar."))
    return redirect(url_for(".decision", decision_id=decision.id))

