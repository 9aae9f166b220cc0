"""Words for people: role and nomination names, in the page's language."""

from flask_babel import lazy_gettext as _l

from portal.users.models import Nomination, UserRole

ROLES = {
    UserRole.SECRETARIAT: _l("Secretariat (case officer)"),
    UserRole.CHAIR: _l("Committee chair"),
    UserRole.MEMBER: _l("Committee member"),
    UserRole.COMPANY: _l("Company liaison"),
    UserRole.ORGANISATION: _l("Union or NGO member"),
    UserRole.ADMIN: _l("Administrator"),
}

NOMINATIONS = {
    Nomination.INDEPENDENT: _l("Independent"),
    Nomination.INDUSTRY: _l("Nominated by industry"),
    Nomination.CIVIL_SOCIETY: _l("Nominated by trade unions and NGOs"),
}

# Why an account change was refused; keys of operations.UserChangeRefused.reason.
CHANGE_REFUSALS = {
    "email_taken": _l("An account with this email address already exists."),
    "self_deactivate": _l("You cannot deactivate your own account."),
    "self_demote": _l("You cannot take away your own administrator role."),
}
