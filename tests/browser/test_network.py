"""What a public page costs on the wire, and who it talks to."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import PHONE

BUDGET_BYTES = 40 * 1024
PUBLIC_PAGES = [
    "/",
    "/report",
    "/report/what",
    "/report/kind",
    "/report/where",
    "/report/wish",
    "/report/contact",
    "/follow-up",
    "/procedure",
    "/privacy",
]


@pytest.mark.parametrize("locale", ["sw", "ar", "en"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_weight_and_origins(browser, live_server, locale, path, record_property):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(f"{live_server.url}/{locale}{path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    foreign = [request.url for request in requests if not request.url.startswith(live_server.url)]
    assert foreign == []
    transferred = 0
    for request in requests:
        sizes = request.sizes()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        response = request.response()
        if response and response.headers.get("content-type", "").startswith(("text/html", "text/css")):
            assert response.headers.get("content-encoding") in {"br", "gzip", "zstd", "deflate"}, request.url
    record_property("transferred_bytes", transferred)
    print(f"{locale}{path}: {transferred} bytes in {len(requests)} requests")
    assert transferred < BUDGET_BYTES
    context.close()


def test_form_is_usable_within_3_seconds_on_a_congested_link(browser, live_server, record_property):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8},
    )
    started = time.monotonic()
    page.goto(f"{live_server.url}/sw/report", wait_until="commit")
    page.locator("main form button.button-primary").wait_for(state="visible")
    elapsed = time.monotonic() - started
    record_property("slow_network_seconds", round(elapsed, 2))
    print(f"form usable after {elapsed:.2f} s at 400 kbit/s, 400 ms latency")
    assert elapsed < 3.0
    context.close()
