"""A complainant's address with non-ASCII characters (accepted at intake) never holds back the rest of a batch."""

from __future__ import annotations

import logging

import pytest
from aiosmtpd.controller import Controller

from portal.extensions import db
from portal.notifications.mail import queue_mail
from tests.mailbox import Mailbox, free_port

INTERNATIONAL = "amani.müller@exämple.org"


@pytest.fixture(params=[True, False], ids=["smtputf8", "ascii-only"])
def mail_server(app, request):
    """A live SMTP server that does (or does not) offer SMTPUTF8."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=request.param)
    controller.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield mailbox, request.param
    finally:
        app.config.update(saved)
        controller.stop()


def test_an_international_address_is_sent_when_offered_and_skipped_otherwise(app, mail_server, caplog):
    mailbox, smtputf8 = mail_server
    with app.app_context(), caplog.at_level(logging.INFO, logger="portal.notifications.mail"):
        queue_mail(db.session, "officer@example.org", "First", "First body")
        queue_mail(db.session, INTERNATIONAL, "Second", "Second body")
        queue_mail(db.session, "chair@example.org", "Third", "Third body")
        db.session.commit()
    if smtputf8:
        assert mailbox.recipients == ["officer@example.org", INTERNATIONAL, "chair@example.org"]
    else:
        assert mailbox.recipients == ["officer@example.org", "chair@example.org"]
        assert "SMTPUTF8" in caplog.text
    assert "amani" not in caplog.text and "müller" not in caplog.text


def test_a_display_name_with_accents_needs_no_smtputf8(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Portail de réclamations <noreply@example.org>")
    with app.app_context():
        queue_mail(db.session, "officer@example.org", "Objet", "Texte")
        db.session.commit()
    assert smtp_server.recipients == ["officer@example.org"]
