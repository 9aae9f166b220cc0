"""The public endpoints: the same cases as the register page, cursor pages that cover each public case once and
nothing else, no secret text, suppressed statistics without their numbers, ETags, and problems for bad input."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.api.tokens import ApiToken, issue, revoke
from portal.cases.committee import Decision
from portal.cases.models import Case
from portal.cases.workflow import DecisionKind, State
from portal.extensions import db
from portal.organisations.models import EntityKind, SupplyChainEntity
from portal.transparency import operations
from portal.users.models import User
from tests.transparency.test_no_secrets import SECRETS, public_texts
from tests.transparency.test_register_list import listed


def api_references(client, query: str = "", limit: int = 100) -> list[str]:
    """Every reference the API lists for ``query``, walking the cursor to the end."""
    found: list[str] = []
    cursor = None
    for _ in range(100):
        suffix = f"&cursor={cursor}" if cursor else ""
        response = client.get(f"/api/v1/register?limit={limit}&{query}{suffix}")
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        found += [case["reference"] for case in body["cases"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return found
    raise AssertionError("the cursor never ended")


def is_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["type"].startswith("/api/v1/docs#problem-")
    return body


@pytest.mark.parametrize(
    "query",
    [
        "",
        "stage=dialogue",
        "category=forced_labour",
        "commodity=tin",
        "country=PE",
        "country=pe",
        "year=2024",
        "outcome=settled",
        "stage=dialogue&category=forced_labour",
    ],
)
def test_each_filter_gives_the_same_cases_as_the_page(client, varied, query):
    page = listed(client, query)
    assert len(page) < 25  # one page of the register page holds them all
    assert set(api_references(client, query)) == page


def test_the_entity_filter_gives_the_same_cases_as_the_page(client, varied):
    query = f"entity={varied['mine_id']}"
    assert set(api_references(client, query)) == listed(client, query) == {varied["mine"]}


@pytest.fixture
def mixed(app, world, make_case):
    """Seven public cases besides the world's, and one of each kind that must never be listed."""
    with app.app_context():
        public = [make_case() for _ in range(7)]
        hidden = [
            make_case(admitted=False, state=State.ASSESSMENT),  # not admitted
            make_case(register_listed=False),  # the complainant opted out
            make_case(retaliation_risk=True),  # flagged, not closed and released
            make_case(categories=("retaliation",)),  # flagged by its category
            make_case(state=State.WITHDRAWN),
        ]
        # declared inadmissible, its reasons not published
        refused = make_case(admitted=False, state=State.INADMISSIBLE)
        case_id = db.session.scalar(select(Case.id).where(Case.reference == refused))
        chair = db.session.get(User, world.users["chair"])
        decision = Decision(case_id=case_id, kind=DecisionKind.ADMISSIBILITY, admissible=False, signed_by_id=chair.id)
        decision.reasons = "Secret reasons"
        db.session.add(decision)
        db.session.commit()
        return {"public": set(public) | {world.reference}, "hidden": set(hidden) | {refused}}


@pytest.mark.parametrize("limit", [1, 3, 100])
def test_cursor_pages_cover_every_public_case_once_and_nothing_else(client, mixed, limit):
    found = api_references(client, limit=limit)
    assert len(found) == len(set(found)), "a case came twice"
    assert set(found) == mixed["public"] == listed(client)
    assert not set(found) & mixed["hidden"]
    for reference in mixed["hidden"]:
        is_problem(client.get(f"/api/v1/register/{reference}"), 404)
    newest_first = client.get("/api/v1/register?limit=100").get_json()["cases"]
    assert [case["reference"] for case in newest_first] == sorted(
        found, key=lambda r: int(r.split("-")[2]), reverse=True
    )


def test_a_case_answer_is_the_open_data_record(client, case):
    answer = client.get(f"/api/v1/register/{case.reference}")
    assert answer.status_code == 200
    body = answer.get_json()
    open_data = client.get("/open-data/register.json").get_json()["cases"]
    record = next(item for item in open_data if item["reference"] == case.reference)
    assert {key: value for key, value in body.items() if key != "related"} == record
    assert body["related"] == []


