"""The account page's token form: a name, the scopes the role allows, a lifetime from a short list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, InputRequired

from portal.api.tokens import SCOPE_LABELS, Scope
from portal.core.forms import CHOOSE_ONE, REQUIRED, CheckboxListField, MaxLength, OneOfChoices, options

# A short list rather than a number to type: fewer mistakes, and a year at most (tokens.MAX_LIFETIME_DAYS).
LIFETIMES = [
    ("30", _l("30 days")),
    ("90", _l("90 days")),
    ("180", _l("180 days")),
    ("366", _l("A year (366 days)")),
]
DEFAULT_LIFETIME = "90"


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        validators=[DataRequired(REQUIRED), MaxLength(100)],
        render_kw={"autocomplete": "off"},
    )
    scopes = CheckboxListField(
        _l("What may the token do?"),
        validators=[DataRequired(_l("Choose at least one thing the token may do.")), OneOfChoices()],
        validate_choice=False,
    )
    lifetime = RadioField(
        _l("How long does it work?"),
        choices=options(LIFETIMES),
        default=DEFAULT_LIFETIME,
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )

    def __init__(self, allowed: tuple[Scope, ...], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only what the role allows is offered; ``issue`` refuses anything else a forged form sends.
        self.scopes.choices = options((scope.value, SCOPE_LABELS[scope]) for scope in allowed)
