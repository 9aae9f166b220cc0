"""Satisfaction: three short, optional questions once a case is closed, stored without a link to it (§8).

``record_answer`` is the one operation. It takes who answers (``Answerer``: the receipt holder now, the filing
organisation once organisations have their pages), refuses unless the case is closed and that kind of person has not
answered yet, then writes the answers with only the fields the review groups by (``SatisfactionAnswer``) and the
one-way mark on the case (``SatisfactionMarker``). No signal is sent on purpose: an audit entry naming the case at
the moment an answer row appears would link the two. The answers reach the review only counted, never one by one.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField

from portal.cases.models import Case
from portal.cases.workflow import State
from portal.core.forms import options
from portal.core.routing import locale_blueprint
from portal.extensions import db
from portal.intake import holder
from portal.transparency.review_models import (
    QUESTIONS,
    Answerer,
    Channel,
    SatisfactionAnswer,
    SatisfactionMarker,
    Scale,
)

satisfaction = locale_blueprint("satisfaction", __name__)

QUESTION_WORDS = {
    "fair": _l("Was the process fair to you?"),
    "respected": _l("Was the outcome respected?"),
    "safe": _l("Did you feel safe while your case was handled?"),
}
SCALE_WORDS = {
    Scale.YES: _l("Yes"),
    Scale.PARTLY: _l("Partly"),
    Scale.NO: _l("No"),
    Scale.PREFER_NOT: _l("I prefer not to say"),
}


class SatisfactionRefused(Exception):
    """``reason``: ``not_closed`` or ``already_answered``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def channel_of(case: Case) -> Channel:
    return Channel.ORGANISATION if case.filed_by_organisation_id is not None else Channel.ONLINE


def already_answered(case: Case, answerer: Answerer) -> bool:
    return (
        db.session.scalar(
            select(SatisfactionMarker.case_id).where(
                SatisfactionMarker.case_id == case.id, SatisfactionMarker.answered_by == answerer
            )
        )
        is not None
    )


def may_ask(case: Case, answerer: Answerer) -> bool:
    """Asked once the case is closed, once per kind of person."""
    return case.state == State.CLOSED and not already_answered(case, answerer)


def _scale(value: str | None) -> Scale | None:
    return Scale(value) if value else None


def record_answer(case: Case, answerer: Answerer, answers: dict[str, str | None] | None) -> None:
    """Store the answers (None: the person declined; nothing is stored but the mark). Never commits."""
    if case.state != State.CLOSED:
        raise SatisfactionRefused("not_closed")
    if already_answered(case, answerer):
        raise SatisfactionRefused("already_answered")
    db.session.add(SatisfactionMarker(case_id=case.id, answered_by=answerer))
    if answers is not None:
        given = {question: _scale(answers.get(question)) for question in QUESTIONS}
        closed = case.closed_at or case.created_at
        db.session.add(
            SatisfactionAnswer(
                year=closed.year,
                answered_by=answerer,
                commodity=case.commodity,
                country=case.country,
                categories=sorted(case.categories),
                channel=channel_of(case),
                **given,
            )
        )
    db.session.flush()


class SatisfactionForm(FlaskForm):
    fair = RadioField(QUESTION_WORDS["fair"], choices=options(SCALE_WORDS.items()), validate_choice=True)
    respected = RadioField(QUESTION_WORDS["respected"], choices=options(SCALE_WORDS.items()), validate_choice=True)
    safe = RadioField(QUESTION_WORDS["safe"], choices=options(SCALE_WORDS.items()), validate_choice=True)

    def answers(self) -> dict[str, str | None]:
        return {question: getattr(self, question).data or None for question in QUESTIONS}


def _optional(form: SatisfactionForm) -> None:
    # Every question may be left out: an empty radio group is no answer, not an invalid one.
    for question in QUESTIONS:
        field = getattr(form, question)
        if not field.raw_data:
            field.validate_choice = False


@satisfaction.app_template_global()
def satisfaction_form_for(case: Case) -> SatisfactionForm | None:
    """The form the follow-up page shows (``intake/_satisfaction.html``), or None when it is not to be asked."""
    if not may_ask(case, Answerer.COMPLAINANT):
        return None
    return SatisfactionForm(formdata=None)


@satisfaction.post("/follow-up/satisfaction")
def answer():
    """The receipt holder answers (or declines) the three questions of a closed case."""
    case = holder.current_case()
    if case is None:
        return redirect(url_for("intake.follow_up"))
    form = SatisfactionForm()
    _optional(form)
    back = redirect(url_for("intake.my_case") + "#satisfaction")
    if not form.validate_on_submit():
        flash(_("Please choose one of the answers given, or leave the question out."))
        return back
    declined = request.form.get("decline") == "1"
    answers = None if declined else form.answers()
    if answers is not None and not any(answers.values()):
        flash(_("Choose an answer to at least one question, or press “No, thank you”."))
        return back
    try:
        record_answer(case, Answerer.COMPLAINANT, answers)
    except SatisfactionRefused:
        return back
    flash(_("Thank you. We will not ask you again.") if declined else _("Thank you for your answers."))
    return back
