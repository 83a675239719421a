"""Form fields and their validation only; what is allowed lives in the services."""
from __future__ import annotations

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

REQUIRED = "Fältet måste fyllas i."


class SupplierForm(FlaskForm):
    orgnr = StringField("Organisationsnummer", validators=[DataRequired("Ange organisationsnummer.")],
                        description="10 siffror, t.ex. 556901-2346")
    name = StringField("Namn", validators=[Optional(), Length(max=300)],
                       description="Behövs bara om organisationen inte redan finns i registret.")


class _ProcedureFields:
    procedure = SelectField("Upphandlingsform", choices=list(PROCEDURES.items()))
    service_category = StringField("Tjänstekategori", validators=[Optional(), Length(max=200)],
                                   description="T.ex. personlig assistans, städ, bygg.")
    welfare = BooleanField("Välfärdstjänst (LOU 19 kap.)")
    above_threshold = BooleanField("Över tröskelvärdet")
    permit_bound = BooleanField("Tillståndspliktig verksamhet (IVO)")
    permit_activity = StringField("Verksamhet som kräver tillstånd",
                                  validators=[Optional(), Length(max=200)],
                                  description="T.ex. personlig assistans, HVB.")


class ProcurementForm(_ProcedureFields, FlaskForm):
    reference = StringField("Diarienummer", validators=[DataRequired("Ange diarienummer."),
                                                        Length(max=60)])
    title = StringField("Rubrik", validators=[DataRequired("Ange rubrik."), Length(max=300)])
    estimated_value = StringField("Uppskattat värde (kr)", validators=[Optional(), Length(max=30)])


class ProcurementEditForm(ProcurementForm):
    """The create form plus the procurement's status (a new one always starts as "Pågår")."""

    status = SelectField("Status", choices=list(PROCUREMENT_STATUSES.items()), default="open")


class TendererForm(FlaskForm):
    orgnr = StringField("Organisationsnummer för anbudsgivaren",
                        validators=[DataRequired("Ange organisationsnummer.")])
    name = StringField("Namn (om ny i registret)", validators=[Optional(), Length(max=300)])
    submitted_on = DateField("Anbudet inkom", validators=[Optional()])


class ContractForm(_ProcedureFields, FlaskForm):
    reference = StringField("Avtalsnummer", validators=[DataRequired("Ange avtalsnummer."),
                                                        Length(max=60)])
    title = StringField("Rubrik", validators=[DataRequired("Ange rubrik."), Length(max=300)])
    value = StringField("Avtalsvärde (kr)", validators=[Optional(), Length(max=30)])
    start_date = DateField("Startdatum", validators=[Optional()])
    end_date = DateField("Slutdatum", validators=[Optional()])
    status = SelectField("Status", choices=list(CONTRACT_STATUSES.items()), default="active")
    calling_department_id = SelectField("Avropande förvaltning (vid avrop)", coerce=int,
                                        choices=[], validate_choice=False)


class CheckForm(FlaskForm):
    regime = SelectField("Regelverk", choices=list(rules.REGIME_LABELS.items()))
    permit_activity = StringField("Tillståndspliktig verksamhet (lämna tomt om ingen)",
                                  validators=[Optional(), Length(max=200)])


class ComplaintForm(FlaskForm):
    occurred_on = DateField("Datum för händelsen", validators=[DataRequired("Ange datum.")])
    category = SelectField("Kategori", choices=list(COMPLAINT_CATEGORIES.items()))
    severity = SelectField("Allvarlighetsgrad", choices=list(COMPLAINT_SEVERITIES.items()))
    description = TextAreaField("Beskrivning", validators=[DataRequired("Beskriv vad som hänt."),
                                                           Length(max=8000)],
                                description="Skriv inga personuppgifter om brukare; hänvisa "
                                            "till ert ärendenummer.")


class AssessComplaintForm(FlaskForm):
    status = SelectField("Bedömning", choices=[("confirmed", "Bekräftat"),
                                               ("rejected", "Avfärdat")])
    assessment = TextAreaField("Motivering", validators=[DataRequired("Motivera bedömningen."),
                                                        Length(max=4000)])


