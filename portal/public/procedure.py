"""The rules of procedure as published, built from the very clock settings the workflow enforces."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.cases.workflow import ClockSettings


@dataclass(frozen=True)
class Stage:
    title: str
    text: str
    deadline: str | None


def _days(days: int) -> str:
    return ngettext("%(num)d day", "%(num)d days", days)


def procedure_stages(clocks: ClockSettings) -> list[Stage]:
    return [
        Stage(
            _("1. Receipt and acknowledgement"),
            _("The secretariat confirms that your grievance has arrived and tells you who will handle it."),
            _("within %(period)s of submission", period=_days(clocks.acknowledge_days)),
        ),
        Stage(
            _("Urgent cases"),
            _(
                "If children are in danger, someone faces retaliation or harm is imminent, the secretariat looks at "
                "the case first and can act to protect people at once."
            ),
            ngettext(
                "within %(num)d hour of submission",
                "within %(num)d hours of submission",
                clocks.urgent_triage_hours,
            ),
        ),
        Stage(
            _("2. Admissibility"),
            _(
                "A panel of the committee checks whether the grievance falls under the covenant. If it does not, "
                "you receive the reasons and advice on where else to go, such as the National Contact Point."
            ),
            _("within %(period)s of acknowledgement", period=_days(clocks.admissibility_days)),
        ),
        Stage(
            _("3. Response of the company"),
            _(
                "The company concerned receives a summary without your identity, unless you allowed it, and answers. "
                "It may ask once for more time."
            ),
            _(
                "within %(period)s, extended once by at most %(extension)s",
                period=_days(clocks.company_response_days),
                extension=_days(clocks.company_extension_days),
            ),
        ),
        Stage(
            _("4. Dialogue or decision"),
            _(
                "The committee mediates between you and the company. If no agreement is reached, a panel hears both "
                "sides and decides whether the grievance is founded."
            ),
            _(
                "decision within %(period)s after the dialogue or hearing ends",
                period=_days(clocks.decision_days),
            ),
        ),
        Stage(
            _("5. Review"),
            _("You and the company may ask for a review of a decision by a panel of other members."),
            _("request within %(period)s of the decision", period=_days(clocks.review_window_days)),
        ),
        Stage(
            _("6. Remedy and monitoring"),
            _("The committee checks whether the agreed remedy is really delivered."),
            _(
                "check-ins after %(first)s and %(second)s",
                first=_days(clocks.monitoring_first_days),
                second=_days(clocks.monitoring_second_days),
            ),
        ),
        Stage(
            _("Keeping you informed"),
            _(
                "While your case is open you hear from us regularly. When we ask you a question, the clock stops "
                "until you answer; without an answer the case may be closed as incomplete."
            ),
            _(
                "at least every %(period)s; questions wait %(wait)s for your answer",
                period=_days(clocks.feedback_days),
                wait=_days(clocks.info_request_days),
            ),
        ),
    ]
