"""When a panel has no quorum, the staff page says what is missing and where to fix it (issue 10, point 9d)."""

from __future__ import annotations

from sqlalchemy import delete, select

from portal.cases.committee import PanelKind, PanelSeat, Recusal, SeatKind
from portal.cases.models import Case
from portal.cases.operations import quorum_problems, take_action
from portal.cases.workflow import Action, Role, State
from portal.extensions import db
from portal.users.models import User


def _in_dialogue(app, world, change):
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        take_action(case, Action.START_DIALOGUE, db.session.get(User, world.users["secretariat"]), Role.SECRETARIAT)
        change(case)
        db.session.commit()


def test_an_empty_seat_and_an_inactive_member_are_named_with_the_way_to_the_panel(app, world, client_as):
    def change(case):
        db.session.execute(delete(PanelSeat).where(PanelSeat.case_id == case.id, PanelSeat.seat == SeatKind.INDUSTRY))
        db.session.get(User, world.users["member_union"]).active = False

    _in_dialogue(app, world, change)
    response = client_as("chair").post(
        f"/staff/cases/{world.reference}/actions/settle", data={"settle-reasons": "Agreed."}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Panel: nobody sits in the seat “Industry-nominated member”." in html
    assert "Panel: member_union (Union/NGO-nominated member) no longer has an active account." in html
    assert '<a href="#panel">Seat an alternate in the panel section.</a>' in html
    with app.app_context():
        assert db.session.scalar(select(Case.state).where(Case.reference == world.reference)) == State.DIALOGUE


def test_a_recused_member_is_named(app, world, client_as):
    _in_dialogue(
        app,
        world,
        lambda case: db.session.add(Recusal(case_id=case.id, user_id=world.users["member_panel"], reason="declared")),
    )
    response = client_as("chair").post(
        f"/staff/cases/{world.reference}/actions/settle", data={"settle-reasons": "Agreed."}
    )
    assert response.status_code == 409
    assert "Panel: member_panel (Industry-nominated member) is recused from this case." in response.get_data(
        as_text=True
    )


def test_quorum_problems_seat_by_seat(case, person):
    assert quorum_problems(case, PanelKind.ORIGINAL) == []
    assert [(p.kind, p.seat) for p in quorum_problems(case, PanelKind.REVIEW)] == [
        ("empty", SeatKind.CHAIR),
        ("empty", SeatKind.INDUSTRY),
        ("empty", SeatKind.CIVIL_SOCIETY),
    ]
    # Seated before a change of account: a chair's seat held by a member who is no longer vice-chair, a seat held
    # by someone nominated by the other side.
    db.session.execute(delete(PanelSeat).where(PanelSeat.case_id == case.id))
    db.session.add_all(
        [
            PanelSeat(case_id=case.id, user_id=person("member_off_panel").id, seat=SeatKind.CHAIR),
            PanelSeat(case_id=case.id, user_id=person("member_union").id, seat=SeatKind.INDUSTRY),
            PanelSeat(case_id=case.id, user_id=person("member_panel").id, seat=SeatKind.CIVIL_SOCIETY),
        ]
    )
    db.session.flush()
    problems = quorum_problems(case, PanelKind.ORIGINAL)
    assert [(p.kind, p.user.name) for p in problems] == [
        ("cannot_chair", "member_off_panel"),
        ("wrong_nomination", "member_union"),
        ("wrong_nomination", "member_panel"),
    ]
