"""Thin views over the organisation register: parse, call a service, commit, redirect."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from oversight.exports import export_response
from oversight.extensions import db
from oversight.organisations import forms, sections, services
from oversight.organisations.models import (
    BankAccount,
    KeyPerson,
    Organisation,
    OrganisationNote,
    OrganisationWarning,
)
from oversight.permissions import require
from oversight.scoping import get_owned_or_404, get_scoped_or_404
from oversight.views_support import (
    commit_or_flash,
    confirmation_page,
    flash_form_errors,
    needs_confirmation,
    paginate,
)

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


def _org_or_404(org_id: int) -> Organisation:
    return db.get_or_404(Organisation, org_id)


def _child_or_404(model, child_id: int, org: Organisation):
    child = db.session.get(model, child_id)
    if child is None or child.organisation_id != org.id:
        abort(404)
    return child


@bp.get("/")
@require("org.view")
def index():
    q = request.args.get("q", "").strip()
    if q:
        hits = services.search_organisations(db.session, q)
        return render_template("organisations/index.html", q=q, hits=hits, page=None)
    stmt = services.organisations_page(
        db.session, sort=request.args.get("sort", "name"), direction=request.args.get("dir", "asc"),
        flagged_only=request.args.get("flagged") == "1")
    if request.args.get("format") in ("csv", "xlsx"):
        rows = ((o.display_orgnr, o.name, o.legal_form, len(o.active_warnings()), o.created_at)
                for o in db.session.scalars(stmt))
        return export_response(request.args["format"], "organisationer",
                               ["organisationsnummer", "namn", "organisationsform",
                                "aktiva varningar", "registrerad i plattformen"], rows)
    page = paginate(stmt)
    return render_template("organisations/index.html", q=q, hits=None, page=page)


@bp.route("/new", methods=["GET", "POST"])
@require("org.edit")
def create():
    form = forms.OrganisationForm()
    if form.validate_on_submit():
        try:
            org = services.register_organisation(
                db.session, orgnr=form.orgnr.data, name=form.name.data,
                legal_form=form.legal_form.data or None,
                registration_date=form.registration_date.data)
        except services.RegisterError as exc:
            form.orgnr.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s finns i registret.", name=org.name), "success")
            return redirect(url_for(".show", org_id=org.id))
    return render_template("organisations/form.html", form=form)


@bp.get("/<int:org_id>")
@require("org.view")
def show(org_id: int):
    org = _org_or_404(org_id)
    return render_template(
        "organisations/show.html", org=org,
        notes=services.notes_for(db.session, current_user, org),
        extra_sections=sections.render_all(db.session, current_user, org),
        warning_form=forms.WarningForm(), account_form=forms.AccountForm(),
        person_form=forms.KeyPersonForm(), note_form=forms.NoteForm(),
        withdraw_form=forms.WithdrawForm(), close_form=forms.CloseAccountForm())


def _handle_post(org: Organisation, form, action, success: str, anchor: str):
    """The shape of every form on the organisation page: validate, run the service, commit
    (or roll back and flash the Swedish error), and return to the page's section."""
    if form.validate_on_submit():
        commit_or_flash(lambda: action(form), success, (services.RegisterError,))
    else:
        flash_form_errors(form)
    return redirect(url_for(".show", org_id=org.id, _anchor=anchor))


@bp.post("/<int:org_id>/warnings")
@require("warning.create")
def add_warning(org_id: int):
    org = _org_or_404(org_id)
    return _handle_post(org, forms.WarningForm(), lambda f: services.raise_warning(
        db.session, current_user, org, category=f.category.data, reason=f.reason.data,
        evidence=f.evidence.data, issued_on=f.issued_on.data, expires_on=f.expires_on.data),
        _("Varningen är registrerad och syns för alla förvaltningar."), "varningar")


