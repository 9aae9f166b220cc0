"""The shipped gunicorn configuration, run for real on a free localhost port.

Rate limits hold across workers in every configuration shipped (memory:// runs one worker; Redis is shared), and
gunicorn's error log names no client address (docs/architecture.md §8, §10).
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.mailbox import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Like TEST_DATABASE_URL: CI or a developer with Redis sets TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/7).
STORAGES = ["memory://"] + ([os.environ["TEST_REDIS_URL"]] if os.environ.get("TEST_REDIS_URL") else [])


class Served:
    def __init__(self, port: int, log: Path):
        self.port, self.log = port, log

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheader("Set-Cookie"), response.read().decode()
        finally:
            connection.close()

    def log_text(self) -> str:
        return self.log.read_text()


def _serve(tmp_path: Path, *args: str, **env_overrides):
    env = {
        **os.environ,
        "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
        "FLASK_APP": "wsgi",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "RATELIMIT_RECEIPT_CLIENT": "5 per minute",
        "RATELIMIT_RECEIPT_GLOBAL": "1000 per minute",
        **env_overrides,
    }
    env.pop("DATABASE_URL", None)
    # Creates the SQLite schema and the instance secrets, so both workers sign sessions with the same key.
    subprocess.run([BIN / "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    command = [BIN / "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", *args, "wsgi:app"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.terminate()
        raise AssertionError("gunicorn did not start: " + log.read_text())
    time.sleep(1.5)  # every worker booted, not only the first
    return process, Served(port, log)


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(*args, **env):
        process, served = _serve(tmp_path, *args, **env)
        started.append(process)
        return served

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def _wrong_receipt_attempts(served: Served, attempts: int) -> list[int]:
    status, cookie, html = served.request("GET", "/en/follow-up")
    assert status == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    headers = {"Cookie": cookie.split(";")[0], "Content-Type": "application/x-www-form-urlencoded"}
    statuses = []
    for _ in range(attempts):  # one new connection each: the workers take turns accepting them
        status, _, html = served.request("POST", "/en/follow-up", f"csrf_token={token}&receipt=1234", headers)
        assert status == 429 or 'id="receipt-error"' in html  # a real attempt, not a CSRF failure
        statuses.append(status)
    return statuses


# Named ids: each pytest-xdist worker has a Redis database of its own, and the workers must collect the same names.
@pytest.mark.parametrize("storage", STORAGES, ids=["memory", "redis"][: len(STORAGES)])
def test_five_a_minute_lets_exactly_five_through_with_two_workers_configured(serve, storage):
    if storage.startswith("redis"):
        import redis

        redis.Redis.from_url(storage).flushdb()
    served = serve(RATELIMIT_STORAGE_URI=storage)
    statuses = _wrong_receipt_attempts(served, 20)
    assert (statuses.count(400), statuses.count(429)) == (5, 15), statuses
    booted = served.log_text().count("Booting worker")
    if storage == "memory://":
        assert booted == 1 and "rate limits in memory:// are counted per worker" in served.log_text()
    else:
        assert booted == 2


def test_workers_asked_on_the_command_line_are_one_with_memory_limits(serve):
    served = serve("--workers", "4")
    log = served.log_text()
    assert log.count("Booting worker") == 1 and "not 4 workers" in log


def test_a_malformed_request_leaves_no_client_address_in_the_error_log(serve):
    served = serve()
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as raw:
        raw.sendall(b"NOT A REQUEST LINE AT ALL\r\n\r\n")
        assert raw.recv(1024).startswith(b"HTTP/1.1 400")
    time.sleep(0.5)
    log = served.log_text()
    assert "Invalid request from" in log
    assert "127.0.0.1" not in log
