"""Field validation only; the rules live in the services."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from oversight.accounts.models import ALLOWANCE_CATEGORIES, HOLDER_SOURCES, HOLDER_STATUSES
from oversight.accounts.verification import KIND_LABELS, validate_account

KIND_CHOICES = list(KIND_LABELS.items())


class _AccountNumberCheck:
    """An account number is refused at entry when it fails its own check (length, check
    digit): an invalid "Bankgiro 123" is never stored nor offered *Skapa varning*."""

    def validate_number(self, field):
        result = validate_account(self.kind.data, field.data or "")
        if result is not None and not result.valid:
            raise ValidationError(f"Ogiltigt kontonummer ({KIND_LABELS[self.kind.data]}): "
                                  f"{result.error}.")


class VerifyForm(_AccountNumberCheck, FlaskForm):
    orgnr = StringField("Organisationsnummer", validators=[DataRequired("Ange organisationsnummer."),
                                                           Length(max=20)],
                        description="Mottagarens organisationsnummer, t.ex. 802412-3450.")
    payee_name = StringField("Mottagarens namn", validators=[Optional(), Length(max=300)],
                             description="Behövs bara om organisationen inte finns i registret.")
    kind = SelectField("Kontotyp", choices=KIND_CHOICES)
    number = StringField("Kontonummer", validators=[DataRequired("Ange kontonummer."),
                                                    Length(max=60)])


class HolderForm(_AccountNumberCheck, FlaskForm):
    kind = SelectField("Kontotyp", choices=KIND_CHOICES)
    number = StringField("Kontonummer", validators=[DataRequired("Ange kontonummer."),
                                                    Length(max=60)])
    holder_name = StringField("Kontohavarens namn", validators=[Optional(), Length(max=300)],
                              description="Så som banken, Bankgirot eller svaret anger det.")
    holder_id = StringField("Kontohavarens organisationsnummer eller personnummer",
                            validators=[Optional(), Length(max=20)],
                            description="Ett personnummer betyder att kontot tillhör en "
                                        "privatperson (personkonto); det visas maskerat.")
    source = SelectField("Källa", choices=list(HOLDER_SOURCES.items()))
    status = SelectField("Kontots status", choices=list(HOLDER_STATUSES.items()))
    answered_on = DateField("Datum för beskedet",
                            validators=[DataRequired("Ange datum för beskedet.")])
    reference = StringField("Referens", validators=[Optional(), Length(max=300)],
                            description="T.ex. bankens ärendenummer eller diarienummer.")
    note = TextAreaField("Anteckning", validators=[Optional(), Length(max=4000)])
    document = FileField("Underlag (PDF eller bild)",
                         validators=[FileRequired("Bifoga underlaget.")],
                         description="Bankens intyg, skärmbild av Bankgirots sökning eller "
                                     "svaret från betalningsmottagarkontrollen.")


class ImportForm(FlaskForm):
    file = FileField("CSV-fil", validators=[FileRequired("Välj en fil.")])


class PaymentFileForm(FlaskForm):
    file = FileField("Betalfil", validators=[FileRequired("Välj en betalfil.")],
                     description="ISO 20022 pain.001.001.03 eller .09 (XML), eller CSV.")
    format = SelectField("Format", choices=[("", "Känn igen automatiskt"),
                                            ("pain001", "pain.001 (XML)"), ("csv", "CSV")],
                         validators=[Optional()])


class AllowanceForm(_AccountNumberCheck, FlaskForm):
    kind = SelectField("Kontotyp", choices=KIND_CHOICES)
    number = StringField("Kontonummer", validators=[DataRequired("Ange kontonummer."),
                                                    Length(max=60)])
    category = SelectField("Slag av undantag", choices=list(ALLOWANCE_CATEGORIES.items()))
    reason = TextAreaField("Skäl", validators=[DataRequired("Ange skälet."), Length(max=2000)],
                           description="Varför flera organisationer får ha kontot, t.ex. "
                                       "factoringavtal med diarienummer.")


class WithdrawForm(FlaskForm):
    reason = StringField("Skäl", validators=[DataRequired("Ange skäl."), Length(max=500)])
