"""Ledger upload (preview, column mapping, import), import history, the multi-department
report with export, cluster pages and judgements."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from associations import forms, imports, ledger_preview
from associations.detection import (
    DetectionError,
    ReportFilters,
    judgements_for_key,
    latest_run,
    open_counts,
    record_judgement,
    report_clusters,
    run_departments,
)
from associations.hooks import DETECT_JOB, IMPORT_JOB, PREVIEW_JOB
from associations.models import (
    CLUSTER_STATUSES,
    VERDICTS,
    DetectionCluster,
    DetectionClusterEntry,
    DetectionRun,
    Grant,
    LedgerEntry,
    LedgerImport,
    LedgerMapping,
    LedgerUpload,
)
from associations.views import bp, departments
from oversight.auth.models import Department
from oversight.exports import export_response
from oversight.extensions import db
from oversight.formatting import percent_texts, sek
from oversight.identifiers import mask_personnummer as mask_pnr
from oversight.jobs import DONE, Job, busy_message, create_job, dispatch, running_job_of_kind
from oversight.permissions import require
from oversight.statistics.chart import bar_chart
from oversight.uploads import UploadError, import_max_bytes, read_bounded
from oversight.views_support import (
    flash_form_errors,
    id_arg,
    paginate,
    paginate_rows,
    sorted_by,
    sorted_rows,
)

# --- upload and import ------------------------------------------------------------------------

def _preset_choices() -> list[tuple[str, str]]:
    choices = list(imports.PRESET_LABELS.items())
    for m in db.session.scalars(select(LedgerMapping).order_by(LedgerMapping.name)):
        dept = db.session.get(Department, m.department_id)
        choices.append((f"mapping:{m.id}", _("Sparad: %(name)s (%(department)s)", name=m.name,
                                                       department=dept.name if dept else "")))
    return choices


@bp.route("/imports/new", methods=["GET", "POST"])
@require("ledger.import")
def upload():
    """Store the file (bounded, type checked by its first bytes) and read its preview in a
    background job; the browser follows the job to the preview page."""
    form = forms.UploadForm()
    form.department.choices = [(d.id, d.name) for d in departments()]
    form.preset.choices = _preset_choices()
    if request.method == "GET":
        form.department.data = current_user.department_id
        form.preset.data = "standard"
    if form.validate_on_submit():
        department = db.session.get(Department, form.department.data)
        try:
            data = read_bounded(form.file.data.stream, import_max_bytes())
            start, end = imports.month_period(form.period.data)
            up = imports.store_upload(db.session, current_user, filename=form.file.data.filename,
                                      data=data, department=department,
                                      preset=form.preset.data, period_start=start,
                                      period_end=end)
        except (imports.LedgerImportError, UploadError) as exc:
            db.session.rollback()
            form.file.errors.append(str(exc))
        else:
            return _read_preview(up, None)
    return render_template("associations/upload.html", form=form)


def _read_preview(up: LedgerUpload, columns: dict | None):
    """Start the preview job (with a chosen column mapping, or the upload's preset) and send
    the browser to the preview when it is ready, else to the job's progress bar."""
    job = create_job(db.session, current_user, PREVIEW_JOB,
                     _("Förhandsgranskning av %(filename)s", filename=up.filename),
                     {"upload_id": up.id, "columns": columns}, total=1)
    up.preview = {"ready": False, "job_id": job.id}
    db.session.commit()
    dispatch(job)
    db.session.refresh(job)
    db.session.refresh(up)
    if job.status == DONE:
        return redirect(url_for(".preview_upload", upload_id=up.id))
    return redirect(url_for("jobs.show", job_id=job.id))


def _upload_or_404(upload_id: int) -> LedgerUpload:
    up = db.session.get(LedgerUpload, upload_id)
    if up is None or up.uploaded_by_id != current_user.id:
        abort(404)
    return up


def _mapping_of(up: LedgerUpload) -> tuple[str, dict | None]:
    if up.preset.startswith("mapping:"):
        mapping = db.session.get(LedgerMapping, int(up.preset.split(":", 1)[1]))
        return "standard", (mapping.columns if mapping else None)
    return up.preset, None


def _already_imported(up: LedgerUpload):
    """A complete import of the same file (an incomplete one is continued by the import)."""
    return db.session.scalar(select(LedgerImport).where(LedgerImport.sha256 == up.sha256,
                                                        LedgerImport.complete.is_(True)))


@bp.route("/imports/uploads/<int:upload_id>", methods=["GET", "POST"])
@require("ledger.import")
def preview_upload(upload_id: int):
    up = _upload_or_404(upload_id)
    pv = ledger_preview.preview_of(up.preview)
    if pv is None:  # its job has not finished (or never ran): show its progress
        job_id = (up.preview or {}).get("job_id")
        if job_id and db.session.get(Job, job_id) is not None:
            return redirect(url_for("jobs.show", job_id=job_id))
        return _read_preview(up, None)
    preset, columns = _mapping_of(up)
    columns = (up.preview or {}).get("mapping") or columns
    form = forms.ConfirmImportForm()
    choices = [("", _("— finns inte i filen —"))] + [(h, h) for h in pv.header]
    for name in form.FIELDS:
        form[name].choices = choices
    if request.method == "GET":
        for name in form.FIELDS:
            form[name].data = pv.columns.get(name, "")
        if up.period_start:
            form.period.data = up.period_start.strftime("%Y-%m")
    already = _already_imported(up)
    blocked = _blocked_reason(None, already)
    if request.method == "POST" and form.validate_on_submit():
        chosen = {name: form[name].data for name in form.FIELDS if form[name].data}
        if not blocked and chosen != pv.columns:
            pv = _preview_with(up, chosen)  # read again with the chosen columns, in a job
            if pv is None:
                return redirect(url_for("jobs.show", job_id=up.preview["job_id"]))
            columns = chosen
        blocked = blocked or _blocked_reason(pv, None)
        if blocked:  # nothing valid would be imported (or it already was): no import job
            return render_template("associations/preview.html", up=up, pv=pv, form=form,
                                   labels=imports.FIELD_LABELS, blocked=blocked,
                                   already=already), 422
        return _confirm(up, form, preset, columns, pv, chosen)
    if request.method == "POST":
        flash_form_errors(form)
    return render_template("associations/preview.html", up=up, pv=pv, form=form,
                           labels=imports.FIELD_LABELS, blocked=blocked, already=already)


def _preview_with(up: LedgerUpload, chosen: dict):
    """The preview read again with the chosen columns; None while its job is still running
    (the job's result link then leads back to the preview with these columns)."""
    try:
        imports.check_columns("standard", chosen)
    except imports.LedgerImportError as exc:
        header = ledger_preview.preview_of(up.preview).header
        return ledger_preview.Preview(header=header, columns=chosen, error=str(exc))
    job = create_job(db.session, current_user, PREVIEW_JOB,
                     _("Förhandsgranskning av %(filename)s", filename=up.filename),
                     {"upload_id": up.id, "columns": chosen}, total=1)
    up.preview = {"ready": False, "job_id": job.id}
    db.session.commit()
    dispatch(job)
    db.session.refresh(up)
    return ledger_preview.preview_of(up.preview)


def _blocked_reason(pv, already) -> str | None:
    """Why the preview offers no *Importera*: the file was imported before (found by its
    checksum before any job), or no row can be read with the chosen columns."""
    if already is not None:
        return (f"Filen är redan importerad ({already.filename}, import {already.id}): "
                "samma fil importeras inte två gånger.")
    if pv is not None and (pv.error or not pv.rows):
        return ("Inget giltigt att importera: ingen rad kan läsas med de valda kolumnerna. "
                "Rätta kolumnvalen eller filen och ladda upp den igen.")
    return None


def _confirm(up, form, preset, columns, pv, chosen):
    """Check what can be checked at once, then hand the import to a background job and show
    its progress bar; the job's result link leads to the import's page."""
    unchanged = columns is None and chosen == pv.columns
    use_columns = None if unchanged else chosen
    try:
        start, end = imports.month_period(form.period.data)
        imports.check_columns(preset, use_columns)
    except imports.LedgerImportError as exc:
        flash(_("Filen kunde inte importeras: %(exc)s", exc=exc), "error")
        return render_template("associations/preview.html", up=up, pv=pv, form=form,
                               labels=imports.FIELD_LABELS, import_error=str(exc)), 422
    running = running_job_of_kind(db.session, IMPORT_JOB, up.department_id)
    if running is not None:  # one import at a time per department (also the button twice)
        flash(busy_message(running), "error")
        return redirect(url_for("jobs.show", job_id=running.id))
    start, end = start or up.period_start, end or up.period_end
    save_as = (form.save_as.data or "").strip()
    job = create_job(db.session, current_user, IMPORT_JOB, _("Import av reskontra %(filename)s", filename=up.filename),
                     {"upload_id": up.id, "department_id": up.department_id, "preset": preset,
                      "columns": use_columns,
                      "period_start": start.isoformat() if start else None,
                      "period_end": end.isoformat() if end else None,
                      "save_as": save_as or None, "save_columns": chosen if save_as else None},
                     total=None)  # the job counts the rows; the request never opens the file
    db.session.commit()
    dispatch(job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/imports")
@require("grants.view")
def imports_index():
    stmt = (select(LedgerImport).join(Department, Department.id == LedgerImport.department_id)
            .options(selectinload(LedgerImport.department),
                     selectinload(LedgerImport.imported_by)))
    stmt = sorted_by(stmt, {"file": LedgerImport.filename, "department": Department.name,
                            "period": LedgerImport.period_start, "rows": LedgerImport.row_count,
                            "flagged": LedgerImport.flagged_row_count,
                            "amount": LedgerImport.total_amount, "imported": LedgerImport.id},
                     default="imported", default_dir="desc")
    if request.args.get("format") in ("csv", "xlsx"):
        rows = ((li.created_at, li.filename, li.department.name, li.period_start, li.period_end,
                 li.row_count, li.grant_row_count, li.flagged_row_count, li.total_amount,
                 li.imported_by.name if li.imported_by else li.source)
                for li in db.session.scalars(stmt.limit(100_000)))
        return export_response(request.args["format"], "reskontraimporter", [
            "importerad", "fil", "förvaltning", "period från", "period till", "rader",
            "bidragsrader", "flaggade", "summa", "av"], rows)
    return render_template("associations/imports.html", page=paginate(stmt))


@bp.get("/imports/<int:import_id>")
@require("grants.view")
def show_import(import_id: int):
    li = db.get_or_404(LedgerImport, import_id)
    problems = paginate(select(LedgerEntry).where(
        LedgerEntry.import_id == li.id, LedgerEntry.org_nr_problem.is_not(None))
        .order_by(LedgerEntry.row_number))
    return render_template("associations/import.html", li=li, problems=problems,
                           detect_form=forms.DetectionForm(period_start=li.period_start,
                                                           period_end=li.period_end))


# --- detection and report ---------------------------------------------------------------------

@bp.post("/report/run")
@require("ledger.import")
def start_detection():
    form = forms.DetectionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".report"))
    start, end = form.period_start.data, form.period_end.data
    if start and end and end < start:
        flash(_("Periodens slut ligger före dess början."), "error")
        return redirect(url_for(".report"))
    label = f"{start or '…'} – {end or '…'}" if start or end else "alla perioder"
    job = create_job(db.session, current_user, DETECT_JOB,
                     _("Föreningar med betalningar från flera förvaltningar (%(label)s)", label=label),
                     {"period_start": start.isoformat() if start else None,
                      "period_end": end.isoformat() if end else None,
                      "grants_only": bool(form.grants_only.data)}, total=4)
    db.session.commit()
    dispatch(job)
    return redirect(url_for("jobs.show", job_id=job.id))


