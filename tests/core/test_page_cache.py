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
