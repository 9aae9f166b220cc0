"""Theme trackers of an organisation (docs/architecture.md §4, "organisation"): the themes it follows, what each
member last read, and the changes in a theme since then.

A theme is any mix of category, commodity, country and registered site. What a tracker shows of cases the
organisation did not file is what the public register shows, read through ``portal/transparency/queries.py``
(``public_condition()``, ``RegisterFilters``, ``listing``): one rule for what is public, never a second one here.

Also here, beside the tracker tables, the per-member reading marks of the "Our cases" dashboard
(``OrgCaseRead``) and the weekly digest's record (``DigestSent``), and the indexes the dashboard's filters use.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from threading import Lock

from flask import current_app
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    and_,
    func,
    select,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from portal.cases.committee import Decision
from portal.cases.models import Case, Category, Commodity
from portal.cases.workflow import FINAL_STATES, DecisionKind
from portal.core.db import CreatedAtMixin, UTCDateTime, one_of, upsert, utcnow
from portal.extensions import db
from portal.transparency.queries import RegisterFilters, listing, public_condition, register_version

# The dashboard's filters, each with the organisation first (a member only ever lists their organisation's cases).
# Declared here, beside the other tables of the organisation's pages, so that the cases model stays untouched.
CASE_INDEXES = (
    Index("ix_cases_filed_by_organisation_id_state", Case.filed_by_organisation_id, Case.state),
    Index("ix_cases_filed_by_organisation_id_country", Case.filed_by_organisation_id, Case.country),
    Index("ix_cases_filed_by_organisation_id_commodity", Case.filed_by_organisation_id, Case.commodity),
    Index("ix_cases_filed_by_organisation_id_next_due_at", Case.filed_by_organisation_id, Case.next_due_at),
    Index("ix_cases_filed_by_organisation_id_id", Case.filed_by_organisation_id, Case.id),
)


class Tracker(CreatedAtMixin, db.Model):
    """A theme an organisation follows; every field left empty means "any"."""

    __tablename__ = "org_trackers"
    __table_args__ = (
        CheckConstraint(f"category IS NULL OR {one_of('category', Category)}", name="valid_category"),
        CheckConstraint(f"commodity IS NULL OR {one_of('commodity', Commodity)}", name="valid_commodity"),
        CheckConstraint("country IS NULL OR length(country) = 2", name="country_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str | None] = mapped_column(String(32))
    commodity: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(2))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("supply_chain_entities.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    entity = relationship("SupplyChainEntity", lazy="joined")

    @property
    def filters(self) -> RegisterFilters:
        """The theme as the public register's filters: the same SQL as the register's own lists."""
        return RegisterFilters(
            category=self.category, commodity=self.commodity, country=self.country, entity=self.entity_id
        )


class TrackerVisit(db.Model):
    """When a member last opened a tracker: its page lists the changes since."""

    __tablename__ = "org_tracker_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tracker_id: Mapped[int] = mapped_column(ForeignKey("org_trackers.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OrgCaseRead(db.Model):
    """How far a member has read a case's timeline (the newest entry id they were shown)."""

    __tablename__ = "org_case_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    last_entry_id: Mapped[int] = mapped_column(Integer, default=0)


