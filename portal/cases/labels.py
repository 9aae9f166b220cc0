"""Words for people: category, commodity, filer and state names, in the page's language."""

from flask_babel import lazy_gettext as _l

from portal.cases.commitments import CommitmentStatus
from portal.cases.committee import DecisionKind, PanelKind, SeatKind, VoteChoice
from portal.cases.meetings import MeetingKind
from portal.cases.models import Category, Commodity, EntryKind, FilerType, MandateStatus, Visibility
from portal.cases.workflow import Action, Clock, Outcome, State

FILER_TYPES = {
    FilerType.AFFECTED_PERSON: _l("I am affected myself"),
    FilerType.ON_BEHALF: _l("I file on behalf of other people"),
    FilerType.UNION: _l("A trade union"),
    FilerType.NGO: _l("A non-governmental organisation (NGO)"),
    FilerType.WITNESS: _l("I saw it happen (witness)"),
}

CATEGORIES = {
    Category.CHILD_LABOUR: _l("Child labour"),
    Category.FORCED_LABOUR: _l("Forced labour"),
    Category.HEALTH_SAFETY: _l("Health and safety"),
    Category.WAGES_HOURS: _l("Wages and working hours"),
    Category.FREEDOM_OF_ASSOCIATION: _l("Freedom of association"),
    Category.DISCRIMINATION: _l("Discrimination and harassment"),
    Category.ENVIRONMENT: _l("Environment and pollution"),
    Category.LAND: _l("Land and livelihoods"),
    Category.INDIGENOUS: _l("Indigenous peoples' rights and consent (FPIC)"),
    Category.SECURITY_VIOLENCE: _l("Security forces and violence"),
    Category.CORRUPTION: _l("Corruption"),
    Category.RETALIATION: _l("Retaliation against people who speak up"),
    Category.OTHER: _l("Something else"),
}

COMMODITIES = {
    Commodity.ALUMINIUM: _l("Aluminium or bauxite"),
    Commodity.STEEL: _l("Steel or iron ore"),
    Commodity.COBALT: _l("Cobalt"),
    Commodity.COPPER: _l("Copper"),
    Commodity.NICKEL: _l("Nickel"),
    Commodity.TIN: _l("Tin"),
    Commodity.ZINC: _l("Zinc"),
    Commodity.OTHER: _l("Another metal or mineral, or I do not know"),
}

# What the complainant reads about their case: the state in plain words, and what happens next.
STATE_FOR_COMPLAINANT = {
    State.SUBMITTED: (
        _l("Received"),
        _l("Your grievance has arrived. The secretariat will confirm it and tell you what happens next."),
    ),
    State.ACKNOWLEDGED: (
        _l("Confirmed"),
        _l("The secretariat has confirmed your grievance and is preparing it for the committee."),
    ),
    State.INFO_REQUESTED: (
        _l("Waiting for your answer"),
        _l("We asked you a question. Please read it below and answer; the case waits for you."),
    ),
    State.ASSESSMENT: (
        _l("Being assessed"),
        _l("A panel of the committee is checking whether the covenant covers your grievance."),
    ),
    State.INADMISSIBLE: (
        _l("Not taken up"),
        _l("The committee decided that it cannot handle your grievance. The reasons and advice are below."),
    ),
    State.COMPANY_RESPONSE: (
        _l("Waiting for the company"),
        _l("The company concerned has been asked to respond to your grievance."),
    ),
    State.DIALOGUE: (
        _l("In dialogue"),
        _l("The committee is mediating between you and the company to find a solution."),
    ),
    State.ADJUDICATION: (
        _l("Being decided"),
        _l("A panel of the committee is hearing both sides and will decide."),
    ),
    State.DECIDED: (_l("Decided"), _l("The committee has decided. You can read the decision below.")),
    State.REVIEW: (_l("Under review"), _l("A different panel is reviewing the decision.")),
    State.MONITORING: (
        _l("Remedy being monitored"),
        _l("The committee is checking that what was agreed or decided is really done."),
    ),
    State.CLOSED: (_l("Closed"), _l("Your case is closed. Thank you for speaking up.")),
    State.WITHDRAWN: (_l("Withdrawn"), _l("You withdrew your grievance. Nothing more will happen with it.")),
    State.MERGED: (
        _l("Joined with another case"),
        _l("Your grievance is handled together with another one about the same events."),
    ),
}

# --- staff-facing words ---

STATE_NAMES = {
    State.SUBMITTED: _l("Submitted"),
    State.ACKNOWLEDGED: _l("Acknowledged"),
    State.INFO_REQUESTED: _l("Information requested"),
    State.ASSESSMENT: _l("Admissibility assessment"),
    State.INADMISSIBLE: _l("Inadmissible"),
    State.COMPANY_RESPONSE: _l("Company response"),
    State.DIALOGUE: _l("Dialogue"),
    State.ADJUDICATION: _l("Adjudication"),
    State.DECIDED: _l("Decided"),
    State.REVIEW: _l("Review"),
    State.MONITORING: _l("Monitoring"),
    State.CLOSED: _l("Closed"),
    State.WITHDRAWN: _l("Withdrawn"),
    State.MERGED: _l("Merged"),
}

