"""Association pages, grants, decisions and follow-up. Thin: parse, call a service, commit.
Ledger import, the multi-department report and judgements are in views_ledger.py."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from associations import forms
from associations import grants as grant_services
from associations.followup import (
    ACTION_LABELS,
    allowed_actions,
    decide,
    overdue_reports,
    reclaimed_total,
    record_report,
    shared_key_persons,
)
from associations.grants import GrantError
from associations.models import Grant, GrantReport
from associations.overview import association_overview, associations_page, totals_for
from oversight.auth.models import Department
from oversight.auth.roles import ADMIN
from oversight.exports import export_response
from oversight.extensions import db
from oversight.labels import _l, translated
from oversight.organisations.models import Organisation
from oversight.permissions import require
from oversight.scoping import get_owned_or_404
from oversight.views_support import (
    commit_or_flash,
    confirmation_page,
    flash_form_errors,
    id_arg,
    needs_confirmation,
    paginate,
    paginate_rows,
    sorted_by,
    sorted_rows,
)
from oversight.web import local_path

bp = Blueprint("associations", __name__, url_prefix="/associations")


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))


@bp.get("/")
@require("grants.view")
def index():
    q = request.args.get("q", "").strip()
    stmt = sorted_by(associations_page(db.session, q).order_by(None), ASSOCIATION_SORTS, "name")
    if request.args.get("format") in ("csv", "xlsx"):
        orgs = list(db.session.scalars(stmt.limit(100_000)))
        totals = totals_for(db.session, orgs)
        return export_response(request.args["format"], "foreningar", [
            "förening", "organisationsnummer", "bidrag", "beviljat", "utbetalt enligt reskontra",
            "förvaltningar som betalat", "aktiva varningar"], (
            (o.name, o.display_orgnr, totals[o.id]["grants"], totals[o.id]["funded"],
             totals[o.id]["paid"], totals[o.id]["departments"], len(o.active_warnings()))
            for o in orgs))
    page = paginate(stmt)
    return render_template("associations/index.html", page=page, q=q,
                           totals=totals_for(db.session, page.items))


ASSOCIATION_SORTS = {"name": Organisation.name, "orgnr": Organisation.orgnr,
                     "id": Organisation.id}


@bp.get("/org/<int:org_id>")
@require("grants.view")
def show(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    return render_template("associations/show.html", o=association_overview(db.session, org))


@bp.route("/org/<int:org_id>/profile", methods=["GET", "POST"])
@require("grants.manage")
def edit_profile(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    profile = grant_services.get_profile(db.session, org)
    form = forms.ProfileForm(obj=profile)
    if form.validate_on_submit():
        grant_services.save_profile(
            db.session, org, statutes_date=form.statutes_date.data,
            activity_since=form.activity_since.data, members=form.members.data,
            activity_description=form.activity_description.data or None,
            democracy_conditions_confirmed=form.democracy_conditions_confirmed.data)
        db.session.commit()
        flash(_("Föreningsuppgifterna är sparade."), "success")
        return redirect(url_for(".show", org_id=org.id))
    return render_template("associations/profile_form.html", org=org, form=form)


def _grantor_choices() -> list[tuple[str, str]]:
    """The user's own department (an administrator: any) and the external funders."""
    own = [d for d in departments()
           if current_user.role == ADMIN or d.id == current_user.department_id]
    choices = [(f"dept:{d.id}", d.name) for d in own]
    choices += [(f"funder:{name}", _("%(name)s (extern finansiär)", name=name))
                for name in grant_services.external_funders()]
    return choices + [("funder:", _("Annan extern finansiär (ange nedan)"))]


