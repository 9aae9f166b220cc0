"""The rules of procedure as published, built from the very clock settings the workflow enforces.

Three views of the same clocks: the steps in words (``procedure_stages``), the timeline drawn as inline SVG
(``timeline``) with its ordered list for screen readers, and the glossary of the legal words that must stay
(``glossary``), which the steps link to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.cases.workflow import ClockSettings


@dataclass(frozen=True)
class Stage:
    title: str
    text: str
    deadline: str | None
    words: tuple[str, ...] = field(default=())  # glossary keys the text uses


def _days(days: int) -> str:
    return ngettext("%(num)d day", "%(num)d days", days)


def _hours(hours: int) -> str:
    return ngettext("%(num)d hour", "%(num)d hours", hours)


def procedure_stages(clocks: ClockSettings) -> list[Stage]:
    """The numbered steps, in order. The ordered list numbers them: the titles carry no number of their own."""
    return [
        Stage(
            _("We confirm that we got it"),
            _("Our team tells you that your complaint has arrived, and who will look after it."),
            _("within %(period)s after you send it", period=_days(clocks.acknowledge_days)),
        ),
        Stage(
            _("Can we handle it?"),
            _(
                "A panel checks if your complaint is covered by the agreement. If not, we tell you why and where "
                "else you can get help, for example the National Contact Point."
            ),
            _("within %(period)s after we confirm it", period=_days(clocks.admissibility_days)),
            ("panel", "admissible", "covenant", "ncp"),
        ),
        Stage(
            _("The company answers"),
            _(
                "We send the company a short summary. It does not show your name, unless you said yes. The company "
                "answers. It may ask once for more time."
            ),
            _(
                "within %(period)s; once, %(extension)s more",
                period=_days(clocks.company_response_days),
                extension=_days(clocks.company_extension_days),
            ),
        ),
        Stage(
            _("Talking, or a decision"),
            _(
                "We help you and the company talk and agree. If you cannot agree, a panel listens to both sides and "
                "decides if your complaint is right."
            ),
            _("decision within %(period)s after the talks end", period=_days(clocks.decision_days)),
            ("mediation", "panel"),
        ),
        Stage(
            _("Asking again"),
            _("If you or the company do not accept the decision, you can ask other committee members to look again."),
            _("ask within %(period)s after the decision", period=_days(clocks.review_window_days)),
            ("review",),
        ),
        Stage(
            _("Putting things right"),
            _("We check that the company really does what was agreed to put the harm right."),
            _(
                "checks after %(first)s and after %(second)s",
                first=_days(clocks.monitoring_first_days),
                second=_days(clocks.monitoring_second_days),
            ),
            ("remedy",),
        ),
    ]


def urgent_stage(clocks: ClockSettings) -> Stage:
    return Stage(
        _("If someone is in danger"),
        _(
            "If children are in danger, if someone is punished or threatened for speaking up, or if harm will happen "
            "soon, we look at the case first. We can act at once to protect people."
        ),
        _("within %(period)s after you send it", period=_hours(clocks.urgent_triage_hours)),
        ("retaliation",),
    )


def feedback_stage(clocks: ClockSettings) -> Stage:
    return Stage(
        _("We keep you informed"),
        _(
            "While your case is open, we write to you often. If we ask you a question, the clock stops until you "
            "answer. If you do not answer in time, we may close the case."
        ),
        _(
            "at least every %(period)s; we wait %(wait)s for your answer",
            period=_days(clocks.feedback_days),
            wait=_days(clocks.info_request_days),
        ),
    )


# --- the timeline: one point per stage, down the page (it reads the same way in both directions) ---


@dataclass(frozen=True)
class Point:
    title: str
    when: str
    y: int  # of the dot, in SVG units
    lines: tuple[tuple[str, int, bool], ...]  # (text, baseline y, bold)


# Characters that fit on one line beside the dots (viewBox 320 wide, 16-unit text, about 15 px on a 360 px phone):
# wider scripts get fewer. The browser tests check that no label runs past the drawing's edge.
_LINE_CHARS = {"zh_Hans": 16, "hi": 24}
_LINE_CHARS_DEFAULT = 30
_LINE_HEIGHT = 20
_GAP = 14


def _wrap(text: str, width: int) -> list[str]:
    """Greedy line breaks at spaces; a script written without spaces (Chinese) breaks between characters."""
    if " " not in text:
        return [text[start : start + width] for start in range(0, len(text), width)] or [""]
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _timeline_stops(clocks: ClockSettings) -> list[tuple[str, str]]:
    """(stage, when) in the order a case goes: the figures are the configured clocks, nothing else."""
    return [
        (_("You send your complaint"), _("day 0")),
        (
            _("We confirm that we got it"),
            _(
                "within %(period)s (%(urgent)s if someone is in danger)",
                period=_days(clocks.acknowledge_days),
                urgent=_hours(clocks.urgent_triage_hours),
            ),
        ),
        (_("We check if we can handle it"), _("then within %(period)s", period=_days(clocks.admissibility_days))),
        (_("The company answers"), _("then within %(period)s", period=_days(clocks.company_response_days))),
        (_("Talking and agreeing"), _("as long as the talks need")),
        (_("Decision"), _("within %(period)s after the talks end", period=_days(clocks.decision_days))),
        (
            _("Checking the remedy"),
            _(
                "%(first)s and %(second)s after the decision",
                first=_days(clocks.monitoring_first_days),
                second=_days(clocks.monitoring_second_days),
            ),
        ),
    ]


@dataclass(frozen=True)
class Timeline:
    points: tuple[Point, ...]
    height: int
    feedback: str  # said once for the whole line: it runs beside every stage


def timeline(clocks: ClockSettings, locale_code: str) -> Timeline:
    width = _LINE_CHARS.get(locale_code, _LINE_CHARS_DEFAULT)
    points = []
    y = 20
    for title, when in _timeline_stops(clocks):
        lines: list[tuple[str, int, bool]] = []
        baseline = y + 6
        title_lines = _wrap(title, width * 7 // 8)  # bold letters are wider
        for index, text in enumerate([*title_lines, *_wrap(when, width)]):
            bold = index < len(title_lines)
            lines.append((text, baseline, bold))
            baseline += _LINE_HEIGHT
        points.append(Point(title, when, y, tuple(lines)))
        y = baseline + _GAP
    feedback = _("We write to you at least every %(period)s.", period=_days(clocks.feedback_days))
    return Timeline(tuple(points), y, feedback)


# --- the glossary: only the legal words that must stay, each with an anchor the pages link to ---


def glossary() -> dict[str, tuple[str, str]]:
    """Anchor key → (word, meaning), in the order a reader meets them."""
    entries = [
        (
            "covenant",
            _("Covenant"),
            _(
                "The agreement that companies, trade unions, aid groups and the government signed to deal with harm "
                "in the metal business together."
            ),
        ),
        ("grievance", _("Grievance"), _("A complaint about harm.")),
        (
            "secretariat",
            _("Secretariat"),
            _("The small team that runs this service every day. They read your complaint and write to you."),
        ),
        ("panel", _("Panel"), _("Three committee members who look at one case together.")),
        (
            "admissible",
            _("Admissible"),
            _(
                "We can handle the complaint under these rules. If not, we say it cannot be handled under these rules "
                "and explain why."
            ),
        ),
        ("mediation", _("Mediation"), _("Someone on nobody's side helps you and the company talk and agree.")),
        ("review", _("Review"), _("Other committee members look at a decision again.")),
        ("remedy", _("Remedy"), _("What is done to put the harm right, for example pay, repairs or an apology.")),
        ("retaliation", _("Retaliation"), _("When someone punishes or threatens you because you complained.")),
        (
            "ncp",
            _("National Contact Point"),
            _("A government office that handles complaints about how companies behave."),
        ),
        (
            "association",
            _("Freedom of association"),
            _("Your right to join a trade union, or to start one, without being punished."),
        ),
        (
            "fpic",
            _("FPIC"),
            _(
                "Free, prior and informed consent: a community must be asked, and told everything, before a project "
                "uses its land. It may say no."
            ),
        ),
    ]
    return {key: (word, meaning) for key, word, meaning in entries}
