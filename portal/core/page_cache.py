"""Pages that are the same for every visitor in a locale are rendered once per process, not per request.

The landing, procedure and privacy pages, and the empty grievance form, depend only on the locale and on
settings read at start-up. A flashed message or a form with data bypasses the cache. The form's CSRF token is
the one per-visitor part: it is cut out when the page is cached and filled in on each request.

Why it never serves a stale page with several app servers (docs/architecture.md §10): what these pages are made of —
code, templates, catalogs, settings — is fixed for a process's life, and a deploy or a change of settings restarts
the workers, which empties their caches. The cache lives in the process on purpose: kept in the shared database or
Redis, a page rendered before a change would outlive the restart. A page that shows data from the database, which
another server may change at any moment, passes ``version``: a cheap query of that data's version (a counter, the
latest change's time), part of the key, so every server renders again as soon as the data has changed.

A page that differs by its address (the public register: its filters, its page, the case it shows) passes
``by_address=True``: the path and query string join the key. Those keys are many, so the cache keeps the most
recently used ``PAGE_CACHE_ENTRIES`` pages and forgets the rest (a visitor inventing addresses only evicts, never
grows memory).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, g, request, session
from flask_wtf import FlaskForm as Form
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import BooleanField, FileField, RadioField, SubmitField
from wtforms.fields.choices import SelectFieldBase

from portal.core.security import mark_public_page

TOKEN_SLOT = "\x00csrf-token\x00"


def _cache() -> OrderedDict:
    return current_app.extensions.setdefault("portal_page_cache", OrderedDict())


def cached_page(
    render: Callable[[], str],
    with_csrf: bool = False,
    version: Callable[[], object] | None = None,
    by_address: bool = False,
) -> str:
    """The page for this endpoint and locale (and address), rendered at most once per process and ``version()``."""
    if session.get("_flashes"):
        return render()
    csrf = with_csrf and current_app.config.get("WTF_CSRF_ENABLED", True)
    if not with_csrf:
        mark_public_page()  # the same bytes for everyone: cacheable (core/security.py)
    key: tuple = (request.endpoint, g.get("locale"))
    if by_address:
        key += (request.path, request.query_string)
    stamp = version() if version is not None else None  # read before rendering: the page is at least this new
    cache = _cache()
    cached_stamp, html = cache.get(key, (None, None))
    if html is not None:
        cache.move_to_end(key)  # recently used: kept longest
    if html is None or cached_stamp != stamp:
        html = render()
        if csrf:
            token = generate_csrf()  # the same token the form just rendered (cached for the request)
            if html.count(token) != 1:
                return html  # nothing we can safely personalise: do not cache
            html = html.replace(token, TOKEN_SLOT)
        _keep(cache, key, (stamp, html))  # a newer version replaces the older one: one page per key
    return html.replace(TOKEN_SLOT, generate_csrf()) if csrf else html


# --- fragments: a form's fields rendered once, per request only what is the visitor's own ---------------------------

# Fields whose value is a choice among the form's own options: the choice joins the key (a selected language is
# one of a few dozen variants). Any other field holding a value other than its default — typed words, a date, a
# hidden number — makes the fragment render afresh and never be kept: what a person typed stays out of memory.
CHOICE_FIELDS = (SelectFieldBase, RadioField, BooleanField)
NEVER_KEYED = (CSRFTokenField, SubmitField, FileField)


def cached_fragment(name: str, *forms: Form, caller: Callable[[], str]) -> Markup:
    """The template block inside ``{% call cached_fragment("name", form) %}…{% endcall %}``, rendered once per
    process, locale and choices of ``forms``, unless a form has errors or holds typed values. Whatever the block
    shows must come from ``forms`` (whose option lists are fixed, or keyed by ``choices_key``), the locale and
    settings only: write per-case parts (a form's action URL, a list of people) outside the block, and put anything
    else it depends on in ``name``."""
    choices: list = [name, g.get("locale")]
    for form in forms:
        if form.errors:
            return Markup(caller())
        for field in form:
            if isinstance(field, NEVER_KEYED):
                continue
            typed = field.data not in (None, "", []) and field.data != field.default  # a default is no one's words
            if typed and not isinstance(field, CHOICE_FIELDS):
                return Markup(caller())
            # Choices built per request carry ``choices_key`` (cases/forms.py); it tells which list was rendered.
            choices.append((field.name, repr(field.data), getattr(field, "choices_key", None)))
    key = ("fragment", *choices)
    cache = _cache()
    html = cache.get(key)
    if html is None:
        html = caller()
        token = generate_csrf() if "csrf_token" in html else None
        if token:
            if html.count(token) > 1 or TOKEN_SLOT in html:
                return Markup(html)
            html = html.replace(token, TOKEN_SLOT)
        _keep(cache, key, html)
    else:
        cache.move_to_end(key)
    return Markup(html.replace(TOKEN_SLOT, generate_csrf()) if TOKEN_SLOT in html else html)


def _keep(cache: OrderedDict, key: tuple, value) -> None:
    cache[key] = value
    while len(cache) > current_app.config.get("PAGE_CACHE_ENTRIES", 1024):
        cache.popitem(last=False)  # the least recently used
