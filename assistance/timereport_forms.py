"""Forms of the time-report pages (field validation only; the rules live in the services).
The grid's rows are plain inputs read by ``timereport_grid``; these forms carry the rest."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class GridForm(FlaskForm):
    paste = TextAreaField(
        _l("Klistra in från kalkylblad"), validators=[Optional(), Length(max=200_000)],
        description=_l("Kopiera raderna i kalkylbladet (assistent, datum, start, slut, typ) och "
                       "klistra in här; de läggs till efter raderna ovan."))
    correction_reason = TextAreaField(
        _l("Skäl till rättelse"), validators=[Optional(), Length(max=2000)],
        description=_l("Krävs när månadens rapport redan är godkänd: rättelsen blir en ny version."))


class UploadForm(FlaskForm):
    file = FileField(_l("Fil (CSV eller XLSX)"), validators=[FileRequired(_l("Välj en fil."))],
                     description=_l("Kolumner: provider_org_nr, person_id, month, assistant_id, "
                                    "date, start, end, kind."))
    correction_reason = TextAreaField(_l("Skäl till rättelse"),
                                      validators=[Optional(), Length(max=2000)])


class ApproveUserForm(FlaskForm):
    approved_by = StringField(_l("Godkänd av (användaren eller företrädaren)"),
                              validators=[DataRequired(_l("Ange namnet.")), Length(max=200)])


class ApproveAssistantForm(FlaskForm):
    assistant_id = SelectField(_l("Assistent"), choices=[])
    approved_by = StringField(_l("Assistentens namn"),
                              validators=[DataRequired(_l("Ange namnet.")), Length(max=200)])


class HandleFindingForm(FlaskForm):
    action = RadioField(_l("Åtgärd"), choices=[
        ("accept", _l("Godta med kommentar (avvikelsen tas inte upp igen för samma rader)")),
        ("uphold", _l("Fastställ: timmarna betalas inte och återkrävs vid avräkningen")),
        ("case", _l("Öppna ärende (timmarna betalas inte i avvaktan)"))],
        validators=[DataRequired(_l("Välj en åtgärd."))])
    comment = TextAreaField(_l("Kommentar"), validators=[Optional(), Length(max=4000)])


class MonthForm(FlaskForm):
    month = StringField(_l("Månad (ÅÅÅÅ-MM)"), validators=[DataRequired(), Length(max=7)])
