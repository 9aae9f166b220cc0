from tests.cases.conftest import client_as, world  # noqa: F401 - the same small covenant world
