"""HTTP safety defaults (docs/architecture.md §8) and the keyed hashes that stand in for secrets and client
addresses."""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app, g, request, session
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

# Session keys that tie a browser to a person: a staff login (Flask-Login's key), a login half-way between
# password and code, and a receipt holder's case (portal/intake/holder.py). Named here so that the cache and
# compression policy below can see them without knowing the packages that set them.
STAFF_SESSION_KEY = "_user_id"
PENDING_LOGIN_KEY = "pending_user_id"
HOLDER_SESSION_KEY = "receipt_holder"
_IDENTITY_KEYS = (STAFF_SESSION_KEY, PENDING_LOGIN_KEY, HOLDER_SESSION_KEY)
# A session's last request (staff and receipt holder alike) is stamped at most every SEEN_STEP seconds: a cookie
# that does not change is not signed and sent again on every page (a fifth of a small page's time). An idle
# session may so end up to SEEN_STEP seconds before its idle minutes have passed, never after.
SEEN_STEP = 30


def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` under the server's receipt key, separated by purpose."""
    key = current_app.config["RECEIPT_KEY"].encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def limiter_client_key() -> str:
    """Rate-limit key of a client: a keyed hash, so no limiter storage ever holds an address."""
    return keyed_hash(request.remote_addr or "unknown", "client")[:32]


def mark_public_page() -> None:
    """This response is the same for every visitor and holds nothing personal (core/page_cache.py): it may be
    cached and compressed, unless the visitor is signed in."""
    g.public_page = True


def session_has_identity() -> bool:
    return any(key in session for key in _IDENTITY_KEYS)


def _is_public(response) -> bool:
    if request.endpoint == "static":
        return True
    return bool(g.get("public_page")) and not session_has_identity()


def hsts_value(config) -> str:
    value = "max-age=31536000"
    if config["HSTS_INCLUDE_SUBDOMAINS"]:
        value += "; includeSubDomains"
    if config["HSTS_PRELOAD"]:
        value += "; preload"
    return value


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), interest-cohort=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", hsts_value(current_app.config))
    # Case content, codes and signed-in pages must not stay in a shared phone's cache or history, nor in a
    # proxy's: only static files and the pages that are the same for everyone may be kept.
    if not _is_public(response):
        headers["Cache-Control"] = "no-store"
    return response


def compress_unless_signed_in(response):
    """Flask-Compress, except for a signed-in session's pages: they carry its CSRF token and case content next to
    text a visitor can put there, which is what BREACH needs to read a secret from compressed sizes. Public pages
    (the 40 KB budget, docs/architecture.md §9) and static files are still compressed; staff pages are not
    size-critical."""
    if session_has_identity() and request.endpoint != "static":
        return response
    from portal.extensions import compress  # extensions imports this module

    return compress.after_request(response)


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are marked Secure whenever the request came over HTTPS, not only when configured."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (request and request.is_secure))


def init_security(app: Flask) -> None:
    app.session_interface = SessionInterface()
    # after_request hooks run last-registered first: compression comes after the headers are set.
    app.after_request(compress_unless_signed_in)
    app.after_request(set_security_headers)
