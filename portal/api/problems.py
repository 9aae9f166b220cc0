"""Errors of the API as ``application/problem+json`` (RFC 9457), never an HTML page or a login redirect.

Each problem has a stable ``type``: a URI reference to its entry on the documentation page, so a client can
branch on it; ``title`` says the kind in the requester's language (Accept-Language), ``detail`` this occurrence.
Validation errors (422) add ``errors``: the field names and their messages, as webargs found them.
"""

from __future__ import annotations

from flask import Response, json, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"

# status -> (stable slug, title)
PROBLEMS: dict[int, tuple[str, object]] = {
    400: ("bad-request", _l("The request could not be understood")),
    401: ("unauthenticated", _l("A valid token is needed")),
    403: ("forbidden", _l("This token may not do this")),
    404: ("not-found", _l("Not found")),
    405: ("method-not-allowed", _l("This method is not allowed here")),
    409: ("conflict", _l("The request conflicts with the current state")),
    413: ("too-large", _l("What you sent is too large")),
    415: ("unsupported-media-type", _l("This content type is not accepted")),
    422: ("invalid", _l("Some values are not valid")),
    429: ("too-many-requests", _l("Too many requests")),
    500: ("server-error", _l("Something went wrong on our side")),
    503: ("unavailable", _l("The portal is briefly unavailable")),
}


def problem_type(status: int) -> str:
    slug = PROBLEMS.get(status, PROBLEMS[400 if status < 500 else 500])[0]
    return f"/api/v1/docs#problem-{slug}"


def problem(status: int, detail: str | None = None, **extra) -> Response:
    slug_title = PROBLEMS.get(status, PROBLEMS[400 if status < 500 else 500])
    body = {"type": problem_type(status), "title": str(slug_title[1]), "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update({key: value for key, value in extra.items() if value is not None})
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("messages") if isinstance(data, dict) else None
    if isinstance(errors, dict) and set(errors) <= {"json", "query", "form", "files", "headers", "path"}:
        # webargs nests messages under the location; one level is enough for a client
        errors = {name: messages for location in errors.values() for name, messages in location.items()}
    detail = data.get("message") if isinstance(data, dict) else None
    # A description given with abort() explains this occurrence; werkzeug's class default says nothing more, nor
    # does the rate limiter's (its limit, in English): the title and Retry-After say it.
    limit = getattr(error, "limit", None)  # flask-limiter's RateLimitExceeded
    own = error.description if error.description != type(error).description and status < 500 else None
    response = problem(status, detail or (None if limit is not None else own), errors=errors)
    if limit is not None:
        response.headers["Retry-After"] = str(limit.limit.get_expiry())
    return response


def render_for_api(status: int, error: BaseException | None) -> Response | None:
    """The hook core/errors.py calls before rendering an error page: a problem for API paths, else None."""
    if not is_api_request():
        return None
    if isinstance(error, HTTPException) and error.code == status:
        return from_http_exception(error)
    return problem(status)
