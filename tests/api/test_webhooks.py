"""Webhooks end to end: a real receiver on localhost gets signed deliveries of real case events, a failing one is
retried on the back-off schedule and then turned off (the admins get a mail), payloads hold no case content,
private addresses are refused, and nothing is sent for a transaction that rolled back."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.api import webhook_delivery, webhooks
from portal.api.webhooks import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookRefused, WebhookSubscription
from portal.audit.models import AuditEntry
from portal.cases.committee import Decision
from portal.cases.models import Case
from portal.cases.operations import take_action
from portal.cases.workflow import Action, DecisionKind, State
from portal.core import signals, tasks
from portal.core.db import utcnow
from portal.core.roles import Role
from portal.extensions import db
from portal.orgs.operations import message_organisation
from portal.transparency import operations as publication
from portal.users.models import User
from tests.api.webhook_receiver import Receiver
from tests.organisations.fixtures_cases import *  # noqa: F403
from tests.organisations.fixtures_cases import NAME, SECRET, ask, file_for

SECRET_PATTERN = re.compile(r'<code dir="ltr">(whsec_[A-Za-z0-9_-]+)</code>')


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def ngo_admin_user(orgs, make_user):
    return make_user(
        Role.ORGANISATION, "admin@ngo.test", orgs.ngo, organisation_admin=True, locale="sw", name="Mwanaidi Admin"
    )


def run_worker(app) -> int:
    """What the worker does: run every queued task, each in a context of its own."""
    return tasks.queue_of(app).run_pending()


def subscribe(app, admin, url: str, events: tuple = webhooks.SUBSCRIBABLE) -> tuple[int, str]:
    with app.app_context():
        wanted = [event.value for event in events if event != WebhookEvent.TEST]
        subscription, secret = webhooks.subscribe(db.session.get(User, admin.id), url, wanted)
        db.session.commit()
        return subscription.id, secret


def expected_signature(secret: str, header: str, body: bytes) -> bool:
    fields = dict(part.split("=", 1) for part in header.split(","))
    mac = hmac.new(secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(mac, fields["v1"]) and abs(time.time() - int(fields["t"])) < 60


def test_the_page_shows_the_secret_once_and_the_receiver_gets_signed_case_events(
    app, orgs, ngo_admin_user, member_client, file_grievance, receiver
):
    admin = member_client(ngo_admin_user)
    page = admin.post("/org/webhooks", data={"url": receiver.url, "events": [e.value for e in webhooks.SUBSCRIBABLE]})
    assert page.status_code == 200
    secret = SECRET_PATTERN.search(page.get_data(as_text=True)).group(1)
    assert secret not in admin.get("/org/webhooks").get_data(as_text=True)  # shown once
    with app.app_context():
        stored = db.session.scalar(select(WebhookSubscription))
        assert stored.secret == secret and secret.encode() not in stored.secret_encrypted  # encrypted at rest

    reference = file_for(app, file_grievance, orgs.ngo)
    ask(app, reference, orgs.secretariat)  # acknowledged, then a question: two state changes and a question
    assert run_worker(app) == 3
    events = [delivery.headers["Portal-Event"] for delivery in receiver.received]
    assert sorted(events) == ["case.question_waiting", "case.state_changed", "case.state_changed"]
    for delivery in receiver.received:
        assert delivery.path == "/hooks/portal?source=test"
        assert expected_signature(secret, delivery.headers["Portal-Signature"], delivery.body)
        assert webhook_delivery.verify(secret, delivery.headers["Portal-Signature"], delivery.body)
        assert not webhook_delivery.verify("whsec_other", delivery.headers["Portal-Signature"], delivery.body)
        body = json.loads(delivery.body)
        assert body["case"]["reference"] == reference
        assert body["case"]["url"].endswith(f"/org/cases/{reference}")
    ids = {int(delivery.headers["Portal-Delivery"]) for delivery in receiver.received}
    with app.app_context():
        delivered = db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.id.in_(ids))).all()
        assert {row.status for row in delivered} == {DeliveryStatus.DELIVERED}
        assert all(row.attempts == 1 and row.last_status_code == 204 for row in delivered)
    moved = [json.loads(d.body) for d in receiver.received if d.headers["Portal-Event"] == "case.state_changed"]
    assert {(body["old_state"], body["new_state"]) for body in moved} == {
        (State.SUBMITTED.value, State.ACKNOWLEDGED.value),
        (State.ACKNOWLEDGED.value, State.INFO_REQUESTED.value),
    }
    # The log on the page, for every member.
    html = member_client(orgs.members["ngo"]).get("/org/webhooks").get_data(as_text=True)
    assert receiver.url.replace("&", "&amp;") in html and html.count("<td>1</td>") >= 3
    # A replayed delivery is refused by the receiver's check once five minutes have gone by.
    first = receiver.received[0]
    assert not webhook_delivery.verify(secret, first.headers["Portal-Signature"], first.body, now=time.time() + 301)


def test_payloads_hold_no_description_identity_message_or_reasons(app, orgs, ngo_admin_user, file_grievance, receiver):
    _, secret = subscribe(app, ngo_admin_user, receiver.url)
    words = "The foreman Bakari Juma threatened the families at the Kasulo depot."
    reasons = "The panel believed Ms Mwamba's account of the night shifts."
    reference = file_for(app, file_grievance, orgs.ngo, description=SECRET, anonymous="no", name=NAME)
    ask(app, reference, orgs.secretariat, question=words)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        officer = db.session.get(User, orgs.secretariat.id)
        message_organisation(case, officer, words, to_people=False)
        message_organisation(case, officer, words, to_people=True)
        decision = Decision(case_id=case.id, kind=DecisionKind.OUTCOME, outcome="founded", signed_by_id=orgs.chair.id)
        decision.reasons = reasons
        db.session.add(decision)
        db.session.flush()
        chair = db.session.get(User, orgs.chair.id)
        signals.decision_recorded.send(case, decision=decision, actor=chair)
        # Its public summary drafted (no event) and then published in the register (one event).
        summary = publication.draft_text(case, officer, "en", "The company agreed to pay back wages.", decision)
        case_summary = publication.draft_text(case, officer, "en", "A grievance about a cobalt depot.")
        publication.approve(case, case_summary, chair)  # the case's own summary is not a decision
        db.session.commit()
        run_worker(app)
        assert "case.decision_published" not in {d.headers["Portal-Event"] for d in receiver.received}
        publication.approve(case, summary, chair)
        db.session.commit()
    run_worker(app)
    events = [delivery.headers["Portal-Event"] for delivery in receiver.received]
    assert set(events) == {e.value for e in webhooks.SUBSCRIBABLE}
    assert events.count("case.decision_published") == 1
    for delivery in receiver.received:
        text = delivery.body.decode() + json.dumps(delivery.headers)
        for private in (SECRET, NAME, "Mwamba", words, "Bakari", reasons, secret):
            assert private not in text
    decided = next(json.loads(d.body) for d in receiver.received if d.headers["Portal-Event"] == "case.decision")
    assert decided["outcome"] == "founded" and decided["decision_kind"] == "outcome"
    published = next(
        json.loads(d.body) for d in receiver.received if d.headers["Portal-Event"] == "case.decision_published"
    )
    assert published["decision_kind"] == "outcome" and "back wages" not in json.dumps(published)


def test_a_failing_receiver_is_retried_with_back_off_then_turned_off_and_the_admins_told(
    app, orgs, ngo_admin_user, member_client, receiver, smtp_server
):
    receiver.status = 500
    subscription_id, _ = subscribe(app, ngo_admin_user, receiver.url)
    admin = member_client(ngo_admin_user)
    assert admin.post(f"/org/webhooks/{subscription_id}/test").status_code == 302
    waits = []
    for attempt in range(1, 6):
        started = utcnow()
        if attempt > 1:  # the wait is over: the sweep queues it again (as once a minute in the worker)
            with app.app_context():
                delivery = db.session.scalar(select(WebhookDelivery))
                delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
                db.session.commit()
                assert webhook_delivery.sweep() == 1
        assert run_worker(app) >= 1
        assert len(receiver.received) == attempt
        with app.app_context():
            delivery = db.session.scalar(select(WebhookDelivery))
            subscription = db.session.get(WebhookSubscription, subscription_id)
            assert delivery.attempts == attempt and delivery.last_status_code == 500
            assert subscription.failures == attempt
            if attempt < 5:
                assert delivery.status == DeliveryStatus.PENDING and subscription.active
                waits.append(round((delivery.next_attempt_at - started).total_seconds() / 60))
            else:
                assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
                assert not subscription.active and subscription.disabled_at is not None
    assert waits == [1, 5, 30, 120]
    # The same delivery id on every attempt: the receiver can tell a retry from a new event.
    assert len({delivery.headers["Portal-Delivery"] for delivery in receiver.received}) == 1
    mails = smtp_server.to("admin@ngo.test")
    assert len(mails) == 1 and "webhook" in mails[0]["Subject"].lower()  # Swahili keeps the loanword
    assert smtp_server.to("amina@ngo.test") == []  # members who are not admins are not mailed
    with app.app_context():
        changes = [
            json.loads(entry.data)["change"]
            for entry in db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "webhook-changed").order_by(AuditEntry.id)
            )
        ]
        assert changes == ["created", "test_sent", "auto_disabled"]
    # Turned off: nothing more is sent, and the sweep skips it.
    with app.app_context():
        assert webhook_delivery.due() == []
    # Turned on again by the admin: the count starts afresh and a success keeps it at zero.
    receiver.status = 200
    assert admin.post(f"/org/webhooks/{subscription_id}/enable").status_code == 302
    admin.post(f"/org/webhooks/{subscription_id}/test")
    run_worker(app)
    with app.app_context():
        subscription = db.session.get(WebhookSubscription, subscription_id)
        assert subscription.active and subscription.failures == 0 and subscription.disabled_at is None


def test_a_success_resets_the_count_of_failures(app, orgs, ngo_admin_user, receiver):
    subscription_id, _ = subscribe(app, ngo_admin_user, receiver.url)
    receiver.status = 503
    with app.app_context():
        for _ in range(3):
            webhooks.send_test(db.session.get(WebhookSubscription, subscription_id), None)
        db.session.commit()
    run_worker(app)
    with app.app_context():
        assert db.session.get(WebhookSubscription, subscription_id).failures == 3
    receiver.status = 302  # a redirect is not followed and is not a delivery
    with app.app_context():
        webhooks.send_test(db.session.get(WebhookSubscription, subscription_id), None)
        db.session.commit()
    run_worker(app)
    assert len(receiver.received) == 4  # nothing went to the redirect's target
    receiver.status = 202
    with app.app_context():
        webhooks.send_test(db.session.get(WebhookSubscription, subscription_id), None)
        db.session.commit()
    run_worker(app)
    with app.app_context():
        subscription = db.session.get(WebhookSubscription, subscription_id)
        assert subscription.failures == 0 and subscription.active


def test_nothing_is_sent_for_a_transaction_that_rolled_back(app, orgs, ngo_admin_user, file_grievance, receiver):
    subscribe(app, ngo_admin_user, receiver.url)
    reference = file_for(app, file_grievance, orgs.ngo)
    run_worker(app)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        take_action(case, Action.ACKNOWLEDGE, db.session.get(User, orgs.secretariat.id), Role.SECRETARIAT)
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1  # written, not committed
        db.session.rollback()
    assert run_worker(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        assert webhook_delivery.sweep() == 0
    assert receiver.received == []


def test_the_sweep_delivers_what_the_queue_lost(app, orgs, ngo_admin_user, file_grievance, receiver):
    subscribe(app, ngo_admin_user, receiver.url, events=[WebhookEvent.STATE_CHANGED])
    reference = file_for(app, file_grievance, orgs.ngo)
    ask(app, reference, orgs.secretariat)
    tasks.queue_of(app).huey.flush()  # the queue was down: what was queued at commit time is gone
    assert run_worker(app) == 0 and receiver.received == []
    with app.app_context():
        assert webhook_delivery.sweep() == 2
    run_worker(app)
    assert [d.headers["Portal-Event"] for d in receiver.received] == ["case.state_changed"] * 2
    with app.app_context():
        assert webhook_delivery.sweep() == 0  # delivered: never again
    # The command does the same.
    result = app.test_cli_runner().invoke(args=["portal", "deliver-webhooks"])
    assert result.exit_code == 0 and "0 webhook deliveries queued" in result.output


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.8/hook",
        "https://192.168.1.20/hook",
        "https://172.16.5.5/hook",
        "https://169.254.169.254/latest/meta-data",  # the cloud's metadata service
        "https://100.64.0.1/hook",  # carrier-grade NAT
        "https://[fc00::1]/hook",
        "https://[fe80::1]/hook",
        "https://0.0.0.0/hook",
        "https://240.0.0.1/hook",  # reserved
        "https://224.0.0.1/hook",  # multicast
        "https://[::ffff:10.0.0.8]/hook",  # a private IPv4 address written as IPv6
        "https://user:password@93.184.216.34/hook",
        "ftp://93.184.216.34/hook",
        "not a url",
        "https://no-such-host.invalid/hook",
    ],
)
def test_private_reserved_and_malformed_addresses_are_refused(app, url):
    with app.test_request_context(), pytest.raises(WebhookRefused):
        webhooks.check_url(url)


def test_loopback_and_plain_http_only_when_allowed(app, receiver):
    with app.test_request_context():
        assert webhooks.check_url(receiver.url)[2] == "127.0.0.1"  # the tests allow loopback
        with pytest.raises(WebhookRefused):
            webhooks.check_url("http://93.184.216.34/hook")  # a public address over plain http
        app.config["WEBHOOK_ALLOW_LOOPBACK"] = False
        try:
            for url in (receiver.url, "https://127.0.0.1/hook", "https://[::1]/hook", "https://localhost/hook"):
                with pytest.raises(WebhookRefused):
                    webhooks.check_url(url)
        finally:
            app.config["WEBHOOK_ALLOW_LOOPBACK"] = True
        app.config["WEBHOOK_ALLOW_HTTP"] = True
        try:
            assert webhooks.check_url("http://93.184.216.34/hook")[2] == "93.184.216.34"
        finally:
            app.config["WEBHOOK_ALLOW_HTTP"] = False


def test_the_page_refuses_a_private_address(app, orgs, ngo_admin_user, member_client):
    response = member_client(ngo_admin_user).post(
        "/org/webhooks", data={"url": "https://169.254.169.254/x", "events": ["case.message"]}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebhookSubscription)) == 0


def test_the_address_is_checked_again_at_delivery(app, orgs, ngo_admin_user, receiver):
    subscription_id, _ = subscribe(app, ngo_admin_user, receiver.url)
    with app.app_context():
        webhooks.send_test(db.session.get(WebhookSubscription, subscription_id), None)
        db.session.commit()
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = False  # as if the name now pointed at the portal's own machine
    try:
        run_worker(app)
    finally:
        app.config["WEBHOOK_ALLOW_LOOPBACK"] = True
    assert receiver.received == []
    with app.app_context():
        delivery = db.session.scalar(select(WebhookDelivery))
        assert delivery.last_error == "address_refused" and delivery.attempts == 1


def test_a_member_reads_but_only_an_admin_manages(app, orgs, ngo_admin_user, member_client, receiver):
    subscription_id, _ = subscribe(app, ngo_admin_user, receiver.url)
    member = member_client(orgs.members["ngo"])
    html = member.get("/org/webhooks").get_data(as_text=True)
    assert "Add a webhook" not in html and "Ajouter un webhook" not in html and receiver.url.split("?")[0] in html
    assert member.post("/org/webhooks", data={"url": receiver.url, "events": ["case.message"]}).status_code == 403
    for action in ("disable", "enable", "test", "delete"):
        assert member.post(f"/org/webhooks/{subscription_id}/{action}").status_code == 403
    with app.app_context():
        subscription = db.session.get(WebhookSubscription, subscription_id)
        assert subscription.active
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_another_organisation_neither_sees_nor_changes_them(app, orgs, ngo_admin_user, make_user, member_client):
    subscription_id, _ = subscribe(app, ngo_admin_user, "http://127.0.0.1:9/ngo-only-hook")
    union_admin = member_client(make_user(Role.ORGANISATION, "boss@union.test", orgs.union, organisation_admin=True))
    assert "ngo-only-hook" not in union_admin.get("/org/webhooks").get_data(as_text=True)
    for action in ("disable", "enable", "test", "delete"):
        assert union_admin.post(f"/org/webhooks/{subscription_id}/{action}").status_code == 404
    with app.app_context():
        assert db.session.get(WebhookSubscription, subscription_id).active


def test_the_admin_turns_off_and_deletes_and_each_change_is_audited(app, orgs, ngo_admin_user, member_client, receiver):
    subscription_id, _ = subscribe(app, ngo_admin_user, receiver.url)
    admin = member_client(ngo_admin_user)
    assert admin.post(f"/org/webhooks/{subscription_id}/disable").status_code == 302
    with app.app_context():
        assert not db.session.get(WebhookSubscription, subscription_id).active
    assert admin.post(f"/org/webhooks/{subscription_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(WebhookSubscription, subscription_id) is None
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "webhook-changed").order_by(AuditEntry.id)
        ).all()
        assert [json.loads(entry.data)["change"] for entry in entries] == ["created", "disabled", "deleted"]
        assert all(entry.actor_id == ngo_admin_user.id for entry in entries)
        assert all(receiver.url not in entry.data for entry in entries)


def _one_attempt(app, subscription_id: int) -> WebhookDelivery:
    with app.app_context():
        webhooks.send_test(db.session.get(WebhookSubscription, subscription_id), None)
        db.session.commit()
    run_worker(app)
    with app.app_context():
        return db.session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()))


def test_a_slow_receiver_times_out_and_a_plain_server_fails_tls(app, orgs, ngo_admin_user, receiver, monkeypatch):
    monkeypatch.setattr(webhook_delivery, "TIMEOUT_SECONDS", 0.5)  # the 5 s of production, shortened
    receiver.delay = 2
    subscription_id, _ = subscribe(app, ngo_admin_user, receiver.url)
    delivery = _one_attempt(app, subscription_id)
    assert delivery.last_error == "timeout" and delivery.last_status_code is None
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    receiver.delay = 0
    https_id, _ = subscribe(app, ngo_admin_user, receiver.url.replace("http://", "https://"))
    delivery = _one_attempt(app, https_id)
    assert delivery.last_error == "tls" and delivery.last_status_code is None
    closed_id, _ = subscribe(app, ngo_admin_user, "http://127.0.0.1:9/nobody-listens")
    assert _one_attempt(app, closed_id).last_error == "connection"
