"""The public register, open data, the complainant's register choice and the staff publication controls (§7).

Every public read goes through ``queries``; every change through ``operations``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_skeleton
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale, gettext
from flask_login import current_user
from markupsafe import Markup, escape

from portal.cases import access
from portal.cases.committee import Decision
from portal.cases.labels import (
    CATEGORIES,
    COMMITMENT_STATUSES,
    COMMODITIES,
    DECISION_KINDS,
    FILER_TYPES,
    OUTCOMES,
)
from portal.cases.loading import REFERENCE, with_case
from portal.cases.models import Case
from portal.cases.views import render_case
from portal.core.auth import staff_required
from portal.core.i18n import countries, words
from portal.core.page_cache import cached_page
from portal.core.roles import CASE_STAFF
from portal.core.routing import locale_blueprint
from portal.core.security import mark_public_page
from portal.extensions import db
from portal.intake import holder
from portal.organisations.models import SupplyChainEntity
from portal.transparency import labels, operations, queries, statistics
from portal.transparency.forms import ConfirmForm, DraftForm, RegisterChoiceForm
from portal.transparency.models import Publication, PublicItem, can_approve, can_draft, can_release, can_withdraw
from portal.transparency.opendata import as_csv_rows, as_json, atom_feed

register = locale_blueprint("register", __name__)
open_data = Blueprint("open_data", __name__, url_prefix="/open-data")
publication = Blueprint("publication", __name__, url_prefix="/staff")

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


@register.app_template_filter("monthformat")
def monthformat(value: date | datetime | None) -> str:
    """A date to the month, in the reader's language ("November 2026"): the precision of small sites' dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return _month(value.replace(day=1), str(get_locale()))


@lru_cache(maxsize=4096)
def _month(value: date, locale_code: str) -> str:
    return format_skeleton("yMMMM", value, locale=Locale.parse(locale_code))


# --- the public register ------------------------------------------------------------------------------------------


@register.get("/register")
def register_list():
    # The same bytes for everyone until something public changes: kept per address and register version.
    return cached_page(_register_list, version=queries.register_version, by_address=True)


def _register_list() -> str:
    filters = queries.RegisterFilters.from_args(request.args)
    before = request.args.get("before", "")
    rows, next_before = queries.listing(filters, int(before) if before.isdigit() and len(before) < 10 else None)
    locale = str(get_locale())
    entities = tuple(SupplyChainEntity.choices())
    return render_template(
        "transparency/list.html",
        rows=rows,
        filters=filters,
        next_args={**filters.as_args(), "before": next_before} if next_before else None,
        first_args=filters.as_args() if before else None,
        stages=labels.STAGES,
        categories=CATEGORIES,
        commodities=COMMODITIES,
        outcomes=OUTCOMES,
        options={
            "stage": _options(locale, "stage", filters.stage, tuple(words(labels.STAGES).items())),
            "category": _options(locale, "category", filters.category, tuple(words(CATEGORIES).items())),
            "commodity": _options(locale, "commodity", filters.commodity, tuple(words(COMMODITIES).items())),
            "country": _options(locale, "country", filters.country, countries(locale)),
            "entity": _options(locale, "entity", str(filters.entity or ""), entities),
            "outcome": _options(locale, "outcome", filters.outcome, tuple(words(OUTCOMES).items())),
        },
    )


@lru_cache(maxsize=2048)
def _options(locale: str, name: str, selected: str | None, pairs: tuple) -> Markup:
    """A filter's <option> list, built once per language, list and selection (250 countries per request was most
    of the page's time). The "any" option comes first."""
    any_label = escape(gettext("Any"))
    items = [Markup('<option value="">{}</option>').format(any_label)]
    for value, text in pairs:
        mark = " selected" if str(value) == (selected or "") else ""
        items.append(Markup('<option value="{}"{}>{}</option>').format(value, Markup(mark), text))
    return Markup("").join(items)