@bp.route("/org/<int:org_id>/grants/new", methods=["GET", "POST"])
@require("grants.manage")
def new_grant(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    form = forms.GrantForm()
    form.grantor.choices = _grantor_choices()
    if request.method == "GET":
        form.grantor.data = f"dept:{current_user.department_id}"
    if form.validate_on_submit():
        kind, _, value = form.grantor.data.partition(":")
        department = db.session.get(Department, int(value)) if kind == "dept" else None
        funder = None if kind == "dept" else (value or form.funder_other.data)
        try:
            grant = grant_services.register_grant(
                db.session, current_user, org, form=form.form.data, purpose=form.purpose.data,
                activity=form.activity.data, period_start=form.period_start.data,
                period_end=form.period_end.data, amount=form.amount.data,
                department=department, funder_name=funder, applied_on=form.applied_on.data,
                decision_date=form.decision_date.data, conditions=form.conditions.data,
                status=form.status.data, reference=form.reference.data)
        except GrantError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            warnings = len(grant.eligibility or [])
            flash(ngettext("Bidraget är registrerat med %(num)s varning om behörighet: "
                           "läs den nedan.",
                           "Bidraget är registrerat med %(num)s varningar om behörighet: "
                           "läs dem nedan.", warnings) if warnings
                  else _("Bidraget är registrerat."),
                  "error" if warnings else "success")
            return redirect(url_for(".show_grant", grant_id=grant.id))
    elif request.method == "POST":
        flash_form_errors(form)
    return render_template("associations/grant_form.html", org=org, form=form)


@bp.get("/grants/<int:grant_id>")
@require("grants.view")
def show_grant(grant_id: int):
    grant = db.get_or_404(Grant, grant_id)
    form = forms.DecisionForm()
    form.action.choices = [(a, ACTION_LABELS[a]) for a in allowed_actions(grant)]
    return render_template("associations/grant.html", grant=grant, form=form,
                           report_form=forms.ReportReceivedForm(), today=date.today(),
                           reclaimed=reclaimed_total(grant))


# Grant decisions that cannot be undone: the form's POST first gets the confirmation step.
IRREVERSIBLE = {
    "stop": _l("Bidraget stoppas: inga fler utbetalningar görs. Beslutet registreras och loggas."),
    "reclaim": _l("Bidraget återkrävs: föreningen ska betala tillbaka. Beslutet registreras och "
                  "loggas."),
    "reject": _l("Ansökan avslås. Beslutet registreras och loggas."),
}


@bp.post("/grants/<int:grant_id>/decisions")
@require("grants.manage")
def add_decision(grant_id: int):
    grant = get_owned_or_404(db.session, Grant, grant_id, current_user)
    form = forms.DecisionForm()
    form.action.choices = [(a, ACTION_LABELS[a]) for a in allowed_actions(grant)]
    if form.validate_on_submit() and form.action.data in IRREVERSIBLE and needs_confirmation():
        return confirmation_page(
            title=str(ACTION_LABELS[form.action.data]),
            whom=f"{grant.organisation.name}, {grant.purpose or ''}".strip(", "),
            what=translated(IRREVERSIBLE[form.action.data]),
            action=url_for(".add_decision", grant_id=grant.id),
            cancel_url=url_for(".show_grant", grant_id=grant.id))
    if form.validate_on_submit():
        try:
            decision = decide(db.session, current_user, grant, action=form.action.data,
                              reason=form.reason.data, decided_on=form.decided_on.data,
                              amount=form.amount.data, reference=form.reference.data)
        except GrantError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Beslutet '%(action_label)s' är registrerat.", action_label=decision.action_label), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".show_grant", grant_id=grant.id))


@bp.post("/reports/<int:report_id>/received")
@require("grants.manage")
def report_received(report_id: int):
    report = get_owned_or_404(db.session, GrantReport, report_id, current_user)
    form = forms.ReportReceivedForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: record_report(
            db.session, current_user, report, received_on=form.received_on.data, status=form.status.data,
            note=form.note.data), _("Redovisningen är registrerad."), (GrantError,))
    else:
        flash_form_errors(form)
    return redirect(local_path(request.form.get("next"),
                               url_for(".show_grant", grant_id=report.grant_id)))


# Key persons in several organisations: unsorted, most organisations first (the service's order).
PERSON_SORTS = {"person": lambda s: s.name.casefold(), "organisations": lambda s: len(s.links)}


@bp.get("/follow-up")
@require("grants.view")
def followup():
    dept = id_arg("department")
    if dept is not None and db.session.get(Department, dept) is None:
        abort(404)
    overdue = overdue_reports(db.session, department_id=dept)
    upcoming = [r for r in overdue_reports(db.session, department_id=dept, upcoming_days=60)
                if not r.is_overdue()]
    keys = {"due": lambda r: r.due_on, "association": lambda r: r.grant.organisation.name.lower(),
            "grantor": lambda r: str(r.grant.grantor or "").lower()}
    overdue, upcoming = (sorted_rows(rows, keys, "due") for rows in (overdue, upcoming))
    if request.args.get("format") in ("csv", "xlsx"):
        return export_response(request.args["format"], "uppfoljning", [
            "läge", "senast", "förening", "redovisning", "period från", "period till", "bidrag",
            "belopp", "beviljat av"], (
            ("försenad" if r.is_overdue() else "kommande", r.due_on, r.grant.organisation.name,
             r.kind_label, r.period_start, r.period_end, r.grant.form_label, r.grant.amount,
             str(r.grant.grantor or "")) for r in overdue + upcoming))
    persons = sorted_rows(shared_key_persons(db.session), PERSON_SORTS, None)
    return render_template("associations/followup.html", overdue=overdue, upcoming=upcoming,
                           overdue_page=paginate_rows(overdue, "overdue_page"),
                           upcoming_page=paginate_rows(upcoming, "upcoming_page"),
                           persons=paginate_rows(persons, "persons_page"),
                           departments=departments(),
                           department=dept, report_form=forms.ReportReceivedForm(),
                           today=date.today())


from associations import views_ledger  # noqa: E402,F401  (routes on the same blueprint)
