"""The cached helpers lists use per row (issue 17) print exactly what the uncached ones did, per language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from flask import render_template_string
from flask_babel import force_locale, format_date, gettext, lazy_gettext
from wtforms import Form, SelectField
from wtforms.widgets import Select

from portal.cases.labels import STATE_NAMES
from portal.core.forms import QuickSelect, options
from portal.core.i18n import day, language_name, locale_code, words

LOCALES = ["en", "nl", "fr", "es", "pt_BR", "id", "sw", "zh_Hans", "hi", "ar"]
MOMENTS = [
    datetime(2026, 11, 30, 23, 30, tzinfo=UTC),
    datetime(2026, 12, 1, 1, 30, tzinfo=timezone(timedelta(hours=3))),  # the 30th in UTC
    date(2027, 2, 28),
]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_day_reads_as_flask_babel_writes_it(app, locale):
    """The cached day is Flask-Babel's, with one change: "medium" names the month in full, as "long" does."""
    with app.test_request_context(), force_locale(locale):
        for moment in MOMENTS:
            for width in ("medium", "long"):
                assert day(moment, width) == format_date(moment, "long")
            assert day(moment, "short") == format_date(moment, "short")
        assert day(None) == ""


def test_words_follow_the_reader_language(app):
    with app.test_request_context():
        with force_locale("fr"):
            french = words(STATE_NAMES)
            assert french["closed"] == str(STATE_NAMES["closed"])
        with force_locale("sw"):
            swahili = words(STATE_NAMES)
            assert swahili["closed"] == str(STATE_NAMES["closed"])
        assert french["closed"] != swahili["closed"]


def test_language_names_follow_the_reader_language(app):
    with app.test_request_context():
        with force_locale("en"):
            assert language_name("qu") == "Quechua"
        with force_locale("fr"):
            assert language_name("qu") == "Quechua" and language_name("sw") == "Swahili"
        with force_locale("nl"):
            assert language_name("sw") == "Swahili" and language_name("de") == "Duits"


class _Plain(Form):
    pick = SelectField(choices=options([("", "Any"), ("a", "A & <b>"), ("7", "Seven")]), widget=Select())


class _Quick(Form):
    pick = SelectField(choices=options([("", "Any"), ("a", "A & <b>"), ("7", "Seven")]), widget=QuickSelect())


@pytest.mark.parametrize("value", ["", "a", "7", "unknown"])
def test_the_quick_select_renders_what_wtforms_renders(value):
    plain, quick = _Plain(data={"pick": value}), _Quick(data={"pick": value})
    assert str(quick.pick(required=False)) == str(plain.pick(required=False))
    assert "&amp; &lt;b&gt;" in str(quick.pick())


class _KeyedPlain(Form):
    pick = SelectField(widget=Select())


class _KeyedQuick(Form):
    pick = SelectField(widget=QuickSelect())


@pytest.mark.parametrize("value", ["", "a", "7"])
def test_a_keyed_option_list_renders_what_wtforms_renders_for_each_selection(value):
    """The whole list is kept per key and selection: choosing another value must not show the first one's list."""
    choices = options([("", "Any"), ("a", "A & <b>"), ("7", "Seven")])
    plain, quick = _KeyedPlain(data={"pick": value}), _KeyedQuick(data={"pick": value})
    plain.pick.choices = quick.pick.choices = choices
    quick.pick.choices_key = ("test-list",)
    assert str(quick.pick(required=False)) == str(plain.pick(required=False))
    assert str(quick.pick(**{"aria-invalid": "true"})) == str(plain.pick(**{"aria-invalid": "true"}))


def test_the_templates_words_follow_a_forced_locale_and_come_back(app):
    """The templates' catalogue is kept per request beside the locale it was taken for (core/i18n.py): an e-mail
    written in the recipient's language in the middle of a page must not leave the page in that language."""
    page = "{{ _('Dashboard') }} {{ ngettext('%(num)d case', '%(num)d cases', 2) }}"
    with app.test_request_context("/staff/"):
        english = render_template_string(page)
        with force_locale("fr"):
            french = render_template_string(page)
            with force_locale("sw"):
                swahili = render_template_string(page)
            assert render_template_string(page) == french
        assert render_template_string(page) == english
    assert english == "Dashboard 2 cases"
    with app.test_request_context("/staff/"):  # Python's gettext and lazy labels take the same kept catalogue
        assert gettext("Dashboard") == "Dashboard"
        with force_locale("fr"):
            assert gettext("Dashboard") == french.split(" 2 ")[0] and str(lazy_gettext("Dashboard")) != "Dashboard"
        assert str(lazy_gettext("Dashboard")) == "Dashboard"
    assert french.startswith("Tableau de bord") and french != english
    assert swahili not in (english, french)
    with app.test_request_context("/staff/"), force_locale("ar"):
        assert locale_code() == "ar" and day(date(2027, 2, 28)) == format_date(date(2027, 2, 28), "long")


def test_wtforms_messages_are_read_once_per_process_in_the_readers_language(app, monkeypatch):
    """Flask-WTF read WTForms' catalogue from disk on every request that showed one of its messages (0.3 ms); kept per
    process and language now (core/i18n.PortalRequest), and still speaks the reader's language."""
    from babel import support
    from flask_wtf import FlaskForm

    from portal.core.i18n import wtforms_catalogue

    loads = []
    real_load = support.Translations.load.__func__

    def counting_load(cls, *args, **kwargs):
        loads.append(kwargs.get("domain"))
        return real_load(cls, *args, **kwargs)

    monkeypatch.setattr(support.Translations, "load", classmethod(counting_load))
    wtforms_catalogue.cache_clear()
    said = []
    for code in ("fr", "fr", "fr", "zh_Hans", "fr"):
        with app.test_request_context(f"/{code}/report/what"):
            form = FlaskForm()
            said.append(form.meta.get_translations(form).gettext("Not a valid choice."))
    assert said == ["N'est pas un choix valide."] * 3 + ["不是有效的选择。", "N'est pas un choix valide."]
    assert loads.count("wtforms") == 2  # French once, Chinese once
