"""``url_for`` in templates, with each address built once per process instead of once per link.

A list page prints a link on every row and the staff navigation a dozen more: Werkzeug builds each in 15 to 35 µs,
about a millisecond of a list page (issue 17's profile). An address is a pure function of what this key holds —
the endpoint, its values, and what Flask reads from the request to build it: the script root (a portal served
under a path prefix), the blueprint (for ``.endpoint``) and the page's locale (``add_locale`` in core/setup.py
fills in ``<locale>``; it is the only ``url_defaults`` of the portal). Anything else, an absolute address
(``_external``, ``_scheme``), an anchor or a list of values, goes to Flask's ``url_for`` every time.

The memo lives on the application, bounded, so two applications (tests make many) never share addresses.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask import url_for as flask_url_for

_LIMIT = 20_000  # addresses kept per process; reaching it starts again from empty (a list page holds 50)


def memo_url_for(endpoint: str, **values) -> str:
    if not has_request_context() or any(key[:1] == "_" for key in values):
        return flask_url_for(endpoint, **values)
    try:
        # The type is part of the key: 1 and True are equal keys but print as "1" and "True".
        key = (
            request.script_root,
            request.blueprint if endpoint[:1] == "." else None,
            g.get("locale"),
            endpoint,
            tuple((name, type(value), value) for name, value in values.items()),
        )
        memo: dict = current_app.extensions["portal_urls"]
        address = memo.get(key)
    except TypeError:  # a value that cannot be a key (a list): build it every time
        return flask_url_for(endpoint, **values)
    if address is None:
        address = flask_url_for(endpoint, **values)
        if len(memo) >= _LIMIT:
            memo.clear()
        memo[key] = address
    return address


def init_app(app: Flask) -> None:
    app.extensions["portal_urls"] = {}
    app.jinja_env.globals["url_for"] = memo_url_for
