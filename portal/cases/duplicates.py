"""Duplicate suggestions: a new grievance that may tell the same events as an open case (docs/architecture.md §3).

**When.** ``suggest(case)`` runs when a case is filed (``case_submitted``) and when its respondent or sites change
(``case_linked``; in a request right after its commit, see ``cases/receivers.py``), and stores
``DuplicateSuggestion`` rows (score and reason keys, never text). The case page reads them in one query; nothing
is compared per request.

**Candidates.** At most ``DUPLICATE_CANDIDATES`` open cases: every open case naming one of its sites or its
respondent, then the newest open cases of the same country filed within ``DUPLICATE_LOOKBACK_DAYS`` (the
``(country, id)`` index); read as plain columns in three queries, the two texts decrypted once each.

**Score** (0..100, in memory; the descriptions and places are decrypted for the comparison only and never stored
or logged, not even as tokens): the text (up to 50: the Sørensen-Dice coefficient of the two descriptions'
character trigrams after case folding and collapsing punctuation, bigrams for a text written without spaces such as
Chinese: it works in every script and needs no word lists);
a shared site (20) or else the same respondent (10); shared categories (up to 10, by their Jaccard index); incident
dates within a week (10) or a month (5); places alike (up to 10, the same measure). A pair scoring at least
``DUPLICATE_MIN_SCORE`` is suggested; the case keeps its ``DUPLICATE_MAX_SUGGESTIONS`` best.

**Dismissing** a suggestion (``dismiss``) keeps the row, marked dismissed and audited (``duplicate_dismissed``):
that pair is never suggested again. Merging goes through the ordinary ``merge`` action (§3); the merged case is
final, so the suggestion no longer shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import NamedTuple

from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import aliased

from portal.cases.access import visible_cases
from portal.cases.alert_models import DuplicateReason, DuplicateSuggestion, SuggestionStatus
from portal.cases.models import Case, CaseCategory, CaseEntity
from portal.cases.refusals import CaseworkRefused
from portal.cases.workflow import FINAL_STATES
from portal.core import signals
from portal.core.crypto import decrypt_text
from portal.core.db import utcnow
from portal.extensions import db
from portal.users.models import User

TEXT_LIMIT = 1500  # characters of a description compared: enough to recognise it, bounded in time
_NOT_WORD = re.compile(r"[\W_]+")


def shingles(text: str | None) -> frozenset[str]:
    """The text's character trigrams after case folding and collapsing punctuation and spaces; for a text written
    without spaces between words (Chinese), its bigrams, since each character carries a word's weight there."""
    normal = _NOT_WORD.sub(" ", (text or "")[:TEXT_LIMIT].casefold()).strip()
    if not normal:
        return frozenset()
    spaced = normal.count(" ") * 20 >= len(normal)
    normal = f" {normal} "
    if spaced:
        return frozenset(map("".join, zip(normal, normal[1:], normal[2:], strict=False)))
    return frozenset(map("".join, pairwise(normal)))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


@dataclass(frozen=True)
class Scored:
    other_id: int
    score: int
    reasons: tuple[str, ...]


@dataclass
class Profile:
    """What one case is compared on: plain columns, and its texts as shingle sets that live only while comparing."""

    id: int
    text: frozenset[str]
    place: frozenset[str]
    respondent_id: int | None
    incident_date: date | None
    sites: set[int] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)


def profile_of(case: Case) -> Profile:
    return Profile(
        case.id,
        shingles(case.description),
        shingles(case.place),
        case.respondent_organisation_id,
        case.incident_date,
        case.entity_ids,
        set(case.categories),
    )


def score_pair(new: Profile, old: Profile) -> Scored:
    parts: list[tuple[float, str]] = []
    text = dice(new.text, old.text)
    parts.append((50 * text, DuplicateReason.TEXT if text >= 0.4 else ""))
    if new.sites & old.sites:
        parts.append((20, DuplicateReason.SITE))
    elif new.respondent_id and new.respondent_id == old.respondent_id:
        parts.append((10, DuplicateReason.RESPONDENT))
    if new.categories & old.categories:
        shared = len(new.categories & old.categories) / len(new.categories | old.categories)
        parts.append((10 * shared, DuplicateReason.CATEGORY))
    if new.incident_date and old.incident_date:
        days = abs((new.incident_date - old.incident_date).days)
        if days <= 30:
            parts.append((10 if days <= 7 else 5, DuplicateReason.DATES))
    place = dice(new.place, old.place)
    if place >= 0.5:
        parts.append((10 * place, DuplicateReason.PLACE))
    ranked = sorted(parts, key=lambda part: -part[0])
    reasons = tuple(str(reason) for points, reason in ranked if reason and points > 0)
    return Scored(old.id, min(100, round(sum(points for points, _ in parts))), reasons)


def candidate_ids(case: Case) -> list[int]:
    """Open cases worth comparing with ``case``: the ones naming its sites or respondent, then the newest of its
    country filed within ``DUPLICATE_LOOKBACK_DAYS``; at most ``DUPLICATE_CANDIDATES``. Index lookups only."""
    config = current_app.config
    limit = config["DUPLICATE_CANDIDATES"]
    open_other = and_(Case.state.notin_(FINAL_STATES), Case.id != case.id)
    related: list[ColumnElement[bool]] = []
    if case.entity_ids:
        related.append(Case.id.in_(select(CaseEntity.case_id).where(CaseEntity.entity_id.in_(case.entity_ids))))
    if case.respondent_organisation_id:
        related.append(Case.respondent_organisation_id == case.respondent_organisation_id)
    ids: list[int] = []
    if related:
        ids += db.session.scalars(
            select(Case.id).where(open_other, or_(*related)).order_by(Case.id.desc()).limit(limit)
        )
    since = (case.created_at or utcnow()) - timedelta(days=config["DUPLICATE_LOOKBACK_DAYS"])
    ids += db.session.scalars(
        select(Case.id)
        .where(open_other, Case.country == case.country, Case.created_at >= since)
        .order_by(Case.id.desc())
        .limit(limit)
    )
    return list(dict.fromkeys(ids))[:limit]


