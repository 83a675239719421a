from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from oversight.auth.roles import ROLE_LABELS
from oversight.auth.services import MIN_PASSWORD_LENGTH
from oversight.labels import choices


def _optional_int(value):
    return None if value in (None, "", "None") else int(value)


class LoginForm(FlaskForm):
    username = StringField(_l("Användarnamn"), validators=[DataRequired(_l("Ange användarnamn."))],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(_l("Ange lösenord."))],
                             render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Nuvarande lösenord"), validators=[DataRequired(_l("Ange nuvarande lösenord."))],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(
        _l("Nytt lösenord"),
        validators=[DataRequired(_l("Ange ett nytt lösenord.")),
                    Length(min=MIN_PASSWORD_LENGTH,
                           message=_l("Lösenordet måste ha minst %(min_password_length)s tecken.",
                                      min_password_length=MIN_PASSWORD_LENGTH))],
        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(
        _l("Upprepa nytt lösenord"),
        validators=[DataRequired(_l("Upprepa lösenordet.")), EqualTo("new", _l("Lösenorden är inte lika."))],
        render_kw={"autocomplete": "new-password"})


class UserForm(FlaskForm):
    username = StringField(_l("Användarnamn"), validators=[DataRequired(_l("Ange användarnamn.")), Length(max=80)])
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Ange namn.")), Length(max=200)])
    email = EmailField(_l("E-post"), validators=[Optional(), Length(max=200)])
    # No preselected role or department: saving an untouched form must not create an
    # administrator of the first department (issue 11, defect 1).
    role = SelectField(_l("Roll"), choices=choices(ROLE_LABELS, blank=_l("Välj roll")),
                       validators=[DataRequired(_l("Välj en roll."))])
    department_id = SelectField(_l("Förvaltning"), coerce=_optional_int,
                                validators=[DataRequired(_l("Välj en förvaltning."))])
    active = BooleanField(_l("Aktiv"), default=True)
    password = PasswordField(_l("Lösenord (lämna tomt för att behålla)"),
                             validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH,
                                         message=_l("Minst %(min_password_length)s tecken.",
                                                    min_password_length=MIN_PASSWORD_LENGTH))],
                             render_kw={"autocomplete": "new-password"})
