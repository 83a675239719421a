"""The district's time-report pages (thin: parse, call a service, commit, redirect): overview
with statistics, the exception queue, missing reports with reminders, the settlement with the
payment basis export, and a report's versions. Everything scoped to the officer's district."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistance import timereport_codes as C
from assistance.models import AssistanceUser
from assistance.people import mask
from assistance.services import linked_case
from assistance.shift_times import parse_month
from assistance.timereport_forms import HandleFindingForm
from assistance.timereport_grid import LINE_SORTS
from assistance.timereport_jobs import CHECK_JOB
from assistance.timereport_models import (
    FINDING_STATES,
    TimeReport,
    TimeReportFinding,
    TimeReportLine,
)
from assistance.timereport_queue import (
    QueueError,
    finding_ref,
    findings_select,
    handle_finding,
    missing_reports,
    month_stats,
    remind,
)
from assistance.timereport_rules import RuleMissing
from assistance.timereport_settle import EXPORT_HEADERS, export_rows, settle_month
from oversight.exports import export_response
from oversight.extensions import db
from oversight.identifiers import mask_personnummer
from oversight.jobs import DONE, create_job, dispatch
from oversight.permissions import require
from oversight.scoping import get_owned_or_404, get_scoped_or_404, restrict_to_department
from oversight.views_support import (
    commit_or_flash,
    flash_form_errors,
    paginate,
    sorted_by,
    sorted_rows,
)

bp = Blueprint("timereports", __name__, url_prefix="/assistance/timereports")


def today() -> date:
    return date.today()


def selected_month() -> date:
    """``?month=YYYY-MM``; default the previous month (the one being reported now)."""
    try:
        return parse_month(request.args.get("month") or request.form.get("month") or "")
    except ValueError:
        return (today().replace(day=1) - timedelta(days=1)).replace(day=1)


@bp.get("/")
@require("timereport.view")
def index():
    month = selected_month()
    stats = month_stats(db.session, current_user, month, today())
    rows = _code_rows(stats)
    if request.args.get("format") in ("csv", "xlsx"):
        return export_response(request.args["format"], f"avvikelser-per-kontroll-{month:%Y-%m}", [
            "kontroll", "kod", *(str(t) for t in FINDING_STATES.values()), "totalt"],
            ((r.label, r.code, *r.counts, r.total) for r in rows))
    return render_template("assistance/timereports/index.html", month=month, stats=stats,
                           rows=rows, states=FINDING_STATES)


def _code_rows(stats) -> list:
    """The statistics' findings per check, sorted by the column the reader chose: the check,
    a state's count (``state-<state>``) or the total; unsorted, most findings first."""
    if stats is None:
        return []
    keys = {"check": lambda r: r.label.casefold(), "total": lambda r: r.total}
    for i, state in enumerate(FINDING_STATES):
        keys[f"state-{state}"] = lambda r, i=i: r.counts[i]
    return sorted_rows(stats.code_rows(C.CODE_LABELS, list(FINDING_STATES)), keys, None)


@bp.post("/check")
@require("timereport.handle")
def run_check():
    """A background job: at national scale the checks take a while."""
    month = selected_month()
    job = create_job(db.session, current_user, CHECK_JOB,
                     _("Kontroll av tidrapporter %(month)s", month=month.strftime("%Y-%m")),
                     {"month": month.strftime("%Y-%m"), "department_id": current_user.department_id})
    db.session.commit()
    dispatch(job)
    db.session.refresh(job)
    if job.status == DONE:
        flash(_("Månadens tidrapporter är kontrollerade."), "success")
        return redirect(url_for(".findings", month=month.strftime("%Y-%m")))
    return redirect(url_for("jobs.show", job_id=job.id))


FINDING_SORTS = {"code": TimeReportFinding.code, "user": AssistanceUser.name,
                 "day": TimeReportFinding.day, "hours": TimeReportFinding.hours,
                 "state": TimeReportFinding.state, "id": TimeReportFinding.id}


