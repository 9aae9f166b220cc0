"""Every staff route, every role: the right status, and nothing of the case leaks to anyone who may not see it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.cases.conftest import ROLES, SECRET_DESCRIPTION

R, N, F, OK = 302, 404, 403, 200  # redirect (to login, or after a successful POST), hidden, forbidden, shown

#              anon admin  sec  sec_rec chair m_panel m_off m_rec liaison other
GET_MATRIX = {
    "/staff/": [R, F, OK, OK, OK, OK, OK, OK, F, F],
    "/staff/cases": [R, F, OK, OK, OK, OK, OK, OK, F, F],
    "/staff/cases/{ref}": [R, F, OK, N, OK, OK, N, N, F, F],
    "/staff/cases/{ref}/attachments/{submission_attachment}": [R, F, OK, N, OK, OK, N, N, F, F],
    "/staff/cases.csv": [R, F, OK, OK, OK, OK, OK, OK, F, F],
    "/staff/tags": [R, F, OK, OK, F, F, F, F, F, F],
    "/company/": [R, F, F, F, F, F, F, F, OK, OK],
    "/company/cases/{ref}": [R, F, F, F, F, F, F, F, OK, N],
    "/company/cases/{ref}/attachments/{company_attachment}": [R, F, F, F, F, F, F, F, OK, N],
    # A company never downloads the complainant's evidence.
    "/company/cases/{ref}/attachments/{submission_attachment}": [R, F, F, F, F, F, F, F, N, N],
    "/staff/audit/": [R, OK, F, F, OK, F, F, F, F, F],
    "/staff/admin/users": [R, OK, F, F, F, F, F, F, F, F],
    "/staff/account": [R, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    # API tokens (portal/api/pages.py): every account makes its own, with the scopes its role allows.
    "/staff/account/tokens/new": [R, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    # The organisation's own pages (portal/orgs/cases.py): members only; their tests are in
    # tests/organisations/ (another organisation's case or tracker answers 404 there).
    "/org/cases": [R, F, F, F, F, F, F, F, F, F],
    "/org/cases.csv": [R, F, F, F, F, F, F, F, F, F],
    "/org/cases/{ref}": [R, F, F, F, F, F, F, F, F, F],
    "/org/trackers": [R, F, F, F, F, F, F, F, F, F],
    "/org/trackers/1": [R, F, F, F, F, F, F, F, F, F],
    "/org/webhooks": [R, F, F, F, F, F, F, F, F, F],
    # The annual review: figures only (suppressed), so every committee-side role reads it, recused or not.
    "/staff/reviews": [R, F, OK, OK, OK, OK, OK, OK, F, F],
    "/staff/reviews/2025": [R, F, OK, OK, OK, OK, OK, OK, F, F],
    "/staff/reviews/2025/review.csv": [R, F, OK, OK, OK, OK, OK, OK, F, F],
    # The organisation pages are for union, NGO and community organisation members only (tests/organisations/).
    "/org/": [R, F, F, F, F, F, F, F, F, F],
    "/org/members/invite": [R, F, F, F, F, F, F, F, F, F],
    "/staff/message-templates": [R, F, OK, OK, OK, F, F, F, F, F],
    "/staff/cases/{ref}/message-template?step=acknowledge": [R, F, OK, N, OK, F, N, N, F, F],
    # The world's submission is a PDF: no thumbnail for anyone (a photo's, role by role: tests/media/test_thumbnails).
    "/staff/cases/{ref}/attachments/{submission_attachment}/thumbnail": [R, F, N, N, N, N, N, N, F, F],
    # The desk (portal/cases/desk_views.py): case staff only; an alert none of whose cases one may see is not found.
    "/staff/alerts": [R, F, OK, OK, OK, F, F, F, F, F],
    "/staff/alerts/999": [R, F, N, N, N, F, F, F, F, F],
    # The language and meeting forms' own pages (portal/cases/meeting_views.py): who may manage the case.
    "/staff/cases/{ref}/language": [R, F, OK, N, OK, F, F, F, F, F],
    "/staff/cases/{ref}/meetings/new": [R, F, OK, N, OK, F, F, F, F, F],
}

POST_MATRIX = {
    "/staff/cases/{ref}/message": ({"text": "Hello"}, [R, F, R, N, R, F, N, N, F, F]),
    "/staff/cases/{ref}/note": ({"note": "Call the depot"}, [R, F, R, N, R, R, N, N, F, F]),
    "/staff/cases/{ref}/identity": ({}, [R, F, OK, N, OK, F, F, F, F, F]),
    "/staff/cases/{ref}/actions/start_dialogue": ({}, [R, F, R, N, R, F, N, N, F, F]),
    "/staff/cases/{ref}/actions/decide": ({}, [R, F, F, N, F, F, N, N, F, F]),
    "/staff/cases/{ref}/company-summary": ({"summary": "New summary"}, [R, F, R, N, R, F, F, F, F, F]),
    "/staff/cases/{ref}/assign": ({"officer": ""}, [R, F, R, N, R, F, F, F, F, F]),
    "/staff/cases/{ref}/suspension": ({"suspend": "1"}, [R, F, F, F, R, F, F, F, F, F]),
    "/staff/cases/{ref}/urgency": ({"urgent": "1", "reason": "Danger"}, [R, F, R, N, R, F, F, F, F, F]),
    # The world's complainant files for themselves: case staff get a conflict (no mandate to check).
    "/staff/cases/{ref}/mandate/verify": ({}, [R, F, 409, N, 409, F, F, F, F, F]),
    "/staff/cases/{ref}/mandate/request": ({"text": "Send the list"}, [R, F, 409, N, 409, F, F, F, F, F]),
    "/staff/cases/{ref}/panel": (
        {"user_id": "{member_off_panel}", "seat": "civil_society", "panel": "review"},
        [R, F, R, N, R, F, F, F, F, F],
    ),
    "/staff/cases/{ref}/links": ({"respondent": "{century}"}, [R, F, R, N, R, F, F, F, F, F]),
    # Not in monitoring yet: the secretariat and the chair get a conflict, the others never get that far.
    "/staff/cases/{ref}/monitoring": ({"note": "Checked"}, [R, F, 409, N, 409, F, F, F, F, F]),
    # Not decided yet: commitments are refused with a conflict; a commitment that does not exist is not found.
    "/staff/cases/{ref}/commitments": (
        {"what": "Pay", "owed_by": "respondent", "instalments-0-due_on": "2026-03-01"},
        [R, F, 409, N, 409, F, F, F, F, F],
    ),
    "/staff/cases/{ref}/commitments/999/remove": ({}, [R, F, N, N, N, F, F, F, F, F]),
    "/staff/cases/{ref}/entries/{company_entry}/translation": (
        {"translation": "Nous enquêtons."},
        [R, F, R, N, R, F, F, F, F, F],
    ),
    "/staff/cases/{ref}/language": ({"language": "qu"}, [R, F, R, N, R, F, F, F, F, F]),
    "/staff/cases/{ref}/meetings": (
        {
            "meeting-kind": "hearing",
            "meeting-date": (date.today() + timedelta(days=30)).isoformat(),
            "meeting-time": "10:00",
            "meeting-timezone": "Africa/Lubumbashi",
            "meeting-duration": "90",
            "meeting-place": "Kolwezi",
        },
        [R, F, R, N, R, F, F, F, F, F],
    ),
    "/staff/reviews/2025/narrative": ({"locale": "en", "text": "Faster"}, [R, F, R, R, R, R, R, R, F, F]),
    # Only the chair adopts; the secretariat and members are refused by the operation (403).
    "/staff/reviews/2025/adopt": ({}, [R, F, F, F, R, F, F, F, F, F]),
    "/org/file": ({}, [R, F, F, F, F, F, F, F, F, F]),
    "/org/members/{member_off_panel}/remove": ({}, [R, F, F, F, F, F, F, F, F, F]),
    # Verifying a union, NGO or community organisation: the secretariat alone (a company is not one: 404).
    "/staff/organisations/{century}/verification": ({"value": "1"}, [R, F, N, N, F, F, F, F, F, F]),
    # The world's case was not filed by an organisation: nobody to write to.
    "/staff/cases/{ref}/organisation-message": ({"organisation-text": "Hello"}, [R, F, N, N, N, F, F, F, F, F]),
    "/staff/cases/{ref}/tags": ({"tag": "1"}, [R, F, 400, N, 400, F, F, F, F, F]),  # no tag 1 in this world
    "/staff/cases/{ref}/tags/1/remove": ({}, [R, F, N, N, N, F, F, F, F, F]),
    "/staff/cases/{ref}/staff-summary": ({"summary": "Depot, night"}, [R, F, R, N, R, F, F, F, F, F]),
    "/staff/cases/bulk": ({"action": "acknowledge", "case": "{ref}"}, [R, F, OK, OK, OK, F, F, F, F, F]),
    "/staff/cases/saved": ({"name": "Mine", "mine": "y"}, [R, F, R, R, R, R, R, R, F, F]),
    "/staff/cases/saved/999/delete": ({}, [R, F, N, N, N, N, N, N, F, F]),
    "/staff/tags": ({"label_en": "Heat"}, [R, F, R, R, F, F, F, F, F, F]),
    "/staff/alerts/999/acknowledge": ({}, [R, F, N, N, N, F, F, F, F, F]),
    "/staff/alerts/999/dismiss": ({}, [R, F, N, N, N, F, F, F, F, F]),
    "/staff/cases/{ref}/duplicates/999/dismiss": ({}, [R, F, N, N, N, F, F, F, F, F]),
    "/company/cases/{ref}/response": ({"response": "Our answer"}, [R, F, F, F, F, F, F, F, R, N]),
    "/company/cases/{ref}/extension": ({"reason": "An audit"}, [R, F, F, F, F, F, F, F, R, N]),
    "/org/cases/{ref}": ({"message": "Hello"}, [R, F, F, F, F, F, F, F, F, F]),
    # Everyone reads public data; nobody may revoke a token that is not theirs (none here: not found).
    "/staff/account/tokens/new": (
        {"name": "Reports", "scopes": "public:read", "lifetime": "30"},
        [R, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    "/staff/account/tokens/999/revoke": ({}, [R, N, N, N, N, N, N, N, N, N]),
    "/org/cases/{ref}/review": ({"reasons": "Unfair"}, [R, F, F, F, F, F, F, F, F, F]),
    "/org/trackers": ({"name": "Cobalt", "commodity": "cobalt"}, [R, F, F, F, F, F, F, F, F, F]),
    "/org/trackers/1/delete": ({}, [R, F, F, F, F, F, F, F, F, F]),
    "/org/webhooks": ({"url": "https://example.org/hook", "events": "case.message"}, [R, F, F, F, F, F, F, F, F, F]),
    "/org/webhooks/1/test": ({}, [R, F, F, F, F, F, F, F, F, F]),
    "/org/webhooks/1/disable": ({}, [R, F, F, F, F, F, F, F, F, F]),
    "/org/webhooks/1/enable": ({}, [R, F, F, F, F, F, F, F, F, F]),
    "/org/webhooks/1/delete": ({}, [R, F, F, F, F, F, F, F, F, F]),
    "/company/cases/{ref}/messages": ({"message": "A question"}, [R, F, F, F, F, F, F, F, R, N]),
    # Not monitored yet: no progress report (the company's own liaison is forbidden, another company's not told).
    "/company/cases/{ref}/commitments/999/progress": (
        {"progress-999-progress": "Paid"},
        [R, F, F, F, F, F, F, F, F, N],
    ),
    "/staff/cases/{ref}/description-translation": (
        {"description-translation": "The depot manager..."},
        [R, F, R, N, R, F, F, F, F, F],
    ),
    "/staff/cases/{ref}/company-message": ({"company-text": "Please send"}, [R, F, R, N, R, F, F, F, F, F]),
    "/staff/message-templates": (
        {"step": "acknowledge", "locale": "en", "body": "Received, thank you"},
        [R, F, R, R, R, F, F, F, F, F],
    ),
}


def _url(template: str, world) -> str:
    return template.format(
        ref=world.reference,
        submission_attachment=world.submission_attachment_id,
        company_attachment=world.company_attachment_id,
        company_entry=world.company_entry_id,
        member_off_panel=world.users["member_off_panel"],
        century=world.organisations["century"],
    )


def _assert_no_leak(response, world, status):
    if status in (F, N, R):
        body = response.get_data()
        assert SECRET_DESCRIPTION.encode() not in body
        assert b"Amani" not in body


@pytest.mark.parametrize("route", list(GET_MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_get_routes(world, client_as, route, role_index):
    expected = GET_MATRIX[route][role_index]
    response = client_as(ROLES[role_index]).get(_url(route, world))
    assert response.status_code == expected, (route, ROLES[role_index])
    _assert_no_leak(response, world, expected)
    if expected == R:
        assert "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("route", list(POST_MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_post_routes(world, client_as, route, role_index):
    data, statuses = POST_MATRIX[route]
    expected = statuses[role_index]
    response = client_as(ROLES[role_index]).post(_url(route, world), data={k: _url(v, world) for k, v in data.items()})
    assert response.status_code == expected, (route, ROLES[role_index])
    _assert_no_leak(response, world, expected)
    if ROLES[role_index] == "anonymous":
        assert "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["secretariat_recused", "member_off_panel", "member_recused"])
def test_lists_do_not_show_invisible_cases(world, client_as, role):
    for path in ["/staff/", "/staff/cases", "/staff/cases.csv"]:
        assert world.reference not in client_as(role).get(path).get_data(as_text=True)
    # Searched for by its reference: the search box says what was typed, but no case is listed nor opened.
    searched = client_as(role).get(f"/staff/cases?q={world.reference}").get_data(as_text=True)
    assert f'href="/staff/cases/{world.reference}"' not in searched
    assert (
        client_as(role)
        .get(f"/staff/go?q={world.reference}")
        .headers["Location"]
        .endswith(f"/staff/cases?q={world.reference}")
    )


def test_lists_show_visible_cases(world, client_as):
    for role in ["secretariat", "chair", "member_panel"]:
        assert world.reference in client_as(role).get("/staff/cases").get_data(as_text=True)
    assert world.reference in client_as("liaison").get("/company/").get_data(as_text=True)
    assert world.reference not in client_as("liaison_other").get("/company/").get_data(as_text=True)


def test_company_sees_the_summary_never_the_description_or_identity(world, client_as):
    html = client_as("liaison").get(f"/company/cases/{world.reference}").get_data(as_text=True)
    assert "Night work by children is reported" in html
    assert SECRET_DESCRIPTION not in html and "Amani" not in html


def test_recusals_are_recorded_on_the_case(app, world):
    from sqlalchemy import select

    from portal.cases.committee import Recusal
    from portal.extensions import db

    with app.app_context():
        recused = set(db.session.scalars(select(Recusal.user_id)))
    assert recused == {world.users["secretariat_recused"], world.users["member_recused"]}


def test_identity_view_shows_identity_to_the_secretariat(world, client_as):
    html = client_as("secretariat").post(f"/staff/cases/{world.reference}/identity").get_data(as_text=True)
    assert "Amani" in html and "amani@example.org" in html
