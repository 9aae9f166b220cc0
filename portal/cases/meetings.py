"""Dialogue meetings and hearings on a case, and the complainant's language needs (docs/architecture.md §5).

A meeting is planned, changed or cancelled by case staff; each time the complainant is told on their follow-up page
(a ``to_complainant`` entry written in their language, which restarts the feedback clock like any message, and an
"there is an update" mail if they gave an address). Like the other casework, each operation flushes and sends a
signal; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, format_timedelta, get_timezone_name
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases.models import Case, CaseEntry, EntryKind, Visibility
from portal.cases.operations import feedback_given
from portal.cases.refusals import CaseworkRefused
from portal.core import signals
from portal.core.db import CreatedAtMixin, UTCDateTime, one_of, utcnow
from portal.core.encrypted import EncryptedText
from portal.core.i18n import is_spoken_language, spoken_language_name
from portal.extensions import db
from portal.users.models import User

MAX_DURATION_MINUTES = 24 * 60


class MeetingKind(StrEnum):
    DIALOGUE = "dialogue"  # a mediated meeting between the complainant and the company
    HEARING = "hearing"  # the adjudicating panel hears both sides


class MeetingChange(StrEnum):
    SCHEDULED = "scheduled"
    CHANGED = "changed"
    CANCELLED = "cancelled"


class Meeting(CreatedAtMixin, db.Model):
    """When and where (or how to join remotely), the interpreter, and who attends. Place, joining instructions and
    participants are encrypted: they can tell where a complainant will be."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(one_of("kind", MeetingKind), name="valid_kind"),
        CheckConstraint(
            f"duration_minutes > 0 AND duration_minutes <= {MAX_DURATION_MINUTES}", name="duration_positive"
        ),
        CheckConstraint("place_encrypted IS NOT NULL OR joining_encrypted IS NOT NULL", name="place_or_remote"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The IANA zone the time is given in to the people attending (the place's, or the complainant's).
    timezone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    place_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    joining_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # An ISO 639 code (core/i18n.spoken_languages); None: no interpreter.
    interpreter_language: Mapped[str | None] = mapped_column(String(12))
    participants_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The respondent company's liaisons see the meeting (never the participants list or the complainant's contact).
    company_invited: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    place = EncryptedText("place_encrypted")
    joining = EncryptedText("joining_encrypted")
    participants = EncryptedText("participants_encrypted")

    case: Mapped[Case] = relationship()
    created_by = relationship("User")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_upcoming(self) -> bool:
        return self.cancelled_at is None and self.ends_at > utcnow()

    def when(self, locale: str | None = None) -> dict[str, str]:
        """Date, time, zone name and length, formatted for ``locale`` (the page's by default) in the meeting's zone."""
        locale = locale or str(get_locale())
        zone = ZoneInfo(self.timezone)
        local = self.starts_at.astimezone(zone)
        return {
            "date": format_date(local, "full", locale=locale),
            "time": format_time(local, "short", locale=locale),
            "zone": get_timezone_name(local, "long", locale=locale),
            "duration": format_timedelta(timedelta(minutes=self.duration_minutes), threshold=2, locale=locale),
        }

    def __repr__(self) -> str:
        return f"<Meeting {self.kind} {self.starts_at:%Y-%m-%d %H:%M}>"


def meetings_of(case: Case) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.case_id == case.id).order_by(Meeting.starts_at)))


def upcoming_meetings(case: Case) -> list[Meeting]:
    """What the complainant is expected at: not cancelled, not over; for a merged case, the joint case's too."""
    cases = [case, *case.joint_chain()]
    query = select(Meeting).where(Meeting.case_id.in_([c.id for c in cases]), Meeting.cancelled_at.is_(None))
    return [meeting for meeting in db.session.scalars(query.order_by(Meeting.starts_at)) if meeting.is_upcoming]


def meetings_for_company(case: Case) -> list[Meeting]:
    """The meetings the respondent company is invited to (cancelled ones dropped)."""
    query = select(Meeting).where(Meeting.case_id == case.id, Meeting.company_invited, Meeting.cancelled_at.is_(None))
    return list(db.session.scalars(query.order_by(Meeting.starts_at)))


# --- the complainant's language and interpreter need ------------------------------------------------------------


def set_language_needs(
    case: Case, actor: User, language: str | None, interpreter_needed: bool, interpreter_language: str | None, note
) -> None:
    """Record the complainant's own language and whether (and for which language) an interpreter is needed."""
    for code in (language, interpreter_language):
        if code and not is_spoken_language(code):
            raise CaseworkRefused("unknown_language")
    if interpreter_needed and not (interpreter_language or language):
        raise CaseworkRefused("interpreter_language")
    before = (case.language, case.interpreter_needed, case.interpreter_language, case.interpreter_note)
    case.language = language or None
    case.interpreter_needed = interpreter_needed
    case.interpreter_language = (interpreter_language or language) if interpreter_needed else None
    case.interpreter_note = (note or "").strip() or None
    after = (case.language, case.interpreter_needed, case.interpreter_language, case.interpreter_note)
    names = ("language", "interpreter_needed", "interpreter_language", "interpreter_note")
    changed = [name for name, old, new in zip(names, before, after, strict=True) if old != new]
    db.session.flush()
    signals.case_language_changed.send(case, actor=actor, changed=changed)


