"""Signing and posting webhook deliveries, with back-off, in the background worker.

Each delivery is a POST of its stored JSON body with three headers:

- ``Portal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the subscription's secret>`` —
  a receiver recomputes it and refuses a ``t`` older than five minutes (``REPLAY_WINDOW``), so a recorded delivery
  cannot be replayed later;
- ``Portal-Event``: the event; ``Portal-Delivery``: the delivery's id, the same on every retry (idempotency).

A 2xx answer delivers it. Anything else (another status, a timeout, a refused address, a redirect — never
followed) is a failed attempt: the next one follows after 1, 5, 30, then 120 minutes; after the fifth the delivery
has failed. Five consecutive failed attempts of a subscription disable it (its organisation's admins are told by
mail, through the signal); a success resets the count.

The address connected to is the one checked (``webhooks.check_url``), so a name cannot resolve to a public address
when subscribing and to a private one at delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import ssl
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import click
from flask.cli import with_appcontext
from sqlalchemy import select, update

from portal.api.webhooks import (
    DELIVER_TASK,
    DeliveryStatus,
    WebhookDelivery,
    WebhookRefused,
    WebhookSubscription,
    check_url,
    set_active,
)
from portal.core import tasks
from portal.core.db import utcnow
from portal.extensions import db

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(minutes=120))
MAX_ATTEMPTS = len(BACKOFF) + 1
MAX_FAILURES = 5  # consecutive failed attempts before the subscription is disabled
TIMEOUT_SECONDS = 5
REPLAY_WINDOW = timedelta(minutes=5)
LEASE = timedelta(minutes=2)  # a claimed delivery is not claimed again meanwhile (two workers, a sweep)
USER_AGENT = "CovenantPortal-Webhooks/1"

# last_error keys; the delivery log names them (webhook_pages.ERROR_LABELS).
ERRORS = ("timeout", "connection", "tls", "address_refused")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """What a receiver does (and the docs page shows): the signature matches and is at most five minutes old."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > REPLAY_WINDOW.total_seconds():
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), fields.get("v1", ""))


# --- HTTP ----------------------------------------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
    """(status, None) for an answer, (None, error key) otherwise. Redirects are answers, not followed."""
    try:
        host, port, address = check_url(url)
    except WebhookRefused:
        return None, "address_refused"
    parts = urlsplit(url.strip())
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address, TIMEOUT_SECONDS)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(4096)  # a little of the answer, so the receiver is not cut off; never kept
        return response.status, None
    except TimeoutError:
        return None, "timeout"
    except ssl.SSLError:
        return None, "tls"
    except (OSError, http.client.HTTPException):
        return None, "connection"
    finally:
        connection.close()


# --- one attempt ---------------------------------------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery if it is pending and due, in one statement (two workers never both take it)."""
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(getattr(claimed, "rowcount", 0))


def attempt(delivery_id: int) -> bool | None:
    """Post the delivery once if it is due; True delivered, False failed, None not due (or its subscription is
    disabled: it waits, and goes out if the subscription is enabled again). Commits."""
    now = utcnow()
    if not _claim(delivery_id, now):
        return None
    delivery = db.session.get(WebhookDelivery, delivery_id)
    assert delivery is not None
    subscription = delivery.subscription
    if not subscription.active:
        delivery.next_attempt_at = now
        db.session.commit()
        return None
    body = delivery.payload.encode()
    secret, url = subscription.secret or "", subscription.url
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Portal-Event": delivery.event,
        "Portal-Delivery": str(delivery.id),
        "Portal-Signature": signature_header(secret, body),
    }
    db.session.commit()  # no transaction (nor SQLite's write lock) held while waiting for the receiver
    status, error = post(url, body, headers)
    delivered = status is not None and 200 <= status < 300
    delivery.attempts += 1
    delivery.last_status_code = status
    delivery.last_error = error
    if delivered:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = utcnow()
        delivery.next_attempt_at = None
        subscription.failures = 0
    else:
        subscription.failures += 1
        if delivery.attempts < MAX_ATTEMPTS:
            wait = BACKOFF[delivery.attempts - 1]
            delivery.next_attempt_at = utcnow() + wait
            tasks.enqueue_after_commit(db.session, DELIVER_TASK, delivery.id, delay=wait.total_seconds())
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        if subscription.failures >= MAX_FAILURES and subscription.active:
            set_active(subscription, None, False, change="auto_disabled")
    db.session.commit()
    return delivered


@tasks.task(DELIVER_TASK)
def deliver_task(delivery_id: int) -> None:
    attempt(delivery_id)


# --- the sweep -----------------------------------------------------------------------------------------------------


def due(now: datetime | None = None, limit: int = 500) -> list[int]:
    now = now or utcnow()
    stmt = (
        select(WebhookDelivery.id)
        .join(WebhookSubscription)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookSubscription.active.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def sweep() -> int:
    """Queue every due delivery again (a queue that was down at commit time, a worker that died mid-attempt)."""
    ids = due()
    queue = tasks.queue_of()
    for delivery_id in ids:
        queue.enqueue(DELIVER_TASK, delivery_id)
    return len(ids)


@tasks.task("sweep-webhooks", every_minute=True)
def sweep_task() -> None:
    sweep()


@click.command("deliver-webhooks")
@with_appcontext
def deliver_webhooks() -> None:
    """Queue every webhook delivery that is due (the worker also does this once a minute)."""
    click.echo(f"{sweep()} webhook deliveries queued.")
