"""``flask portal create-user``."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.core import signals
from portal.extensions import db
from portal.users.models import User


def stored(app, email) -> User | None:
    with app.app_context():
        user = db.session.scalars(select(User).filter_by(email=email)).first()
        if user is not None:
            db.session.expunge(user)
        return user


def test_create_user_prints_a_generated_password(app):
    changes = []
    with signals.user_changed.connected_to(lambda sender, **kw: changes.append((kw["change"], kw["actor"]))):
        result = app.test_cli_runner().invoke(
            args=["portal", "create-user", "--email", "Root@Example.org", "--name", "Root", "--role", "admin"]
        )
    assert result.exit_code == 0, result.output
    password = re.search(r"One-time password .*: (\S+)", result.output).group(1)
    user = stored(app, "root@example.org")
    assert user.role == "admin" and user.locale == "en" and user.active
    assert user.totp_confirmed_at is None
    assert user.check_password(password)
    assert changes == [("created", None)]


def test_create_user_with_a_given_password_and_locale(app):
    result = app.test_cli_runner().invoke(
        args=[
            *("portal", "create-user", "--email", "chair@example.org", "--name", "Chair", "--role", "chair"),
            *("--password", "a chosen long passphrase", "--locale", "ar"),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "a chosen long passphrase" not in result.output
    user = stored(app, "chair@example.org")
    assert user.locale == "ar"
    assert user.check_password("a chosen long passphrase")


def test_create_user_refuses_bad_input(app, make_user):
    make_user("secretariat", email="taken@example.org")
    runner = app.test_cli_runner()
    base = ["portal", "create-user", "--name", "X"]
    cases = [
        [*base, "--email", "taken@example.org", "--role", "member"],
        [*base, "--email", "new@example.org", "--role", "wizard"],
        [*base, "--email", "not an address", "--role", "member"],
        [*base, "--email", "new@example.org", "--role", "member", "--password", "short"],
        [*base, "--email", "new@example.org", "--role", "member", "--locale", "tlh"],
    ]
    for args in cases:
        assert runner.invoke(args=args).exit_code != 0, args
    assert stored(app, "new@example.org") is None
