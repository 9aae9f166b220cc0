"""Casework that does not move a case through the workflow: messages, notes, links, panels, the company's side.

Like the workflow operations, each flushes and sends a signal; the request commits.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from portal.cases.access import case_recusals, forget_recusals, recusal_reason
from portal.cases.attachments import attach_files
from portal.cases.committee import SEAT_NOMINATION, PanelKind, PanelSeat, Recusal, SeatKind
from portal.cases.models import Attachment, Case, CaseEntity, CaseEntry, EntryKind, Visibility
from portal.cases.operations import feedback_given
from portal.cases.refusals import CaseworkRefused
from portal.cases.workflow import FINAL_STATES
from portal.core import signals
from portal.core.roles import CASEWORK, COMMITTEE, Role
from portal.extensions import db
from portal.media.uploads import PreparedFile
from portal.organisations.models import SupplyChainEntity
from portal.users.models import User


def send_message(case: Case, actor: User, text: str, translation: str | None = None) -> CaseEntry:
    """Write to the complainant. ``text`` is what they read (their language); ``translation`` is the working copy."""
    entry = CaseEntry(kind=EntryKind.TO_COMPLAINANT, visibility=Visibility.COMPLAINANT, author_id=actor.id)
    entry.body = text
    entry.translation = translation
    case.entries.append(entry)
    feedback_given(case)
    db.session.flush()
    signals.message_to_complainant.send(case, entry=entry, actor=actor)
    return entry


def add_internal_note(case: Case, actor: User, text: str) -> CaseEntry:
    entry = CaseEntry(kind=EntryKind.INTERNAL_NOTE, visibility=Visibility.INTERNAL, author_id=actor.id)
    entry.body = text
    case.entries.append(entry)
    db.session.flush()
    signals.internal_note_added.send(case, entry=entry, actor=actor)
    return entry


def set_working_translation(entry: CaseEntry, actor: User, text: str) -> None:
    entry.translation = text or None
    db.session.flush()
    signals.internal_note_added.send(entry.case, entry=entry, actor=actor)


def assign_officer(case: Case, officer: User | None, actor: User) -> None:
    if officer is not None and (officer.role != Role.SECRETARIAT or recusal_reason(case, officer)):
        raise CaseworkRefused("not_assignable")
    case.assigned_officer_id = officer.id if officer else None
    db.session.flush()
    signals.case_assigned.send(case, officer=officer, actor=actor)


def write_company_summary(case: Case, actor: User, text: str) -> None:
    """The redacted summary the respondent company will see; never the identity."""
    case.company_summary = text.strip() or None
    db.session.flush()
    signals.company_summary_written.send(case, actor=actor)


def link_case(case: Case, actor: User, respondent_id: int | None, entity_ids: list[int]) -> None:
    """Name the respondent company and the sites; recusals follow at once."""
    case.respondent_organisation_id = respondent_id
    wanted = set(entity_ids)
    case.entity_links = [link for link in case.entity_links if link.entity_id in wanted] + [
        CaseEntity(entity_id=entity_id) for entity_id in sorted(wanted - case.entity_ids)
    ]
    db.session.flush()
    db.session.expire(case, ["entity_links"])
    signals.case_linked.send(case, actor=actor, respondent_id=respondent_id, entity_ids=sorted(wanted))
    sync_recusals(case, actor)


def sync_recusals(case: Case, actor: User | None) -> None:
    """Record a recusal for every committee member or officer tied to what the case names; unseat them."""
    recorded = {recusal.user_id for recusal in case_recusals(case)}
    staff = db.session.scalars(select(User).where(User.role.in_(CASEWORK), User.active))
    for user in staff:
        reason = recusal_reason(case, user)
        if reason and user.id not in recorded:
            recusal = Recusal(case_id=case.id, user_id=user.id, reason=reason)
            db.session.add(recusal)
            db.session.execute(delete(PanelSeat).where(PanelSeat.case_id == case.id, PanelSeat.user_id == user.id))
            if case.assigned_officer_id == user.id:
                case.assigned_officer_id = None
            db.session.flush()
            forget_recusals(case)
            signals.recusal_recorded.send(case, recusal=recusal, actor=actor)


def seat_panel_member(case: Case, user: User, seat: SeatKind, panel: PanelKind, actor: User) -> PanelSeat:
    """Put ``user`` on a panel seat. Refused for the recused, for the wrong nomination, and on a review panel
    for anyone who sat on the original panel."""
    if recusal_reason(case, user) or user.id in {recusal.user_id for recusal in case_recusals(case)}:
        raise CaseworkRefused("recused")
    if not user.is_in(COMMITTEE) or not user.active:
        raise CaseworkRefused("not_committee")
    if seat == SeatKind.CHAIR and not user.can_chair_panels:
        raise CaseworkRefused("not_chair")
    if seat != SeatKind.CHAIR and user.nomination != SEAT_NOMINATION[seat]:
        raise CaseworkRefused("wrong_nomination")
    if panel == PanelKind.REVIEW:
        original = db.session.scalar(
            select(PanelSeat).where(
                PanelSeat.case_id == case.id, PanelSeat.panel == PanelKind.ORIGINAL, PanelSeat.user_id == user.id
            )
        )
        if original:
            raise CaseworkRefused("sat_before")
    db.session.execute(
        delete(PanelSeat).where(
            PanelSeat.case_id == case.id,
            PanelSeat.panel == panel,
            (PanelSeat.seat == seat) | (PanelSeat.user_id == user.id),
        )
    )
    placed = PanelSeat(case_id=case.id, user_id=user.id, seat=seat, panel=panel)
    db.session.add(placed)
    db.session.flush()
    forget_recusals(case)  # also drops the memo of who sits where
    signals.panel_seat_changed.send(case, seat=placed, actor=actor, removed=False)
    return placed


def company_respond(case: Case, actor: User, text: str, files: list[PreparedFile]) -> CaseEntry:
    entry = CaseEntry(kind=EntryKind.COMPANY_RESPONSE, visibility=Visibility.COMPANY, author_id=actor.id)
    entry.body = text
    case.entries.append(entry)
    attach_files(entry, files)
    db.session.flush()
    signals.company_responded.send(case, entry=entry, actor=actor)
    return entry


def record_identity_view(case: Case, actor: User) -> dict:
    signals.identity_viewed.send(case, actor=actor)
    return case.identity


def record_download(attachment: Attachment, actor: User) -> None:
    signals.attachment_downloaded.send(attachment.entry.case, attachment=attachment, actor=actor)


def sync_recusals_for_tie(actor: User | None, organisation_id: int | None, entity_id: int | None) -> None:
    """Someone declared a tie: every open case naming that organisation or site recuses them from now on."""
    query = select(Case).where(Case.state.notin_(FINAL_STATES))
    if organisation_id:
        operated = select(SupplyChainEntity.id).where(SupplyChainEntity.operator_organisation_id == organisation_id)
        linked = select(CaseEntity.case_id).where(CaseEntity.entity_id.in_(operated))
        query = query.where((Case.respondent_organisation_id == organisation_id) | Case.id.in_(linked))
    elif entity_id:
        query = query.where(Case.id.in_(select(CaseEntity.case_id).where(CaseEntity.entity_id == entity_id)))
    else:
        return
    for case in db.session.scalars(query):
        sync_recusals(case, actor)