ACTIONS = {
    Action.ACKNOWLEDGE: _l("Acknowledge receipt"),
    Action.REQUEST_INFO: _l("Ask the complainant a question"),
    Action.ANSWER: _l("Answer"),
    Action.CLOSE_INCOMPLETE: _l("Close as incomplete"),
    Action.OPEN_ASSESSMENT: _l("Open the admissibility assessment"),
    Action.ADMIT: _l("Admit and notify the company"),
    Action.REJECT: _l("Declare inadmissible"),
    Action.START_DIALOGUE: _l("Start the dialogue"),
    Action.REFER_TO_ADJUDICATION: _l("Refer to adjudication"),
    Action.SETTLE: _l("Record the settlement"),
    Action.DECIDE: _l("Decide"),
    Action.REQUEST_REVIEW: _l("Request a review"),
    Action.CONFIRM: _l("Confirm the decision on review"),
    Action.REVISE: _l("Revise the decision on review"),
    Action.START_MONITORING: _l("Start monitoring the remedy"),
    Action.CLOSE: _l("Close the case"),
    Action.WITHDRAW: _l("Withdraw"),
    Action.MERGE: _l("Merge into another case"),
    Action.REOPEN: _l("Reopen for dialogue (a commitment was missed)"),
    Action.ESCALATE: _l("Escalate to adjudication (a commitment was missed)"),
}

GUARD_REASONS = {
    "reasons": _l("Reasons are required."),
    "message": _l("Write the question for the complainant."),
    "quorum": _l(
        "The panel has no quorum: it needs the chair or a vice-chair, one industry-nominated and one union/NGO-"
        "nominated member, none recused."
    ),
    "review_quorum": _l("The review panel has no quorum."),
    "review_panel_different": _l("The review panel must not include anyone who sat on the original panel."),
    "company_summary": _l("Write the redacted summary for the company first."),
    "respondent": _l("Name the respondent company first."),
    "review_window": _l("The review window has closed."),
    "info_not_expired": _l("The complainant still has time to answer."),
    "merge_target": _l("Give the reference of another case to merge into."),
    "suspended": _l("The case is suspended."),
    "outcome": _l("Choose an outcome."),
    "not_panel_chair": _l("Only the person seated as this panel's chair signs its decision."),
    "review_window_open": _l(
        "The complainant and the company can still ask for a review: close the case once the review window has ended."
    ),
    "commitment_missed": _l("No check-in has recorded a commitment as missed."),
}

CASEWORK_REASONS = {
    "recused": _l("This person is recused from the case."),
    "not_committee": _l("Only active committee members can sit on a panel."),
    "not_chair": _l("Only the chair or a vice-chair can take the chair's seat."),
    "wrong_nomination": _l("This seat is for a member nominated by the other side."),
    "sat_before": _l("A review panel needs members who did not sit on the original panel."),
    "not_assignable": _l("Only a case officer of the secretariat who is not recused can be assigned."),
    "extension_not_possible": _l("The one extension has already been used or is not possible now."),
    "extension_too_late": _l("The deadline for your response has passed, so it can no longer be extended."),
    "not_monitoring": _l("The case is not being monitored."),
    "reason_required": _l("Reasons are required."),
    "not_representative": _l("The complainant files for themselves: there is no mandate to check."),
    "mandate_verified_already": _l("The mandate has already been verified."),
    "unknown_language": _l("We do not know this language. Please choose one from the list."),
    "interpreter_language": _l("Choose the language the interpreter is needed for."),
    "meeting_place": _l("Give the place, or how to join from a distance."),
    "meeting_in_past": _l("This time has already passed. Choose a time in the future."),
    "meeting_cancelled": _l("This meeting was cancelled; plan a new one instead."),
    "case_closed": _l("The case is closed."),
    "commitments_closed": _l("Commitments are recorded once the case is decided, and while it is monitored."),
    "commitment_incomplete": _l("Say what is owed and give at least one due date."),
    "currency_required": _l("Give the currency of the amounts."),
    "commitment_checked": _l("A check-in has already looked at this commitment, so it stays on file."),
    "unknown_commitment": _l("This commitment does not belong to the case."),
    "commitment_unmarked": _l("Mark every commitment that is due: met, partly met or missed."),
    "progress_closed": _l("Progress on the remedy is reported while it is monitored."),
    "company_messages_closed": _l(
        "Messages with the company are possible once the case is admitted and while it is open."
    ),
}

