from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from oversight.organisations.models import ACCOUNT_KINDS, KEY_PERSON_ROLES, WARNING_CATEGORIES


class OrganisationForm(FlaskForm):
    orgnr = StringField("Organisationsnummer", validators=[DataRequired("Ange organisationsnummer.")],
                        description="10 siffror, t.ex. 802412-3456")
    name = StringField("Namn", validators=[DataRequired("Ange namn."), Length(max=300)])
    legal_form = StringField("Organisationsform", validators=[Optional(), Length(max=100)])
    registration_date = DateField("Registreringsdatum", validators=[Optional()])


class WarningForm(FlaskForm):
    category = SelectField("Kategori", choices=list(WARNING_CATEGORIES.items()))
    reason = TextAreaField("Skäl", validators=[DataRequired("Ange skälet till varningen."), Length(max=4000)],
                           description="Skriv så att en handläggare på en annan förvaltning förstår vad som hänt.")
    evidence = TextAreaField("Underlag", validators=[Optional(), Length(max=4000)],
                             description="Diarienummer, beslut, dom eller annat som styrker varningen.")
    issued_on = DateField("Datum", validators=[Optional()])
    expires_on = DateField("Gäller till", validators=[Optional()])


class WithdrawForm(FlaskForm):
    reason = StringField("Skäl för återkallelse", validators=[DataRequired("Ange skäl."), Length(max=1000)])


class AccountForm(FlaskForm):
    kind = SelectField("Kontotyp", choices=list(ACCOUNT_KINDS.items()))
    number = StringField("Nummer", validators=[DataRequired("Ange kontonummer."), Length(max=40)])
    source = StringField("Källa", validators=[Optional(), Length(max=200)],
                         description="T.ex. ansökan 2026-03-01, faktura, bankens besked.")


class CloseAccountForm(FlaskForm):
    reason = StringField("Skäl", validators=[DataRequired("Ange skäl."), Length(max=300)])


class KeyPersonForm(FlaskForm):
    role = SelectField("Roll", choices=list(KEY_PERSON_ROLES.items()))
    name = StringField("Namn", validators=[DataRequired("Ange namn."), Length(max=200)])
    personnummer = StringField("Personnummer", validators=[Optional(), Length(max=15)])
    from_date = DateField("Från", validators=[Optional()])
    source = StringField("Källa", validators=[Optional(), Length(max=200)])


class NoteForm(FlaskForm):
    body = TextAreaField("Intern anteckning", validators=[DataRequired("Skriv en anteckning."), Length(max=8000)],
                         description="Syns bara för din förvaltning.")
