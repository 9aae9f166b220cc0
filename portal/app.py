"""The composition root: the one place that knows every package and wires them into an app.

``portal/core`` is the ground floor and imports no domain package; the domain packages import core and each other
downwards only (see docs/architecture.md). Here, and only here, their blueprints, signal receivers, models and
commands are put together.
"""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

from portal.cases.models import Category
from portal.cases.workflow import ClockSettings


def configure_domain(app: Flask) -> None:
    """Settings the domain reads from ``app.extensions`` (built once per process, never per request)."""
    app.extensions["portal_clocks"] = ClockSettings.from_config(
        app.config["CLOCK_DAYS"], app.config["CLOCK_URGENT_TRIAGE_HOURS"]
    )
    # A misspelt category would silently make nothing urgent: refuse to start instead.
    unknown = set(app.config["URGENT_CATEGORIES"]) - {category.value for category in Category}
    if unknown:
        raise ValueError(f"URGENT_CATEGORIES: unknown categories {sorted(unknown)}")


def register_models(app: Flask) -> None:
    """Import every model so that the metadata (and Alembic's autogenerate) sees all tables."""
    import portal.api.idempotency
    import portal.api.tokens
    import portal.api.webhooks
    import portal.audit.models
    import portal.cases.alert_models
    import portal.cases.commitments
    import portal.cases.committee
    import portal.cases.company_side
    import portal.cases.meetings
    import portal.cases.message_templates
    import portal.cases.models
    import portal.cases.translations
    import portal.core.blob_chunks
    import portal.intake.models
    import portal.media.thumbnails
    import portal.notifications.models
    import portal.organisations.models
    import portal.orgs.trackers
    import portal.transparency.aggregates
    import portal.transparency.models
    import portal.transparency.review_models
    import portal.users.models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from portal.api.webhook_pages import org_webhooks
    from portal.audit.views import audit
    from portal.cases.aids import aids
    from portal.cases.desk_views import desk
    from portal.cases.meeting_views import meetings
    from portal.cases.views import staff
    from portal.company.views import company
    from portal.core.health import health
    from portal.intake.views import intake
    from portal.orgs.cases import org_cases
    from portal.orgs.views import org, org_staff
    from portal.public.views import public, root
    from portal.registry.views import registry
    from portal.transparency.review import review_staff, reviews
    from portal.transparency.satisfaction import satisfaction
    from portal.transparency.views import open_data, publication, register
    from portal.users import sessions
    from portal.users.views import users

    for blueprint in (root, public, intake, health, users, staff, aids, company, audit, registry, org_cases):
        app.register_blueprint(blueprint)
    for blueprint in (register, open_data, publication, reviews, review_staff, satisfaction, org, org_staff):
        app.register_blueprint(blueprint)
    app.register_blueprint(desk)
    app.register_blueprint(meetings)  # the language and meeting forms of a case, each on a page of its own
    app.register_blueprint(org_webhooks)  # HTML pages of the organisation, kept beside the webhooks (portal/api)
    sessions.init_app(app)  # the user loader and the per-request session check


def register_api(app: Flask) -> None:
    """The JSON API's blueprints, in one flask-smorest Api per app (portal/api)."""
    from portal.api.docs import api_docs
    from portal.api.me import api_me
    from portal.api.org import api_org
    from portal.api.pages import api_pages
    from portal.api.public import api_public
    from portal.api.setup import init_api
    from portal.api.staff import api_staff

    init_api(app, [api_me, api_public, api_org, api_staff])
    app.register_blueprint(api_docs)  # HTML, not part of the OpenAPI document
    app.register_blueprint(api_pages)  # the account page's tokens: HTML with CSRF, not part of the document


def connect_receivers() -> None:
    """Audit, mail and recusal listen to the operations' signals. Connecting twice (several apps in tests) is
    harmless."""
    from portal.api import webhooks
    from portal.audit import receivers as audit_receivers
    from portal.cases import receivers as case_receivers
    from portal.notifications import receivers as notification_receivers
    from portal.orgs import receivers as organisation_receivers

    audit_receivers.connect()
    notification_receivers.connect()
    case_receivers.connect()
    organisation_receivers.connect()
    webhooks.connect()


def register_commands(app: Flask) -> None:
    """``flask portal ...``: each package's commands, gathered here."""
    from portal.api.webhook_delivery import deliver_webhooks
    from portal.audit.cli import audit_verify
    from portal.cases.cli import make_thumbnails, seed_message_templates, sweep_files
    from portal.cli import load_demo, rotate_keys, task_worker
    from portal.intake.cli import sweep_drafts
    from portal.notifications.cli import deadlines
    from portal.orgs.digest import send_digests_command
    from portal.registry.cli import import_entities
    from portal.transparency.review import annual_review
    from portal.transparency.statistics import refresh_statistics
    from portal.users.cli import create_user

    group = AppGroup("portal", help="Covenant portal commands.")
    for command in (
        rotate_keys,
        load_demo,
        audit_verify,
        deadlines,
        create_user,
        sweep_files,
        import_entities,
        sweep_drafts,
        send_digests_command,
        refresh_statistics,
        annual_review,
        make_thumbnails,
        seed_message_templates,
        task_worker,
        deliver_webhooks,
    ):
        group.add_command(command)
    app.cli.add_command(group)


def compose(app: Flask) -> None:
    from portal.core import tasks

    configure_domain(app)
    register_models(app)
    register_blueprints(app)
    register_api(app)
    connect_receivers()
    register_commands(app)
    tasks.init_app(app)  # after the imports above: every task is declared
