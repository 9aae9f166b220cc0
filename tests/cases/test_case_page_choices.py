"""The case page's choice lists of people: whom the panel form and the officer form offer."""

from __future__ import annotations

import re

from portal.extensions import db
from portal.users.models import User


def _options(page: str, select_id: str) -> list[str]:
    """The labels of the options of ``<select id=select_id>`` on ``page``."""
    start = page.index(f'id="{select_id}"')
    return re.findall(r"<option[^>]*>([^<]*)</option>", page[start : page.index("</select>", start)])


def test_the_panel_offers_active_committee_members_and_the_officer_form_the_secretariat(app, world, client_as):
    with app.app_context():
        db.session.get(User, world.users["member_union"]).active = False  # a deactivated account is never offered
        db.session.commit()
    page = client_as("secretariat").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    panel = _options(page, "user_id")
    assert {"chair", "member_panel", "member_off_panel", "member_recused"} <= set(panel)
    assert not {"secretariat", "admin", "liaison", "member_union"} & set(panel)
    assert panel[1:] == sorted(panel[1:])  # by name, after "Choose"
    assert set(_options(page, "officer")[1:]) == {"secretariat", "secretariat_recused"}
