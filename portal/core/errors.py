"""Friendly error pages in the visitor's language; nothing leaks a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
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


def render_error(status: int, texts: tuple | None = None):
    db.session.rollback()
    title, message = texts or ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, CSRF_TEXT)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Keep the real status (a 409 stays a 409); codes without their own words borrow the 400's or 500's.
        assert error.code is not None  # Flask returns an HTTPException without a code as it is, unhandled
        fallback = ERROR_TEXTS[400] if error.code < 500 else ERROR_TEXTS[500]
        return render_error(error.code, ERROR_TEXTS.get(error.code, fallback))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        return render_error(InternalServerError.code)
