"""Who may see and do what with a case (docs/architecture.md §4). Views call these, never templates.

The same rules exist twice on purpose: ``can_view`` for one case in Python, ``visible_cases`` as SQL for lists.
The access-matrix tests hold them to each other.
"""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import and_, exists, false, not_, or_, select

from portal.cases.committee import PanelSeat, Recusal, SeatKind
from portal.cases.models import Case, CaseEntity
from portal.cases.workflow import Action, PanelKind, State, offered_actions
from portal.core.roles import CASE_STAFF, CASEWORK, Role
from portal.organisations.models import SupplyChainEntity
from portal.users.models import User

# From admission on, the respondent company sees its redacted summary.
COMPANY_VISIBLE_STATES = frozenset(
    {State.COMPANY_RESPONSE, State.DIALOGUE, State.ADJUDICATION, State.DECIDED, State.REVIEW, State.MONITORING}
)


def recusal_reason(case: Case, user: User) -> str | None:
    """Why ``user`` must stay out of ``case``, or None. Committee and secretariat only."""
    if not user.is_in(CASEWORK):
        return None
    organisations = user.affiliated_organisation_ids
    if case.respondent_organisation_id and case.respondent_organisation_id in organisations:
        return "respondent"
    if case.filed_by_organisation_id and case.filed_by_organisation_id in organisations:
        return "filer"
    for link in case.entity_links:
        if link.entity_id in user.affiliated_entity_ids:
            return "site"
        if link.entity.operator_organisation_id and link.entity.operator_organisation_id in organisations:
            return "operator"
    return None


def is_recused(case: Case, user: User) -> bool:
    if recusal_reason(case, user):
        return True
    return user.id in {recusal.user_id for recusal in case_recusals(case)}


def case_recusals(case: Case) -> list[Recusal]:
    """The recusals recorded on ``case``, read once per request: a case page asks for them in every permission
    check (view, manage, note, identity, actions). ``forget_recusals`` drops the memo when they change."""
    from portal.extensions import db

    memo = g.setdefault("portal_recusals", {}) if has_request_context() else {}
    if case.id not in memo:
        memo[case.id] = list(db.session.scalars(select(Recusal).where(Recusal.case_id == case.id)))
    return memo[case.id]


def forget_recusals(case: Case) -> None:
    if has_request_context():
        g.get("portal_recusals", {}).pop(case.id, None)
        g.get("portal_seats", {}).pop(case.id, None)


def case_seats(case: Case) -> list[PanelSeat]:
    """The case's panel seats, in the order they were given, read once per request like the recusals (a member's
    case page asks in every permission check, and the page lists them); seating and recusal drop the memo through
    ``forget_recusals``."""
    from portal.extensions import db

    memo = g.setdefault("portal_seats", {}) if has_request_context() else {}
    if case.id not in memo:
        memo[case.id] = list(
            db.session.scalars(select(PanelSeat).where(PanelSeat.case_id == case.id).order_by(PanelSeat.id))
        )
    return memo[case.id]


def seats_of(case: Case, user: User) -> list[PanelSeat]:
    """The seats ``user`` holds on ``case``."""
    return [seat for seat in case_seats(case) if seat.user_id == user.id]


def can_view(case: Case, user: User) -> bool:
    if not user.is_authenticated or not user.active:
        return False
    if user.role == Role.COMPANY:
        return (
            case.respondent_organisation_id is not None
            and case.respondent_organisation_id == user.organisation_id
            and case.state in COMPANY_VISIBLE_STATES
        )
    if user.is_in(CASE_STAFF):
        return not is_recused(case, user)
    if user.role == Role.MEMBER:
        return bool(seats_of(case, user)) and not is_recused(case, user)
    return False  # admins manage accounts, not case content


def can_view_identity(case: Case, user: User) -> bool:
    """Identity: the secretariat, and the chair when needed; the company only with the complainant's consent."""
    if case.anonymous or not can_view(case, user):
        return False
    if user.role == Role.COMPANY:
        # A child's identity never reaches the company, whatever was consented.
        return case.share_identity_with_company and not case.children_involved
    return user.is_in(CASE_STAFF)


def chaired_panels(case: Case, user: User) -> frozenset[PanelKind]:
    """The panels of ``case`` on which ``user`` holds the chair's seat: they sign those panels' decisions."""
    return frozenset(PanelKind(seat.panel) for seat in seats_of(case, user) if seat.seat == SeatKind.CHAIR)


def can_take(case: Case, user: User, action: Action) -> bool:
    """May ``user`` try ``action`` on ``case``? (The workflow's guards decide whether it succeeds.)"""
    return action in actions_for(case, user)


def actions_for(case: Case, user: User) -> list[Action]:
    """A panel's decision is offered to whoever chairs that panel, chair or vice-chair, and to nobody else."""
    if not can_view(case, user):
        return []
    return offered_actions(State(case.state), user.account_role, chaired_panels(case, user))


def can_write_internal(case: Case, user: User) -> bool:
    return user.is_in(CASEWORK) and can_view(case, user)


def can_manage(case: Case, user: User) -> bool:
    """Assign, link, message, write the company summary, seat panels: the secretariat and the chair."""
    return user.is_in(CASE_STAFF) and can_view(case, user) and case.is_open


def can_suspend(case: Case, user: User) -> bool:
    """Stop or restart the clocks for parallel court proceedings: the chair alone, on an open case."""
    return user.role == Role.CHAIR and can_view(case, user) and case.is_open


def can_respond_as_company(case: Case, user: User) -> bool:
    return user.role == Role.COMPANY and can_view(case, user) and case.state == State.COMPANY_RESPONSE


def can_message_as_company(case: Case, user: User) -> bool:
    """A liaison of the respondent writes to the secretariat whenever the company sees the case."""
    return user.role == Role.COMPANY and can_view(case, user) and case.is_open


def can_report_progress(case: Case, user: User) -> bool:
    """A liaison of the respondent reports remedy progress while the remedy is monitored."""
    return user.role == Role.COMPANY and can_view(case, user) and case.state == State.MONITORING


def visible_cases(user: User):
    """A WHERE clause selecting the cases ``user`` may see, for lists (same rules as ``can_view``)."""
    if user.role == Role.COMPANY:
        return and_(
            Case.respondent_organisation_id == user.organisation_id,
            Case.state.in_(COMPANY_VISIBLE_STATES),
        )
    if not user.is_in(CASEWORK):
        return false()
    organisations = user.affiliated_organisation_ids
    entities = user.affiliated_entity_ids
    recused = [exists().where(Recusal.case_id == Case.id, Recusal.user_id == user.id)]
    if organisations:
        # NULL-safe: a case naming no company yet would make ``IN`` NULL and ``NOT (… OR NULL)`` hide it.
        recused.append(
            and_(Case.respondent_organisation_id.is_not(None), Case.respondent_organisation_id.in_(organisations))
        )
        recused.append(
            and_(Case.filed_by_organisation_id.is_not(None), Case.filed_by_organisation_id.in_(organisations))
        )
        recused.append(
            exists().where(
                CaseEntity.case_id == Case.id,
                CaseEntity.entity_id == SupplyChainEntity.id,
                SupplyChainEntity.operator_organisation_id.in_(organisations),
            )
        )
    if entities:
        recused.append(exists().where(CaseEntity.case_id == Case.id, CaseEntity.entity_id.in_(entities)))
    clause = not_(or_(*recused))
    if user.role == Role.MEMBER:
        clause = and_(clause, exists().where(PanelSeat.case_id == Case.id, PanelSeat.user_id == user.id))
    return clause
