"""``flask portal create-user``: the first administrator, or any account, from the command line."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext

from portal.core.i18n import LOCALES
from portal.core.roles import Role
from portal.extensions import db
from portal.users import operations


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True, help="Login email address.")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]), help="Account role.")
@click.option("--password", help="Initial password (at least 12 characters); generated and printed if omitted.")
@click.option("--locale", default="en", show_default=True, type=click.Choice(list(LOCALES)), help="UI language.")
def create_user(email: str, name: str, role: str, password: str | None, locale: str) -> None:
    """Create a staff account. Its owner sets up two-factor login at the first login."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--email") from error
    if password is not None and len(password) < operations.PASSWORD_MIN_LENGTH:
        raise click.BadParameter(
            f"must be at least {operations.PASSWORD_MIN_LENGTH} characters", param_hint="--password"
        )
    try:
        user, password_used = operations.create_user(
            email=email, name=name, role=role, actor=None, locale=locale, password=password
        )
    except operations.UserChangeRefused as refused:
        raise click.ClickException(f"An account with the email address {email} already exists.") from refused
    db.session.commit()  # the command owns its transaction
    click.echo(f"Created {role} account {user.email} (id {user.id}).")
    if password is None:
        click.echo(f"One-time password (pass it on securely; shown only now): {password_used}")
    click.echo("At the first login the user sets up an authenticator app (two-factor login).")
