"""Friendly error pages in the visitor's language; nothing leaks a stack trace.

A database that is down, locked beyond the bounded wait (``engine_options`` in core/db.py) or too slow answers 503.
On the forms where people write at length, the 503 page gives back what they typed, to copy and send again.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db

ERROR_TEXTS = {
    400: (_l("The request could not be understood"), _l("Please go back and try again.")),
    403: (_l("You may not open this page"), _l("If you think this is a mistake, contact the secretariat.")),
    404: (
        _l("Page not found"),
        _l("The page you asked for does not exist. Check the address or start again."),
    ),
    405: (_l("The request could not be understood"), _l("Please go back and try again.")),
    413: (
        _l("What you sent is too large"),
        _l("Files may be at most 20 MB each and 50 MB together. Please choose smaller files and send again."),
    ),
    429: (
        _l("Too many attempts"),
        _l("For your safety we limit how often this can be tried. Please wait a few minutes and try again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing you sent was kept. Please try again later; if it happens again, contact the secretariat."),
    ),
    503: (
        _l("The portal is briefly unavailable"),
        _l("Please try again in a few minutes. Nothing you sent was kept."),
    ),
}
CSRF_TEXT = (
    _l("Your form expired"),
    _l("For your safety, forms expire after some hours. Please go back, reload the page and send it again."),
)


_TYPED_FIELDS: dict[Callable, tuple[str, ...]] = {}  # view function -> its free-text fields


def keeps_typed_text(*fields: str) -> Callable:
    """Mark a view whose free-text ``fields`` come back on the 503 page if the database fails while it runs.
    Put it right under the route decorator."""

    def mark(view: Callable) -> Callable:
        _TYPED_FIELDS[view] = fields
        return view

    return mark


def typed_text() -> str:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    fields = _TYPED_FIELDS.get(view, ()) if view is not None and request.method == "POST" else ()
    return "\n\n".join(value.strip() for value in (request.form.get(field) or "" for field in fields) if value.strip())


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | PoolTimeout) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def render_error(status: int, texts: tuple | None = None, typed: str = "", error: BaseException | None = None):
    with suppress(SQLAlchemyError):  # the database may be what failed; the page must still be shown
        db.session.rollback()
    # A machine-facing part (the JSON API) answers in its own format: it registers the hook, core knows no more.
    for machine_errors in current_app.extensions.get("portal_machine_errors", ()):
        answer = machine_errors(status, error)
        if answer is not None:
            return answer
    title, message = texts or ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    page = render_template("errors/error.html", status=status, title=title, message=message, typed=typed)
    return page, status


def database_unavailable(error: BaseException):
    # The exception's text holds no parameters (hide_parameters), but the statement may be long: log the kind.
    current_app.logger.error("database unavailable: %s", type(getattr(error, "orig", error) or error).__name__)
    return render_error(503, typed=typed_text())


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, CSRF_TEXT, error=error)

    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(PoolTimeout, database_unavailable)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        original = error.original_exception if isinstance(error, InternalServerError) else None
        if original is not None and is_database_unavailable(original):
            return database_unavailable(original)  # failed while committing, after the view
        # Keep the real status (a 409 stays a 409); codes without their own words borrow the 400's or 500's.
        assert error.code is not None  # Flask returns an HTTPException without a code as it is, unhandled
        fallback = ERROR_TEXTS[400] if error.code < 500 else ERROR_TEXTS[500]
        return render_error(error.code, ERROR_TEXTS.get(error.code, fallback), error=error)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if is_database_unavailable(error):
            return database_unavailable(error)
        app.logger.exception("unhandled error")
        return render_error(InternalServerError.code)
