"""The page in a real browser (Debian's chromium through Playwright) against the real server.

The server runs in a thread on a free port; the browser may reach that server only: every
other request is aborted (and the tests check none was made), so the map's borders, its
library and the page's languages must all come from the app. Most tests run at a desktop's
1400×900 and at a phone's 390×844. Screenshots are kept under test-artifacts/ (gitignored);
with OVERLAND_UPDATE_DOCS=1 the README's screenshot (docs/) is made again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from PIL import Image
from playwright.sync_api import expect

from overland.api import Settings, create_app
from overland.service import Overland

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
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
DOCS = REPO / "docs"
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
# The present of the servers whose plans must not depend on the day the tests run.
BEFORE_THE_TRIP = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: `bash scripts/setup test` installs it"
    if os.environ.get("CI"):
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)


@contextmanager
def running(settings: Settings, *, service: Overland | None = None) -> Iterator[str]:
    """The app under uvicorn in a thread on a free port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(settings, service=service)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
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
    service = Overland(clock=lambda: BEFORE_THE_TRIP)
    with running(Settings(), service=service) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Opened:
    """A page of its own browser context, whose script errors and outside requests are recorded."""

    def __init__(self, browser, url: str, *, viewport: dict[str, int], locale: str = "en-GB", expected=()) -> None:
        phone = viewport["width"] < 600
        self.context = browser.new_context(
            viewport=viewport, locale=locale, accept_downloads=True, is_mobile=phone, has_touch=phone
        )
        self.errors: list[str] = []
        self.outside: list[str] = []
        local = (url, "data:", "blob:")

        def route(request_route) -> None:  # no network but the server's: anything else is refused
            if request_route.request.url.startswith(local):
                request_route.continue_()
            else:
                self.outside.append(request_route.request.url)
                request_route.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        handled = ("the server responded with a status of 422", *expected)  # problems the page shows

        def console(message) -> None:
            if message.type == "error" and not any(h in message.text for h in handled):
                self.errors.append(message.text)

        self.page.on("console", console)

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], self.errors
        assert self.outside == [], f"the page reached outside the server: {self.outside}"


def open_page(browser, url: str, *, viewport: dict[str, int] = DESKTOP, locale: str = "en-GB", expected=()) -> Opened:
    opened = Opened(browser, url, viewport=viewport, locale=locale, expected=expected)
    opened.page.goto(url + "/")
    opened.page.wait_for_selector("body[data-ready=true]", timeout=20_000)
    return opened


@pytest.fixture
def page(browser, base_url):
    """A fresh page at 1400×900; fails the test on a script error or a request to anywhere but the server."""
    opened = open_page(browser, base_url)
    yield opened.page
    opened.close()


@pytest.fixture(params=sorted(SIZES))
def sized(request, browser, base_url):
    """A fresh page at a desktop's and at a phone's size: (page, size name)."""
    opened = open_page(browser, base_url, viewport=SIZES[request.param])
    yield opened.page, request.param
    opened.close()


def shoot(page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    print(f"screenshot: {path}")
    return path


def fill_trip(page, *, mode: str = "own-car", origin: str = "naryn", via: str = "") -> None:
    page.select_option("#from", origin)
    page.select_option("#to", "kashgar")
    page.select_option("#via", via)
    page.fill("#depart", "2026-11-27T07:00")
    page.select_option("#clock", "Asia/Bishkek")
    page.select_option("#mode", mode)


def plan_trip(page, **trip) -> dict:
    """Plan the trip of the form (filled with ``fill_trip``); the plan the API answered."""
    fill_trip(page, **trip)
    with page.expect_response("**/api/plan") as answer:
        page.click("#plan-button")
    page.wait_for_selector("body[data-planned]")
    page.locator(".map-label.stop-label").first.wait_for()
    return answer.value.json()


def boxes(page, selector: str) -> list[dict]:
    """The boxes of the visible elements matching ``selector``, in the viewport's pixels, with their text."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter((e) => e.offsetParent !== null && getComputedStyle(e).display !== 'none')
            .map((e) => { const r = e.getBoundingClientRect();
                          return {x: r.x, y: r.y, w: r.width, h: r.height, text: e.textContent, title: e.title}; })""",
        selector,
    )


