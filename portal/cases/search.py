"""Finding a case: the "go to reference" box, the search behind it, and saved filters (docs/architecture.md §6).

What is searched, all of it through indexes, with one code path on SQLite and PostgreSQL:
- the reference (exact, or its year and number without the ``MC-``): the unique index;
- the sites (name, RMI id, OS ID, ISO 3166-2 region) and the respondent company (name, LEI): the registry's tables
  are small, so the matching ids are found there first, then the cases through ``case_entities`` and the
  respondent index;
- the place, as far as it is not encrypted: a country named in the reader's language (or its ISO code);
- the staff-written summary (``Case.staff_summary``, encrypted like every other text): a *blind index*. Each word's
  prefixes of three letters or more are stored as keyed hashes (``SearchTerm``), so the database can match a word
  without ever holding the summary in clear;
- tags, by their label in any locale.
Descriptions and everything the complainant wrote are never searched: they stay encrypted and are not indexed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import ForeignKey, Index, String, delete, distinct, func, insert, or_, select, union_all
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from portal.cases.loading import REFERENCE
from portal.cases.models import Case, CaseEntity
from portal.cases.refusals import CaseworkRefused
from portal.cases.tags import CaseTag, all_tags, can_tag
from portal.core import signals
from portal.core.db import CreatedAtMixin
from portal.core.forms import REQUIRED, MaxLength
from portal.core.i18n import countries
from portal.core.security import keyed_hash
from portal.extensions import db
from portal.organisations.models import Organisation, SupplyChainEntity
from portal.users.models import User

SUMMARY_MAX = 2000
QUERY_MAX = 100
PREFIX_MIN = 3
WORD_MAX = 24  # longer words are indexed by their first 24 letters
SAVED_MAX = 20  # saved filters per person
NUMBER = re.compile(r"\d{4}-\d{5,9}")


class SearchTerm(db.Model):
    """One keyed hash of a word prefix of a case's staff summary (the blind index)."""

    __tablename__ = "case_search_terms"

    term: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True)


