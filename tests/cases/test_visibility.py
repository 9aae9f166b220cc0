"""Who sees which case, with several cases in the world: the list query and the per-case rule, held to a literal
table and to each other."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from portal.cases.access import (
    actions_for,
    can_respond_as_company,
    can_take,
    can_view,
    can_view_identity,
    can_write_internal,
    recusal_reason,
    visible_cases,
)
from portal.cases.casework import link_case
from portal.cases.committee import PanelKind, PanelSeat, Recusal, SeatKind
from portal.cases.models import Case
from portal.cases.workflow import Action, State
from portal.extensions import db
from portal.organisations.models import EntityKind, SupplyChainEntity
from portal.users.models import User

# A: the world's case (respondent Century, the smelter), admitted.
# B: a grievance naming nobody.                       E: names the world's smelter only.
# D: names a depot that Century operates.             F: names Century, not yet admitted.
VISIBLE = {
    "admin": "",
    "secretariat": "ABDEF",
    "secretariat_recused": "BE",  # tied to Century: not A, D (its depot) or F
    "chair": "ADEF",  # declared a conflict on B
    "member_panel": "A",  # sits on A only
    "member_union": "A",
    "member_off_panel": "D",  # sits on D only
    "member_recused": "BD",  # sits on B, D and E, but is tied to the smelter that E names
    "liaison": "A",  # Century's liaison: A once admitted; F not yet
    "liaison_other": "",
}


@pytest.fixture
def cases(app, world, file_grievance):
    with app.app_context():
        chair = db.session.get(User, world.users["chair"])
        made = {"A": db.session.scalar(select(Case).where(Case.reference == world.reference))}
        depot = SupplyChainEntity(
            name="Depot", kind=EntityKind.DEPOT, country="CD", operator_organisation_id=world.organisations["century"]
        )
        db.session.add(depot)
        db.session.flush()
        links = {"B": (None, []), "D": (None, [depot.id]), "E": (None, [world.site_id])}
        links["F"] = (world.organisations["century"], [])
        for key, (respondent, entities) in links.items():
            _, reference, _ = file_grievance(description=f"Grievance {key}: unpaid wages at the site for months.")
            made[key] = db.session.scalar(select(Case).where(Case.reference == reference))
            link_case(made[key], chair, respondent, entities)
        for key, name in [
            ("B", "member_recused"),
            ("E", "member_recused"),
            ("D", "member_recused"),
            ("D", "member_off_panel"),
        ]:
            seat = SeatKind.INDUSTRY if name == "member_recused" else SeatKind.CIVIL_SOCIETY
            db.session.add(
                PanelSeat(case_id=made[key].id, user_id=world.users[name], seat=seat, panel=PanelKind.ORIGINAL)
            )
        db.session.add(Recusal(case_id=made["B"].id, user_id=world.users["chair"], reason="declared"))
        db.session.commit()
        assert made["F"].state == State.SUBMITTED
        yield {key: case.id for key, case in made.items()}


@pytest.mark.parametrize("recorded", [True, False], ids=["ties-recorded", "ties-not-yet-recorded"])
@pytest.mark.parametrize("name", list(VISIBLE))
def test_who_sees_which_case(app, world, cases, name, recorded):
    """A tie hides a case at once, before (or without) its recusal being recorded, e.g. on a closed case."""
    with app.app_context():
        if not recorded:
            db.session.execute(delete(Recusal).where(Recusal.reason != "declared"))
        user = db.session.get(User, world.users[name])
        listed = set(db.session.scalars(select(Case.id).where(visible_cases(user))))
        by_rule = {case_id for case_id in cases.values() if can_view(db.session.get(Case, case_id), user)}
    expected = {cases[key] for key in VISIBLE[name]}
    assert listed == expected, name
    assert by_rule == expected, name


# What each person may do with the world's case A (admitted: waiting for the company's response).
ACTIONS_ON_A = {
    "admin": [],
    "secretariat": ["request_info", "start_dialogue", "withdraw", "merge"],
    "secretariat_recused": [],  # may not see it
    "chair": ["request_info", "start_dialogue", "refer_to_adjudication"],
    "member_panel": [],  # sits on the panel, signs nothing
    "member_off_panel": [],
    "liaison": [],  # answers through the response form, not a workflow action
    "liaison_other": [],
}


@pytest.mark.parametrize("name", list(ACTIONS_ON_A))
def test_the_actions_each_person_may_take(app, world, name):
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        user = db.session.get(User, world.users[name])
        assert sorted(actions_for(case, user)) == sorted(ACTIONS_ON_A[name])
        for action in Action:
            assert can_take(case, user, action) == (action.value in ACTIONS_ON_A[name]), action


@pytest.mark.parametrize(
    ("name", "state", "may"),
    [
        ("liaison", State.COMPANY_RESPONSE, True),
        ("liaison", State.DIALOGUE, False),  # sees the case, but the time to respond is over
        ("liaison_other", State.COMPANY_RESPONSE, False),
        ("secretariat", State.COMPANY_RESPONSE, False),
        ("chair", State.COMPANY_RESPONSE, False),
    ],
)
def test_only_the_respondent_company_responds_and_only_when_asked(app, world, name, state, may):
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        case.state = state
        assert can_respond_as_company(case, db.session.get(User, world.users[name])) is may


# Who sees the complainant's identity and who writes internal notes, on the world's case A (not anonymous).
IDENTITY_AND_NOTES = {
    "admin": (False, False),
    "secretariat": (True, True),
    "secretariat_recused": (False, False),
    "chair": (True, True),
    "member_panel": (False, True),
    "member_off_panel": (False, False),
    "member_recused": (False, False),
    "liaison": (False, False),  # the complainant did not consent to share it
    "liaison_other": (False, False),
}


@pytest.mark.parametrize("name", list(IDENTITY_AND_NOTES))
def test_who_sees_the_identity_and_writes_notes(app, world, name):
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        user = db.session.get(User, world.users[name])
        assert (can_view_identity(case, user), can_write_internal(case, user)) == IDENTITY_AND_NOTES[name]
        case.anonymous = True
        assert can_view_identity(case, user) is False
        case.anonymous, case.share_identity_with_company = False, True
        assert can_view_identity(case, user) is (IDENTITY_AND_NOTES[name][0] or name == "liaison")


@pytest.mark.parametrize(
    ("name", "key", "reason"),
    [
        ("secretariat_recused", "A", "respondent"),  # tied to Century, which A names
        ("secretariat_recused", "D", "operator"),  # D names a depot Century operates
        ("member_recused", "E", "site"),  # tied to the smelter E names
        ("member_recused", "D", None),
        ("chair", "B", None),  # a declared conflict is recorded, but is no tie
        ("secretariat", "A", None),
        ("liaison", "A", None),  # companies are never recused: they are a party
    ],
)
def test_why_a_tie_recuses(app, world, cases, name, key, reason):
    with app.app_context():
        case = db.session.get(Case, cases[key])
        assert recusal_reason(case, db.session.get(User, world.users[name])) == reason


@pytest.mark.parametrize("name", ["secretariat", "chair", "member_panel", "liaison"])
def test_a_deactivated_account_sees_no_case(app, world, cases, name):
    with app.app_context():
        user = db.session.get(User, world.users[name])
        user.active = False
        assert [key for key, case_id in cases.items() if can_view(db.session.get(Case, case_id), user)] == []
