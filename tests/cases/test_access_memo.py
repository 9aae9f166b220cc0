"""Within one request a case's recusals are read once; a new recusal is seen at once. Who may stop the clocks."""

from __future__ import annotations

from sqlalchemy import select

from portal.cases import access
from portal.cases.casework import sync_recusals
from portal.cases.models import Case
from portal.cases.operations import take_action
from portal.cases.workflow import Action
from portal.core.roles import Role
from portal.extensions import db
from portal.users.models import Affiliation, User


def _case(reference: str) -> Case:
    return db.session.scalar(select(Case).where(Case.reference == reference))


def test_a_recusal_recorded_during_the_request_is_seen_at_once(app, world):
    with app.test_request_context():
        case = _case(world.reference)
        officer = db.session.get(User, world.users["secretariat"])
        assert access.can_view(case, officer)  # the case's recusals are now remembered for this request
        officer.affiliations.append(Affiliation(organisation_id=world.organisations["century"]))
        db.session.flush()
        sync_recusals(case, None)
        assert officer.id in {recusal.user_id for recusal in access.case_recusals(case)}
        assert not access.can_view(case, officer)
        db.session.rollback()


def test_forgetting_recusals_nobody_read_yet_is_harmless(app, world):
    with app.test_request_context():
        access.forget_recusals(_case(world.reference))


def test_only_the_chair_stops_the_clocks_and_only_on_an_open_case(app, world):
    with app.app_context():
        case = _case(world.reference)
        chair = db.session.get(User, world.users["chair"])
        officer = db.session.get(User, world.users["secretariat"])
        assert access.can_suspend(case, chair)
        assert not access.can_suspend(case, officer)
        take_action(case, Action.WITHDRAW, officer, Role.SECRETARIAT)
        assert not case.is_open
        assert not access.can_suspend(case, chair)
        db.session.rollback()
