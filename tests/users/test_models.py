from portal.users.models import User


def test_password_is_hashed_with_argon2id():
    user = User(email="chair@example.org", name="Chair", role="chair")
    user.set_password("correct horse battery staple")
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password("correct horse battery staple")
    assert not user.check_password("wrong")


def test_production_hashes_with_rfc_9106_low_memory_and_tests_with_the_cheapest(app):
    from flask import Flask

    from portal.config import Config

    production = Flask("production")
    production.config.from_object(Config)
    user = User(email="chair@example.org", name="Chair", role="chair")
    with production.app_context():
        user.set_password("correct horse battery staple")
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # RFC 9106 low-memory
    with app.app_context():
        assert user.check_password("correct horse battery staple")  # any profile verifies any stored hash
        user.set_password("correct horse battery staple")
    assert user.password_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")
