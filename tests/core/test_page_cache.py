"""Static pages are rendered once per locale; the form's CSRF token is still each visitor's own."""

import re

from flask_migrate import upgrade

from portal import create_app
from portal.config import TestConfig


def test_cached_form_carries_each_visitors_own_valid_token(tmp_path):
    app = create_app(TestConfig, INSTANCE_PATH=tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        upgrade()  # the step keeps its answers in a draft: it needs the tables
    tokens = []
    for _ in range(2):
        client = app.test_client()
        html = client.get("/fr/report").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        tokens.append(token)
        # The token works for this visitor: a post with it fails validation of the form, not of CSRF.
        response = client.post("/fr/report", data={"csrf_token": token})
        assert response.status_code == 400 and 'id="filer_type-error"' in response.get_data(as_text=True)
    assert tokens[0] != tokens[1]
    assert ("intake.report", "fr") in app.extensions["portal_page_cache"]


def test_flashed_message_bypasses_the_cache(tmp_path):
    app = create_app(TestConfig, INSTANCE_PATH=tmp_path)
    client = app.test_client()
    client.get("/en/")  # cached without a message
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "You have left your case.")]
    assert "You have left your case." in client.get("/en/").get_data(as_text=True)
    assert "You have left your case." not in client.get("/en/").get_data(as_text=True)


def _counting_app(database: str, instance):
    """An app whose one cached page shows a number from the database, versioned by that number."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from portal.core.page_cache import cached_page
    from portal.extensions import db
    from portal.intake.models import EndedHolderSession

    app = create_app(TestConfig, INSTANCE_PATH=instance, SQLALCHEMY_DATABASE_URI=database)

    def count():
        return db.session.scalar(select(func.count()).select_from(EndedHolderSession))

    app.add_url_rule("/counted", "counted", lambda: cached_page(lambda: f"<p>{count()} ended</p>", version=count))
    with app.app_context():
        upgrade()
    return app


def test_a_page_versioned_by_data_is_rendered_again_on_every_server_once_the_data_changes(tmp_path):
    from datetime import timedelta

    from portal.core.db import utcnow
    from portal.extensions import db
    from portal.intake.models import EndedHolderSession

    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    one, two = _counting_app(database, tmp_path / "one"), _counting_app(database, tmp_path / "two")
    assert [app.test_client().get("/counted").text for app in (one, two)] == ["<p>0 ended</p>"] * 2
    with one.app_context():  # a change made through the first server
        db.session.add(EndedHolderSession(session_hash="a" * 64, expires_at=utcnow() + timedelta(hours=1)))
        db.session.commit()
    assert [app.test_client().get("/counted").text for app in (two, one)] == ["<p>1 ended</p>"] * 2
    assert len(two.extensions["portal_page_cache"]) == 1  # the new version replaced the old


def test_pages_kept_by_address_are_one_per_address_and_the_least_recently_used_goes_first(tmp_path):
    from portal.core.page_cache import cached_page

    app = create_app(TestConfig, INSTANCE_PATH=tmp_path, PAGE_CACHE_ENTRIES=2)
    renders = []

    def render():
        from flask import request

        renders.append(request.full_path)
        return f"<p>{request.args.get('page')}</p>"

    app.add_url_rule("/listed", "listed", lambda: cached_page(render, by_address=True))
    client = app.test_client()
    assert client.get("/listed?page=1").text == "<p>1</p>"
    assert client.get("/listed?page=2").text == "<p>2</p>"
    assert client.get("/listed?page=1").text == "<p>1</p>"  # kept: not rendered again
    assert len(renders) == 2
    client.get("/listed?page=3")  # a third address: page 2, the least recently used, is forgotten
    assert len(app.extensions["portal_page_cache"]) == 2
    client.get("/listed?page=1")
    assert len(renders) == 3
    client.get("/listed?page=2")
    assert len(renders) == 4


def _fragment_app(tmp_path):
    """An app with one page whose form fields sit in a cached fragment; counts how often the block renders."""
    from flask import render_template_string, request
    from flask_wtf import FlaskForm
    from wtforms import SelectField, TextAreaField

    from portal.core.forms import options

    class Form(FlaskForm):
        language = SelectField(choices=options([("en", "English"), ("fr", "French")]), default="en")
        message = TextAreaField()

    app = create_app(TestConfig, INSTANCE_PATH=tmp_path, WTF_CSRF_ENABLED=True)
    app.renders = 0

    def counted():
        app.renders += 1
        return ""

    def page():
        form = Form(meta={"csrf": True}, formdata=request.form if request.method == "POST" else None)
        if request.method == "POST":
            form.validate()
            form.message.errors = ["Too short."] if request.form.get("fail") else []
        return render_template_string(
            '{% call cached_fragment("test", form) %}{{ counted() }}{{ form.csrf_token }}{{ form.language }}'
            "{{ form.message }}{% for e in form.message.errors %}{{ e }}{% endfor %}{% endcall %}",
            form=form,
            counted=counted,
        )

    app.add_url_rule("/fragment", "fragment", page, methods=["GET", "POST"])
    return app


def test_a_fragment_is_rendered_once_and_each_visitor_gets_their_own_token(tmp_path):
    app = _fragment_app(tmp_path)
    pages = [app.test_client().get("/fragment").text for _ in range(3)]
    tokens = [re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1) for page in pages]
    assert app.renders == 1
    assert len(set(tokens)) == 3


def test_typed_words_and_errors_are_never_kept(tmp_path):
    app = _fragment_app(tmp_path)
    client = app.test_client()
    client.get("/fragment")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/fragment").text).group(1)
    page = client.post("/fragment", data={"csrf_token": token, "language": "en", "message": "my secret words"}).text
    assert "my secret words" in page and app.renders == 2
    assert "my secret words" not in repr(app.extensions["portal_page_cache"])
    page = client.post("/fragment", data={"csrf_token": token, "language": "en", "message": "", "fail": "1"}).text
    assert "Too short." in page and app.renders == 3
    assert "Too short." not in repr(app.extensions["portal_page_cache"])


def test_a_chosen_value_is_part_of_the_fragments_key(tmp_path):
    app = _fragment_app(tmp_path)
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/fragment").text).group(1)
    page = client.post("/fragment", data={"csrf_token": token, "language": "fr", "message": ""}).text
    assert '<option selected value="fr">' in page and app.renders == 2
    assert '<option selected value="en">' in client.get("/fragment").text and app.renders == 2


def test_a_field_at_its_default_value_is_kept_but_a_typed_value_is_not(tmp_path):
    from flask import render_template_string, request
    from flask_wtf import FlaskForm
    from wtforms import StringField

    class Form(FlaskForm):
        minutes = StringField(default="120")

    app = create_app(TestConfig, INSTANCE_PATH=tmp_path)
    app.add_url_rule(
        "/minutes",
        "minutes",
        lambda: render_template_string(
            '{% call cached_fragment("minutes", form) %}{{ form.minutes }}{% endcall %}',
            form=Form(formdata=request.args or None),
        ),
    )
    client = app.test_client()
    assert 'value="120"' in client.get("/minutes").text
    assert len(app.extensions["portal_page_cache"]) == 1
    assert 'value="95"' in client.get("/minutes?minutes=95").text
    assert len(app.extensions["portal_page_cache"]) == 1