@register.get("/register/<reference>")
def register_case(reference: str):
    if not REFERENCE.fullmatch(reference):
        abort(404)
    return cached_page(lambda: _register_case(reference), version=queries.register_version, by_address=True)


def _register_case(reference: str) -> str:
    record = queries.public_record(reference)
    if record is None:
        abort(404)  # not cached: an HTTPException leaves before the page is kept
    return render_template(
        "transparency/case.html",
        record=record,
        stages=labels.STAGES,
        categories=CATEGORIES,
        commodities=COMMODITIES,
        outcomes=OUTCOMES,
        filer_types=FILER_TYPES,
        decision_kinds=DECISION_KINDS,
        remedy_types=labels.REMEDY_TYPES,
        commitment_statuses=COMMITMENT_STATUSES,
    )


@register.get("/statistics")
def statistics_page():
    return statistics.page()


@register.get("/open-data")
def data_dictionary():
    return render_template("transparency/open_data.html", fields=labels.DICTIONARY, licence_url=LICENCE_URL)


@register.post("/follow-up/register")
def register_choice():
    """The receipt holder changes their choice; the snippet ``transparency/_register_choice.html`` posts here."""
    case = holder.current_case()
    if case is None:
        return redirect(url_for("intake.follow_up"))
    form = RegisterChoiceForm()
    if form.validate_on_submit():
        operations.set_register_choice(case, form.listed.data == "yes")
        flash(labels.CHOICE_SAVED[form.listed.data])
    return redirect(url_for("intake.my_case") + "#register-choice")


# --- open data ----------------------------------------------------------------------------------------------------


def _conditional(kind: str, mimetype: str, build: Callable[[], bytes]) -> Response:
    """ETag and Last-Modified from the register's version: a mirror that has it gets 304 and no body is built.
    The body is built once per version and process (kept on the app: tests run several apps in one process)."""
    version, changed_at = queries.register_version()
    etag = f"{kind}-{version}-{int(changed_at.timestamp() * 1000)}"
    response = Response(mimetype=mimetype)
    response.set_etag(etag)
    response.last_modified = changed_at
    response.headers["Link"] = f'<{LICENCE_URL}>; rel="license"'
    # The same for every visitor and nothing personal: caches may keep it but must ask again each time (a 304 is
    # cheap), so a withdrawn text leaves every mirror at its next request. A signed-in session still gets no-store.
    mark_public_page()
    response.headers["Cache-Control"] = "public, no-cache"
    if _not_modified(etag, changed_at):
        response.status_code = 304
        return response
    bodies: dict[str, bytes] = current_app.extensions.setdefault("register_open_data", {})
    if etag not in bodies:
        for stale in [key for key in bodies if not key.endswith(etag.split("-", 1)[1])]:
            del bodies[stale]  # older versions are never asked for again
        bodies[etag] = build()
    response.set_data(bodies[etag])
    return response


def _not_modified(etag: str, changed_at: datetime) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return parsedate_to_datetime(since) >= changed_at.replace(microsecond=0)
        except (TypeError, ValueError):
            return False
    return False


@open_data.get("/register.csv")
def register_csv():
    def build() -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        for row in as_csv_rows(queries.all_records()):
            writer.writerow(row)
        return out.getvalue().encode()

    return _conditional("csv", "text/csv", build)


@open_data.get("/register.json")
def register_json():
    def build() -> bytes:
        data = as_json(queries.all_records(), LICENCE_URL)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    return _conditional("json", "application/json", build)


@open_data.get("/decisions.atom")
def decisions_atom():
    def build() -> bytes:
        with force_locale("en"):
            return atom_feed(queries.published_decisions(), LICENCE_URL).encode()

    return _conditional("atom", "application/atom+xml", build)


# --- the staff controls -------------------------------------------------------------------------------------------


