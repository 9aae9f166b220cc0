"""Words for people: kinds of organisations and sites, relations, and why a registry change was refused."""

from flask_babel import lazy_gettext as _l

from portal.organisations.models import EntityKind, OrganisationKind, RelationKind

ORGANISATION_KINDS = {
    OrganisationKind.COMPANY: _l("Company"),
    OrganisationKind.INDUSTRY_ASSOCIATION: _l("Industry association"),
    OrganisationKind.UNION: _l("Trade union"),
    OrganisationKind.NGO: _l("Non-governmental organisation (NGO)"),
    OrganisationKind.COMMUNITY_ORGANISATION: _l("Community organisation"),
    OrganisationKind.GOVERNMENT: _l("Government"),
    OrganisationKind.SECRETARIAT: _l("Secretariat"),
}

ENTITY_KINDS = {
    EntityKind.MINE: _l("Mine"),
    EntityKind.SMELTER: _l("Smelter"),
    EntityKind.REFINERY: _l("Refinery"),
    EntityKind.TRADER: _l("Trader"),
    EntityKind.MANUFACTURER: _l("Manufacturer"),
    EntityKind.PORT: _l("Port"),
    EntityKind.DEPOT: _l("Depot"),
}

RELATIONS = {
    RelationKind.OPERATES: _l("operates"),
    RelationKind.OWNED_BY: _l("is owned by"),
    RelationKind.SUPPLIES: _l("supplies"),
}

# Why a change was refused; keys of operations.RegistryRefused.reasons (and of the CSV import's errors).
REFUSALS = {
    "name_required": _l("Please fill in this field."),
    "name_taken": _l("An organisation with this name is already registered."),
    "kind_invalid": _l("Please choose one of the options."),
    "country_invalid": _l("Please give a country as its two-letter ISO code, for example CD."),
    "lei_invalid": _l("This is not a valid LEI: 20 letters and digits whose last two are check digits."),
    "lei_taken": _l("Another organisation already has this LEI."),
    "identifier_invalid": _l("Write each identifier as register and number, for example NL-KVK 12345678."),
    "identifier_taken": _l("Another organisation already has this identifier."),
    "rmi_invalid": _l("An RMI facility id is CID and six digits, for example CID001234."),
    "rmi_taken": _l("Another site already has this RMI facility id."),
    "os_id_invalid": _l("An OS ID is two letters and 13 letters or digits, for example NL2019123ABC456."),
    "os_id_taken": _l("Another site already has this OS ID."),
    "geonames_invalid": _l("Please give a whole number, for example 12."),
    "region_invalid": _l("The region must be an ISO 3166-2 code of the site's country, for example CD-LU."),
    "coordinates_invalid": _l("Give both latitude (-90 to 90) and longitude (-180 to 180), or neither."),
    "commodity_invalid": _l("Please choose one of the options."),
    "operator_invalid": _l("Please choose one of the options."),
    "relation_invalid": _l(
        "This relation does not fit these two: an organisation operates a site; a site or an organisation is owned "
        "by an organisation; a site supplies a site or an organisation."
    ),
    "relation_self": _l("Something cannot have a relation to itself."),
    "relation_exists": _l("This relation is already registered."),
}
