"""HTTP safety defaults (docs/architecture.md §8) and the keyed hashes that stand in for secrets and client
addresses."""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` under the server's receipt key, separated by purpose."""
    key = current_app.config["RECEIPT_KEY"].encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def limiter_client_key() -> str:
    """Rate-limit key of a client: a keyed hash, so no limiter storage ever holds an address."""
    return keyed_hash(request.remote_addr or "unknown", "client")[:32]


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), interest-cohort=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are marked Secure whenever the request came over HTTPS, not only when configured."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (request and request.is_secure))


def init_security(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(set_security_headers)