def _filters() -> ReportFilters:
    try:
        min_amount = Decimal(request.args["min_amount"].replace(" ", "").replace(",", ".")) \
            if request.args.get("min_amount") else None
    except InvalidOperation:
        flash(_("Minsta belopp måste vara ett tal; filtret används inte."), "error")
        min_amount = None
    status = request.args.get("status", "open")
    if status not in ("open", "all", *CLUSTER_STATUSES, *VERDICTS):
        status = "open"
    return ReportFilters(department=request.args.get("department") or None,
                         min_amount=min_amount, status=status,
                         scope="all" if request.args.get("scope") == "all" else "associations",
                         double_only=request.args.get("double") == "1")


EXPORT_HEADERS = ["klusternyckel", "namn", "organisationsnummer", "förening", "förvaltningar",
                  "totalt (kr)", "varav bidragskonton (kr)", "belopp per förvaltning",
                  "konton", "syften", "möjlig dubbelfinansiering", "status", "bedömning",
                  "kommentar"]


def _per_department_text(departments) -> str:
    """``Kultur: 275 000 kr (55 %); …``: the one amount format, shares that add up to 100."""
    shares = percent_texts([d["amount"] for d in departments])
    return "; ".join(f"{d['department']}: {sek(d['amount'])} ({share})"
                     for d, share in zip(departments, shares))


