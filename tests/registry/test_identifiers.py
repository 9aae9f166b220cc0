"""Formats of the registry's identifiers: LEI check digits, RMI facility id, OS ID, ISO 3166-2 region, register."""

from __future__ import annotations

import pytest
from stdnum.iso7064 import mod_97_10

from portal.organisations import identifiers as ids
from portal.organisations.models import SupplyChainEntity
from tests.registry.conftest import LEI


def test_a_lei_needs_its_mod_97_10_check_digits():
    assert ids.normal_lei(LEI) == LEI
    assert ids.normal_lei(" demo00centuryvls0167 ") == LEI  # case and spaces do not matter
    body = "529900T8BM49AURSDO"
    assert ids.normal_lei(body + mod_97_10.calc_check_digits(body)) == body + mod_97_10.calc_check_digits(body)
    assert ids.normal_lei(LEI[:-2] + "68") is None  # one check digit off
    assert ids.normal_lei(LEI[:-1]) is None  # 19 characters
    assert ids.normal_lei("DEMO00CENTURYVLS01-7") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("CID001234", "CID001234"), ("cid 001234", "CID001234"), ("CID12345", None), ("XID001234", None), ("", None)],
)
def test_rmi_facility_id_is_cid_and_six_digits(value, expected):
    assert ids.normal_rmi_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("NL2019123ABC456", "NL2019123ABC456"), ("nl2019123abc456", "NL2019123ABC456"), ("1L2019123ABC456", None),
     ("NL2019123ABC45", None), ("NL2019123ABC4567", None)],
)  # fmt: skip
def test_os_id_is_two_letters_and_thirteen_letters_or_digits(value, expected):
    assert ids.normal_os_id(value) == expected


@pytest.mark.parametrize(
    ("region", "country", "expected"),
    [("CD-LU", "CD", "CD-LU"), ("cd-lu", "cd", "CD-LU"), ("ID-ST", "ID", "ID-ST"), ("GN-B", "GN", "GN-B"),
     ("CD-LU", "ZM", None), ("CD-LUAL", "CD", None), ("CDLU", "CD", None), ("CD-", "CD", None)],
)  # fmt: skip
def test_region_is_a_subdivision_code_of_the_country(region, country, expected):
    assert ids.normal_region(region, country) == expected


@pytest.mark.parametrize(
    ("scheme", "expected"), [("NL-KVK", "NL-KVK"), ("be-bce_kbo", "BE-BCE_KBO"), ("NLKVK", None), ("N-KVK", None)]
)
def test_register_scheme_in_org_id_guide_style(scheme, expected):
    assert ids.normal_scheme(scheme) == expected


def test_coordinates_are_kept_coarse():
    site = SupplyChainEntity(latitude=-10.714123, longitude=25.466789)
    assert (site.latitude, site.longitude) == (-10.71, 25.47)
