"""Field validation only; the rules live in the services."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from oversight.accounts.models import ALLOWANCE_CATEGORIES, HOLDER_SOURCES, HOLDER_STATUSES
from oversight.accounts.verification import KIND_LABELS, validate_account
from oversight.labels import choices

KIND_CHOICES = choices(KIND_LABELS)


class _AccountNumberCheck:
    """An account number is refused at entry when it fails its own check (length, check
    digit): an invalid "Bankgiro 123" is never stored nor offered *Skapa varning*."""

    def validate_number(self, field):
        result = validate_account(self.kind.data, field.data or "")
        if result is not None and not result.valid:
            raise ValidationError(_("Ogiltigt kontonummer (%(kind)s): %(error)s.",
                                    kind=KIND_LABELS[self.kind.data], error=result.error))


class VerifyForm(_AccountNumberCheck, FlaskForm):
    orgnr = StringField(_l("Organisationsnummer"), validators=[DataRequired(_l("Ange organisationsnummer.")),
                                                           Length(max=20)],
                        description=_l("Mottagarens organisationsnummer, t.ex. 802412-3450."))
    payee_name = StringField(_l("Mottagarens namn"), validators=[Optional(), Length(max=300)],
                             description=_l("Behövs bara om organisationen inte finns i registret."))
    kind = SelectField(_l("Kontotyp"), choices=KIND_CHOICES)
    number = StringField(_l("Kontonummer"), validators=[DataRequired(_l("Ange kontonummer.")),
                                                    Length(max=60)])


class HolderForm(_AccountNumberCheck, FlaskForm):
    kind = SelectField(_l("Kontotyp"), choices=KIND_CHOICES)
    number = StringField(_l("Kontonummer"), validators=[DataRequired(_l("Ange kontonummer.")),
                                                    Length(max=60)])
    holder_name = StringField(_l("Kontohavarens namn"), validators=[Optional(), Length(max=300)],
                              description=_l("Så som banken, Bankgirot eller svaret anger det."))
    holder_id = StringField(_l("Kontohavarens organisationsnummer eller personnummer"),
                            validators=[Optional(), Length(max=20)],
                            description=_l("Ett personnummer betyder att kontot tillhör en "
                                        "privatperson (personkonto); det visas maskerat."))
    source = SelectField(_l("Källa"), choices=choices(HOLDER_SOURCES))
    status = SelectField(_l("Kontots status"), choices=choices(HOLDER_STATUSES))
    answered_on = DateField(_l("Datum för beskedet"),
                            validators=[DataRequired(_l("Ange datum för beskedet."))])
    reference = StringField(_l("Referens"), validators=[Optional(), Length(max=300)],
                            description=_l("T.ex. bankens ärendenummer eller diarienummer."))
    note = TextAreaField(_l("Anteckning"), validators=[Optional(), Length(max=4000)])
    document = FileField(_l("Underlag (PDF eller bild)"),
                         validators=[FileRequired(_l("Bifoga underlaget."))],
                         description=_l("Bankens intyg, skärmbild av Bankgirots sökning eller "
                                     "svaret från betalningsmottagarkontrollen."))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV-fil"), validators=[FileRequired(_l("Välj en fil."))])


class PaymentFileForm(FlaskForm):
    file = FileField(_l("Betalfil"), validators=[FileRequired(_l("Välj en betalfil."))],
                     description=_l("ISO 20022 pain.001.001.03 eller .09 (XML), eller CSV."))
    format = SelectField(_l("Format"), choices=[("", _l("Känn igen automatiskt")),
                                            ("pain001", "pain.001 (XML)"), ("csv", "CSV")],
                         validators=[Optional()])


class AllowanceForm(_AccountNumberCheck, FlaskForm):
    kind = SelectField(_l("Kontotyp"), choices=KIND_CHOICES)
    number = StringField(_l("Kontonummer"), validators=[DataRequired(_l("Ange kontonummer.")),
                                                    Length(max=60)])
    category = SelectField(_l("Slag av undantag"), choices=choices(ALLOWANCE_CATEGORIES))
    reason = TextAreaField(_l("Skäl"), validators=[DataRequired(_l("Ange skälet.")), Length(max=2000)],
                           description=_l("Varför flera organisationer får ha kontot, t.ex. "
                                       "factoringavtal med diarienummer."))


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Skäl"), validators=[DataRequired(_l("Ange skäl.")), Length(max=500)])
