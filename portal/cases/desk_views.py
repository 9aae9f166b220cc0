"""The secretariat's desk: pattern alerts (``/staff/alerts``) and dismissing duplicate suggestions on a case.

Case staff only (secretariat and chair). An alert is shown to someone who may see at least one of its cases, and
only those cases (404 otherwise, as for a case). The dashboard's and the case page's sections are includes
(``staff/_alerts.html``, ``staff/_duplicates.html``) that read their rows through the template globals below, so
those pages' views stay as they are; each is one query.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.cases import alerts, duplicates, labels, workload
from portal.cases.access import can_manage
from portal.cases.alert_models import AlertKind, AlertStatus, DuplicateReason
from portal.cases.loading import with_case
from portal.cases.models import Case
from portal.cases.receivers import run_desk
from portal.cases.refusals import CaseworkRefused
from portal.core.auth import staff_required
from portal.core.db import utcnow
from portal.core.roles import CASE_STAFF, CASEWORK
from portal.extensions import db

desk = Blueprint("desk", __name__, url_prefix="/staff")
logger = logging.getLogger(__name__)

ALERT_KINDS = {
    AlertKind.SITE: _l("Same site"),
    AlertKind.ORGANISATION: _l("Same company or organisation"),
    AlertKind.PATTERN: _l("Same harm, metal and country"),
}
ALERT_STATUSES = {
    AlertStatus.OPEN: _l("Open"),
    AlertStatus.ACKNOWLEDGED: _l("Acknowledged by the secretariat"),
    AlertStatus.DISMISSED: _l("Dismissed"),
}
DUPLICATE_REASONS = {
    DuplicateReason.TEXT: _l("similar description"),
    DuplicateReason.SITE: _l("same site"),
    DuplicateReason.RESPONDENT: _l("same company"),
    DuplicateReason.CATEGORY: _l("same kind of harm"),
    DuplicateReason.DATES: _l("incident dates close together"),
    DuplicateReason.PLACE: _l("similar place"),
}


def _words() -> dict:
    return {
        "alert_kinds": ALERT_KINDS,
        "alert_statuses": ALERT_STATUSES,
        "group_name": alerts.group_name,
        "labels": labels,
    }


@desk.teardown_app_request
def _run_desk_after_commit(error: BaseException | None) -> None:
    """The cases filed or linked in this request (cases/receivers.py): their duplicate suggestions and pattern
    alerts, in a transaction of their own once the request's has committed. A failure here is logged; the case
    stays filed (the next link of it computes again)."""
    pending = g.pop("portal_desk_cases", None)
    if not pending or error is not None:
        return
    try:
        for case_id in sorted(pending):
            case = db.session.get(Case, case_id)
            if case is not None:  # None: the request rolled back, nothing was filed
                run_desk(case)
        db.session.commit()
    except Exception:
        db.session.rollback()
        logger.exception("the desk could not compare or group cases %s", sorted(pending))


@dataclass(frozen=True)
class AlertLine:
    """An open alert as the dashboard lists it: plain data, kept between requests (``workload.kept``)."""

    id: int
    name: str
    kind: str
    count: int  # of its cases this reader may see
    last_case_at: datetime


def _open_alert_lines(user) -> list[AlertLine]:
    rows = alerts.alerts_for(user, (AlertStatus.OPEN,))
    counts = alerts.visible_counts(rows, user)
    return [AlertLine(a.id, alerts.group_name(a), a.kind, counts.get(a.id, 0), a.last_case_at) for a in rows]


@desk.app_template_global()
def desk_open_alerts():
    """For ``staff/_alerts.html`` on the dashboard: open alerts the signed-in person may see, with their counts;
    kept like the workload charts beside them until anything audited changes (raising, acknowledging or dismissing
    an alert, a case filed or linked) or the minute turns: they were a quarter of the dashboard's time."""
    if not current_user.is_authenticated or not current_user.is_in(CASE_STAFF):
        return None
    user = current_user._get_current_object()
    lines = workload.kept("open-alerts", user, utcnow(), lambda: _open_alert_lines(user))
    return {"alerts": lines, **_words()}


@desk.app_template_global()
def desk_duplicates(case: Case):
    """For ``staff/_duplicates.html`` on the case page: the stored suggestions the person may see."""
    if not current_user.is_authenticated or not current_user.is_in(CASE_STAFF):
        return None
    return {
        "rows": duplicates.suggestions_for(case, current_user),
        "reasons": DUPLICATE_REASONS,
        "may_dismiss": can_manage(case, current_user),
    }


@desk.app_template_global()
def desk_about(record):
    """For ``registry/_desk.html`` on a site's or organisation's page: its cases the person may see (anyone who
    works on cases) and its alerts (case staff)."""
    if not current_user.is_authenticated or not current_user.is_in(CASEWORK):
        return None
    return {
        "cases": alerts.cases_about(record, current_user),
        "alerts": alerts.alerts_about(record, current_user) if current_user.is_in(CASE_STAFF) else None,
        "now": utcnow(),
        **_words(),
    }


@desk.get("/alerts")
@staff_required(CASE_STAFF)
def alert_list():
    rows = alerts.alerts_for(current_user, tuple(AlertStatus), limit=200)
    return render_template(
        "staff/alerts.html", alerts=rows, counts=alerts.visible_counts(rows, current_user), **_words()
    )


def _alert_or_404(alert_id: int):
    alert = alerts.visible_alert(alert_id, current_user)
    if alert is None:
        abort(404)
    return alert


@desk.get("/alerts/<int:alert_id>")
@staff_required(CASE_STAFF)
def alert_page(alert_id: int):
    alert = _alert_or_404(alert_id)
    return render_template(
        "staff/alert.html",
        alert=alert,
        cases=alerts.cases_of(alert, current_user),
        form=FlaskForm(),
        **_words(),
    )


def _change(alert_id: int, status: AlertStatus, done: str):
    alert = _alert_or_404(alert_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        alerts.set_status(alert, status, current_user)
    except CaseworkRefused:
        flash(_("This alert was already acknowledged or dismissed."))
    else:
        flash(done)
    return redirect(url_for("desk.alert_page", alert_id=alert.id))


@desk.post("/alerts/<int:alert_id>/acknowledge")
@staff_required(CASE_STAFF)
def acknowledge_alert(alert_id: int):
    return _change(alert_id, AlertStatus.ACKNOWLEDGED, _("The alert is acknowledged."))


@desk.post("/alerts/<int:alert_id>/dismiss")
@staff_required(CASE_STAFF)
def dismiss_alert(alert_id: int):
    return _change(alert_id, AlertStatus.DISMISSED, _("The alert is dismissed. It will not come back for these cases."))


@desk.post("/cases/<reference>/duplicates/<int:suggestion_id>/dismiss")
@staff_required(CASE_STAFF)
@with_case(can_manage)
def dismiss_duplicate(case: Case, suggestion_id: int):
    suggestion = duplicates.visible_suggestion(case, suggestion_id, current_user)
    if suggestion is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    duplicates.dismiss(case, suggestion, current_user)
    flash(_("The suggestion is dismissed. These two cases will not be suggested again."))
    return redirect(url_for("staff.case_page", reference=case.reference) + "#duplicates")
