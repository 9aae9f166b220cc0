from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, TextAreaField
from wtforms.validators import DataRequired

from portal.core.forms import REQUIRED, MaxLength


class CompanyResponseForm(FlaskForm):
    response = TextAreaField(
        _l("Your response"), validators=[DataRequired(REQUIRED), MaxLength(20_000)], render_kw={"rows": 8}
    )
    documents = MultipleFileField(_l("Documents (optional)"))


class ExtensionForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you need more time?"),
        description=_l("The committee's staff read this reason."),
        validators=[DataRequired(REQUIRED), MaxLength(2_000)],
        render_kw={"rows": 3},
    )
