"""The "submit" load of ``make bench``: clients walking the complaint form's steps and sending, as browsers do.

wrk replays one request; a complaint is now a walk (each step's POST carries the session cookie the first one set,
and the check page's form token), so this driver keeps one keep-alive connection per client and walks: each step's
POST (answered 303, not followed), the check page, the send. Like wrk it reports requests (every POST and GET),
errors and latencies, and the complaints filed, in the same RESULT shape ``bench/run.py`` parses.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from urllib.parse import urlencode, urlsplit

ANSWERS = {
    "/en/report": {"filer_type": "affected_person"},
    "/en/report/what": {"description": "Workers at the depot carry ore without any protection, day and night."},
    "/en/report/kind": {"categories": "health_safety"},
    "/en/report/where": {"country": "CD", "commodity": "cobalt"},
    "/en/report/wish": {},
    "/en/report/contact": {"anonymous": "yes"},
}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TOKEN = re.compile(r'name="submission_token" type="hidden" value="([^"]+)"')


class Client:
    def __init__(self, url: str):
        self.host = urlsplit(url).netloc
        self.connection = http.client.HTTPConnection(self.host, timeout=30)
        self.cookie = ""
        self.latencies: list[float] = []

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        self.latencies.append(time.perf_counter() - started)
        if cookie := response.getheader("Set-Cookie"):
            self.cookie = cookie.split(";", 1)[0]
        return response.status, page

    def file_one(self) -> bool:
        """Walk every step and send; True when the complaint was filed (the send answered 303 to the receipt)."""
        self.cookie = ""
        status, page = self.request("GET", "/en/report")
        for path, answers in ANSWERS.items():
            token = CSRF.search(page)
            if status != 200 or token is None:
                return False
            status, _ = self.request("POST", path, {**answers, "csrf_token": token.group(1)})
            if status != 303:
                return False
            status, page = (200, page) if path != "/en/report/contact" else self.request("GET", "/en/report/check")
        token, form_token = CSRF.search(page), TOKEN.search(page)
        if status != 200 or token is None or form_token is None:
            return False
        status, _ = self.request(
            "POST",
            "/en/report/check",
            {"consent": "y", "csrf_token": token.group(1), "submission_token": form_token.group(1)},
        )
        return status == 303


def walk_load(url: str, clients: int, seconds: float, warmup: float, after_warmup=None) -> dict:
    """``clients`` walking in parallel for ``seconds`` after ``warmup``; wrk-like figures plus complaints filed."""
    stop = threading.Event()
    measuring = threading.Event()
    totals = {"filed": 0, "errors": 0}
    latencies: list[float] = []
    lock = threading.Lock()

    def run():
        client = Client(url)
        while not stop.is_set():
            try:
                filed = client.file_one()
            except (OSError, http.client.HTTPException):
                filed = False
                client.connection.close()
                client.connection = http.client.HTTPConnection(client.host, timeout=30)
            with lock:
                if measuring.is_set():
                    totals["filed" if filed else "errors"] += 1
                    latencies.extend(client.latencies)
            client.latencies = []

    threads = [threading.Thread(target=run, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(warmup)
    if after_warmup is not None:
        after_warmup()
    measuring.set()
    started = time.perf_counter()
    time.sleep(seconds)
    measuring.clear()
    duration = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    ordered = sorted(latencies) or [0.0]

    def percentile(share: float) -> int:
        return int(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1_000_000)

    return {
        "requests": len(latencies),
        "duration_us": int(duration * 1_000_000),
        "errors": totals["errors"],
        "filed": totals["filed"],
        "p50_us": percentile(0.50),
        "p95_us": percentile(0.95),
        "p99_us": percentile(0.99),
    }
