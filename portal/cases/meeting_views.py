"""The complainant's language and interpreter need, and the dialogue meetings and hearings of a case: each form on
a page of its own, linked from the case page's "Language and interpreter" and "Meetings" sections.

Why pages of their own: each of these forms lists every ISO 639 language (about 600) and the meeting form every time
zone as well. Inline on the case page, hidden in closed ``<details>``, they were 100 KB of its 124 KB for every
reader, and one more uncached form of 1,100 options per planned meeting; signed-in pages are sent uncompressed
(core/security.py, BREACH). The case page now carries links; the forms are fetched when someone means to use them.
"""

from __future__ import annotations

from functools import partial
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.cases import access, labels
from portal.cases.forms import LanguageForm, MeetingForm
from portal.cases.loading import with_case
from portal.cases.meetings import (
    Meeting,
    MeetingInput,
    MeetingKind,
    cancel_meeting,
    change_meeting,
    schedule_meeting,
    set_language_needs,
)
from portal.cases.models import Case
from portal.cases.refusals import CaseworkRefused
from portal.cases.views import back_to_case, submit
from portal.core.auth import staff_required
from portal.core.forms import error_links, text_of
from portal.core.i18n import time_zones
from portal.core.roles import CASE_STAFF
from portal.extensions import db

meetings = Blueprint("meetings", __name__, url_prefix="/staff")


# --- the complainant's language and the interpreter ------------------------------------------------------------------


def _language_form(case: Case, posted: bool = False) -> LanguageForm:
    locale = str(get_locale())
    if posted:
        return LanguageForm(locale)
    return LanguageForm(
        locale,
        formdata=None,
        language=case.language or "",
        interpreter_needed=case.interpreter_needed,
        interpreter_language=case.interpreter_language or "",
        interpreter_note=case.interpreter_note or "",
    )


def _language_page(case: Case, form: LanguageForm, status: int = 200):
    return render_template("staff/case_language.html", case=case, form=form, problems=error_links(form)), status


@meetings.get("/cases/<reference>/language")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def language_page(case: Case):
    return _language_page(case, _language_form(case))


@meetings.post("/cases/<reference>/language")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def save_language(case: Case):
    form = _language_form(case, posted=True)
    return submit(
        case,
        form,
        partial(_language_page, case, form),
        lambda: set_language_needs(
            case,
            current_user,
            form.language.data or None,
            bool(form.interpreter_needed.data),
            form.interpreter_language.data or None,
            text_of(form.interpreter_note),
        ),
        "#interpreter",
        error_field=form.interpreter_language,
    )


# --- meetings ----------------------------------------------------------------------------------------------------


def _meeting_form(case: Case, meeting: Meeting | None = None, posted: bool = False) -> MeetingForm:
    """The form to plan a meeting, or to change ``meeting`` (its fields filled in, in the meeting's own zone)."""
    locale, zones = str(get_locale()), time_zones(case.country)
    prefix = f"meeting-{meeting.id}" if meeting else "meeting"
    if posted:
        return MeetingForm(locale, zones, prefix=prefix)
    if meeting is None:
        return MeetingForm(locale, zones, prefix=prefix, formdata=None)
    local = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
    return MeetingForm(
        locale,
        zones,
        prefix=prefix,
        formdata=None,
        kind=meeting.kind,
        date=local.date().isoformat(),
        time=local.strftime("%H:%M"),
        timezone=meeting.timezone,
        duration=str(meeting.duration_minutes),
        place=meeting.place or "",
        joining=meeting.joining or "",
        interpreter_language=meeting.interpreter_language or "",
        participants=meeting.participants or "",
        company_invited=meeting.company_invited,
    )


def _meeting_input(form: MeetingForm) -> MeetingInput:
    return MeetingInput(
        kind=MeetingKind(form.kind.data),
        starts_at=form.starts_at(),
        timezone=form.timezone.data,
        duration_minutes=int(form.duration.data),
        place=text_of(form.place),
        joining=text_of(form.joining),
        interpreter_language=form.interpreter_language.data or None,
        participants=text_of(form.participants),
        company_invited=bool(form.company_invited.data),
    )


def _meeting_of(case: Case, meeting_id: int) -> Meeting:
    """The meeting ``meeting_id`` of ``case``: a meeting of another case is not found, as a case one may not see."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.case_id != case.id:
        abort(404)
    return meeting


def _meeting_page(case: Case, form: MeetingForm, meeting: Meeting | None = None, status: int = 200):
    return (
        render_template(
            "staff/case_meeting.html",
            case=case,
            form=form,
            meeting=meeting,
            kinds=labels.MEETING_KINDS,
            problems=error_links(form),
        ),
        status,
    )


@meetings.get("/cases/<reference>/meetings/new")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def new_meeting(case: Case):
    return _meeting_page(case, _meeting_form(case))


@meetings.post("/cases/<reference>/meetings")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def plan(case: Case):
    form = _meeting_form(case, posted=True)

    def schedule():
        schedule_meeting(case, current_user, _meeting_input(form))
        flash(_("The meeting is planned. The complainant has been told."))

    again = partial(_meeting_page, case, form, None)
    return submit(case, form, again, schedule, "#meetings", error_field=form.date)


@meetings.get("/cases/<reference>/meetings/<int:meeting_id>")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def meeting_page(case: Case, meeting_id: int):
    meeting = _meeting_of(case, meeting_id)
    if meeting.cancelled_at is not None:  # nothing left to change: the case page says it was cancelled
        return back_to_case(case, f"#meeting-{meeting.id}")
    return _meeting_page(case, _meeting_form(case, meeting), meeting)


@meetings.post("/cases/<reference>/meetings/<int:meeting_id>")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def change(case: Case, meeting_id: int):
    meeting = _meeting_of(case, meeting_id)
    form = _meeting_form(case, meeting, posted=True)

    def apply():
        change_meeting(meeting, current_user, _meeting_input(form))
        flash(_("The meeting is changed. The complainant has been told."))

    again = partial(_meeting_page, case, form, meeting)
    return submit(case, form, again, apply, "#meetings", error_field=form.date)


@meetings.post("/cases/<reference>/meetings/<int:meeting_id>/cancel")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def cancel(case: Case, meeting_id: int):
    meeting = _meeting_of(case, meeting_id)
    if FlaskForm().validate_on_submit():
        try:
            cancel_meeting(meeting, current_user)
        except CaseworkRefused:
            return back_to_case(case, "#meetings")  # cancelled already, by someone else a moment ago
        flash(_("The meeting is cancelled. The complainant has been told."))
    return back_to_case(case, "#meetings")
