"""Forms of the assistance pages (field validation only; rules live in the services)."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from assistance.models import (
    ARRANGEMENT_KINDS,
    PERMIT_ACTIVITIES,
    PERMIT_STATUSES,
    VERIFICATION_METHODS,
    VERIFICATION_RESULTS,
)
from oversight.labels import choices


def _choices(codes: dict) -> list[tuple[str, str]]:
    return [(code, _l(text)) for code, text in codes.items()]


class PermitForm(FlaskForm):
    status = SelectField(_l("Status"), choices=_choices(PERMIT_STATUSES))
    activity = SelectField(_l("Verksamhet"), choices=choices([(a, a) for a in PERMIT_ACTIVITIES]))
    reference = StringField(_l("IVO:s diarienummer"), validators=[Optional(), Length(max=60)])
    decision_date = DateField(_l("Beslutsdatum"), validators=[Optional()])
    valid_from = DateField(_l("Gäller från"), validators=[Optional()],
                           description=_l("Dagen beslutet får verkan, t.ex. återkallelsens datum. "
                                          "Kan ligga bakåt i tiden."))
    valid_to = DateField(_l("Gäller till"), validators=[Optional()])
    note = TextAreaField(_l("Anteckning"), validators=[Optional(), Length(max=2000)])
    document = FileField(_l("IVO:s beslut eller underrättelse (PDF eller bild)"))


class VerificationForm(FlaskForm):
    verified_on = DateField(_l("Kontrollerat den"), validators=[DataRequired(_l("Ange datum."))],
                            default=date.today)
    method = SelectField(_l("Hur"), choices=_choices(VERIFICATION_METHODS))
    result = SelectField(_l("Resultat"), choices=_choices(VERIFICATION_RESULTS))
    note = TextAreaField(_l("Anteckning"), validators=[Optional(), Length(max=2000)])


class HandleForm(FlaskForm):
    comment = TextAreaField(_l("Kommentar"), validators=[DataRequired(_l("Skriv en kommentar.")), Length(max=4000)])


class CaseForm(FlaskForm):
    note = TextAreaField(_l("Vad ärendet gäller"), validators=[DataRequired(_l("Skriv vad ärendet gäller.")),
                                                               Length(max=4000)])


class ToldForm(FlaskForm):
    told_on = DateField(_l("Brukaren fick veta den"), validators=[DataRequired(_l("Ange datum."))])


class ChangeProviderForm(FlaskForm):
    from_day = DateField(_l("Från och med"), validators=[DataRequired(_l("Ange datum."))])
    kind = SelectField(_l("Form"), choices=_choices(ARRANGEMENT_KINDS))
    provider_orgnr = StringField(_l("Anordnarens organisationsnummer"), validators=[Optional(), Length(max=20)],
                                 description=_l("Bara för assistansanordnare; tomt för egen "
                                                "arbetsgivare och kommunen."))


class ImportForm(FlaskForm):
    kind = SelectField(_l("Vad filen innehåller"), choices=[
        ("permits", _l("Tillstånd (lista från IVO)")), ("users", _l("Brukare")),
        ("decisions", _l("Beslut")), ("arrangements", _l("Anordnare per brukare (arrangemang)"))])
    file = FileField(_l("Fil (CSV, TXT eller XLSX)"))


class IvoLetterForm(FlaskForm):
    name_users = BooleanField(_l("Namnge brukarna i brevet"))
