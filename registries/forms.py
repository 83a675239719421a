"""Forms of the registries pages: field validation only (the rules live in the services)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from registries.base import REGISTRIES, REGISTRY_LABELS
from registries.normalized import IVO_STATUSES

YES_NO = [("", "Framgår inte"), ("ja", "Ja"), ("nej", "Nej")]
IMPORT_KIND_LABELS = {
    "skatteverket": "Skatteverket (F-skatt, moms, arbetsgivare)",
    "kronofogden": "Kronofogden (skulder)",
    "ivo": "IVO (tillstånd och underrättelser)",
    "sanctions-list": "Lokal varningslista (sanktioner, uteslutning)",
}


class LookupForm(FlaskForm):
    registry = SelectField("Register", choices=[(r, REGISTRY_LABELS[r]) for r in REGISTRIES])
    orgnr = StringField("Organisationsnummer", validators=[DataRequired("Ange organisationsnummer."), Length(max=20)])


class CheckForm(FlaskForm):
    """Only the CSRF token: the "check now" button."""


class ImportForm(FlaskForm):
    kind = SelectField("Filtyp", choices=list(IMPORT_KIND_LABELS.items()))
    file = FileField("Fil (CSV)", validators=[FileRequired("Välj en fil.")],
                     description="Semikolon- eller kommaseparerad med rubrikrad, UTF-8 eller Latin-1.")
    data_date = DateField("Uppgifternas datum", validators=[Optional()],
                          description="Används för rader utan egen datumkolumn.")


class _ManualForm(FlaskForm):
    orgnr = StringField("Organisationsnummer", validators=[DataRequired("Ange organisationsnummer."), Length(max=20)])
    document_date = DateField("Dokumentets datum", validators=[DataRequired("Ange dokumentets datum.")])
    document = FileField("Dokument (PDF, PNG eller JPEG)", validators=[FileRequired("Bifoga dokumentet.")])
    note = TextAreaField("Anteckning", validators=[Optional(), Length(max=2000)])

    def row(self) -> dict:
        return {"orgnr": self.orgnr.data, "note": self.note.data}


class SkatteverketForm(_ManualForm):
    f_tax = SelectField("F-skatt", choices=YES_NO)
    vat = SelectField("Momsregistrerad", choices=YES_NO)
    employer = SelectField("Registrerad som arbetsgivare", choices=YES_NO)

    def row(self) -> dict:
        return super().row() | {"f_tax": self.f_tax.data, "vat": self.vat.data, "employer": self.employer.data}


class KronofogdenForm(_ManualForm):
    amount = StringField("Skuld hos Kronofogden (kr)", validators=[DataRequired("Ange belopp, 0 om inga skulder.")],
                         description="0 om utdraget visar att det inte finns några skulder.")
    case_types = StringField("Måltyper", validators=[Optional(), Length(max=300)],
                             description="T.ex. allmänna mål, enskilda mål (kommaseparerade).")
    extract_kind = StringField("Typ av utdrag", default="utdrag i upphandlingssyfte", validators=[Length(max=100)])

    def row(self) -> dict:
        return super().row() | {"amount": self.amount.data, "case_types": self.case_types.data,
                                "extract_kind": self.extract_kind.data}


class IvoForm(_ManualForm):
    name = StringField("Tillståndshavare", validators=[Optional(), Length(max=300)])
    activity = StringField("Verksamhet", default="LSS 9 § 2 personlig assistans",
                           validators=[DataRequired("Ange verksamhet."), Length(max=200)])
    status = SelectField("Status", choices=[(k, v) for k, v in IVO_STATUSES.items()])
    decision_date = DateField("Beslutsdatum", validators=[Optional()])
    diarienummer = StringField("Diarienummer", validators=[Optional(), Length(max=100)])

    def row(self) -> dict:
        return super().row() | {"name": self.name.data, "activity": self.activity.data, "status": self.status.data,
                                "decision_date": self.decision_date.data.isoformat() if self.decision_date.data else "",
                                "diarienummer": self.diarienummer.data}


MANUAL_FORMS = {"skatteverket": SkatteverketForm, "kronofogden": KronofogdenForm, "ivo": IvoForm}