def profiles(ids: list[int]) -> list[Profile]:
    """The candidates' profiles in three queries of plain columns (no ORM objects, no relationships)."""
    if not ids:
        return []
    rows = db.session.execute(
        select(
            Case.id,
            Case.description_encrypted,
            Case.place_encrypted,
            Case.respondent_organisation_id,
            Case.incident_date,
        ).where(Case.id.in_(ids))
    ).all()
    found = {
        row.id: Profile(
            row.id,
            shingles(decrypt_text(row.description_encrypted)),
            shingles(decrypt_text(row.place_encrypted)),
            row.respondent_organisation_id,
            row.incident_date,
        )
        for row in rows
    }
    for case_id, category in db.session.execute(
        select(CaseCategory.case_id, CaseCategory.category).where(CaseCategory.case_id.in_(ids))
    ):
        found[case_id].categories.add(category)
    for case_id, entity_id in db.session.execute(
        select(CaseEntity.case_id, CaseEntity.entity_id).where(CaseEntity.case_id.in_(ids))
    ):
        found[case_id].sites.add(entity_id)
    return list(found.values())


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def suggest(case: Case) -> list[DuplicateSuggestion]:
    """Compare ``case`` with its candidates and store its best pairs; a dismissed pair is never stored again."""
    if case.state in FINAL_STATES:
        return []
    config = current_app.config
    involving = or_(DuplicateSuggestion.first_case_id == case.id, DuplicateSuggestion.second_case_id == case.id)
    dismissed = {
        row.other(case.id)
        for row in db.session.scalars(
            select(DuplicateSuggestion).where(involving, DuplicateSuggestion.status == SuggestionStatus.DISMISSED)
        )
    }
    new = profile_of(case)
    scored = [score_pair(new, old) for old in profiles([i for i in candidate_ids(case) if i not in dismissed])]
    best = sorted(
        (item for item in scored if item.score >= config["DUPLICATE_MIN_SCORE"]),
        key=lambda item: (-item.score, -item.other_id),
    )[: config["DUPLICATE_MAX_SUGGESTIONS"]]
    # Writes last: the reads and the comparison above take no write lock (SQLite has one writer at a time).
    db.session.execute(
        delete(DuplicateSuggestion)
        .where(involving, DuplicateSuggestion.status == SuggestionStatus.SUGGESTED)
        .execution_options(synchronize_session=False)
    )
    rows = []
    for item in best:
        first, second = _pair(case.id, item.other_id)
        rows.append(
            DuplicateSuggestion(
                first_case_id=first, second_case_id=second, score=item.score, reasons=",".join(item.reasons)
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    return rows


# The other case of a pair. Made once: aliasing a mapper of eighty columns cost 19 ms, more than the rest of the
# duplicates panel, when it was made on every case page.
_OTHER = aliased(Case, flat=True)


class OtherCase(NamedTuple):
    """The other case of a suggestion, as the case page links it (not the whole case: eighty columns)."""

    id: int
    reference: str


def suggestions_for(case: Case, user: User) -> list[tuple[DuplicateSuggestion, OtherCase]]:
    """The open suggestions of ``case`` whose other case is still open and ``user`` may see, best first: one query
    for the pairs, one for which of those few cases ``user`` may see."""
    other = _OTHER
    involving = or_(
        and_(DuplicateSuggestion.first_case_id == case.id, DuplicateSuggestion.second_case_id == other.id),
        and_(DuplicateSuggestion.second_case_id == case.id, DuplicateSuggestion.first_case_id == other.id),
    )
    query = (
        select(DuplicateSuggestion, other.id, other.reference)
        .join(other, involving)
        .where(DuplicateSuggestion.status == SuggestionStatus.SUGGESTED, other.state.notin_(FINAL_STATES))
        .order_by(DuplicateSuggestion.score.desc(), DuplicateSuggestion.id)
    )
    rows = [(row[0], OtherCase(row[1], row[2])) for row in db.session.execute(query).all()]
    if not rows:
        return []
    ids = [found.id for _, found in rows]
    visible = set(db.session.scalars(select(Case.id).where(Case.id.in_(ids), visible_cases(user))))
    return [(suggestion, found) for suggestion, found in rows if found.id in visible]


def visible_suggestion(case: Case, suggestion_id: int, user: User) -> DuplicateSuggestion | None:
    """The suggestion, if it concerns ``case`` and its other case is one ``user`` may see."""
    for suggestion, _ in suggestions_for(case, user):
        if suggestion.id == suggestion_id:
            return suggestion
    return None


def dismiss(case: Case, suggestion: DuplicateSuggestion, actor: User) -> None:
    """Not the same grievance: kept as dismissed (never suggested again), audited."""
    if suggestion.status != SuggestionStatus.SUGGESTED:
        raise CaseworkRefused("suggestion_dismissed")
    suggestion.status = SuggestionStatus.DISMISSED
    suggestion.dismissed_at = utcnow()
    suggestion.dismissed_by_id = actor.id
    db.session.flush()
    signals.duplicate_dismissed.send(case, suggestion=suggestion, actor=actor)
