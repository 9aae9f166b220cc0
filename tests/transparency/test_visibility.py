"""Who is in the register: admitted (or inadmissible with public reasons); never opted out, withdrawn, or flagged
before closure and release. Checked on every public output: list, case page, CSV, JSON and the decisions feed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.cases.committee import Decision
from portal.cases.models import Case
from portal.cases.workflow import DecisionKind, State
from portal.extensions import db
from portal.transparency import operations


def outputs(client, reference: str) -> dict[str, bool]:
    """Where the reference shows up, per public output."""
    return {
        "list": reference in client.get("/en/register").get_data(as_text=True),
        "page": client.get(f"/en/register/{reference}").status_code == 200,
        "csv": reference in client.get("/open-data/register.csv").get_data(as_text=True),
        "json": reference in client.get("/open-data/register.json").get_data(as_text=True),
        "feed": reference in client.get("/open-data/decisions.atom").get_data(as_text=True),
    }


def publish_decision_summary(case: Case, person) -> None:
    decision = db.session.scalar(select(Decision).where(Decision.case_id == case.id).order_by(Decision.id))
    publication = operations.draft_text(case, person("secretariat"), "en", "The panel admitted the case.", decision)
    operations.approve(case, publication, person("chair"))
    db.session.commit()


EVERYWHERE = {"list": True, "page": True, "csv": True, "json": True, "feed": True}
NOWHERE = {"list": False, "page": False, "csv": False, "json": False, "feed": False}


def test_an_admitted_case_is_everywhere_once_its_decision_summary_is_published(client, case, person):
    publish_decision_summary(case, person)
    assert outputs(client, case.reference) == EVERYWHERE


def test_a_case_not_admitted_is_nowhere(client, app, world, make_case, person):
    with app.app_context():
        reference = make_case(admitted=False, state=State.ASSESSMENT)
        assert outputs(client, reference) == NOWHERE


def test_a_case_whose_complainant_opted_out_is_nowhere(client, case, person):
    publish_decision_summary(case, person)
    operations.set_register_choice(case, False)
    db.session.commit()
    assert outputs(client, case.reference) == NOWHERE
    operations.set_register_choice(case, True)
    db.session.commit()
    assert outputs(client, case.reference) == EVERYWHERE


@pytest.mark.parametrize("flag", ["retaliation_risk", "children_involved", "retaliation_category"])
def test_a_flagged_case_is_nowhere_until_closed_and_released(client, case, person, flag):
    publish_decision_summary(case, person)
    if flag == "retaliation_category":
        case.categories = [*case.categories, "retaliation"]
    else:
        setattr(case, flag, True)
    db.session.commit()
    assert outputs(client, case.reference) == NOWHERE
    with pytest.raises(operations.PublicationRefused):
        operations.set_released(case, person("secretariat"), True)  # still open
    case.state = State.CLOSED  # the lifecycle is tested elsewhere; here only the register's rule
    db.session.commit()
    assert outputs(client, case.reference) == NOWHERE  # closed, not yet released
    operations.set_released(case, person("secretariat"), True)
    db.session.commit()
    assert outputs(client, case.reference) == EVERYWHERE


def test_a_withdrawn_case_leaves_the_register(client, case, person):
    publish_decision_summary(case, person)
    case.state = State.WITHDRAWN
    db.session.commit()
    assert outputs(client, case.reference) == NOWHERE


def test_an_inadmissible_case_appears_only_with_public_reasons(client, app, world, make_case, person):
    with app.app_context():
        reference = make_case(admitted=False, state=State.INADMISSIBLE)
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        decision = Decision(
            case_id=case.id, kind=DecisionKind.ADMISSIBILITY, admissible=False, signed_by_id=world.users["chair"]
        )
        decision.reasons = "Outside the covenant's scope."
        db.session.add(decision)
        db.session.commit()
        assert outputs(client, reference) == NOWHERE
        publication = operations.draft_text(case, person("secretariat"), "en", "Not about a covenant member.", decision)
        db.session.commit()
        assert outputs(client, reference) == NOWHERE  # a draft is not public
        operations.approve(case, publication, person("chair"))
        db.session.commit()
        assert outputs(client, reference) == EVERYWHERE
        operations.withdraw(case, publication, person("secretariat"))
        db.session.commit()
        assert outputs(client, reference) == NOWHERE


def test_the_staff_page_says_whether_the_case_is_listed_as_the_register_does(
    client, app, make_case, staff_client, case, person
):
    """The publication panel asks the register's own rule (prepared once per process, per case a parameter)."""
    listed, unlisted = "This case is listed in the public register.", "This case is not listed in the public register."
    secretariat = staff_client("secretariat")
    with app.app_context():
        not_admitted = make_case(admitted=False, state=State.ASSESSMENT)
    assert unlisted in secretariat.get(f"/staff/cases/{not_admitted}").get_data(as_text=True)
    assert outputs(client, case.reference)["page"]
    assert listed in secretariat.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    operations.set_register_choice(case, False)
    db.session.commit()
    assert not outputs(client, case.reference)["page"]
    assert unlisted in secretariat.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