@bp.get("/findings")
@require("timereport.view")
def findings():
    month = selected_month()
    code = request.args.get("code") if request.args.get("code") in C.CODE_LABELS else None
    state = request.args.get("state") if request.args.get("state") in FINDING_STATES else None
    stmt = findings_select(current_user, month, code, state)
    if request.args.get("sort") in FINDING_SORTS:  # else the queue's order: open ones first
        stmt = sorted_by(stmt.order_by(None).join(
            AssistanceUser, AssistanceUser.id == TimeReportFinding.assistance_user_id), FINDING_SORTS, "day")
    if request.args.get("format") in ("csv", "xlsx"):
        return export_response(request.args["format"], f"avvikelser-{month:%Y-%m}", [
            "kontroll", "kod", "användare", "personnummer", "datum", "timmar", "läge",
            "förklaring"], ((f.label, f.code, f.assistance_user.name,
                             f.assistance_user.masked_person_id, f.day, f.hours, f.state_label,
                             mask_personnummer(f.explanation))  # names assistants
                            for f in db.session.scalars(stmt.limit(100_000))))
    rows = paginate(stmt, per_page=50)
    return render_template("assistance/timereports/findings.html", month=month, page=rows,
                           code=code, state=state, labels=C.CODE_LABELS, states=FINDING_STATES)


@bp.route("/findings/<int:finding_id>", methods=["GET", "POST"])
@require("timereport.view")
def finding(finding_id: int):
    f = get_scoped_or_404(db.session, TimeReportFinding, finding_id, current_user)
    form = HandleFindingForm()
    if request.method == "POST":
        if not current_user.can("timereport.handle"):
            abort(403)
        f = get_owned_or_404(db.session, TimeReportFinding, finding_id, current_user)
        if form.validate_on_submit():
            if commit_or_flash(lambda: handle_finding(db.session, current_user, f,
                                                      form.action.data, form.comment.data),
                               _("Avvikelsen är hanterad."), errors=(QueueError,)):
                return redirect(url_for(".findings", month=f.month.strftime("%Y-%m")))
        else:
            flash_form_errors(form)
    lines = _district_lines(f.row_ids)
    return render_template("assistance/timereports/finding.html", f=f, form=form, lines=lines,
                           others=len(f.row_ids) - len(lines),
                           case=linked_case(db.session, current_user, "timereports", finding_ref(f)))


def _district_lines(ids: list[int]) -> list[TimeReportLine]:
    """The finding's rows that are in the district's own reports (another district's rows are
    counted, never shown)."""
    if not ids:
        return []
    stmt = (select(TimeReportLine).join(TimeReport).where(TimeReportLine.id.in_(ids))
            .order_by(TimeReportLine.day, TimeReportLine.start))
    return list(db.session.scalars(restrict_to_department(stmt, TimeReport, current_user)))


@bp.get("/missing")
@require("timereport.view")
def missing():
    month = selected_month()
    due, rows = missing_reports(db.session, current_user, month, today())
    rows = sorted_rows(rows, {"user": lambda m: m.user.name.casefold(),
                              "provider": lambda m: m.provider_name.casefold(),
                              "reminders": lambda m: len(m.reminders)}, None)
    if request.args.get("format") in ("csv", "xlsx"):
        return export_response(request.args["format"], f"saknade-rapporter-{month:%Y-%m}", [
            "användare", "personnummer", "anordnare", "påminnelser", "senast påmind"],
            ((m.user.name, m.user.masked_person_id, m.provider_name, len(m.reminders),
              max((r.sent_at for r in m.reminders), default=None)) for m in rows))
    return render_template("assistance/timereports/missing.html", month=month, due=due, rows=rows)


@bp.post("/missing/remind")
@require("timereport.handle")
def send_reminders():
    month = selected_month()
    holder = {}
    commit_or_flash(lambda: holder.update(n=remind(db.session, current_user, month, today())),
                    _("Påminnelser är skickade till anordnarna."))
    return redirect(url_for(".missing", month=month.strftime("%Y-%m")))


@bp.get("/settlement")
@require("timereport.view")
def settlement():
    month = selected_month()
    try:
        lines = settle_month(db.session, month, current_user)
    except RuleMissing as exc:
        flash(str(exc), "error")
        lines = []
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        return export_response(fmt, f"betalningsunderlag-{month:%Y-%m}", EXPORT_HEADERS,
                               export_rows(lines, mask))
    return render_template("assistance/timereports/settlement.html", month=month, lines=lines,
                           mask=mask)


@bp.get("/reports/<int:report_id>")
@require("timereport.view")
def report(report_id: int):
    r = get_scoped_or_404(db.session, TimeReport, report_id, current_user)
    versions = db.session.scalars(select(TimeReport).where(
        TimeReport.assistance_user_id == r.assistance_user_id, TimeReport.month == r.month,
        TimeReport.provider_key == r.provider_key).order_by(TimeReport.version)).all()
    return render_template("assistance/timereports/report.html", r=r, versions=versions,
                           lines=sorted_rows(r.lines, LINE_SORTS, "line"), mask=mask, portal=False)
