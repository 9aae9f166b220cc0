"""Form fields and validators every package shares. Each message a person can see is ours and translated
(WTForms' own messages are English only)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectMultipleField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

REQUIRED = _l("Please fill in this field.")
TOO_LONG = _l("Please write at most %(max)d characters.")
CHOOSE_ONE = _l("Please choose one of the options.")


def MaxLength(maximum: int) -> Length:
    return Length(max=maximum, message=TOO_LONG)


class OneOfChoices:
    """Every submitted value must be one of the field's choices (WTForms' own message is English only)."""

    def __call__(self, form, field):
        valid = {str(choice.value) for choice in field.choices}
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(str(value) not in valid for value in values if value not in (None, "")):
            raise StopValidation(CHOOSE_ONE)


class WholeNumber:
    def __init__(self, minimum: int = 1, maximum: int = 10_000_000):
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, form, field):
        text = (field.data or "").strip().replace(" ", "").replace(",", "").replace(".", "")
        if not text:
            field.data = None
            return
        # Decimal digits of any script ("٤٠" is 40) but not "²", a digit to isdigit() that int() refuses; and few
        # of them: int() refuses 4,300 digits and more with a ValueError no validator catches.
        if not (text.isdecimal() and len(text) <= 12) or not self.minimum <= int(text) <= self.maximum:
            raise ValidationError(_l("Please give a whole number, for example 12."))
        field.data = int(text)


class PastDate:
    def __call__(self, form, field):
        if not field.data:
            field.data = None
            return
        try:
            value = date.fromisoformat(field.data)
        except ValueError as error:
            raise ValidationError(_l("Please give a date as year-month-day, for example 2026-03-15.")) from error
        if value > date.today():
            raise ValidationError(_l("This date is in the future."))
        field.data = value


class OptionalEmail:
    def __call__(self, form, field):
        if field.data:
            # The demo's accounts live at .test (a special-use domain no mail reaches), so the demo accepts it; a
            # real portal keeps refusing it, because an invitation or a reply sent there could never arrive.
            test_domains = bool(current_app.config.get("PORTAL_DEMO"))
            try:
                field.data = validate_email(
                    field.data, check_deliverability=False, test_environment=test_domains
                ).normalized
            except EmailNotValidError as error:
                raise ValidationError(_l("This email address does not look right.")) from error


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def error_links(form) -> list[tuple[str, str]]:
    """(link, message) for the ``error_summary`` macro, field by field in the form's order. A list of choices
    (radio buttons, checkboxes) has no element of its own name: its link goes to its first box."""
    return [
        (f"#{field.id}-0" if isinstance(field.widget, ListWidget) else f"#{field.id}", str(message))
        for field in form
        for message in field.errors
    ]


class QuickSelect(Select):
    """WTForms' select whose ``<option>`` markup is built once per value, label and selection and kept: a list
    page renders hundreds of options per request, and building each again was half the staff list's time.

    A field whose choices are one fixed list per key (``field.choices_key``: the ~600 languages in one reader's
    language, the time zones of one country) keeps its whole option list per key and selection: the case page shows
    several of them, and building them was nine tenths of its time."""

    def __call__(self, field, **kwargs):
        key = getattr(field, "choices_key", None)
        if key is None or self.multiple:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        for flag in self.validation_attrs:
            if flag not in kwargs and getattr(field.flags, flag, False):
                kwargs[flag] = getattr(field.flags, flag)
        cached = (key, str(field.data))
        inner = _OPTION_LISTS.get(cached)
        if inner is None:
            if len(_OPTION_LISTS) >= 4096:  # a bound, not a policy: the keys are few: lists times selections shown
                _OPTION_LISTS.clear()
            inner = _OPTION_LISTS[cached] = Markup("").join(
                self.render_option(choice) for choice in field.iter_choices()
            )
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>") + inner + Markup("</select>")

    @classmethod
    def render_option(cls, choice, **kwargs):
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        return _option(choice.value, str(choice.label or choice.value), bool(choice.selected))


_OPTION_LISTS: dict[tuple, Markup] = {}


@lru_cache(maxsize=16384)
def _option(value, label: str, selected: bool) -> Markup:
    return Select.render_option(Choice(value, label, selected, None))


def options(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def text_of(field) -> str | None:
    """A text field's value, stripped; None when empty or not sent."""
    return (field.data or "").strip() or None
