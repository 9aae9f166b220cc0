"""Formats of the registry's identifiers: pure functions, used by the forms, the operations and the CSV import.

Each ``normal_*`` function returns the identifier in its stored form (upper case, spaces removed) or None when it
does not have the right shape; a form turns None into a translated message.
"""

from __future__ import annotations

import re

from stdnum import lei as stdnum_lei

# RMI (Responsible Minerals Initiative) smelter and refiner facility id: "CID" and six digits.
RMI_ID = re.compile(r"CID\d{6}")
# Open Supply Hub OS ID: country code, year, day and a check part, e.g. NL2019123ABC456. Checked loosely.
OS_ID = re.compile(r"[A-Z]{2}[A-Z0-9]{13}")
# ISO 3166-2 subdivision: the country's alpha-2 code, a hyphen, one to three letters or digits.
REGION = re.compile(r"([A-Z]{2})-[A-Z0-9]{1,3}")
# org-id.guide register scheme: a jurisdiction (ISO 3166-1 alpha-2, or XI/XM for international) and a register.
SCHEME = re.compile(r"[A-Z]{2}-[A-Z0-9_]{2,16}")
# A register number: letters, digits and the separators registers print.
REGISTER_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./ -]{0,63}")
COUNTRY = re.compile(r"[A-Z]{2}")


def _compact(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def normal_lei(value: str | None) -> str | None:
    """An ISO 17442 LEI: 20 letters and digits whose last two are ISO 7064 mod 97-10 check digits."""
    compact = _compact(value)
    return compact if len(compact) == 20 and stdnum_lei.is_valid(compact) else None


def normal_rmi_id(value: str | None) -> str | None:
    compact = _compact(value)
    return compact if RMI_ID.fullmatch(compact) else None


def normal_os_id(value: str | None) -> str | None:
    compact = _compact(value)
    return compact if OS_ID.fullmatch(compact) else None


def normal_country(value: str | None) -> str | None:
    compact = _compact(value)
    return compact if COUNTRY.fullmatch(compact) else None


def normal_region(value: str | None, country: str | None) -> str | None:
    """An ISO 3166-2 code of a subdivision of ``country`` (``CD-LU`` for Lualaba, DR Congo)."""
    compact = _compact(value)
    match = REGION.fullmatch(compact)
    return compact if match and match.group(1) == _compact(country) else None


def normal_scheme(value: str | None) -> str | None:
    compact = _compact(value)
    return compact if SCHEME.fullmatch(compact) else None


def normal_register_number(value: str | None) -> str | None:
    text = (value or "").strip()
    return text if REGISTER_NUMBER.fullmatch(text) else None
