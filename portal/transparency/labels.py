"""Words of the register, the open data dictionary and the publication controls (read through the ``words`` filter)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.transparency.queries import Stage

STAGES = {
    Stage.RECEIVED: _l("Received"),
    Stage.ACKNOWLEDGED: _l("Confirmed"),
    Stage.ADMISSIBILITY: _l("Can we handle it?"),
    Stage.COMPANY_RESPONSE: _l("Company answers"),
    Stage.DIALOGUE: _l("Talks between the sides"),
    Stage.DECISION: _l("Decision"),
    Stage.MONITORING: _l("Checking the remedy"),
    Stage.CLOSED: _l("Closed"),
}

REMEDY_TYPES = {"payment": _l("Payment"), "action": _l("Other action")}

REFUSALS = {
    "not_allowed": _l("You may not do this."),
    "bad_text": _l("The text is too long or the language is unknown."),
    "empty_draft": _l("Write the text before it is published."),
    "not_published": _l("This text is not published."),
    "not_releasable": _l("Only a closed case with a risk flag is released by hand."),
}

CHOICE_SAVED = {
    "yes": _l("Saved. Your case may be shown in the public register, without your name."),
    "no": _l("Saved. Your case will not be shown in the public register."),
}

PUBLICATION_STATUSES = {"draft": _l("Draft"), "published": _l("Published"), "withdrawn": _l("Withdrawn")}

# The open data's fields: the key (stable, never translated) and what it means.
DICTIONARY = (
    ("reference", _l("The case number.")),
    ("url", _l("The case's page in the register.")),
    ("stage", _l("Where the case is now, as one of the stage keys listed in stages.")),
    ("date_precision", _l("day or month: at small sites dates are given to the month only, to protect people.")),
    (
        "stages",
        _l(
            "Each stage the case reached, with its date: received, acknowledged, admissibility, company_response, "
            "dialogue, decision, monitoring, closed."
        ),
    ),
    ("filer_type", _l("Who filed: affected_person, on_behalf, union, ngo or witness.")),
    (
        "representing_organisation",
        _l("The union or NGO that filed for the people, only if it agreed to be named; otherwise empty."),
    ),
    ("country", _l("Country, as an ISO 3166-1 code.")),
    ("regions", _l("Regions of the sites, as ISO 3166-2 codes.")),
    ("commodity", _l("The metal concerned.")),
    ("categories", _l("What the grievance is about.")),
    ("respondent", _l("The covenant company answering the case, with its LEI and register numbers.")),
    ("sites", _l("Sites the case is about, with their RMI, Open Supply Hub and GeoNames identifiers.")),
    ("outcome", _l("The result: settled, founded, partly_founded or unfounded.")),
    ("remedy_types", _l("Kinds of remedy agreed or decided: payment or action.")),
    ("summary", _l("A short summary written by the secretariat, without names, by language.")),
    ("decisions", _l("Each decision: kind, date, admissible, outcome, referral and its public summary by language.")),
    ("commitments", _l("Each commitment: payment or not, due month, instalment, and the status found at each check.")),
    ("last_updated", _l("When the case last changed.")),
)
