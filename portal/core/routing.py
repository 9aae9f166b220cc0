"""URL handling shared by every blueprint (docs/architecture.md §7).

- ``locale_blueprint``: blueprints whose URLs start with the page's locale, ``/<locale>/...``.
- ``IdConverter``: ``<int:...>`` bounded to what an id column holds (``INTEGER``: 32 bits signed on PostgreSQL,
  where ids are not ``BIGINT``); a larger id is a page that does not exist (404), not an overflow in the driver
  (500).
- ``reject_malformed_input``: a NUL byte in the query string, a form field or a file name is a 400 (in the path a
  404) before any view runs. No person types one, and PostgreSQL refuses it in text, so it could only ever end in a 500.
- ``page_number``: the ``page`` argument, clamped so that an offset cannot overflow.
- ``language_menu_shown`` / ``language_url``: the language menu of every public page, also on a form's answer.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, g, request
from werkzeug.routing import IntegerConverter

from portal.core.i18n import LOCALES
from portal.core.urls import memo_url_for

ID_MAX = 2**31 - 1  # PostgreSQL INTEGER, the type of every primary key
MAX_PAGE = 1_000_000  # 50 rows a page: far beyond any list; filter instead
NUL = "\x00"


def _take_locale(endpoint, values) -> None:
    code = (values or {}).pop("locale", None)
    if code not in LOCALES:
        abort(404)  # an unknown locale is a page that does not exist, not a crash
    g.locale = code


def locale_blueprint(name: str, import_name: str) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix="/<locale>")
    blueprint.url_value_preprocessor(_take_locale)
    return blueprint


class IdConverter(IntegerConverter):
    """``<int:...>`` that matches only 0 … 2**31-1, the ids a primary key column can hold."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def _has_nul(multidict) -> bool:
    return any(NUL in key or NUL in value for key, value in multidict.items(multi=True))


def reject_malformed_input() -> None:
    """before_request: 400 (the localised error page) for a NUL byte anywhere a view might read text from."""
    if NUL in request.path:
        abort(404)  # no page has one in its address
    if _has_nul(request.args):
        abort(400)
    if request.method in ("POST", "PUT", "PATCH") and (
        _has_nul(request.form) or any(NUL in (file.filename or "") for _, file in request.files.items(multi=True))
    ):
        abort(400)


def page_number(name: str = "page") -> int:
    """A page number from the query string: 1 when missing or not a number, at most ``MAX_PAGE``."""
    number = request.args.get(name, 1, type=int)
    return min(max(number, 1), MAX_PAGE)


def language_menu_shown() -> bool:
    """Every page under ``/<locale>/`` carries the language menu, whatever the method that produced it."""
    endpoint = request.endpoint
    return bool(endpoint) and current_app.url_map.is_endpoint_expecting(endpoint, "locale")


def language_url(code: str) -> str:
    """This page in another language. The menu's links are plain GETs, so the answer to a POST (a form sent back
    with errors) links to the GET page of the same address, or to the landing page where the address has none."""
    endpoint = request.endpoint or "public.landing"
    if request.method in ("GET", "HEAD") or any("GET" in (rule.methods or ()) for rule in _rules(endpoint)):
        return memo_url_for(endpoint, **dict(request.view_args or {}, locale=code))
    return memo_url_for("public.landing", locale=code)


def _rules(endpoint: str):
    return current_app.url_map.iter_rules(endpoint)


def init_app(app: Flask) -> None:
    """Register the converter (before any blueprint adds its rules) and the input guard."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(reject_malformed_input)
