"""The Api object and how its blueprints are registered: problem errors, per-token rate limits, CORS, no CSRF.

Token-authenticated requests carry no cookie session, so CSRF (a cookie riding along with a forged request) does
not apply: the API blueprints are exempt, the cookie-session pages keep it. No CORS headers unless the origin is in
``API_CORS_ORIGINS``.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, request
from flask_smorest import Api

from portal.api.problems import render_for_api
from portal.api.tokens import rate_key
from portal.extensions import csrf, limiter

API_DESCRIPTION = (
    "The covenant grievance portal's JSON API. Public endpoints need no token; an organisation's and staff "
    "endpoints need a personal token (Authorization: Bearer ...) with the right scope, created on the account "
    "page. Errors are application/problem+json (RFC 9457). The human-readable guide is at /api/v1/docs."
)


class PortalApi(Api):
    """flask-smorest's Api, without its app-wide JSON error handler: the portal's HTML pages keep theirs, and the
    API's problems come from ``problems.render_for_api`` through core/errors.py."""

    def _register_error_handlers(self) -> None:
        pass


def _cors(response):
    origin = request.headers.get("Origin")
    if origin and origin in current_app.config["API_CORS_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Idempotency-Key"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers.add("Vary", "Origin")
    return response


def _prepare(blueprint: Blueprint) -> None:
    """Once per blueprint object (tests build several apps from the same blueprints)."""
    if getattr(blueprint, "_portal_api_ready", False):
        return
    csrf.exempt(blueprint)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key)(blueprint)
    blueprint.after_request(_cors)
    blueprint._portal_api_ready = True  # type: ignore[attr-defined]


def init_api(app: Flask, blueprints: list[Blueprint]) -> PortalApi:
    """One Api per app, kept in ``app.extensions["portal_api"]``; registers ``blueprints`` in it."""
    api = PortalApi(spec_kwargs={"info": {"description": API_DESCRIPTION}})
    api.init_app(app)
    api.spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    app.extensions.setdefault("portal_machine_errors", []).append(render_for_api)
    for blueprint in blueprints:
        _prepare(blueprint)
        api.register_blueprint(blueprint)
    app.extensions["portal_api"] = api
    return api
