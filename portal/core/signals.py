"""Signals sent by operations after they change something; the audit trail and notifications listen to them.

Every case signal is sent with the case as sender, after the change has been flushed but before the commit, and
carries ``actor`` (a User, or None for the receipt holder or the system). The audit receivers write one
hash-chained entry per signal; the notification receivers queue emails that leave after the commit.
"""

from blinker import Namespace

_signals = Namespace()


def _signal(name: str, doc: str):
    return _signals.signal(name, doc=doc)


case_submitted = _signal("case-submitted", "A grievance was filed. kwargs: entry.")
complainant_replied = _signal("complainant-replied", "The receipt holder wrote. kwargs: entry.")
case_state_changed = _signal("case-state-changed", "A case moved. kwargs: action, old_state, entry, actor, transition.")
message_to_complainant = _signal("message-to-complainant", "Staff wrote to the complainant. kwargs: entry, actor.")
message_to_organisation = _signal(
    "message-to-organisation", "Staff wrote to the organisation that filed the case. kwargs: entry, actor."
)
internal_note_added = _signal("internal-note-added", "Staff added an internal note. kwargs: entry, actor.")
company_responded = _signal("company-responded", "The respondent company answered. kwargs: entry, actor.")
company_extension_granted = _signal("company-extension-granted", "The company took its one extension. kwargs: actor.")
company_summary_written = _signal("company-summary-written", "The redacted summary changed. kwargs: actor.")
case_assigned = _signal("case-assigned", "A case officer was assigned. kwargs: officer, actor.")
case_linked = _signal("case-linked", "Respondent or sites changed. kwargs: actor, respondent_id, entity_ids.")
panel_seat_changed = _signal("panel-seat-changed", "A panel seat was filled or emptied. kwargs: seat, actor, removed.")
recusal_recorded = _signal("recusal-recorded", "A staff member was recused from a case. kwargs: recusal, actor.")
decision_recorded = _signal("decision-recorded", "A decision was signed. kwargs: decision, actor.")
case_suspension_changed = _signal("case-suspension-changed", "Clocks stopped or resumed. kwargs: suspended, actor.")
case_urgency_changed = _signal(
    "case-urgency-changed", "Case staff set or cleared the urgent flag, with a reason. kwargs: urgent, entry, actor."
)
mandate_status_changed = _signal(
    "mandate-status-changed",
    "A representative's mandate was given, verified or more was asked for. kwargs: old_status, status, entry, actor.",
)
case_language_changed = _signal(
    "case-language-changed",
    "Case staff recorded the complainant's language or interpreter need. kwargs: actor, changed (field names).",
)
meeting_changed = _signal(
    "meeting-changed",
    "A dialogue meeting or hearing was scheduled, changed or cancelled. kwargs: meeting, change, entry, actor.",
)
commitments_changed = _signal(
    "commitments-changed",
    "Commitments of a settlement or decision were recorded or removed. kwargs: commitments, removed, actor.",
)
monitoring_checked = _signal(
    "monitoring-checked", "A remedy check-in marked the commitments due. kwargs: entry, checks, actor."
)
publication_changed = _signal(
    "publication-changed",
    "A public text was drafted, published or withdrawn, or a flagged case released to the register. kwargs: "
    "publication (None for a release), change (drafted, published, withdrawn, released), actor.",
)
register_choice_changed = _signal(
    "register-choice-changed", "The complainant said whether the case may be in the public register. kwargs: listed."
)
annual_review_changed = _signal(
    "annual-review-changed",
    "The committee's narrative of a year's review was written, or the chair adopted the review (sender: the "
    "AnnualReview). kwargs: change (narrative, adopted), locales, actor.",
)
description_translated = _signal(
    "description-translated", "Case staff wrote or changed the working translation of the description. kwargs: actor."
)
remedy_progress_reported = _signal(
    "remedy-progress-reported", "A company liaison reported progress on one commitment. kwargs: report, actor."
)
message_to_company = _signal("message-to-company", "Case staff wrote to the respondent company. kwargs: entry, actor.")
case_tagged = _signal("case-tagged", "A tag was added to or removed from a case. kwargs: tag_id, removed, actor.")
staff_summary_written = _signal("staff-summary-written", "The secretariat's own summary changed. kwargs: actor.")
identity_viewed = _signal("identity-viewed", "Someone opened a complainant's identity. kwargs: actor.")
attachment_downloaded = _signal("attachment-downloaded", "An attachment was downloaded. kwargs: attachment, actor.")

# Organisation signal: sender is the organisation (target ``organisation:<id>``).
org_cases_exported = _signal(
    "org-cases-exported", "A member exported their organisation's own cases as CSV. kwargs: actor, case_ids."
)

# Desk signals (portal/cases/alerts.py, duplicates.py). An alert's signals have the alert as sender (audit target
# ``alert:<id>``); a dismissed duplicate suggestion's sender is the case whose page it was dismissed on.
alert_raised = _signal("alert-raised", "Grievances about one group reached the threshold. kwargs: actor (None).")
alert_changed = _signal(
    "alert-changed",
    "An alert was acknowledged or dismissed, or a case joined it. kwargs: change (acknowledged, dismissed, "
    "case_joined), actor (None when a case joined).",
)
duplicate_dismissed = _signal(
    "duplicate-dismissed", "Case staff said two cases are not the same grievance. kwargs: suggestion, actor."
)

# Account signals: sender is the user concerned.
user_logged_in = _signal("user-logged-in", "A staff member completed password and second factor. kwargs: actor.")
user_login_failed = _signal("user-login-failed", "A password or code was wrong. kwargs: stage.")
user_changed = _signal(
    "user-changed", "An account was created, its role changed or it was (de)activated. kwargs: actor, change."
)
message_template_changed = _signal(
    "message-template-changed", "The secretariat saved a message template. kwargs: actor, template (step, locale)."
)
affiliation_changed = _signal(
    "affiliation-changed", "A staff member declared a tie. kwargs: actor, organisation_id, entity_id."
)

# Lists: sender is the staff member concerned.
tag_changed = _signal("tag-changed", "The secretariat created a tag. kwargs: tag_id, change, actor.")
cases_exported = _signal(
    "cases-exported", "A case list was exported as CSV. kwargs: actor, filters (the list's query string), rows."
)

# Registry signal: sender is the organisation or site concerned.
registry_changed = _signal(
    "registry-changed",
    "An organisation or site was created or edited, or a relation of it added or removed. kwargs: actor, change "
    "(created, updated, relation_added, relation_removed), fields (names of the changed fields), relation.",
)

# API signals: sender is the token concerned (portal/api/tokens.py).
api_token_changed = _signal("api-token-changed", "An API token was issued or revoked. kwargs: actor, change.")
api_token_used = _signal(
    "api-token-used", "A token read or acted beyond public data. kwargs: actor, method, endpoint (never a value)."
)

# Webhook signal: sender is the subscription (portal/api/webhooks.py; audit target ``webhook:<id>``).
webhook_changed = _signal(
    "webhook-changed",
    "A webhook subscription was created, enabled, disabled (by a person, or automatically after repeated failures: "
    "change auto_disabled, actor None), deleted, or sent a test event. kwargs: actor, change.",
)
