"""Form fields and their validation only; what is allowed lives in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from oversight.labels import choices
from suppliers import evidence as ev
from suppliers import rules
from suppliers.models import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_SEVERITIES,
    CONTRACT_STATUSES,
    DECISION_OUTCOMES,
    DOCUMENT_KINDS,
    PROCEDURES,
    PROCUREMENT_STATUSES,
)

REQUIRED = _l("Fältet måste fyllas i.")


class SupplierForm(FlaskForm):
    orgnr = StringField(_l("Organisationsnummer"), validators=[DataRequired(_l("Ange organisationsnummer."))],
                        description=_l("10 siffror, t.ex. 556901-2346"))
    name = StringField(_l("Namn"), validators=[Optional(), Length(max=300)],
                       description=_l("Behövs bara om organisationen inte redan finns i registret."))


class _ProcedureFields:
    procedure = SelectField(_l("Upphandlingsform"), choices=choices(PROCEDURES))
    service_category = StringField(_l("Tjänstekategori"), validators=[Optional(), Length(max=200)],
                                   description=_l("T.ex. personlig assistans, städ, bygg."))
    welfare = BooleanField(_l("Välfärdstjänst (LOU 19 kap.)"))
    above_threshold = BooleanField(_l("Över tröskelvärdet"))
    permit_bound = BooleanField(_l("Tillståndspliktig verksamhet (IVO)"))
    permit_activity = StringField(_l("Verksamhet som kräver tillstånd"),
                                  validators=[Optional(), Length(max=200)],
                                  description=_l("T.ex. personlig assistans, HVB."))


class ProcurementForm(_ProcedureFields, FlaskForm):
    reference = StringField(_l("Diarienummer"), validators=[DataRequired(_l("Ange diarienummer.")),
                                                        Length(max=60)])
    title = StringField(_l("Rubrik"), validators=[DataRequired(_l("Ange rubrik.")), Length(max=300)])
    estimated_value = StringField(_l("Uppskattat värde (kr)"), validators=[Optional(), Length(max=30)])


class ProcurementEditForm(ProcurementForm):
    """The create form plus the procurement's status (a new one always starts as "Pågår")."""

    status = SelectField(_l("Status"), choices=choices(PROCUREMENT_STATUSES), default="open")


class TendererForm(FlaskForm):
    orgnr = StringField(_l("Organisationsnummer för anbudsgivaren"),
                        validators=[DataRequired(_l("Ange organisationsnummer."))])
    name = StringField(_l("Namn (om ny i registret)"), validators=[Optional(), Length(max=300)])
    submitted_on = DateField(_l("Anbudet inkom"), validators=[Optional()])


