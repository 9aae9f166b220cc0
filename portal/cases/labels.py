"""Words for people: category, commodity, filer and state names, in the page's language."""

from flask_babel import lazy_gettext as _l

from portal.cases.models import Category, Commodity, FilerType
from portal.cases.workflow import State

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
