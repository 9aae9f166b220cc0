"""Organisation accounts (unions, NGOs, community organisations): members, invitations, verification, filing on
behalf of people and the committee's messages to the filing organisation (docs/architecture.md §4, §8).

A package of its own above ``cases`` and ``intake`` (an entry package like ``company``): ``portal/organisations``
holds the registry's models, which ``users`` and ``cases`` import, so pages that import those cannot live there.
"""
