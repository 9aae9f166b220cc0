"""Fixtures: the app on every configured database, a client, and factories for grievances and files.

Every test runs on SQLite; when TEST_DATABASE_URL is set (CI sets it to PostgreSQL) every test runs there too.
The schema is built by the real migrations, so the suite also proves they match the models.

`make test` runs the suite in one process per core (pytest-xdist). Each worker gets a database and a Redis
database of its own (see `pytest_configure`), so that one worker emptying its tables never touches another's.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, text

from portal import create_app
from portal.config import TestConfig, database_url
from portal.core import tasks
from portal.extensions import db, limiter
from tests.mailbox import Mailbox, free_port


def pytest_configure(config):
    """Under pytest-xdist, point this worker at its own PostgreSQL database and Redis database.

    The environment is rewritten before any test module is imported, so the tests that start servers (two app
    servers, gunicorn) hand the worker's own URLs to them. Worker gw0 keeps the configured Redis database; gw1
    takes the next one. The PostgreSQL database `<name>_gw1` is created on first use next to the configured one.
    """
    worker = getattr(config, "workerinput", {}).get("workerid")
    if not worker:
        return
    number = int(worker.removeprefix("gw"))
    if os.environ.get("TEST_DATABASE_URL"):
        configured = make_url(database_url(os.environ["TEST_DATABASE_URL"]))
        own = configured.set(database=f"{configured.database}_{worker}")
        engine = create_engine(configured, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database})
            if exists.first() is None:
                connection.execute(text(f'CREATE DATABASE "{own.database}"'))
        engine.dispose()
        os.environ["TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)
    if os.environ.get("TEST_REDIS_URL"):
        redis = make_url(os.environ["TEST_REDIS_URL"])
        base = int(redis.database or 0)
        os.environ["TEST_REDIS_URL"] = redis.set(database=str((base + number) % 16)).render_as_string(
            hide_password=False
        )


DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _database_url(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'test.sqlite3'}"
    return database_url(os.environ["TEST_DATABASE_URL"])


@pytest.fixture(scope="session", params=DATABASES)
def app(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    app = create_app(
        TestConfig,
        INSTANCE_PATH=tmp,
        ATTACHMENT_PATH=tmp / "attachments",
        SQLALCHEMY_DATABASE_URI=_database_url(request.param, tmp),
    )
    app.config["DATABASE_KIND"] = request.param
    with app.app_context():
        if request.param != "sqlite":  # a PostgreSQL database may hold an earlier run's tables
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Each test starts with empty tables, no stored files and fresh rate limits."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        limiter.reset()
    tasks.queue_of(app).huey.flush()  # the app lives for the session: a task one test queued must not run in the next
    shutil.rmtree(app.config["ATTACHMENT_PATH"], ignore_errors=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


VALID_GRIEVANCE = {
    "filer_type": "affected_person",
    "anonymous": "yes",
    "categories": ["child_labour", "health_safety"],
    "country": "CD",
    "commodity": "cobalt",
    "description": "Children carry sacks of cobalt ore at the depot every night without any protection.",
    "consent": "y",
}

RECEIPT_PATTERN = re.compile(r'<span dir="ltr">(\d{4} \d{4} \d{4} \d{4})</span>')
REFERENCE_PATTERN = re.compile(r"MC-\d{4}-\d{5,}")
HIDDEN_PATTERN = re.compile(
    r'<input id="(?:csrf_token|submission_token)" name="([a-z_]+)" type="hidden" value="([^"]*)"'
)


# The file fields and the step page each belongs to: a file is chosen, and posted, on its own page only.
FILE_STEPS = {"evidence": "what", "voice_note": "what", "photo": "what", "mandate": "group"}
STEP_PATH = re.compile(r"/report(?:/([a-z]+))?$")


def walk_steps(client, locale: str, data: dict, files: list | None = None, send: bool = True):
    """Post every answer in ``data`` to each page of the stepwise form in turn, as a person pressing "Continue"
    does, then send from the check page. Stops at the first page that answers with errors (its response is
    returned, as the one-page form's was). ``files`` are chosen on the "what happened" page."""
    path = f"/{locale}/report"
    for _ in range(12):  # at most every page once, and the check page
        slug = STEP_PATH.search(path.split("?")[0])
        if slug is None:
            break
        step = slug.group(1) or "who"
        if step == "check":
            break
        page = {key: value for key, value in data.items() if FILE_STEPS.get(key, step) == step}
        if step == "what" and files:
            page["evidence"] = files
        response = client.post(path, data=page, content_type="multipart/form-data")
        if response.status_code != 303:
            return response
        path = response.headers["Location"]
    check = client.get(f"/{locale}/report/check")
    if not send:
        return check
    page = check.get_data(as_text=True)
    form = {name: value for name, value in HIDDEN_PATTERN.findall(page)}
    form.update({key: data[key] for key in ("consent", "website") if key in data})
    return client.post(f"/{locale}/report/check", data=form, follow_redirects=True)


@pytest.fixture
def file_grievance(client):
    """Walk the stepwise form with these answers and send; returns (response, reference, receipt). Fields
    override the valid defaults; the response is the receipt page, or the first page that showed errors."""

    def file(locale: str = "en", files: list | None = None, **fields):
        data = {**VALID_GRIEVANCE, **fields}
        data = {key: value for key, value in data.items() if value is not None}
        response = walk_steps(client, locale, data, files)
        page = response.get_data(as_text=True)
        receipt = RECEIPT_PATTERN.search(page)
        reference = REFERENCE_PATTERN.search(page)
        return (
            response,
            reference.group(0) if reference else None,
            receipt.group(1) if receipt else None,
        )

    return file


@pytest.fixture
def open_case(client):
    """Enter a receipt on the follow-up page, as a person does."""

    def open_(receipt: str, locale: str = "en"):
        return client.post(f"/{locale}/follow-up", data={"receipt": receipt})

    return open_


@pytest.fixture
def make_user(app):
    """Create a staff account with a confirmed TOTP secret; returns its id and secret."""
    import pyotp

    from portal.core.db import utcnow
    from portal.users.models import User

    def make(role: str, email: str | None = None, organisation_id: int | None = None, **fields):
        with app.app_context():
            user = User(
                email=email or f"{role}-{pyotp.random_base32()[:6].lower()}@example.org",
                name=fields.pop("name", role.title()),
                role=role,
                organisation_id=organisation_id,
                locale=fields.pop("locale", "en"),
                **fields,
            )
            user.set_password("a long and careful passphrase")
            secret = pyotp.random_base32()
            user.totp_secret = secret
            user.totp_confirmed_at = utcnow()
            db.session.add(user)
            db.session.commit()
            return StaffUser(user.id, user.email, secret, role)

    return make


class StaffUser:
    password = "a long and careful passphrase"

    def __init__(self, id: int, email: str, totp_secret: str, role: str):
        self.id, self.email, self.totp_secret, self.role = id, email, totp_secret, role


@pytest.fixture
def login_as(app):
    """Put a user into a test client's session as a full (two-factor) login, without the login pages."""
    from portal.users.models import User
    from portal.users.sessions import stamp

    def login(client, user: StaffUser):
        with app.app_context(), client.session_transaction() as session:
            stamp(session, db.session.get(User, user.id))
            session["_fresh"] = True
        return client

    return login


@pytest.fixture
def smtp_server(app):
    """Point the app at a live SMTP server for one test; gives the mailbox."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False, MAIL_USERNAME=None)
    try:
        yield mailbox
    finally:
        app.config.update(saved)
        controller.stop()
