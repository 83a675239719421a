from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from oversight.labels import choices
from oversight.sso.services import SSO_ROLES


class MappingForm(FlaskForm):
    group = StringField(_l("Grupp hos identitetsleverantören"),
                        validators=[DataRequired(_l("Ange gruppens namn eller id.")),
                                    Length(max=200)])
    role = SelectField(_l("Roll"), choices=choices(SSO_ROLES))
    department_id = SelectField(_l("Förvaltning"), coerce=int)
    priority = IntegerField(_l("Prioritet (lägst vinner)"), default=100,
                            validators=[NumberRange(min=0, max=10000)])
