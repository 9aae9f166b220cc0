"""Translation points a native reader raised (issue 12): English leftovers, words that read wrongly, Chinese
punctuation and order, one month form per language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from portal.config import ROOT
from portal.core.i18n import LOCALES, countries, day, moment, spoken_languages

OTHER_LOCALES = [code for code in LOCALES if code != "en"]
TEMPLATES = Path(ROOT) / "portal" / "templates"

# Strings that are rightly the same as the English: names of standards and places, and words the language itself
# spells that way (Dutch "Privacy", French "Dialogue", Spanish "Zinc"). Anything else identical is a leftover.
SAME_AS_ENGLISH = {
    "nl": {
        # The API docs page's technical terms, used as loanwords by Dutch developers.
        "Endpoints",
        "Parameters",
        "Tokens",
        "Type",
        "Webhooks",
        "Open data",  # the Dutch term (the government's own portal is data.overheid.nl "open data")
        "Status",  # the Dutch word
        "Indicator",  # the Dutch word
        "Week",  # the same word in Dutch
        "Week %(week)d",
        "Account %(id)d",
        "Account: %(email)s",
        "Accounts",
        "Dashboard",
        "Depot",
        "Details",
        "LEI (Legal Entity Identifier)",
        "Open Supply Hub OS ID",
        "Panel",
        "Panels",
        "Privacy",
        "Status:",
        "Open",  # Dutch "open", of an alert
        "Tin",
    },
    "fr": {
        "Pagination",  # French words, and the loanword French developers use for webhooks
        "Type",
        "Webhooks",
        "Action",
        "Cobalt",
        "Corruption",
        "Date",
        "Dialogue",
        "Latitude",
        "Longitude",
        "Mine",
        "Nickel",
        "Organisation",
        "Organisations",
        "Page %(num)d",
        "Page %(page)d",
        "Pages",
        "Port",
        "Relation",
        "Relations",
        "Site",
        "Sites",
        "Urgent",
        "Zinc",
    },
    "es": {"Error %(code)s", "Error:", "No", "Panel", "Zinc", "Endpoints", "Tokens", "Webhooks"},  # API loanwords
    "pt_BR": {
        "Latitude",
        "Longitude",
        "Endpoints",
        "Tokens",
        "Webhooks",
        "Token “%(name)s”",
    },  # the rest: API loanwords
    "id": {"Administrator", "Internal", "LEI (Legal Entity Identifier)", "Operator", "Status:", "Status"}
    | {"Token “%(name)s”"},  # the API loanword Indonesian developers use
    "sw": {"Webhooks"},  # the API loanword
    "zh_Hans": {"Open Supply Hub OS ID"},
    "hi": {"Open Supply Hub OS ID"},
    "ar": set(),
}


def _catalog(locale: str):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


def _has_words(text: str) -> bool:
    """Whether a source has anything to translate besides its placeholders ("%(stage)s: %(when)s" has not)."""
    return bool(re.search(r"[A-Za-z]", re.sub(r"%\(\w+\)[sdif]", "", text)))


def _strings(message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_no_english_left_in_a_catalog(locale):
    same = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in _catalog(locale)
        if message.id
        and _has_words(message.id if isinstance(message.id, str) else message.id[0])
        and any(
            string in ([message.id] if isinstance(message.id, str) else list(message.id))
            for string in _strings(message)
        )
    }
    assert same <= SAME_AS_ENGLISH[locale], sorted(same - SAME_AS_ENGLISH[locale])


@pytest.mark.parametrize("locale", ["id", "sw", "hi", "ar", "fr"])
@pytest.mark.parametrize("msgid", ["Abstain", "Email", "Panel", "Panels", "Sign out of this case"])
def test_the_reviewed_words_are_translated(locale, msgid):
    assert _catalog(locale)[msgid].string not in ("", msgid)


@pytest.mark.parametrize(
    ("locale", "msgid", "reads_wrongly"),
    [
        ("sw", "Sign out of this case", "Toka"),  # "get out"
        ("sw", "Inadmissible", "Hayakubaliki"),  # "unacceptable"
        ("sw", "Declare inadmissible", "hayakubaliki"),
        ("id", "Inadmissible", "layak"),  # "unworthy"
        ("id", "Declare inadmissible", "layak"),
        ("hi", "Inadmissible", "अस्वीकार्य"),  # "unacceptable"
        ("hi", "Declare inadmissible", "अस्वीकार्य"),
    ],
)
def test_words_that_read_wrongly_are_gone(locale, msgid, reads_wrongly):
    assert reads_wrongly.lower() not in _catalog(locale)[msgid].string.lower()


@pytest.mark.parametrize("locale", ["sw", "id", "hi", "ar"])
def test_inadmissible_says_it_cannot_be_handled_under_these_rules(locale):
    rules = {"sw": "kanuni hizi", "id": "aturan ini", "hi": "इन नियमों", "ar": "هذه القواعد"}[locale]
    assert rules in _catalog(locale)["Inadmissible"].string


def test_no_space_after_a_chinese_colon_in_the_catalog():
    spaced = [
        message.id for message in _catalog("zh_Hans") if message.id and any("： " in s for s in _strings(message))
    ]
    assert spaced == []


def test_templates_put_labels_through_the_label_filter():
    """`{{ _("Status:") }} x` would print a space after Chinese's full-width colon: such a label takes `|label`."""
    spaced = re.compile(r':"\)\s*\}\}(?:</[a-z]+>)?[ \t]+\S')
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if spaced.search(line)
    ]
    assert offenders == []


