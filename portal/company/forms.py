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


class CompanyMessageForm(FlaskForm):
    message = TextAreaField(
        _l("Your message to the secretariat"),
        description=_l("The committee's staff read it. The complainant does not."),
        validators=[DataRequired(REQUIRED), MaxLength(20_000)],
        render_kw={"rows": 4},
    )


class ProgressForm(FlaskForm):
    progress = TextAreaField(
        _l("What has been done"),
        description=_l("For example: paid on 3 March, receipt number 1234. The committee's staff read it."),
        validators=[DataRequired(REQUIRED), MaxLength(5_000)],
        render_kw={"rows": 3},
    )
