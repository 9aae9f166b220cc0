"""A flood of replies sends each staff member one mail per case per STAFF_NOTICE_INTERVAL_MINUTES."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from portal.core.db import utcnow
from portal.extensions import db
from portal.notifications.models import StaffNoticeSent


def _reply(client, text: str):
    return client.post("/en/follow-up/case", data={"message": text})


def test_many_replies_send_one_notice_per_interval(app, client, smtp, file_grievance, open_case, make_user):
    first = make_user("secretariat")
    second = make_user("secretariat")
    _, _, receipt = file_grievance()
    _, _, other_receipt = file_grievance()
    open_case(receipt)
    assert [_reply(client, f"Reply number {i}.").status_code for i in range(12)] == [302] * 12
    assert sorted(smtp.recipients) == sorted([first.email, second.email])  # one each, not twelve each

    open_case(other_receipt)  # another case is another conversation: its first reply is told at once
    _reply(client, "A reply on the other case.")
    assert len(smtp.messages) == 4

    with app.app_context():  # the interval has passed
        db.session.execute(update(StaffNoticeSent).values(sent_at=utcnow() - timedelta(minutes=61)))
        db.session.commit()
    open_case(receipt)
    _reply(client, "A reply after the interval.")
    _reply(client, "And one right after it.")
    assert len(smtp.messages) == 6


def test_the_interval_is_configurable(app, client, smtp, file_grievance, open_case, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_NOTICE_INTERVAL_MINUTES", 0)
    officer = make_user("secretariat")
    _, _, receipt = file_grievance()
    open_case(receipt)
    for i in range(3):
        _reply(client, f"Reply number {i}.")
    assert smtp.recipients == [officer.email] * 3