@publication.app_template_global()
def publication_panel(case: Case, decisions: list[Decision] | None = None) -> dict:
    """What the staff case page's publication section shows (``transparency/_staff_publication.html``); the page
    passes the case's decisions it has already read, in id order."""
    if decisions is None:
        stmt = db.select(Decision).where(Decision.case_id == case.id).order_by(Decision.id)
        decisions = list(db.session.scalars(stmt))
    # All the case's publications in one query (not one per decision), found as ``operations.publication_for`` does.
    publications = list(db.session.scalars(db.select(Publication).where(Publication.case_id == case.id)))
    summary = next((p for p in publications if p.item == PublicItem.CASE_SUMMARY), None)
    by_decision = {p.decision_id: p for p in publications if p.decision_id is not None}
    items = [(None, summary)] + [(decision, by_decision.get(decision.id)) for decision in decisions]
    failed = g.get("publication_failed")
    return {
        "listed": queries.is_public(case.id),
        "flagged": queries.is_flagged(case),
        "items": items,
        "can_draft": can_draft(current_user) and access.can_manage(case, current_user),
        "can_approve": can_approve(current_user),
        "can_withdraw": can_withdraw(current_user),
        "can_release": can_release(current_user) and access.can_manage(case, current_user),
        "draft_form": lambda item, publication: (
            failed[1]
            if failed is not None and failed[0] == item
            else DraftForm(
                prefix=item,
                formdata=None,
                locale=str(get_locale()),
                text=((publication.draft or {}).get(str(get_locale()), "") if publication else ""),
            )
        ),
        "confirm_form": ConfirmForm(formdata=None),
        "statuses": labels.PUBLICATION_STATUSES,
        "decision_kinds": DECISION_KINDS,
    }


def _back(case: Case):
    return redirect(url_for("staff.case_page", reference=case.reference) + "#publication")


def _run(case: Case, apply: Callable[[], object]):
    try:
        apply()
    except operations.PublicationRefused as refused:
        flash(str(labels.REFUSALS[refused.reason]))
        return render_case(case, 409)
    return _back(case)


def _publication_of(case: Case, publication_id: int) -> Publication:
    found = db.session.get(Publication, publication_id)
    if found is None or found.case_id != case.id:
        abort(404)
    return found


def _decision_of(case: Case, item: str) -> Decision | None:
    """``summary`` is the case's summary; ``decision-<id>`` a decision of this case; anything else is 404."""
    if item == "summary":
        return None
    number = item.removeprefix("decision-")
    decision = db.session.get(Decision, int(number)) if number.isdigit() and len(number) < 10 else None
    if decision is None or decision.case_id != case.id:
        abort(404)
    return decision


@publication.post("/cases/<reference>/publication/<item>/draft")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def draft(case: Case, item: str):
    decision = _decision_of(case, item)
    form = DraftForm(prefix=item)
    if not form.validate_on_submit():
        g.publication_failed = (item, form)
        return render_case(case, 400)
    text = form.text.data or ""
    return _run(case, lambda: operations.draft_text(case, current_user, form.locale.data, text, decision))


@publication.post("/cases/<reference>/publication/<int:publication_id>/approve")
@staff_required(CASE_STAFF)
@with_case()
def approve(case: Case, publication_id: int):
    ConfirmForm().validate_on_submit()  # CSRF is checked globally
    found = _publication_of(case, publication_id)
    return _run(case, lambda: operations.approve(case, found, current_user))


@publication.post("/cases/<reference>/publication/<int:publication_id>/withdraw")
@staff_required(CASE_STAFF)
@with_case()
def withdraw(case: Case, publication_id: int):
    found = _publication_of(case, publication_id)
    return _run(case, lambda: operations.withdraw(case, found, current_user))


@publication.post("/cases/<reference>/publication/release")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def release(case: Case):
    form = ConfirmForm()
    form.validate_on_submit()
    return _run(case, lambda: operations.set_released(case, current_user, form.value.data == "1"))
