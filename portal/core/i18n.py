"""The ten languages of the portal, locale negotiation and locale-aware lists (docs/architecture.md §7)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property, lru_cache
from typing import Any

from babel import Locale, support
from babel.dates import format_date, format_time
from flask import Request, g, request
from flask_babel import Babel, Domain, get_locale, get_translations
from flask_login import current_user
from wtforms.i18n import messages_path


@dataclass(frozen=True)
class PortalLocale:
    code: str  # as in URLs and catalogs: pt_BR, zh_Hans
    native_name: str  # the language in its own name, for the switcher
    rtl: bool = False

    @property
    def tag(self) -> str:
        """BCP 47 tag for <html lang>: pt-BR, zh-Hans."""
        return self.code.replace("_", "-")


LOCALES: dict[str, PortalLocale] = {
    loc.code: loc
    for loc in [
        PortalLocale("en", "English"),
        PortalLocale("nl", "Nederlands"),
        PortalLocale("fr", "Français"),
        PortalLocale("es", "Español"),
        PortalLocale("pt_BR", "Português (Brasil)"),
        PortalLocale("id", "Bahasa Indonesia"),
        PortalLocale("sw", "Kiswahili"),
        PortalLocale("zh_Hans", "中文（简体）"),  # noqa: RUF001 - Chinese punctuation is right here
        PortalLocale("hi", "हिन्दी"),
        PortalLocale("ar", "العربية", rtl=True),
    ]
}
DEFAULT_LOCALE = "en"

# Primary language subtag -> our locale, for browsers that send "pt-PT", "zh-CN", "sw-KE" and the like.
_BY_LANGUAGE = {code.split("_")[0].lower(): code for code in LOCALES}


def match_locale(tag: str) -> str | None:
    """Our locale for one Accept-Language tag, or None."""
    tag = tag.strip().replace("_", "-").lower()
    for code in LOCALES:
        if code.replace("_", "-").lower() == tag:
            return code
    return _BY_LANGUAGE.get(tag.split("-")[0])


def negotiate_locale() -> str:
    """The best of our locales for this request's Accept-Language header (quality order), else English."""
    for tag, _quality in request.accept_languages:
        code = match_locale(tag)
        if code:
            return code
    return DEFAULT_LOCALE


def select_locale() -> str:
    """Flask-Babel's locale selector: the URL's locale, else a staff member's own, else the browser's."""
    code = g.get("locale")
    if code:
        return code
    # A 404 under /fr/... never reaches the blueprint that sets g.locale, yet should answer in French.
    first_segment = request.path.split("/")[1] if request else ""
    if first_segment in LOCALES:
        return first_segment
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    return negotiate_locale()


# Flask-Babel looks the request's locale and catalogue up through three context proxies on every call: a tenth of
# the dashboard's time went to that, hundreds of times a page. Both are read here from Flask-Babel's own
# per-request namespace instead, and the catalogue is remembered beside the locale it was taken for. A
# ``force_locale`` block (e-mails in the recipient's language) puts a new locale object there and back again, so an
# answer is reused only for the very object it was made for. Anything unusual goes to Flask-Babel itself.


def _babel_namespace():
    return g.get("_flask_babel") if g else None


def request_locale() -> Locale | None:
    """Flask-Babel's ``get_locale()``, without its lookups once the request's locale is chosen."""
    namespace = _babel_namespace()
    locale = getattr(namespace, "babel_locale", None)
    return locale if locale is not None else get_locale()


def _kept_translations(look_up: Callable[[], Any]):
    namespace = _babel_namespace()
    locale = getattr(namespace, "babel_locale", None)
    kept = getattr(namespace, "portal_translations", None)
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]
    translations = look_up()
    if namespace is not None:
        namespace.portal_translations = (getattr(namespace, "babel_locale", None), translations)
    return translations


def request_translations():
    """Flask-Babel's ``get_translations()`` for this request's locale, looked up once per locale and request."""
    return _kept_translations(get_translations)


class RequestDomain(Domain):
    """The portal's one message domain: Python's ``gettext`` and every lazy label (a form's field labels, read on
    each render) take the catalogue kept above instead of Flask-Babel's three lookups."""

    def get_translations(self):
        return _kept_translations(super().get_translations)


class PortalBabel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return RequestDomain(domain=self.domain)


def install_template_gettext(jinja_env) -> None:
    """The templates' ``_``, ``gettext`` and ``ngettext``, as Flask-Babel installs them but with the lookup above."""
    jinja_env.install_gettext_callables(
        gettext=lambda text: request_translations().ugettext(text),
        ngettext=lambda singular, plural, n: request_translations().ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, text: request_translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: request_translations().unpgettext(context, singular, plural, n),
    )


