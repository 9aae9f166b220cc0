"""``visible_cases`` (SQL) agrees with ``can_view`` (Python) on cases that name no company yet.

A NULL respondent once made ``respondent IN (ties)`` NULL, so ``NOT (... OR NULL)`` hid every unlinked case, that is
every new grievance, from the lists of anyone who had declared a tie.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.cases.access import can_view, visible_cases
from portal.cases.models import Case
from portal.extensions import db
from portal.users.models import User


def test_a_tied_officer_lists_the_new_grievances_they_may_open(app, world, client_as, file_grievance):
    _, fresh, _ = file_grievance()
    listed = client_as("secretariat_recused").get("/staff/cases").get_data(as_text=True)
    assert fresh in listed and world.reference not in listed
    with app.app_context():
        officer = db.session.get(User, world.users["secretariat_recused"])
        for case in db.session.scalars(select(Case)):
            in_sql = db.session.scalar(select(Case.id).where(Case.id == case.id, visible_cases(officer)))
            assert (in_sql is not None) == can_view(case, officer), case.reference