# --- meetings ---------------------------------------------------------------------------------------------------


@dataclass
class MeetingInput:
    kind: MeetingKind
    starts_at: datetime  # aware
    timezone: str
    duration_minutes: int
    place: str | None
    joining: str | None
    interpreter_language: str | None
    participants: str | None
    company_invited: bool


def _check(given: MeetingInput) -> None:
    if not (given.place or given.joining):
        raise CaseworkRefused("meeting_place")
    if given.interpreter_language and not is_spoken_language(given.interpreter_language):
        raise CaseworkRefused("unknown_language")
    if given.starts_at <= utcnow():
        raise CaseworkRefused("meeting_in_past")


def _apply(meeting: Meeting, given: MeetingInput) -> None:
    meeting.kind = given.kind
    meeting.starts_at = given.starts_at
    meeting.timezone = given.timezone
    meeting.duration_minutes = given.duration_minutes
    meeting.place = given.place
    meeting.joining = given.joining
    meeting.interpreter_language = given.interpreter_language
    meeting.participants = given.participants
    meeting.company_invited = given.company_invited


def schedule_meeting(case: Case, actor: User, given: MeetingInput) -> Meeting:
    if not case.is_open:
        raise CaseworkRefused("case_closed")
    _check(given)
    meeting = Meeting(case_id=case.id, created_by_id=actor.id)
    _apply(meeting, given)
    db.session.add(meeting)
    db.session.flush()
    _tell(case, meeting, MeetingChange.SCHEDULED, actor)
    return meeting


def change_meeting(meeting: Meeting, actor: User, given: MeetingInput) -> None:
    if meeting.cancelled_at is not None or not meeting.case.is_open:
        raise CaseworkRefused("meeting_cancelled")
    _check(given)
    _apply(meeting, given)
    db.session.flush()
    _tell(meeting.case, meeting, MeetingChange.CHANGED, actor)


def cancel_meeting(meeting: Meeting, actor: User) -> None:
    if meeting.cancelled_at is not None:
        raise CaseworkRefused("meeting_cancelled")
    meeting.cancelled_at = utcnow()
    db.session.flush()
    _tell(meeting.case, meeting, MeetingChange.CANCELLED, actor)


def _tell(case: Case, meeting: Meeting, change: MeetingChange, actor: User) -> CaseEntry:
    """The notice on the complainant's timeline, in their language; a message like any other (feedback clock, mail)."""
    locale = case.written_locale
    with force_locale(locale):
        body = meeting_notice(meeting, change, locale)
    entry = CaseEntry(
        kind=EntryKind.TO_COMPLAINANT, visibility=Visibility.COMPLAINANT, author_id=actor.id, locale=locale
    )
    entry.body = body
    case.entries.append(entry)
    feedback_given(case)
    db.session.flush()
    signals.meeting_changed.send(case, meeting=meeting, change=change, entry=entry, actor=actor)
    signals.message_to_complainant.send(case, entry=entry, actor=actor)
    return entry


def meeting_notice(meeting: Meeting, change: MeetingChange, locale: str) -> str:
    """The words of a notice, in the current (forced) locale. Every sentence is whole, for translators."""
    when = meeting.when(locale)
    hearing = meeting.kind == MeetingKind.HEARING
    if change == MeetingChange.CANCELLED:
        if hearing:
            return _("The hearing on your grievance planned for %(date)s at %(time)s has been cancelled.", **when)
        return _("The dialogue meeting on your grievance planned for %(date)s at %(time)s has been cancelled.", **when)
    if change == MeetingChange.SCHEDULED:
        opening = (
            _("A hearing on your grievance has been planned. You are invited.")
            if hearing
            else _("A dialogue meeting on your grievance has been planned. You are invited.")
        )
    else:
        opening = (
            _("The hearing on your grievance has been changed. This is the new plan.")
            if hearing
            else _("The dialogue meeting on your grievance has been changed. This is the new plan.")
        )
    lines = [opening, _("When: %(date)s at %(time)s (%(zone)s), for about %(duration)s.", **when)]
    if meeting.place:
        lines.append(_("Where: %(place)s", place=meeting.place))
    if meeting.joining:
        lines.append(_("How to join from a distance: %(how)s", how=meeting.joining))
    if meeting.interpreter_language:
        language = spoken_language_name(meeting.interpreter_language, locale)
        lines.append(_("An interpreter for %(language)s will be there.", language=language))
    else:
        lines.append(_("No interpreter is planned. If you need one, tell us and we will arrange it."))
    lines.append(_("If you cannot come, or need anything to take part, write to us here."))
    return "\n".join(lines)