@lru_cache(maxsize=len(LOCALES) + 1)
def wtforms_catalogue(locale_code: str):
    """WTForms' own messages ("Not a valid choice.") in one language, read from disk once per process."""
    return support.Translations.load(messages_path(), [_locale(locale_code)], domain="wtforms")


class PortalRequest(Request):
    """Flask's request, with WTForms' catalogue taken from the per-process copy above. Flask-WTF reads it from
    ``request.wtforms_translations`` and, when that is unset, loads the ``.mo`` file again: 0.3 to 0.4 ms on every
    request that shows one of WTForms' own messages (a form sent back with an error, the page a person who made a
    mistake waits for). Read on first use, once the request's locale is chosen."""

    @cached_property
    def wtforms_translations(self):
        return wtforms_catalogue(str(request_locale()))


def current_portal_locale() -> PortalLocale:
    return LOCALES.get(str(request_locale()), LOCALES[DEFAULT_LOCALE])


# Territory codes Babel knows that are not countries one can file about.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}


@lru_cache(maxsize=1)
def _collator():
    from pyuca import Collator  # loads the Unicode collation table once, on first use, not at import

    return Collator()


def _pinyin_key(name: str) -> tuple:
    """Chinese readers look names up by their pinyin, tone by tone (阿 ā before 巴 bā before 中 zhōng), as
    dictionaries and ICU's zh collation order them; the Unicode order alone would follow radicals and strokes."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True)
    return (tuple(syllable.lower() for syllable in syllables), _collator().sort_key(name))


def sort_key(locale_code: str):
    """The key that sorts names the way readers of ``locale_code`` expect to find them."""
    if locale_code.startswith("zh"):
        return _pinyin_key
    return _collator().sort_key


@lru_cache(maxsize=len(LOCALES))
def countries(locale_code: str) -> tuple[tuple[str, str], ...]:
    """(ISO code, name) of every country, named and sorted (Unicode collation) for the given locale."""
    territories = Locale.parse(locale_code).territories
    names = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    key = sort_key(locale_code)
    return tuple(sorted(names, key=lambda item: key(item[1])))


# Lists print a name and a date on every row: parsing a locale or formatting the same day again per row was a
# sixth of the staff list's time (issue 17's profile). Locales, names and formatted days are cached per process;
# every value is a pure function of its arguments (times are shown in UTC, the portal's one time zone).


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=2048)
def language_name(code: str | None, locale_code: str | None = None) -> str:
    """A language's own name in the reader's language ("sw" → "Swahili" for an English reader)."""
    if not code:
        return ""
    if locale_code is None:
        return language_name(code, str(request_locale()))
    name = _locale(code).get_display_name(_locale(locale_code))
    return name[:1].upper() + name[1:] if name else code


@lru_cache(maxsize=len(LOCALES))
def _country_names(locale_code: str) -> dict[str, str]:
    """Code → name, one plain table per reader's language, built once per process (the filter runs per row)."""
    return dict(_locale(locale_code).territories.items())


def country_name(code: str | None, locale_code: str | None = None) -> str:
    """A country's name in the reader's language ("CD" → "Congo - Kinshasa"); an unknown code is shown as is."""
    if not code:
        return ""
    return _country_names(locale_code or str(request_locale())).get(code, code)


# One month form per language: CLDR's "medium" dates abbreviate the month ("30 Nov 2026") where "long" ones spell it
# ("30 Novemba 2026"), and a page printing both reads as two languages to a reader who knows only the full names.
# Every date therefore names its month in full; "short" stays all digits.
_MONTH_IN_WORDS = {"medium": "long"}


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def locale_code() -> str:
    """This request's locale as a code ("pt_BR"). A table asks once and passes it to the filters of every row."""
    return str(request_locale())


