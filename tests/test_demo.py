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
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["portal", "demo"])
    assert "already present" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 15
        assert set(db.session.scalars(select(Case.state))) == {state.value for state in State}
        roles = set(db.session.scalars(select(User.role)))
        assert {Role.ADMIN, Role.SECRETARIAT, Role.CHAIR, Role.MEMBER, Role.COMPANY} <= roles
        assert all(user.totp_secret for user in db.session.scalars(select(User)))
    assert "TOTP secret" in first.output
    with app.app_context():
        emails = list(db.session.scalars(select(User.email)))
    assert len(emails) == 9 and all(email in first.output for email in emails)  # every account is printed
    line = next(line for line in first.output.splitlines() if "(sw," in line)
    reference, receipt = line.split()[0], line.split(": ", 1)[1]
    assert open_case(receipt, locale="sw").status_code == 302
    assert reference in client.get("/sw/follow-up/case").get_data(as_text=True)
