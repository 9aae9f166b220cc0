"""Staff forms for casework. Every message a person can see is ours and translated."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional, StopValidation, ValidationError

from portal.cases.commitments import CURRENCIES, to_minor_units
from portal.cases.committee import PanelKind, SeatKind
from portal.cases.labels import CATEGORIES, COMMODITIES, MEETING_KINDS, OUTCOMES, PANELS, SEATS, STATE_NAMES
from portal.core.forms import (
    CHOOSE_ONE,
    REQUIRED,
    CheckboxListField,
    MaxLength,
    OneOfChoices,
    QuickSelect,
    WholeNumber,
    options,
    text_of,
)
from portal.core.i18n import countries, spoken_languages, words

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
# The sorts of the list's column headers (portal/cases/queries.py SORTS has their SQL).
SORT_KEYS = frozenset(
    {
        "newest",
        "oldest",
        "due",
        "due_late",
        "reference",
        "reference_desc",
        "state",
        "state_desc",
        "country",
        "country_desc",
    }
)


class CaseFilterForm(FlaskForm):
    """The case list's filters and search; a GET form, so no CSRF token in the URL. The sort is chosen by the
    column headers and carried along (hidden)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), MaxLength(100)])
    state = SelectField(
        _l("State"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    category = SelectField(
        _l("Category"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    country = SelectField(
        _l("Country"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    commodity = SelectField(
        _l("Metal or mineral"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    entity = SelectField(
        _l("Site"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    tag = SelectField(_l("Tag"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect())
    mine = BooleanField(_l("Assigned to me"))
    unassigned = BooleanField(_l("Unassigned only"))
    urgent = BooleanField(_l("Urgent only"))
    overdue = BooleanField(_l("Overdue only"))
    due_week = BooleanField(_l("Due this week"))
    sort = HiddenField(default="newest")

    def __init__(self, entities, tag_labels, locale: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every list is built once per key and rendered once per key and selection (the list page shows them on
        # every request). Lists read per request (sites, tags) are their own keys.
        anything = ("", _("Any"))
        keyed_choices(self.state, ("states-any", locale), lambda: [anything, *words(STATE_NAMES).items()])
        keyed_choices(self.category, ("categories-any", locale), lambda: [anything, *words(CATEGORIES).items()])
        keyed_choices(self.commodity, ("commodities-any", locale), lambda: [anything, *words(COMMODITIES).items()])
        keyed_choices(self.country, ("countries-any", locale), lambda: [anything, *countries(locale)])
        entities, tag_labels = tuple(entities), tuple(tag_labels)
        keyed_choices(self.entity, ("entities-any", locale, entities),
                       lambda: [anything, *((str(entity_id), name) for entity_id, name in entities)])  # fmt: skip
        keyed_choices(self.tag, ("tags-any", locale, tag_labels),
                       lambda: [anything, *((str(tag_id), label) for tag_id, label in tag_labels)])  # fmt: skip
        if self.country.data:
            self.country.data = self.country.data.upper()
        if self.sort.data not in SORT_KEYS:
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
        keyed_pairs(self.user_id, "panel-members", _l("Choose"), ((member.id, member.name) for member in members))
        if not self.seat.data:
            self.seat.data = SeatKind.CHAIR


class LinkForm(FlaskForm):
    respondent = SelectField(_l("Respondent company"), validators=[Optional(), OneOfChoices()], validate_choice=False)
    entities = CheckboxListField(_l("Sites concerned"), validators=[Optional(), OneOfChoices()], validate_choice=False)

    def __init__(self, company_pairs, entity_pairs, *args, **kwargs):
        """``company_pairs`` and ``entity_pairs``: (id, name) of every company and registered site, by name."""
        super().__init__(*args, **kwargs)
        keyed_pairs(self.respondent, "respondents", _l("Not named yet"), company_pairs)
        sites = tuple((str(entity_id), name) for entity_id, name in entity_pairs)
        keyed_choices(self.entities, ("sites", sites), sites)


class AssignForm(FlaskForm):
    officer = SelectField(_l("Case officer"), validators=[Optional(), OneOfChoices()], validate_choice=False)

    def __init__(self, officers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keyed_pairs(self.officer, "officers", _l("Nobody"), ((officer.id, officer.name) for officer in officers))


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


UNKNOWN_LANGUAGE = _l("We do not know this language. Please choose one from the list.")


class LanguageChoice:
    """The value must be one of the language list's codes; the message says so in words, not "invalid choice"."""

    def __call__(self, form, field):
        valid = {str(choice.value) for choice in field.choices}
        if field.data not in (None, "") and field.data not in valid:
            raise StopValidation(UNKNOWN_LANGUAGE)


def keyed_choices(field, key: tuple, pairs) -> None:
    """Give ``field`` a fixed list of choices, built once per ``key`` and rendered once per key and selection."""
    field.choices = list(_choices(key, pairs))
    field.choices_key = key


def keyed_pairs(field, name: str, empty_label, pairs) -> None:
    """A select of rows read per request, as ``(id, name)`` pairs, after an empty option ("Nobody", "Choose"):
    keyed by the pairs and the empty option's words (its language), so a kept form renders again as soon as a row
    is added, removed or renamed, on every server (core/page_cache.py)."""
    empty = str(empty_label)
    pairs = tuple((str(row_id), row_name) for row_id, row_name in pairs)
    keyed_choices(field, (name, empty, pairs), lambda: [("", empty), *pairs])


_CHOICES: dict[tuple, tuple[SelectChoice, ...]] = {}


def _choices(key: tuple, pairs) -> tuple[SelectChoice, ...]:
    if key not in _CHOICES:
        if len(_CHOICES) >= 1024:  # a bound, not a policy: keys are lists times locales, and lists change rarely
            _CHOICES.clear()
        _CHOICES[key] = tuple(options(pairs() if callable(pairs) else pairs))
    return _CHOICES[key]


def _language_choices(field, locale: str, empty_label) -> None:
    empty = str(empty_label)
    keyed_choices(field, ("languages", locale, empty), lambda: [("", empty), *spoken_languages(locale)])


class LanguageForm(FlaskForm):
    """The complainant's own language and whether an interpreter is needed (any ISO 639 language)."""

    language = SelectField(
        _l("The complainant's own language"), validators=[LanguageChoice()], validate_choice=False, widget=QuickSelect()
    )
    interpreter_needed = BooleanField(_l("An interpreter is needed"))
    interpreter_language = SelectField(
        _l("Interpreter for which language"), validators=[LanguageChoice()], validate_choice=False, widget=QuickSelect()
    )
    interpreter_note = TextAreaField(
        _l("Note on the interpreter (for staff)"), validators=[MaxLength(1000)], render_kw={"rows": 2}
    )

    def __init__(self, locale: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _language_choices(self.language, locale, _l("Not recorded"))
        _language_choices(self.interpreter_language, locale, _l("The complainant's own language"))


class MeetingForm(FlaskForm):
    kind = SelectField(
        _l("Kind of meeting"),
        choices=options(MEETING_KINDS.items()),
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )
    date = StringField(_l("Date"), validators=[DataRequired(REQUIRED)], render_kw={"type": "date"})
    time = StringField(_l("Start time"), validators=[DataRequired(REQUIRED)], render_kw={"type": "time"})
    timezone = SelectField(_l("Time zone"), validators=[OneOfChoices()], validate_choice=False, widget=QuickSelect())
    duration = StringField(
        _l("Length in minutes"),
        default="120",
        validators=[WholeNumber(maximum=24 * 60)],
        render_kw={"inputmode": "numeric"},
    )
    place = TextAreaField(_l("Place (address, room)"), validators=[MaxLength(1000)], render_kw={"rows": 2})
    joining = TextAreaField(
        _l("Or, for a remote meeting: how to join (link, phone number)"),
        validators=[MaxLength(1000)],
        render_kw={"rows": 2},
    )
    interpreter_language = SelectField(
        _l("Interpreter"), validators=[LanguageChoice()], validate_choice=False, widget=QuickSelect()
    )
    participants = TextAreaField(
        _l("Who will attend (company, committee members, the complainant and who comes with them)"),
        validators=[MaxLength(2000)],
        render_kw={"rows": 3},
    )
    company_invited = BooleanField(_l("The company is invited (its liaisons see when and where, not who attends)"))

    def __init__(self, locale: str, zones: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        _language_choices(self.interpreter_language, locale, _l("No interpreter"))
        keyed_choices(self.timezone, ("zones", *zones), lambda: [(zone, zone.replace("_", " ")) for zone in zones])
        if not self.timezone.data and zones:
            self.timezone.data = zones[0]

    def validate_date(self, field):
        try:
            date.fromisoformat(field.data)
        except (TypeError, ValueError) as error:
            raise ValidationError(_l("Please give a date as year-month-day, for example 2026-03-15.")) from error

    def validate_time(self, field):
        try:
            time.fromisoformat(field.data)
        except (TypeError, ValueError) as error:
            raise ValidationError(_l("Please give a time as hours:minutes, for example 14:30.")) from error

    def validate_duration(self, field):
        if not field.data:
            raise ValidationError(REQUIRED)

    def validate_joining(self, field):
        if not (text_of(self.place) or text_of(field)):
            raise ValidationError(_l("Give the place, or how to join from a distance."))

    def starts_at(self) -> datetime:
        """The start as an aware UTC time, from the local date, time and zone given."""
        local = datetime.combine(date.fromisoformat(self.date.data), time.fromisoformat(self.time.data))
        return local.replace(tzinfo=ZoneInfo(self.timezone.data)).astimezone(UTC)


INSTALMENT_ROWS = 4
OWED_BY = {"respondent": _l("The respondent company"), "other": _l("Another party (name it below)")}


class InstalmentForm(Form):
    """One row of a commitment: a due date and, if money is owed, the amount due then."""

    due_on = StringField(_l("Due date"), validators=[Optional(), MaxLength(10)], render_kw={"type": "date"})
    amount = StringField(_l("Amount"), validators=[Optional(), MaxLength(20)], render_kw={"inputmode": "decimal"})

    def validate_due_on(self, field):
        try:
            field.data = date.fromisoformat(field.data)
        except ValueError as error:
            raise ValidationError(_l("Please give a date as year-month-day, for example 2026-03-15.")) from error


class CommitmentForm(FlaskForm):
    """What a settlement or decision obliges someone to do: one row per due date (several rows: instalments)."""

    what = TextAreaField(
        _l("What is owed"), validators=[DataRequired(REQUIRED), MaxLength(TEXT_MAX)], render_kw={"rows": 3}
    )
    owed_by = SelectField(
        _l("Owed by"), choices=options(OWED_BY.items()), validators=[OneOfChoices()], validate_choice=False
    )
    other_party = StringField(_l("Name of the other party"), validators=[MaxLength(300)])
    currency = StringField(
        _l("Currency (ISO 4217 code, for example USD)"), validators=[MaxLength(3)], render_kw={"size": 3}
    )
    instalments = FieldList(FormField(InstalmentForm), min_entries=INSTALMENT_ROWS, max_entries=12)

    def validate_other_party(self, field):
        if self.owed_by.data == "other" and not (field.data or "").strip():
            raise ValidationError(REQUIRED)

    def validate_currency(self, field):
        field.data = (field.data or "").strip().upper() or None
        if field.data is not None and field.data not in CURRENCIES:
            raise ValidationError(_l("Please give a currency code such as USD, EUR or CDF."))

    def validate_instalments(self, field):
        rows = [row for row in field.entries if row.form.due_on.data or (row.form.amount.data or "").strip()]
        if not rows:
            raise ValidationError(_l("Please give at least one due date."))
        for row in rows:
            if not row.form.due_on.data:
                row.form.due_on.errors = [*row.form.due_on.errors, REQUIRED]
                raise ValidationError(_l("Every amount needs its due date."))
            amount = (row.form.amount.data or "").strip()
            if amount:
                if self.currency.data is None:
                    raise ValidationError(_l("Give the currency of the amounts."))
                minor = to_minor_units(amount, self.currency.data)
                if minor is None:
                    row.form.amount.errors = [*row.form.amount.errors, str(AMOUNT_FORMAT)]
                    raise ValidationError(AMOUNT_FORMAT)

    def rows(self) -> list[tuple[date, int | None]]:
        """The filled rows as (due date, amount in minor units or None), after validation."""
        filled = []
        for row in self.instalments.entries:
            if row.form.due_on.data:
                amount = (row.form.amount.data or "").strip()
                currency = self.currency.data
                filled.append((row.form.due_on.data, to_minor_units(amount, currency) if amount and currency else None))
        return filled


AMOUNT_FORMAT = _l("Please give the amount in figures with a point for decimals, for example 600 or 600.50.")
