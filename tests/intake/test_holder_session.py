"""A receipt holder's session can be ended for good: a copy of the cookie is worthless after "leave", and no
session outlives FOLLOW_UP_SESSION_HOURS, however active."""

from __future__ import annotations

import time

from sqlalchemy import select

from portal.core.security import SEEN_STEP
from portal.extensions import db
from portal.intake.models import EndedHolderSession


def test_a_cookie_copied_before_leaving_is_dead_after_it(app, client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    open_case(receipt)
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/en/follow-up/case").status_code == 200

    assert client.post("/en/follow-up/leave").status_code == 302
    response = thief.get("/en/follow-up/case")
    assert response.status_code == 302 and response.headers["Location"] == "/en/follow-up"
    with app.app_context():  # what is kept names no case and holds no cookie
        ended = db.session.scalars(select(EndedHolderSession)).one()
        assert len(ended.session_hash) == 64
    # The receipt still opens the case anew.
    assert open_case(receipt).headers["Location"] == "/en/follow-up/case"
    assert client.get("/en/follow-up/case").status_code == 200


def test_a_session_ends_hours_after_the_receipt_however_active(app, client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    open_case(receipt)
    lifetime = app.config["FOLLOW_UP_SESSION_HOURS"] * 3600
    with client.session_transaction() as session:
        session["receipt_holder"] = {**session["receipt_holder"], "since": int(time.time()) - lifetime + 60}
    assert client.get("/en/follow-up/case").status_code == 200  # activity keeps it going until then
    with client.session_transaction() as session:
        session["receipt_holder"] = {**session["receipt_holder"], "since": int(time.time()) - lifetime - 60}
    response = client.get("/en/follow-up/case")
    assert response.status_code == 302 and response.headers["Location"] == "/en/follow-up"


def test_a_holder_cookie_of_the_old_shape_opens_nothing(client, file_grievance, open_case):
    """Without its random id the session could not be ended, so it is not accepted."""
    _, _, receipt = file_grievance()
    open_case(receipt)
    with client.session_transaction() as session:
        holder = session["receipt_holder"]
        session["receipt_holder"] = {"case": holder["case"], "seen": int(time.time())}
    assert client.get("/en/follow-up/case").status_code == 302


def test_the_holder_cookie_is_signed_again_only_when_its_stamp_is_due(client, file_grievance, open_case):
    """A worker on a slow connection is not sent a new cookie on every page; activity still keeps it alive."""
    _, _, receipt = file_grievance()
    open_case(receipt)
    client.get("/en/follow-up/case")  # the first page adds the form's CSRF token to the session
    with client.session_transaction() as session:
        session["receipt_holder"] = {**session["receipt_holder"], "seen": int(time.time()) - 2}
    assert "Set-Cookie" not in client.get("/en/follow-up/case").headers
    with client.session_transaction() as session:
        session["receipt_holder"] = {**session["receipt_holder"], "seen": int(time.time()) - SEEN_STEP - 1}
    assert "Set-Cookie" in client.get("/en/follow-up/case").headers
    with client.session_transaction() as session:
        assert session["receipt_holder"]["seen"] >= int(time.time()) - 1
