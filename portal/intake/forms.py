"""The grievance form and the follow-up forms. Every message a person can see is ours and translated."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FileField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from portal.cases.labels import CATEGORIES, COMMODITIES, FILER_TYPES
from portal.cases.models import REPRESENTATIVE_FILERS, ConsentMethod, RepresentedKind
from portal.core.forms import (
    CHOOSE_ONE,
    REQUIRED,
    CheckboxListField,
    MaxLength,
    OneOfChoices,
    OptionalEmail,
    PastDate,
    WholeNumber,
    options,
)
from portal.core.i18n import LOCALES, countries, match_spoken_language

# The countries a person writing in this language most likely files about (mining and metal countries where it is
# spoken), listed first; the rest follow. A guess only: every country stays in the list.
LIKELY_COUNTRIES = {
    "en": ("GH", "ZA", "ZM", "ZW", "AU", "GB"),
    "nl": ("NL", "BE", "SR"),
    "fr": ("CD", "GN", "ML", "BF", "MA", "FR"),
    "es": ("PE", "CL", "BO", "MX", "CO", "AR"),
    "pt_BR": ("BR", "MZ", "AO"),
    "id": ("ID",),
    "sw": ("CD", "TZ", "KE", "UG"),
    "zh_Hans": ("CN",),
    "hi": ("IN",),
    "ar": ("MA", "EG", "SA", "OM", "SD"),
}


@lru_cache(maxsize=16)
def country_choices(locale: str) -> dict:
    """Likely countries first (in their own group), then every country: a cheap phone scrolls 249 names slowly."""
    named = countries(locale)
    names = dict(named)
    likely = [code for code in LIKELY_COUNTRIES.get(locale, ()) if code in names]
    return {
        None: options([("", _l("Choose a country"))]),
        _l("Most likely"): options((code, names[code]) for code in likely),
        _l("Other countries"): options((code, name) for code, name in named if code not in likely),
    }


DESCRIPTION_MIN, DESCRIPTION_MAX = 30, 20_000


class GrievanceForm(FlaskForm):
    filer_type = RadioField(
        _l("Who is filing?"),
        choices=options(FILER_TYPES.items()),
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )
    people_represented = StringField(
        _l("On behalf of how many people?"),
        validators=[WholeNumber()],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    # Whom a representative speaks for, and their mandate (cases.mandates). Ignored for people filing for themselves.
    households_represented = StringField(
        _l("How many households? (optional)"),
        validators=[WholeNumber()],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    community = StringField(_l("Name of the community or group (optional)"), validators=[MaxLength(200)])
    mandate = FileField(_l("Your mandate: a document"))
    mandate_consent = TextAreaField(
        _l("No document? Tell us how the people agreed that you speak for them"),
        validators=[MaxLength(2000)],
        render_kw={"rows": 3},
    )
    # Filing on behalf of people as a verified organisation (intake/steps.py ``behalf`` and ``guardian``): set in the
    # draft by /org/, never asked. Every check below applies only then.
    on_behalf_of = HiddenField()
    represented_kind = RadioField(
        _l("Whom do you represent?"),
        choices=options(
            [
                (RepresentedKind.PERSON.value, _l("One person")),
                (RepresentedKind.SEVERAL.value, _l("Several people")),
                (RepresentedKind.HOUSEHOLDS.value, _l("Households or families")),
                (RepresentedKind.COMMUNITY.value, _l("A community")),
            ]
        ),
        validators=[OneOfChoices()],
        validate_choice=False,
    )
    represented_named = RadioField(
        _l("May the committee know their names?"),
        choices=options(
            [("anonymous", _l("No, they stay anonymous")), ("named", _l("Yes, we name them to the committee"))]
        ),
        validators=[OneOfChoices()],
        validate_choice=False,
    )
    represented_names = TextAreaField(
        _l("Their names (only the committee's office reads them)"), validators=[MaxLength(2000)], render_kw={"rows": 3}
    )
    own_receipts = StringField(
        _l("How many of them should get their own receipt to follow the case? (optional)"),
        validators=[WholeNumber(minimum=0, maximum=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    consent_by = StringField(_l("Who gave consent?"), validators=[MaxLength(300)])
    consent_method = RadioField(
        _l("How did they give it?"),
        choices=options(
            [
                (ConsentMethod.SPOKEN.value, _l("Spoken")),
                (ConsentMethod.THUMBPRINT.value, _l("Thumbprint")),
                (ConsentMethod.SIGNED.value, _l("Signed")),
            ]
        ),
        validators=[OneOfChoices()],
        validate_choice=False,
    )
    consent_on = StringField(_l("When?"), validators=[PastDate()], render_kw={"type": "date"})
    consent_language = StringField(
        _l("In which language?"), validators=[MaxLength(100)], render_kw={"autocomplete": "off"}
    )
    guardian_consent_by = StringField(_l("Which parent or guardian gave consent?"), validators=[MaxLength(300)])
    guardian_consent_method = RadioField(
        _l("How did the parent or guardian give consent?"),
        choices=options(
            [
                (ConsentMethod.SPOKEN.value, _l("Spoken")),
                (ConsentMethod.THUMBPRINT.value, _l("Thumbprint")),
                (ConsentMethod.SIGNED.value, _l("Signed")),
            ]
        ),
        validators=[OneOfChoices()],
        validate_choice=False,
    )
    safeguarding = BooleanField(_l("A child is in danger now: the committee must act at once"))
    anonymous = RadioField(
        _l("Do you want to stay anonymous?"),
        choices=options([("yes", _l("Yes, stay anonymous")), ("no", _l("No, I give my name and how to reach me"))]),
        default="yes",
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )
    # The public register (portal/transparency): listed by default, without anything that could identify the person;
    # the same words as the choice on the follow-up page, where it can be changed at any time.
    register_listed = RadioField(
        _l("May your case be shown in the public register?"),
        choices=options(
            [
                ("yes", _l("Yes. Show it without my name or anything that could show who I am.")),
                ("no", _l("No. Do not show my case in the public register.")),
            ]
        ),
        default="yes",  # pre-selected, so never missing from a browser; a client that leaves it out keeps the default
        validators=[OneOfChoices()],
        validate_choice=False,
    )
    name = StringField(_l("Your name"), validators=[MaxLength(200)], render_kw={"autocomplete": "name"})
    email = StringField(_l("Email"), validators=[MaxLength(254), OptionalEmail()], render_kw={"type": "email"})
    phone = StringField(_l("Phone"), validators=[MaxLength(50)], render_kw={"type": "tel"})
    whatsapp = StringField(_l("WhatsApp or Signal number"), validators=[MaxLength(50)], render_kw={"type": "tel"})
    postal = TextAreaField(_l("Postal address"), validators=[MaxLength(500)], render_kw={"rows": 2})
    preferred_language = SelectField(
        _l("Language we should write to you in"),
        choices=options((loc.code, loc.native_name) for loc in LOCALES.values()),
        validators=[Optional(), OneOfChoices()],
        validate_choice=False,
    )
    share_identity = BooleanField(_l("The company may know who I am"), default=False)
    # Any language, typed by name (core/i18n.match_spoken_language): lighter than a list of 600 on a cheap phone.
    spoken_language = StringField(
        _l("If you would rather speak another language with us, which one?"),
        validators=[MaxLength(100)],
        render_kw={"autocomplete": "off"},
    )

    categories = CheckboxListField(
        _l("What kind of problem is it?"),
        choices=options(CATEGORIES.items()),
        validators=[DataRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )
    country = SelectField(_l("Country"), validators=[InputRequired(CHOOSE_ONE)], validate_choice=False)
    place = StringField(_l("Region, town or village"), validators=[MaxLength(300)])
    companies = StringField(_l("Company, mine, plant or site"), validators=[MaxLength(500)])
    commodity = RadioField(
        _l("Which metal or mineral?"),
        choices=options(COMMODITIES.items()),
        validators=[InputRequired(CHOOSE_ONE), OneOfChoices()],
        validate_choice=False,
    )
    incident_date = StringField(_l("When did it happen or start?"), validators=[PastDate()], render_kw={"type": "date"})
    incident_period = StringField(_l("Or describe the period"), validators=[MaxLength(300)])
    ongoing = BooleanField(_l("It is still going on"))
    # A voice note, a photo or a file can stand in for the written description (validate_description).
    description = TextAreaField(
        _l("Describe what happened"),
        validators=[MaxLength(DESCRIPTION_MAX)],
        render_kw={"rows": 6, "maxlength": DESCRIPTION_MAX},
    )
    people_affected = StringField(
        _l("How many people are affected?"),
        validators=[WholeNumber()],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    children_involved = BooleanField(_l("Children are involved"))  # with retaliation_risk: urgent (48 hours)
    retaliation_risk = BooleanField(_l("Someone may be punished for complaining"))
    desired_remedy = TextAreaField(_l("What outcome do you want?"), validators=[MaxLength(5000)], render_kw={"rows": 4})
    # Three ways to give evidence on a phone: record, take a photo (both open the device directly), or choose any
    # saved file (no capture attribute, which would block choosing a saved photo, a PDF or a recorded note).
    voice_note = FileField(_l("Record a voice note"))
    photo = FileField(_l("Take a photo"))
    evidence = MultipleFileField(_l("Choose a file"))
    consent = BooleanField(
        _l("I agree that the committee and its office use what I send, as the privacy page explains."),
        validators=[DataRequired(_l("We can only handle your complaint if you agree."))],
    )
    # One random token per rendering of the form (portal/intake/operations.py): a resend files nothing new.
    submission_token = HiddenField()
    # Honeypot: hidden from people by CSS; bots fill in every field they find.
    website = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})

    def __init__(self, locale: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale = locale
        self.spoken_language_code: str | None = None
        self.consent_language_code: str | None = None
        self.country.choices = country_choices(locale)
        # Set by the view: files already held for this complaint or chosen with this answer.
        self.has_evidence = False
        self.has_mandate_in_draft = False
        if not self.preferred_language.data:
            self.preferred_language.data = locale

    def validate_name(self, field):
        if self.anonymous.data == "no" and not (field.data or "").strip():
            raise ValidationError(_l("Please give your name, or choose to stay anonymous."))

    @property
    def is_representative(self) -> bool:
        return self.filer_type.data in REPRESENTATIVE_FILERS

    @property
    def has_mandate_file(self) -> bool:
        return self.has_mandate_in_draft or bool(getattr(self.mandate.data, "filename", None))

    def validate_description(self, field):
        text = (field.data or "").strip()
        if self.has_evidence and not text:
            return  # a voice note or a photo says it
        if not text:
            raise ValidationError(_l("Please tell us what happened: record a voice note, take a photo or write."))
        if len(text) < DESCRIPTION_MIN and not self.has_evidence:
            raise ValidationError(_l("Please write a little more: at least 30 letters."))

    def validate_country(self, field):
        if field.data and field.data not in dict(countries(self.locale)):
            raise ValidationError(CHOOSE_ONE)

    def validate_spoken_language(self, field):
        if not (field.data or "").strip():
            return
        self.spoken_language_code = match_spoken_language(field.data, self.locale)
        if self.spoken_language_code is None:
            raise ValidationError(
                _l("We do not recognise this language name. Write it another way, or leave this empty.")
            )

    def validate_people_represented(self, field):
        if self.is_representative and not field.data:
            raise ValidationError(_l("Please say how many people you file for."))

    @property
    def files_for_organisation(self) -> bool:
        return bool(self.on_behalf_of.data)

    @property
    def has_consent_record(self) -> bool:
        return bool(self.consent_method.data)

    def validate_represented_kind(self, field):
        if self.files_for_organisation and not field.data:
            raise ValidationError(CHOOSE_ONE)

    def validate_represented_named(self, field):
        if self.files_for_organisation and not field.data:
            raise ValidationError(CHOOSE_ONE)

    def validate_represented_names(self, field):
        if self.files_for_organisation and self.represented_named.data == "named" and not (field.data or "").strip():
            raise ValidationError(_l("Please write their names, or choose that they stay anonymous."))

    def validate_consent_by(self, field):
        # A consent record is whole or absent: who, how and when (a mandate document may stand in for it).
        given = [bool((field.data or "").strip()), bool(self.consent_method.data), bool(self.consent_on.data)]
        if self.files_for_organisation and any(given) and not all(given):
            raise ValidationError(_l("Please record who gave consent, how and when."))

    def validate_consent_language(self, field):
        if not (self.files_for_organisation and (field.data or "").strip()):
            return
        self.consent_language_code = match_spoken_language(field.data, self.locale)
        if self.consent_language_code is None:
            raise ValidationError(
                _l("We do not recognise this language name. Write it another way, or leave this empty.")
            )

    @property
    def children_for_organisation(self) -> bool:
        return self.files_for_organisation and bool(self.children_involved.data)

    def validate_guardian_consent_method(self, field):
        if self.children_for_organisation and not field.data:
            raise ValidationError(
                _l("A child's case needs a parent's or guardian's consent: please say how it was given.")
            )

    def validate_guardian_consent_by(self, field):
        if self.children_for_organisation and not (field.data or "").strip():
            raise ValidationError(_l("Please say which parent or guardian gave consent."))

    def validate_mandate_consent(self, field):
        if self.files_for_organisation and (self.has_mandate_file or self.has_consent_record):
            return
        if self.is_representative and not self.has_mandate_file and not (field.data or "").strip():
            raise ValidationError(
                _l(
                    "Please show that the people agreed that you speak for them: attach a letter, a signed list or "
                    "meeting minutes, or write here how they agreed."
                )
            )

    @property
    def is_spam(self) -> bool:
        return bool(self.website.data)


class ReceiptForm(FlaskForm):
    receipt = StringField(
        _l("Your 16-digit receipt"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    )


class ReplyForm(FlaskForm):
    message = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(REQUIRED), MaxLength(DESCRIPTION_MAX)],
        render_kw={"rows": 5},
    )
    evidence = MultipleFileField(_l("Add files (optional)"))
    # Shown to representatives only: a document that shows they may speak for the people (cases.mandates).
    mandate = FileField(_l("Add a mandate document (optional)"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why do you withdraw? (optional)"), validators=[MaxLength(2000)], render_kw={"rows": 3})
    confirm = BooleanField(
        _l("Yes, I want to withdraw my grievance. I understand this cannot be undone."),
        validators=[DataRequired(_l("Please tick the box to confirm."))],
    )


class LeaveForm(FlaskForm):
    pass


class ReviewRequestForm(FlaskForm):
    reasons = TextAreaField(
        _l("Why should the decision be reviewed?"),
        validators=[DataRequired(REQUIRED), MaxLength(DESCRIPTION_MAX)],
        render_kw={"rows": 4},
    )
