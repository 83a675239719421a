"""Thin views: registry status and quick lookup, evidence pages, "check now", manual entry
with a document, and file import."""
from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from oversight import identifiers
from oversight.audit import record_view
from oversight.exports import export_response
from oversight.extensions import db
from oversight.jobs import DONE, create_job, dispatch
from oversight.jobs_health import JobBusy
from oversight.organisations.models import Organisation
from oversight.permissions import require
from oversight.upload_store import job_errors, start_upload_job
from oversight.uploads import UploadError, import_max_bytes, read_bounded
from oversight.views_support import id_arg, paginate, sorted_by
from registries import forms, services
from registries.assess import assess_configured
from registries.base import REGISTRIES, REGISTRY_LABELS
from registries.documents import DocumentError
from registries.models import RegistryDocument, RegistryImport, RegistryLookup, RegistryRecord
from registries.services import IMPORT_JOB
from registries.store import blob_data

bp = Blueprint("registries", __name__, url_prefix="/registries")
RAW_SHOWN = 200_000  # characters of a raw answer shown on the page; the rest by download


@bp.route("/", methods=["GET", "POST"])
@require("registry.lookup")
def index():
    form = forms.LookupForm()
    if form.validate_on_submit():
        try:
            stored = services.lookup(db.session, current_user, form.registry.data, form.orgnr.data, use_cache=False)
        except services.RegistryInputError as exc:
            form.orgnr.errors.append(str(exc))
        else:
            db.session.commit()
            return redirect(url_for(".evidence", lookup_id=stored.id))
    stmt = services.visible_lookups(select(RegistryLookup), current_user)
    stmt = sorted_by(stmt, LOOKUP_SORTS, default="retrieved", default_dir="desc")
    if request.args.get("format") in ("csv", "xlsx"):
        return _export_lookups(request.args["format"], stmt)
    recent = paginate(stmt)
    return render_template("registries/index.html", form=form, recent=recent,
                           status=services.registry_status(db.session), labels=REGISTRY_LABELS)


LOOKUP_SORTS = {"registry": RegistryLookup.registry, "status": RegistryLookup.status,
                "source": RegistryLookup.source, "retrieved": RegistryLookup.id}


def _export_lookups(fmt: str, stmt):
    rows = ((s.retrieved_at, s.registry_label, s.organisation.name if s.organisation else
             identifiers.mask_personnummer(s.identifier), s.status_label, s.source,
             s.user.name if s.user else "systemet") for s in db.session.scalars(stmt.limit(100_000)))
    return export_response(fmt, "registeruppslag", ["hämtat", "register", "identitet", "svar",
                                                    "källa", "av"], rows)


def _is_personal(identifier: str) -> bool:
    result = identifiers.validate("orgnr", identifier)
    return bool(result.valid and result.details.get("personal_data"))


@bp.get("/lookups/<int:lookup_id>")
@require("org.view")
def evidence(lookup_id: int):
    stored = services.get_visible_lookup_or_404(db.session, lookup_id, current_user)
    raw = blob_data(db.session, stored.raw_sha256)
    shown = text = None
    if raw is not None:
        text = raw.decode("utf-8", errors="replace")
        try:
            text = json.dumps(json.loads(text), ensure_ascii=False, indent=2)
        except ValueError:
            pass
        shown = text[:RAW_SHOWN]
        if _is_personal(stored.identifier):  # the raw answer names the sole trader in full
            record_view(db.session, "registry_lookup", stored.id, "Visade registersvar om enskild näringsidkare")
            db.session.commit()
    history = [s for s in services.lookups_for(db.session, stored.identifier, stored.registry, limit=21,
                                                    user=current_user)
               if s.id != stored.id][:20]
    return render_template("registries/evidence.html", stored=stored, raw=shown, raw_size=len(raw or b""),
                           history=history,
                           truncated=text is not None and len(shown) < len(text),
                           assessment=assess_configured(stored),
                           identifier=identifiers.mask_personnummer(stored.identifier))


@bp.get("/lookups/<int:lookup_id>/raw")
@require("org.view")
def raw(lookup_id: int):
    stored = services.get_visible_lookup_or_404(db.session, lookup_id, current_user)
    data = blob_data(db.session, stored.raw_sha256)
    if data is None:
        abort(404)
    if _is_personal(stored.identifier):
        record_view(db.session, "registry_lookup", stored.id, "Laddade ned registersvar om enskild näringsidkare")
        db.session.commit()
    extension = "json" if b"{" in data[:2] or b"[" in data[:2] else "txt"
    return Response(data, mimetype="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=registersvar-{stored.id}-{stored.raw_sha256[:12]}.{extension}"})


