"""The generic steps of ``create_app`` (configuration, extensions, request hooks), one function each.

Nothing here knows a domain package: ``portal/app.py`` wires those in."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g, request

from portal.core.crypto import KeyRing
from portal.core.page_cache import cached_fragment
from portal.core.secrets import load_secrets
from portal.core.storage import choose_store


def load_configuration(app: Flask) -> None:
    Path(app.config["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    load_secrets(app.config)
    app.extensions["portal_keyring"] = KeyRing.from_setting(app.config["ENCRYPTION_KEYS"])
    app.config["ATTACHMENT_STORE"] = choose_store(app.config)  # refuses to start on an unknown store
    # The development server logs client addresses; public routes must not (docs/architecture.md §8).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def init_extensions(app: Flask) -> None:
    from portal.core.db import engine_options
    from portal.core.i18n import PortalRequest, install_template_gettext, select_locale
    from portal.extensions import babel, compress, csrf, db, limiter, login_manager, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
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
    install_template_gettext(app.jinja_env)  # after Flask-Babel's own, which it replaces
    app.request_class = PortalRequest  # WTForms' messages read once per process and language
    login_manager.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)


def register_request_hooks(app: Flask) -> None:
    from flask_babel import format_currency

    from portal.core import contact, routing, transaction, urls
    from portal.core.errors import register_error_handlers
    from portal.core.i18n import (
        LOCALES,
        country_name,
        current_portal_locale,
        day,
        label,
        language_name,
        locale_code,
        moment,
        spoken_language_name,
        words,
    )
    from portal.core.security import init_security

    init_security(app)
    register_error_handlers(app)
    routing.init_app(app)
    urls.init_app(app)

    transaction.init_app(app)
    contact.init_app(app)

    @app.after_request
    def buffer_static_files(response):
        """Our static files are a few KB: read them whole so Flask-Compress can compress them and the file
        handle is closed with the response (its streaming path leaves the file open)."""
        if request.endpoint == "static" and response.status_code == 200:
            response.direct_passthrough = False
            response.make_sequence()
        return response

    app.add_template_filter(country_name)
    app.add_template_filter(language_name)
    app.add_template_filter(spoken_language_name)
    app.add_template_filter(words)
    app.add_template_filter(label)
    app.add_template_filter(moment, "datetimeformat")  # dates with the month in words, as dateformat (core/i18n.py)
    app.add_template_filter(day, "dateformat")  # Flask-Babel's, cached per day and locale (core/i18n.py)
    app.add_template_filter(format_currency, "currencyformat")
    app.add_template_global(locale_code)  # asked once per table, passed to each row's filters
    app.add_template_global(cached_fragment)  # a form's fields rendered once per locale (core/page_cache.py)

    @app.context_processor
    def inject_locale():
        return {
            "portal_locale": current_portal_locale(),
            "all_locales": LOCALES.values(),
            "language_menu_shown": routing.language_menu_shown,
            "language_url": routing.language_url,
        }

    @app.url_defaults
    def add_locale(endpoint, values):
        if "locale" in values or not g.get("locale"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "locale"):
            values["locale"] = g.locale