CONVICTION_SLOTS = 3


def extract_form(subjects: list[tuple[str, str]]):
    """An extract with up to three convictions (flat fields, each with its own label)."""

    class ExtractForm(FlaskForm):
        subject = SelectField("Utdraget avser", choices=subjects)
        document_date = DateField("Utdragets datum", validators=[DataRequired("Ange datum.")])
        reference = StringField("Diarienummer för utdraget", validators=[Optional(),
                                                                         Length(max=100)])

    categories = [("", "– ingen dom –")] + list(ev.CONVICTION_CATEGORIES.items())
    for i in range(1, CONVICTION_SLOTS + 1):
        setattr(ExtractForm, f"category_{i}", SelectField(f"Dom {i}: brottskategori",
                                                          choices=categories, default=""))
        setattr(ExtractForm, f"judgment_date_{i}", DateField(f"Dom {i}: laga kraft den",
                                                             validators=[Optional()]))
        setattr(ExtractForm, f"until_{i}", DateField(f"Dom {i}: näringsförbud till och med",
                                                     validators=[Optional()]))
        setattr(ExtractForm, f"court_{i}", StringField(f"Dom {i}: domstol",
                                                       validators=[Optional(), Length(max=200)]))
        setattr(ExtractForm, f"case_number_{i}", StringField(f"Dom {i}: målnummer",
                                                             validators=[Optional(),
                                                                         Length(max=60)]))
        setattr(ExtractForm, f"description_{i}", StringField(f"Dom {i}: brott enligt utdraget",
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
    codes = MultiCheckboxField("Grunder att kommunicera", choices=[], validate_choice=False)
    deadline = DateField("Svarsfrist", validators=[DataRequired("Ange svarsfrist.")])
    recipient = StringField("Mottagare (kontaktperson)", validators=[Optional(), Length(max=300)])


class LetterForm(FlaskForm):
    letter_text = TextAreaField("Brevets text", validators=[DataRequired("Brevet är tomt."),
                                                            Length(max=20000)])
    deadline = DateField("Svarsfrist", validators=[DataRequired("Ange svarsfrist.")])
    recipient = StringField("Mottagare (kontaktperson)", validators=[Optional(), Length(max=300)])


class SentForm(FlaskForm):
    sent_on = DateField("Skickat den", validators=[DataRequired("Ange datum.")])


class StatementForm(FlaskForm):
    statement = TextAreaField("Leverantörens yttrande", validators=[
        DataRequired("Skriv in eller sammanfatta yttrandet."), Length(max=20000)])
    received_on = DateField("Yttrandet inkom", validators=[DataRequired("Ange datum.")])
    self_cleaning = TextAreaField("Åtgärder för självsanering som leverantören anger",
                                  validators=[Optional(), Length(max=20000)])


class NotesForm(FlaskForm):
    internal_notes = TextAreaField("Interna anteckningar", validators=[Optional(),
                                                                       Length(max=20000)],
                                   description="Syns bara för din förvaltning.")


class DocumentForm(FlaskForm):
    kind = SelectField("Typ av dokument", choices=list(DOCUMENT_KINDS.items()))
    file = FileField("Fil (PDF, PNG eller JPEG)")


class DecisionForm(FlaskForm):
    outcome = SelectField("Beslut", choices=list(DECISION_OUTCOMES.items()))
    reasoning = TextAreaField("Skäl för beslutet", validators=[
        DataRequired("Skriv skälen för beslutet."), Length(max=20000)])
    self_cleaning_assessment = TextAreaField("Bedömning av yttrande och självsanering",
                                             validators=[Optional(), Length(max=20000)])


class CorrectForm(FlaskForm):
    reason = StringField("Skäl för rättelse", validators=[DataRequired("Ange skäl."),
                                                          Length(max=1000)])


class EmptyForm(FlaskForm):
    """CSRF only (buttons such as Kontrollera, Signera, Publicera)."""