class SavedFilter(CreatedAtMixin, db.Model):
    """A person's named filter of the case list: the query string, as the list's own URL has it."""

    __tablename__ = "saved_filters"
    __table_args__ = (Index("ix_saved_filters_user_id_name", "user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(1000))


def normalise(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: "Kolwézi  Dépôt" → "kolwezi depot"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def words(text: str) -> list[str]:
    return re.findall(r"\w+", normalise(text))


def _hash(term: str) -> str:
    return keyed_hash(term, "search")[:32]


def terms_of(text: str) -> set[str]:
    """The blind index of ``text``: every prefix of three letters or more of every word (a shorter word whole)."""
    found = set()
    for word in words(text):
        word = word[:WORD_MAX]
        if len(word) < PREFIX_MIN:
            found.add(_hash(word))
        for end in range(PREFIX_MIN, len(word) + 1):
            found.add(_hash(word[:end]))
    return found


def set_staff_summary(case: Case, text: str | None, actor: User) -> None:
    """The secretariat's own short summary of a case (encrypted; searchable through its blind index)."""
    if not can_tag(case, actor):  # the same people as tags: case staff who may see the case
        raise CaseworkRefused("recused")
    text = (text or "").strip()[:SUMMARY_MAX] or None
    case.staff_summary = text
    db.session.execute(delete(SearchTerm).where(SearchTerm.case_id == case.id))
    terms = terms_of(text or "")
    if terms:
        db.session.execute(insert(SearchTerm), [{"term": term, "case_id": case.id} for term in sorted(terms)])
    db.session.flush()
    signals.staff_summary_written.send(case, actor=actor)


@lru_cache(maxsize=16)
def _country_names(locale: str) -> tuple[tuple[str, str, str], ...]:
    """(code in lower case, code, normalised name) of every country in ``locale``: normalising some 250 names on
    every search was a tenth of its Python calls."""
    return tuple((code.lower(), code, normalise(name)) for code, name in countries(locale))


def reference_in(text: str) -> str | None:
    """The case reference ``text`` names exactly ("MC-2026-00042", "mc-2026-00042" or "2026-00042"), or None."""
    candidate = (text or "").strip().upper()
    if NUMBER.fullmatch(candidate):
        candidate = f"MC-{candidate}"
    return candidate if REFERENCE.fullmatch(candidate) else None


def matching(text: str, locale: str):
    """A WHERE clause for the cases ``text`` finds, or None when there is nothing to look for."""
    query = normalise(text)[:QUERY_MAX]
    if not query:
        return None
    found = []
    reference = reference_in(text)
    if reference:
        found.append(select(Case.id).where(Case.reference == reference))
    upper = query.upper()
    like = f"%{query}%"
    entities = select(SupplyChainEntity.id).where(
        or_(
            func.lower(SupplyChainEntity.name).like(like),
            SupplyChainEntity.rmi_id == upper,
            SupplyChainEntity.os_id == upper,
            SupplyChainEntity.region == upper,
        )
    )
    found.append(select(CaseEntity.case_id).where(CaseEntity.entity_id.in_(entities)))
    companies = select(Organisation.id).where(or_(func.lower(Organisation.name).like(like), Organisation.lei == upper))
    found.append(select(Case.id).where(Case.respondent_organisation_id.in_(companies)))
    tag_ids = [tag.id for tag in all_tags() if any(query in normalise(label) for label in tag.labels.values())]
    if tag_ids:
        found.append(select(CaseTag.case_id).where(CaseTag.tag_id.in_(tag_ids)))
    codes = [
        code
        for lower, code, name in _country_names(locale)
        if query == lower or (len(query) >= PREFIX_MIN and query in name)
    ]
    if codes:
        found.append(select(Case.id).where(Case.country.in_(codes)))
    hashes = {_hash(word[:WORD_MAX]) for word in words(query)}
    if hashes:
        found.append(
            select(SearchTerm.case_id)
            .where(SearchTerm.term.in_(sorted(hashes)))
            .group_by(SearchTerm.case_id)
            .having(func.count(distinct(SearchTerm.term)) == len(hashes))
        )
    return Case.id.in_(union_all(*found)) if len(found) > 1 else Case.id.in_(found[0])


def saved_filters(user: User) -> list[SavedFilter]:
    return list(
        db.session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id).order_by(SavedFilter.name))
    )


def save_filter(user: User, name: str, arguments: dict[str, str]) -> SavedFilter:
    """Save the list's current filters under ``name`` (the same name again replaces them)."""
    name = " ".join((name or "").split())[:80]
    if not name:
        raise CaseworkRefused("filter_name_required")
    query = urlencode(sorted((key, value) for key, value in arguments.items() if value and key != "page"))[:1000]
    saved = db.session.scalar(select(SavedFilter).where(SavedFilter.user_id == user.id, SavedFilter.name == name))
    if saved is None:
        if len(saved_filters(user)) >= SAVED_MAX:
            raise CaseworkRefused("too_many_filters")
        saved = SavedFilter(user_id=user.id, name=name, query=query)
        db.session.add(saved)
    saved.query = query
    db.session.flush()
    return saved


def delete_filter(user: User, filter_id: int) -> bool:
    """Delete one of ``user``'s own saved filters; someone else's is never touched."""
    result = db.session.execute(delete(SavedFilter).where(SavedFilter.id == filter_id, SavedFilter.user_id == user.id))
    return bool(result.rowcount)


class SavedFilterForm(FlaskForm):
    name = StringField(_l("Name of this filter"), validators=[DataRequired(REQUIRED), MaxLength(80)])


class StaffSummaryForm(FlaskForm):
    summary = TextAreaField(
        _l("Summary for finding this case"),
        description=_l("Staff only. A few words on what and where; never a name or anything that identifies someone."),
        validators=[MaxLength(SUMMARY_MAX)],
        render_kw={"rows": 2},
    )
