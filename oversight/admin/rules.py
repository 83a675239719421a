"""Admin pages for the one store of dated rule values: list every value, add one for a date."""
from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from oversight import rule_values as rv
from oversight.admin.views import bp
from oversight.extensions import db
from oversight.permissions import require
from oversight.views_support import commit_or_flash, flash_form_errors


class RuleValueForm(FlaskForm):
    key = SelectField(_l("Regel"), validators=[DataRequired(_l("Välj regel."))])
    value = StringField(_l("Värde"), validators=[DataRequired(_l("Ange värdet.")),
                                                Length(max=30)],
                        description=_l("Ett tal, t.ex. 700000 eller 332,60 (enheten följer "
                                       "regeln)."))
    valid_from = DateField(_l("Gäller från"),
                           validators=[DataRequired(_l("Ange datum som ÅÅÅÅ-MM-DD."))])
    valid_to = DateField(_l("Gäller till och med (valfritt)"), validators=[Optional()],
                         description=_l("Lämna tomt för tills vidare. Ett värde som gäller "
                                        "tills vidare avslutas dagen före det nya."))
    kind = SelectField(_l("Typ av källa"), choices=[
        (rv.DECISION, _l("Beslut")), (rv.LAW, _l("Lag eller förordning")),
        (rv.POLICY, _l("Kommunens riktlinje"))])
    source = StringField(_l("Källa med referens"),
                         validators=[DataRequired(_l("Ange källan.")), Length(max=300)],
                         description=_l("T.ex. LOU 19 kap. 2 § eller nämndens beslut med "
                                        "diarienummer."))


_SORTS = {
    "label": lambda e: e.label.lower(),
    "value": lambda e: e.decimal,
    "from": lambda e: e.valid_from,
    "to": lambda e: e.valid_to or date.max,
    "source": lambda e: e.source.lower(),
}


@bp.get("/rules")
@require("rules.manage")
def rule_values():
    rows = rv.all_values(db.session)
    column = request.args.get("sort", "label")
    rows.sort(key=lambda e: (_SORTS.get(column, _SORTS["label"])(e), e.valid_from),
              reverse=request.args.get("dir") == "desc")
    return render_template("admin/rule_values.html", rows=rows, today=date.today())


@bp.route("/rules/new", methods=["GET", "POST"])
@require("rules.manage")
def new_rule_value():
    form = RuleValueForm()
    form.key.choices = [(d.key, d.label_en if _lang() == "en" else d.label_sv)
                        for d in rv.definitions()]
    if request.method == "GET" and request.args.get("key"):
        form.key.data = request.args["key"]
    if form.validate_on_submit():
        saved = commit_or_flash(
            lambda: rv.add_value(db.session, current_user, form.key.data, form.value.data,
                                 form.valid_from.data, form.source.data,
                                 valid_to=form.valid_to.data, kind=form.kind.data),
            _("Regelvärdet är sparat."), errors=(rv.RuleValueError, rv.RuleValueMissing))
        if saved:
            return redirect(url_for("admin.rule_values"))
    elif request.method == "POST":
        flash_form_errors(form)
    return render_template("admin/rule_value_form.html", form=form)


def _lang() -> str:
    from flask_babel import get_locale

    loc = get_locale()
    return loc.language if loc else "sv"
