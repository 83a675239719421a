"""Pages about people: the district's assistance users, its alerts and the IVO letter. Every
row is loaded through oversight.scoping: another district's user or alert is a 404."""
from __future__ import annotations

from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from assistance import forms, rules, services
from assistance.alerts import alerts_json, finding_for_alert, payable_until
from assistance.models import PERMIT_STATUSES, Arrangement, AssistanceUser, PermitAlert, label
from assistance.people import dashed
from assistance.views import bp, today
from oversight.audit import record_view
from oversight.exports import export_response
from oversight.extensions import db
from oversight.identifiers import InvalidIdentifier, normalize_orgnr
from oversight.organisations.models import Organisation
from oversight.permissions import require
from oversight.scoping import (
    get_owned_or_404,
    get_scoped_or_404,
    restrict_to_department,
    scoped_select,
)
from oversight.views_support import (
    commit_or_flash,
    flash_form_errors,
    paginate,
    sorted_by,
    sorted_rows,
)


@bp.get("/users")
@require("assistance.view")
def users():
    q = request.args.get("q", "").strip()
    stmt = scoped_select(AssistanceUser, current_user)
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        conditions = [AssistanceUser.name.ilike(f"%{q}%")]
        if len(digits) >= 6:
            conditions.append(AssistanceUser.person_id.contains(digits))
        stmt = stmt.where(or_(*conditions))
    stmt = sorted_by(stmt, USER_SORTS, "name")
    if request.args.get("format") in ("csv", "xlsx"):
        return export_response(request.args["format"], "assistansbrukare",
                               ["personnummer", "namn", "stadsdel", "avliden"],
                               ((u.masked_person_id, u.name, u.department.name, u.death_date)
                                for u in db.session.scalars(stmt)))
    return render_template("assistance/users.html", rows=paginate(stmt), q=q)


# Sortable by name or by personnummer (that is, by date of birth); the id breaks ties.
USER_SORTS = {"name": AssistanceUser.name, "person": AssistanceUser.person_id,
              "id": AssistanceUser.id}


@bp.get("/users/<int:user_id>")
@require("assistance.view")
def user(user_id: int):
    person = get_scoped_or_404(db.session, AssistanceUser, user_id, current_user)
    on = today()
    grace = rules.entry_on(db.session, rules.GRACE_DAYS, on)
    return render_template("assistance/user.html", person=person, on=on, grace=grace,
                           payable={a.id: payable_until(db.session, a, on) for a in person.arrangements},
                           change_form=forms.ChangeProviderForm(), told_form=forms.ToldForm())


@bp.post("/users/<int:user_id>/arrangements")
@require("assistance.manage")
def change_provider(user_id: int):
    person = get_owned_or_404(db.session, AssistanceUser, user_id, current_user)
    form = forms.ChangeProviderForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".user", user_id=person.id))

    def action():
        org = None
        if form.provider_orgnr.data:
            try:
                orgnr = normalize_orgnr(form.provider_orgnr.data)
            except InvalidIdentifier as exc:
                raise services.AssistanceError(_("Organisationsnumret: %(error)s", error=exc)) from exc
            org = db.session.scalar(select(Organisation).where(Organisation.orgnr == orgnr))
            if org is None:
                raise services.AssistanceError(_("Anordnaren finns inte i organisationsregistret; "
                                                 "lägg till den där först."))
        services.change_provider(db.session, current_user, person, from_day=form.from_day.data,
                                 kind=form.kind.data, organisation=org)

    commit_or_flash(action, _("Bytet är registrerat."))
    return redirect(url_for(".user", user_id=person.id))


@bp.post("/arrangements/<int:arrangement_id>/told")
@require("assistance.manage")
def told(arrangement_id: int):
    arrangement = get_owned_or_404(db.session, Arrangement, arrangement_id, current_user)
    person = arrangement.assistance_user
    form = forms.ToldForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.record_user_told(db.session, current_user, arrangement,
                                                          form.told_on.data),
                        _("Datumet då brukaren fick veta är registrerat."))
    else:
        flash_form_errors(form)
    return redirect(local_next(url_for(".user", user_id=person.id)))


def local_next(fallback: str) -> str:
    from oversight.web import local_path

    return local_path(request.form.get("next"), fallback)


# --- alerts ------------------------------------------------------------------------------------

