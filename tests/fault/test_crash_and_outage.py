"""A real server under faults: a worker killed mid-burst, the database stopped mid-burst (SECURITY.md).

The portal runs under gunicorn (2 workers) on a free port with its own instance folder. A bounded burst of
grievances with files is sent the way a browser does (GET the form for the CSRF token and cookie, POST multipart);
in the middle, (a) one worker is killed with SIGKILL, (b) a throw-away PostgreSQL cluster of the test's own is
stopped with ``pg_ctl stop -m immediate`` and started again. Then (``flask portal sweep-files`` first, when the
portal has it) the promise is checked: every submission that was given a receipt is stored with its files (the
receipt opens it; every file decrypts to its recorded sha256 and carries the name that was sent), no attachment row
lacks its file, no file lacks its row, and every submission that failed was told nothing was kept, or lost its
connection.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import RECEIPT_PATTERN, REFERENCE_PATTERN, VALID_GRIEVANCE
from tests.mailbox import free_port
from tests.samples import PDF_BYTES

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SUBMISSIONS = 24
CLIENTS = 4
FILES_PER_SUBMISSION = 2
DISRUPT_AFTER = 8  # answered submissions before the fault
RESUME_FROM = 16  # submissions from here on wait until the fault is over
REQUEST_TIMEOUT = 30
NOTHING_KEPT = "Nothing you sent was kept"
INITDB = shutil.which("initdb") or "/usr/local/bin/initdb"
PG_CTL = shutil.which("pg_ctl") or "/usr/local/bin/pg_ctl"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)" name="csrf_token"')
SUBMISSION_TOKEN = re.compile(r'name="submission_token" type="hidden" value="([^"]+)"')


@dataclass
class Outcome:
    index: int
    files: dict[str, bytes]
    status: int | None = None
    reference: str | None = None
    receipt: str | None = None
    error: str | None = None
    body: str = ""


@dataclass
class Burst:
    outcomes: list[Outcome] = field(default_factory=list)
    fault: str = ""


# A browser, as far as the form needs one --------------------------------------------------------------------------


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return _followed(port, connection.getresponse(), (headers or {}).get("Cookie", ""))
    finally:
        connection.close()


def _followed(port: int, response, cookie: str) -> tuple[int, str, str]:
    """Status, cookie and page; a filed grievance answers 303 to the receipt page, which a browser then opens."""
    set_cookie = response.getheader("Set-Cookie") or ""
    body = response.read().decode("utf-8", "replace")
    location = response.getheader("Location") or ""
    if response.status != 303 or not location.startswith("/"):
        return response.status, set_cookie, body
    follow = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        follow.request("GET", location, headers={"Cookie": set_cookie.split(";", 1)[0] or cookie})
        page = follow.getresponse()
        return page.status, page.getheader("Set-Cookie") or set_cookie, page.read().decode("utf-8", "replace")
    finally:
        follow.close()


# The pages a valid grievance walks through before the check page (tests/conftest.py VALID_GRIEVANCE).
STEP_PATHS = [
    "/en/report",
    "/en/report/what",
    "/en/report/kind",
    "/en/report/where",
    "/en/report/wish",
    "/en/report/contact",
]


def _multipart(values: MultiDict, cookie: str) -> tuple[bytes, dict]:
    boundary, body = encode_multipart(values)
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie}


def _form(port: int, index: int, outcome: Outcome) -> tuple[bytes, dict] | None:
    """Answer every step as a browser does (the cookie and each page's CSRF token; the files on the "what happened"
    page); the multipart body and headers of the check page's POST that sends, or None."""
    status, cookie, page = _request(port, "GET", STEP_PATHS[0])
    cookie = cookie.split(";", 1)[0]
    for path in STEP_PATHS:
        token = CSRF.search(page)
        if status != 200 or not token:
            outcome.status, outcome.body = status, page
            return None
        values = MultiDict([(key, value) for key, value in VALID_GRIEVANCE.items() if not isinstance(value, list)])
        for category in VALID_GRIEVANCE["categories"]:
            values.add("categories", category)
        values.add("csrf_token", token.group(1) or token.group(2))
        if path.endswith("/what"):
            for name, data in outcome.files.items():
                values.add("evidence", FileStorage(io.BytesIO(data), filename=name, content_type="application/pdf"))
        status, set_cookie, page = _request(port, "POST", path, *_multipart(values, cookie))
        cookie = set_cookie.split(";", 1)[0] or cookie
    token = CSRF.search(page)
    if status != 200 or not token:  # the last step leads to the check page
        outcome.status, outcome.body = status, page
        return None
    values = MultiDict({"consent": "y", "csrf_token": token.group(1) or token.group(2)})
    if one_time := SUBMISSION_TOKEN.search(page):  # the form's resend guard, as a browser would send it
        values.add("submission_token", one_time.group(1))
    return _multipart(values, cookie)


