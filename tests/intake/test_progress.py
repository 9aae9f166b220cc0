"""The road of stages a complainant sees, for cases that leave it: pure reading of plain case objects."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from portal.cases.models import EntryKind
from portal.cases.workflow import State
from portal.intake.progress import case_progress

AT = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture
def in_english(app):
    """The labels are read in a request in English, as the page would show them."""
    with app.test_request_context("/en/"):
        yield


def _case(state: State, *path: State, **clocks):
    entries = [SimpleNamespace(kind=EntryKind.SUBMISSION, new_state=None)] + [
        SimpleNamespace(kind=EntryKind.STATE_CHANGE, new_state=step) for step in path
    ]
    return SimpleNamespace(
        state=state,
        state_before_question=clocks.pop("before", None),
        entries=entries,
        is_open=state not in {State.CLOSED, State.WITHDRAWN, State.MERGED},
        paused_at=clocks.pop("paused_at", None),
        urgent=False,
        **{
            f"{clock}_due_at": clocks.get(clock)
            for clock in ("acknowledge", "triage", "admissibility", "company_response", "decision", "feedback")
        },
    )


def _road(progress) -> list[tuple[str, str]]:
    return [(str(stage.label), stage.status) for stage in progress.stages]


@pytest.mark.parametrize(
    ("case", "road"),
    [
        (
            _case(State.INADMISSIBLE, State.ACKNOWLEDGED, State.ASSESSMENT, State.INADMISSIBLE),
            [("Received", "done"), ("Confirmed", "done"), ("Not taken up", "current")],
        ),
        (
            _case(State.CLOSED, State.ACKNOWLEDGED, State.INFO_REQUESTED, State.CLOSED),
            [("Received", "done"), ("Confirmed", "done"), ("Closed", "current")],
        ),
        (
            _case(State.MERGED, State.MERGED),
            [("Received", "done"), ("Joined with another case", "current")],
        ),
    ],
    ids=["not taken up", "closed as incomplete", "joined"],
)
def test_a_case_that_leaves_the_road_ends_where_it_left(in_english, case, road):
    progress = case_progress(case)
    assert _road(progress) == road and progress.stopped and progress.next_sentence is None


def test_a_case_closed_after_its_remedy_was_monitored_went_the_whole_road(in_english):
    path = [State.ACKNOWLEDGED, State.ASSESSMENT, State.COMPANY_RESPONSE, State.DIALOGUE, State.DECIDED]
    progress = case_progress(_case(State.CLOSED, *path, State.MONITORING, State.CLOSED))
    assert not progress.stopped and (progress.number, progress.count) == (7, 7)
    assert [status for _, status in _road(progress)] == ["done"] * 6 + ["current"]


def test_a_question_keeps_the_case_on_its_stage_and_hides_the_paused_dates(in_english):
    case = _case(
        State.INFO_REQUESTED,
        State.ACKNOWLEDGED,
        State.ASSESSMENT,
        State.COMPANY_RESPONSE,
        before=State.COMPANY_RESPONSE,
        paused_at=AT,
        company_response=AT,
    )
    progress = case_progress(case)
    assert progress.number == 4 and _road(progress)[3] == ("Waiting for your answer", "current")
    assert progress.next_sentence is None  # the question's own date is shown instead


def test_the_company_stage_says_where_the_case_is_and_when_the_company_must_answer(in_english):
    progress = case_progress(_case(State.DIALOGUE, State.COMPANY_RESPONSE, State.DIALOGUE, feedback=AT))
    assert _road(progress)[3:5] == [("In dialogue", "current"), ("Decided", "todo")]
    assert str(progress.next_sentence).startswith("You will hear from us") and progress.next_date == AT
    progress = case_progress(_case(State.COMPANY_RESPONSE, State.COMPANY_RESPONSE, company_response=AT))
    assert str(progress.next_sentence) == "The company must answer by %(date)s." and progress.next_date == AT
    assert _road(progress)[2:4] == [("Being assessed", "done"), ("Waiting for the company", "current")]
    progress = case_progress(_case(State.ACKNOWLEDGED, State.ACKNOWLEDGED, feedback=AT))
    assert _road(progress)[3] == ("Working with the company", "todo")
