"""``/staff/registry/``: organisations and sites, for the secretariat and administrators to keep and the committee
to read (``REGISTRY_EDITORS``, ``REGISTRY_READERS`` in portal/core/roles.py).

Each view: form → one operation (portal/registry/operations.py) → redirect; invalid → 400 with the form again;
refused by a rule → 400 with the reason under its field. The request commits in portal/core/transaction.py.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.cases.labels import COMMODITIES
from portal.core.auth import staff_required
from portal.core.forms import text_of
from portal.core.i18n import countries, country_name
from portal.core.roles import REGISTRY_EDITORS, REGISTRY_READERS
from portal.core.routing import page_number
from portal.extensions import db
from portal.organisations.models import EntityRelation, Organisation, SupplyChainEntity
from portal.registry import labels, operations, queries
from portal.registry.forms import (
    EntityForm,
    OrganisationForm,
    RegistryFilterForm,
    RelationForm,
    RemoveForm,
    show_refusal,
)

registry = Blueprint("registry", __name__, url_prefix="/staff/registry")

KINDS = {"organisations": labels.ORGANISATION_KINDS, "entities": labels.ENTITY_KINDS}


def _countries():
    return countries(str(get_locale()))


def _filters(form: RegistryFilterForm) -> queries.RegistryFilters:
    def valid(field) -> str | None:
        return field.data if field.data and not field.errors else None

    return queries.RegistryFilters(
        kind=valid(form.kind),
        country=valid(form.country),
        commodity=valid(form.commodity),
        covenant_party=bool(form.covenant_party.data),
        text=text_of(form.q) if not form.q.errors else None,
    )


def _words() -> dict:
    return {
        "organisation_kinds": labels.ORGANISATION_KINDS,
        "entity_kinds": labels.ENTITY_KINDS,
        "relation_words": labels.RELATIONS,
        "commodities": COMMODITIES,
        "country_name": country_name,
        "may_edit": current_user.is_in(REGISTRY_EDITORS),
    }


def _list(what: str):
    form = RegistryFilterForm(KINDS[what], _countries(), formdata=request.args)
    form.validate()
    query = (queries.organisations if what == "organisations" else queries.entities)(_filters(form))
    page = page_number()
    rows, has_next = queries.page_of(query, page)
    arguments = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "registry/list.html", what=what, form=form, rows=rows, page=page, has_next=has_next, arguments=arguments,
        **_words(),
    )  # fmt: skip


@registry.get("/")
@staff_required(REGISTRY_READERS)
def organisations():
    return _list("organisations")


@registry.get("/entities")
@staff_required(REGISTRY_READERS)
def entities():
    return _list("entities")


# --- Organisations -------------------------------------------------------------------------------------------------


def _organisation_input(form: OrganisationForm) -> operations.OrganisationInput:
    return operations.OrganisationInput(
        name=form.name.data,
        kind=form.kind.data,
        country=form.country.data or None,
        lei=form.lei.data,
        covenant_party=bool(form.covenant_party.data),
        verified=bool(form.verified.data),
        identifiers=form.pairs,
    )


def _organisation_form(organisation: Organisation | None = None):
    if organisation is None:
        return OrganisationForm(_countries())
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country or "",
        "lei": organisation.lei or "",
        "identifiers": "\n".join(f"{row.scheme} {row.identifier}" for row in organisation.identifiers),
        "covenant_party": organisation.covenant_party,
        "verified": organisation.verified,
    }
    return OrganisationForm(_countries(), data=data)


def _save_or_show(form, record, save, saved_message: str, endpoint: str, id_name: str, template: str, name: str):
    """The one way a registry form is handled: saved → the record's page; refused or invalid → the form again
    with its errors (400) and everything typed kept."""
    if form.validate_on_submit():
        try:
            saved, changed = save()
        except operations.RegistryRefused as refused:
            show_refusal(form, refused)
        else:
            flash(saved_message if record is None or changed else _("Nothing was changed."))
            return redirect(url_for(endpoint, **{id_name: saved.id}))
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, **{name: record}), status


def _edit_organisation(organisation: Organisation | None):
    form = _organisation_form(organisation)
    return _save_or_show(
        form,
        organisation,
        lambda: operations.save_organisation(
            _organisation_input(form), current_user._get_current_object(), organisation
        ),
        _("The organisation is saved."),
        "registry.organisation",
        "organisation_id",
        "registry/organisation_form.html",
        "organisation",
    )


@registry.route("/organisations/new", methods=["GET", "POST"])
@staff_required(REGISTRY_EDITORS)
def organisation_new():
    return _edit_organisation(None)


@registry.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@staff_required(REGISTRY_EDITORS)
def organisation_edit(organisation_id: int):
    return _edit_organisation(db.get_or_404(Organisation, organisation_id))


def _relation_form(record, formdata=None) -> RelationForm:
    return RelationForm(type(record), queries.organisation_choices(), queries.entity_choices(), formdata=formdata)


def _detail(record, relation_form: RelationForm | None = None, status: int = 200):
    is_organisation = isinstance(record, Organisation)
    return render_template(
        "registry/detail.html",
        record=record,
        is_organisation=is_organisation,
        cases=(queries.cases_naming_organisation if is_organisation else queries.cases_naming_entity)(record.id),
        relations=queries.relations_of(record),
        operated=queries.operated_sites(record.id) if is_organisation else [],
        relation_form=relation_form or (_relation_form(record) if current_user.is_in(REGISTRY_EDITORS) else None),
        **_words(),
    ), status


@registry.get("/organisations/<int:organisation_id>")
@staff_required(REGISTRY_READERS)
def organisation(organisation_id: int):
    return _detail(db.get_or_404(Organisation, organisation_id))


# --- Sites ---------------------------------------------------------------------------------------------------------


def _entity_input(form: EntityForm) -> operations.EntityInput:
    operator = form.operator_organisation_id.data
    return operations.EntityInput(
        name=form.name.data,
        kind=form.kind.data,
        country=form.country.data,
        region=form.region.data,
        commodities=list(form.commodities.data or []),
        operator_organisation_id=int(operator) if operator else None,
        rmi_id=form.rmi_id.data,
        os_id=form.os_id.data,
        geonames_id=form.geonames_id.data,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
    )


def _entity_form(entity: SupplyChainEntity | None = None):
    if entity is None:
        return EntityForm(_countries(), queries.organisation_choices())
    data = {
        "name": entity.name,
        "kind": entity.kind,
        "commodities": entity.commodities,
        "country": entity.country,
        "region": entity.region or "",
        "operator_organisation_id": str(entity.operator_organisation_id or ""),
        "rmi_id": entity.rmi_id or "",
        "os_id": entity.os_id or "",
        "geonames_id": "" if entity.geonames_id is None else str(entity.geonames_id),
        "latitude": "" if entity.latitude is None else f"{entity.latitude:.2f}",
        "longitude": "" if entity.longitude is None else f"{entity.longitude:.2f}",
    }
    return EntityForm(_countries(), queries.organisation_choices(), data=data)


def _edit_entity(entity: SupplyChainEntity | None):
    form = _entity_form(entity)
    return _save_or_show(
        form,
        entity,
        lambda: operations.save_entity(_entity_input(form), current_user._get_current_object(), entity),
        _("The site is saved."),
        "registry.entity",
        "entity_id",
        "registry/entity_form.html",
        "entity",
    )


@registry.route("/entities/new", methods=["GET", "POST"])
@staff_required(REGISTRY_EDITORS)
def entity_new():
    return _edit_entity(None)


@registry.route("/entities/<int:entity_id>/edit", methods=["GET", "POST"])
@staff_required(REGISTRY_EDITORS)
def entity_edit(entity_id: int):
    return _edit_entity(db.get_or_404(SupplyChainEntity, entity_id))


@registry.get("/entities/<int:entity_id>")
@staff_required(REGISTRY_READERS)
def entity(entity_id: int):
    return _detail(db.get_or_404(SupplyChainEntity, entity_id))


# --- Relations -----------------------------------------------------------------------------------------------------


def _record(kind: str, record_id: int):
    model = {"organisations": Organisation, "entities": SupplyChainEntity}.get(kind) or abort(404)
    return db.get_or_404(model, record_id)


def _detail_url(record) -> str:
    if isinstance(record, Organisation):
        return url_for("registry.organisation", organisation_id=record.id)
    return url_for("registry.entity", entity_id=record.id)


@registry.post("/<kind>/<int:record_id>/relations")
@staff_required(REGISTRY_EDITORS)
def relation_add(kind: str, record_id: int):
    subject = _record(kind, record_id)
    form = _relation_form(subject, request.form)
    if form.validate():
        other = (
            db.get_or_404(Organisation, int(form.organisation_id.data))
            if form.organisation_id.data
            else db.get_or_404(SupplyChainEntity, int(form.entity_id.data))
        )
        try:
            operations.add_relation(subject, form.relation.data, other, current_user._get_current_object())
        except operations.RegistryRefused as refused:
            show_refusal(form, refused)
        else:
            flash(_("The relation is saved."))
            return redirect(_detail_url(subject))
    return _detail(subject, form, 400)


@registry.post("/relations/<int:relation_id>/delete")
@staff_required(REGISTRY_EDITORS)
def relation_delete(relation_id: int):
    row = db.get_or_404(EntityRelation, relation_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    # Back to the page the button was on: the subject's or the object's.
    sides = [_detail_url(row.subject), _detail_url(row.object)]
    back = request.form.get("next")
    operations.remove_relation(row, current_user._get_current_object())
    flash(_("The relation is removed."))
    return redirect(back if back in sides else sides[0])