def inside(box: dict, outer: dict, slack: float = 0.5) -> bool:
    return (
        box["x"] >= outer["x"] - slack
        and box["y"] >= outer["y"] - slack
        and box["x"] + box["w"] <= outer["x"] + outer["width"] + slack
        and box["y"] + box["h"] <= outer["y"] + outer["height"] + slack
    )


# --- the plan ---------------------------------------------------------------------------------


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
    assert "arrive Mon 30 Nov 16:25 Beijing time" in summary and "3 nights" in summary
    assert "Naryn" in page.locator("#summary-title").inner_text()
    assert page.locator("#checklist li").count() >= 3

    route = page.locator("#map path.route-line")
    route.wait_for(state="attached")
    assert route.count() == 1
    assert len(route.get_attribute("d")) > 10  # a drawn line, not an empty path
    page.locator(".map-label.stop-label").first.wait_for()
    labels = [b["text"] for b in boxes(page, ".map-label.stop-label")]
    assert "Naryn" in labels and any(label.startswith("Torugart Pass") for label in labels)
    shoot(page, "page-naryn-kashgar.png")


def test_the_answer_comes_first_what_you_need_and_each_post(sized):
    page, size = sized
    plan = plan_trip(page)
    needs = page.locator("#needs li.need")
    assert needs.count() == len(plan["needs"]) >= 3
    visa = page.locator('#needs li[data-document="chinese-visa"]').inner_text()
    assert "Chinese visa" in visa and "arrange it 7 days ahead" in visa and "Checked at 3 posts" in visa
    bands = page.locator("#posts li.post-band")
    stages = list(
        dict.fromkeys(e["stage"] for e in plan["events"] if e["stage"] and e["kind"] not in ("drive", "transfer"))
    )
    assert [bands.nth(i).get_attribute("data-stage") for i in range(bands.count())] == stages
    gate = page.locator('#posts li[data-stage="torugart/gate"]').inner_text()
    assert "reached Fri 27 Nov 13:59 Beijing time" in gate
    assert "at the post 30 min, until 14:30" in gate and "Chinese guide meeting the vehicle at the gate" in gate
    customs = page.locator('#posts li[data-stage="torugart/cn-immigration-customs"]').inner_text()
    assert "the vehicle stays here until Mon 30 Nov 10:00 Beijing time" in customs
    # Above the details: the summary, what you need and the posts come before the timeline.
    top = {name: page.locator(name).bounding_box()["y"] for name in ("#result", "#needs-section", "#timeline-section")}
    assert top["#result"] < top["#needs-section"] < top["#timeline-section"]
    shoot(page, f"page-answer-first-{size}.png")


def test_on_a_phone_the_summary_shows_without_scrolling_then_the_map_and_cards(browser, base_url):
    opened = open_page(browser, base_url, viewport=PHONE)
    page = opened.page
    plan_trip(page)
    summary = page.locator("#summary").bounding_box()
    assert 0 <= summary["y"] and summary["y"] + summary["height"] <= PHONE["height"], summary
    assert "arrive Mon 30 Nov 16:25 Beijing time" in page.locator("#summary").inner_text()
    # The map right after the summary, then what you need.
    result, map_box, needs = (page.locator(s).bounding_box() for s in ("#result", "#map", "#needs-section"))
    assert 0 <= map_box["y"] - (result["y"] + result["height"]) < 40
    assert needs["y"] > map_box["y"] + map_box["height"]
    # The details start folded; unfolded, the timeline is cards: each step a block, no header row.
    assert page.locator("#timeline-details").get_attribute("open") is None
    assert page.locator("#checklist-details").get_attribute("open") is None
    assert page.locator("#timeline-count").inner_text() == f"{page.locator('#timeline tr.ev').count()} steps"
    page.click("#timeline-details > summary")
    row = page.locator('#timeline tr[data-stage="torugart/gate"][data-kind="process"]')
    assert row.evaluate("(e) => getComputedStyle(e).display") == "block"
    assert page.locator("#timeline thead").evaluate("(e) => getComputedStyle(e).display") == "none"
    assert "Fri 27 Nov 14:00–14:30 Beijing time" in row.inner_text()
    # Nothing wider than the phone, and no word broken across two lines.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    broken = page.evaluate(
        """() => {
            const broken = [];
            for (const root of document.querySelectorAll('#result, #needs-section, #timeline-section, #when-section')) {
                const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                    const node = walker.currentNode;
                    if (node.parentElement.closest('a, .cite, [hidden]')) continue;
                    for (const m of node.data.matchAll(/[^\\s\\-–/·→()\\[\\];,]+/g)) {
                        if (m[0].length < 2 || m[0].length > 24) continue;
                        const range = document.createRange();
                        range.setStart(node, m.index);
                        range.setEnd(node, m.index + m[0].length);
                        const lines = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
                        if (lines.size > 1) broken.push(m[0]);
                    }
                }
            }
            return broken;
        }"""
    )
    assert broken == []
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"phone page after planning: {height} px")
    shoot(page, "page-phone-naryn-kashgar.png")
    opened.close()


