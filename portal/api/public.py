"""The public endpoints: the register, statistics, published decisions and registered sites, for anyone.

No token is needed; a token sent along must be valid and carry ``public:read`` (a client that sends a broken token
wants to hear so, not to be served as a stranger). Every answer is read through the same modules as the public
pages (``transparency/queries.py`` decides what is public, ``transparency/opendata.py`` turns a case into a dict,
``transparency/statistics.py`` keeps the suppressed figures), so the API cannot show what the pages do not.

Every answer here depends only on its address and the register's version (``queries.register_version``: the newest
audit entry of a signal that can change public data, registry changes included). So each carries an ETag and
Last-Modified from that version (a 304 for a client that has it) and its JSON is built once per process, address and
version (``core/page_cache.py``), like the register pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import Response, abort, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from sqlalchemy import select

from portal.api import public_schemas as s
from portal.api.schemas import problems
from portal.api.tokens import Scope, current_token
from portal.cases.loading import REFERENCE
from portal.cases.models import Case
from portal.core.page_cache import cached_page
from portal.extensions import db
from portal.organisations.models import SupplyChainEntity
from portal.registry.queries import RegistryFilters
from portal.registry.queries import entities as registry_entities
from portal.transparency import queries, statistics
from portal.transparency.opendata import case_json, site_json, url_maker
from portal.transparency.suppression import THRESHOLD

api_public = Blueprint(
    "api_public", __name__, url_prefix="/api/v1", description="Public data: no token needed (public:read accepted)"
)

OPTIONAL_TOKEN: list[dict] = [{}, {"token": []}]
BAD_CURSOR = _l("The cursor is not one this API gave out; start again without it.")


def public(view: Callable) -> Callable:
    """Anyone may call the view; a token, if sent, must be usable and carry public:read."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = current_token()  # 401 for a token that is unknown, revoked or expired
        if token is not None and Scope.PUBLIC_READ not in token.scope_set:
            abort(403, _l("This token does not have the scope %(scope)s.", scope=Scope.PUBLIC_READ.value))
        return view(*args, **kwargs)

    return wrapped


def conditional(build: Callable[[], Any]) -> Response:
    """The JSON of ``build()``, with ETag/Last-Modified of the register's version; 304 when the client has it."""
    version, changed_at = queries.register_version()
    body = cached_page(
        lambda: json.dumps(build(), ensure_ascii=False, separators=(",", ":")),
        version=lambda: (version, changed_at),  # with the time: SQLite may give a deleted audit id out again
        by_address=True,
    )
    response = Response(body, mimetype="application/json")
    response.set_etag(f"v{version}-{int(changed_at.timestamp() * 1000)}")
    response.last_modified = changed_at
    # The same for every client and nothing personal: caches may keep it but must ask again (a 304 is cheap).
    response.headers["Cache-Control"] = "public, no-cache"
    return response.make_conditional(request)


# --- cursors: the last ordering key seen, base64url; opaque to clients ---------------------------------------------


