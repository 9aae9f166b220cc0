"""Every /org/ route and every role, for both organisations: anonymous visitors are sent to sign in; staff, the
committee and companies are refused; a member reaches their own organisation's pages only (another organisation's
case, tracker or member answers 404, as if it did not exist); only an admin invites and removes.

The world: a child-rights NGO (admin and member) that filed a case and follows a theme, and a mine-workers' union
(admin and member). Each actor walks every route in one test; the routes that delete come last."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.api.webhooks import WebhookSubscription
from portal.core.roles import Role
from portal.extensions import db
from portal.orgs.trackers import Tracker
from tests.organisations.conftest import file_on_behalf

R, N, F, OK, S = 302, 404, 403, 200, 303  # redirect, hidden, forbidden, shown, "see other" (the form's first step)

ACTORS = ("anonymous", "admin", "secretariat", "chair", "member", "liaison", "ngo_admin", "ngo_member", "union_admin",
          "union_member")  # fmt: skip

#                                                      anon admin sec chair memb liais ngoA ngoM uniA uniM
ROUTES: list[tuple[str, str, dict | None, list[int]]] = [
    ("GET", "/org/", None,                                 [R, F, F, F, F, F, OK, OK, OK, OK]),
    ("GET", "/org/members/invite", None,                   [R, F, F, F, F, F, OK, F, OK, F]),
    ("GET", "/org/invitation/no-such-invitation", None,    [N, N, N, N, N, N, N, N, N, N]),
    ("POST", "/org/invitation/no-such-invitation", {"new_password": "a long new passphrase"},
                                                           [N, N, N, N, N, N, N, N, N, N]),
    ("GET", "/org/cases", None,                            [R, F, F, F, F, F, OK, OK, OK, OK]),
    ("GET", "/org/cases.csv", None,                        [R, F, F, F, F, F, OK, OK, OK, OK]),
    ("GET", "/org/cases/{ngo_case}", None,                 [R, F, F, F, F, F, OK, OK, N, N]),
    ("GET", "/org/trackers", None,                         [R, F, F, F, F, F, OK, OK, OK, OK]),
    ("GET", "/org/trackers/{ngo_tracker}", None,           [R, F, F, F, F, F, OK, OK, N, N]),
    # A message on the NGO's case: its members write (back to the case page); nobody else learns it exists.
    ("POST", "/org/cases/{ngo_case}", {"message": "More news from Kasulo."},
                                                           [R, F, F, F, F, F, R, R, N, N]),
    # No decision yet: the NGO is told in words there is nothing to review (back to its case), others see nothing.
    ("POST", "/org/cases/{ngo_case}/review", {"reasons": "We disagree."},
                                                           [R, F, F, F, F, F, R, R, N, N]),
    ("POST", "/org/trackers", {"name": "Cobalt", "commodity": "cobalt"},
                                                           [R, F, F, F, F, F, R, R, R, R]),
    ("POST", "/org/register-name", {"named": "no"},         [R, F, F, F, F, F, R, F, R, F]),
    ("POST", "/org/file", {},                              [R, F, F, F, F, F, S, S, S, S]),
    ("POST", "/org/members/invite", {"name": "New", "email": "new-{actor}@org.example", "locale": "fr"},
                                                           [R, F, F, F, F, F, R, F, R, F]),
    # Webhooks: every member reads the page; only an admin adds or changes, and only its own organisation's.
    ("GET", "/org/webhooks", None,                         [R, F, F, F, F, F, OK, OK, OK, OK]),
    ("POST", "/org/webhooks", {"url": "http://127.0.0.1:9/{actor}", "events": "case.message"},
                                                           [R, F, F, F, F, F, OK, F, OK, F]),
    ("POST", "/org/webhooks/{ngo_webhook}/test", {},       [R, F, F, F, F, F, R, F, N, F]),
    ("POST", "/org/webhooks/{ngo_webhook}/disable", {},    [R, F, F, F, F, F, R, F, N, F]),
    ("POST", "/org/webhooks/{ngo_webhook}/enable", {},     [R, F, F, F, F, F, R, F, N, F]),
    # Deleting and removing come last: the NGO's own tracker and member.
    ("POST", "/org/trackers/{ngo_tracker}/delete", {},     [R, F, F, F, F, F, R, R, N, N]),
    ("POST", "/org/members/{ngo_member_id}/remove", {},    [R, F, F, F, F, F, R, F, N, F]),
    ("POST", "/org/webhooks/{ngo_webhook}/delete", {},     [R, F, F, F, F, F, R, F, N, F]),
]  # fmt: skip


@pytest.fixture
def org_world(app, make_user, login_as, verified_ngo, verified_union, ngo_admin, ngo_member):
    union_admin = make_user(Role.ORGANISATION, "admin@sulawesi.example", verified_union.id, organisation_admin=True)
    union_member = make_user(Role.ORGANISATION, "rep@sulawesi.example", verified_union.id)
    people = {
        "admin": make_user(Role.ADMIN),
        "secretariat": make_user(Role.SECRETARIAT),
        "chair": make_user(Role.CHAIR),
        "member": make_user(Role.MEMBER),
        "liaison": make_user(Role.COMPANY),
        "ngo_admin": ngo_admin,
        "ngo_member": ngo_member,
        "union_admin": union_admin,
        "union_member": union_member,
    }
    _response, reference, _receipts = file_on_behalf(login_as(app.test_client(), ngo_member))
    assert reference
    with app.app_context():
        tracker = Tracker(organisation_id=verified_ngo.id, name="Child labour", category="child_labour")
        db.session.add(tracker)
        db.session.commit()
        tracker_id = tracker.id
        webhook = WebhookSubscription(organisation_id=verified_ngo.id, url="http://127.0.0.1:9/", events="case.message")
        webhook.secret = "whsec_test"
        db.session.add(webhook)
        db.session.commit()
        webhook_id = webhook.id
        assert db.session.scalar(select(Tracker.id).where(Tracker.organisation_id == verified_union.id)) is None
    values = {"ngo_case": reference, "ngo_tracker": tracker_id, "ngo_member_id": ngo_member.id}
    values["ngo_webhook"] = webhook_id
    return people, values


@pytest.mark.parametrize("actor", ACTORS)
def test_every_org_route_for_every_role(app, login_as, org_world, actor):
    people, values = org_world
    client = app.test_client()
    if actor != "anonymous":
        login_as(client, people[actor])
    column = ACTORS.index(actor)
    wrong = []
    for method, path, data, expected in ROUTES:
        url = path.format(**values)
        body = {key: value.format(actor=actor) for key, value in (data or {}).items()}
        response = client.get(url) if method == "GET" else client.post(url, data=body)
        if response.status_code != expected[column]:
            wrong.append(f"{method} {url}: {response.status_code}, expected {expected[column]}")
        if response.status_code == 302 and expected[column] == R and actor == "anonymous":
            assert "/staff/login" in response.headers["Location"], url
    assert wrong == [], actor


def test_the_matrix_names_every_org_route(app):
    """A new /org/ route must be added above, or this goes red."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/org"):
            continue
        for method in {"GET", "POST"} & set(rule.methods):
            listed = [p for m, p, *_ in ROUTES if m == method and _same_shape(p, rule.rule)]
            assert listed, f"{method} {rule.rule} is not in the /org/ access matrix"


def _same_shape(path: str, rule: str) -> bool:
    parts, rule_parts = path.strip("/").split("/"), rule.strip("/").split("/")
    if len(parts) != len(rule_parts):
        return False
    for part, rule_part in zip(parts, rule_parts, strict=True):
        if rule_part.startswith("<"):
            continue
        if part != rule_part and not part.startswith("{"):
            return False
    return True