def test_a_departure_in_the_past_and_unknown_items_are_said_in_the_summary(page):
    fill_trip(page)
    page.fill("#depart", "2026-11-02T07:00")
    page.fill("#carrying", "drones, knife")
    page.click("#plan-button")
    page.wait_for_selector("#cautions li")
    cautions = page.locator("#cautions li").all_inner_texts()
    assert cautions[0].startswith("The departure, Mon 2 Nov 07:00, is in the past (it is now Fri 20 Nov 15:00")
    assert "“drones”: no post in the data rules on it" in cautions[1] and "Did you mean “drone”?" in cautions[1]
    assert "“knife”" in cautions[2]
    assert "The posts rule on: drone" in page.locator("#carrying-hint").inner_text()
    # Said once, in the summary: the checklist's warnings leave them out.
    assert not any("in the past" in w for w in page.locator("#warnings li").all_inner_texts())


def test_a_trip_from_a_place_to_itself_is_refused(page):
    fill_trip(page)
    page.select_option("#to", "naryn")
    page.click("#plan-button")
    assert page.locator("#form-error").inner_text().startswith("From and to are the same place (Naryn)")
    assert page.locator("#result").is_hidden()


def test_the_documents_are_those_of_the_chosen_mode(page):
    page.uncheck("#all-documents")
    page.select_option("#mode", "passenger")
    held = page.locator("#documents input").evaluate_all("(inputs) => inputs.map((i) => i.value)")
    assert "passport" in held and "pre-arranged-transport" in held
    assert not {"vehicle-entry-documents", "vehicle-registration", "carnet", "cargoruqsat-booking"} & set(held)
    page.select_option("#mode", "truck")
    held = page.locator("#documents input").evaluate_all("(inputs) => inputs.map((i) => i.value)")
    assert "cargoruqsat-booking" in held and "pre-arranged-transport" not in held


def test_the_clocks_have_the_names_people_use(page):
    options = page.locator("#clock option").all_inner_texts()
    assert "Beijing time — Asia/Shanghai, UTC+08:00" in options
    assert "Kyrgyz time — Asia/Bishkek, UTC+06:00" in options
    assert page.locator("#clock-hint").inner_text() == "Naryn keeps Kyrgyz time (Asia/Bishkek)."
    groups = page.locator("#from optgroup").evaluate_all("(groups) => groups.map((g) => g.label)")
    assert {"China", "Kazakhstan", "Kyrgyzstan"} <= set(groups)  # the two Khorgos, each under its country
    khorgos = page.locator('#from optgroup[label="Kazakhstan"] option[value="khorgos-kz"]')
    assert khorgos.inner_text().startswith("Khorgos")


# --- the map ----------------------------------------------------------------------------------


def test_the_borders_are_drawn_without_the_network(sized):
    page, size = sized
    page.wait_for_selector("#map[data-borders]", timeout=20_000)
    assert int(page.get_attribute("#map", "data-borders")) >= 8  # the countries around the data's places
    borders = page.locator("#map path.country-border")
    assert borders.count() >= 1 and len(borders.first.get_attribute("d")) > 500
    assert page.locator("#map path.country-ours").count() >= 3
    names = {b["text"] for b in boxes(page, ".map-label.country-label")}
    assert {"Kyrgyzstan", "China"} <= names or {"Kazakhstan", "China"} <= names, names
    assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
    shoot(page, f"page-borders-{size}.png", full_page=False)


