"""The ten languages of the portal, locale negotiation and locale-aware lists (docs/architecture.md §7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from flask import g, request
from flask_babel import get_locale
from flask_login import current_user


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


def current_portal_locale() -> PortalLocale:
    return LOCALES.get(str(get_locale()), LOCALES[DEFAULT_LOCALE])


# Territory codes Babel knows that are not countries one can file about.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}


@lru_cache(maxsize=1)
def _collator():
    from pyuca import Collator  # loads the Unicode collation table once, on first use, not at import

    return Collator()


@lru_cache(maxsize=len(LOCALES))
def countries(locale_code: str) -> tuple[tuple[str, str], ...]:
    """(ISO code, name) of every country, named and sorted (Unicode collation) for the given locale."""
    territories = Locale.parse(locale_code).territories
    names = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    collator = _collator()
    return tuple(sorted(names, key=lambda item: collator.sort_key(item[1])))


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
        return language_name(code, str(get_locale()))
    name = _locale(code).get_display_name(_locale(locale_code))
    return name[:1].upper() + name[1:] if name else code


def country_name(code: str | None, locale_code: str | None = None) -> str:
    if not code:
        return ""
    return _locale(locale_code or str(get_locale())).territories.get(code, code)


def day(value: date | datetime | None, format: str = "medium") -> str:
    """``value``'s day in the reader's language (the ``dateformat`` filter); a moment is read in UTC."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = (value.astimezone(UTC) if value.tzinfo else value).date()
    return _day(value, format, str(get_locale()))


@lru_cache(maxsize=8192)
def _day(value: date, format: str, locale_code: str) -> str:
    return format_date(value, format, locale=_locale(locale_code))


_WORDS: dict[tuple[int, str], dict[str, str]] = {}


def words(labels: Mapping[str, object]) -> dict[str, str]:
    """A module's table of lazy labels, translated once per process and language (the ``words`` filter), for lists
    and selects that print them on every row: each lazy label costs a catalogue lookup every time it is read.
    Only for tables that live as long as the process (labels.py), since they are remembered by identity."""
    key = (id(labels), str(get_locale()))
    table = _WORDS.get(key)
    if table is None:
        table = _WORDS[key] = {code: str(label) for code, label in labels.items()}
    return table
