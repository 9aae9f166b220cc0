"""The case list as CSV: the rows of the current (filtered) list, the columns the list shows, nothing more.

Only what every reader of the list may see is written (no description, no identity, no place, no summary); the
rows are the list's own query, so ``access.visible_cases`` already leaves out a case the reader is recused from.
The file is streamed in chunks (memory stays flat at 100,000 rows); each chunk's tags, categories and officers are
read in one query each. The export is audited (``cases_exported``) before the first byte leaves.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, select

from portal.cases import labels, tags
from portal.cases.models import CaseCategory
from portal.core.i18n import country_name, words
from portal.extensions import db
from portal.users.models import User

CHUNK = 500
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A spreadsheet never runs a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


def rows(query: Select, locale: str, tag_labels: dict[int, str]) -> Iterator[str]:
    """The CSV, a line at a time (a header first). It runs after the request's commit, so it is given plain
    values (``tag_labels``), never objects loaded before."""
    states, commodities = words(labels.STATE_NAMES), words(labels.COMMODITIES)
    categories_named = words(labels.CATEGORIES)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(
        [
            _("Reference"),
            _("State"),
            _("Urgent"),
            _("Category"),
            _("Country"),
            _("Metal or mineral"),
            _("Filed"),
            _("Next deadline"),
            _("Case officer"),
            _("Tags"),
        ]
    )
    yield "\ufeff" + flush()  # a byte-order mark, so spreadsheets read the UTF-8 names right
    offset = 0
    while True:
        chunk = list(db.session.scalars(query.limit(CHUNK).offset(offset)))
        if not chunk:
            break
        ids = [case.id for case in chunk]
        case_tags = tags.tags_of(ids)
        case_categories: dict[int, list[str]] = {}
        for case_id, category in db.session.execute(
            select(CaseCategory.case_id, CaseCategory.category).where(CaseCategory.case_id.in_(ids))
        ):
            case_categories.setdefault(case_id, []).append(str(categories_named.get(category, category)))
        officer_ids = {case.assigned_officer_id for case in chunk if case.assigned_officer_id}
        officers = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(officer_ids))).all())
        for case in chunk:
            writer.writerow(
                [
                    _cell(case.reference),
                    _cell(states.get(case.state, case.state)),
                    _("Yes") if case.urgent and case.is_open else "",
                    _cell("; ".join(sorted(case_categories.get(case.id, [])))),
                    _cell(country_name(case.country, locale)),
                    _cell(commodities.get(case.commodity, case.commodity)),
                    _day(case.created_at),
                    _day(case.next_due_at),
                    _cell(officers.get(case.assigned_officer_id, "")),
                    _cell(
                        "; ".join(tag_labels[tag_id] for tag_id in case_tags.get(case.id, []) if tag_id in tag_labels)
                    ),
                ]
            )
        yield flush()
        for case in chunk:  # written: memory stays flat
            db.session.expunge(case)
        offset += CHUNK
