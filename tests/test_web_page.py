"""The page in a real browser (Debian's chromium through Playwright) against the real server.

The server runs in a thread on a free port; the browser is told not to reach the internet,
and the tests check it never asks for anything but the local server (no CDN, no tiles).
Screenshots are kept under test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from overland.api import Settings, create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: `bash scripts/setup test` installs it"
    if os.environ.get("CI"):
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)


@contextmanager
def running(settings: Settings) -> Iterator[str]:
    """The app under uvicorn in a thread on a free port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running(Settings()) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh page; fails the test on a script error or a request to anywhere but the server."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    opened = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    handled = "the server responded with a status of 422"  # a bad request the page shows as a problem

    def console(message) -> None:
        if message.type == "error" and handled not in message.text:
            errors.append(message.text)

    opened.on("console", console)
    opened.on(
        "request",
        lambda request: None if request.url.startswith((base_url, "data:", "blob:")) else outside.append(request.url),
    )
    opened.goto(base_url + "/")
    opened.wait_for_selector("body[data-ready=true]", timeout=20_000)
    yield opened
    context.close()
    assert errors == [], errors
    assert outside == [], f"the page reached outside the server: {outside}"


def shoot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def fill_trip(page, *, mode: str = "own-car") -> None:
    page.select_option("#from", "naryn")
    page.select_option("#to", "kashgar")
    page.fill("#depart", "2026-11-27T07:00")
    page.select_option("#clock", "Asia/Bishkek")
    page.select_option("#mode", mode)


def test_naryn_to_kashgar_shows_the_gate_on_the_timeline_and_the_route_on_the_map(page):
    fill_trip(page)
    page.click("#plan-button")
    gate = page.locator('#timeline tr[data-stage="torugart/gate"][data-kind="process"]')
    gate.wait_for(timeout=20_000)
    # The gate's afternoon window in its own clock and in the traveller's home clock.
    assert "Fri 27 Nov 14:00–14:30 Beijing time" in gate.inner_text()
    assert "Fri 27 Nov 12:00–12:30" in gate.inner_text()
    assert "Gate at Torugart Pass" in gate.inner_text()
    wait = page.locator('#timeline tr[data-stage="torugart/gate"][data-kind="wait"]')
    assert "closed for the midday break until 14:00 Beijing time" in wait.inner_text()
    assert page.locator("#timeline tr.ev-night").count() >= 1
    assert page.locator("#strip .seg.ev-wait").count() >= 1

    summary = page.locator("#summary").inner_text()
    assert "arrive Mon 30 Nov 16:25 Beijing time" in summary and "3 night(s)" in summary
    assert "Naryn" in page.locator("#summary-title").inner_text()
    assert page.locator("#checklist li").count() >= 3

    route = page.locator("#map path.route-line")
    route.wait_for(state="attached")
    assert route.count() == 1
    assert len(route.get_attribute("d")) > 10  # a drawn line, not an empty path
    labels = page.locator(".leaflet-tooltip.stop-label").all_inner_texts()
    assert "Naryn" in labels and any(label.startswith("Torugart Pass") for label in labels)
    shoot(page, "page-naryn-kashgar.png")


def test_a_checkpoint_popup_gives_hours_in_both_clocks_and_sources(page):
    markers = page.locator("#map path.checkpoint-marker")
    assert markers.count() >= 3
    for i in range(markers.count()):
        markers.nth(i).dispatch_event("click")
        popup = page.locator(".leaflet-popup-content").last
        popup.wait_for()
        if "Gate at Torugart Pass" in popup.inner_text():
            break
    text = popup.inner_text()
    assert "09:00-12:00, 14:00-18:00 Asia/Shanghai = 07:00-10:00, 12:00-16:00 Asia/Bishkek" in text
    assert "sourced: seed:001_d50ea4359e5afc49.txt" in text
    assert "pre-arranged-transport" in text


def test_a_passenger_without_transport_sees_the_blocker_and_can_export(page):
    fill_trip(page, mode="passenger")
    page.uncheck("#all-documents")
    for box in page.locator("#documents input").all():
        box.set_checked(box.get_attribute("value") in ("passport", "chinese-visa"))
    page.click("#plan-button")
    blocker = page.locator("#blockers .blocker")
    blocker.wait_for(timeout=20_000)
    assert "Turned back at Gate at Torugart Pass" in blocker.inner_text()
    assert "turned back" in page.locator("#summary").inner_text()
    assert page.locator('#timeline tr[data-kind="blocked"]').count() == 1
    with page.expect_download() as download:
        page.click('[data-export="ics"]')
    saved = download.value
    assert saved.suggested_filename == "overland-naryn-kashgar-20261127T0700.ics"
    assert Path(saved.path()).read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    shoot(page, "page-passenger-blocked.png")


def test_a_bad_request_shows_the_problem(page):
    fill_trip(page)
    page.fill("#depart", "")
    page.click("#plan-button")
    assert page.locator("#form-error").inner_text() == "Give the departure date and time."
    page.fill("#depart", "2126-11-27T07:00")
    page.click("#plan-button")
    page.wait_for_selector("#form-error:not([hidden])")
    error = page.locator("#form-error").inner_text()
    assert "depart" in error
    assert "between 1970-01-01 and 2100-01-01" in error


def test_text_from_the_data_is_shown_as_text_never_as_markup(browser, data_copy):
    hostile = "<img src=x onerror=window.hacked=1>Naryn"
    places = data_copy / "places.yaml"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace("        value: Naryn\n", f'        value: "{hostile}"\n', 1), encoding="utf-8")
    with running(Settings(data=data_copy)) as url:
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]")
        fill_trip(page)
        page.click("#plan-button")
        page.wait_for_selector('#timeline tr[data-stage="torugart/gate"]')
        assert hostile in page.locator("#from option[value=naryn]").inner_text()
        assert hostile in page.locator("#summary-title").inner_text()
        assert hostile in page.locator(".leaflet-tooltip.stop-label").all_inner_texts()[0]
        assert page.locator("img[src=x]").count() == 0
        assert page.evaluate("window.hacked") is None
        page.close()