def encode_cursor(*key: object) -> str:
    return base64.urlsafe_b64encode("|".join(str(part) for part in key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, parts: int) -> list[str]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        abort(422, BAD_CURSOR)
    found = text.split("|")
    if len(found) != parts:
        abort(422, BAD_CURSOR)
    return found


def id_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    (value,) = decode_cursor(cursor, 1)
    if not (value.isdigit() and 0 < len(value) < 11 and int(value) < 2**31):
        abort(422, BAD_CURSOR)
    return int(value)


# --- the register -------------------------------------------------------------------------------------------------


@api_public.route("/register")
@api_public.doc(security=OPTIONAL_TOKEN)
@api_public.arguments(s.RegisterQuerySchema, location="query", as_kwargs=True)
@api_public.response(200, s.RegisterPageSchema)
@problems(api_public, 400, 401, 403, 422, 429)
@public
def register_list(limit: int, cursor: str | None = None, **_filters):
    """The public register, newest first, with the register page's filters."""
    before = id_cursor(cursor)
    # The page's own reading of its filters (validated above): one interpretation for the page and the API.
    filters = queries.RegisterFilters.from_args(request.args)

    def build() -> dict:
        rows, next_before = queries.listing(filters, before, size=limit)
        cases = db.session.scalars(select(Case).where(Case.id.in_([row.id for row in rows])).order_by(Case.id.desc()))
        url = url_maker()
        return {
            "licence": "CC-BY-4.0",
            "cases": [case_json(record, url) for record in queries.records(list(cases))],
            "next_cursor": encode_cursor(next_before) if next_before else None,
        }

    return conditional(build)


@api_public.route("/register/<reference>")
@api_public.doc(security=OPTIONAL_TOKEN)
@api_public.response(200, s.CaseDetailSchema)
@problems(api_public, 400, 401, 403, 404, 429)
@public
def register_case(reference: str):
    """One listed case; 404 when it is not public (not admitted, opted out, flagged, withdrawn, or unknown)."""
    if not REFERENCE.fullmatch(reference):
        abort(404, _l("No public case has this reference."))

    def build() -> dict:
        record = queries.public_record(reference)
        if record is None:
            abort(404, _l("No public case has this reference."))  # an exception: never cached
        return {**case_json(record, url_maker()), "related": record.related}

    return conditional(build)


# --- statistics ---------------------------------------------------------------------------------------------------

RULE = (
    "A count from 1 to {low} is never published (suppressed: true, no value); zero is published. Where a hidden "
    "count could be worked out from its breakdown's total, the next-smallest count (or the total) is hidden too. "
    "Medians and shares from fewer than {threshold} cases are suppressed as well."
)
# (name in the figures, unit); the figures are lists of [key..., value] rows
TABLES = (
    ("years", "cases"),
    ("quarters", "cases"),
    ("categories", "cases"),
    ("commodities", "cases"),
    ("countries", "cases"),
    ("funnel", "cases"),
    ("stage_days", "days"),
    ("clocks", "percent"),
    ("outcomes", "cases"),
    ("remedies", "cases"),
)


def cell(keys: list, value: float | None) -> dict:
    """A suppressed figure carries the marker only: its value never leaves the snapshot (which holds None)."""
    return {"keys": keys, "suppressed": True} if value is None else {"keys": keys, "suppressed": False, "value": value}


def statistics_json(found: dict) -> dict:
    tables = [
        {"name": name, "unit": unit, "rows": [cell(row[:-1], row[-1]) for row in found[name]]} for name, unit in TABLES
    ]
    tables.append(
        {
            "name": "implementation_checked",
            "unit": "commitments",
            "rows": [cell([checkpoint], total) for checkpoint, total, _ in found["implementation"]],
        }
    )
    tables.append(
        {
            "name": "implementation_status",
            "unit": "commitments",
            "rows": [
                cell([checkpoint, status], value)
                for checkpoint, _, statuses in found["implementation"]
                for status, value in statuses
            ],
        }
    )
    return {
        "version": found["version"],
        "built_at": found["built_at"],
        "threshold": THRESHOLD,
        "rule": RULE.format(low=THRESHOLD - 1, threshold=THRESHOLD),
        "total": cell([], found["total"]),
        "decided": cell([], found["decided"]),
        "tables": tables,
    }


@api_public.route("/statistics")
@api_public.doc(security=OPTIONAL_TOKEN)
@api_public.response(200, s.StatisticsSchema)
@problems(api_public, 400, 401, 403, 429)
@public
def statistics_figures():
    """The statistics page's figures, small counts suppressed, from the same snapshot."""
    return conditional(lambda: statistics_json(statistics.figures()))


# --- decisions and sites ------------------------------------------------------------------------------------------


@api_public.route("/decisions")
@api_public.doc(security=OPTIONAL_TOKEN)
@api_public.arguments(s.PageQuerySchema, location="query", as_kwargs=True)
@api_public.response(200, s.DecisionPageSchema)
@problems(api_public, 400, 401, 403, 422, 429)
@public
def decisions(limit: int, cursor: str | None = None):
    """Published decision summaries of listed cases, newest first."""
    after = None
    if cursor is not None:
        at, last_id = decode_cursor(cursor, 2)
        try:
            after = (datetime.fromisoformat(at), int(last_id))
        except ValueError:
            abort(422, BAD_CURSOR)
        if after[0].tzinfo is None or not 0 < after[1] < 2**31:
            abort(422, BAD_CURSOR)

    def build() -> dict:
        found = queries.published_decisions(limit + 1, after)
        url = url_maker()
        items = [
            {
                "reference": reference,
                "url": url(reference),
                "published_at": publication.published_at.isoformat() if publication.published_at else None,
                "summary": dict(publication.published_texts or {}),
            }
            for reference, publication in found[:limit]
        ]
        last = found[limit - 1][1] if len(found) > limit else None
        next_cursor = encode_cursor(last.published_at.isoformat(), last.id) if last and last.published_at else None
        return {"decisions": items, "next_cursor": next_cursor}

    return conditional(build)


@api_public.route("/entities")
@api_public.doc(security=OPTIONAL_TOKEN)
@api_public.arguments(s.EntityQuerySchema, location="query", as_kwargs=True)
@api_public.response(200, s.EntityPageSchema)
@problems(api_public, 400, 401, 403, 422, 429)
@public
def entity_list(limit: int, cursor: str | None = None, kind: str | None = None, country: str | None = None):
    """Registered supply-chain sites and their identifiers, by id."""
    after = id_cursor(cursor)
    # The registry's own filters; paged by id (the registry's pages sort by name, a cursor wants a unique key).
    query = registry_entities(RegistryFilters(kind=kind, country=country.upper() if country else None)).order_by(None)
    if after is not None:
        query = query.where(SupplyChainEntity.id > after)

    def build() -> dict:
        found = list(db.session.scalars(query.order_by(SupplyChainEntity.id).limit(limit + 1)))
        more = len(found) > limit
        return {
            "entities": [{"id": site.id, **site_json(site)} for site in found[:limit]],
            "next_cursor": encode_cursor(found[limit - 1].id) if more else None,
        }

    return conditional(build)


@api_public.route("/entities/<int:entity_id>")
@api_public.doc(security=OPTIONAL_TOKEN)
@api_public.response(200, s.EntitySchema)
@problems(api_public, 400, 401, 403, 404, 429)
@public
def entity(entity_id: int):
    """One registered site."""

    def build() -> dict:
        site = db.session.get(SupplyChainEntity, entity_id) if entity_id < 2**31 else None
        if site is None:
            abort(404, _l("No registered site has this id."))
        return {"id": site.id, **site_json(site)}

    return conditional(build)
