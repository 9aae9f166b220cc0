"""Two app servers, one PostgreSQL, one Redis (docs/architecture.md §10, README "Production").

Two gunicorn instances, each with its own instance folder (so nothing on one's disk is seen by the other) and the
same keys from the environment, serve the same PostgreSQL database and the same Redis. A visitor's requests go to
either, as a load balancer without sticky sessions sends them: sessions, revocations, rate limits, files, cached
pages and the deadline job must all behave as with one server.

Needs TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL; the in-process app of tests/conftest.py shares the
database, files grievances and creates accounts, as another server would.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal.cases.models import Attachment, Case
from portal.cases.workflow import Clock
from portal.core.db import utcnow
from portal.extensions import db
from tests.mailbox import Mailbox, free_port
from tests.samples import wav_voice_note

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL")

pytestmark = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") and REDIS_URL),
    reason="two app servers share one PostgreSQL and one Redis: set TEST_DATABASE_URL and TEST_REDIS_URL",
)

# WTForms writes name, type, value; the staff header's logout form writes type, name, value.
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Server:
    """One gunicorn (two workers, two threads each) with its own instance folder, on a free port."""

    def __init__(self, name: str, env: dict[str, str]):
        self.name, self.env = name, env
        self.instance = Path(env["PORTAL_INSTANCE_PATH"])
        self.process: subprocess.Popen | None = None
        self.log = None
        self.port = 0

    def start(self, **changes: str) -> None:
        self.env = {**self.env, **changes}
        self.port = free_port()
        self.log = log = open(self.instance / "gunicorn.log", "ab")  # noqa: SIM115 - written to until stopped
        command = [BIN / "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}", "wsgi:app"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"{self.name} did not start: {(self.instance / 'gunicorn.log').read_text()}")
        time.sleep(1.0)  # both workers booted

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None
            self.log.close()

    def flask(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [BIN / "flask", *args], cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )


class Visitor:
    """One browser: its cookies, sent to whichever server each request goes to."""

    def __init__(self, cookies: dict[str, str] | None = None):
        self.cookies = dict(cookies or {})

    def copy(self) -> Visitor:
        """The same cookies in another browser: a copy of the session, as a thief would hold."""
        return Visitor(self.cookies)

    def request(self, server: Server, method: str, path: str, fields=None, files=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if files:
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, fields or {}, files)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for cookie in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                value = rest.split(";")[0]
                if value and "expires=thu, 01 jan 1970" not in cookie.lower():
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
            return response.status, response.getheader("Location") or "", response.read()
        finally:
            connection.close()

    def get(self, server: Server, path: str):
        return self.request(server, "GET", path)

    def form_token(self, server: Server, path: str) -> str:
        status, _, body = self.get(server, path)
        assert status == 200, (path, status)
        return CSRF.search(body.decode()).group(1)


def _multipart(boundary: str, fields: dict, files: dict) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def servers(app, mailbox, tmp_path_factory):
    if app.config["DATABASE_KIND"] != "postgresql":
        pytest.skip("two app servers share one PostgreSQL database")
    _, mail_port = mailbox
    shared = {
        **os.environ,
        "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        # The same keys on every server, from the environment (README "Key management"), as the in-process app's.
        "SECRET_KEY": app.config["SECRET_KEY"],
        "RECEIPT_KEY": app.config["RECEIPT_KEY"],
        "ENCRYPTION_KEYS": app.config["ENCRYPTION_KEYS"],
        "FLASK_APP": "wsgi",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_port),
        "RATELIMIT_RECEIPT_CLIENT": "5 per minute",
        "RATELIMIT_RECEIPT_GLOBAL": "1000 per minute",
        "RATELIMIT_REPLY_CLIENT": "1000 per minute",
        "RATELIMIT_REPLY_CASE": "1000 per minute",
    }
    for name in ("ATTACHMENT_PATH", "ATTACHMENT_STORE"):
        shared.pop(name, None)  # each server's own folder; the store is the default for PostgreSQL
    pair = []
    for name in ("one", "two"):
        instance = tmp_path_factory.mktemp(f"server-{name}")
        pair.append(Server(name, {**shared, "PORTAL_INSTANCE_PATH": str(instance)}))
    try:
        for server in pair:
            server.start()
        yield pair
    finally:
        for server in pair:
            server.stop()


@pytest.fixture(autouse=True)
def _fresh_limits():
    if REDIS_URL:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()


def _sign_in(visitor: Visitor, server: Server, user) -> None:
    token = visitor.form_token(server, "/staff/login")
    status, location, _ = visitor.request(
        server, "POST", "/staff/login", {"csrf_token": token, "email": user.email, "password": user.password}
    )
    assert status == 302 and location.endswith("/staff/login/code"), status
    token = visitor.form_token(server, "/staff/login/code")
    code = pyotp.TOTP(user.totp_secret).now()
    status, _, _ = visitor.request(server, "POST", "/staff/login/code", {"csrf_token": token, "code": code})
    assert status == 302


def _open_case(visitor: Visitor, server: Server, receipt: str) -> None:
    token = visitor.form_token(server, "/en/follow-up")
    status, location, _ = visitor.request(server, "POST", "/en/follow-up", {"csrf_token": token, "receipt": receipt})
    assert status == 302 and location.endswith("/en/follow-up/case"), status


def test_a_staff_session_made_on_one_server_works_on_the_other_until_signed_out_on_either(servers, make_user):
    one, two = servers
    officer = make_user("secretariat")
    browser = Visitor()
    _sign_in(browser, one, officer)
    assert browser.get(two, "/staff/")[0] == 200
    stolen = browser.copy()
    token = browser.form_token(two, "/staff/")
    assert browser.request(two, "POST", "/staff/logout", {"csrf_token": token})[0] == 302
    status, location, _ = stolen.get(one, "/staff/")
    assert status == 302 and "/staff/login" in location  # the copy died with the sign-out on the other server


def test_a_receipt_session_made_on_one_server_works_on_the_other_until_left(servers, file_grievance):
    one, two = servers
    _, reference, receipt = file_grievance()
    phone = Visitor()
    _open_case(phone, one, receipt)
    status, _, page = phone.get(two, "/en/follow-up/case")
    assert status == 200 and reference in page.decode()
    copy = phone.copy()
    token = phone.form_token(two, "/en/follow-up/case")
    assert phone.request(two, "POST", "/en/follow-up/leave", {"csrf_token": token})[0] == 302
    status, location, _ = copy.get(one, "/en/follow-up/case")
    assert status == 302 and location.endswith("/en/follow-up")


def test_a_receipt_rate_limit_is_counted_once_for_both_servers(servers):
    one, two = servers
    guesser = Visitor()
    token = guesser.form_token(one, "/en/follow-up")
    statuses = {"one": [], "two": []}
    for attempt in range(10):
        server = (one, two)[attempt % 2]
        status, _, _ = guesser.request(server, "POST", "/en/follow-up", {"csrf_token": token, "receipt": "1234"})
        statuses[server.name].append(status)
    every = statuses["one"] + statuses["two"]
    assert (every.count(400), every.count(429)) == (5, 5), statuses  # 5 a minute in all, not 5 per server
    assert 429 in statuses["one"] and 429 in statuses["two"]
    print(f"\nrate limit 5/min across two servers: {statuses}")


def test_an_attachment_uploaded_through_one_server_is_downloaded_through_the_other(
    app, servers, file_grievance, make_user
):
    one, two = servers
    _, reference, receipt = file_grievance()
    recording = wav_voice_note(70)  # 1.1 MB: three chunks in the database
    phone = Visitor()
    _open_case(phone, one, receipt)
    token = phone.form_token(one, "/en/follow-up/case")
    started = time.monotonic()
    status, _, _ = phone.request(
        one,
        "POST",
        "/en/follow-up/case",
        {"csrf_token": token, "message": "The recording of the meeting at the depot."},
        {"evidence": ("meeting.wav", recording)},
    )
    uploaded = time.monotonic() - started
    assert status == 302
    with app.app_context():
        attachment_id = db.session.scalar(select(Attachment.id))
    officer = make_user("secretariat")
    browser = Visitor()
    _sign_in(browser, two, officer)
    started = time.monotonic()
    status, _, body = browser.get(two, f"/staff/cases/{reference}/attachments/{attachment_id}")
    downloaded = time.monotonic() - started
    assert status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(recording).digest()
    for server in servers:  # nothing on either server's disk: the file is in the database
        assert not any(path.is_file() for path in (server.instance / "attachments").rglob("*"))
    sizes = f"{len(recording):,} bytes"
    print(f"\n{sizes}: uploaded via one in {uploaded * 1000:.0f} ms, downloaded via two in {downloaded * 1000:.0f} ms")


def test_cached_pages_follow_a_settings_change_as_each_server_restarts(servers):
    one, two = servers
    visitor = Visitor()
    pages = {server.name: visitor.get(server, "/en/")[2].decode().lower() for server in servers}
    assert all("within 7 days" in page for page in pages.values())
    try:
        for restarted, still_old in ((one, two), (two, None)):  # a rolling deploy of CLOCK_ACKNOWLEDGE_DAYS=10
            restarted.stop()
            restarted.start(CLOCK_ACKNOWLEDGE_DAYS="10")
            for path in ("/en/", "/en/procedure"):
                page = visitor.get(restarted, path)[2].decode().lower()  # "Within 7 days, we tell you…"
                assert "within 10 days" in page and "within 7 days" not in page, path
            if still_old is not None:  # the other still promises what it still enforces, until its turn
                assert "within 7 days" in visitor.get(still_old, "/en/")[2].decode().lower()
    finally:
        for server in servers:
            server.stop()
            server.start(CLOCK_ACKNOWLEDGE_DAYS="7")


def test_deadlines_run_on_both_servers_at_once_send_each_notice_once(app, servers, mailbox, file_grievance, make_user):
    box, _ = mailbox
    chair = make_user("chair")
    references = [file_grievance()[1] for _ in range(12)]
    with app.app_context():
        for case in db.session.scalars(select(Case)):
            due = case.due()
            due[Clock.ACKNOWLEDGE] = utcnow() - timedelta(hours=2)
            case.set_due(due)
        db.session.commit()
    box.messages.clear()
    started = time.monotonic()
    runs = [server.flask("portal", "deadlines") for server in servers]
    outputs = [run.communicate(timeout=120)[0].decode().strip().splitlines()[-1] for run in runs]
    elapsed = time.monotonic() - started
    assert [run.returncode for run in runs] == [0, 0], outputs
    to_chair = [message["Subject"] + body for message in box.to(chair.email) for body in [message.get_content()]]
    assert len(to_chair) == len(references) and len(set(to_chair)) == len(to_chair)
    assert all(any(reference in mail for mail in to_chair) for reference in references)
    # The run that got there first sent every notice; the other found it running, or found everything sent.
    first, other = sorted(outputs, key=lambda output: "escalations: 12" not in output)
    assert first == "reminders: 0, escalations: 12"
    assert other in {"another run is sending the deadline notices: nothing to do", "reminders: 0, escalations: 0"}
    print(f"\ndeadlines on both servers at once ({elapsed:.1f} s): {outputs}; {len(to_chair)} mails to the chair")
