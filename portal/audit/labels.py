"""Words for people: what each audit action means, in the page's language."""

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "case-submitted": _l("Grievance filed"),
    "complainant-replied": _l("Complainant wrote"),
    "case-state-changed": _l("Case moved"),
    "message-to-complainant": _l("Message to the complainant"),
    "message-to-organisation": _l("Message to the organisation"),
    "org-cases-exported": _l("Organisation exported its cases"),
    "internal-note-added": _l("Internal note"),
    "company-responded": _l("Company responded"),
    "company-extension-granted": _l("Company response extended"),
    "company-summary-written": _l("Summary for the company written"),
    "message-to-company": _l("Message to the company"),
    "remedy-progress-reported": _l("Remedy progress reported by the company"),
    "description-translated": _l("Working translation of the description written"),
    "message-template-changed": _l("Message template changed"),
    "case-assigned": _l("Case officer assigned"),
    "case-linked": _l("Company or sites named"),
    "panel-seat-changed": _l("Panel seat changed"),
    "recusal-recorded": _l("Recusal recorded"),
    "decision-recorded": _l("Decision signed"),
    "case-suspension-changed": _l("Clocks stopped or resumed"),
    "case-urgency-changed": _l("Urgency set or cleared"),
    "mandate-status-changed": _l("Mandate status changed"),
    "case-language-changed": _l("Language or interpreter need recorded"),
    "meeting-changed": _l("Meeting planned, changed or cancelled"),
    "commitments-changed": _l("Commitments recorded or removed"),
    "monitoring-checked": _l("Remedy check-in recorded"),
    "identity-viewed": _l("Complainant's identity viewed"),
    "attachment-downloaded": _l("Attachment downloaded"),
    "user-logged-in": _l("Logged in"),
    "user-login-failed": _l("Failed login"),
    "user-changed": _l("Account changed"),
    "affiliation-changed": _l("Affiliation declared or removed"),
    "registry-changed": _l("Registry changed"),
    "alert-raised": _l("Pattern alert raised"),
    "alert-changed": _l("Pattern alert acknowledged, dismissed or joined by a case"),
    "duplicate-dismissed": _l("Duplicate suggestion dismissed"),
    "publication-changed": _l("Public text drafted, published or withdrawn"),
    "register-choice-changed": _l("Complainant's register choice changed"),
    "annual-review-changed": _l("Annual review narrative written or review adopted"),
    "case-tagged": _l("Tag added or removed"),
    "staff-summary-written": _l("Staff summary written"),
    "tag-changed": _l("Tag created"),
    "cases-exported": _l("Case list exported"),
    "api-token-changed": _l("API token issued or revoked"),
    "api-token-used": _l("API token used"),
    "webhook-changed": _l("Webhook added, turned on or off, deleted or tested"),
}


def action_label(action: str):
    """The label of a known action; an action without one (a signal added later) shows its own name."""
    return ACTIONS.get(action, action)