class ContractForm(_ProcedureFields, FlaskForm):
    reference = StringField(_l("Avtalsnummer"), validators=[DataRequired(_l("Ange avtalsnummer.")),
                                                        Length(max=60)])
    title = StringField(_l("Rubrik"), validators=[DataRequired(_l("Ange rubrik.")), Length(max=300)])
    value = StringField(_l("Avtalsvärde (kr)"), validators=[Optional(), Length(max=30)])
    start_date = DateField(_l("Startdatum"), validators=[Optional()])
    end_date = DateField(_l("Slutdatum"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices(CONTRACT_STATUSES), default="active")
    calling_department_id = SelectField(_l("Avropande förvaltning (vid avrop)"), coerce=int,
                                        choices=[], validate_choice=False)


class CheckForm(FlaskForm):
    regime = SelectField(_l("Regelverk"), choices=choices(rules.REGIME_LABELS))
    permit_activity = StringField(_l("Tillståndspliktig verksamhet (lämna tomt om ingen)"),
                                  validators=[Optional(), Length(max=200)])


class ComplaintForm(FlaskForm):
    occurred_on = DateField(_l("Datum för händelsen"), validators=[DataRequired(_l("Ange datum."))])
    category = SelectField(_l("Kategori"), choices=choices(COMPLAINT_CATEGORIES))
    severity = SelectField(_l("Allvarlighetsgrad"), choices=choices(COMPLAINT_SEVERITIES))
    description = TextAreaField(_l("Beskrivning"), validators=[DataRequired(_l("Beskriv vad som hänt.")),
                                                           Length(max=8000)],
                                description=_l("Skriv inga personuppgifter om brukare; hänvisa "
                                            "till ert ärendenummer."))


class AssessComplaintForm(FlaskForm):
    status = SelectField(_l("Bedömning"), choices=choices([("confirmed", _l("Bekräftat")),
                                                       ("rejected", _l("Avfärdat"))]))
    assessment = TextAreaField(_l("Motivering"), validators=[DataRequired(_l("Motivera bedömningen.")),
                                                        Length(max=4000)])


CONVICTION_SLOTS = 3


def extract_form(subjects: list[tuple[str, str]]):
    """An extract with up to three convictions (flat fields, each with its own label)."""

    class ExtractForm(FlaskForm):
        subject = SelectField(_l("Utdraget avser"), choices=subjects)
        document_date = DateField(_l("Utdragets datum"), validators=[DataRequired(_l("Ange datum."))])
        reference = StringField(_l("Diarienummer för utdraget"), validators=[Optional(),
                                                                         Length(max=100)])

    categories = choices(ev.CONVICTION_CATEGORIES, blank=_l("– ingen dom –"))
    for i in range(1, CONVICTION_SLOTS + 1):
        setattr(ExtractForm, f"category_{i}", SelectField(_l("Dom %(i)s: brottskategori", i=i),
                                                          choices=categories, default=""))
        setattr(ExtractForm, f"judgment_date_{i}", DateField(_l("Dom %(i)s: laga kraft den", i=i),
                                                             validators=[Optional()]))
        setattr(ExtractForm, f"until_{i}", DateField(_l("Dom %(i)s: näringsförbud till och med", i=i),
                                                     validators=[Optional()]))
        setattr(ExtractForm, f"court_{i}", StringField(_l("Dom %(i)s: domstol", i=i),
                                                       validators=[Optional(), Length(max=200)]))
        setattr(ExtractForm, f"case_number_{i}", StringField(_l("Dom %(i)s: målnummer", i=i),
                                                             validators=[Optional(),
                                                                         Length(max=60)]))
        setattr(ExtractForm, f"description_{i}", StringField(_l("Dom %(i)s: brott enligt utdraget", i=i),
                                                             validators=[Optional(),
                                                                         Length(max=1000)]))
    return ExtractForm()


def convictions_from(form) -> list[dict]:
    out = []
    for i in range(1, CONVICTION_SLOTS + 1):
        category = getattr(form, f"category_{i}").data
        if not category:
            continue
        out.append({"category": category,
                    "judgment_date": getattr(form, f"judgment_date_{i}").data,
                    "until": getattr(form, f"until_{i}").data,
                    "court": getattr(form, f"court_{i}").data,
                    "case_number": getattr(form, f"case_number_{i}").data,
                    "description": getattr(form, f"description_{i}").data})
    return out


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HearingForm(FlaskForm):
    codes = MultiCheckboxField(_l("Grunder att kommunicera"), choices=[], validate_choice=False)
    deadline = DateField(_l("Svarsfrist"), validators=[DataRequired(_l("Ange svarsfrist."))])
    recipient = StringField(_l("Mottagare (kontaktperson)"), validators=[Optional(), Length(max=300)])


class LetterForm(FlaskForm):
    letter_text = TextAreaField(_l("Brevets text"), validators=[DataRequired(_l("Brevet är tomt.")),
                                                            Length(max=20000)])
    deadline = DateField(_l("Svarsfrist"), validators=[DataRequired(_l("Ange svarsfrist."))])
    recipient = StringField(_l("Mottagare (kontaktperson)"), validators=[Optional(), Length(max=300)])


class SentForm(FlaskForm):
    sent_on = DateField(_l("Skickat den"), validators=[DataRequired(_l("Ange datum."))])


class StatementForm(FlaskForm):
    statement = TextAreaField(_l("Leverantörens yttrande"), validators=[
        DataRequired(_l("Skriv in eller sammanfatta yttrandet.")), Length(max=20000)])
    received_on = DateField(_l("Yttrandet inkom"), validators=[DataRequired(_l("Ange datum."))])
    self_cleaning = TextAreaField(_l("Åtgärder för självsanering som leverantören anger"),
                                  validators=[Optional(), Length(max=20000)])


class NotesForm(FlaskForm):
    internal_notes = TextAreaField(_l("Interna anteckningar"), validators=[Optional(),
                                                                       Length(max=20000)],
                                   description=_l("Syns bara för din förvaltning."))


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Typ av dokument"), choices=choices(DOCUMENT_KINDS))
    file = FileField(_l("Fil (PDF, PNG eller JPEG)"))


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("Beslut"), choices=choices(DECISION_OUTCOMES))
    reasoning = TextAreaField(_l("Skäl för beslutet"), validators=[
        DataRequired(_l("Skriv skälen för beslutet.")), Length(max=20000)])
    self_cleaning_assessment = TextAreaField(_l("Bedömning av yttrande och självsanering"),
                                             validators=[Optional(), Length(max=20000)])


class CorrectForm(FlaskForm):
    reason = StringField(_l("Skäl för rättelse"), validators=[DataRequired(_l("Ange skäl.")),
                                                          Length(max=1000)])


class EmptyForm(FlaskForm):
    """CSRF only (buttons such as Kontrollera, Signera, Publicera)."""
