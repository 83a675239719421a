"""Thin views: the supplier list, supplier page, procurements with their tenderers and the
"Kontrollera" batch, contracts, complaints and the monitoring feed. Checks, extracts,
hearings and decisions are in ``views_cases.py`` on the same blueprint."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from oversight.auth.models import Department
from oversight.exports import export_response
from oversight.extensions import db
from oversight.formatting import local_datetime
from oversight.jobs import Job, create_job, dispatch
from oversight.permissions import require
from oversight.scoping import (
    get_owned_or_404,
    get_scoped,
    get_scoped_or_404,
    may_change,
    scoped_select,
)
from oversight.statistics.chart import bar_chart
from oversight.views_support import (
    confirmation_page,
    flash_form_errors,
    needs_confirmation,
    paginate,
    sorted_by,
    sorted_rows,
)
from suppliers import checks, forms, monitoring, rule_values, rules, services
from suppliers.models import (
    Complaint,
    Contract,
    CriminalRecordExtract,
    Decision,
    Hearing,
    MonitoringFinding,
    MonitorRun,
    Procurement,
    Supplier,
    SupplierCheck,
    Tender,
)
from suppliers.services import RISK_BADGES, RISK_LABELS, SupplierError

bp = Blueprint("suppliers", __name__, url_prefix="/suppliers")


@bp.context_processor
def labels():
    from oversight.db import utcnow
    from oversight.formatting import local_datetime
    from suppliers import evidence as ev

    return {"source_labels": ev.SOURCE_LABELS, "status_labels": ev.STATUS_LABELS,
            "now_text": local_datetime(utcnow()),
            "manual_kinds": (ev.SKATTEVERKET, ev.KRONOFOGDEN, ev.IVO)}


def flash_errors(form) -> None:
    flash_form_errors(form)


def attempt(action, success: str | None = None) -> bool:
    """Run a service call; on a SupplierError roll back (nothing half-saved) and flash."""
    try:
        action()
    except SupplierError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True


def supplier_or_404(supplier_id: int) -> Supplier:
    return db.get_or_404(Supplier, supplier_id)


# --- supplier list and page ----------------------------------------------------------------------

@bp.get("/")
@require("supplier.view")
def index():
    args = request.args
    stmt = services.supplier_listing(db.session, current_user, q=args.get("q", ""),
                                     risk=args.get("risk", ""), sort=args.get("sort", "name"),
                                     direction=args.get("dir", "asc"))
    if args.get("format") in ("csv", "xlsx"):
        suppliers = db.session.scalars(stmt).all()
        extras = services.listing_extras(db.session, current_user, suppliers)
        rows = []
        for s in suppliers:
            check, warnings = extras[s.id]
            rows.append((s.organisation.display_orgnr, s.name,
                         RISK_LABELS[services.risk_of(check, warnings)], warnings,
                         check.created_at if check else None,
                         check.overall_label if check else "", len(s.active_contracts())))
        return export_response(args["format"], "leverantorer",
                               ["organisationsnummer", "namn", "riskstatus", "aktiva varningar",
                                "senast kontrollerad", "senaste kontroll", "aktiva avtal"], rows)
    page = paginate(stmt)
    return render_template("suppliers/index.html", page=page,
                           extras=services.listing_extras(db.session, current_user, page.items),
                           risk_of=services.risk_of, risk_labels=RISK_LABELS,
                           risk_badges=RISK_BADGES)


@bp.route("/new", methods=["GET", "POST"])
@require("supplier.manage")
def create():
    form = forms.SupplierForm()
    if form.validate_on_submit():
        try:
            supplier = services.ensure_supplier(db.session, current_user, orgnr=form.orgnr.data,
                                                name=form.name.data)
        except SupplierError as exc:
            db.session.rollback()
            form.orgnr.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s finns i leverantörsregistret.", name=supplier.name), "success")
            return redirect(url_for(".show", supplier_id=supplier.id))
    return render_template("suppliers/form.html", form=form, title=_("Ny leverantör"),
                           submit=_("Spara leverantör"), action=url_for(".create"),
                           crumbs=[("Leverantörer", url_for(".index"))])


@bp.get("/<int:supplier_id>")
@require("supplier.view")
def show(supplier_id: int):
    supplier = supplier_or_404(supplier_id)
    user = current_user
    mine = lambda model: db.session.scalars(  # noqa: E731
        scoped_select(model, user).where(model.supplier_id == supplier.id)
        .order_by(model.id.desc())).all()
    complaints = db.session.scalars(select(Complaint).where(
        Complaint.supplier_id == supplier.id).order_by(Complaint.occurred_on.desc())).all()
    extracts = db.session.scalars(scoped_select(CriminalRecordExtract, user).where(
        CriminalRecordExtract.organisation_id == supplier.organisation_id)
        .order_by(CriminalRecordExtract.document_date.desc())).all()
    return render_template(
        "suppliers/show.html", supplier=supplier, org=supplier.organisation,
        checks=mine(SupplierCheck)[:20], hearings=mine(Hearing), decisions=mine(Decision),
        complaints=complaints, extracts=extracts, check_form=forms.CheckForm(),
        assess_form=forms.AssessComplaintForm(), empty_form=forms.EmptyForm())


@bp.post("/<int:supplier_id>/check")
@require("supplier.manage")
def check_now(supplier_id: int):
    supplier = supplier_or_404(supplier_id)
    form = forms.CheckForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for(".show", supplier_id=supplier.id))
    try:
        check = checks.check_supplier(db.session, current_user, supplier,
                                      regime=form.regime.data,
                                      permit_activity=form.permit_activity.data or None)
    except SupplierError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".show", supplier_id=supplier.id))
    db.session.commit()
    flash(_("Kontrollen är klar: %(overall_label)s.", overall_label=check.overall_label), "success")
    return redirect(url_for(".check", check_id=check.id))


# --- contracts and complaints ------------------------------------------------------------------

def _department_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Department).order_by(Department.name))
    return [(0, "– ingen –")] + [(d.id, d.name) for d in rows]


@bp.route("/<int:supplier_id>/contracts/new", methods=["GET", "POST"])
@require("supplier.manage")
def new_contract(supplier_id: int):
    supplier = supplier_or_404(supplier_id)
    form = forms.ContractForm()
    form.calling_department_id.choices = _department_choices()
    if form.validate_on_submit():
        data = dict(form.data, calling_department_id=form.calling_department_id.data or None)
        if attempt(lambda: services.create_contract(db.session, current_user, supplier, data),
                   _("Avtalet är registrerat.")):
            return redirect(url_for(".show", supplier_id=supplier.id, _anchor="avtal"))
    elif request.method == "POST":
        flash_errors(form)
    return render_template("suppliers/form.html", form=form, title=_("Nytt avtal med %(name)s", name=supplier.name),
                           submit="Spara avtal", action=request.path,
                           crumbs=[("Leverantörer", url_for(".index")),
                                   (supplier.name, url_for(".show", supplier_id=supplier.id))])


@bp.route("/contracts/<int:contract_id>/complaints/new", methods=["GET", "POST"])
@require("complaint.create")
def new_complaint(contract_id: int):
    contract = db.get_or_404(Contract, contract_id)
    form = forms.ComplaintForm()
    if form.validate_on_submit():
        if attempt(lambda: services.file_complaint(
                db.session, current_user, contract, occurred_on=form.occurred_on.data,
                category=form.category.data, severity=form.severity.data,
                description=form.description.data),
                _("Klagomålet är registrerat och skickat till %(name)s.", name=contract.department.name)):
            return redirect(url_for(".show", supplier_id=contract.supplier_id,
                                    _anchor="klagomal"))
    elif request.method == "POST":
        flash_errors(form)
    return render_template("suppliers/form.html", form=form,
                           title=_("Klagomål på avtal %(reference)s", reference=contract.reference),
                           intro=_("%(supplier)s, %(contract)s. Klagomålet går till %(department)s som äger "
                                   "avtalet och räknas som en möjlig brist i tre år.",
                                   supplier=contract.supplier.name, contract=contract.title,
                                   department=contract.department.name),
                           submit=_("Registrera klagomål"), action=request.path,
                           crumbs=[("Leverantörer", url_for(".index")),
                                   (contract.supplier.name,
                                    url_for(".show", supplier_id=contract.supplier_id))])


@bp.post("/complaints/<int:complaint_id>/assess")
@require("supplier.manage")
def assess_complaint(complaint_id: int):
    complaint = get_owned_or_404(db.session, Complaint, complaint_id, current_user)
    form = forms.AssessComplaintForm()
    if form.validate_on_submit():
        attempt(lambda: services.assess_complaint(db.session, current_user, complaint,
                                                  status=form.status.data,
                                                  assessment=form.assessment.data),
                _("Klagomålet är bedömt."))
    else:
        flash_errors(form)
    return redirect(url_for(".show", supplier_id=complaint.supplier_id, _anchor="klagomal"))


# --- procurements --------------------------------------------------------------------------------

@bp.get("/procurements/")
@require("supplier.view")
def procurements():
    stmt = (select(Procurement).join(Department, Department.id == Procurement.department_id)
            .options(selectinload(Procurement.department), selectinload(Procurement.tenders)))
    stmt = sorted_by(stmt, {"reference": Procurement.reference, "title": Procurement.title,
                            "department": Department.name, "status": Procurement.status,
                            "created": Procurement.id}, default="created", default_dir="desc")
    if request.args.get("format") in ("csv", "xlsx"):
        rows = ((p.reference, p.title, p.procedure_label, p.department.name, len(p.tenders),
                 p.status_label, p.estimated_value) for p in db.session.scalars(stmt.limit(100_000)))
        return export_response(request.args["format"], "upphandlingar", [
            "diarienummer", "rubrik", "form", "förvaltning", "anbudsgivare", "status",
            "uppskattat värde"], rows)
    return render_template("suppliers/procurements.html", page=paginate(stmt))


@bp.route("/procurements/new", methods=["GET", "POST"])
@require("supplier.manage")
def new_procurement():
    form = forms.ProcurementForm()
    if form.validate_on_submit():
        holder = {}

        def create():
            holder["p"] = services.create_procurement(db.session, current_user, form.data)

        if attempt(create, _("Upphandlingen är registrerad. Lägg till anbudsgivarna.")):
            return redirect(url_for(".procurement", procurement_id=holder["p"].id))
    elif request.method == "POST":
        flash_errors(form)
    return render_template("suppliers/form.html", form=form, title=_("Ny upphandling"),
                           submit="Spara upphandling", action=request.path,
                           crumbs=[("Upphandlingar", url_for(".procurements"))])


def _results_for(procurement: Procurement) -> list[tuple[Tender, SupplierCheck | None]]:
    latest = {}
    rows = db.session.scalars(scoped_select(SupplierCheck, current_user).where(
        SupplierCheck.procurement_id == procurement.id).order_by(SupplierCheck.id.desc())
        .options(selectinload(SupplierCheck.grounds)))
    for check in rows:
        latest.setdefault(check.supplier_id, check)
    return [(t, latest.get(t.supplier_id)) for t in procurement.tenders]


@bp.get("/procurements/<int:procurement_id>")
@require("supplier.view")
def procurement(procurement_id: int):
    procurement = db.get_or_404(Procurement, procurement_id)
    results = _results_for(procurement)
    show = request.args.get("show", "")
    counts = {k: sum(1 for _, c in results if c and c.overall == k)
              for k in (rules.FOUND, rules.UNKNOWN, rules.CLEAR)}
    counts["unchecked"] = sum(1 for _, c in results if c is None)
    if show in counts:
        results = [(t, c) for t, c in results
                   if (c.overall if c else "unchecked") == show]
    job = (get_scoped(db.session, Job, procurement.last_job_id, current_user)
           if procurement.last_job_id else None)
    return render_template("suppliers/procurement.html", procurement=procurement,
                           results=results, counts=counts, show=show, job=job,
                           tender_form=forms.TendererForm(), empty_form=forms.EmptyForm(),
                           own=may_change(current_user, procurement))


@bp.post("/procurements/<int:procurement_id>/tenderers")
@require("supplier.manage")
def add_tenderer(procurement_id: int):
    procurement = get_owned_or_404(db.session, Procurement, procurement_id, current_user)
    form = forms.TendererForm()
    if form.validate_on_submit():
        attempt(lambda: services.add_tenderer(db.session, current_user, procurement,
                                              orgnr=form.orgnr.data, name=form.name.data,
                                              submitted_on=form.submitted_on.data),
                _("Anbudsgivaren är tillagd."))
    else:
        flash_errors(form)
    return redirect(url_for(".procurement", procurement_id=procurement.id))


@bp.post("/procurements/<int:procurement_id>/tenderers/<int:tender_id>/remove")
@require("supplier.manage")
def remove_tenderer(procurement_id: int, tender_id: int):
    procurement = get_owned_or_404(db.session, Procurement, procurement_id, current_user)
    tender = get_owned_or_404(db.session, Tender, tender_id, current_user)
    if tender.procurement_id != procurement.id:
        abort(404)
    if needs_confirmation():
        return confirmation_page(
            title=_("Ta bort anbudsgivaren"),
            whom=_("%(supplier)s i %(procurement)s", supplier=tender.supplier.name,
                   procurement=procurement.reference),
            what=_("Anbudsgivaren tas bort från upphandlingen; tidigare kontroller finns kvar i "
                   "granskningsloggen."),
            action=url_for(".remove_tenderer", procurement_id=procurement.id, tender_id=tender.id),
            cancel_url=url_for(".procurement", procurement_id=procurement.id))
    attempt(lambda: services.remove_tenderer(db.session, current_user, procurement, tender),
            _("Anbudsgivaren är borttagen."))
    return redirect(url_for(".procurement", procurement_id=procurement.id))


@bp.post("/procurements/<int:procurement_id>/screen")
@require("supplier.manage")
def screen(procurement_id: int):
    """Kontrollera: a background job checks every tenderer; the page shows its progress."""
    # The checks would be stored for the owning department and read its criminal-record
    # extracts and decisions: only that department may run them.
    procurement = get_owned_or_404(db.session, Procurement, procurement_id, current_user)
    if not procurement.tenders:
        flash(_("Lägg till anbudsgivare innan kontrollen."), "error")
        return redirect(url_for(".procurement", procurement_id=procurement.id))
    job = create_job(db.session, current_user, "suppliers.screen",
                     _("Kontroll av anbudsgivare i %(reference)s", reference=procurement.reference),
                     {"procurement_id": procurement.id}, total=len(procurement.tenders))
    procurement.last_job_id = job.id
    db.session.commit()
    dispatch(job)
    return redirect(url_for(".procurement", procurement_id=procurement.id, _anchor="kontroll"))


@bp.get("/procurements/<int:procurement_id>/underlag")
@require("supplier.view")
def procurement_underlag(procurement_id: int):
    procurement = db.get_or_404(Procurement, procurement_id)
    results = _results_for(procurement)
    done = [check for _tender, check in results if check is not None]
    latest = max(done, key=lambda c: c.on_date, default=None)
    rule_lines = (rule_values.descriptions(db.session, latest.rule_values, latest.on_date)
                  if latest else [])
    return render_template("suppliers/procurement_underlag.html", procurement=procurement,
                           results=results, rule_lines=rule_lines, rules_date=latest and
                           latest.on_date)


# --- monitoring -----------------------------------------------------------------------------------

# The monitoring list's sort keys; "status" (the default) puts unhandled findings first, newest first.
MONITORING_SORTS = {
    "detected": lambda f: (f.detected_on, f.id),
    "supplier": lambda f: f.supplier.name.casefold(),
    "ground": lambda f: (f.outcome != "found", str(f.label).casefold()),
    "status": lambda f: (f.acknowledged_at is not None, -f.detected_on.toordinal(), -f.id),
}


@bp.get("/monitoring")
@require("supplier.view")
def monitoring_feed():
    findings = db.session.scalars(
        scoped_select(MonitoringFinding, current_user)
        .options(selectinload(MonitoringFinding.supplier).selectinload(Supplier.organisation))
        .order_by(MonitoringFinding.acknowledged_at.is_not(None),
                  MonitoringFinding.detected_on.desc(), MonitoringFinding.id.desc())
        .limit(200 if request.args.get("format") not in ("csv", "xlsx") else 100_000)).all()
    if request.args.get("format") in ("csv", "xlsx"):
        return export_response(request.args["format"], "bevakning", [
            "upptäckt", "leverantör", "avtal", "grund", "utfall", "vad", "hanterad"],
            ((f.detected_on, f.supplier.name, f.contract.reference if f.contract else None,
              f.label, "ny grund" if f.outcome == "found" else "kan inte kontrolleras",
              f.summary, f.acknowledged_at) for f in findings))
    findings = sorted_rows(findings, MONITORING_SORTS, "status")
    runs = db.session.scalars(select(MonitorRun).order_by(MonitorRun.id.desc()).limit(12)).all()
    history = bar_chart([(local_datetime(r.started_at), r.new_findings) for r in runs], "count")
    return render_template("suppliers/monitoring.html", findings=findings, runs=runs,
                           history=history, empty_form=forms.EmptyForm())


@bp.post("/monitoring/run")
@require("supplier.manage")
def monitoring_run():
    job = create_job(db.session, current_user, "suppliers.monitor",
                     _("Bevakning av leverantörer med aktiva avtal"), {})
    db.session.commit()
    dispatch(job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post("/monitoring/findings/<int:finding_id>/ack")
@require("supplier.acknowledge")
def acknowledge(finding_id: int):
    finding = get_scoped_or_404(db.session, MonitoringFinding, finding_id, current_user)
    monitoring.acknowledge(db.session, current_user, finding)
    db.session.commit()
    flash(_("Markerad som hanterad."), "success")
    return redirect(url_for(".monitoring_feed"))


# Edit pages for procurements and contracts live in views_edit.py on the same blueprint.
from suppliers import views_edit  # noqa: E402,F401