def _read_answer(outcome: Outcome, status: int, body: str) -> Outcome:
    outcome.status, outcome.body = status, body
    receipt, reference = RECEIPT_PATTERN.search(body), REFERENCE_PATTERN.search(body)
    outcome.receipt = receipt.group(1) if receipt else None
    outcome.reference = reference.group(0) if reference else None
    return outcome


def _files(index: int) -> dict[str, bytes]:
    return {
        f"evidence-{index}-{n}.pdf": PDF_BYTES + f"%submission {index} file {n}\n".encode()
        for n in range(FILES_PER_SUBMISSION)
    }


def submit(port: int, index: int) -> Outcome:
    """Walk the form's steps, choosing two PDFs of its own, then send from the check page."""
    outcome = Outcome(index, _files(index))
    try:
        prepared = _form(port, index, outcome)
        if prepared is not None:
            status, _, body = _request(port, "POST", "/en/report/check", *prepared)
            _read_answer(outcome, status, body)
    except (OSError, http.client.HTTPException) as error:  # reset, refused, remote end closed, timeout
        outcome.error = type(error).__name__
    return outcome


def half_sent(port: int, index: int):
    """A submission whose POST is half on the wire (a worker holds it); returns a function that finishes it."""
    outcome = Outcome(index, _files(index))
    prepared = _form(port, index, outcome)
    assert prepared is not None, outcome.status
    body, headers = prepared
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    connection.putrequest("POST", "/en/report/check")
    for name, value in {**headers, "Content-Length": str(len(body))}.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(body[: len(body) // 2])

    def finish() -> Outcome:
        try:
            connection.send(body[len(body) // 2 :])
            status, _, page = _followed(port, connection.getresponse(), headers["Cookie"])
            _read_answer(outcome, status, page)
        except (OSError, http.client.HTTPException) as error:
            outcome.error = type(error).__name__
        finally:
            connection.close()
        return outcome

    return finish


def burst(port: int, disrupt) -> Burst:
    """``SUBMISSIONS`` grievances from ``CLIENTS`` clients; ``disrupt()`` runs once ``DISRUPT_AFTER`` are answered,
    while others are in flight; submissions from ``RESUME_FROM`` on wait until it has returned."""
    result, answered, done = Burst(), threading.Semaphore(0), threading.Event()

    def one(index: int) -> Outcome:
        if index >= RESUME_FROM:
            done.wait(120)
        outcome = submit(port, index)
        answered.release()
        return outcome

    def fault() -> None:
        try:
            for _ in range(DISRUPT_AFTER):
                answered.acquire(timeout=120)
            result.fault = disrupt()
        finally:
            done.set()

    disruptor = threading.Thread(target=fault)
    disruptor.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        result.outcomes = list(pool.map(one, range(SUBMISSIONS)))
    disruptor.join(180)
    return result


# The server -------------------------------------------------------------------------------------------------------


def _env(instance: Path, database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "PORTAL_"))}
    env.update(
        FLASK_APP="wsgi",
        PORTAL_INSTANCE_PATH=str(instance),
        DATABASE_URL=database_url,
        RATELIMIT_INTAKE_CLIENT="10000 per minute",
        WEB_CONCURRENCY="2",
        PYTHONUNBUFFERED="1",
    )
    for secret in ("SECRET_KEY", "RECEIPT_KEY", "ENCRYPTION_KEYS", "ATTACHMENT_PATH", "MAIL_SERVER"):
        env.pop(secret, None)
    return env


def _flask(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=check
    )


def _wait_healthy(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited while starting"
        try:
            if _request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("the portal did not become healthy")


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(pid) for pid in children.read_text().split()]
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


class Portal:
    """gunicorn with 2 workers on a free port; stopped (and killed if need be) by ``stop``."""

    def __init__(self, env: dict) -> None:
        self.port = free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - gunicorn writes to it until stop() closes it
        self.server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        _wait_healthy(self.port, self.server)

    def stop(self) -> None:
        if self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(10)
        self.log.close()


# Checking the promise ---------------------------------------------------------------------------------------------


@dataclass
class Stored:
    cases: int
    attachments: int
    files_on_disk: int
    orphans: list[str]
    problems: list[str]


def check_store(instance: Path, database_url: str, answered: list[Outcome]) -> Stored:
    from portal import create_app
    from portal.audit.verify import check_chain
    from portal.cases.models import Attachment, Case, CaseEntry
    from portal.config import Config
    from portal.config import database_url as normalise
    from portal.core.storage import read_blob
    from portal.extensions import db
    from portal.intake.receipt import receipt_hash

    app = create_app(
        Config,
        INSTANCE_PATH=instance,
        ATTACHMENT_PATH=instance / "attachments",
        SQLALCHEMY_DATABASE_URI=normalise(database_url),
    )
    problems: list[str] = []
    with app.app_context():
        try:
            for outcome in answered:
                case = db.session.scalar(select(Case).where(Case.reference == outcome.reference))
                if case is None or case.receipt_hash != receipt_hash(outcome.receipt):
                    problems.append(f"{outcome.reference}: answered with a receipt but not stored")
                    continue
                attachments = db.session.scalars(
                    select(Attachment).join(CaseEntry).where(CaseEntry.case_id == case.id)
                ).all()
                if sorted(a.original_name for a in attachments) != sorted(outcome.files):
                    problems.append(f"{outcome.reference}: files {[a.original_name for a in attachments]}")
            attachments = db.session.scalars(select(Attachment)).all()
            keys = set()
            for attachment in attachments:
                keys.add(attachment.storage_key)
                try:
                    data = read_blob(attachment.storage_key)
                except (OSError, ValueError) as error:
                    problems.append(f"attachment {attachment.id}: no readable file ({type(error).__name__})")
                    continue
                if hashlib.sha256(data).hexdigest() != attachment.sha256:
                    problems.append(f"attachment {attachment.id}: file does not match its sha256")
            files = [path for path in (instance / "attachments").rglob("*") if path.is_file()]
            orphans = [path.name for path in files if path.name not in keys]
            chain = check_chain(db.session)
            problems += [f"audit: {problem}" for problem in chain.problems]
            cases = db.session.scalar(select(db.func.count()).select_from(Case))
        finally:
            db.session.remove()
            db.engine.dispose()
    return Stored(cases, len(attachments), len(files), orphans, problems)


def run_and_check(instance: Path, database_url: str, disrupt, portal_holder: dict) -> dict:
    env = _env(instance, database_url)
    upgraded = _flask(env, "db", "upgrade", check=False)
    assert upgraded.returncode == 0, upgraded.stderr[-2000:]
    portal = portal_holder["portal"] = Portal(env)
    result = burst(portal.port, lambda: disrupt(portal))
    result.outcomes += portal_holder.get("extra", [])
    portal.stop()

    has_sweep = "sweep-files" in _flask(env, "portal", "--help").stdout
    if has_sweep:
        swept = _flask(env, "portal", "sweep-files", check=False)
        assert swept.returncode == 0, swept.stdout + swept.stderr

    answered = [o for o in result.outcomes if o.status in (200, 303) and o.receipt and o.reference]
    refused = [o for o in result.outcomes if o not in answered and o.error is None]
    lost = [o for o in result.outcomes if o.error is not None]
    for outcome in refused:  # an answer without a receipt must say that nothing was kept
        assert NOTHING_KEPT in outcome.body, (outcome.index, outcome.status, outcome.body[-500:])
    stored = check_store(instance, database_url, answered)
    figures = {
        "fault": result.fault,
        "submissions": len(result.outcomes),  # the burst, plus those sent during the fault
        "answered with a receipt": len(answered),
        "told nothing was kept": len(refused),
        "connection lost": len(lost),
        "cases stored": stored.cases,
        "attachment rows": stored.attachments,
        "files on disk": stored.files_on_disk,
        "files without a row": len(stored.orphans),
        "sweep-files": "ran" if has_sweep else "not in this portal yet: step skipped",
    }
    print("\nfault figures:", figures)
    assert stored.problems == []
    assert len([o for o in answered if RESUME_FROM <= o.index < SUBMISSIONS]) == SUBMISSIONS - RESUME_FROM
    # A lost connection may have lost a stored case's receipt page; nothing else is stored.
    assert len(answered) <= stored.cases <= len(answered) + len(lost)
    assert stored.attachments == FILES_PER_SUBMISSION * stored.cases
    if has_sweep:
        assert stored.orphans == []
    return figures


def test_a_worker_killed_mid_burst_loses_no_answered_grievance(tmp_path):
    instance = tmp_path / "instance"
    holder: dict = {}

    def kill_a_worker(portal: Portal) -> str:
        workers = workers_of(portal.server.pid)
        assert workers, "no gunicorn worker found"
        # Half-sent submissions: whichever worker accepted them is reading their bodies when one is killed.
        pending = [half_sent(portal.port, 2000 + n) for n in range(4)]
        time.sleep(0.3)
        os.kill(workers[0], signal.SIGKILL)
        holder["extra"] = [finish() for finish in pending]
        deadline = time.monotonic() + 30  # gunicorn starts a new one
        while time.monotonic() < deadline:
            now = workers_of(portal.server.pid)
            if len(now) >= 2 and workers[0] not in now:
                break
            time.sleep(0.1)
        _wait_healthy(portal.port, portal.server)
        lost = sum(outcome.error is not None for outcome in holder["extra"])
        return f"SIGKILL to worker {workers[0]}; half-sent submissions that lost their connection: {lost} of 4"

    try:
        figures = run_and_check(instance, f"sqlite:///{instance / 'portal.sqlite3'}", kill_a_worker, holder)
    finally:
        if "portal" in holder:
            holder["portal"].stop()
    assert figures["fault"].startswith("SIGKILL")


class Cluster:
    """A throw-away PostgreSQL cluster (never the shared server): initdb, trust auth, its own port and socket."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="portal-fault-pg-"))
        self.data, self.port = self.root / "data", free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(INITDB, "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_postgres, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(PG_CTL, "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "immediate") -> None:
        self._run(PG_CTL, "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run([*self.as_postgres, PG_CTL, "-D", str(self.data), "-m", "immediate", "stop"], timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def test_the_database_stopped_mid_burst_loses_no_answered_grievance(tmp_path):
    if not (Path(INITDB).exists() and Path(PG_CTL).exists()):
        pytest.skip(f"PostgreSQL's initdb/pg_ctl are not installed ({INITDB}, {PG_CTL})")
    instance = tmp_path / "instance"
    holder: dict = {}
    cluster = Cluster()

    def outage(portal: Portal) -> str:
        cluster.stop("immediate")
        failed_while_down = [submit(portal.port, 1000 + n) for n in range(2)]  # answered while it is down
        time.sleep(1)
        cluster.start()
        statuses = [o.status or o.error for o in failed_while_down]
        holder["while down"] = failed_while_down
        return f"pg_ctl stop -m immediate, then start; while down: {statuses}"

    try:
        figures = run_and_check(instance, cluster.url, outage, holder)
    finally:
        if "portal" in holder:
            holder["portal"].stop()
        cluster.remove()
    for outcome in holder["while down"]:  # nothing can be stored without the database: said so, not a receipt
        assert outcome.receipt is None
        assert outcome.error is not None or NOTHING_KEPT in outcome.body, (outcome.status, outcome.body[-300:])
    assert figures["fault"].startswith("pg_ctl")
