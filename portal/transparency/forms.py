"""Forms of the publication controls (staff) and of the complainant's register choice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired

from portal.core.forms import CHOOSE_ONE, MaxLength, options
from portal.core.i18n import LOCALES
from portal.transparency.operations import MAX_TEXT


class DraftForm(FlaskForm):
    locale = SelectField(
        _l("Language of this text"),
        choices=options((code, locale.native_name) for code, locale in LOCALES.items()),
        validators=[InputRequired(CHOOSE_ONE)],
    )
    text = TextAreaField(
        _l("Public text (no names, no places or dates that could point to a person)"),
        validators=[MaxLength(MAX_TEXT)],
        render_kw={"rows": 4},
    )


class ConfirmForm(FlaskForm):
    """Approve, withdraw or release: one button, nothing to type (the CSRF token is checked)."""

    value = HiddenField()


class RegisterChoiceForm(FlaskForm):
    listed = RadioField(
        _l("May your case be shown in the public register?"),
        choices=options(
            [
                ("yes", _l("Yes. Show it without my name or anything that could show who I am.")),
                ("no", _l("No. Do not show my case in the public register.")),
            ]
        ),
        validators=[InputRequired(CHOOSE_ONE)],
    )
