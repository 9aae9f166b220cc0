"""Templates build each address once per process (core/urls.py): the same address Flask builds, whatever the
locale, the script root or the type of a value."""

from __future__ import annotations

import pytest
from flask import g, render_template_string, url_for

from portal.core.urls import memo_url_for

CASES = [
    ("staff.case_list", {}),
    ("staff.case_list", {"state": "assessment", "page": 2}),
    ("staff.case_page", {"reference": "MC-2026-00042"}),
    ("public.landing", {"locale": "ar"}),
    ("intake.follow_up", {}),
]


@pytest.mark.parametrize("script_root", ["", "/portal"])
@pytest.mark.parametrize("locale", ["en", "fr", "zh_Hans"])
def test_a_kept_address_is_the_one_flask_builds(app, locale, script_root):
    for _ in range(2):  # the second time from the memo
        with app.test_request_context(f"/{locale}/", environ_base={"SCRIPT_NAME": script_root}):
            g.locale = locale
            for endpoint, values in CASES:
                assert memo_url_for(endpoint, **values) == url_for(endpoint, **values)


def test_the_locale_of_the_page_is_part_of_the_key(app):
    with app.test_request_context("/fr/"):
        g.locale = "fr"
        assert memo_url_for("intake.follow_up") == "/fr/follow-up"
    with app.test_request_context("/sw/"):
        g.locale = "sw"
        assert memo_url_for("intake.follow_up") == "/sw/follow-up"


def test_equal_values_of_another_type_are_other_addresses(app):
    with app.test_request_context("/staff/"):
        assert memo_url_for("staff.case_list", page=1).endswith("page=1")
        assert memo_url_for("staff.case_list", page=True).endswith("page=True")


def test_lists_anchors_and_absolute_addresses_are_built_every_time(app):
    with app.test_request_context("/staff/"):
        assert memo_url_for("staff.case_list", tag=[1, 2]) == "/staff/cases?tag=1&tag=2"
        assert memo_url_for("staff.case_list", _anchor="results") == "/staff/cases#results"
        assert memo_url_for("staff.case_list", _external=True).startswith("http://")
        kept = app.extensions["portal_urls"]
        assert not any(key[3] == "staff.case_list" and key[4] and key[4][0][0].startswith("_") for key in kept)


def test_templates_use_it(app):
    with app.test_request_context("/staff/"):
        app.extensions["portal_urls"].clear()
        assert render_template_string("{{ url_for('staff.case_list') }}") == "/staff/cases"
        assert any(key[3] == "staff.case_list" for key in app.extensions["portal_urls"])