@bp.get("/documents/<int:document_id>")
@require("org.view")
def document(document_id: int):
    doc = db.get_or_404(RegistryDocument, document_id)
    data = blob_data(db.session, doc.sha256)
    subjects = set(db.session.scalars(select(RegistryRecord.identifier).where(
        RegistryRecord.document_id == doc.id))) | set(db.session.scalars(
        select(RegistryLookup.identifier).where(RegistryLookup.document_id == doc.id)))
    if any(_is_personal(s) for s in subjects):  # a sole trader's document names them in full
        record_view(db.session, "registry_document", doc.id,
                    "Laddade ned dokument om enskild näringsidkare")
        db.session.commit()
    return Response(data, mimetype=doc.content_type, headers={
        "Content-Disposition": f"attachment; filename=dokument-{doc.id}.{doc.content_type.rsplit('/', 1)[-1]}"})


@bp.post("/organisations/<int:org_id>/check")
@require("registry.lookup")
def check_now(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    if not forms.CheckForm().validate_on_submit():
        abort(400)
    chosen = [r for r in request.form.getlist("registry") if r in REGISTRIES] or list(REGISTRIES)
    job = create_job(db.session, current_user, "registries.check", _("Registerkontroll: %(name)s", name=org.name),
                     {"organisation_id": org.id, "registries": chosen,
                      "result_url": url_for("organisations.show", org_id=org.id, _anchor="registries")},
                     total=len(chosen))
    db.session.commit()
    dispatch(job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/manual/<kind>", methods=["GET", "POST"])
@require("registry.manual")
def manual(kind: str):
    form_class = forms.MANUAL_FORMS.get(kind)
    if form_class is None:
        abort(404)
    form = form_class()
    org_id = id_arg("org")
    if request.method == "GET" and org_id:  # the id, not the number: a sole trader's is a personnummer
        form.orgnr.data = db.get_or_404(Organisation, org_id).orgnr
    problem = None
    if form.validate_on_submit():
        upload = form.document.data
        max_bytes = int(current_app.config["REGISTRY_DOCUMENT_MAX_MB"]) * 1024 * 1024
        try:
            stored = services.enter_manual_answer(
                db.session, current_user, kind, form.row(), upload.filename, upload.stream.read(max_bytes + 1),
                form.document_date.data)
        except DocumentError as exc:
            db.session.rollback()
            form.document.errors = list(form.document.errors) + [str(exc)]
        except ValueError as exc:
            db.session.rollback()
            problem = str(exc)
        else:
            db.session.commit()
            flash(_("Beskedet och dokumentet är sparade."), "success")
            return redirect(url_for(".evidence", lookup_id=stored.id))
    return render_template("registries/manual.html", form=form, kind=kind, label=REGISTRY_LABELS[kind],
                           problem=problem, max_mb=current_app.config["REGISTRY_DOCUMENT_MAX_MB"])


@bp.route("/import", methods=["GET", "POST"])
@require("registry.manual")
def import_file():
    """Store the file and parse it in a background job (its page shows the progress, then the
    import); when the job has already finished (immediate mode), show the outcome here."""
    form = forms.ImportForm()
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = read_bounded(upload.stream, import_max_bytes())
            job = start_upload_job(
                db.session, current_user, IMPORT_JOB, f"Registerimport {upload.filename}",
                filename=upload.filename, data=data,
                params={"kind": form.kind.data, "data_date": form.data_date.data.isoformat()
                        if form.data_date.data else None})
        except (UploadError, JobBusy) as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            if job.status == DONE:
                flash(job.message, "success")
                return redirect(job.result_url)
            if not job.failed:
                return redirect(url_for("jobs.show", job_id=job.id))
            errors = job_errors(job)
            flash(job.error, "error")
    stmt = sorted_by(select(RegistryImport), IMPORT_SORTS, default="started", default_dir="desc")
    if request.method == "GET" and request.args.get("format") in ("csv", "xlsx"):
        return _export_imports(request.args["format"], stmt)
    return render_template("registries/import.html", form=form, errors=errors,
                           imports=paginate(stmt))


IMPORT_SORTS = {"kind": RegistryImport.kind, "file": RegistryImport.filename,
                "rows": RegistryImport.rows_total, "inserted": RegistryImport.inserted,
                "rejected": RegistryImport.rejected, "started": RegistryImport.id}


def _export_imports(fmt: str, stmt):
    from oversight.labels import label

    rows = ((i.started_at, label(i.kind, "registry_import_kind"), i.filename, i.data_date,
             i.rows_total, i.inserted, i.updated, i.rejected,
             i.imported_by.name if i.imported_by else "systemet")
            for i in db.session.scalars(stmt.limit(100_000)))
    return export_response(fmt, "registerimporter", [
        "importerad", "typ", "fil", "uppgifternas datum", "rader", "nya", "ändrade",
        "avvisade", "av"], rows)


@bp.get("/imports/<int:import_id>")
@require("registry.manual")
def import_show(import_id: int):
    return render_template("registries/import_show.html", imp=db.get_or_404(RegistryImport, import_id))