def test_the_route_passes_through_every_place_of_the_plan(sized):
    page, size = sized
    plan = plan_trip(page, origin="bishkek", via="torugart")
    nodes = {e["stage"] or e["place"] for e in plan["events"]} | {e["to"] for e in plan["events"] if e.get("to")}
    points = page.evaluate(
        """(nodes) => {
            const store = window.overlandData, map = window.overlandMap.map;
            return nodes.map((node) => {
                const at = store.coords(store.placeOfNode(node));
                if (!at) return [node, null];
                const p = map.latLngToLayerPoint(at);
                return [node, [p.x, p.y]];
            });
        }""",
        sorted(nodes),
    )
    path = page.locator("#map path.route-line").get_attribute("d")
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    vertices = list(zip(numbers[::2], numbers[1::2], strict=True))
    missing = [
        node
        for node, at in points
        if at is not None and not any(abs(x - at[0]) <= 1.5 and abs(y - at[1]) <= 1.5 for x, y in vertices)
    ]
    assert missing == []
    assert {"bishkek", "balykchy", "naryn", "kashgar"} <= {node for node, _ in points}

    # Fitted to the route: every stop inside the map, the trip's ends named and nothing overlapping.
    frame = page.locator("#map").bounding_box()
    stops = boxes(page, "#map path.route-stop")
    assert stops and all(inside(stop, frame) for stop in stops)
    labels = boxes(page, ".map-label")
    texts = [label["text"] for label in labels]
    assert "Bishkek" in texts and "Kashgar" in texts
    assert all(inside(label, frame) for label in labels)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            apart = (
                a["x"] + a["w"] <= b["x"]
                or b["x"] + b["w"] <= a["x"]
                or a["y"] + a["h"] <= b["y"]
                or b["y"] + b["h"] <= a["y"]
            )
            assert apart, (a["text"], b["text"])
    shoot(page, f"page-route-{size}.png", full_page=False)


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
    assert "(Beijing time = Kyrgyz time)" in text
    assert "sourced: seed:001_d50ea4359e5afc49.txt" in text
    assert "pre-arranged-transport" in text


# --- languages --------------------------------------------------------------------------------


