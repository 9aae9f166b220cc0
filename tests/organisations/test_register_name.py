"""The public register names the organisation that filed a case only if its admin agreed (issue 14): on the case
page, in the CSV and in the JSON; a member who is not the admin cannot decide; the change is audited and reaches
pages the register already cached."""

from __future__ import annotations

import json

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.roles import Role
from portal.extensions import db
from tests.organisations.fixtures_cases import admit, file_for

NAME = "Bana ya Kolwezi Child Rights"


def _everywhere(client, reference: str) -> dict[str, bool]:
    records = json.loads(client.get("/open-data/register.json").get_data(as_text=True))
    record = next(r for r in (records.get("cases") or records.get("records") or []) if r["reference"] == reference)
    return {
        "page": NAME in client.get(f"/en/register/{reference}").get_data(as_text=True),
        "csv": NAME in client.get("/open-data/register.csv").get_data(as_text=True),
        "json": record["representing_organisation"] == NAME,
    }


def test_the_register_names_the_filing_organisation_only_with_its_consent(
    app, client, make_user, login_as, file_grievance, verified_ngo, ngo_admin, ngo_member
):
    chair = make_user(Role.CHAIR)
    reference = file_for(app, file_grievance, verified_ngo.id)
    admit(app, reference, chair)
    assert _everywhere(client, reference) == {"page": False, "csv": False, "json": False}

    member = login_as(app.test_client(), ngo_member)
    assert member.post("/org/register-name", data={"named": "yes"}).status_code == 403
    home = member.get("/org/").get_data(as_text=True)
    assert 'id="register-name"' in home and 'action="/org/register-name"' not in home  # told, not asked

    admin = login_as(app.test_client(), ngo_admin)
    assert admin.post("/org/register-name", data={"named": "maybe"}).status_code == 302  # refused in words
    assert _everywhere(client, reference) == {"page": False, "csv": False, "json": False}
    assert admin.post("/org/register-name", data={"named": "yes"}).status_code == 302
    assert _everywhere(client, reference) == {"page": True, "csv": True, "json": True}
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "registry-changed").order_by(AuditEntry.id.desc())
        ).first()
        assert entry.actor_id == ngo_admin.id and "named_in_register" in entry.data

    assert admin.post("/org/register-name", data={"named": "no"}).status_code == 302
    assert _everywhere(client, reference) == {"page": False, "csv": False, "json": False}
