"""The provider's portal (role "Assistansanordnare"): its own users for a month, the report
grid (keyboard and spreadsheet paste), file upload, approvals and versions. A provider sees
only its organisation's users and reports; every other page of the platform is closed to it
(``fence_providers``)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistance.fileio import ImportFailed
from assistance.models import AssistanceUser
from assistance.people import mask
from assistance.shift_times import parse_month
from assistance.timereport_forms import ApproveAssistantForm, ApproveUserForm, GridForm, UploadForm
from assistance.timereport_grid import (
    BLANK_ROWS,
    LINE_SORTS,
    grid_rows,
    paste_rows,
    rows_for_lines,
)
from assistance.timereport_imports import import_timereports
from assistance.timereport_models import TimeReport
from assistance.timereport_queue import reminders_for_provider
from assistance.timereport_submit import (
    ReportError,
    approve_as_assistant,
    approve_as_user,
    latest_report,
    parse_lines,
    provider_report,
    provider_reports,
    provider_users_select,
    report_assistants,
    submit_report,
)
from oversight.auth.roles import PROVIDER
from oversight.extensions import db
from oversight.formatting import count_text
from oversight.permissions import require
from oversight.views_support import paginate_rows, sorted_rows

bp = Blueprint("provider", __name__, url_prefix="/provider")
# What a provider may reach besides its portal and the API (which uses tokens, not logins).
OPEN_ENDPOINTS = {"auth.login", "auth.logout", "auth.change_password", "auth.set_language",
                  "static", "main.healthz",
                  "timereports_api.submit", "timereports_api.show", "timereports_api.openapi"}


def fence_providers():
    """before_request: a logged-in provider reaches only its portal (fail closed: a page added
    later is closed to providers until listed here)."""
    if getattr(current_user, "is_authenticated", False) and current_user.role == PROVIDER:
        endpoint = request.endpoint or ""
        if endpoint == "main.index":
            return redirect(url_for("provider.index"))
        if not endpoint.startswith("provider.") and endpoint not in OPEN_ENDPOINTS:
            abort(404)
    return None


def _org_id() -> int:
    if current_user.organisation_id is None:
        abort(403)
    return current_user.organisation_id


def _month(value: str | None) -> date:
    try:
        return parse_month(value or "")
    except ValueError:
        return (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)


def _my_user(user_id: int, month: date) -> AssistanceUser:
    user = db.session.scalar(provider_users_select(_org_id(), month).where(
        AssistanceUser.id == user_id))
    if user is None:
        abort(404)
    return user


@bp.get("/")
@require("timereport.submit")
def index():
    month = _month(request.args.get("month"))
    users = db.session.scalars(provider_users_select(_org_id(), month)
                               .order_by(AssistanceUser.name)).all()
    reports = provider_reports(db.session, _org_id(), month)
    users = sorted_rows(users, {  # not yet sent ("") first when sorted by the report
        "user": lambda u: u.name.casefold(),
        "report": lambda u: reports[u.id].status_label if u.id in reports else ""}, None)
    return render_template("assistance/provider/index.html", month=month,
                           users=paginate_rows(users), reports=reports, mask=mask,
                           reminders=reminders_for_provider(db.session, _org_id()),
                           upload=UploadForm())


@bp.route("/report/<int:user_id>/<month>", methods=["GET", "POST"])
@require("timereport.submit")
def grid(user_id: int, month: str):
    month_day = _month(month)
    user = _my_user(user_id, month_day)
    form = GridForm()
    previous = latest_report(db.session, user.id, _org_id(), month_day)
    errors, rows = [], rows_for_lines(previous.lines if previous else [])
    if request.method == "POST" and form.validate_on_submit():
        count = request.form.get("count", "")
        count = min(int(count), 2000) if count.isdigit() else 0
        numbered = grid_rows(request.form, count)
        numbered += paste_rows(form.paste.data, count + 1)
        try:
            report, created = submit_report(db.session, current_user, user, _org_id(), month_day,
                                            parse_lines(numbered), source="web",
                                            correction_reason=form.correction_reason.data)
        except ReportError as exc:
            db.session.rollback()
            errors = exc.errors
            rows = [r for _n, r in numbered] + rows_for_lines([], BLANK_ROWS)
        else:
            db.session.commit()
            flash(_("Rapporten är inskickad (version %(v)s).", v=report.version) if created
                  else _("Rapporten var redan inskickad med samma innehåll."), "success")
            return redirect(url_for(".report", report_id=report.id))
    return render_template("assistance/provider/grid.html", user=user, month=month_day,
                           form=form, rows=rows, errors=errors, previous=previous, mask=mask)


@bp.post("/upload")
@require("timereport.submit")
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        for e in form.file.errors:
            flash(str(e), "error")
        return redirect(url_for(".index"))
    data = form.file.data.read()
    try:
        result = import_timereports(db.session, current_user, data, form.file.data.filename or "",
                                    organisation_id=_org_id(),
                                    correction_reason=form.correction_reason.data)
    except ImportFailed as exc:
        db.session.rollback()
        for e in exc.errors[:30]:
            flash(str(e), "error")
        flash(_("Inget importerades."), "error")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(_("%(sent)s, %(u)s oförändrade.", u=result.unchanged,
            sent=count_text(result.created, "%(num)s rapport inskickad", "%(num)s rapporter inskickade")),
          "success")
    return redirect(url_for(".index"))


@bp.get("/reports/<int:report_id>")
@require("timereport.submit")
def report(report_id: int):
    r = provider_report(db.session, _org_id(), report_id) or abort(404)
    versions = db.session.scalars(select(TimeReport).where(
        TimeReport.assistance_user_id == r.assistance_user_id, TimeReport.month == r.month,
        TimeReport.provider_key == r.provider_key).order_by(TimeReport.version)).all()
    assistant_form = ApproveAssistantForm()
    done = {a.assistant_id for a in r.approvals}
    assistant_form.assistant_id.choices = [(a, mask(a)) for a in report_assistants(r)
                                           if a not in done]
    return render_template("assistance/timereports/report.html", r=r, versions=versions,
                           lines=sorted_rows(r.lines, LINE_SORTS, "line"), mask=mask, portal=True,
                           user_form=ApproveUserForm(), assistant_form=assistant_form)


@bp.post("/reports/<int:report_id>/approve")
@require("timereport.submit")
def approve(report_id: int):
    r = provider_report(db.session, _org_id(), report_id) or abort(404)
    who = request.form.get("who")
    form = ApproveUserForm() if who == "user" else ApproveAssistantForm()
    if who != "user":
        form.assistant_id.choices = [(a, a) for a in report_assistants(r)]
    if not form.validate_on_submit():
        for field in form:
            for e in field.errors:
                flash(f"{field.label.text}: {e}", "error")
        return redirect(url_for(".report", report_id=r.id))
    try:
        if who == "user":
            approve_as_user(db.session, current_user, r, form.approved_by.data)
        else:
            approve_as_assistant(db.session, current_user, r, form.assistant_id.data,
                                 form.approved_by.data)
    except ReportError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Godkännandet är registrerat."), "success")
    return redirect(url_for(".report", report_id=r.id))
