"""The stepwise form's draft: the answers so far and the files chosen, encrypted, bound to one browser.

The signed session cookie holds a random draft id; the database holds only its keyed hash, so a row leads to no
browser. Answers are kept as the form posted them (lists of strings per field), encrypted as one JSON value;
files are cleaned when chosen (media/uploads.py) and kept encrypted in their row. A draft is deleted when its
complaint is sent, and swept ``DRAFT_HOURS`` after it began (on every filing and by ``flask portal
sweep-drafts``). Operations flush; the request commits.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from flask import session
from sqlalchemy import delete, select

from portal.core.crypto import decrypt, decrypt_text, encrypt, encrypt_text
from portal.core.db import utcnow
from portal.core.security import keyed_hash
from portal.extensions import db
from portal.intake.models import DraftFile, ReportDraft
from portal.media.uploads import PreparedFile

DRAFT_HOURS = 24
SESSION_KEY = "report_draft"  # the random draft id, in the signed session cookie only


def _hash(draft_id: str) -> str:
    return keyed_hash(draft_id, "draft")


def _live(draft_id: str) -> ReportDraft | None:
    draft = db.session.scalar(select(ReportDraft).where(ReportDraft.draft_hash == _hash(draft_id)))
    if draft is None or draft.created_at < utcnow() - timedelta(hours=DRAFT_HOURS):
        return None
    return draft


def current_draft() -> ReportDraft | None:
    """This browser's draft, if it has one that has not expired."""
    draft_id = session.get(SESSION_KEY)
    return _live(draft_id) if isinstance(draft_id, str) else None


def was_lost() -> bool:
    """The browser had a draft that is gone (swept after a day, or sent from another tab)."""
    return isinstance(session.get(SESSION_KEY), str) and current_draft() is None


def open_draft() -> ReportDraft:
    """This browser's draft, begun now if there is none."""
    draft = current_draft()
    if draft is None:
        draft_id = secrets.token_urlsafe(32)
        draft = ReportDraft(draft_hash=_hash(draft_id), created_at=utcnow())
        db.session.add(draft)
        db.session.flush()
        session[SESSION_KEY] = draft_id
    return draft


def answers_of(draft: ReportDraft | None) -> dict[str, list[str]]:
    if draft is None:
        return {}
    text = decrypt_text(draft.answers_encrypted)
    return json.loads(text) if text else {}


def save_answers(draft: ReportDraft, answers: dict[str, list[str]]) -> None:
    kept = {name: values for name, values in answers.items() if any(value for value in values)}
    draft.answers_encrypted = encrypt_text(json.dumps(kept, ensure_ascii=False))
    db.session.flush()


def add_files(draft: ReportDraft, files: list[PreparedFile], purpose: str) -> None:
    for prepared in files:
        draft.files.append(
            DraftFile(
                purpose=purpose,
                name_encrypted=encrypt(prepared.name.encode()),
                content_type=prepared.content_type,
                size=len(prepared.data),
                cleaned=prepared.cleaned,
                content_encrypted=encrypt(prepared.data),
            )
        )
    db.session.flush()


def file_name(held: DraftFile) -> str:
    return decrypt(held.name_encrypted).decode()


def remove_file(draft: ReportDraft, file_id: int) -> None:
    draft.files[:] = [held for held in draft.files if held.id != file_id]
    db.session.flush()


def prepared_files(draft: ReportDraft, purpose: str) -> list[PreparedFile]:
    """The held files of one purpose, decrypted, as the filing operation takes them."""
    return [
        PreparedFile(file_name(held), held.content_type, decrypt(held.content_encrypted), held.cleaned)
        for held in draft.files
        if held.purpose == purpose
    ]


def discard(draft: ReportDraft) -> None:
    """Delete the draft and its files (the complaint was sent, or was spam). A statement, not the ORM's delete: a
    concurrent send of the same draft may have deleted it already, which is fine."""
    db.session.execute(delete(DraftFile).where(DraftFile.draft_id == draft.id))
    db.session.execute(delete(ReportDraft).where(ReportDraft.id == draft.id))
    db.session.expunge(draft)
    session.pop(SESSION_KEY, None)


def sweep_expired() -> int:
    """Delete drafts begun more than ``DRAFT_HOURS`` ago, with their files. Returns how many."""
    cutoff = utcnow() - timedelta(hours=DRAFT_HOURS)
    old = select(ReportDraft.id).where(ReportDraft.created_at < cutoff)
    # Files first: SQLite enforces the cascade only with foreign keys on, and a bulk delete skips the ORM's.
    db.session.execute(delete(DraftFile).where(DraftFile.draft_id.in_(old)))
    result = db.session.execute(delete(ReportDraft).where(ReportDraft.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
