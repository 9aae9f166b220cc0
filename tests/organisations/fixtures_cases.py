"""Fixtures of the organisation's case and tracker pages (orgcases): two organisations with members, cases filed
for them, a committee, and a public admitted case. Import them into a test module with
``from tests.organisations.fixtures_cases import *``."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import event, select

from portal.cases.committee import Decision, DecisionKind
from portal.cases.models import Case
from portal.cases.operations import ActionInput, take_action
from portal.cases.workflow import Action, State
from portal.core import signals
from portal.core.roles import Role
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind
from portal.users.models import User

SECRET = "Ms Mwamba's children were sent into the pit at Kasulo at night."
NAME = "Neema Mwamba"

__all__ = ["NAME", "SECRET", "Orgs", "admit", "ask", "count_statements", "file_for", "member_client", "orgs"]


@dataclass
class Orgs:
    ngo: int
    union: int
    members: dict = field(default_factory=dict)  # name -> StaffUser
    secretariat: object = None
    chair: object = None


@pytest.fixture
def orgs(app, make_user) -> Orgs:
    """A child-rights NGO and a mine-workers' union, each with a member; a secretariat officer and a chair."""
    with app.app_context():
        ngo = Organisation(name="Haki za Watoto", kind=OrganisationKind.NGO)
        union = Organisation(name="Mine Workers Union", kind=OrganisationKind.UNION)
        db.session.add_all([ngo, union])
        db.session.commit()
        ids = ngo.id, union.id
    found = Orgs(ngo=ids[0], union=ids[1])
    found.members["ngo"] = make_user(Role.ORGANISATION, organisation_id=ids[0], locale="fr", email="amina@ngo.test")
    found.members["ngo2"] = make_user(Role.ORGANISATION, organisation_id=ids[0], locale="sw", email="juma@ngo.test")
    found.members["union"] = make_user(Role.ORGANISATION, organisation_id=ids[1], email="paul@union.test")
    found.secretariat = make_user(Role.SECRETARIAT, email="officer@secretariat.test")
    found.chair = make_user(Role.CHAIR, email="chair@secretariat.test", nomination="independent")
    return found


@pytest.fixture
def member_client(app, login_as):
    """A fresh test client signed in as this account."""

    def make(user):
        return login_as(app.test_client(), user)

    return make


def file_for(app, file_grievance, organisation_id: int | None, **fields) -> str:
    """File through the form, then mark the case as filed by the organisation (as filing on behalf will)."""
    _, reference, _ = file_grievance(**fields)
    assert reference, "the grievance was not filed"
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        case.filed_by_organisation_id = organisation_id
        db.session.commit()
    return reference


def _case(reference: str) -> Case:
    return db.session.scalar(select(Case).where(Case.reference == reference))


def ask(app, reference: str, officer, question: str = "How many children work at the pit?") -> None:
    """The secretariat acknowledges the case and asks the complainant's side a question."""
    with app.app_context():
        case, actor = _case(reference), db.session.get(User, officer.id)
        if case.state == State.SUBMITTED:
            take_action(case, Action.ACKNOWLEDGE, actor, Role.SECRETARIAT)
        take_action(case, Action.REQUEST_INFO, actor, Role.SECRETARIAT, given=ActionInput(message=question))
        db.session.commit()


def admit(app, reference: str, chair, outcome: str | None = None) -> None:
    """Test set-up only: the case admitted (its admissibility decision recorded), optionally also decided. The
    decisions are announced as the committee's own are (``decision_recorded``): that audit entry is what moves the
    register's version, which the public pages and the theme trackers are cached by."""
    with app.app_context():
        case = _case(reference)
        case.state = State.COMPANY_RESPONSE
        decision = Decision(case_id=case.id, kind=DecisionKind.ADMISSIBILITY, admissible=True, signed_by_id=chair.id)
        decision.reasons = "Within the covenant's scope."
        db.session.add(decision)
        if outcome:
            case.state, case.outcome = State.DECIDED, outcome
            decided = Decision(case_id=case.id, kind=DecisionKind.OUTCOME, outcome=outcome, signed_by_id=chair.id)
            decided.reasons = "Founded."
            db.session.add(decided)
        db.session.flush()
        for made in db.session.scalars(select(Decision).where(Decision.case_id == case.id)):
            signals.decision_recorded.send(case, decision=made, actor=db.session.get(User, chair.id))
        db.session.commit()


class count_statements:
    """Count the SQL statements run inside the ``with`` block."""

    def __init__(self, app):
        self.app, self.count = app, 0

    def _count(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)
