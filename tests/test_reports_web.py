"""The page's reports in a real browser: a note holding <script> stays text; the form posts a report.

Reuses the browser and the server runner of ``test_web_page.py``; the server here has its
own SQLite reports database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from overland.api import Settings
from overland.model.report import ReportIn
from overland.store.db import Store
from overland.store.reports import add_report
from tests.reports_support import make_token
from tests.test_web_page import browser, running, shoot

NOTE = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    "'; DROP TABLE reports; -- & <b>not bold</b>"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Store, str]]:
    """The server with a reports database holding one report whose note is hostile; (URL, store, token)."""
    path = tmp_path_factory.mktemp("reports") / "reports.sqlite3"
    store = Store(f"sqlite:///{path}")
    _, secret = make_token(store)
    report = ReportIn.model_validate({
        "crossing": "torugart", "direction": "kg-cn", "mode": "own-car", "day": "2026-11-02", "outcome": "crossed",
        "note": NOTE,
        "stages": [{"stage": "gate", "arrived": "2026-11-02T13:40+08:00", "started": "2026-11-02T15:10+08:00",
                    "finished": "2026-11-02T15:35+08:00"}],
    })  # fmt: skip
    with store.writing() as session, session.begin():
        add_report(session, report, token_id=None, now=datetime.now(UTC))
    with running(Settings(database_url=f"sqlite:///{path}")) as url:
        yield url, store, secret
    store.close()


@pytest.fixture
def page(browser, served):
    """A fresh page at the served URL; fails on a script error or a request outside the server."""
    url = served[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    opened = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    expected = ("status of 401", "status of 422")  # refused reports the page shows as problems

    def console(message) -> None:
        if message.type == "error" and not any(e in message.text for e in expected):
            errors.append(message.text)

    opened.on("console", console)
    opened.on(
        "request",
        lambda request: None if request.url.startswith((url, "data:", "blob:")) else outside.append(request.url),
    )
    opened.goto(url + "/")
    opened.wait_for_selector("body[data-reports-ready=true]", timeout=30_000)
    yield opened
    context.close()
    assert errors == [], errors
    assert outside == [], f"the page reached outside the server: {outside}"


def test_a_note_holding_script_stays_inert_text(page):
    note = page.locator("#recent-reports .report-note")
    note.wait_for(timeout=10_000)
    assert note.inner_text() == NOTE  # the characters, literally
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#recent-reports script, #recent-reports img, #recent-reports b").count() == 0
    row = page.locator('#observed tr[data-stage="torugart/gate"]')
    assert "Gate at Torugart Pass" in row.inner_text() and "25 min" in row.inner_text()
    shoot(page, "reports-panel.png")


def _fill_gate(page, token: str) -> None:
    page.click("#report-section summary")
    page.fill("#report-token", token)
    page.select_option("#report-crossing", "torugart")
    page.select_option("#report-direction", "kg-cn")
    page.select_option("#report-mode", "own-car")
    page.fill("#report-date", "2026-11-09")
    gate = page.locator('#report-stages .report-stage[data-stage="gate"]')
    assert gate.get_attribute("data-clock") == "Asia/Shanghai"
    gate.locator('input[data-time="arrived"]').fill("2026-11-09T14:00")
    gate.locator('input[data-time="started"]').fill("2026-11-09T14:05")
    gate.locator('input[data-time="finished"]').fill("2026-11-09T14:45")
    page.fill("#report-note", "<i>sent from the page</i>")


def test_the_form_sends_a_report_and_the_panel_shows_it(page, served):
    _, store, secret = served
    _fill_gate(page, secret)
    page.click("#report-button")
    page.wait_for_selector("#report-message.ok", timeout=10_000)
    assert page.inner_text("#report-message").startswith("Thank you: report")
    page.wait_for_function("document.querySelectorAll('#recent-reports .recent-report').length >= 2")
    assert page.locator("#recent-reports .report-note").first.inner_text() == "<i>sent from the page</i>"
    row = page.locator('#observed tr[data-stage="torugart/gate"] td').nth(1)
    assert row.inner_text() == "2"
    shoot(page, "reports-form.png")
    with store.session() as session:
        from overland.store.reports import list_reports, report_view

        latest = report_view(list_reports(session, limit=1)[0])
    assert latest["stages"][0]["arrived"] == "2026-11-09T14:00:00+08:00"  # read in the gate's clock
    assert latest["note"] == "<i>sent from the page</i>"


def test_a_wrong_token_is_shown_as_the_problem(page):
    _fill_gate(page, "ovl_wrong")
    page.click("#report-button")
    page.wait_for_selector("#report-message.error", timeout=10_000)
    assert page.inner_text("#report-message").startswith("Unauthorized: this token is not known")


def test_a_bad_time_is_shown_field_by_field(page, served):
    _fill_gate(page, served[2])
    page.locator('#report-stages .report-stage[data-stage="gate"] input[data-time="started"]').fill("2026-11-09T13:00")
    page.click("#report-button")
    page.wait_for_selector("#report-errors li", timeout=10_000)
    assert "stages.0.started: started 2026-11-09T13:00:00+08:00 is before arrived" in page.inner_text("#report-errors")
