"""Webhooks: an organisation subscribes a URL to events of the cases it filed (issue #16, item 6).

A subscription holds the URL, the events, a secret (encrypted with the key ring, shown once when created) and its
health: consecutive failed attempts, and when it was disabled. Every event of a case filed by the organisation
becomes one ``WebhookDelivery`` per matching active subscription, written in the transaction of the change; the
task that posts it is queued only after that transaction commits (``core/tasks.enqueue_after_commit``), and
``webhook_delivery.sweep`` queues again whatever is due, so a delivery survives a queue that was down.

Payloads carry references and public fields only — the event, the case reference, states, dates and links —
never a description, a message's words, an identity or a name (``payload``).

URLs: https only, to hosts whose every address is public (not private, loopback, link-local, reserved or
multicast: no request to the portal's own network, SSRF). Checked when subscribing and again, on the address
actually connected to, at each delivery. ``WEBHOOK_ALLOW_HTTP`` allows plain http; loopback is allowed with
``WEBHOOK_ALLOW_LOOPBACK`` (the tests) or in debug, and plain http to it then too.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import socket
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases.models import Case
from portal.cases.workflow import State
from portal.core import signals, tasks
from portal.core.db import CreatedAtMixin, UTCDateTime, one_of, utcnow
from portal.core.encrypted import EncryptedText
from portal.extensions import db
from portal.users.models import User

SECRET_PREFIX = "whsec_"
MAX_URL_LENGTH = 500
MAX_SUBSCRIPTIONS = 10  # per organisation: each event is posted once per subscription
DELIVER_TASK = "deliver-webhook"


class WebhookEvent(StrEnum):
    STATE_CHANGED = "case.state_changed"
    MESSAGE = "case.message"
    QUESTION_WAITING = "case.question_waiting"
    DECISION = "case.decision"
    DECISION_PUBLISHED = "case.decision_published"
    TEST = "test"  # "send a test event": never subscribed to, always delivered to the one subscription


SUBSCRIBABLE = tuple(event for event in WebhookEvent if event != WebhookEvent.TEST)

EVENT_LABELS = {
    WebhookEvent.STATE_CHANGED: _l("A case changed state"),
    WebhookEvent.MESSAGE: _l("A new message to our organisation"),
    WebhookEvent.QUESTION_WAITING: _l("A question waits for our answer"),
    WebhookEvent.DECISION: _l("A decision was given"),
    WebhookEvent.DECISION_PUBLISHED: _l("A decision's summary was published in the public register"),
    WebhookEvent.TEST: _l("Test event"),
}


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # every attempt of the back-off schedule failed


class WebhookSubscription(CreatedAtMixin, db.Model):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    events: Mapped[str] = mapped_column(String(200))  # space-separated WebhookEvent values
    secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(default=True)
    failures: Mapped[int] = mapped_column(default=0)  # consecutive failed attempts; a success resets it
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    secret = EncryptedText("secret_encrypted")
    created_by: Mapped[User | None] = relationship()

    @property
    def event_set(self) -> frozenset[str]:
        return frozenset(self.events.split())

    @property
    def audit_target(self) -> str:
        return f"webhook:{self.id}"


class WebhookDelivery(CreatedAtMixin, db.Model):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint(one_of("status", DeliveryStatus), name="valid_status"),
        CheckConstraint(one_of("event", WebhookEvent), name="valid_event"),
        # The sweep's query: pending and due.
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The delivery log lists a subscription's newest first: (subscription_id, id).
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # the JSON body exactly as posted (and signed)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(String(40))  # a key of webhook_delivery.ERRORS, never a body
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    subscription: Mapped[WebhookSubscription] = relationship()


Index("ix_webhook_deliveries_subscription", WebhookDelivery.subscription_id, WebhookDelivery.id)


# --- URLs ----------------------------------------------------------------------------------------------------------


class WebhookRefused(ValueError):
    """A subscription cannot be made or changed as asked; the message is for the person asking."""


def loopback_allowed() -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_LOOPBACK") or current_app.debug)


def address_allowed(address: str, *, loopback: bool) -> bool:
    """Only public unicast addresses; loopback only when allowed."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return loopback
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_private)


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (empty if it resolves to none)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(url: str) -> tuple[str, int, str]:
    """The URL's host, port and the address to connect to; raises ``WebhookRefused``. Every address of the host
    must be allowed: a name that also resolves to a private address could be answered that way next time."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise WebhookRefused(_l("This is not a web address.")) from error
    host = parts.hostname or ""
    if len(url) > MAX_URL_LENGTH or not host or parts.scheme not in ("https", "http") or any(c.isspace() for c in url):
        raise WebhookRefused(_l("This is not a web address."))
    if parts.username or parts.password:
        raise WebhookRefused(_l("The address must not hold a user name or password."))
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise WebhookRefused(_l("This address's host cannot be found."))
    loopback = loopback_allowed()
    if not all(address_allowed(address, loopback=loopback) for address in addresses):
        raise WebhookRefused(_l("This address points into a private or reserved network; use a public address."))
    is_loopback = all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)
    if parts.scheme == "http" and not (current_app.config.get("WEBHOOK_ALLOW_HTTP") or is_loopback):
        raise WebhookRefused(_l("Use an https address."))
    return host, port, addresses[0]


# --- managing subscriptions ------------------------------------------------------------------------------------


def subscriptions_of(organisation_id: int) -> list[WebhookSubscription]:
    stmt = select(WebhookSubscription).where(WebhookSubscription.organisation_id == organisation_id)
    return list(db.session.scalars(stmt.order_by(WebhookSubscription.id)))


def subscription_of(organisation_id: int, subscription_id: int) -> WebhookSubscription | None:
    """The organisation's subscription, or None for any other (the caller answers 404)."""
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None or subscription.organisation_id != organisation_id:
        return None
    return subscription


