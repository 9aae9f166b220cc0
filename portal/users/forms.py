"""Login, two-factor, account and administration forms. Every message a person can see is ours and translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError

from portal.core.forms import CHOOSE_ONE, REQUIRED, MaxLength, OneOfChoices, OptionalEmail, options
from portal.core.i18n import LOCALES
from portal.core.roles import COMMITTEE, Role
from portal.users.labels import CHANGE_REFUSALS, NOMINATIONS, ROLES
from portal.users.operations import ORGANISATION_KINDS_FOR_ROLE, PASSWORD_MIN_LENGTH

PASSWORD_LENGTH = _l("Please choose a password of at least %(min)d characters.")


def locale_choices() -> list[SelectChoice]:
    # Each language in its own name, marked with its language for screen readers.
    return [SelectChoice(loc.code, loc.native_name, render_kw={"lang": loc.tag}) for loc in LOCALES.values()]


class LoginForm(FlaskForm):
    email = StringField(
        _l("Email"),
        validators=[DataRequired(REQUIRED), MaxLength(254)],
        render_kw={"type": "email", "autocomplete": "username", "spellcheck": "false", "dir": "ltr"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(REQUIRED), MaxLength(1000)],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(FlaskForm):
    """The second step: a code from the authenticator app, or one of the recovery codes."""

    code = StringField(
        _l("6-digit code from your authenticator app"),
        validators=[MaxLength(20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false", "dir": "ltr"},
    )
    recovery_code = StringField(
        _l("Or a recovery code"),
        validators=[MaxLength(40)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none", "dir": "ltr"},
    )

    def validate_code(self, field):
        if not (field.data or "").strip() and not (self.recovery_code.data or "").strip():
            raise ValidationError(_l("Please enter the code from your app or a recovery code."))


class EnrolForm(FlaskForm):
    code = StringField(
        _l("6-digit code from your authenticator app"),
        validators=[DataRequired(REQUIRED), MaxLength(20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false", "dir": "ltr"},
    )


class LocaleForm(FlaskForm):
    locale = SelectField(
        _l("Language of the staff pages"),
        choices=locale_choices(),
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(REQUIRED), MaxLength(1000)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(REQUIRED), Length(min=PASSWORD_MIN_LENGTH, max=1000, message=PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password", "minlength": PASSWORD_MIN_LENGTH},
    )
    new_password_again = PasswordField(
        _l("New password again"),
        validators=[DataRequired(REQUIRED), EqualTo("new_password", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class AffiliationForm(FlaskForm):
    """A tie to declare: an organisation or a site, not both."""

    organisation_id = SelectField(_l("Organisation"), validators=[OneOfChoices()], validate_choice=False)
    entity_id = SelectField(_l("Or a site (mine, smelter, depot…)"), validators=[OneOfChoices()], validate_choice=False)
    note = StringField(_l("Note (for example: former employer until 2024)"), validators=[MaxLength(300)])

    def __init__(self, organisations, entities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = options([("", _l("No organisation")), *organisations])
        self.entity_id.choices = options([("", _l("No site")), *entities])

    def validate_organisation_id(self, field):
        if bool(field.data) == bool(self.entity_id.data):
            raise ValidationError(_l("Please choose either an organisation or a site."))


class _AccountFields(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=options(ROLES.items()),
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )
    organisation_id = SelectField(_l("Organisation"), validators=[OneOfChoices()], validate_choice=False)
    nomination = SelectField(
        _l("Nominated as"),
        choices=options([("", _l("Not a committee member")), *NOMINATIONS.items()]),
        validators=[Optional(), OneOfChoices()],
        validate_choice=False,
    )
    vice_chair = BooleanField(_l("Vice-chair (may chair panels)"))

    def __init__(self, organisations, *args, **kwargs):
        """``organisations``: (id, name, kind) of every registered organisation."""
        super().__init__(*args, **kwargs)
        self.kinds = {str(id_): kind for id_, _name, kind in organisations}
        self.organisation_id.choices = options(
            [("", _l("No organisation")), *((str(id_), name) for id_, name, _kind in organisations)]
        )

    def validate_organisation_id(self, field):
        if self.role.data in (Role.COMPANY, Role.ORGANISATION) and not field.data:
            raise ValidationError(_l("Company liaisons and union or NGO members need an organisation."))
        kinds = ORGANISATION_KINDS_FOR_ROLE.get(self.role.data)
        if field.data and kinds is not None and self.kinds.get(field.data) not in kinds:
            raise ValidationError(CHANGE_REFUSALS[f"organisation_kind_{self.role.data}"])

    def validate_nomination(self, field):
        if field.data and self.role.data not in COMMITTEE:
            raise ValidationError(_l("Only the chair and committee members are nominated."))

    def validate_vice_chair(self, field):
        if field.data and self.role.data != Role.MEMBER:
            raise ValidationError(_l("Only a committee member can be vice-chair."))


class NewUserForm(_AccountFields):
    email = StringField(
        _l("Email"),
        validators=[DataRequired(REQUIRED), MaxLength(254), OptionalEmail()],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false", "dir": "ltr"},
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(REQUIRED), MaxLength(200)], render_kw={"autocomplete": "off"}
    )
    locale = SelectField(
        _l("Language of the staff pages"),
        choices=locale_choices(),
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )


class EditUserForm(_AccountFields):
    active = BooleanField(_l("Active (may log in)"))


class EmptyForm(FlaskForm):
    """A button that changes something: only the CSRF token to check."""