@bp.get("/alerts")
@require("assistance.view")
def alerts():
    stmt = restrict_to_department(select(PermitAlert), PermitAlert, current_user)
    rows = db.session.scalars(stmt.order_by(PermitAlert.state.desc(), PermitAlert.first_day.desc())).all()
    rows = sorted_rows(rows, {"provider": lambda a: a.organisation.name.casefold(),
                              "first_day": lambda a: a.first_day,
                              "days": lambda a: a.days_without_permit,
                              "users": lambda a: a.users_count,
                              "state": lambda a: str(a.state_label)}, None)
    if request.args.get("format") in ("csv", "xlsx"):
        return export_response(request.args["format"], "tillstandslarm", [
            "anordnare", "organisationsnummer", "tillstånd", "första dag utan tillstånd",
            "dagar", "brukare", "läge"], ((a.organisation.name, a.organisation.display_orgnr,
                                            a.status_label, a.first_day, a.days_without_permit,
                                            a.users_count, a.state_label) for a in rows))
    return render_template("assistance/alerts.html", rows=rows)


@bp.get("/alerts.json")
@require("assistance.view")
def alerts_as_json():
    """The district's alerts, with its own users only (the same objects as the CLI)."""
    on = today()
    stmt = restrict_to_department(select(PermitAlert), PermitAlert, current_user)
    pairs = []
    for alert in db.session.scalars(stmt.order_by(PermitAlert.id)):
        finding = finding_for_alert(db.session, alert, current_user, on)
        if finding is not None:
            pairs.append((alert, finding))
    record_view(db.session, "assistance_permit_alert", None, "Tillståndslarm som JSON (personnummer)")
    db.session.commit()
    return jsonify(alerts_json(pairs))


def _alert_or_404(alert_id: int) -> PermitAlert:
    return get_scoped_or_404(db.session, PermitAlert, alert_id, current_user)


def _owned_alert_or_404(alert_id: int) -> PermitAlert:
    return get_owned_or_404(db.session, PermitAlert, alert_id, current_user)


@bp.get("/alerts/<int:alert_id>")
@require("assistance.view")
def alert(alert_id: int):
    a = _alert_or_404(alert_id)
    on = today()
    finding = finding_for_alert(db.session, a, current_user, on)
    return render_template(
        "assistance/alert.html", alert=a, finding=finding, on=on,
        grace=rules.entry_on(db.session, rules.GRACE_DAYS, on),
        payable={u.arrangement.id: payable_until(db.session, u.arrangement, on)
                 for u in (finding.users if finding else [])},
        case=services.linked_case(db.session, current_user, "assistance", services.alert_ref(a)),
        handle_form=forms.HandleForm(), case_form=forms.CaseForm(), told_form=forms.ToldForm(),
        letter_form=forms.IvoLetterForm())


@bp.post("/alerts/<int:alert_id>/handle")
@require("assistance.manage")
def handle(alert_id: int):
    a = _owned_alert_or_404(alert_id)
    form = forms.HandleForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.handle_alert(db.session, current_user, a, form.comment.data),
                        _("Larmet är markerat som hanterat."))
    else:
        flash_form_errors(form)
    return redirect(url_for(".alert", alert_id=a.id))


@bp.post("/alerts/<int:alert_id>/case")
@require("assistance.manage")
def open_case(alert_id: int):
    a = _owned_alert_or_404(alert_id)
    form = forms.CaseForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.open_case_for_alert(db.session, current_user, a, form.note.data),
                        _("Ärendet är öppnat i ärenderegistret."))
    else:
        flash_form_errors(form)
    return redirect(url_for(".alert", alert_id=a.id))


@bp.get("/alerts/<int:alert_id>/letter")
@require("assistance.view")
def letter(alert_id: int):
    a = _alert_or_404(alert_id)
    on = today()
    name_users = request.args.get("name_users") == "1"
    finding = finding_for_alert(db.session, a, current_user, on)
    if name_users:
        record_view(db.session, "assistance_permit_alert", a.id, "IVO-brev med brukarnas namn")
        db.session.commit()
    return render_template("assistance/letter.html", alert=a, finding=finding, on=on,
                           name_users=name_users, dashed=dashed,
                           status_label=label(PERMIT_STATUSES, finding.status if finding else a.permit_status))


@bp.post("/alerts/<int:alert_id>/letter")
@require("assistance.manage")
def letter_sent(alert_id: int):
    a = _owned_alert_or_404(alert_id)
    form = forms.IvoLetterForm()
    commit_or_flash(lambda: services.record_ivo_notification(db.session, current_user, a,
                                                             name_users=bool(form.name_users.data)),
                    _("Underrättelsen till IVO är registrerad som skickad."))
    return redirect(url_for(".alert", alert_id=a.id))