def test_switching_to_russian_changes_the_interface(sized):
    page, size = sized
    assert page.locator("#plan-button").inner_text() == "Plan the trip"
    page.select_option("#language", "ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert page.locator("#plan-button").inner_text() == "Рассчитать поездку"
    assert page.locator("label:has(#from) span").inner_text() == "Откуда"
    assert "пекинское время — Asia/Shanghai, UTC+08:00" in page.locator("#clock option").all_inner_texts()
    plan_trip(page)
    summary = page.locator("#summary").inner_text()
    assert "прибытие пн, 30 нояб. 16:25, пекинское время" in summary and "3 ночи" in summary
    assert "Перевал Торугарт" in [b["title"] for b in boxes(page, ".map-label.stop-label")]
    assert "Что нужно" in page.locator("#needs-section h2").first.inner_text()
    page.wait_for_selector("#map[data-borders]")
    assert {"Кыргызстан", "Китай"} & {b["text"] for b in boxes(page, ".map-label.country-label")}
    # The choice is kept: the page opens in Russian again.
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#plan-button").inner_text() == "Рассчитать поездку"
    shoot(page, f"page-russian-{size}.png")


def test_the_browsers_language_chooses_the_page_language(browser, base_url):
    opened = open_page(browser, base_url, locale="zh-CN")
    page = opened.page
    assert page.evaluate("document.documentElement.lang") == "zh"
    assert page.locator("#plan-button").inner_text() == "规划行程"
    assert page.locator('#to option[value="kashgar"]').inner_text() == "喀什"
    assert page.locator("#language").input_value() == "zh"
    opened.close()


def test_every_catalogue_has_every_key_of_the_english_one():
    locales = REPO / "src" / "overland" / "api" / "static" / "locales"

    def keys(tree, prefix=""):
        found = set()
        for key, value in tree.items():
            if isinstance(value, dict):
                found |= keys(value, f"{prefix}{key}.")
            else:
                found.add(re.sub(r"_(one|few|many|other)$", "", f"{prefix}{key}"))
        return found

    english = keys(json.loads((locales / "en.json").read_text(encoding="utf-8")))
    for path in sorted(locales.glob("*.json")):
        assert keys(json.loads(path.read_text(encoding="utf-8"))) == english, path.name


# --- errors and hostile data ------------------------------------------------------------------


def test_a_passenger_without_transport_sees_the_blocker_and_can_export(page):
    fill_trip(page, mode="passenger")
    # Through Torugart: a passenger's earliest route is now through Irkeshtam (Bishkek-Osh road).
    page.select_option("#via", "torugart")
    page.uncheck("#all-documents")
    for box in page.locator("#documents input").all():
        box.set_checked(box.get_attribute("value") in ("passport", "chinese-visa"))
    page.click("#plan-button")
    blocker = page.locator("#blockers .blocker")
    blocker.wait_for(timeout=20_000)
    assert "Turned back at Gate at Torugart Pass" in blocker.inner_text()
    assert "turned back" in page.locator("#summary").inner_text()
    assert page.locator('#timeline tr[data-kind="blocked"]').count() == 1
    assert "you do not hold it" in page.locator('#needs li[data-document="pre-arranged-transport"]').inner_text()
    with page.expect_download() as download:
        page.click('[data-export="ics"]')
    saved = download.value
    assert saved.suggested_filename == "overland-naryn-kashgar-20261127T0700.ics"
    assert Path(saved.path()).read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    shoot(page, "page-passenger-blocked.png")


def test_a_passport_and_the_quiet_hours_are_the_plan_s(sized):
    """The traveller's passport and day, as `overland plan --nationality --quiet-hours`: the page says what entry
    needs on that passport, and the day it plans by, on a desktop and on a phone."""
    page, size = sized
    assert page.locator("#nationality option").count() > 5
    page.select_option("#nationality", "DE")
    page.fill("#quiet-hours", "21:00-06:00")
    plan = plan_trip(page)
    assert plan["nationality"] == "DE" and plan["day"]["quiet_hours"] == "21:00-06:00"
    entry = page.locator("#entry")
    expect(entry).to_be_visible()
    assert entry.inner_text().startswith(
        "Entry with a passport of Germany: China: visa-free (30 days), until Thu 31 Dec"
    )
    assert "then visa needed" in entry.inner_text()
    day = page.locator("#day").inner_text()
    assert day.startswith("Your day: no travel 21:00-06:00 (Xinjiang time where people keep it)"), day
    page.select_option("#language", "zh")
    expect(page.locator("#entry")).to_contain_text("持德国护照入境")
    shoot(page, f"page-passport-{size}.png")


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
        opened = open_page(browser, url)
        page = opened.page
        fill_trip(page)
        page.click("#plan-button")
        page.wait_for_selector('#timeline tr[data-stage="torugart/gate"]')
        assert hostile in page.locator("#from option[value=naryn]").inner_text()
        assert hostile in page.locator("#summary-title").inner_text()
        page.locator(".map-label.stop-label").first.wait_for()
        assert hostile in [label["title"] for label in boxes(page, ".map-label.stop-label")]
        assert page.locator("img[src=x]").count() == 0
        assert page.evaluate("window.hacked") is None
        opened.close()


# --- the README's screenshot ------------------------------------------------------------------


def test_the_readmes_screenshot_is_the_planned_naryn_to_kashgar_trip(page):
    """The README shows this page; OVERLAND_UPDATE_DOCS=1 makes the picture again (scripts/screenshots)."""
    plan_trip(page)
    page.wait_for_selector("#map[data-borders]")
    page.evaluate("window.scrollTo(0, 0)")
    made = shoot(page, "readme-naryn-kashgar.png", full_page=False)
    target = DOCS / "naryn-kashgar.png"
    if os.environ.get("OVERLAND_UPDATE_DOCS"):
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(made, target)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "](docs/naryn-kashgar.png)" in readme
    assert target.is_file() and target.stat().st_size > 50_000
    with Image.open(target) as shown, Image.open(made) as now:
        assert shown.size == now.size == (DESKTOP["width"], DESKTOP["height"])
