"""Casework outside the workflow, on the database: seating panels and its refusals, messages to the complainant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.cases.casework import CaseworkRefused, seat_panel_member, send_message
from portal.cases.committee import PanelKind, PanelSeat, Recusal, SeatKind
from portal.cases.models import Case, CaseEntry, EntryKind, Visibility
from portal.cases.workflow import State
from portal.extensions import db


def _seats(case: Case, panel: PanelKind) -> dict[str, int]:
    rows = db.session.scalars(select(PanelSeat).where(PanelSeat.case_id == case.id, PanelSeat.panel == panel))
    return {row.seat: row.user_id for row in rows}


def _refusal(case, user, seat, panel, actor) -> str:
    with pytest.raises(CaseworkRefused) as refused:
        seat_panel_member(case, user, seat, panel, actor)
    return refused.value.reason


# seat_panel_member: its five refusals ------------------------------------------------------------------------------


def test_a_member_tied_to_a_named_site_is_refused_as_recused(case, person):
    chair = person("chair")
    assert _refusal(case, person("member_recused"), SeatKind.INDUSTRY, PanelKind.REVIEW, chair) == "recused"


def test_a_member_with_a_recorded_recusal_is_refused_as_recused(case, person):
    chair, member = person("chair"), person("member_off_panel")
    db.session.add(Recusal(case_id=case.id, user_id=member.id, reason="declared a conflict"))
    db.session.flush()
    assert _refusal(case, member, SeatKind.CIVIL_SOCIETY, PanelKind.REVIEW, chair) == "recused"


@pytest.mark.parametrize("name", ["secretariat", "admin", "liaison"])
def test_who_is_not_on_the_committee_is_refused(case, person, name):
    assert _refusal(case, person(name), SeatKind.CIVIL_SOCIETY, PanelKind.REVIEW, person("chair")) == "not_committee"


def test_an_inactive_member_is_refused(case, person):
    member = person("member_off_panel")
    member.active = False
    assert _refusal(case, member, SeatKind.CIVIL_SOCIETY, PanelKind.REVIEW, person("chair")) == "not_committee"


def test_only_the_chair_or_a_vice_chair_takes_the_chair_seat(case, person):
    member = person("member_off_panel")
    assert _refusal(case, member, SeatKind.CHAIR, PanelKind.REVIEW, person("chair")) == "not_chair"
    member.vice_chair = True
    seat_panel_member(case, member, SeatKind.CHAIR, PanelKind.REVIEW, person("chair"))
    assert _seats(case, PanelKind.REVIEW) == {"chair": member.id}


def test_a_member_sits_only_in_the_seat_of_their_nomination(case, person):
    union_member = person("member_off_panel")  # nominated by civil society
    assert _refusal(case, union_member, SeatKind.INDUSTRY, PanelKind.REVIEW, person("chair")) == "wrong_nomination"
    seat_panel_member(case, union_member, SeatKind.CIVIL_SOCIETY, PanelKind.REVIEW, person("chair"))
    assert _seats(case, PanelKind.REVIEW) == {"civil_society": union_member.id}


def test_the_chair_takes_no_member_seat(case, person):
    chair = person("chair")  # nominated as independent
    assert _refusal(case, chair, SeatKind.INDUSTRY, PanelKind.REVIEW, chair) == "wrong_nomination"


@pytest.mark.parametrize(
    ("name", "seat"),
    [("chair", SeatKind.CHAIR), ("member_panel", SeatKind.INDUSTRY), ("member_union", SeatKind.CIVIL_SOCIETY)],
)
def test_who_sat_on_the_original_panel_is_refused_for_the_review(case, person, name, seat):
    assert _refusal(case, person(name), seat, PanelKind.REVIEW, person("chair")) == "sat_before"
    assert _seats(case, PanelKind.REVIEW) == {}


def test_a_refusal_changes_no_seat(case, person, world):
    before = _seats(case, PanelKind.ORIGINAL)
    _refusal(case, person("member_recused"), SeatKind.INDUSTRY, PanelKind.ORIGINAL, person("chair"))
    assert (
        _seats(case, PanelKind.ORIGINAL)
        == before
        == {
            "chair": world.users["chair"],
            "industry": world.users["member_panel"],
            "civil_society": world.users["member_union"],
        }
    )


def test_seating_replaces_the_seat_and_moves_the_member(case, person, world):
    """A seat holds one member and a member holds one seat per panel."""
    member = person("member_off_panel")
    seat_panel_member(case, member, SeatKind.CIVIL_SOCIETY, PanelKind.ORIGINAL, person("chair"))
    assert _seats(case, PanelKind.ORIGINAL)["civil_society"] == member.id
    member.vice_chair = True
    seat_panel_member(case, member, SeatKind.CHAIR, PanelKind.ORIGINAL, person("chair"))
    assert _seats(case, PanelKind.ORIGINAL) == {"chair": member.id, "industry": world.users["member_panel"]}


# Messages restart the feedback clock -------------------------------------------------------------------------------


def test_a_message_to_the_complainant_restarts_the_feedback_clock(case, person, frozen_time):
    frozen_time.now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    case.feedback_due_at = datetime(2026, 5, 10, 9, tzinfo=UTC)  # nearly due
    case.company_response_due_at = datetime(2026, 6, 30, 12, tzinfo=UTC)
    send_message(case, person("secretariat"), "We have written to the company.")
    assert case.feedback_due_at == datetime(2026, 7, 30, 12, tzinfo=UTC)  # 90 days from the message
    assert case.next_due_at == datetime(2026, 6, 30, 12, tzinfo=UTC)  # the earliest clock is now the company's
    entry = case.entries[-1]
    assert (entry.kind, entry.visibility, entry.body) == (
        EntryKind.TO_COMPLAINANT,
        Visibility.COMPLAINANT,
        "We have written to the company.",
    )


def test_a_message_starts_the_feedback_clock_again_on_an_open_case(case, person, frozen_time):
    """The clock runs until the case is final; a case decided when decisions still stopped it gets it back."""
    frozen_time.now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    case.feedback_due_at = None
    send_message(case, person("secretariat"), "A word.")
    assert case.feedback_due_at == datetime(2026, 7, 30, 12, tzinfo=UTC)


def test_a_message_on_a_closed_case_moves_no_clock(case, person, frozen_time):
    frozen_time.now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    case.state = State.CLOSED
    case.feedback_due_at = datetime(2026, 5, 10, 9, tzinfo=UTC)
    send_message(case, person("secretariat"), "Your case is closed; here is a copy of the decision.")
    assert case.feedback_due_at == datetime(2026, 5, 10, 9, tzinfo=UTC)


def test_the_staff_message_page_restarts_the_feedback_clock(app, world, client_as, frozen_time):
    frozen_time.now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    response = client_as("secretariat").post(f"/staff/cases/{world.reference}/message", data={"text": "Hello"})
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        assert case.feedback_due_at == datetime(2026, 7, 30, 12, tzinfo=UTC)
        assert db.session.scalar(
            select(CaseEntry).where(CaseEntry.case_id == case.id, CaseEntry.kind == EntryKind.TO_COMPLAINANT)
        )
