"""The one role model: who a person is to the portal, and the named groups that access rules use.

A new role is added here (and to its access rules in ``portal/cases/access.py``); nothing else spells roles out.
Templates read the groups through ``current_user.is_in(...)`` with the same names.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    # The receipt holder has no account; the workflow still needs to name them.
    COMPLAINANT = "complainant"
    SECRETARIAT = "secretariat"
    CHAIR = "chair"
    MEMBER = "member"
    COMPANY = "company"
    ORGANISATION = "organisation"
    ADMIN = "admin"


# Roles an account can hold (the users table's CHECK constraint).
ACCOUNT_ROLES = frozenset(Role) - {Role.COMPLAINANT}
# Who runs cases day to day: acknowledge, assign, link, message, seat panels.
CASE_STAFF = frozenset({Role.SECRETARIAT, Role.CHAIR})
# Who sits on panels.
COMMITTEE = frozenset({Role.CHAIR, Role.MEMBER})
# Everyone who works inside case files on the committee's side (the /staff/ pages).
CASEWORK = CASE_STAFF | COMMITTEE
# Who may read the audit trail.
AUDIT_READERS = frozenset({Role.ADMIN, Role.CHAIR})
# Who manages accounts.
ADMINS = frozenset({Role.ADMIN})
COMPANY_LIAISONS = frozenset({Role.COMPANY})
# Who keeps the registry of organisations and sites up to date.
REGISTRY_EDITORS = frozenset({Role.SECRETARIAT, Role.ADMIN})
# Who reads it: the editors and the committee, which judges cases about these organisations and sites.
REGISTRY_READERS = REGISTRY_EDITORS | COMMITTEE

GROUPS = {
    "CASE_STAFF": CASE_STAFF,
    "COMMITTEE": COMMITTEE,
    "CASEWORK": CASEWORK,
    "AUDIT_READERS": AUDIT_READERS,
    "ADMINS": ADMINS,
    "COMPANY_LIAISONS": COMPANY_LIAISONS,
    "REGISTRY_EDITORS": REGISTRY_EDITORS,
    "REGISTRY_READERS": REGISTRY_READERS,
}
