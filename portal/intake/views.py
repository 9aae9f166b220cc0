from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.cases.commitments import Commitment
from portal.cases.committee import Decision
from portal.cases.labels import (
    CATEGORIES,
    COMMITMENT_FOR_COMPLAINANT,
    COMMODITIES,
    MANDATE_FOR_COMPLAINANT,
    MEETING_KINDS,
    OUTCOMES,
    STATE_FOR_COMPLAINANT,
)
from portal.cases.meetings import upcoming_meetings
from portal.cases.models import Case
from portal.cases.workflow import Action, State
from portal.core.errors import keeps_typed_text
from portal.core.i18n import country_name
from portal.core.routing import locale_blueprint
from portal.extensions import db, limiter
from portal.intake import holder, operations, report, throttle
from portal.intake.forms import LeaveForm, ReceiptForm, ReplyForm, ReviewRequestForm, WithdrawForm
from portal.intake.progress import case_progress, open_question
from portal.intake.receipt import group_receipt
from portal.media.uploads import ACCEPT_ATTRIBUTE, PreparedFile, UploadRejected, prepare_uploads

intake = locale_blueprint("intake", __name__)
report.register(intake)  # the complaint form's steps (portal/intake/report.py)


@intake.after_request
def never_cache(response):
    # Receipts, case content and half-typed grievances must not stay in a shared phone's cache or history.
    response.headers["Cache-Control"] = "no-store"
    return response


def _limit(setting: str):
    return lambda: current_app.config[setting]


def _prepare(evidence, mandate) -> tuple[list[PreparedFile], list[PreparedFile]]:
    """Check and clean the evidence and a representative's mandate document together (one set of limits); the
    mandate comes first. Raises ``UploadRejected``."""
    given = mandate if getattr(mandate, "filename", None) else None
    prepared = prepare_uploads(([given] if given else []) + list(evidence or []))
    return (prepared[1:], prepared[:1]) if given else (prepared, [])


def _show_rejection(form, rejected: UploadRejected) -> None:
    """The error goes to the file field the refused file came from."""
    field = form.mandate if rejected.upload is not None and rejected.upload is form.mandate.data else form.evidence
    field.errors = [*field.errors, rejected.message]


@intake.get("/receipt")
def receipt():
    """The receipt, shown once: it leaves the session cookie, and the server's encrypted copy is deleted."""
    new = session.pop(report.RECEIPT_KEY, None)
    if new is None or not new.get("receipt"):
        return render_template("intake/receipt.html", reference=None, receipt=None, not_again=True)
    # What the receipt promises, read before the delete: on SQLite the delete takes the write lock until the commit,
    # and a read inside it would make every concurrent filing wait longer.
    case = db.session.execute(
        select(Case.created_at, Case.urgent, Case.triage_due_at, Case.acknowledge_due_at).where(
            Case.reference == new["reference"]
        )
    ).one_or_none()
    operations.forget_held_receipt(new["token"])
    return render_template(
        "intake/receipt.html",
        reference=new["reference"],
        receipt=group_receipt(new["receipt"]),
        extra_receipts=[group_receipt(number) for number in new.get("extra") or ()],
        case=case,
        clocks=current_app.extensions["portal_clocks"],
    )


