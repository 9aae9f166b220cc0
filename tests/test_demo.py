from sqlalchemy import func, select

from portal.cases.models import Case
from portal.cases.workflow import State
from portal.core.roles import Role
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.users.models import User


def test_demo_loads_once_with_every_state_role_and_working_receipts(app, client, open_case):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["portal", "demo"])
    assert first.exit_code == 0, (first.output, first.exception)
    second = runner.invoke(args=["portal", "demo"])
    assert "already present" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 16
        assert set(db.session.scalars(select(Case.state))) == {state.value for state in State}
        roles = set(db.session.scalars(select(User.role)))
        assert {Role.ADMIN, Role.SECRETARIAT, Role.CHAIR, Role.MEMBER, Role.COMPANY, Role.ORGANISATION} <= roles
        assert all(user.totp_secret for user in db.session.scalars(select(User)))
    assert "TOTP secret" in first.output
    with app.app_context():
        emails = list(db.session.scalars(select(User.email)))
    assert len(emails) == 14 and all(email in first.output for email in emails)  # every account is printed
    line = next(line for line in first.output.splitlines() if "(sw," in line)
    reference, receipt = line.split()[0], line.split(": ", 1)[1]
    assert open_case(receipt, locale="sw").status_code == 302
    assert reference in client.get("/sw/follow-up/case").get_data(as_text=True)
    # The organisations' cases: filed on behalf of people in three languages; a family's own receipt opens one.
    with app.app_context():
        filed = db.session.scalars(select(Case).where(Case.filed_by_organisation_id.is_not(None))).all()
        assert sorted(case.submission_locale for case in filed) == ["fr", "id", "sw"]
        assert all(case.represented_kind and case.consent_method for case in filed)
        members = db.session.scalars(select(User).where(User.role == Role.ORGANISATION)).all()
        assert sum(user.organisation_admin for user in members) == 2 and len(members) == 4
    line = first.output.split("on behalf of people")[1].splitlines()[1]
    reference, own = line.split()[0], line.split(": ", 1)[1].split(", ")[1]
    family = app.test_client()
    assert family.post("/en/follow-up", data={"receipt": own}).status_code == 302
    assert reference in family.get("/en/follow-up/case").get_data(as_text=True)


def test_the_demo_review_is_chaired_by_a_vice_chair_on_a_panel_sharing_nobody_with_the_first(app):
    from portal.cases.access import actions_for
    from portal.cases.committee import PanelKind, PanelSeat, SeatKind
    from portal.cases.operations import has_quorum
    from portal.cases.workflow import Action

    assert app.test_cli_runner().invoke(args=["portal", "demo"]).exit_code == 0
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.state == State.REVIEW))
        seats = db.session.scalars(select(PanelSeat).where(PanelSeat.case_id == case.id)).all()
        original = {seat.user_id for seat in seats if seat.panel == PanelKind.ORIGINAL}
        review = {seat.seat: seat.user for seat in seats if seat.panel == PanelKind.REVIEW}
        assert len(review) == 3 and not original & {user.id for user in review.values()}
        assert has_quorum(case, PanelKind.REVIEW)
        vice_chair = review[SeatKind.CHAIR]
        assert vice_chair.role == Role.MEMBER and vice_chair.vice_chair
        with app.test_request_context():
            assert {Action.CONFIRM, Action.REVISE} <= set(actions_for(case, vice_chair))
            chair = db.session.scalar(select(User).where(User.role == Role.CHAIR))
            assert Action.CONFIRM not in actions_for(case, chair)
