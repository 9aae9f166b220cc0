"""``/org/webhooks``: the organisation's webhooks and their delivery log.

Every member reads the page; only an admin adds, turns on or off, deletes, or sends a test event (others: 403).
Another organisation's webhook answers 404, as if it did not exist. The secret is shown once, on the answer to
adding (never stored in the session cookie nor shown again). Each change is audited through ``webhook_changed``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired

from portal.api import webhooks
from portal.api.webhook_delivery import REPLAY_WINDOW
from portal.api.webhooks import EVENT_LABELS, SUBSCRIBABLE, WebhookDelivery, WebhookRefused, WebhookSubscription
from portal.core.forms import REQUIRED, CheckboxListField, MaxLength, error_links, options
from portal.extensions import db
from portal.orgs.cases import acting, members_only
from portal.users.models import User

org_webhooks = Blueprint("org_webhooks", __name__, url_prefix="/org")

LOG_SIZE = 50

STATUS_LABELS = {
    "pending": _l("Waiting"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed"),
}
ERROR_LABELS = {
    "timeout": _l("No answer within 5 seconds"),
    "connection": _l("Could not connect"),
    "tls": _l("The receiver's certificate was refused"),
    "address_refused": _l("The address is not allowed"),
}


class WebhookForm(FlaskForm):
    url = StringField(_l("Receiver's address (https)"), validators=[DataRequired(REQUIRED), MaxLength(500)])
    events = CheckboxListField(
        _l("Events to send"),
        choices=options([(event.value, EVENT_LABELS[event]) for event in SUBSCRIBABLE]),
        validators=[DataRequired(_l("Choose at least one event."))],
    )


def _admin() -> User:
    """The organisation's admin: who may manage its members manages its webhooks (``User.can_manage_members``)."""
    member = acting()
    if not member.can_manage_members:
        abort(403)
    return member


def _ours(subscription_id: int) -> WebhookSubscription:
    subscription = webhooks.subscription_of(acting().organisation_id or 0, subscription_id)
    if subscription is None:
        abort(404)
    return subscription


def _page(form: WebhookForm, *, status: int = 200, new_secret: str | None = None, new_id: int | None = None):
    member = acting()
    subscriptions = webhooks.subscriptions_of(member.organisation_id or 0)
    log = list(
        db.session.execute(
            select(WebhookDelivery, WebhookSubscription.url)
            .join(WebhookSubscription)
            .where(WebhookSubscription.organisation_id == member.organisation_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(LOG_SIZE)
        )
    )
    page = render_template(
        "organisations/webhooks.html",
        subscriptions=subscriptions,
        log=log,
        form=form,
        problems=error_links(form),
        admin=member.can_manage_members,
        new_secret=new_secret,
        new_id=new_id,
        events=EVENT_LABELS,
        statuses=STATUS_LABELS,
        errors=ERROR_LABELS,
        replay_minutes=int(REPLAY_WINDOW.total_seconds() // 60),
    )
    return page, status


@org_webhooks.get("/webhooks")
@members_only
def page():
    return _page(WebhookForm(formdata=None))


@org_webhooks.post("/webhooks")
@members_only
def add():
    member = _admin()
    form = WebhookForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        subscription, secret = webhooks.subscribe(member, form.url.data or "", list(form.events.data or []))
    except WebhookRefused as refused:
        form.url.errors = [str(refused)]
        return _page(form, status=400)
    return _page(WebhookForm(formdata=None), new_secret=secret, new_id=subscription.id)


@org_webhooks.post("/webhooks/<int:subscription_id>/enable")
@members_only
def enable(subscription_id: int):
    member = _admin()
    webhooks.set_active(_ours(subscription_id), member, True)
    flash(_("The webhook is on."))
    return redirect(url_for("org_webhooks.page"))


@org_webhooks.post("/webhooks/<int:subscription_id>/disable")
@members_only
def disable(subscription_id: int):
    member = _admin()
    webhooks.set_active(_ours(subscription_id), member, False)
    flash(_("The webhook is off."))
    return redirect(url_for("org_webhooks.page"))


@org_webhooks.post("/webhooks/<int:subscription_id>/test")
@members_only
def test(subscription_id: int):
    member = _admin()
    subscription = _ours(subscription_id)
    if not subscription.active:
        flash(_("Turn the webhook on first."))
        return redirect(url_for("org_webhooks.page"))
    webhooks.send_test(subscription, member)
    flash(_("A test event is on its way. Its delivery appears in the log below."))
    return redirect(url_for("org_webhooks.page"))


@org_webhooks.post("/webhooks/<int:subscription_id>/delete")
@members_only
def delete(subscription_id: int):
    member = _admin()
    webhooks.delete(_ours(subscription_id), member)
    flash(_("The webhook is deleted."))
    return redirect(url_for("org_webhooks.page"))
