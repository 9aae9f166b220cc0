"""The steps of the complaint form: one short question group per page, as data.

Six numbered steps, one short page each, except: what happened is told on one page and sorted on the next (each
fits two phone screens), and two pages are shown only when they apply (whom a representative speaks for; contact
details only for a person who chose to give them). The views (portal/intake/report.py) walk this
list: which page comes next or before depends only on the answers so far.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.cases.models import REPRESENTATIVE_FILERS

STEP_COUNT = 6
Answers = Mapping[str, list[str]]


def _first(answers: Answers, name: str) -> str:
    values = answers.get(name) or [""]
    return values[0]


def _always(answers: Answers) -> bool:
    return True


def is_representative(answers: Answers) -> bool:
    return _first(answers, "filer_type") in REPRESENTATIVE_FILERS


def files_for_organisation(answers: Answers) -> bool:
    """A verified organisation's member files on behalf of people: the draft was begun at /org/ (orgs/filing.py),
    which put the organisation in it; no page asks for it, so no visitor can set it."""
    return bool(_first(answers, "on_behalf_of"))


def not_for_organisation(answers: Answers) -> bool:
    return not files_for_organisation(answers)


def children_for_organisation(answers: Answers) -> bool:
    return files_for_organisation(answers) and bool(_first(answers, "children_involved"))


def gives_contact(answers: Answers) -> bool:
    return _first(answers, "anonymous") == "no"


@dataclass(frozen=True)
class Step:
    slug: str  # the page's address under /report, and its endpoint ``intake.report_<slug>``
    number: int  # "step n of 6"
    title: str
    fields: tuple[str, ...]  # the answers this page asks for (file fields included)
    applies: Callable[[Answers], bool] = _always
    # Free-text answers given back on the 503 page if the database fails (core/errors.keeps_typed_text).
    text_fields: tuple[str, ...] = ()
    file_fields: tuple[str, ...] = ()

    @property
    def endpoint(self) -> str:
        return "intake.report" if self.slug == "who" else f"intake.report_{self.slug}"

    @property
    def answer_fields(self) -> tuple[str, ...]:
        return tuple(name for name in self.fields if name not in self.file_fields)


STEPS = (
    Step("who", 1, _l("Who is making this complaint?"), ("filer_type",), applies=not_for_organisation),
    # An organisation files on behalf of people: whom, named or not, the consent its field worker recorded, and
    # how many of them get a receipt of their own. Its filer type comes from the organisation's kind.
    Step(
        "behalf",
        1,
        _l("Whom does your organisation file for?"),
        (
            "represented_kind",
            "represented_named",
            "represented_names",
            "own_receipts",
            "consent_by",
            "consent_method",
            "consent_on",
            "consent_language",
        ),
        applies=files_for_organisation,
        text_fields=("represented_names", "consent_by"),
    ),
    Step(
        "group",
        1,
        _l("The people you speak for"),
        ("people_represented", "households_represented", "community", "mandate", "mandate_consent"),
        applies=is_representative,
        text_fields=("community", "mandate_consent"),
        file_fields=("mandate",),
    ),
    Step(
        "what",
        2,
        _l("What happened?"),
        ("voice_note", "photo", "evidence", "description"),
        text_fields=("description",),
        file_fields=("voice_note", "photo", "evidence"),
    ),
    Step("kind", 2, _l("What kind of problem is it?"), ("categories",)),
    Step(
        "where",
        3,
        _l("Where and when?"),
        ("country", "place", "companies", "commodity", "incident_date", "incident_period", "ongoing"),
        text_fields=("place", "companies", "incident_period"),
    ),
    Step(
        "wish",
        4,
        _l("What do you want?"),
        ("desired_remedy", "people_affected", "children_involved", "retaliation_risk"),
        text_fields=("desired_remedy",),
    ),
    Step(
        "guardian",
        4,
        _l("Children: consent and safety"),
        ("guardian_consent_by", "guardian_consent_method", "safeguarding"),
        applies=children_for_organisation,
        text_fields=("guardian_consent_by",),
    ),
    Step("contact", 5, _l("May we contact you?"), ("anonymous", "spoken_language", "register_listed")),
    Step(
        "identity",
        5,
        _l("How can we reach you?"),
        ("name", "email", "phone", "whatsapp", "postal", "preferred_language", "share_identity"),
        applies=gives_contact,
        text_fields=("postal",),
    ),
)
BY_SLUG = {step.slug: step for step in STEPS}
CHECK = "check"  # the last step: check your answers and send


def next_after(step: Step, answers: Answers) -> Step | None:
    """The next page that applies, or None when the check page comes next."""
    later = STEPS[STEPS.index(step) + 1 :]
    return next((candidate for candidate in later if candidate.applies(answers)), None)


def before(slug: str, answers: Answers) -> Step | None:
    """The page before ``slug`` that applies (the check page's is the last that applies); None before the first."""
    earlier = STEPS if slug == CHECK else STEPS[: STEPS.index(BY_SLUG[slug])]
    return next((candidate for candidate in reversed(earlier) if candidate.applies(answers)), None)


def step_of(field: str) -> Step:
    return next(step for step in STEPS if field in step.fields)
