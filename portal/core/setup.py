"""The steps of ``create_app``, one function each, so the factory reads as a table of contents."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g, request

from portal.cases.workflow import ClockSettings
from portal.core.crypto import KeyRing
from portal.core.secrets import load_secrets


def load_configuration(app: Flask) -> None:
    Path(app.config["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    load_secrets(app.config)
    app.extensions["portal_keyring"] = KeyRing.from_setting(app.config["ENCRYPTION_KEYS"])
    app.extensions["portal_clocks"] = ClockSettings.from_config(
        app.config["CLOCK_DAYS"], app.config["CLOCK_URGENT_TRIAGE_HOURS"]
    )
    # The development server logs client addresses; public routes must not (DESIGN §8).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def init_extensions(app: Flask) -> None:
    from portal.core.i18n import select_locale
    from portal.extensions import babel, compress, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).resolve().parents[2] / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)

    from portal.users.models import User

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))

    # Import every model so that metadata (and Alembic autogenerate) sees all tables.
    import portal.audit.models
    import portal.cases.committee
    import portal.cases.models
    import portal.notifications.models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from portal.audit import receivers as audit_receivers
    from portal.audit.views import audit
    from portal.cases.views import staff
    from portal.cli import portal_cli
    from portal.company.views import company
    from portal.core.errors import register_error_handlers
    from portal.core.health import health
    from portal.intake.views import intake
    from portal.notifications import receivers as notification_receivers
    from portal.public.views import public, root
    from portal.users.views import users

    for blueprint in (root, public, intake, health, users, staff, company, audit):
        app.register_blueprint(blueprint)
    app.cli.add_command(portal_cli)
    register_error_handlers(app)
    # Receivers connect once per process; connecting twice (several apps in tests) is harmless.
    audit_receivers.connect()
    notification_receivers.connect()


def register_request_hooks(app: Flask) -> None:
    from portal.core.i18n import LOCALES, current_portal_locale
    from portal.core.security import init_security
    from portal.extensions import db

    init_security(app)

    @app.after_request
    def commit_or_roll_back(response):
        """One commit per request, here and only here; an error response keeps nothing."""
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def roll_back_on_exception(exc):
        if exc is not None:
            db.session.rollback()

    @app.after_request
    def buffer_static_files(response):
        """Our static files are a few KB: read them whole so Flask-Compress can compress them and the file
        handle is closed with the response (its streaming path leaves the file open)."""
        if request.endpoint == "static" and response.status_code == 200:
            response.direct_passthrough = False
            response.make_sequence()
        return response

    @app.context_processor
    def inject_locale():
        return {"portal_locale": current_portal_locale(), "all_locales": LOCALES.values()}

    @app.url_defaults
    def add_locale(endpoint, values):
        if "locale" in values or not g.get("locale"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "locale"):
            values["locale"] = g.locale
