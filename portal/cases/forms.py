"""Staff forms for casework. Every message a person can see is ours and translated."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from portal.cases.committee import PanelKind, SeatKind
from portal.cases.labels import CATEGORIES, COMMODITIES, OUTCOMES, PANELS, SEATS, STATE_NAMES
from portal.core.forms import REQUIRED, CheckboxListField, MaxLength, OneOfChoices, QuickSelect, options
from portal.core.i18n import words

TEXT_MAX = 20_000
# Who reads what staff write (shown under the fields).
READ_BY_COMPLAINANT = _l(
    "The complainant reads these reasons (with the version in their language below, if you give one)."
)
TRANSLATION_READ_BY_COMPLAINANT = _l("If you give it, the complainant reads this version instead of the reasons above.")
READ_BY_STAFF = _l("Only staff read these reasons.")
QUESTION_READ_BY_COMPLAINANT = _l("The complainant reads this question exactly as you write it.")
MESSAGE_READ_BY_COMPLAINANT = _l("The complainant reads this message exactly as you write it.")
WORKING_COPY = _l("For staff only: the complainant never sees it.")
SORTS = {"newest": _l("Newest first"), "oldest": _l("Oldest first"), "due": _l("Next deadline first")}


class CaseFilterForm(FlaskForm):
    """The case list's filters; a GET form, so no CSRF token in the URL."""

    class Meta:
        csrf = False

    state = SelectField(
        _l("State"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    category = SelectField(
        _l("Category"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    country = StringField(_l("Country code"), validators=[Optional(), MaxLength(2)])
    commodity = SelectField(
        _l("Metal or mineral"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    entity = SelectField(
        _l("Site"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    urgent = BooleanField(_l("Urgent only"))
    overdue = BooleanField(_l("Overdue only"))
    sort = SelectField(
        _l("Sort"), choices=options(SORTS.items()), default="newest", validate_choice=False, widget=QuickSelect()
    )

    def __init__(self, entities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        anything = ("", _("Any"))
        self.state.choices = options([anything, *words(STATE_NAMES).items()])
        self.category.choices = options([anything, *words(CATEGORIES).items()])
        self.commodity.choices = options([anything, *words(COMMODITIES).items()])
        self.entity.choices = options([anything, *((str(e.id), e.name) for e in entities)])
        if self.sort.data not in SORTS:
            self.sort.data = "newest"


class MessageForm(FlaskForm):
    text = TextAreaField(
        _l("Message to the complainant, in their language"),
        description=MESSAGE_READ_BY_COMPLAINANT,
        validators=[DataRequired(REQUIRED), MaxLength(TEXT_MAX)],
        render_kw={"rows": 4},
    )
    translation = TextAreaField(
        _l("Working translation (for the file)"),
        description=WORKING_COPY,
        validators=[MaxLength(TEXT_MAX)],
        render_kw={"rows": 3},
    )


class MandateVerifyForm(FlaskForm):
    pass  # the CSRF token is all it carries


class MandateRequestForm(FlaskForm):
    text = TextAreaField(
        _l("What more do you need? Written to the representative, in their language"),
        validators=[DataRequired(REQUIRED), MaxLength(TEXT_MAX)],
        render_kw={"rows": 3},
    )
    translation = TextAreaField(
        _l("Working translation (for the file)"), validators=[MaxLength(TEXT_MAX)], render_kw={"rows": 2}
    )


class UrgencyForm(FlaskForm):
    urgent = HiddenField()  # "1" to set the flag, anything else to clear it; the page shows the one that applies
    reason = TextAreaField(
        _l("Reasons"), validators=[DataRequired(REQUIRED), MaxLength(TEXT_MAX)], render_kw={"rows": 2}
    )


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Internal note (never shown to the complainant or the company)"),
        validators=[DataRequired(REQUIRED), MaxLength(TEXT_MAX)],
        render_kw={"rows": 3},
    )


class TranslationForm(FlaskForm):
    translation = TextAreaField(_l("Working translation"), validators=[MaxLength(TEXT_MAX)], render_kw={"rows": 3})


class ActionForm(FlaskForm):
    """One form for every workflow action; the workflow's guards say which fields an action needs."""

    reasons = TextAreaField(_l("Reasons"), validators=[MaxLength(TEXT_MAX)], render_kw={"rows": 4})
    reasons_translation = TextAreaField(
        _l("Reasons in the complainant's language"), validators=[MaxLength(TEXT_MAX)], render_kw={"rows": 3}
    )
    message = TextAreaField(
        _l("Question for the complainant, in their language"), validators=[MaxLength(TEXT_MAX)], render_kw={"rows": 3}
    )
    message_translation = TextAreaField(
        _l("Working translation of the question"), validators=[MaxLength(TEXT_MAX)], render_kw={"rows": 2}
    )
    outcome = SelectField(_l("Outcome"), validators=[Optional(), OneOfChoices()], validate_choice=False)
    referral = StringField(_l("Referral (for example the National Contact Point)"), validators=[MaxLength(300)])
    public_summary = TextAreaField(
        _l("Anonymised public summary (draft for publication)"), validators=[MaxLength(5000)], render_kw={"rows": 3}
    )
    merge_target = StringField(_l("Reference of the case to merge into"), validators=[MaxLength(20)])

    def __init__(self, *args, tells_complainant: bool = True, **kwargs):
        """``tells_complainant``: the action's timeline entry is shown to the complainant (the workflow says which),
        so the reasons field says who will read it."""
        super().__init__(*args, **kwargs)
        self.outcome.choices = options([("", _l("Choose")), *OUTCOMES.items()])
        if tells_complainant:
            self.reasons.description = READ_BY_COMPLAINANT
            self.reasons_translation.description = TRANSLATION_READ_BY_COMPLAINANT
        else:
            self.reasons.description = READ_BY_STAFF
        self.message.description = QUESTION_READ_BY_COMPLAINANT
        self.message_translation.description = WORKING_COPY


class PanelSeatForm(FlaskForm):
    user_id = SelectField(
        _l("Committee member"), validators=[DataRequired(REQUIRED), OneOfChoices()], validate_choice=False
    )
    seat = SelectField(_l("Seat"), choices=options(SEATS.items()), validators=[OneOfChoices()], validate_choice=False)
    panel = SelectField(
        _l("Panel"),
        choices=options(PANELS.items()),
        default=PanelKind.ORIGINAL,
        validators=[OneOfChoices()],
        validate_choice=False,
    )

    def __init__(self, members, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = options([("", _l("Choose")), *((str(m.id), m.name) for m in members)])
        if not self.seat.data:
            self.seat.data = SeatKind.CHAIR


class LinkForm(FlaskForm):
    respondent = SelectField(_l("Respondent company"), validators=[Optional(), OneOfChoices()], validate_choice=False)
    entities = CheckboxListField(_l("Sites concerned"), validators=[Optional(), OneOfChoices()], validate_choice=False)

    def __init__(self, company_choices, entity_choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.respondent.choices = options([("", _l("Not named yet")), *((str(c.id), c.name) for c in company_choices)])
        self.entities.choices = options((str(e.id), e.name) for e in entity_choices)


class AssignForm(FlaskForm):
    officer = SelectField(_l("Case officer"), validators=[Optional(), OneOfChoices()], validate_choice=False)

    def __init__(self, officers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.officer.choices = options([("", _l("Nobody")), *((str(o.id), o.name) for o in officers)])


class SummaryForm(FlaskForm):
    summary = TextAreaField(
        _l("Redacted summary for the company (no names, nothing that identifies the complainant)"),
        validators=[DataRequired(REQUIRED), MaxLength(TEXT_MAX)],
        render_kw={"rows": 5},
    )


class MonitoringForm(FlaskForm):
    note = TextAreaField(
        _l("What the check-in found"), validators=[DataRequired(REQUIRED), MaxLength(TEXT_MAX)], render_kw={"rows": 3}
    )