@intake.route("/follow-up", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RECEIPT_CLIENT"), methods=["POST"])
@limiter.limit(_limit("RATELIMIT_RECEIPT_GLOBAL"), methods=["POST"], key_func=lambda: "all-clients")
def follow_up():
    form = ReceiptForm()
    if form.validate_on_submit():
        # Hash and look up whatever was typed, well-formed or not, so every wrong receipt costs the same.
        case = operations.case_by_receipt(form.receipt.data)
        if case is not None:
            holder.open_case_session(case)
            return redirect(url_for("intake.my_case"))
        form.receipt.errors.append(
            _("We could not find a grievance with this receipt. Check the 16 digits and try again.")
        )
        return render_template("intake/follow_up.html", form=form), 400
    return render_template("intake/follow_up.html", form=form)


def _case_or_redirect():
    case = holder.current_case()
    if case is None:
        flash(_("For your safety you were signed out of your case. Enter your receipt to continue."))
    return case


def decisions_for(case: Case) -> list[Decision]:
    return list(db.session.scalars(select(Decision).where(Decision.case_id == case.id).order_by(Decision.id)))


@intake.route("/follow-up/case", methods=["GET", "POST"])
@keeps_typed_text("message")
def my_case(review_form: ReviewRequestForm | None = None, status: int = 200):
    case = _case_or_redirect()
    if case is None:
        return redirect(url_for("intake.follow_up"))
    form = ReplyForm()
    if review_form is None and case.replies_open and form.validate_on_submit():
        try:
            files, mandate = _prepare(form.evidence.data, form.mandate.data if case.is_representative else None)
        except UploadRejected as rejected:
            _show_rejection(form, rejected)
            status = rejected.status
        else:
            if not throttle.storage_left_for(case.joint_case(), files + mandate):
                form.evidence.errors.append(
                    _("This case holds as many files as we can keep. Send your message without files.")
                )
                status = 413
            elif not throttle.reply_allowed(case):
                form.message.errors.append(
                    _("You have sent many messages in a short time. Please wait an hour and send this one again.")
                )
                status = 429
            else:
                operations.add_complainant_reply(case, form.message.data.strip(), files, g.locale, mandate)
                flash(_("Your message was sent. Thank you."))
                return redirect(url_for("intake.my_case"))
    elif request.method == "POST" and review_form is None:
        status = 400
    entries = case.entries_for_complainant()
    return (
        render_template(
            "intake/case.html",
            case=case,
            form=form,
            accept=ACCEPT_ATTRIBUTE,
            state_words=STATE_FOR_COMPLAINANT[State(case.state)],
            mandate_words=MANDATE_FOR_COMPLAINANT[case.mandate_status] if case.is_representative else None,
            state_names={state: words[0] for state, words in STATE_FOR_COMPLAINANT.items()},
            entries=entries,
            categories=[(code, CATEGORIES[code]) for code in case.categories],
            commodity=COMMODITIES[case.commodity],
            country=country_name(case.country),
            can_withdraw=case.can_complainant(Action.WITHDRAW),
            decisions=decisions_for(case),
            outcomes=OUTCOMES,
            commitments=Commitment.of_case(case.joint_case().id),
            commitment_words=COMMITMENT_FOR_COMPLAINANT,
            can_request_review=case.can_complainant(Action.REQUEST_REVIEW) and case.review_window_open,
            # Once the window has passed, the page says when it ended instead of the form just disappearing.
            review_ended_on=case.review_window_due_at
            if case.can_complainant(Action.REQUEST_REVIEW) and not case.review_window_open
            else None,
            review_form=review_form or ReviewRequestForm(),
            leave_form=LeaveForm(),
            meetings=upcoming_meetings(case),
            meeting_kinds=MEETING_KINDS,
            progress=case_progress(case),
            question=open_question(case, entries),
        ),
        status,
    )


@intake.post("/follow-up/review")
@keeps_typed_text("reasons")
def review():
    case = _case_or_redirect()
    if case is None:
        return redirect(url_for("intake.follow_up"))
    form = ReviewRequestForm()
    if not (case.can_complainant(Action.REQUEST_REVIEW) and case.review_window_open):
        return redirect(url_for("intake.my_case"))
    if not form.validate_on_submit():
        return my_case(review_form=form, status=400)
    operations.request_review(case, form.reasons.data.strip(), g.locale)
    flash(_("Your request for a review was sent."))
    return redirect(url_for("intake.my_case"))


@intake.route("/follow-up/withdraw", methods=["GET", "POST"])
@keeps_typed_text("reason")
def withdraw():
    case = _case_or_redirect()
    if case is None:
        return redirect(url_for("intake.follow_up"))
    if not case.can_complainant(Action.WITHDRAW):
        return redirect(url_for("intake.my_case"))
    form = WithdrawForm()
    if form.validate_on_submit():
        operations.withdraw_case(case, form.reason.data, g.locale)
        flash(_("Your grievance has been withdrawn."))
        return redirect(url_for("intake.my_case"))
    status = 400 if request.method == "POST" else 200
    return render_template("intake/withdraw.html", case=case, form=form), status


@intake.post("/follow-up/leave")
def leave():
    LeaveForm().validate_on_submit()  # CSRF is checked globally; nothing else to validate
    holder.close_case_session()
    flash(_("You are signed out of your case. To come back, enter your receipt."))
    return redirect(url_for("public.landing"))