def _export_rows(rows):
    for c, j in rows:
        per_dept = _per_department_text(c.departments or [])
        key = f"orgnr:{mask_pnr(c.resolved_org_nr)}" if c.resolved_org_nr else c.cluster_key
        yield (key, c.canonical_name, mask_pnr(c.resolved_org_nr),
               "ja" if c.is_association else "nej", c.department_count, Decimal(c.total),
               Decimal(c.grant_total), per_dept, "; ".join(c.accounts), "; ".join(c.purposes),
               " ".join(c.funding_reasons) if c.double_funding else "nej", c.status_label,
               j.verdict_label if j else "", j.comment if j and j.comment else "")


def _per_department(rows):
    """The listed payees' amounts summed per paying department, largest first (the report's
    chart and its table)."""
    totals: dict[str, Decimal] = {}
    for cluster, _judgement in rows:
        for d in cluster.departments or []:
            totals[d["department"]] = totals.get(d["department"], Decimal(0)) + Decimal(str(d["amount"] or 0))
    return bar_chart(sorted(totals.items(), key=lambda kv: -kv[1]), "sek")


# The report's sortable columns (rows are (cluster, judgement)); unsorted, the service's order.
REPORT_SORTS = {"name": lambda r: r[0].canonical_name.casefold(),
                "departments": lambda r: r[0].department_count,
                "total": lambda r: Decimal(r[0].total),
                "status": lambda r: (not r[0].double_funding, r[0].status_label)}


