"""A small covenant world for access and workflow tests: organisations, a site, people in every role, a case."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from portal.cases.casework import company_respond, link_case, seat_panel_member, write_company_summary
from portal.cases.committee import PanelKind, SeatKind
from portal.cases.models import Attachment, Case, CaseEntry, EntryKind
from portal.cases.operations import ActionInput, take_action
from portal.cases.workflow import Action
from portal.core.roles import Role
from portal.extensions import db
from portal.media.uploads import PreparedFile
from portal.organisations.models import EntityKind, Organisation, OrganisationKind, SupplyChainEntity
from portal.users.models import Affiliation, Nomination, User
from tests.samples import PDF_BYTES

SECRET_DESCRIPTION = "The depot manager Mr Kasongo forces children to sort cobalt at night."

ROLES = [
    "anonymous", "admin", "secretariat", "secretariat_recused", "chair", "member_panel", "member_off_panel",
    "member_recused", "liaison", "liaison_other",
]  # fmt: skip


@dataclass
class World:
    reference: str
    users: dict
    submission_attachment_id: int
    company_attachment_id: int
    company_entry_id: int
    organisations: dict
    site_id: int
    receipt: str = ""


def _user(name: str, role: str, organisation: Organisation | None = None, **fields) -> User:
    user = User(
        email=f"{name}@world.test", name=name, role=role, organisation=organisation, password_hash="-", **fields
    )
    db.session.add(user)
    return user


def build_world(file_grievance) -> World:
    """A non-anonymous grievance about Century's smelter, admitted and answered by the company."""
    _, reference, receipt = file_grievance(
        description=SECRET_DESCRIPTION, anonymous="no", name="Amani", email="amani@example.org",
        files=[(io.BytesIO(PDF_BYTES), "contract.pdf")],
    )  # fmt: skip
    century = Organisation(name="Century", kind=OrganisationKind.COMPANY)
    tata = Organisation(name="Tata", kind=OrganisationKind.COMPANY)
    vnmi = Organisation(name="VNMI", kind=OrganisationKind.INDUSTRY_ASSOCIATION)
    fnv = Organisation(name="FNV", kind=OrganisationKind.UNION)
    db.session.add_all([century, tata, vnmi, fnv])
    site = SupplyChainEntity(name="Smelter", kind=EntityKind.SMELTER, country="NL")
    db.session.add(site)
    users = {
        "admin": _user("admin", Role.ADMIN),
        "secretariat": _user("secretariat", Role.SECRETARIAT),
        "secretariat_recused": _user("secretariat_recused", Role.SECRETARIAT),
        "chair": _user("chair", Role.CHAIR, nomination=Nomination.INDEPENDENT),
        "member_panel": _user("member_panel", Role.MEMBER, vnmi, nomination=Nomination.INDUSTRY),
        "member_union": _user("member_union", Role.MEMBER, fnv, nomination=Nomination.CIVIL_SOCIETY),
        "member_off_panel": _user("member_off_panel", Role.MEMBER, fnv, nomination=Nomination.CIVIL_SOCIETY),
        "member_recused": _user("member_recused", Role.MEMBER, vnmi, nomination=Nomination.INDUSTRY),
        "liaison": _user("liaison", Role.COMPANY, century),
        "liaison_other": _user("liaison_other", Role.COMPANY, tata),
    }
    db.session.flush()
    users["secretariat_recused"].affiliations.append(Affiliation(organisation_id=century.id))
    users["member_recused"].affiliations.append(Affiliation(entity_id=site.id))
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    chair = users["chair"]
    link_case(case, chair, century.id, [site.id])
    write_company_summary(case, chair, "Night work by children is reported at a depot supplying the smelter.")
    take_action(case, Action.ACKNOWLEDGE, users["secretariat"], Role.SECRETARIAT)
    take_action(case, Action.OPEN_ASSESSMENT, users["secretariat"], Role.SECRETARIAT)
    seat_panel_member(case, chair, SeatKind.CHAIR, PanelKind.ORIGINAL, chair)
    seat_panel_member(case, users["member_panel"], SeatKind.INDUSTRY, PanelKind.ORIGINAL, chair)
    seat_panel_member(case, users["member_union"], SeatKind.CIVIL_SOCIETY, PanelKind.ORIGINAL, chair)
    take_action(case, Action.ADMIT, chair, Role.CHAIR, given=ActionInput(reasons="Within the covenant's scope."))
    response = company_respond(
        case, users["liaison"], "We are investigating.", [PreparedFile("audit.pdf", "application/pdf", PDF_BYTES)]
    )
    db.session.commit()
    submission = db.session.scalar(
        select(Attachment).join(CaseEntry).where(CaseEntry.case_id == case.id, CaseEntry.kind == EntryKind.SUBMISSION)
    )
    return World(
        reference=reference,
        users={key: user.id for key, user in users.items()},
        submission_attachment_id=submission.id,
        company_attachment_id=response.attachments[0].id,
        company_entry_id=response.id,
        organisations={"century": century.id, "tata": tata.id},
        site_id=site.id,
        receipt=receipt,
    )


@pytest.fixture
def world(app, file_grievance) -> World:
    with app.app_context():
        return build_world(file_grievance)


@pytest.fixture
def case(app, world):
    """The world's case (admitted, original panel seated), inside an app context."""
    with app.app_context():
        yield db.session.scalar(select(Case).where(Case.reference == world.reference))


@pytest.fixture
def person(world, case):
    """A function giving one of the world's people by name, in the ``case`` fixture's app context."""

    def get(name: str) -> User:
        return db.session.get(User, world.users[name])

    return get


@pytest.fixture
def client_as(app, world):
    """A test client logged in as one of the world's people ("anonymous" for nobody)."""
    from portal.users.sessions import stamp

    def make(role: str):
        client = app.test_client()
        if role != "anonymous":
            with app.app_context(), client.session_transaction() as session:
                stamp(session, db.session.get(User, world.users[role]))
                session["_fresh"] = True
        return client

    return make


@pytest.fixture
def frozen_time(monkeypatch):
    """Set ``.now`` to fix the time the case operations read (deadlines, the review window); real time until then."""
    from types import SimpleNamespace

    from portal.core.db import utcnow

    clock = SimpleNamespace(now=None)
    monkeypatch.setattr("portal.cases.operations.utcnow", lambda: clock.now or utcnow())
    return clock
