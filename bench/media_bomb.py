"""Memory of photo uploads under attack: four decompression bombs posted at once through the real reply form.

Serves the portal with gunicorn and ``gunicorn.conf.py`` (2 workers, 4 threads each) on a throw-away instance,
files a grievance, opens it with its receipt, then posts four photos at once to ``/en/follow-up/case`` and reads
each worker's peak resident memory (VmHWM) from /proc. Two rounds, each on a fresh server so the peaks are not
mixed: the probe's bomb (9400 x 9400 RGBA PNG with an EXIF orientation, 88 megapixels: refused from its header)
and the worst photo still allowed (an RGBA PNG just under MEDIA_MAX_DECODED_PIXELS, decoded whole and turned).

    .venv/bin/python -m bench.media_bomb          # budget: under 200 MB peak per worker, every answer as stated
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from bench.run import free_port
from bench.walk import ANSWERS, TOKEN
from tests.media.samples import png_bomb

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 200
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
RECEIPT = re.compile(r'<span dir="ltr">(\d{4} \d{4} \d{4} \d{4})</span>')


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Visitor:
    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path, timeout=120).read().decode()

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, str]:
        request = Request(self.base + path, data=body, headers={"Content-Type": content_type})
        try:
            response = self.opener.open(request, timeout=120)
            return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def csrf(self, path: str) -> str:
        match = CSRF.search(self.get(path))
        return match.group(1) or match.group(2)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def run_round(label: str, photo: bytes, env: dict) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "wsgi:app"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                Visitor(base).get("/en/")
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(1)  # both workers up
        visitor = Visitor(base)
        token = visitor.csrf("/en/report")
        for path, answers in ANSWERS.items():  # the complaint form's steps, as bench/walk.py walks them
            visitor.post(path, *multipart({**answers, "csrf_token": token}, {}))
        send = {
            "csrf_token": token,
            "consent": "y",
            "submission_token": TOKEN.search(visitor.get("/en/report/check"))[1],
        }
        visitor.post("/en/report/check", *multipart(send, {}))
        page = visitor.get("/en/receipt")
        receipt = RECEIPT.search(page).group(1)
        token = visitor.csrf("/en/follow-up")
        visitor.post("/en/follow-up", urlencode({"csrf_token": token, "receipt": receipt}).encode(),
                     "application/x-www-form-urlencoded")  # fmt: skip
        token = visitor.csrf("/en/follow-up/case")
        workers = worker_pids(server.pid)
        before = {pid: peak_mb(pid) for pid in workers}
        statuses: list[int] = []
        fields = {"csrf_token": token, "message": "The photo of the gate."}
        body, content_type = multipart(fields, {"evidence": ("gate.png", photo)})

        def post():
            statuses.append(visitor.post("/en/follow-up/case", body, content_type)[0])

        threads = [threading.Thread(target=post) for _ in range(4)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        after = {pid: peak_mb(pid) for pid in workers}
    finally:
        server.terminate()
        server.wait(10)
    return {"label": label, "statuses": sorted(statuses), "seconds": elapsed, "before": before, "after": after}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="portal-bench-media-") as tmp:
        env = {**os.environ, "PORTAL_INSTANCE_PATH": tmp, "FLASK_APP": "wsgi", "RATELIMIT_ENABLED": "0"}
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
        sys.path.insert(0, str(ROOT))
        from portal.config import Config

        side = int(Config.MEDIA_MAX_DECODED_PIXELS**0.5)
        bomb = png_bomb(9400, 9400, rgba=True, orientation=6)
        largest = png_bomb(side, side, rgba=True, orientation=6)
        rounds = [
            run_round("four 9400x9400 RGBA PNG bombs (88 MP, EXIF orientation)", bomb, env),
            run_round(f"four {side}x{side} RGBA PNGs (largest PNG allowed, {side * side / 1e6:.1f} MP)", largest, env),
        ]
    failed = False
    print(f"MEDIA_MAX_PIXELS={Config.MEDIA_MAX_PIXELS} MEDIA_CONCURRENCY={Config.MEDIA_CONCURRENCY}")
    for result in rounds:
        peaks = ", ".join(
            f"{result['before'][pid]:.0f} -> {result['after'][pid]:.0f} MB" for pid in sorted(result["after"])
        )
        worst = max(result["after"].values())
        failed |= worst >= BUDGET_MB
        verdict = "met" if worst < BUDGET_MB else "MISSED"
        print(f"{result['label']}: statuses {result['statuses']} in {result['seconds']:.1f} s; ")
        print(f"  worker peak RSS (before -> after) {peaks}; budget {BUDGET_MB} MB {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
