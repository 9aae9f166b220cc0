"""What the company's case page says about where the case stands: one sentence per stage the company sees
(``access.COMPANY_VISIBLE_STATES``), so a liaison is never told "you have not responded yet" while the remedy is
monitored."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.cases.workflow import State

STAGE_TEXTS = {
    State.COMPANY_RESPONSE: (
        _l("The committee is waiting for your response to the grievance."),
        _l("You have responded. You may add to your response until the deadline."),
    ),
    State.DIALOGUE: (
        _l("The case is in dialogue: the secretariat will arrange meetings between you and the complainant."),
    ),
    State.ADJUDICATION: (
        _l("A panel of the committee is examining the case and will decide. You may send the secretariat information."),
    ),
    State.DECIDED: (
        _l("The committee has decided. The decision is below; either side may ask for a review within the deadline."),
    ),
    State.REVIEW: (_l("A review of the decision was requested. A separate panel will confirm or revise it."),),
    State.MONITORING: (_l("The remedy is being monitored. Report your progress on each commitment below."),),
}
EMPTY_TEXTS = {
    State.COMPANY_RESPONSE: _l("You have not responded yet."),
}
NO_MESSAGES = _l("No messages yet.")


def stage_text(state: str, responded: bool) -> str:
    """The sentence for ``state``; in ``company_response`` it depends on whether the company has responded."""
    texts = STAGE_TEXTS.get(State(state))
    if not texts:
        return ""
    return str(texts[1] if responded and len(texts) > 1 else texts[0])


def empty_text(state: str) -> str:
    """What the list of messages says when there is none yet."""
    return str(EMPTY_TEXTS.get(State(state), NO_MESSAGES))


# The timeline as the company reads it: its own words, and the secretariat's.
ENTRY_KINDS = {
    "company_response": _l("Your response"),
    "from_company": _l("Your message"),
    "to_company": _l("From the secretariat"),
}
