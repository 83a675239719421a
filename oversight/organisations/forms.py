from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from oversight.labels import choices
from oversight.organisations.models import ACCOUNT_KINDS, KEY_PERSON_ROLES, WARNING_CATEGORIES


class OrganisationForm(FlaskForm):
    orgnr = StringField(_l("Organisationsnummer"), validators=[DataRequired(_l("Ange organisationsnummer."))],
                        description=_l("10 siffror, t.ex. 802412-3450"))
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Ange namn.")), Length(max=300)])
    legal_form = StringField(_l("Organisationsform"), validators=[Optional(), Length(max=100)])
    registration_date = DateField(_l("Registreringsdatum"), validators=[Optional()])


class WarningForm(FlaskForm):
    category = SelectField(_l("Kategori"), choices=choices(WARNING_CATEGORIES))
    reason = TextAreaField(_l("Skäl"), validators=[DataRequired(_l("Ange skälet till varningen.")), Length(max=4000)],
                           description=_l("Skriv så att en handläggare på en annan förvaltning förstår vad som hänt."))
    evidence = TextAreaField(_l("Underlag"), validators=[Optional(), Length(max=4000)],
                             description=_l("Diarienummer, beslut, dom eller annat som styrker varningen."))
    issued_on = DateField(_l("Datum"), validators=[Optional()])
    expires_on = DateField(_l("Gäller till"), validators=[Optional()])


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Skäl för återkallelse"), validators=[DataRequired(_l("Ange skäl.")), Length(max=1000)])


class AccountForm(FlaskForm):
    kind = SelectField(_l("Kontotyp"), choices=choices(ACCOUNT_KINDS))
    number = StringField(_l("Nummer"), validators=[DataRequired(_l("Ange kontonummer.")), Length(max=40)])
    source = StringField(_l("Källa"), validators=[Optional(), Length(max=200)],
                         description=_l("T.ex. ansökan 2026-03-01, faktura, bankens besked."))


class CloseAccountForm(FlaskForm):
    reason = StringField(_l("Skäl"), validators=[DataRequired(_l("Ange skäl.")), Length(max=300)])


class KeyPersonForm(FlaskForm):
    role = SelectField(_l("Roll"), choices=choices(KEY_PERSON_ROLES))
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Ange namn.")), Length(max=200)])
    personnummer = StringField(_l("Personnummer"), validators=[Optional(), Length(max=15)])
    from_date = DateField(_l("Från"), validators=[Optional()])
    source = StringField(_l("Källa"), validators=[Optional(), Length(max=200)])


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Intern anteckning"),
                         validators=[DataRequired(_l("Skriv en anteckning.")), Length(max=8000)],
                         description=_l("Syns bara för din förvaltning."))
