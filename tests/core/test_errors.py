import pytest
from flask import Blueprint
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import create_app
from portal.config import TestConfig
from portal.core.errors import ERROR_TEXTS


def _translated(app, locale, lazy):
    with app.test_request_context(), force_locale(locale):
        return str(lazy)


@pytest.mark.parametrize("locale", ["fr", "ar", "sw", "zh_Hans"])
def test_404_in_the_page_language(app, client, locale):
    response = client.get(f"/{locale}/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    title = _translated(app, locale, ERROR_TEXTS[404][0])
    assert title != "Page not found"
    assert title in html


def test_413_when_the_upload_is_too_large(app, client):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/es/report", data=body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert _translated(app, "es", ERROR_TEXTS[413][0]) in response.get_data(as_text=True)


def test_500_is_friendly_and_leaks_nothing(tmp_path):
    app = create_app(TestConfig, INSTANCE_PATH=tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    broken = Blueprint("broken", __name__)

    @broken.get("/hi/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.register_blueprint(broken)
    response = app.test_client().get("/hi/boom", headers={"Accept-Language": "hi"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in html and "Traceback" not in html
    assert _translated(app, "hi", ERROR_TEXTS[500][0]) in html


def test_429_page_is_localised(app, client):
    app.config["RATELIMIT_RECEIPT_CLIENT"] = "5 per minute"
    try:
        statuses = [client.post("/id/follow-up", data={"receipt": "1"}).status_code for _ in range(7)]
        last = client.post("/id/follow-up", data={"receipt": "1"})
    finally:
        app.config["RATELIMIT_RECEIPT_CLIENT"] = TestConfig.RATELIMIT_RECEIPT_CLIENT
    assert 429 in statuses
    assert last.status_code == 429
    assert _translated(app, "id", ERROR_TEXTS[429][0]) in last.get_data(as_text=True)


def test_every_error_text_is_translated(app):
    for status, (title, message) in ERROR_TEXTS.items():
        for locale in ["fr", "ar", "hi"]:
            assert _translated(app, locale, title) != str(title), status
            assert _translated(app, locale, message) != str(message), status
    with app.test_request_context(), force_locale("nl"):
        assert _("Page not found") != "Page not found"
