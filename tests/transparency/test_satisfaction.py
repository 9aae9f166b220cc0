"""Satisfaction: asked on the follow-up page only once the case is closed, once, in the holder's language; stored
without anything that leads back to the case; counted in the review."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, inspect, select

from portal.cases.models import Case
from portal.cases.workflow import State
from portal.extensions import db
from portal.transparency import review
from portal.transparency.review_models import Answerer, SatisfactionAnswer, SatisfactionMarker
from portal.transparency.satisfaction import SatisfactionRefused, record_answer

FORM_MARK = 'id="satisfaction"'


@pytest.fixture
def holder(app, client, file_grievance, open_case):
    """A filed grievance and a browser holding its receipt; returns the case's reference."""
    _, reference, receipt = file_grievance(categories=["wages_hours", "land"], commodity="tin", country="ID")
    assert open_case(receipt).status_code == 302
    return reference


def _close(app, reference: str, when=datetime(2025, 3, 4, tzinfo=UTC)) -> None:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        case.state, case.closed_at = State.CLOSED, when
        db.session.commit()


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_not_asked_while_the_case_is_open(app, client, holder):
    assert FORM_MARK not in client.get("/en/follow-up/case").get_data(as_text=True)
    sent = client.post("/en/follow-up/satisfaction", data={"fair": "yes"})
    assert sent.status_code == 302
    assert _count(app, SatisfactionAnswer) == 0 and _count(app, SatisfactionMarker) == 0


def test_asked_once_after_closure_and_stored_without_the_case(app, client, holder):
    _close(app, holder)
    page = client.get("/fr/follow-up/case").get_data(as_text=True)
    assert FORM_MARK in page
    assert "Le processus a-t-il été équitable pour vous ?" in page  # in the holder's language
    sent = client.post("/fr/follow-up/satisfaction", data={"fair": "partly", "safe": "no"}, follow_redirects=True)
    assert sent.status_code == 200
    assert FORM_MARK not in sent.get_data(as_text=True)  # not asked again
    with app.app_context():
        answer = db.session.scalars(select(SatisfactionAnswer)).one()
        case = db.session.scalar(select(Case).where(Case.reference == holder))
        assert (answer.fair, answer.respected, answer.safe) == ("partly", None, "no")
        assert (answer.year, answer.commodity, answer.country, answer.channel) == (2025, "tin", "ID", "online")
        assert answer.categories == ["land", "wages_hours"] and answer.answered_by == "complainant"
        # Nothing in the answer's row leads back to the case: no foreign key, no time, no counting id.
        columns = {column["name"] for column in inspect(db.engine).get_columns("satisfaction_answers")}
        assert columns == {"id", "year", "answered_by", "commodity", "country", "categories", "channel"} | {
            "fair",
            "respected",
            "safe",
        }
        assert inspect(db.engine).get_foreign_keys("satisfaction_answers") == []
        assert not answer.id.isdigit() and len(answer.id) == 32
        assert case.reference not in repr(vars(answer))
        marker = db.session.scalars(select(SatisfactionMarker)).one()
        assert (marker.case_id, marker.answered_by) == (case.id, "complainant")
    again = client.post("/fr/follow-up/satisfaction", data={"fair": "yes"})
    assert again.status_code == 302
    assert _count(app, SatisfactionAnswer) == 1


def test_declining_stores_no_answer_and_is_not_asked_again(app, client, holder):
    _close(app, holder)
    client.post("/en/follow-up/satisfaction", data={"decline": "1"})
    assert _count(app, SatisfactionAnswer) == 0 and _count(app, SatisfactionMarker) == 1
    assert FORM_MARK not in client.get("/en/follow-up/case").get_data(as_text=True)


def test_an_empty_or_tampered_answer_is_refused_with_words_and_asked_again(app, client, holder):
    _close(app, holder)
    empty = client.post("/en/follow-up/satisfaction", data={}, follow_redirects=True)
    assert "Choose an answer to at least one question" in empty.get_data(as_text=True)
    tampered = client.post("/en/follow-up/satisfaction", data={"fair": "maybe"}, follow_redirects=True)
    assert "Please choose one of the answers given" in tampered.get_data(as_text=True)
    assert FORM_MARK in tampered.get_data(as_text=True)
    assert _count(app, SatisfactionAnswer) == 0 and _count(app, SatisfactionMarker) == 0


def test_the_operation_takes_who_answers_once_each(app, holder):
    """The filing organisation is asked on its own (engineer `orgs` calls the same operation)."""
    _close(app, holder)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == holder))
        record_answer(case, Answerer.ORGANISATION, {"fair": "yes", "respected": "yes", "safe": "yes"})
        record_answer(case, Answerer.COMPLAINANT, {"fair": "no"})
        with pytest.raises(SatisfactionRefused) as refused:
            record_answer(case, Answerer.ORGANISATION, {"fair": "no"})
        assert refused.value.reason == "already_answered"
        db.session.commit()
        kinds = sorted(db.session.scalars(select(SatisfactionAnswer.answered_by)))
    assert kinds == ["complainant", "organisation"]


def test_answers_reach_the_review_only_counted(app, holder):
    _close(app, holder)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == holder))
        record_answer(case, Answerer.COMPLAINANT, {"fair": "yes"})
        db.session.commit()
        cells = review.compute(2025)["groups"][0]["cells"]
    # One answer is a small count: the review shows neither the count nor the share.
    assert cells["answers"]["v"] is None and cells["fair_yes"]["v"] is None
