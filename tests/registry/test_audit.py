"""Every registry change writes a hash-chained audit entry that names ids and field names, never the words."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.audit.verify import check_chain
from portal.extensions import db
from portal.registry import operations
from portal.users.models import User
from tests.registry.conftest import registry_entries


def test_create_edit_and_relation_changes_chain_into_the_trail(app, make_user):
    officer = make_user("secretariat")
    with app.app_context():
        actor = db.session.get(User, officer.id)
        company, _ = operations.save_organisation(
            operations.OrganisationInput(name="Secret Name Ltd", kind="company"), actor
        )
        site, _ = operations.save_entity(
            operations.EntityInput(name="Hidden Valley mine", kind="mine", country="CD", commodities=["cobalt"]), actor
        )
        operations.save_organisation(operations.OrganisationInput(name="Secret Name Ltd", kind="ngo"), actor, company)
        relation = operations.add_relation(company, "operates", site, actor)
        operations.remove_relation(relation, actor)
        db.session.commit()

        entries = registry_entries()
        assert [(target, facts["change"]) for target, _actor, facts in entries] == [
            (f"organisation:{company.id}", "created"),
            (f"entity:{site.id}", "created"),
            (f"organisation:{company.id}", "updated"),
            (f"organisation:{company.id}", "relation_added"),
            (f"organisation:{company.id}", "relation_removed"),
        ]
        assert {actor_id for _target, actor_id, _facts in entries} == {officer.id}
        assert entries[2][2]["fields"] == ["kind"]
        for row in db.session.scalars(select(AuditEntry)):
            assert "Secret Name" not in row.data and "Hidden Valley" not in row.data
        assert check_chain(db.session).problems == []


def test_the_chair_reads_registry_entries_in_the_trail(app, client, make_user, login_as, organisation):
    organisation_id = organisation("Registered Ltd")
    login_as(client, make_user("chair"))
    page = client.get(f"/staff/audit/?target=organisation:{organisation_id}").get_data(as_text=True)
    assert "Registry changed" in page
    assert f"organisation:{organisation_id}" in page
