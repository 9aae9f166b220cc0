"""Shared form validators (portal/core/forms.py) never raise on what a person or a robot types."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from wtforms.validators import ValidationError

from portal.core.forms import WholeNumber


@pytest.mark.parametrize(
    ("typed", "number"), [("40", 40), ("1 200", 1200), ("٤٠", 40), ("४०", 40), ("", None), ("  ", None)]
)
def test_whole_numbers_in_any_script(app, typed, number):
    field = SimpleNamespace(data=typed)
    with app.test_request_context():
        WholeNumber()(None, field)
    assert field.data == number


@pytest.mark.parametrize("typed", ["9" * 100_000, "9" * 13, "²", "4²", "-3", "0", "12a", "1e9", "10000001"])
def test_anything_else_is_a_validation_error_not_a_crash(app, typed):
    with app.test_request_context(), pytest.raises(ValidationError):
        WholeNumber()(None, SimpleNamespace(data=typed))


def test_error_links_point_at_an_element_that_exists(app):
    """A list of checkboxes has no element of its own name: the summary links to its first box."""
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import DataRequired

    from portal.core.forms import CheckboxListField, error_links, options

    class Form(FlaskForm):
        name = StringField(validators=[DataRequired("Name it.")])
        events = CheckboxListField(choices=options([("a", "A")]), validators=[DataRequired("Choose one.")])

    with app.test_request_context(method="POST", data={}):
        form = Form()
        assert not form.validate()
        assert error_links(form) == [("#name", "Name it."), ("#events-0", "Choose one.")]
        assert 'id="events-0"' in str(form.events)
