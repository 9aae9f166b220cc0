"""The forms of the organisation pages and of the staff's message to a filing organisation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from portal.core.forms import CHOOSE_ONE, REQUIRED, MaxLength, OneOfChoices, OptionalEmail, options
from portal.users.forms import PASSWORD_LENGTH, locale_choices
from portal.users.operations import PASSWORD_MIN_LENGTH


class InviteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), MaxLength(200)])
    email = StringField(
        _l("Email"), validators=[DataRequired(REQUIRED), MaxLength(254), OptionalEmail()], render_kw={"type": "email"}
    )
    locale = SelectField(
        _l("Language of the invitation and the pages"),
        choices=locale_choices(),
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )
    admin = BooleanField(_l("Organisation admin: may invite and remove members"))


class InvitationForm(FlaskForm):
    new_password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(REQUIRED), Length(min=PASSWORD_MIN_LENGTH, max=1000, message=PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password", "minlength": PASSWORD_MIN_LENGTH},
    )
    new_password_again = PasswordField(
        _l("The same password again"),
        validators=[DataRequired(REQUIRED), EqualTo("new_password", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class OrganisationMessageForm(FlaskForm):
    text = TextAreaField(
        _l("Message to the organisation"), validators=[DataRequired(REQUIRED), MaxLength(20_000)], render_kw={"rows": 4}
    )
    audience = RadioField(
        _l("Who reads it?"),
        choices=options(
            [
                ("organisation", _l("The organisation only")),
                ("people", _l("The organisation and the people it represents")),
            ]
        ),
        default="organisation",
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )


class RegisterNameForm(FlaskForm):
    named = RadioField(
        _l("May the public register name your organisation on the cases you file?"),
        choices=options(
            [
                ("yes", _l("Yes: show our name beside the cases we filed")),
                ("no", _l("No: show only that a union or an NGO filed")),
            ]
        ),
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )


class EmptyForm(FlaskForm):
    """A button that changes something: only the CSRF token to check."""