# A representative's mandate, in staff's words and in the representative's (the follow-up page).
MANDATE_STATUSES = {
    MandateStatus.NONE: _l("No mandate given"),
    MandateStatus.PROVIDED: _l("Given, not yet verified"),
    MandateStatus.VERIFIED: _l("Verified"),
    MandateStatus.MORE_REQUESTED: _l("More requested from the representative"),
}
MANDATE_FOR_COMPLAINANT = {
    MandateStatus.NONE: _l("We have no document or statement yet that shows you may speak for these people."),
    MandateStatus.PROVIDED: _l("We have received your mandate. We will check it."),
    MandateStatus.VERIFIED: _l("We have checked your mandate. You may speak for these people in this case."),
    MandateStatus.MORE_REQUESTED: _l(
        "We need more to show that you may speak for these people. Please read our message and add a document below."
    ),
}

COMMITMENT_STATUSES = {
    CommitmentStatus.MET: _l("Met"),
    CommitmentStatus.PARTLY_MET: _l("Partly met"),
    CommitmentStatus.MISSED: _l("Missed"),
}

# What the complainant reads about each commitment owed to them.
COMMITMENT_FOR_COMPLAINANT = {
    None: _l("Not checked yet"),
    CommitmentStatus.MET: _l("Done"),
    CommitmentStatus.PARTLY_MET: _l("Only partly done"),
    CommitmentStatus.MISSED: _l("Not done"),
}

OUTCOMES = {
    Outcome.SETTLED: _l("Settled by agreement"),
    Outcome.FOUNDED: _l("Founded"),
    Outcome.PARTLY_FOUNDED: _l("Partly founded"),
    Outcome.UNFOUNDED: _l("Unfounded"),
}

CLOCKS = {
    Clock.ACKNOWLEDGE: _l("Acknowledge receipt"),
    Clock.TRIAGE: _l("Urgent triage"),
    Clock.ADMISSIBILITY: _l("Admissibility decision"),
    Clock.COMPANY_RESPONSE: _l("Company response"),
    Clock.FEEDBACK: _l("Feedback to the complainant"),
    Clock.DECISION: _l("Decision"),
    Clock.REVIEW_WINDOW: _l("Review window ends"),
    Clock.MONITORING: _l("Remedy check-in"),
    Clock.INFO_REQUEST: _l("Complainant's answer"),
}

SEATS = {
    SeatKind.CHAIR: _l("Chair"),
    SeatKind.INDUSTRY: _l("Industry-nominated member"),
    SeatKind.CIVIL_SOCIETY: _l("Union/NGO-nominated member"),
}

PANELS = {PanelKind.ORIGINAL: _l("Panel"), PanelKind.REVIEW: _l("Review panel")}

# Why a panel has no quorum, seat by seat (operations.quorum_problems).
QUORUM_PROBLEMS = {
    "empty": _l("%(panel)s: nobody sits in the seat “%(seat)s”."),
    "inactive": _l("%(panel)s: %(name)s (%(seat)s) no longer has an active account."),
    "recused": _l("%(panel)s: %(name)s (%(seat)s) is recused from this case."),
    "cannot_chair": _l("%(panel)s: %(name)s is neither the chair nor a vice-chair and cannot hold the chair's seat."),
    "wrong_nomination": _l("%(panel)s: %(name)s was not nominated for the seat “%(seat)s”."),
}
# The guard reasons a missing quorum gives, and the panel each is about.
QUORUM_GUARDS = {"quorum": PanelKind.ORIGINAL, "review_quorum": PanelKind.REVIEW}


def quorum_explanation(problems, panel: PanelKind) -> list[str]:
    """The words for ``operations.quorum_problems``: which seat is empty, who sits there and cannot count."""
    return [
        str(
            QUORUM_PROBLEMS[problem.kind]
            % {
                "panel": PANELS[panel],
                "seat": SEATS[problem.seat],
                "name": problem.user.name if problem.user is not None else "",
            }
        )
        for problem in problems
    ]


VOTES = {VoteChoice.FOR: _l("For"), VoteChoice.AGAINST: _l("Against"), VoteChoice.ABSTAIN: _l("Abstain")}

DECISION_KINDS = {
    DecisionKind.ADMISSIBILITY: _l("Admissibility"),
    DecisionKind.OUTCOME: _l("Outcome"),
    DecisionKind.REVIEW: _l("Review"),
}

ENTRY_KINDS = {
    EntryKind.SUBMISSION: _l("Filed"),
    EntryKind.FROM_COMPLAINANT: _l("From the complainant"),
    EntryKind.TO_COMPLAINANT: _l("To the complainant"),
    EntryKind.INTERNAL_NOTE: _l("Internal note"),
    EntryKind.STATE_CHANGE: _l("Step"),
    EntryKind.COMPANY_RESPONSE: _l("Company response"),
    EntryKind.CASE_JOINED: _l("Another case was merged into this one"),
    EntryKind.FROM_COMPANY: _l("From the company"),
    EntryKind.TO_COMPANY: _l("To the company"),
}

VISIBILITY = {
    Visibility.COMPLAINANT: _l("Seen by the complainant"),
    Visibility.INTERNAL: _l("Internal"),
    Visibility.COMPANY: _l("Seen by the company"),
}

MEETING_KINDS = {MeetingKind.DIALOGUE: _l("Dialogue meeting"), MeetingKind.HEARING: _l("Hearing")}