@bp.get("/report")
@require("grants.view")
def report():
    run_id = id_arg("run")
    run = db.session.get(DetectionRun, run_id) if run_id else latest_run(db.session)
    if run_id and run is None:
        abort(404)
    f = _filters()
    rows = sorted_rows(report_clusters(db.session, run, f) if run else [], REPORT_SORTS, None)
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx") and run:
        return export_response(fmt, f"flera-forvaltningar-{run.id}", EXPORT_HEADERS,
                               _export_rows(rows))
    runs = list(db.session.scalars(select(DetectionRun).order_by(DetectionRun.id.desc())
                                   .limit(50)))
    return render_template("associations/report.html", run=run, runs=runs, rows=rows, f=f,
                           page=paginate_rows(rows),
                           by_department=_per_department(rows),
                           to_assess=open_counts(db.session, run) if run else (0, 0),
                           departments=run_departments(db.session, run) if run else [],
                           statuses=CLUSTER_STATUSES, verdicts=VERDICTS,
                           detect_form=forms.DetectionForm(
                               period_start=run.period_start if run else None,
                               period_end=run.period_end if run else None))


@bp.get("/clusters/<int:cluster_id>")
@require("grants.view")
def show_cluster(cluster_id: int):
    cluster = db.get_or_404(DetectionCluster, cluster_id)
    entries = list(db.session.scalars(
        select(LedgerEntry).join(DetectionClusterEntry,
                                 DetectionClusterEntry.entry_id == LedgerEntry.id)
        .where(DetectionClusterEntry.cluster_id == cluster.id)
        .order_by(LedgerEntry.department_raw, LedgerEntry.id).limit(500)))
    grants = []
    if cluster.organisation_id:
        grants = list(db.session.scalars(select(Grant).where(
            Grant.organisation_id == cluster.organisation_id).order_by(Grant.period_start)))
    return render_template("associations/cluster.html", c=cluster, entries=entries,
                           grants=grants, judgements=judgements_for_key(db.session,
                                                                        cluster.cluster_key),
                           form=forms.JudgementForm())


@bp.post("/clusters/<int:cluster_id>/judgement")
@require("grants.manage")
def judge_cluster(cluster_id: int):
    cluster = db.get_or_404(DetectionCluster, cluster_id)
    form = forms.JudgementForm()
    if form.validate_on_submit():
        try:
            j = record_judgement(db.session, current_user, cluster, verdict=form.verdict.data,
                                 comment=form.comment.data)
        except DetectionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Bedömningen '%(verdict_label)s' är sparad och gäller tills något nytt dyker upp (ny "
                    "förvaltning, nytt konto eller kraftigt ökat belopp).",
                    verdict_label=j.verdict_label),
                  "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".show_cluster", cluster_id=cluster.id))
