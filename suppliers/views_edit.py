"""Edit pages for a procurement and a contract, and the one-button status change of a
contract (avsluta / säga upp), on the suppliers blueprint. Only the owning department may
change them (404 for others, through oversight.scoping, checked again in the services), only with
``supplier.manage``. Changes are audited through the models' ``__audited__``."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from oversight.extensions import db
from oversight.permissions import require
from oversight.scoping import get_owned_or_404
from suppliers import forms, services
from suppliers.models import CONTRACT_STATUSES, Contract, Procurement
from suppliers.services import SupplierError
from suppliers.views import _department_choices, bp, flash_errors

# Statuses the contract-edit page offers as one button each, with the confirmation text.
STATUS_ACTIONS = {"ended": _l("Avsluta avtalet"), "terminated": _l("Markera som uppsagt/hävt"),
                  "active": _l("Återaktivera avtalet")}


def _attach(form, exc: SupplierError) -> list[str]:
    """Put a service error next to its field; return the errors without a field."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None:
        return [str(exc)]
    field.errors = [*field.errors, str(exc)]
    return []


@bp.route("/procurements/<int:procurement_id>/edit", methods=["GET", "POST"])
@require("supplier.manage")
def edit_procurement(procurement_id: int):
    procurement = get_owned_or_404(db.session, Procurement, procurement_id, current_user)
    form = forms.ProcurementEditForm(obj=procurement)
    general: list[str] = []
    if form.validate_on_submit():
        try:
            services.update_procurement(db.session, current_user, procurement, form.data)
        except SupplierError as exc:
            db.session.rollback()
            general = _attach(form, exc)
        else:
            db.session.commit()
            flash(_("Upphandlingen är ändrad."), "success")
            return redirect(url_for(".procurement", procurement_id=procurement.id))
    return render_template("suppliers/procurement_edit.html", form=form,
                           procurement=procurement, general=general)


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@require("supplier.manage")
def edit_contract(contract_id: int):
    contract = get_owned_or_404(db.session, Contract, contract_id, current_user)
    form = forms.ContractForm(obj=contract)
    form.calling_department_id.choices = _department_choices()
    if request.method == "GET":
        form.calling_department_id.data = contract.calling_department_id or 0
    general: list[str] = []
    if form.validate_on_submit():
        data = dict(form.data, calling_department_id=form.calling_department_id.data or None)
        try:
            services.update_contract(db.session, current_user, contract, data)
        except SupplierError as exc:
            db.session.rollback()
            general = _attach(form, exc)
        else:
            db.session.commit()
            flash(_("Avtalet är ändrat."), "success")
            return redirect(url_for(".show", supplier_id=contract.supplier_id, _anchor="avtal"))
    return render_template("suppliers/contract_edit.html", form=form, contract=contract,
                           general=general, status_form=forms.EmptyForm(),
                           status_actions={k: v for k, v in STATUS_ACTIONS.items()
                                           if k != contract.status})


@bp.post("/contracts/<int:contract_id>/status")
@require("supplier.manage")
def contract_status(contract_id: int):
    """Avsluta, säg upp/häv or återaktivera a contract with one button: only contracts with
    status "Aktivt" are monitored, so ending one stops the monitoring for it."""
    contract = get_owned_or_404(db.session, Contract, contract_id, current_user)
    form = forms.EmptyForm()
    status = request.form.get("status", "")
    if not form.validate_on_submit():
        flash_errors(form)
    elif status not in STATUS_ACTIONS:
        flash(_("Okänd avtalsstatus."), "error")
    else:
        try:
            services.set_contract_status(db.session, current_user, contract, status)
        except SupplierError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Avtal %(reference)s har nu status %(status)s.",
                    reference=contract.reference, status=CONTRACT_STATUSES[status]),
                  "success")
    return redirect(url_for(".show", supplier_id=contract.supplier_id, _anchor="avtal"))
