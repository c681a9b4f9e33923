"""Forms for the application shell (login, staff accounts) and what every public form shares."""

import re
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from .models import ROLES

_SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def submission_field() -> HiddenField:
    """A key per rendered public form: a double click, or a resend after an answer was lost,
    then stores once (the handler looks the key up before storing)."""
    return HiddenField(default=lambda: secrets.token_urlsafe(18))


def submission_key(submitted: str | None) -> str:
    """The key a rendered form carried, or a fresh one when it is missing or malformed."""
    if submitted and _SUBMISSION_KEY.fullmatch(submitted):
        return submitted
    return secrets.token_urlsafe(18)


ROLE_LABELS = {
    "admin": _l("Administrator"),
    "facilitator": _l("Facilitator"),
    "coder": _l("Coder"),
    "reader": _l("Reader (programme staff)"),
}


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter your username."))],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Log in"))


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(message=_l("Enter a username.")),
            Length(max=80, message=_l("A username can be at most 80 characters.")),
            Regexp(
                r"^[A-Za-z0-9._-]+$",
                message=_l("Use only letters a–z, digits, dots, hyphens and underscores."),
            ),
        ],
        render_kw={"autocomplete": "off"},
    )
    name = StringField(
        _l("Full name"),
        validators=[Length(max=120, message=_l("A name can be at most 120 characters."))],
    )
    role = SelectField(
        _l("Role"),
        choices=[(role, ROLE_LABELS[role]) for role in ROLES],
        validators=[DataRequired(message=_l("Choose a role."))],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter a password.")),
            Length(min=12, message=_l("A password must have at least 12 characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create account"))
