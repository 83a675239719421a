"""Field validation only; choices that depend on the database are set by the view."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from associations.followup import ACTION_LABELS
from associations.models import GRANT_FORMS, VERDICTS
from oversight.labels import choices

PERIOD_HINT = _l("ÅÅÅÅ-MM, t.ex. 2016-03. Lämna tomt om filen har datum per rad.")


class UploadForm(FlaskForm):
    file = FileField(_l("Fil (CSV, TXT eller XLSX)"), validators=[FileRequired(_l("Välj en fil."))],
                     description=_l("Export från ekonomisystemet (leverantörsreskontra)."))
    department = SelectField(_l("Förvaltning som lämnar exporten"), coerce=int)
    preset = SelectField(_l("Kolumner"), description=_l("Förinställning eller sparad kolumnmappning; "
                         "du kan ändra kolumnerna i förhandsgranskningen."))
    period = StringField(_l("Period"), validators=[Optional(), Regexp(
        r"^\d{4}-\d{1,2}$", message=_l("Skriv perioden som ÅÅÅÅ-MM."))], description=PERIOD_HINT)


class ConfirmImportForm(FlaskForm):
    """Column mapping (one select per field, choices = the file's header) and period."""
    department = SelectField(_l("Förvaltning/nämnd"), validate_choice=False)
    payee_name = SelectField(_l("Leverantör/mottagare"), validate_choice=False)
    org_nr = SelectField(_l("Organisationsnummer"), validate_choice=False)
    bank_account = SelectField(_l("Bankgiro/plusgiro/konto"), validate_choice=False)
    amount = SelectField(_l("Belopp"), validate_choice=False)
    date = SelectField(_l("Datum"), validate_choice=False)
    account_text = SelectField(_l("Konto (kontoplan)"), validate_choice=False)
    purpose = SelectField(_l("Syfte/ändamål"), validate_choice=False)
    period = StringField(_l("Period"), validators=[Optional(), Regexp(
        r"^\d{4}-\d{1,2}$", message=_l("Skriv perioden som ÅÅÅÅ-MM."))], description=PERIOD_HINT)
    save_as = StringField(_l("Spara kolumnmappningen som"), validators=[Optional(), Length(max=100)],
                          description=_l("Valfritt: namn för att återanvända mappningen för "
                                      "förvaltningens nästa export."))

    FIELDS = ("department", "payee_name", "org_nr", "bank_account", "amount", "date",
              "account_text", "purpose")


class GrantForm(FlaskForm):
    grantor = SelectField(_l("Beviljas av"), description=_l("Förvaltning, eller extern finansiär."))
    funder_other = StringField(_l("Annan extern finansiär"), validators=[Optional(), Length(max=200)],
                               description=_l("Fyll i om finansiären inte finns i listan."))
    form = SelectField(_l("Bidragsform"), choices=choices(GRANT_FORMS))
    status = SelectField(_l("Status"), choices=choices([("granted", _l("Beviljat")), ("applied", _l("Ansökt")),
                                                    ("rejected", _l("Avslag"))]))
    purpose = TextAreaField(_l("Syfte"), validators=[DataRequired(_l("Ange syftet.")),
                                                 Length(max=4000)])
    activity = StringField(_l("Aktivitet"), validators=[Optional(), Length(max=300)],
                           description=_l("Kort namn på aktiviteten, t.ex. Läxhjälp."))
    period_start = DateField(_l("Period från"), validators=[DataRequired(_l("Ange periodens början."))])
    period_end = DateField(_l("Period till"), validators=[DataRequired(_l("Ange periodens slut."))])
    amount = DecimalField(_l("Belopp (kr)"), places=2, validators=[
        DataRequired(_l("Ange belopp.")),
        NumberRange(min=0, message=_l("Beloppet kan inte vara negativt."))])
    applied_on = DateField(_l("Ansökan inkom"), validators=[Optional()])
    decision_date = DateField(_l("Beslutsdatum"), validators=[Optional()])
    conditions = TextAreaField(_l("Villkor"), validators=[Optional(), Length(max=4000)])
    reference = StringField(_l("Diarienummer"), validators=[Optional(), Length(max=100)])


class DecisionForm(FlaskForm):
    action = SelectField(_l("Beslut"), choices=choices(ACTION_LABELS))
    reason = TextAreaField(_l("Skäl"), validators=[DataRequired(_l("Ange skälet.")), Length(max=4000)])
    decided_on = DateField(_l("Beslutsdatum"), validators=[Optional()])
    amount = DecimalField(_l("Återkrävt belopp (kr)"), places=2, validators=[Optional()],
                          description=_l("Endast vid återkrav."))
    reference = StringField(_l("Diarienummer"), validators=[Optional(), Length(max=100)])


class ReportReceivedForm(FlaskForm):
    received_on = DateField(_l("Inkom"), validators=[DataRequired(_l("Ange datum."))])
    status = SelectField(_l("Bedömning"), choices=choices([("received", _l("Inkommen")),
                                                       ("approved", _l("Godkänd")),
                                                       ("rejected", _l("Underkänd"))]))
    note = StringField(_l("Anteckning"), validators=[Optional(), Length(max=1000)])


class ProfileForm(FlaskForm):
    statutes_date = DateField(_l("Stadgarna antagna"), validators=[Optional()])
    activity_since = DateField(_l("Dokumenterad verksamhet sedan"), validators=[Optional()])
    members = IntegerField(_l("Antal medlemmar"), validators=[Optional(), NumberRange(min=0)])
    activity_description = TextAreaField(_l("Verksamhet"), validators=[Optional(), Length(max=4000)])
    democracy_conditions_confirmed = BooleanField(_l("Demokrativillkoren är bekräftade"))


class JudgementForm(FlaskForm):
    verdict = SelectField(_l("Bedömning"), choices=choices(VERDICTS))
    comment = TextAreaField(_l("Kommentar"), validators=[Optional(), Length(max=4000)],
                            description=_l("Krävs vid 'Olika organisationer' och 'Utreds'."))


class DetectionForm(FlaskForm):
    period_start = DateField(_l("Från"), validators=[Optional()])
    period_end = DateField(_l("Till"), validators=[Optional()])
    grants_only = BooleanField(_l("Bara bidragskonton"))