@bp.post("/<int:org_id>/warnings/<int:warning_id>/withdraw")
@require("warning.create")
def withdraw_warning(org_id: int, warning_id: int):
    org = _org_or_404(org_id)
    warning = get_owned_or_404(db.session, OrganisationWarning, warning_id, current_user)
    if warning.organisation_id != org.id:
        abort(404)
    form = forms.WithdrawForm()
    if form.validate_on_submit() and needs_confirmation():
        return confirmation_page(
            title=_("Återkalla varningen"), whom=f"{org.name} ({org.orgnr})",
            what=_("Varningen (%(category)s, %(issued)s) återkallas för alla förvaltningar; den "
                   "finns kvar i historiken.", category=warning.category_label,
                   issued=warning.issued_on),
            action=url_for(".withdraw_warning", org_id=org.id, warning_id=warning.id),
            cancel_url=url_for(".show", org_id=org.id, _anchor="varningar"))
    return _handle_post(org, form, lambda f: services.withdraw_warning(
        db.session, current_user, warning, f.reason.data), _("Varningen är återkallad."), "varningar")


@bp.post("/<int:org_id>/accounts")
@require("org.edit")
def add_account(org_id: int):
    org = _org_or_404(org_id)
    return _handle_post(org, forms.AccountForm(), lambda f: services.add_bank_account(
        db.session, current_user, org, kind=f.kind.data, number=f.number.data,
        source=f.source.data or None), _("Kontot är registrerat."), "konton")


@bp.post("/<int:org_id>/accounts/<int:account_id>/close")
@require("account.close")
def close_account(org_id: int, account_id: int):
    org = _org_or_404(org_id)
    account = _child_or_404(BankAccount, account_id, org)
    form = forms.CloseAccountForm()
    if form.validate_on_submit() and needs_confirmation():
        return confirmation_page(
            title=_("Avsluta kontot"), whom=f"{org.name} ({org.orgnr})",
            what=_("Kontot %(number)s avslutas i det gemensamma registret; alla förvaltningars "
                   "betalkontroller behandlar det som avslutat.", number=account.number),
            action=url_for(".close_account", org_id=org.id, account_id=account.id),
            cancel_url=url_for(".show", org_id=org.id, _anchor="konton"))
    return _handle_post(org, form, lambda f: services.close_bank_account(
        db.session, current_user, account, f.reason.data),
        _("Kontot är avslutat; historiken finns kvar."), "konton")


@bp.post("/<int:org_id>/key-persons")
@require("org.edit")
def add_key_person(org_id: int):
    org = _org_or_404(org_id)
    return _handle_post(org, forms.KeyPersonForm(), lambda f: services.add_key_person(
        db.session, org, role=f.role.data, name=f.name.data, personnummer=f.personnummer.data,
        from_date=f.from_date.data, source=f.source.data or None),
        _("Nyckelpersonen är registrerad."), "personer")


@bp.post("/<int:org_id>/key-persons/<int:person_id>/reveal")
@require("personal.reveal")
def reveal_person(org_id: int, person_id: int):
    org = _org_or_404(org_id)
    person = _child_or_404(KeyPerson, person_id, org)
    full = services.reveal_personnummer(db.session, person)
    db.session.commit()
    return render_template("organisations/reveal.html", org=org, person=person, full=full)


@bp.post("/<int:org_id>/notes")
@require("note.write")
def add_note(org_id: int):
    org = _org_or_404(org_id)
    return _handle_post(org, forms.NoteForm(), lambda f: services.add_note(
        db.session, current_user, org, f.body.data),
        _("Anteckningen är sparad (syns bara för din förvaltning)."), "anteckningar")


@bp.get("/<int:org_id>/notes/<int:note_id>")
@require("org.view")
def show_note(org_id: int, note_id: int):
    note = get_scoped_or_404(db.session, OrganisationNote, note_id, current_user)
    if note.organisation_id != org_id:
        abort(404)
    return render_template("organisations/note.html", org=_org_or_404(org_id), note=note)