class DigestSent(db.Model):
    """One weekly digest per member and ISO week: a second run in the same week sends nothing."""

    __tablename__ = "org_digests_sent"
    __table_args__ = (UniqueConstraint("user_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # ISO 8601 week, "2026-W49"
    week: Mapped[str] = mapped_column(String(8))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # How many changes it told of (0: nothing happened that week, and no mail was sent).
    changes: Mapped[int] = mapped_column(Integer, default=0)


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


# --- the changes in a theme ---------------------------------------------------------------------------------------


class ChangeKind:
    NEW = "new"  # a case in the theme became public (admitted)
    DECISION = "decision"  # a decision on the outcome, or on a review
    MISSED = "missed"  # a deadline of an open case ran out


@dataclass(frozen=True)
class Change:
    kind: str
    reference: str
    at: datetime


_DECISION = aliased(Decision)  # made once: an alias costs milliseconds to make


def changes_since(tracker: Tracker, since: datetime, now: datetime | None = None, limit: int = 50) -> list[Change]:
    """What changed in the theme's public cases between ``since`` and ``now``, newest first: two queries, whatever
    the number of cases."""
    now = now or utcnow()
    public = [public_condition(), *tracker.filters.conditions()]
    made = _DECISION  # the rule's own EXISTS on decisions must not correlate with this one
    decided = (
        select(Case.reference, made.kind, made.admissible, made.created_at)
        .join(Case, Case.id == made.case_id)
        .where(*public, made.created_at > since, made.created_at <= now)
        .order_by(made.created_at.desc())
        .limit(limit)
    )
    found: list[Change] = []
    for reference, kind, admissible, at in db.session.execute(decided):
        if kind == DecisionKind.ADMISSIBILITY:
            if admissible:
                found.append(Change(ChangeKind.NEW, reference, at))
        else:
            found.append(Change(ChangeKind.DECISION, reference, at))
    missed = (
        select(Case.reference, Case.next_due_at)
        .where(*public, Case.state.not_in(FINAL_STATES), Case.next_due_at > since, Case.next_due_at <= now)
        .order_by(Case.next_due_at.desc())
        .limit(limit)
    )
    found += [Change(ChangeKind.MISSED, reference, at) for reference, at in db.session.execute(missed)]
    return sorted(found, key=lambda change: change.at, reverse=True)[:limit]


def last_seen(user_id: int, tracker: Tracker) -> datetime | None:
    visit = db.session.get(TrackerVisit, (user_id, tracker.id))
    return visit.seen_at if visit else None


def mark_seen(user_id: int, tracker: Tracker, now: datetime) -> None:
    """One statement: a member opening the page twice at once (two tabs, a double click) made two first visits,
    and the second failed on the key (seen under load in the bench)."""
    db.session.execute(
        upsert(db.session, TrackerVisit)
        .values(user_id=user_id, tracker_id=tracker.id, seen_at=now)
        .on_conflict_do_update(index_elements=[TrackerVisit.user_id, TrackerVisit.tracker_id], set_={"seen_at": now})
    )


# --- counts over time ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthCount:
    month: str  # "2026-11"
    value: int


def _month_of_created() -> object:
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", Case.created_at), "YYYY-MM")
    return func.strftime("%Y-%m", Case.created_at)


def months_back(now: datetime, count: int) -> list[str]:
    year, month = now.year, now.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def monthly_counts(tracker: Tracker, now: datetime | None = None, months: int = 12) -> list[MonthCount]:
    """Public cases in the theme by the month they were received, over the last ``months`` months (one query)."""
    now = (now or utcnow()).astimezone(UTC)
    labels = months_back(now, months)
    start = datetime(int(labels[0][:4]), int(labels[0][5:]), 1, tzinfo=UTC)
    month = _month_of_created()
    stmt = (
        select(month, func.count())
        .select_from(Case)
        .where(and_(public_condition(), *tracker.filters.conditions()), Case.created_at >= start)
        .group_by(month)
    )
    counted = {key: value for key, value in db.session.execute(stmt)}
    return [MonthCount(label, counted.get(label, 0)) for label in labels]


# --- a theme's view, once per register version ----------------------------------------------------------------------

THEME_CACHE = "portal.theme_views"
THEME_CACHE_SIZE = 256  # themes kept per process; the least recently read goes first
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_THEME_LOCK = Lock()


@dataclass(frozen=True)
class ThemeView:
    """What every member of every organisation following a theme sees alike."""

    changes: list[Change]  # the newest 50 changes, whenever they happened
    counts: list[MonthCount]
    rows: list  # the register's first page of the theme
    next_before: int | None

    def changes_since(self, since: datetime, limit: int = 50) -> list[Change]:
        """The same as ``changes_since(tracker, since, now, limit)``: the newest changes after ``since`` are the
        ones among the newest changes of all that happened after it."""
        return [change for change in self.changes if change.at > since][:limit]


def theme_view(tracker: Tracker, now: datetime) -> ThemeView:
    """The theme's changes, monthly counts and first page, computed once per version of the register and per
    ``TRACKER_CACHE_SECONDS`` (60; 0: every time) in this process, for everyone who follows the same theme.

    Why: those four queries over the theme's public cases were nine tenths of the tracker page at 100,000 cases
    (150 ms). A change of the register changes its version, so it shows at the next request; only a deadline passing
    (which changes no row) shows up to that many seconds late."""
    seconds = current_app.config.get("TRACKER_CACHE_SECONDS", 60)
    if not seconds:
        return _theme_view(tracker, now)
    version = register_version()  # its id and time: an id alone comes again after a database is emptied
    key = (tracker.filters, version, int(now.timestamp() // seconds))
    cache = current_app.extensions.setdefault(THEME_CACHE, OrderedDict())
    with _THEME_LOCK:  # gunicorn's threads share the cache; the queries run outside the lock
        view = cache.get(key)
        if view is not None:
            cache.move_to_end(key)
    if view is None:
        view = _theme_view(tracker, now)
        with _THEME_LOCK:
            cache[key] = view
            while len(cache) > THEME_CACHE_SIZE:
                cache.popitem(last=False)
    return view


def _theme_view(tracker: Tracker, now: datetime) -> ThemeView:
    rows, next_before = listing(tracker.filters)
    return ThemeView(changes_since(tracker, EPOCH, now), monthly_counts(tracker, now), rows, next_before)


def trackers_of(organisation_id: int) -> list[Tracker]:
    return list(
        db.session.scalars(select(Tracker).where(Tracker.organisation_id == organisation_id).order_by(Tracker.name))
    )


DIGEST_PERIOD = timedelta(days=7)
