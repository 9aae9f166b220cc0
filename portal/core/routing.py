"""Blueprints whose URLs start with the page's locale: ``/<locale>/...`` (docs/architecture.md §7)."""

from __future__ import annotations

from flask import Blueprint, abort, g

from portal.core.i18n import LOCALES


def _take_locale(endpoint, values) -> None:
    code = (values or {}).pop("locale", None)
    if code not in LOCALES:
        abort(404)  # an unknown locale is a page that does not exist, not a crash
    g.locale = code


def locale_blueprint(name: str, import_name: str) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix="/<locale>")
    blueprint.url_value_preprocessor(_take_locale)
    return blueprint
