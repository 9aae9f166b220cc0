"""Filing on behalf of people: a verified organisation's member starts the same stepwise journey as anyone
(portal/intake/steps.py), with the organisation put into the draft here, where no page can set it. The extra pages
(``behalf``, ``guardian``) apply only then, and sending checks again that the sender may file in its name."""

from __future__ import annotations

from portal.cases.models import FilerType
from portal.intake import drafts
from portal.organisations.models import Organisation, OrganisationKind
from portal.users.models import User

FILER_TYPE_OF_KIND = {
    OrganisationKind.UNION: FilerType.UNION,
    OrganisationKind.NGO: FilerType.NGO,
    OrganisationKind.COMMUNITY_ORGANISATION: FilerType.ON_BEHALF,
}


def start_filing(user: User) -> None:
    """A fresh draft that files for the member's organisation (a half-finished one of this browser is dropped)."""
    organisation: Organisation | None = user.organisation
    assert organisation is not None and user.can_file_on_behalf
    draft = drafts.current_draft()
    if draft is not None:
        drafts.discard(draft)
    draft = drafts.open_draft()
    filer_type = FILER_TYPE_OF_KIND.get(OrganisationKind(organisation.kind), FilerType.ON_BEHALF)
    drafts.save_answers(draft, {"on_behalf_of": [str(organisation.id)], "filer_type": [filer_type.value]})