def subscribe(actor: User, url: str, events: list[str]) -> tuple[WebhookSubscription, str]:
    """A new subscription of the actor's organisation; returns it and its secret (shown once)."""
    assert actor.organisation_id is not None
    wanted = {event for event in events if event in SUBSCRIBABLE}
    if not wanted or len(wanted) != len(set(events)):
        raise WebhookRefused(_l("Choose at least one event."))
    if len(subscriptions_of(actor.organisation_id)) >= MAX_SUBSCRIPTIONS:
        raise WebhookRefused(_l("An organisation has at most %(count)d webhooks.", count=MAX_SUBSCRIPTIONS))
    check_url(url)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    subscription = WebhookSubscription(
        organisation_id=actor.organisation_id,
        url=url.strip(),
        events=" ".join(sorted(wanted)),
        created_by_id=actor.id,
    )
    subscription.secret = secret
    db.session.add(subscription)
    db.session.flush()
    signals.webhook_changed.send(subscription, actor=actor, change="created")
    return subscription, secret


def set_active(subscription: WebhookSubscription, actor: User | None, active: bool, *, change: str = "") -> None:
    """Enable (the failure count starts again) or disable; ``actor`` None when failures disabled it."""
    if subscription.active == active:
        return
    subscription.active = active
    subscription.disabled_at = None if active else utcnow()
    if active:
        subscription.failures = 0
    db.session.flush()
    signals.webhook_changed.send(subscription, actor=actor, change=change or ("enabled" if active else "disabled"))


def delete(subscription: WebhookSubscription, actor: User) -> None:
    signals.webhook_changed.send(subscription, actor=actor, change="deleted")
    db.session.delete(subscription)
    db.session.flush()


def send_test(subscription: WebhookSubscription, actor: User) -> WebhookDelivery:
    delivery = _queue(subscription, WebhookEvent.TEST, {"event": WebhookEvent.TEST.value, "occurred_at": _now()})
    signals.webhook_changed.send(subscription, actor=actor, change="test_sent")
    return delivery


# --- events --------------------------------------------------------------------------------------------------------


def _now() -> str:
    return utcnow().isoformat(timespec="seconds")


def _queue(subscription: WebhookSubscription, event: WebhookEvent, body: dict) -> WebhookDelivery:
    delivery = WebhookDelivery(
        subscription=subscription,
        event=event.value,
        payload=json.dumps(body, separators=(",", ":"), sort_keys=True),
        next_attempt_at=utcnow(),
    )
    db.session.add(delivery)
    db.session.flush()
    tasks.enqueue_after_commit(db.session, DELIVER_TASK, delivery.id)
    return delivery


def payload(case: Case, event: WebhookEvent, **public: str | None) -> dict:
    """What a receiver learns: references, states, dates and links, nothing anyone wrote."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    return {
        "event": event.value,
        "occurred_at": _now(),
        "case": {
            "reference": case.reference,
            "state": case.state,
            "url": f"{base}/org/cases/{case.reference}",
            "api_url": f"{base}/api/v1/org/cases/{case.reference}",
        },
        **{key: value for key, value in public.items() if value is not None},
    }


def emit(case: Case, event: WebhookEvent, **public: str | None) -> int:
    """One delivery per active subscription of the filing organisation that asked for ``event``."""
    if case.filed_by_organisation_id is None:
        return 0
    matching = [
        subscription
        for subscription in subscriptions_of(case.filed_by_organisation_id)
        if subscription.active and event.value in subscription.event_set
    ]
    for subscription in matching:
        _queue(subscription, event, payload(case, event, **public))
    return len(matching)


def on_state_changed(case: Case, old_state=None, **kwargs) -> None:
    old = getattr(old_state, "value", old_state)
    emit(case, WebhookEvent.STATE_CHANGED, old_state=old, new_state=case.state)
    if case.state == State.INFO_REQUESTED:
        emit(case, WebhookEvent.QUESTION_WAITING)


def on_message(case: Case, **kwargs) -> None:
    emit(case, WebhookEvent.MESSAGE)


def on_decision(case: Case, decision=None, **kwargs) -> None:
    emit(
        case,
        WebhookEvent.DECISION,
        decision_kind=getattr(decision, "kind", None),
        outcome=getattr(decision, "outcome", None),
    )


def on_publication(case: Case, publication=None, change: str | None = None, **kwargs) -> None:
    """A decision's public summary went into the register (not a draft, not the case's own summary)."""
    if change == "published" and publication is not None and publication.decision_id is not None:
        emit(case, WebhookEvent.DECISION_PUBLISHED, decision_kind=getattr(publication.decision, "kind", None))


def connect() -> None:
    """The signals the organisation's "Our cases" page hears (portal/orgs/receivers.py), and a case's moves."""
    signals.case_state_changed.connect(on_state_changed, weak=False)
    signals.message_to_organisation.connect(on_message, weak=False)
    signals.message_to_complainant.connect(on_message, weak=False)
    signals.decision_recorded.connect(on_decision, weak=False)
    signals.publication_changed.connect(on_publication, weak=False)
