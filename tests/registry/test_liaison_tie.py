"""A company liaison speaks for a registered company; a union or NGO member belongs to a union, NGO or community
organisation. The admin's forms and the account operations both hold to it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.users import operations
from portal.users.models import User


def _invite(client, role, organisation_id):
    data = {"name": "Lia Son", "email": "lia@example.org", "role": role, "locale": "en"}
    return client.post("/staff/admin/users/new", data={**data, "organisation_id": str(organisation_id)})


@pytest.mark.parametrize(
    ("role", "kind", "status"),
    [("company", "company", 200), ("company", "union", 400), ("company", "industry_association", 400),
     ("organisation", "union", 200), ("organisation", "ngo", 200), ("organisation", "community_organisation", 200),
     ("organisation", "company", 400), ("member", "industry_association", 200)],
)  # fmt: skip
def test_the_invitation_form_ties_roles_to_the_right_kind(
    app, client, make_user, login_as, organisation, role, kind, status
):
    login_as(client, make_user("admin"))
    response = _invite(client, role, organisation("Registered", kind=kind))
    assert response.status_code == status
    page = response.get_data(as_text=True)
    if status == 400:
        assert "must be a" in page and "in the registry" in page
    with app.app_context():
        created = db.session.scalar(select(User).where(User.email == "lia@example.org"))
        assert (created is not None) == (status == 200)


def test_editing_a_liaison_keeps_the_tie_to_a_company(app, client, make_user, login_as, organisation):
    company, union = organisation("Cobalt Refiners"), organisation("Miners' Union", kind="union")
    liaison = make_user("company", organisation_id=company)
    login_as(client, make_user("admin"))
    data = {"role": "company", "organisation_id": str(union), "nomination": "", "active": "y"}
    response = client.post(f"/staff/admin/users/{liaison.id}", data=data)
    assert response.status_code == 400
    assert "organisation must be a company in the registry." in response.get_data(as_text=True)
    assert (
        client.post(f"/staff/admin/users/{liaison.id}", data={**data, "organisation_id": str(company)}).status_code
        == 302
    )


def test_the_operations_refuse_the_wrong_kind_too(app, make_user, organisation):
    union, company = organisation("Miners' Union", kind="union"), organisation("Cobalt Refiners")
    admin = make_user("admin")
    with app.app_context():
        actor = db.session.get(User, admin.id)
        with pytest.raises(operations.UserChangeRefused, match="organisation_kind_company"):
            operations.create_user(email="x@example.org", name="X", role="company", actor=actor, organisation_id=union)
        user, _password = operations.create_user(
            email="y@example.org", name="Y", role="organisation", actor=actor, organisation_id=union
        )
        with pytest.raises(operations.UserChangeRefused, match="organisation_kind_organisation"):
            operations.update_user(
                user,
                actor,
                role="organisation",
                organisation_id=company,
                nomination=None,
                vice_chair=False,
                active=True,
            )
