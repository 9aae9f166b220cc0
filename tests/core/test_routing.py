"""Malformed input answers 400 or 404, never 500, on every database (portal/core/routing.py).

NUL bytes (PostgreSQL refuses them in text), numbers beyond 64 bits (no database integer holds them) and page
numbers whose offset overflows once came through to the database and crashed the request.
"""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from portal.core.errors import ERROR_TEXTS
from portal.core.routing import MAX_PAGE, page_number
from tests.cases.conftest import build_world

TOO_BIG = "2147483648"  # 2**31: one more than an id column (PostgreSQL INTEGER) holds
BEYOND_64_BITS = "9223372036854775808"
HUGE = "99999999999999999999"


@pytest.fixture
def world(app, file_grievance):
    with app.app_context():
        return build_world(file_grievance)


@pytest.fixture
def as_role(app, world, login_as):
    def make(role: str):
        from tests.conftest import StaffUser

        return login_as(app.test_client(), StaffUser(world.users[role], "", "", role))

    return make


NUL_QUERIES = [
    "/staff/cases?country=%00",
    "/staff/cases?state=submitted%00",
    "/staff/cases?sort=%00",
    "/staff/cases?page=1%00",
    "/staff/cases?%00=1",
]


@pytest.mark.parametrize("url", NUL_QUERIES)
def test_a_nul_byte_in_a_list_filter_is_a_400(as_role, url):
    assert as_role("secretariat").get(url).status_code == 400


@pytest.mark.parametrize("target", ["case:%00", "%00", "user:1%00"])
def test_a_nul_byte_in_an_audit_target_is_a_400(as_role, target):
    assert as_role("chair").get(f"/staff/audit/?target={target}").status_code == 400


def test_a_nul_byte_in_the_login_email_is_a_localised_400(app, client):
    client.get("/staff/login")  # CSRF is off in tests; the form still wants a session
    response = client.post("/staff/login", data={"email": "a\x00b@example.org", "password": "x"})
    assert response.status_code == 400
    with app.test_request_context(), force_locale("en"):
        assert str(ERROR_TEXTS[400][0]) in response.get_data(as_text=True)


def test_a_nul_byte_in_a_public_form_field_is_a_400_in_the_page_language(app, client):
    response = client.post("/fr/follow-up", data={"receipt": "1234\x005678"})
    assert response.status_code == 400
    with app.test_request_context():
        with force_locale("fr"):
            title = str(ERROR_TEXTS[400][0])
        with force_locale("en"):
            assert title != str(ERROR_TEXTS[400][0])
    assert title in response.get_data(as_text=True)


def test_a_nul_byte_in_a_merge_target_is_refused(as_role, world):
    response = as_role("secretariat").post(
        f"/staff/cases/{world.reference}/actions/merge",
        data={"merge_target": "MC-2026-\x0000001", "reasons": "Same events, same depot, same night."},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("reference", ["MC-2026-0%0001", "MC-2026-%C0%AF", "MC-9999-99999999999999999999"])
def test_a_malformed_reference_is_a_404(as_role, reference):
    assert as_role("secretariat").get(f"/staff/cases/{reference}").status_code == 404


@pytest.mark.parametrize("number", [TOO_BIG, BEYOND_64_BITS, HUGE, "-1"])
def test_ids_beyond_what_a_column_holds_are_a_404(as_role, world, number):
    secretariat, liaison, admin = as_role("secretariat"), as_role("liaison"), as_role("admin")
    assert secretariat.get(f"/staff/cases/{world.reference}/attachments/{number}").status_code == 404
    assert liaison.get(f"/company/cases/{world.reference}/attachments/{number}").status_code == 404
    assert admin.get(f"/staff/admin/users/{number}").status_code == 404
    response = secretariat.post(f"/staff/cases/{world.reference}/entries/{number}/translation", data={})
    assert response.status_code == 404


def test_the_largest_id_a_column_holds_is_still_a_plain_404(as_role, world):
    largest = str(2**31 - 1)
    assert as_role("secretariat").get(f"/staff/cases/{world.reference}/attachments/{largest}").status_code == 404
    assert as_role("admin").get(f"/staff/admin/users/{largest}").status_code == 404


@pytest.mark.parametrize("page", [HUGE, TOO_BIG, str(MAX_PAGE + 1), "-5", "0", "%FF", "1e9"])
def test_absurd_page_numbers_show_a_page(as_role, page):
    assert as_role("secretariat").get(f"/staff/cases?page={page}").status_code == 200
    assert as_role("chair").get(f"/staff/audit/?page={page}").status_code == 200


def test_page_number_is_clamped(app):
    for raw, expected in [("3", 3), ("0", 1), ("-7", 1), ("x", 1), (HUGE, MAX_PAGE), ("", 1)]:
        with app.test_request_context(f"/?page={raw}"):
            assert page_number() == expected
