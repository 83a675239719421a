"""The control calendar pages (årshjul), department-scoped."""
from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from oversight.cases import controls, forms
from oversight.cases.models import ControlRoutine
from oversight.cases.views import ERRORS, bp
from oversight.extensions import db
from oversight.permissions import require
from oversight.scoping import get_scoped_or_404, scoped_select
from oversight.views_support import commit_or_flash, flash_form_errors


@bp.get("/controls")
@require("cases.view")
def controls_index():
    routines = db.session.scalars(scoped_select(ControlRoutine, current_user)
                                  .order_by(ControlRoutine.next_due_on)).all()
    return render_template("cases/controls.html", routines=routines, today=date.today(),
                           form=forms.RoutineForm(), run_form=forms.RunForm())


@bp.post("/controls")
@require("cases.manage")
def add_routine():
    form = forms.RoutineForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: controls.add_routine(
            db.session, current_user, name=form.name.data, next_due_on=form.next_due_on.data,
            interval_months=form.interval_months.data, description=form.description.data or None),
            _("Kontrollen finns i årshjulet."), ERRORS)
    else:
        flash_form_errors(form)
    return redirect(url_for("cases.controls_index"))


@bp.post("/controls/<int:routine_id>/runs")
@require("cases.manage")
def record_run(routine_id: int):
    routine = get_scoped_or_404(db.session, ControlRoutine, routine_id, current_user)
    form = forms.RunForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: controls.record_run(
            db.session, current_user, routine, run_on=form.run_on.data, outcome=form.outcome.data,
            sample_size=form.sample_size.data, case_titles=(form.case_titles.data or "").splitlines()),
            _("Kontrollen är registrerad."), ERRORS)
    else:
        flash_form_errors(form)
    return redirect(url_for("cases.controls_index") + f"#routine-{routine.id}"
                    if request.form else url_for("cases.controls_index"))
