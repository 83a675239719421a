"""Field validation only; choices that depend on the database are set by the view."""
from __future__ import annotations

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

PERIOD_HINT = "ÅÅÅÅ-MM, t.ex. 2016-03. Lämna tomt om filen har datum per rad."


class UploadForm(FlaskForm):
    file = FileField("Fil (CSV, TXT eller XLSX)", validators=[FileRequired("Välj en fil.")],
                     description="Export från ekonomisystemet (leverantörsreskontra).")
    department = SelectField("Förvaltning som lämnar exporten", coerce=int)
    preset = SelectField("Kolumner", description="Förinställning eller sparad kolumnmappning; "
                         "du kan ändra kolumnerna i förhandsgranskningen.")
    period = StringField("Period", validators=[Optional(), Regexp(
        r"^\d{4}-\d{1,2}$", message="Skriv perioden som ÅÅÅÅ-MM.")], description=PERIOD_HINT)


class ConfirmImportForm(FlaskForm):
    """Column mapping (one select per field, choices = the file's header) and period."""
    department = SelectField("Förvaltning/nämnd", validate_choice=False)
    payee_name = SelectField("Leverantör/mottagare", validate_choice=False)
    org_nr = SelectField("Organisationsnummer", validate_choice=False)
    bank_account = SelectField("Bankgiro/plusgiro/konto", validate_choice=False)
    amount = SelectField("Belopp", validate_choice=False)
    date = SelectField("Datum", validate_choice=False)
    account_text = SelectField("Konto (kontoplan)", validate_choice=False)
    purpose = SelectField("Syfte/ändamål", validate_choice=False)
    period = StringField("Period", validators=[Optional(), Regexp(
        r"^\d{4}-\d{1,2}$", message="Skriv perioden som ÅÅÅÅ-MM.")], description=PERIOD_HINT)
    save_as = StringField("Spara kolumnmappningen som", validators=[Optional(), Length(max=100)],
                          description="Valfritt: namn för att återanvända mappningen för "
                                      "förvaltningens nästa export.")

    FIELDS = ("department", "payee_name", "org_nr", "bank_account", "amount", "date",
              "account_text", "purpose")


class GrantForm(FlaskForm):
    grantor = SelectField("Beviljas av", description="Förvaltning, eller extern finansiär.")
    funder_other = StringField("Annan extern finansiär", validators=[Optional(), Length(max=200)],
                               description="Fyll i om finansiären inte finns i listan.")
    form = SelectField("Bidragsform", choices=list(GRANT_FORMS.items()))
    status = SelectField("Status", choices=[("granted", "Beviljat"), ("applied", "Ansökt"),
                                            ("rejected", "Avslag")])
    purpose = TextAreaField("Syfte", validators=[DataRequired("Ange syftet."),
                                                 Length(max=4000)])
    activity = StringField("Aktivitet", validators=[Optional(), Length(max=300)],
                           description="Kort namn på aktiviteten, t.ex. Läxhjälp.")
    period_start = DateField("Period från", validators=[DataRequired("Ange periodens början.")])
    period_end = DateField("Period till", validators=[DataRequired("Ange periodens slut.")])
    amount = DecimalField("Belopp (kr)", places=2, validators=[
        DataRequired("Ange belopp."),
        NumberRange(min=0, message="Beloppet kan inte vara negativt.")])
    applied_on = DateField("Ansökan inkom", validators=[Optional()])
    decision_date = DateField("Beslutsdatum", validators=[Optional()])
    conditions = TextAreaField("Villkor", validators=[Optional(), Length(max=4000)])
    reference = StringField("Diarienummer", validators=[Optional(), Length(max=100)])


class DecisionForm(FlaskForm):
    action = SelectField("Beslut", choices=list(ACTION_LABELS.items()))
    reason = TextAreaField("Skäl", validators=[DataRequired("Ange skälet."), Length(max=4000)])
    decided_on = DateField("Beslutsdatum", validators=[Optional()])
    amount = DecimalField("Återkrävt belopp (kr)", places=2, validators=[Optional()],
                          description="Endast vid återkrav.")
    reference = StringField("Diarienummer", validators=[Optional(), Length(max=100)])


class ReportReceivedForm(FlaskForm):
    received_on = DateField("Inkom", validators=[DataRequired("Ange datum.")])
    status = SelectField("Bedömning", choices=[("received", "Inkommen"), ("approved", "Godkänd"),
                                               ("rejected", "Underkänd")])
    note = StringField("Anteckning", validators=[Optional(), Length(max=1000)])


class ProfileForm(FlaskForm):
    statutes_date = DateField("Stadgarna antagna", validators=[Optional()])
    activity_since = DateField("Dokumenterad verksamhet sedan", validators=[Optional()])
    members = IntegerField("Antal medlemmar", validators=[Optional(), NumberRange(min=0)])
    activity_description = TextAreaField("Verksamhet", validators=[Optional(), Length(max=4000)])
    democracy_conditions_confirmed = BooleanField("Demokrativillkoren är bekräftade")


class JudgementForm(FlaskForm):
    verdict = SelectField("Bedömning", choices=list(VERDICTS.items()))
    comment = TextAreaField("Kommentar", validators=[Optional(), Length(max=4000)],
                            description="Krävs vid 'Olika organisationer' och 'Utreds'.")


class DetectionForm(FlaskForm):
    period_start = DateField("Från", validators=[Optional()])
    period_end = DateField("Till", validators=[Optional()])
    grants_only = BooleanField("Bara bidragskonton")
