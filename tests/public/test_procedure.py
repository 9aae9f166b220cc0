"""The rules of procedure: steps numbered once, the timeline drawn from the configured clocks, the glossary."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.core.i18n import LOCALES


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("locale", LOCALES)
def test_steps_are_numbered_once(client, locale):
    """The ordered list numbers the steps; no title starts with a number of its own ("1. 1.")."""
    html = _main(client.get(f"/{locale}/procedure").get_data(as_text=True))
    stages = html.split('<ol class="stages">', 1)[1].split("</ol>", 1)[0]
    titles = re.findall(r"<h3>(.*?)</h3>", stages)
    assert len(titles) == 6
    assert not [title for title in titles if re.match(r"\s*\d+\s*[.)]", title)]
    assert not re.search(r"<h[1-6]>\s*\d+\.", html)


def test_timeline_is_an_svg_with_a_text_list_beside_it(client):
    html = client.get("/en/procedure").get_data(as_text=True)
    figure = html.split('<figure class="timeline"', 1)[1].split("</figure>", 1)[0]
    svg = figure.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'aria-hidden="true"' in svg.split(">", 1)[0]  # the drawing is read as the list, not twice
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert texts[0] == "You send your complaint"
    listed = re.findall(r"<li>([^<]*)</li>", figure.split('<ol class="timeline-text">', 1)[1])
    assert listed == [
        "You send your complaint: day 0",
        "We confirm that we got it: within 7 days (48 hours if someone is in danger)",
        "We check if we can handle it: then within 42 days",
        "The company answers: then within 28 days",
        "Talking and agreeing: as long as the talks need",
        "Decision: within 42 days after the talks end",
        "Checking the remedy: 182 days and 365 days after the decision",
    ]
    assert "We write to you at least every 90 days." in figure
    assert figure.count("<circle") == len(listed)


def test_timeline_reads_the_configured_clocks(tmp_path):
    from portal import create_app
    from portal.config import Config, TestConfig

    days = {**Config.CLOCK_DAYS, "acknowledge": 5, "admissibility": 30, "company_response": 21, "feedback": 60}
    app = create_app(TestConfig, INSTANCE_PATH=tmp_path, CLOCK_DAYS=days, CLOCK_URGENT_TRIAGE_HOURS=24)
    html = app.test_client().get("/en/procedure").get_data(as_text=True)
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    drawn = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    for figure in ["within 5 days (24 hours if", "then within 30 days", "then within 21 days"]:
        assert figure in drawn
    assert "We write to you at least every 60 days." in html


def test_arabic_timeline_runs_right_to_left(client):
    html = client.get("/ar/procedure").get_data(as_text=True)
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert re.search(r'<circle cx="300"', svg)  # the dots on the right, where an Arabic reader starts
    texts = re.findall(r"<text ([^>]*)>", svg)
    assert texts and all('direction="rtl"' in attributes for attributes in texts)


def test_timeline_labels_are_translated_and_wrapped_to_fit(app, client):
    html = client.get("/zh_Hans/procedure").get_data(as_text=True)
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    with app.test_request_context(), force_locale("zh_Hans"):
        assert texts[0] == _("You send your complaint")
    assert max(len(text) for text in texts) <= 16  # sixteen-unit characters beside the dots, in 320 units


def test_glossary_explains_the_legal_words_and_the_pages_link_to_it(client):
    procedure = client.get("/en/procedure").get_data(as_text=True)
    anchors = set(re.findall(r'<dt id="word-([a-z]+)">', procedure))
    assert {"covenant", "grievance", "secretariat", "panel", "admissible", "retaliation", "fpic"} <= anchors
    linked = set(re.findall(r'href="#word-([a-z]+)"', procedure))
    assert linked and linked <= anchors
    assert 'href="/en/procedure#word-covenant"' in client.get("/en/").get_data(as_text=True)
    assert 'href="/en/procedure#word-secretariat"' in client.get("/en/privacy").get_data(as_text=True)


@pytest.mark.parametrize("page", ["/", "/procedure", "/privacy"])
def test_public_pages_avoid_the_jargon(client, page):
    """The words a newcomer stumbles on stay out of the running text; the glossary explains the ones that must stay."""
    html = _main(client.get(f"/en{page}").get_data(as_text=True)).split('<section id="words"', 1)[0]
    html = re.sub(r'<p class="words-used">.*?</p>', " ", html, flags=re.S)  # links into the glossary, by name
    text = re.sub(r"<[^>]+>", " ", html).lower()
    for jargon in [
        "grievance",
        "covenant",
        "secretariat",
        "freedom of association",
        "fpic",
        "retaliation",
        "keyed fingerprint",
    ]:
        assert jargon not in text, jargon


@pytest.mark.parametrize("locale", ["en", "sw", "ar"])
def test_language_menu_is_on_the_answer_to_a_sent_form(client, locale):
    """A form sent back with an error still offers the other languages, each linking to the GET page."""
    response = client.post(f"/{locale}/follow-up", data={"receipt": "0000 0000 0000 0000"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<details class="languages">' in html
    for other in LOCALES:
        assert f'href="/{other}/follow-up"' in html


def test_language_menu_of_a_post_only_address_links_to_the_landing_page(app):
    from portal.core.routing import language_url

    with app.test_request_context("/sw/follow-up/review", method="POST"):
        app.preprocess_request()
        assert language_url("fr") == "/fr/"
    with app.test_request_context("/sw/report", method="POST"):
        app.preprocess_request()
        assert language_url("fr") == "/fr/report"