def day(value: date | datetime | None, format: str = "medium", locale_code: str | None = None) -> str:
    """``value``'s day in the reader's language (the ``dateformat`` filter); a moment is read in UTC."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _utc(value).date()
    return _day(value, _MONTH_IN_WORDS.get(format, format), locale_code or str(request_locale()))


@lru_cache(maxsize=8192)
def _day(value: date, format: str, locale_code: str) -> str:
    return format_date(value, format, locale=_locale(locale_code))


def moment(value: datetime | None, format: str = "medium") -> str:
    """A day and its time (UTC, hours and minutes) in the reader's language (the ``datetimeformat`` filter), the day
    written as ``day`` writes it, joined the way the language joins them."""
    if value is None:
        return ""
    value = _utc(value)
    locale = _locale(str(request_locale()))
    joined = locale.datetime_formats.get(format) or locale.datetime_formats["medium"]
    return str(joined).format(format_time(value, "short", locale=locale), day(value.date(), format))


def label(text: str) -> str:
    """A label that ends in a colon, with the space the language puts before what follows: none after a
    full-width colon (Chinese, U+FF1A), one after any other ("Status: received")."""
    return text if text.endswith("\uff1a") else text + " "  # + keeps a translation's Markup type


_WORDS: dict[tuple[int, str], dict[str, str]] = {}


def words(labels: Mapping[str, object]) -> dict[str, str]:
    """A module's table of lazy labels, translated once per process and language (the ``words`` filter), for lists
    and selects that print them on every row: each lazy label costs a catalogue lookup every time it is read.
    Only for tables that live as long as the process (labels.py), since they are remembered by identity."""
    key = (id(labels), str(request_locale()))
    table = _WORDS.get(key)
    if table is None:
        table = _WORDS[key] = {code: str(label) for code, label in labels.items()}
    return table


# --- the complainant's own language: any ISO 639 code Babel (CLDR) can name, not only the ten interface locales ---

# ISO 639-3 codes that CLDR names only as a regional variant of another language ("swc" is "sw_CD").
_ISO_639_3_VARIANTS = {"swc": "sw_CD", "prs": "fa_AF", "cnr": "sr_ME"}


def _is_iso_639(code: str) -> bool:
    return 2 <= len(code) <= 3 and code.isascii() and code.isalpha() and code.islower()


@lru_cache(maxsize=len(LOCALES))
def spoken_languages(locale_code: str) -> tuple[tuple[str, str], ...]:
    """(ISO 639 code, name) of every language Babel names in ``locale_code``, sorted by name for that reader.

    About 600 codes (ISO 639-1 where one exists, else ISO 639-3: "qu" Quechua, "lua" Luba-Lulua, "swc" Congo
    Swahili), each named in all ten interface languages, English as the fallback for a name a locale lacks."""
    own: dict[str, str] = dict(Locale.parse(locale_code).languages)
    english: dict[str, str] = dict(Locale.parse(DEFAULT_LOCALE).languages)
    codes = [code for code in english if _is_iso_639(code)] + list(_ISO_639_3_VARIANTS)
    named: dict[str, str] = {}
    for code in codes:
        key = _ISO_639_3_VARIANTS.get(code, code)
        name = own.get(key) or english.get(key)
        if name:
            named[code] = name[:1].upper() + name[1:]
    key = sort_key(locale_code)
    return tuple(sorted(named.items(), key=lambda item: key(item[1])))


def time_zones(country: str | None) -> list[str]:
    """IANA time zones for a meeting: the country's own first, then every other country's, then UTC."""
    return list(_time_zones(country or ""))


@lru_cache(maxsize=64)
def _time_zones(country: str) -> tuple[str, ...]:
    from zoneinfo import available_timezones

    from babel.core import get_global

    known = available_timezones()  # the system's time zone database; Babel names a few it lacks
    by_country = get_global("territory_zones")
    own = [zone for zone in by_country.get(country, []) if zone in known]
    others = sorted({zone for zones in by_country.values() for zone in zones} & known - set(own) - {"UTC"})
    return (*own, *others, "UTC")


@lru_cache(maxsize=len(LOCALES))
def _spoken_names(locale_code: str) -> dict[str, str]:
    """Code → name, built once per reader's language (the filter runs per meeting and per page header)."""
    return dict(spoken_languages(locale_code))


def is_spoken_language(code: str | None) -> bool:
    return bool(code) and code in _spoken_names(DEFAULT_LOCALE)


def spoken_language_name(code: str | None, locale_code: str | None = None) -> str:
    """The name of an ISO 639 language in the reader's language ("qu" → "Quechua", "Kikechua" in Swahili)."""
    if not code:
        return ""
    return _spoken_names(locale_code or str(request_locale())).get(code, code)


def _folded(text: str) -> str:
    """Lower case without accents or spaces around, so "Quéchua " and "quechua" compare equal."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def match_spoken_language(text: str | None, locale_code: str) -> str | None:
    """The ISO 639 code of a language a person typed by name: in the page's language, in English, in the language
    itself where Babel knows its own name ("Runasimi"), or as the code itself. None when nothing matches."""
    wanted = _folded(text or "")
    if not wanted:
        return None
    if is_spoken_language(wanted):
        return wanted
    for names in (spoken_languages(locale_code), spoken_languages(DEFAULT_LOCALE)):
        for code, name in names:
            if _folded(name) == wanted:
                return code
    return _autonyms().get(wanted)


@lru_cache(maxsize=1)
def _autonyms() -> dict[str, str]:
    """Folded own name → code, for the languages Babel has locale data of their own ("runasimi" → "qu")."""
    from babel import localedata

    found: dict[str, str] = {}
    for code, _name in spoken_languages(DEFAULT_LOCALE):
        key = _ISO_639_3_VARIANTS.get(code, code)
        if localedata.exists(key):
            own = Locale.parse(key).get_display_name()
            if own:
                found.setdefault(_folded(own), code)
    return found
