"""The public tip form: no login, anonymous allowed, CSRF-protected, throttled per address;
the answer is a receipt number and nothing of what was sent."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from oversight.auth.models import Department
from oversight.cases import forms, public, services
from oversight.cases.views import bp, department_choices
from oversight.extensions import db


@bp.route("/tips", methods=["GET", "POST"])
def public_tip():
    form = forms.PublicTipForm()
    form.department.choices = department_choices()
    cfg = current_app.config
    if request.method == "POST":
        digest = public.address_hash(cfg["SECRET_KEY"], request.remote_addr)
        if public.throttled(db.session, digest, cfg["CASES_PUBLIC_TIP_LIMIT"],
                            cfg["CASES_PUBLIC_TIP_WINDOW_MINUTES"]):
            return render_template("cases/public_tip.html", form=forms.PublicTipForm(formdata=None),
                                   throttled=True), 429
        if form.validate_on_submit():
            department = db.session.get(Department, form.department.data)
            public.record_submission(db.session, digest, cfg["CASES_PUBLIC_TIP_WINDOW_MINUTES"])
            case = services.register_public_tip(db.session, department=department, text=form.text.data,
                                                contact=form.contact.data)
            db.session.commit()
            session["tip_receipt"] = case.receipt_number
            return redirect(url_for("cases.public_receipt"))
        # Errors name the field, never repeat what was written: a fresh form carries them.
        blank = forms.PublicTipForm(formdata=None)
        blank.department.choices = form.department.choices
        for field in form:
            blank[field.name].errors = list(field.errors)
        return render_template("cases/public_tip.html", form=blank), 422
    return render_template("cases/public_tip.html", form=form)


@bp.get("/tips/kvitto")
def public_receipt():
    receipt = session.pop("tip_receipt", None)
    if receipt is None:
        return redirect(url_for("cases.public_tip"))
    return render_template("cases/public_receipt.html", receipt=receipt,
                           title=_("Tack för ditt tips"))
