"""Issue 10's walk: one real case on a fresh install, through the HTML forms only, on both databases.

Nothing is seeded: the first administrator comes from ``flask portal create-user`` and every other account, the
company and its site are made through the pages, and each person signs in through the login, authenticator and
new-password pages as they would. The worker files in Swahili and reads the committee's words in Swahili all along.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pyotp
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import select

from portal.cases.commitments import Commitment
from portal.cases.committee import Decision
from portal.cases.labels import COMMITMENT_FOR_COMPLAINANT, STATE_FOR_COMPLAINANT
from portal.cases.models import Case
from portal.cases.workflow import State
from portal.extensions import db
from portal.users.models import User
from tests.conftest import RECEIPT_PATTERN, REFERENCE_PATTERN, VALID_GRIEVANCE, walk_steps

PASSWORD = re.compile(r"<code[^>]*>([^<]{12,})</code>")
NEW_PASSWORD = "a long and careful passphrase of my own"

QUESTION = "Je, watoto wanafanya kazi usiku kwenye ghala gani?"
QUESTION_IN_ENGLISH = "At which depot do the children work at night?"
ANSWER = "Kwenye ghala la Kasulo, kila usiku kuanzia saa nne."
ANSWER_IN_ENGLISH = "At the Kasulo depot, every night from ten o'clock."
REOPENED = "Malipo ya pili hayakufanyika, kwa hiyo kesi yako imefunguliwa tena."


def _html(text: str) -> str:
    return str(escape(text))


class Walk:
    """The app and the people's browsers; each helper is one thing a person does on a page."""

    def __init__(self, app):
        self.app = app

    def sign_in(self, email: str, one_time: str):
        """First login: password, enrol the authenticator, replace the one-time password."""
        browser = self.app.test_client()
        assert browser.post("/staff/login", data={"email": email, "password": one_time}).status_code == 302
        enrol = browser.get("/staff/enrol").get_data(as_text=True)
        with self.app.app_context():
            secret = db.session.scalar(select(User).where(User.email == email)).totp_secret
        assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in enrol
        assert browser.post("/staff/enrol", data={"code": pyotp.TOTP(secret).now()}).status_code == 200
        response = browser.post(
            "/staff/password",
            data={"current_password": one_time, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        )
        assert response.status_code == 302 and response.headers["Location"] != "/staff/password"
        return browser

    def invite(self, admin, **fields) -> str:
        """The admin creates an account; returns the one-time password the page shows once."""
        data = {"locale": "en", "organisation_id": "", "nomination": "", **fields}
        page = admin.post("/staff/admin/users/new", data=data)
        assert page.status_code == 200, page.get_data(as_text=True)
        return PASSWORD.search(page.get_data(as_text=True)).group(1)

    def case(self, reference: str) -> Case:
        with self.app.app_context():
            case = db.session.scalar(select(Case).where(Case.reference == reference))
            db.session.expunge(case)
            return case

    def id_of(self, model, **where) -> int:
        with self.app.app_context():
            return db.session.scalar(select(model.id).filter_by(**where))


def act(browser, reference: str, action: str, expect: int = 302, **fields):
    data = {f"{action}-{key}": value for key, value in fields.items() if not key.startswith("vote-")}
    data |= {key: value for key, value in fields.items() if key.startswith("vote-")}
    response = browser.post(f"/staff/cases/{reference}/actions/{action}", data=data)
    assert response.status_code == expect, (action, response.get_data(as_text=True)[:3000])
    return response


def test_a_real_case_from_a_fresh_install(app, client, smtp_server):
    walk = Walk(app)

    # A fresh install: the first administrator from the command line, nothing else.
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None
    result = app.test_cli_runner().invoke(
        args=["portal", "create-user", "--email", "admin@covenant.example", "--name", "Ada", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    admin = walk.sign_in("admin@covenant.example", result.output.split(": ")[-1].split()[0])

    # The admin registers the company and its site, then invites the people.
    response = admin.post(
        "/staff/registry/organisations/new",
        data={"name": "Lualaba Cobalt Refining SARL", "kind": "company", "country": "CD", "covenant_party": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    company_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = admin.post(
        "/staff/registry/entities/new",
        data={"name": "Kasulo depot", "kind": "depot", "commodities": ["cobalt"], "country": "CD",
              "region": "CD-LU", "operator_organisation_id": str(company_id)},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    site_id = int(response.headers["Location"].rsplit("/", 1)[1])

    people = {
        "officer": {"role": "secretariat"},
        "chair": {"role": "chair", "nomination": "independent"},
        "industry": {"role": "member", "nomination": "industry"},
        "union": {"role": "member", "nomination": "civil_society"},
        "industry2": {"role": "member", "nomination": "industry"},
        "ngo": {"role": "member", "nomination": "civil_society"},
        "vice": {"role": "member", "nomination": "civil_society", "vice_chair": "y"},
        "liaison": {"role": "company", "organisation_id": str(company_id)},
    }
    browsers = {}
    for key, fields in people.items():
        email = f"{key}@covenant.example"
        browsers[key] = walk.sign_in(email, walk.invite(admin, email=email, name=key.title(), **fields))
    officer, chair, liaison = browsers["officer"], browsers["chair"], browsers["liaison"]
    ids = {key: walk.id_of(User, email=f"{key}@covenant.example") for key in people}

    # A worker files in Swahili, in the child-labour category only: urgent by that rule alone.
    grievance = {**VALID_GRIEVANCE, "categories": ["child_labour"], "email": "mfanyakazi@example.org"}
    response = walk_steps(client, "sw", grievance)
    page = response.get_data(as_text=True)
    reference = REFERENCE_PATTERN.search(page).group(0)
    receipt = RECEIPT_PATTERN.search(page).group(1)
    case = walk.case(reference)
    assert case.urgent and case.triage_due_at is not None and case.submission_locale == "sw"
    assert client.post("/sw/follow-up", data={"receipt": receipt}).status_code == 302

    # Acknowledged, then a question written in Swahili with the officer's English working copy.
    act(officer, reference, "acknowledge")
    act(officer, reference, "request_info", message=QUESTION, message_translation=QUESTION_IN_ENGLISH)
    page = client.get("/sw/follow-up/case").get_data(as_text=True)
    assert _html(QUESTION) in page and _html(QUESTION_IN_ENGLISH) not in page
    assert client.post("/sw/follow-up/case", data={"message": ANSWER}).status_code == 302
    staff_page = officer.get(f"/staff/cases/{reference}").get_data(as_text=True)
    entry_id = int(re.findall(r'id="entry-(\d+)"', staff_page)[-1])
    officer.post(f"/staff/cases/{reference}/entries/{entry_id}/translation", data={"translation": ANSWER_IN_ENGLISH})
    page = client.get("/sw/follow-up/case").get_data(as_text=True)
    assert _html(ANSWER) in page and _html(ANSWER_IN_ENGLISH) not in page and _html(QUESTION) in page
    assert walk.case(reference).state == State.ACKNOWLEDGED

    # Admitted with the registered respondent by the first panel.
    base = f"/staff/cases/{reference}"
    links = {"respondent": str(company_id), "entities": [str(site_id)]}
    assert officer.post(f"{base}/links", data=links).status_code == 302
    assert (
        officer.post(f"{base}/company-summary", data={"summary": "Children at the Kasulo depot at night."}).status_code
        == 302
    )
    for user, seat in (("chair", "chair"), ("industry", "industry"), ("union", "civil_society")):
        data = {"user_id": str(ids[user]), "seat": seat, "panel": "original"}
        assert officer.post(f"{base}/panel", data=data).status_code == 302
    act(officer, reference, "open_assessment")
    votes = {f"vote-{ids[u]}": "for" for u in ("chair", "industry", "union")}
    act(chair, reference, "admit", reasons="Within the covenant's scope.", **votes)
    assert walk.case(reference).respondent_organisation_id == company_id

    # The company answers; dialogue; a settlement.
    assert reference in liaison.get("/company/").get_data(as_text=True)
    response = liaison.post(f"/company/cases/{reference}/response", data={"response": "We will investigate."})
    assert response.status_code == 302
    act(officer, reference, "start_dialogue")
    act(chair, reference, "settle", reasons="The company pays school fees and back pay.", public_summary="Settled.",
        **votes)  # fmt: skip
    assert walk.case(reference).state == State.DECIDED
    assert walk.case(reference).feedback_due_at is not None  # the case is open: the 3-monthly clock runs on
    assert _signer(app) == ids["chair"]

    # Two instalments, the first due two months ago, the second yesterday; monitoring starts.
    today = date.today()
    commitment = {
        "what": "Back pay for the night shifts", "owed_by": "respondent", "other_party": "", "currency": "USD",
        "instalments-0-due_on": (today - timedelta(days=60)).isoformat(), "instalments-0-amount": "300",
        "instalments-1-due_on": (today - timedelta(days=1)).isoformat(), "instalments-1-amount": "300",
    }  # fmt: skip
    assert officer.post(f"{base}/commitments", data=commitment).status_code == 302
    act(officer, reference, "start_monitoring")
    first, second = _commitment_ids(app, reference)

    # The check-in: the first paid, the second missed. The worker reads both, in Swahili.
    check_in = {"note": "Payslips seen.", f"status-{first}": "met", f"status-{second}": "missed"}
    assert officer.post(f"{base}/monitoring", data=check_in).status_code == 302
    page = client.get("/sw/follow-up/case").get_data(as_text=True)
    for status in ("met", "missed"):
        assert _html(_swahili(app, COMMITMENT_FOR_COMPLAINANT[status])) in page

    # Reopened for the missed payment (the worker reads why, in Swahili), then adjudicated: partly founded.
    act(chair, reference, "reopen", reasons="The second payment was missed.", reasons_translation=REOPENED)
    assert walk.case(reference).state == State.DIALOGUE
    assert _html(REOPENED) in client.get("/sw/follow-up/case").get_data(as_text=True)
    act(chair, reference, "refer_to_adjudication", reasons="The company disputes the missed payment.")
    act(chair, reference, "decide", reasons="The payment is owed; the night work is proven.",
        outcome="partly_founded", public_summary="Partly founded.", **votes)  # fmt: skip
    assert walk.case(reference).outcome == "partly_founded"

    # The worker asks for a review; a panel sharing nobody with the first, chaired by the vice-chair.
    response = client.post("/sw/follow-up/review", data={"reasons": "Watoto walifanya kazi zaidi ya hapo."})
    assert response.status_code == 302
    assert walk.case(reference).state == State.REVIEW
    refused = {"user_id": str(ids["union"]), "seat": "civil_society", "panel": "review"}
    assert officer.post(f"{base}/panel", data=refused).status_code == 409  # sat on the first panel
    for user, seat in (("vice", "chair"), ("industry2", "industry"), ("ngo", "civil_society")):
        data = {"user_id": str(ids[user]), "seat": seat, "panel": "review"}
        assert officer.post(f"{base}/panel", data=data).status_code == 302
    review_votes = {f"vote-{ids[u]}": "for" for u in ("vice", "industry2", "ngo")}
    vice = browsers["vice"]
    assert f"/staff/cases/{reference}/actions/confirm" in vice.get(base).get_data(as_text=True)
    act(chair, reference, "confirm", expect=403, reasons="Not my panel.", **review_votes)
    act(vice, reference, "confirm", reasons="The first panel weighed the evidence fairly.", **review_votes)
    assert walk.case(reference).state == State.DECIDED and _signer(app) == ids["vice"]

    # Monitored again: the late payment is now made; closed.
    act(officer, reference, "start_monitoring")
    check_in = {"note": "Second payment made late.", f"status-{first}": "met", f"status-{second}": "met"}
    assert officer.post(f"{base}/monitoring", data=check_in).status_code == 302
    act(officer, reference, "close", reasons="The remedy is complete.")
    case = walk.case(reference)
    assert case.state == State.CLOSED and case.feedback_due_at is None and case.next_due_at is None
    page = client.get("/sw/follow-up/case").get_data(as_text=True)
    assert _html(_swahili(app, STATE_FOR_COMPLAINANT[State.CLOSED][0])) in page
    assert _html(ANSWER) in page and _html(ANSWER_IN_ENGLISH) not in page


def _signer(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Decision.signed_by_id).order_by(Decision.id.desc()))


def _commitment_ids(app, reference: str) -> list[int]:
    with app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
        return [commitment.id for commitment in Commitment.of_case(case_id)]


def _swahili(app, label) -> str:
    with app.test_request_context(), force_locale("sw"):
        return str(label)
