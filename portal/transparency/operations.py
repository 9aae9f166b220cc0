"""Publishing: the only place a public text or a case's register standing changes (docs/architecture.md §6).

Each operation checks its rule (``models.can_*``), changes, flushes and sends ``publication_changed`` (or
``register_choice_changed``), so the audit trail records every draft, publication, withdrawal and release, and the
register's version (``queries.register_version``) moves. Operations never commit.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.cases.committee import Decision
from portal.cases.models import Case
from portal.cases.workflow import State
from portal.core import signals
from portal.core.db import utcnow
from portal.core.i18n import LOCALES
from portal.extensions import db
from portal.transparency.models import (
    Publication,
    PublicationStatus,
    PublicItem,
    can_approve,
    can_draft,
    can_release,
    can_withdraw,
)
from portal.transparency.queries import is_flagged

MAX_TEXT = 4000


class PublicationRefused(Exception):
    """The rule said no; ``reason`` is a key of ``labels.REFUSALS``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _changed(case: Case, publication: Publication | None, change: str, actor) -> None:
    db.session.flush()
    signals.publication_changed.send(case, publication=publication, change=change, actor=actor)


def publication_for(case: Case, decision: Decision | None = None) -> Publication | None:
    stmt = select(Publication).where(Publication.case_id == case.id)
    if decision is None:
        stmt = stmt.where(Publication.item == PublicItem.CASE_SUMMARY)
    else:
        stmt = stmt.where(Publication.decision_id == decision.id)
    return db.session.scalar(stmt)


def draft_text(case: Case, actor, locale: str, text: str, decision: Decision | None = None) -> Publication:
    """Write the draft of the case's redacted summary (or of a decision's public summary) in one language; the
    other languages' drafts are kept. An empty text removes that language from the draft."""
    if not can_draft(actor):
        raise PublicationRefused("not_allowed")
    if locale not in LOCALES or len(text) > MAX_TEXT:
        raise PublicationRefused("bad_text")
    if decision is not None and decision.case_id != case.id:
        raise PublicationRefused("not_allowed")
    publication = publication_for(case, decision)
    if publication is None:
        item = PublicItem.CASE_SUMMARY if decision is None else PublicItem.DECISION_SUMMARY
        publication = Publication(case_id=case.id, decision_id=decision.id if decision else None, item=item)
        # A decision's summary starts from the one the panel's chair wrote when signing it.
        publication.draft = (
            {case.submission_locale: decision.public_summary} if decision and decision.public_summary else {}
        )
        db.session.add(publication)
    draft = dict(publication.draft or {})
    if text.strip():
        draft[locale] = text.strip()
    else:
        draft.pop(locale, None)
    publication.draft = draft
    publication.drafted_by_id = actor.id
    publication.updated_at = utcnow()
    _changed(case, publication, "drafted", actor)
    return publication


def approve(case: Case, publication: Publication, actor) -> None:
    """The chair publishes the draft as it stands (all its languages); a later edit needs approving again."""
    if not can_approve(actor):
        raise PublicationRefused("not_allowed")
    if not publication.draft:
        raise PublicationRefused("empty_draft")
    now = utcnow()
    publication.published_texts = dict(publication.draft)
    publication.status = PublicationStatus.PUBLISHED
    publication.approved_by_id = actor.id
    publication.published_at = now
    publication.updated_at = now
    publication.withdrawn_at = None
    if publication.decision is not None:
        publication.decision.published = True
    _changed(case, publication, "published", actor)


def withdraw(case: Case, publication: Publication, actor) -> None:
    """Take a published text down at once; the draft stays for staff to correct."""
    if not can_withdraw(actor):
        raise PublicationRefused("not_allowed")
    if not publication.is_published:
        raise PublicationRefused("not_published")
    now = utcnow()
    publication.published_texts = None
    publication.status = PublicationStatus.WITHDRAWN
    publication.withdrawn_at = now
    publication.updated_at = now
    if publication.decision is not None:
        publication.decision.published = False
    _changed(case, publication, "withdrawn", actor)


def set_released(case: Case, actor, released: bool) -> None:
    """Release a flagged, closed case to the register (or take it back out)."""
    if not can_release(actor):
        raise PublicationRefused("not_allowed")
    if released and not (case.state == State.CLOSED and is_flagged(case)):
        raise PublicationRefused("not_releasable")
    case.register_released_at = utcnow() if released else None
    _changed(case, None, "released" if released else "unreleased", actor)


def set_register_choice(case: Case, listed: bool) -> None:
    """The complainant (the receipt holder) says whether the case may be in the public register."""
    if case.register_listed == listed:
        return
    case.register_listed = listed
    db.session.flush()
    signals.register_choice_changed.send(case, listed=listed, actor=None)
