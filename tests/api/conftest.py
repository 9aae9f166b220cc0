"""The API tests use the covenant world of the case tests and the register's fast case maker."""

# Fixtures imported from other test packages shadow those names, which is how pytest fixtures work.
# ruff: noqa: F401

from __future__ import annotations

from tests.cases.conftest import case, client_as, person, world
from tests.transparency.conftest import make_case, staff_client
from tests.transparency.test_register_list import varied
