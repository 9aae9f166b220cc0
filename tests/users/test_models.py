from portal.users.models import User


def test_password_is_hashed_with_argon2id():
    user = User(email="chair@example.org", name="Chair", role="chair")
    user.set_password("correct horse battery staple")
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password("correct horse battery staple")
    assert not user.check_password("wrong")
