"""Real-browser fixtures: the portal served on a free loopback port, Debian's Chromium driven by Playwright.

No browser is ever downloaded. Without Chromium the journeys are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from portal import create_app
from portal.config import TestConfig

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_CANDIDATES = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = _chromium()
    if path is None:
        message = "Chromium not found (apt-get install chromium); browser journeys need it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real app, CSRF and all, on a throw-away SQLite database."""
    tmp = tmp_path_factory.mktemp("live")
    app = create_app(
        TestConfig,
        INSTANCE_PATH=tmp,
        ATTACHMENT_PATH=tmp / "attachments",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'live.sqlite3'}",
        WTF_CSRF_ENABLED=True,
        TESTING=False,
    )
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


@pytest.fixture
def shoot(request):
    """Save a screenshot of a journey step for reviewers."""
    SCREENSHOTS.mkdir(exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, step: str) -> None:
        name = f"{request.node.name}-{next(counter):02d}-{step}.png".replace("/", "_")
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)

    return take


@pytest.fixture(scope="module", params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def axe_page(request, browser):
    """One page per test module at phone and at desktop width, for the axe-core checks."""
    context = browser.new_context(viewport=request.param)
    page = context.new_page()
    yield page
    context.close()
