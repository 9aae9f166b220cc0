"""Words for people: role and nomination names, in the page's language."""

from flask_babel import lazy_gettext as _l

from portal.core.roles import Role
from portal.users.models import Nomination

ROLES = {
    Role.SECRETARIAT: _l("Secretariat (case officer)"),
    Role.CHAIR: _l("Committee chair"),
    Role.MEMBER: _l("Committee member"),
    Role.COMPANY: _l("Company liaison"),
    Role.ORGANISATION: _l("Union or NGO member"),
    Role.ADMIN: _l("Administrator"),
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
    "organisation_kind_company": _l("A company liaison's organisation must be a company in the registry."),
    "organisation_kind_organisation": _l(
        "A union or NGO member's organisation must be a union, an NGO or a community organisation in the registry."
    ),
}