def test_no_secret_text_reaches_any_api_answer(client, case, person):
    from portal.cases.casework import add_internal_note, send_message
    from portal.intake.operations import add_complainant_reply

    add_complainant_reply(case, "A reply naming Mrs Ilunga at the pit", [], "en")
    add_internal_note(case, person("secretariat"), "Internal: the officer suspects the foreman")
    send_message(case, person("secretariat"), "Message to the complainant about the hearing")
    summary = operations.draft_text(case, person("secretariat"), "en", "Workers at a cobalt depot complained.")
    operations.approve(case, summary, person("chair"))
    decision = db.session.scalar(select(Decision).where(Decision.case_id == case.id))
    decision_summary = operations.draft_text(case, person("secretariat"), "fr", "Le panel a admis le cas.", decision)
    operations.approve(case, decision_summary, person("chair"))
    db.session.commit()
    assert public_texts(client, case.reference)  # the pages' own check passes on the same data

    answers = {}
    site_id = db.session.scalar(select(SupplyChainEntity.id))
    for path in (
        "/api/v1/register",
        f"/api/v1/register/{case.reference}",
        "/api/v1/statistics",
        "/api/v1/decisions",
        "/api/v1/entities",
        f"/api/v1/entities/{site_id}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        answers[path] = response.get_data(as_text=True)
    assert "Workers at a cobalt depot complained." in answers[f"/api/v1/register/{case.reference}"]
    assert "Le panel a admis le cas." in answers["/api/v1/decisions"]
    for path, text in answers.items():
        for secret in SECRETS:
            assert secret not in text, (path, secret)
            assert json.dumps(secret)[1:-1] not in text, (path, secret)


def test_a_suppressed_statistics_cell_carries_no_number(client, app, world, make_case):
    with app.app_context():
        for _ in range(6):
            make_case(country="ZM")
        make_case(country="PE")
        make_case(country="PE")
    body = client.get("/api/v1/statistics").get_json()
    assert body["threshold"] == 5 and body["built_at"]
    countries = {
        row["keys"][0]: row for table in body["tables"] if table["name"] == "countries" for row in table["rows"]
    }
    assert countries["PE"] == {"keys": ["PE"], "suppressed": True}
    for table in body["tables"]:
        for row in table["rows"]:
            assert ("value" in row) is not row["suppressed"], (table["name"], row)
            if table["unit"] in ("cases", "commitments") and not row["suppressed"]:
                assert row["value"] == 0 or row["value"] >= 5, (table["name"], row)
    # the same figures as the page's snapshot: the total of nine listed cases is shown
    assert body["total"] == {"keys": [], "suppressed": False, "value": 9}


@pytest.mark.parametrize("path", ["/api/v1/register", "/api/v1/register/{reference}", "/api/v1/statistics"])
def test_a_client_with_the_current_etag_gets_304(client, world, path):
    path = path.format(reference=world.reference)
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(path, headers={"If-None-Match": '"v0-1"'}).status_code == 200


def test_the_etag_changes_when_the_register_changes(client, case, person):
    before = client.get("/api/v1/register").headers["ETag"]
    operations.set_register_choice(case, False)
    db.session.commit()
    after = client.get("/api/v1/register", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.get_json()["cases"] == []


def test_an_unknown_reference_is_a_404_problem(client, world):
    is_problem(client.get("/api/v1/register/MC-2026-99999"), 404)
    is_problem(client.get("/api/v1/register/nonsense"), 404)
    is_problem(client.get("/api/v1/entities/999999"), 404)


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=101", "limit=x", "cursor=%%%", "cursor=bm9wZQ", "cursor=MXwy", "stage=nowhere", "year=1999"],
)
def test_bad_paging_or_filter_is_a_422_problem(client, world, query):
    body = is_problem(client.get(f"/api/v1/register?{query}"), 422)
    assert body["title"]


def test_a_bad_decisions_cursor_is_a_422_problem(client, world):
    is_problem(client.get("/api/v1/decisions?cursor=bm9wZQ"), 422)


def test_a_token_is_optional_but_checked(client, app, world):
    # No app context held across the requests: each request has its own (the token is memoised on ``g``).
    with app.app_context():
        secretariat = db.session.get(User, world.users["secretariat"])
        token, secret = issue(secretariat, "reporting", ["public:read"], 30)
        _, staff_secret = issue(secretariat, "staff", ["staff:read"], 30)
        db.session.commit()
        token_id = token.id
    assert client.get("/api/v1/register", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    is_problem(client.get("/api/v1/register", headers={"Authorization": f"Bearer {staff_secret}"}), 403)
    is_problem(client.get("/api/v1/register", headers={"Authorization": "Bearer cvp_unknown"}), 401)
    with app.app_context():
        revoke(db.session.get(ApiToken, token_id), db.session.get(User, world.users["secretariat"]))
        db.session.commit()
    is_problem(client.get("/api/v1/statistics", headers={"Authorization": f"Bearer {secret}"}), 401)


def test_decisions_are_paged_newest_first(client, app, world, make_case, person, case):
    references = []
    for reference in [case.reference]:
        decision = db.session.scalar(select(Decision).where(Decision.case_id == case.id))
        text = operations.draft_text(case, person("secretariat"), "en", "The panel admitted it.", decision)
        operations.approve(case, text, person("chair"))
        references.append(reference)
    db.session.commit()
    body = client.get("/api/v1/decisions?limit=1").get_json()
    assert [item["reference"] for item in body["decisions"]] == references
    assert body["decisions"][0]["summary"] == {"en": "The panel admitted it."}
    assert body["next_cursor"] is None


def test_entities_carry_their_identifiers_and_nothing_else(client, app, world):
    with app.app_context():
        for number in range(3):
            db.session.add(
                SupplyChainEntity(
                    name=f"Smelter {number}", kind=EntityKind.SMELTER, country="ID", rmi_id=f"CID00{number}123"
                )
            )
        db.session.commit()
        expected = {site.id for site in db.session.scalars(select(SupplyChainEntity))}
    found, cursor = [], None
    while True:
        body = client.get("/api/v1/entities?limit=2" + (f"&cursor={cursor}" if cursor else "")).get_json()
        found += body["entities"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert {site["id"] for site in found} == expected and len(found) == len(expected)
    keys = {"id", "name", "kind", "country", "region", "rmi_id", "os_id", "geonames_id"}
    assert all(set(site) == keys for site in found)
    only_id = client.get("/api/v1/entities?country=id").get_json()["entities"]
    assert {site["rmi_id"] for site in only_id} == {"CID000123", "CID001123", "CID002123"}
    one = client.get(f"/api/v1/entities/{found[0]['id']}").get_json()
    assert one == found[0]
