"""Forms of the case register: field validation only (the rules live in the services)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from oversight.cases import codes

_REQ = _l("Fältet måste fyllas i.")


class TipForm(FlaskForm):
    title = StringField(_l("Rubrik"), validators=[DataRequired(_REQ), Length(max=300)])
    source = SelectField(_l("Källa"), choices=codes.choices(codes.SOURCES))
    received_on = DateField(_l("Inkom"), validators=[Optional()])
    description = TextAreaField(_l("Uppgifter"), validators=[Optional(), Length(max=8000)])
    person_name = StringField(_l("Person som uppgiften gäller"),
                              validators=[Optional(), Length(max=200)])
    person_pnr = StringField(_l("Personnummer"), validators=[Optional(), Length(max=15)],
                             description=_l("Visas maskerat; ÅÅMMDD-NNNN"))
    organisation_orgnr = StringField(_l("Organisationsnummer"),
                                     validators=[Optional(), Length(max=13)])
    amount_estimate = DecimalField(_l("Uppskattat belopp (kr)"), places=2,
                                   validators=[Optional(), NumberRange(min=0)])


class PublicTipForm(FlaskForm):
    department = SelectField(_l("Vilken stadsdel eller förvaltning gäller tipset?"), coerce=int)
    text = TextAreaField(_l("Beskriv vad du vet"),
                         validators=[DataRequired(_l("Beskriv vad tipset gäller.")),
                                                             Length(max=5000)])
    contact = StringField(_l("Dina kontaktuppgifter (frivilligt)"),
                          validators=[Optional(), Length(max=300)],
                          description=_l("Lämna tomt för att vara anonym."))


class AssessForm(FlaskForm):
    decision = SelectField(_l("Bedömning"), choices=[("open", _l("Inled utredning (ställ i kö)")),
                                                     ("not_opened", _l("Inled inte utredning"))])
    reason = SelectField(_l("Skäl att inte inleda"), choices=codes.choices(codes.NOT_OPENED_REASONS, "–"),
                         validate_choice=False)
    on = DateField(_l("Datum"), validators=[Optional()])
    amount_estimate = DecimalField(_l("Uppskattat belopp (kr)"), places=2,
                                   validators=[Optional(), NumberRange(min=0)])
    risk_of_loss = BooleanField(_l("Risk att information går förlorad"))
    ongoing_error = BooleanField(_l("Felaktig utbetalning pågår"))
    note = TextAreaField(_l("Motivering"), validators=[Optional(), Length(max=4000)])


class TransitionForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
    on = DateField(_l("Datum"), validators=[Optional()])


class AssignForm(FlaskForm):
    username = StringField(_l("Utredare (användarnamn)"),
                           validators=[DataRequired(_REQ), Length(max=80)],
                           description=_l("En utredare på en annan förvaltning får tillgång till just detta ärende."))
    reason = StringField(_l("Skäl"), validators=[Optional(), Length(max=300)])


class InvestigatorForm(FlaskForm):
    investigator = SelectField(_l("Handläggare"), coerce=int)


class ActivityForm(FlaskForm):
    kind = SelectField(_l("Typ"), choices=codes.choices(codes.ACTIVITY_KINDS))
    on = DateField(_l("Datum"), validators=[Optional()])
    text = TextAreaField(_l("Text"), validators=[DataRequired(_REQ), Length(max=8000)])
    counterpart = StringField(_l("Myndighet eller motpart"),
                              validators=[Optional(), Length(max=200)])
    follow_up_on = DateField(_l("Följ upp"), validators=[Optional()])
    document = FileField(_l("Bifoga dokument"), description=_l(
        "PDF, bild, Word, Excel, PowerPoint eller OpenDocument (utan makron)."))


class LinkForm(FlaskForm):
    kind = SelectField(_l("Gäller"), choices=codes.choices(codes.LINK_KINDS))
    ref = StringField(_l("Referens"), validators=[DataRequired(_REQ), Length(max=200)],
                      description=_l("T.ex. bidragets eller avtalets diarienummer, tidrapportens id."))
    label = StringField(_l("Beskrivning"), validators=[Optional(), Length(max=300)])


class ClassifyForm(FlaskForm):
    cause = SelectField(_l("Orsak"), choices=codes.choices(codes.CAUSES, "–"),
                        validate_choice=False)
    intent = SelectField(_l("Uppsåt"), choices=codes.choices(codes.INTENTS, "–"),
                         validate_choice=False)
    preventable = SelectField(_l("Gick att förebygga"), choices=codes.choices(codes.PREVENTABLE, "–"),
                              validate_choice=False)
    sex = SelectField(_l("Kön"), choices=codes.choices(codes.SEXES, "–"), validate_choice=False)
    detected_by = StringField(_l("Upptäckt genom"), validators=[Optional(), Length(max=200)])
    saved_monthly = DecimalField(_l("Stoppad felaktig månadsutbetalning (kr)"), places=2,
                                 validators=[Optional(), NumberRange(min=0)],
                                 description=_l("Besparingen räknas som 12 månader av beloppet."))


class DecisionForm(FlaskForm):
    kind = SelectField(_l("Beslut"), choices=codes.choices(codes.DECISION_KINDS))
    decided_on = DateField(_l("Beslutsdatum"), validators=[DataRequired(_REQ)])
    decided_by = SelectField(_l("Beslutsfattare"), choices=codes.choices(codes.DECIDED_BY))
    decided_by_name = StringField(_l("Namn på delegat eller nämnd"),
                                  validators=[Optional(), Length(max=200)])
    meeting_date = DateField(_l("Sammanträdesdatum"), validators=[Optional()])
    paragraph = StringField(_l("Paragraf"), validators=[Optional(), Length(max=40)])
    legal_basis = SelectField(_l("Rättslig grund"), choices=codes.choices(codes.LEGAL_BASES, "–"),
                              validate_choice=False)
    amount = DecimalField(_l("Belopp (kr)"), places=2, validators=[Optional(), NumberRange(min=0)])
    period_from = DateField(_l("Felaktig utbetalning från"), validators=[Optional()],
                            description=_l("Första felaktiga utbetalningen: fristen för "
                                           "ersättningstalan räknas härifrån."))
    period_to = DateField(_l("till"), validators=[Optional()])
    repayment_method = SelectField(_l("Återbetalning"), choices=codes.choices(codes.REPAYMENT_METHODS, "–"),
                                   validate_choice=False)
    monthly = DecimalField(_l("Avbetalning per månad (kr)"), places=2,
                           validators=[Optional(), NumberRange(min=1)])
    first_due = DateField(_l("Första förfallodag"), validators=[Optional()])
    ability_to_pay = TextAreaField(_l("Betalningsförmåga"),
                                   validators=[Optional(), Length(max=4000)])
    recipient = SelectField(_l("Mottagare (underrättelse)"), choices=codes.choices(codes.RECIPIENTS, "–"),
                            validate_choice=False)
    police_reference = StringField(_l("Polisens diarienummer"),
                                   validators=[Optional(), Length(max=60)])
    outcome = TextAreaField(_l("Utfall"), validators=[Optional(), Length(max=4000)])
    reasoning = TextAreaField(_l("Motivering"), validators=[Optional(), Length(max=8000)])
    target_orgnr = StringField(
        _l("Organisation som stoppet gäller (organisationsnummer)"),
        validators=[Optional(), Length(max=13)],
        description=_l("Stopp eller innehållen utbetalning: lämna tomt för ärendets organisation."))


class LiftStopForm(FlaskForm):
    reason = TextAreaField(_l("Skäl till att stoppet hävs"),
                           validators=[DataRequired(_REQ), Length(max=4000)])
    on = DateField(_l("Hävt från och med"), validators=[Optional()])


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Betaldatum"), validators=[DataRequired(_REQ)])
    amount = DecimalField(_l("Belopp (kr)"), places=2,
                          validators=[DataRequired(_REQ), NumberRange(min=0.01)])
    reference = StringField(_l("Referens"), validators=[Optional(), Length(max=100)])


class FindingForm(FlaskForm):
    """The button other modules include (templates/cases/_from_finding.html)."""
    module = HiddenField(validators=[DataRequired()])
    finding_ref = HiddenField(validators=[DataRequired()])
    title = HiddenField(validators=[DataRequired(), Length(max=300)])
    evidence = HiddenField(validators=[DataRequired(), Length(max=8000)])
    organisation_id = HiddenField()
    amount = HiddenField()


class RoutineForm(FlaskForm):
    name = StringField(_l("Kontroll"), validators=[DataRequired(_REQ), Length(max=200)])
    description = TextAreaField(_l("Beskrivning"), validators=[Optional(), Length(max=4000)])
    interval_months = IntegerField(_l("Intervall (månader)"), default=12,
                                   validators=[NumberRange(min=1, max=60)])
    next_due_on = DateField(_l("Nästa gång"), validators=[DataRequired(_REQ)])


class RunForm(FlaskForm):
    run_on = DateField(_l("Genomförd"), validators=[DataRequired(_REQ)])
    sample_size = IntegerField(_l("Antal granskade"), validators=[Optional(), NumberRange(min=0)])
    outcome = TextAreaField(_l("Resultat"), validators=[DataRequired(_REQ), Length(max=8000)])
    case_titles = TextAreaField(_l("Ärenden som kontrollen gav (en rubrik per rad)"),
                                validators=[Optional(), Length(max=8000)])
