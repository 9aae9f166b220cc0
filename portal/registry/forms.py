"""Registry forms: filters, an organisation, a site, a relation. Every message a person can see is translated."""

from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, StopValidation, ValidationError

from portal.cases.labels import COMMODITIES
from portal.core.forms import CHOOSE_ONE, REQUIRED, CheckboxListField, MaxLength, OneOfChoices, WholeNumber, options
from portal.organisations import identifiers as ids
from portal.registry.labels import ENTITY_KINDS, ORGANISATION_KINDS, REFUSALS, RELATIONS
from portal.registry.operations import SHAPES, RegistryRefused


class Normalised:
    """The field's value in stored form (``normalise`` returns None when it has the wrong shape)."""

    def __init__(self, normalise, reason: str):
        self.normalise, self.reason = normalise, reason

    def __call__(self, form, field):
        if not (field.data or "").strip():
            field.data = None
            return
        value = self.normalise(field.data)
        if value is None:
            raise StopValidation(REFUSALS[self.reason])
        field.data = value


class Coordinate:
    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        text = (field.data or "").strip().replace("\u2212", "-").replace(",", ".")
        if not text:
            field.data = None
            return
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and -self.limit <= value <= self.limit):
            raise ValidationError(REFUSALS["coordinates_invalid"])
        field.data = value


def show_refusal(form: FlaskForm, refused: RegistryRefused) -> None:
    """Put each refusal of an operation under its field."""
    for name, reason in refused.reasons.items():
        target = getattr(form, name, None) or form.name
        target.errors = [*target.errors, REFUSALS[reason]]


def _country_choices(countries) -> list:
    return options([("", _l("Choose a country")), *countries])


class RegistryFilterForm(FlaskForm):
    """The lists' filters; a GET form, so no CSRF token in the URL."""

    class Meta:
        csrf = False

    q = StringField(_l("Name contains"), validators=[Optional(), MaxLength(100)])
    kind = SelectField(_l("Kind"), validators=[Optional(), OneOfChoices()], validate_choice=False)
    country = SelectField(_l("Country"), validators=[Optional(), OneOfChoices()], validate_choice=False)
    commodity = SelectField(_l("Metal or mineral"), validators=[Optional(), OneOfChoices()], validate_choice=False)
    covenant_party = BooleanField(_l("Covenant parties only"))

    def __init__(self, kinds, countries, *args, **kwargs):
        super().__init__(*args, **kwargs)
        anything = ("", _l("Any"))
        self.kind.choices = options([anything, *kinds.items()])
        self.country.choices = options([anything, *countries])
        self.commodity.choices = options([anything, *COMMODITIES.items()])


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), MaxLength(200)])
    kind = SelectField(
        _l("Kind"),
        choices=options(ORGANISATION_KINDS.items()),
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )
    country = SelectField(_l("Country"), validators=[Optional(), OneOfChoices()], validate_choice=False)
    lei = StringField(
        _l("LEI (Legal Entity Identifier)"),
        validators=[MaxLength(30), Normalised(ids.normal_lei, "lei_invalid")],
        render_kw={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"},
    )
    identifiers = TextAreaField(
        _l("National register identifiers"),
        validators=[MaxLength(2000)],
        render_kw={"rows": 3, "spellcheck": "false", "dir": "ltr"},
    )
    covenant_party = BooleanField(_l("Party to the covenant"))
    verified = BooleanField(_l("Verified by the secretariat"))

    def __init__(self, countries, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _country_choices(countries)

    def validate_identifiers(self, field):
        self.pairs = []
        for line in (field.data or "").splitlines():
            if not line.strip():
                continue
            scheme, _, number = line.strip().partition(" ")
            pair = (ids.normal_scheme(scheme), ids.normal_register_number(number))
            if None in pair:
                raise ValidationError(REFUSALS["identifier_invalid"])
            self.pairs.append(pair)


class EntityForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), MaxLength(200)])
    kind = SelectField(
        _l("Kind"),
        choices=options(ENTITY_KINDS.items()),
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )
    commodities = CheckboxListField(
        _l("Metals and minerals"), choices=options(COMMODITIES.items()), validators=[OneOfChoices()]
    )
    country = SelectField(_l("Country"), validators=[InputRequired(CHOOSE_ONE), OneOfChoices()], validate_choice=False)
    region = StringField(
        _l("Region (ISO 3166-2 code)"),
        validators=[MaxLength(10)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"},
    )
    operator_organisation_id = SelectField(_l("Operator"), validators=[OneOfChoices()], validate_choice=False)
    rmi_id = StringField(
        _l("RMI facility id"),
        validators=[MaxLength(20), Normalised(ids.normal_rmi_id, "rmi_invalid")],
        render_kw={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"},
    )
    os_id = StringField(
        _l("Open Supply Hub OS ID"),
        validators=[MaxLength(20), Normalised(ids.normal_os_id, "os_id_invalid")],
        render_kw={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"},
    )
    geonames_id = StringField(
        _l("GeoNames id"),
        validators=[WholeNumber(1, 2**31 - 1)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"},
    )
    latitude = StringField(_l("Latitude"), validators=[Coordinate(90)], render_kw={"dir": "ltr"})
    longitude = StringField(_l("Longitude"), validators=[Coordinate(180)], render_kw={"dir": "ltr"})

    def __init__(self, countries, organisations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _country_choices(countries)
        self.operator_organisation_id.choices = options([("", _l("No organisation")), *organisations])

    def validate_region(self, field):
        if (field.data or "").strip() and ids.normal_region(field.data, self.country.data) is None:
            raise ValidationError(REFUSALS["region_invalid"])
        field.data = ids.normal_region(field.data, self.country.data)

    def validate_longitude(self, field):
        if (field.data is None) != (self.latitude.data is None):
            raise ValidationError(REFUSALS["coordinates_invalid"])


class RelationForm(FlaskForm):
    """A relation from the record whose page this is (the subject) to an organisation or a site."""

    relation = SelectField(
        _l("Relation"), validators=[InputRequired(CHOOSE_ONE), OneOfChoices()], validate_choice=False
    )
    organisation_id = SelectField(_l("Organisation"), validators=[OneOfChoices()], validate_choice=False)
    entity_id = SelectField(_l("Or a site (mine, smelter, depot…)"), validators=[OneOfChoices()], validate_choice=False)

    def __init__(self, subject_type, organisations, entities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.relation.choices = options(
            (kind.value, label) for kind, label in RELATIONS.items() if subject_type in SHAPES[kind][0]
        )
        self.organisation_id.choices = options([("", _l("No organisation")), *organisations])
        self.entity_id.choices = options([("", _l("No site")), *entities])

    def validate_organisation_id(self, field):
        if bool(field.data) == bool(self.entity_id.data):
            raise ValidationError(_l("Please choose either an organisation or a site."))


class RemoveForm(FlaskForm):
    """A button that removes something: only the CSRF token to check."""
