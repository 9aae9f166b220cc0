"""Resending the grievance form (a double tap, a reload, a network retry) files one case and shows one receipt."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from portal.cases.models import Case
from portal.extensions import db
from portal.intake.models import HeldReceipt
from tests.conftest import RECEIPT_PATTERN, VALID_GRIEVANCE, walk_steps

TOKEN = re.compile(r'name="submission_token" type="hidden" value="([^"]+)"')


def form_token(client, locale: str = "en") -> str:
    """Answer every step; the check page's form token (one per rendering of the check page)."""
    check = walk_steps(client, locale, VALID_GRIEVANCE, send=False)
    return TOKEN.search(check.get_data(as_text=True)).group(1)


def same_browser(app, client):
    """Another connection from the same browser: a client with the same session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def case_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case))


def held_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(HeldReceipt))


def post(client, token: str, locale: str = "en"):
    return client.post(f"/{locale}/report/check", data={"consent": "y", "submission_token": token})


def test_every_rendering_of_the_check_page_gets_its_own_token(app, client):
    client.get("/en/report")
    token = form_token(client)
    again = {TOKEN.search(client.get("/en/report/check").get_data(as_text=True)).group(1) for _ in range(2)}
    assert len({token, *again}) == 3 and all(len(each) >= 32 for each in again)
    assert ("intake.report", "en") in app.extensions["portal_page_cache"]  # the first step, unanswered


def test_filing_redirects_to_the_receipt_which_is_shown_once(app, client):
    response = post(client, form_token(client), locale="sw")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/sw/receipt")
    page = client.get("/sw/receipt")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    receipt = RECEIPT_PATTERN.search(page.get_data(as_text=True)).group(1)
    assert held_count(app) == 0  # shown: nothing of it is kept any more
    reload = client.get("/sw/receipt").get_data(as_text=True)
    assert receipt not in reload and not RECEIPT_PATTERN.search(reload)
    assert case_count(app) == 1


def test_20_sequential_resends_file_one_case_and_show_the_same_receipt(app, client):
    token = form_token(client)
    assert [post(client, token).status_code for _ in range(20)] == [303] * 20  # a finger on the button
    receipt = RECEIPT_PATTERN.search(client.get("/en/receipt").get_data(as_text=True)).group(1)
    with app.app_context():
        from portal.intake.receipt import receipt_hash

        assert db.session.scalar(select(Case.receipt_hash)) == receipt_hash(receipt)
    for _ in range(5):  # resent after the receipt was seen: still nothing new, and no receipt again
        assert post(client, token).status_code == 303
        assert not RECEIPT_PATTERN.search(client.get("/en/receipt").get_data(as_text=True))
    assert case_count(app) == 1


def test_a_lost_answer_is_recovered_by_resending(app):
    first = app.test_client()
    token = form_token(first)
    retry = same_browser(app, first)  # the browser retries with the cookie it had, not the one the answer carried
    assert post(first, token).status_code == 303  # this answer is lost: the browser never follows it
    assert post(retry, token).status_code == 303
    receipt = RECEIPT_PATTERN.search(retry.get("/en/receipt").get_data(as_text=True)).group(1)
    with app.app_context():
        from portal.intake.receipt import receipt_hash

        assert db.session.scalar(select(Case.receipt_hash)) == receipt_hash(receipt)
    assert case_count(app) == 1 and held_count(app) == 0
    # Shown once: a third resend files nothing and shows no receipt.
    third = app.test_client()
    assert post(third, token).status_code == 303
    assert not RECEIPT_PATTERN.search(third.get("/en/receipt").get_data(as_text=True))
    assert case_count(app) == 1


def test_20_concurrent_resends_file_exactly_one_case(app):
    browser = app.test_client()
    token = form_token(browser)
    clients = [same_browser(app, browser) for _ in range(20)]

    def send(i):
        client = clients[i]
        status = post(client, token).status_code
        return status, RECEIPT_PATTERN.search(client.get("/en/receipt").get_data(as_text=True))

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(send, range(20)))
    assert [status for status, _ in results] == [303] * 20
    assert case_count(app) == 1
    shown = {match.group(1) for _, match in results if match}
    assert len(shown) == 1  # whoever saw a receipt saw the one receipt of the one case


def test_the_held_receipt_is_encrypted_and_expires(app, client):
    token = form_token(client)
    post(client, token)
    with app.app_context():
        row = db.session.scalar(select(HeldReceipt))
        assert row is not None and len(row.submission_hash) == 64 and token not in row.submission_hash
        receipt = client.get("/en/receipt")  # shows it, so we know the digits
    digits = RECEIPT_PATTERN.search(receipt.get_data(as_text=True)).group(1).replace(" ", "")
    assert digits.encode() not in row.receipt_encrypted


def test_an_expired_held_receipt_is_not_shown_and_is_purged(app, client):
    from datetime import timedelta

    from sqlalchemy import update

    from portal.core.db import utcnow

    token = form_token(client)
    post(client, token)
    with app.app_context():
        db.session.execute(update(HeldReceipt).values(created_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
    retry = app.test_client()
    post(retry, token)
    assert not RECEIPT_PATTERN.search(retry.get("/en/receipt").get_data(as_text=True))
    post(client, form_token(client))  # the next filing sweeps expired rows away
    assert held_count(app) == 1 and case_count(app) == 2


@pytest.mark.parametrize("token", [None, "", "not a token", "x" * 200])
def test_a_missing_or_malformed_token_still_files(app, client, token):
    walk_steps(client, "en", VALID_GRIEVANCE, send=False)
    data = {"consent": "y"} if token is None else {"consent": "y", "submission_token": token}
    assert client.post("/en/report/check", data=data).status_code == 303
    assert RECEIPT_PATTERN.search(client.get("/en/receipt").get_data(as_text=True))
    assert case_count(app) == 1
