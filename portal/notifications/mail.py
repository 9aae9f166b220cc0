"""Emails that leave only after the database transaction that caused them commits.

``queue_mail`` remembers a rendered mail on the SQLAlchemy session. After the outermost commit the pending mails
are sent (one SMTP connection per batch); a rollback forgets them, so a request that fails sends nothing. This is
the mail twin of ``portal/core/storage.py``. Without ``MAIL_SERVER`` (development), each mail is written as an
``.eml`` file into ``<INSTANCE_PATH>/mail_outbox/`` instead.

A mail that cannot be sent is logged and dropped: the change it reports has already been committed.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session, scoped_session

from portal.core.after_commit import AfterCommit, Pending

logger = logging.getLogger(__name__)

OUTBOX_DIRECTORY = "mail_outbox"
SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    # The sender's display name in the recipient's language; the address is always ``MAIL_DEFAULT_SENDER``'s.
    sender_name: str | None = None


@dataclass(frozen=True)
class _Queued:
    mail: Mail
    once_key: Hashable | None


def _send(pending: list[Pending]) -> None:
    by_app: dict[int, tuple[Flask, list[Mail]]] = {}
    for queued in pending:
        by_app.setdefault(id(queued.app), (queued.app, []))[1].append(queued.item.mail)
    for app, mails in by_app.values():
        try:
            deliver(app, mails)
        except Exception:  # the change is committed; a lost mail must not turn the response into an error
            logger.exception("Could not send %d mail(s)", len(mails))


_AFTER_COMMIT = AfterCommit("mail", _send)


def queue_mail(
    session: Session | scoped_session,
    to: str,
    subject: str,
    body: str,
    *,
    once_key: Hashable | None = None,
    sender_name: str | None = None,
) -> bool:
    """Send this mail after ``session``'s transaction commits (``core/after_commit.py``). Returns False if it was
    already queued.

    An identical mail is queued only once per transaction; so is every mail with the same ``once_key`` (for
    instance one "there is an update" mail per complainant, however many updates one request makes).
    """
    mail = Mail(to=to, subject=subject, body=body, sender_name=sender_name)
    for queued in _AFTER_COMMIT.pending(session):
        if queued.mail == mail or (once_key is not None and queued.once_key == once_key):
            return False
    _AFTER_COMMIT.add(session, _Queued(mail, once_key))
    return True


def pending_mails(session: Session | scoped_session) -> list[Mail]:
    """What would be sent if the transaction committed now (for tests and diagnostics)."""
    return [queued.mail for queued in _AFTER_COMMIT.pending(session)]


def deliver(app: Flask, mails: list[Mail]) -> None:
    """Send ``mails`` now: by SMTP if ``MAIL_SERVER`` is set, else into the outbox directory."""
    if not mails:
        return
    config = app.config
    messages = [_message(config["MAIL_DEFAULT_SENDER"], mail) for mail in mails]
    if config.get("MAIL_SERVER"):
        _send_smtp(config, messages)
    else:
        _write_outbox(Path(config["INSTANCE_PATH"]) / OUTBOX_DIRECTORY, messages)


def _message(sender: str, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    if mail.sender_name:
        message["From"] = Address(display_name=mail.sender_name, addr_spec=parseaddr(sender)[1])
    else:
        message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=_domain(sender) or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    return message


def _domain(address: str) -> str:
    """The part after the @, the only part of an address that goes into the logs."""
    return parseaddr(address)[1].rpartition("@")[2]


def _send_smtp(config, messages: list[EmailMessage]) -> None:
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        skipped = 0
        for message in messages:
            if not _deliverable(smtp, message):
                skipped += 1
                continue
            try:
                smtp.send_message(message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as refused:
                # One refused address must not keep the others' mails back. No traceback: the exception holds
                # the whole address, and a complainant's address is part of their identity.
                logger.error(
                    "Mail to a recipient at %s was refused (%s %s)",
                    _domain(message["To"]),
                    type(refused).__name__,
                    getattr(refused, "smtp_code", ""),
                )
        if skipped:
            # Counted, never named: the address is part of a complainant's identity.
            logger.error(
                "%d mail(s) not sent: the address needs SMTPUTF8, which the mail server does not offer", skipped
            )


def _deliverable(smtp: smtplib.SMTP, message: EmailMessage) -> bool:
    """An address with non-ASCII characters (intake accepts them) needs the server's SMTPUTF8 extension; without
    it smtplib would raise and abort the rest of the batch."""
    addresses = (parseaddr(str(message[header]))[1] for header in ("From", "To"))  # display names may be UTF-8
    if all(address.isascii() for address in addresses):
        return True
    smtp.ehlo_or_helo_if_needed()
    return smtp.has_extn("smtputf8")


def _write_outbox(outbox: Path, messages: list[EmailMessage]) -> None:
    outbox.mkdir(parents=True, exist_ok=True, mode=0o700)
    outbox.chmod(0o700)  # mails name people: the service user's only, whatever the umask
    for message in messages:
        name = "{}-{}.eml".format(datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f"), secrets.token_hex(4))
        descriptor = os.open(outbox / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(message.as_bytes())
        logger.info("Mail to a recipient at %s written to %s", _domain(message["To"]), outbox / name)