def test_label_filter_spaces_by_script(app):
    from portal.core.i18n import label

    assert label("Status:") == "Status: "
    assert label("状态：") == "状态："


@pytest.mark.parametrize("page", ["/", "/procedure", "/privacy", "/follow-up"])
def test_chinese_pages_have_no_space_after_a_colon(client, page):
    html = client.get(f"/zh_Hans{page}").get_data(as_text=True)
    assert "： " not in html and "：\n" not in html


def test_chinese_countries_are_in_pinyin_order():
    names = [name for _code, name in countries("zh_Hans")]
    assert names[0].startswith("阿")  # ā
    # Albania, Brazil, Germany, France, Kenya, China: a, ba, de, fa, ken, zhong; the Unicode order puts 中 first.
    expected = ["阿尔巴尼亚", "巴西", "德国", "法国", "肯尼亚", "中国"]
    assert [name for name in names if name in expected] == expected


def test_chinese_language_names_are_in_pinyin_order():
    names = [name for _code, name in spoken_languages("zh_Hans")]
    expected = ["阿拉伯语", "德语", "法语", "斯瓦希里语", "英语", "中文"]
    assert [name for name in names if name in expected] == expected


def test_other_languages_keep_the_unicode_collation():
    names = [name for _code, name in countries("fr")]
    assert names.index("Égypte") < names.index("Espagne") < names.index("États-Unis")


@pytest.mark.parametrize("locale", LOCALES)
def test_each_language_writes_its_months_one_way(app, locale):
    """Swahili printed "30 Nov 2026" beside "30 Novemba 2026": every date now names the month the same way."""
    when = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)
    with app.test_request_context(), force_locale(locale):
        long_day = day(date(2026, 11, 30), "long")
        assert day(when, "medium") == long_day
        assert day(when) == long_day
        assert long_day in moment(when, "medium")
        assert long_day in moment(when, "long")


def test_swahili_months_in_full(app):
    with app.test_request_context(), force_locale("sw"):
        written = [day(date(2026, 11, 30), "medium"), moment(datetime(2026, 11, 30, 9, 0), "medium")]
    assert all("Novemba" in text for text in written)
    assert not any(re.search(r"\bNov\b", text) for text in written)
