"""Forms of the registries pages: field validation only (the rules live in the services)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from oversight.labels import Labels, choices
from registries.base import REGISTRIES, REGISTRY_LABELS
from registries.normalized import IVO_STATUSES

YES_NO = choices([("", _l("Framgår inte")), ("ja", _l("Ja")), ("nej", _l("Nej"))])
IMPORT_KIND_LABELS = Labels({
    "skatteverket": "Skatteverket (F-skatt, moms, arbetsgivare)",
    "kronofogden": "Kronofogden (skulder)",
    "ivo": "IVO (tillstånd och underrättelser)",
    "sanctions-list": "Lokal varningslista (sanktioner, uteslutning)",
})


class LookupForm(FlaskForm):
    registry = SelectField(_l("Register"), choices=choices([(r, dict.__getitem__(REGISTRY_LABELS, r))
                                                                  for r in REGISTRIES]))
    orgnr = StringField(_l("Organisationsnummer"),
                        validators=[DataRequired(_l("Ange organisationsnummer.")), Length(max=20)])


class CheckForm(FlaskForm):
    """Only the CSRF token: the "check now" button."""


class ImportForm(FlaskForm):
    kind = SelectField(_l("Filtyp"), choices=choices(IMPORT_KIND_LABELS))
    file = FileField(_l("Fil (CSV)"), validators=[FileRequired(_l("Välj en fil."))],
                     description=_l("Semikolon- eller kommaseparerad med rubrikrad, UTF-8 eller Latin-1."))
    data_date = DateField(_l("Uppgifternas datum"), validators=[Optional()],
                          description=_l("Används för rader utan egen datumkolumn."))


class _ManualForm(FlaskForm):
    orgnr = StringField(_l("Organisationsnummer"),
                        validators=[DataRequired(_l("Ange organisationsnummer.")), Length(max=20)])
    document_date = DateField(_l("Dokumentets datum"), validators=[DataRequired(_l("Ange dokumentets datum."))])
    document = FileField(_l("Dokument (PDF, PNG eller JPEG)"), validators=[FileRequired(_l("Bifoga dokumentet."))])
    note = TextAreaField(_l("Anteckning"), validators=[Optional(), Length(max=2000)])

    def row(self) -> dict:
        return {"orgnr": self.orgnr.data, "note": self.note.data}


class SkatteverketForm(_ManualForm):
    f_tax = SelectField(_l("F-skatt"), choices=YES_NO)
    vat = SelectField(_l("Momsregistrerad"), choices=YES_NO)
    employer = SelectField(_l("Registrerad som arbetsgivare"), choices=YES_NO)

    def row(self) -> dict:
        return super().row() | {"f_tax": self.f_tax.data, "vat": self.vat.data, "employer": self.employer.data}


class KronofogdenForm(_ManualForm):
    amount = StringField(_l("Skuld hos Kronofogden (kr)"),
                         validators=[DataRequired(_l("Ange belopp, 0 om inga skulder."))],
                         description=_l("0 om utdraget visar att det inte finns några skulder."))
    case_types = StringField(_l("Måltyper"), validators=[Optional(), Length(max=300)],
                             description=_l("T.ex. allmänna mål, enskilda mål (kommaseparerade)."))
    extract_kind = StringField(_l("Typ av utdrag"), default="utdrag i upphandlingssyfte", validators=[Length(max=100)])

    def row(self) -> dict:
        return super().row() | {"amount": self.amount.data, "case_types": self.case_types.data,
                                "extract_kind": self.extract_kind.data}


class IvoForm(_ManualForm):
    name = StringField(_l("Tillståndshavare"), validators=[Optional(), Length(max=300)])
    activity = StringField(_l("Verksamhet"), default="LSS 9 § 2 personlig assistans",
                           validators=[DataRequired(_l("Ange verksamhet.")), Length(max=200)])
    status = SelectField(_l("Status"), choices=choices(IVO_STATUSES))
    decision_date = DateField(_l("Beslutsdatum"), validators=[Optional()])
    diarienummer = StringField(_l("Diarienummer"), validators=[Optional(), Length(max=100)])

    def row(self) -> dict:
        return super().row() | {"name": self.name.data, "activity": self.activity.data, "status": self.status.data,
                                "decision_date": self.decision_date.data.isoformat() if self.decision_date.data else "",
                                "diarienummer": self.diarienummer.data}


MANUAL_FORMS = {"skatteverket": SkatteverketForm, "kronofogden": KronofogdenForm, "ivo": IvoForm}
