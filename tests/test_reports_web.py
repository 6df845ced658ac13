"""The page's reports in a real browser: anyone may report, a moderator approves, a note holding
<script> stays text, and the form asks the day once and each post's times in its own clock.

Reuses the browser and the server runner of ``test_web_page.py``; the server here has its
own SQLite reports database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from overland.api import Settings
from overland.model.report import ReportIn
from overland.store.db import Store
from overland.store.reports import add_report, create_token, list_reports, report_view
from tests.reports_support import make_token
from tests.test_web_page import PHONE, SIZES, browser, open_page, running, shoot

NOTE = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    "'; DROP TABLE reports; -- & <b>not bold</b>"
)
EXPECTED = ("status of 401", "status of 403", "status of 422")  # refused reports the page shows as problems


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Store, str, str]]:
    """The server with a reports database holding one report whose note is hostile;
    (URL, store, a reporter's token, a moderator's token)."""
    path = tmp_path_factory.mktemp("reports") / "reports.sqlite3"
    store = Store(f"sqlite:///{path}")
    _, secret = make_token(store)
    with store.writing() as session, session.begin():
        _, moderator = create_token(session, "mod", now=datetime.now(UTC), moderator=True)
    report = ReportIn.model_validate({
        "crossing": "torugart", "direction": "kg-cn", "mode": "own-car", "day": "2026-11-02", "outcome": "crossed",
        "note": NOTE,
        "stages": [{"stage": "gate", "arrived": "2026-11-02T13:40+08:00", "started": "2026-11-02T15:10+08:00",
                    "finished": "2026-11-02T15:35+08:00"}],
    })  # fmt: skip
    with store.writing() as session, session.begin():
        add_report(session, report, token_id=None, now=datetime.now(UTC))
    # The observed figures at once (a server's default reads the reports again after 10 s).
    settings = Settings(database_url=f"sqlite:///{path}", queued_reports_per_hour=50, reports_refresh_seconds=0)
    with running(settings) as url:
        yield url, store, secret, moderator
    store.close()


def _open(browser, url: str, viewport=None, expected=EXPECTED):
    opened = open_page(browser, url, viewport=viewport or {"width": 1400, "height": 1400}, expected=expected)
    opened.page.wait_for_selector("body[data-reports-ready=true]", timeout=30_000)
    return opened


@pytest.fixture
def page(browser, served):
    """A fresh page at the served URL; fails on a script error or a request outside the server."""
    opened = _open(browser, served[0])
    yield opened.page
    opened.close()


def _latest(store) -> dict:
    with store.session() as session:
        return report_view(list_reports(session, limit=1, include_hidden=True)[0], with_hidden=True)


def test_a_note_holding_script_stays_inert_text(page):
    note = page.locator("#recent-reports .report-note")
    note.wait_for(timeout=10_000)
    assert note.inner_text() == NOTE  # the characters, literally
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#recent-reports script, #recent-reports img, #recent-reports b").count() == 0
    row = page.locator('#observed tr[data-stage="torugart/gate"]')
    assert "Gate at Torugart Pass" in row.inner_text() and "25 min" in row.inner_text()
    shoot(page, "reports-panel.png")


def _fill_gate(page, *, token: str | None = None, note: str = "<i>sent from the page</i>") -> None:
    page.click("#report-section > summary")
    if token is not None:
        page.click("#report-token-box > summary")
        page.fill("#report-token", token)
    page.select_option("#report-crossing", "torugart")
    page.select_option("#report-direction", "kg-cn")
    page.select_option("#report-mode", "own-car")
    page.fill("#report-date", "2026-11-09")
    gate = page.locator('#report-stages .report-stage[data-stage="gate"]')
    assert gate.get_attribute("data-clock") == "Asia/Shanghai"
    assert "times in Beijing time (UTC+08:00)" in gate.inner_text()
    assert gate.locator("input[type=time]").count() == 3  # the day once, then times only
    gate.locator('input[data-time="arrived"]').fill("14:00")
    gate.locator('input[data-time="started"]').fill("14:05")
    gate.locator('input[data-time="finished"]').fill("14:45")
    page.fill("#report-note", note)


def test_a_token_holders_report_is_published_at_once(page, served):
    _, store, secret, _ = served
    _fill_gate(page, token=secret)
    page.click("#report-button")
    page.wait_for_selector("#report-message.ok", timeout=10_000)
    assert page.inner_text("#report-message").startswith("Thank you: report")
    expect(page.locator("#recent-reports .recent-report")).not_to_have_count(0)
    expect(page.locator("#recent-reports .recent-report").nth(1)).to_be_attached()
    assert page.locator("#recent-reports .report-note").first.inner_text() == "<i>sent from the page</i>"
    row = page.locator('#observed tr[data-stage="torugart/gate"] td').nth(1)
    assert row.inner_text() == "2"
    shoot(page, "reports-form.png")
    latest = _latest(store)
    assert latest["stages"][0]["arrived"] == "2026-11-09T14:00:00+08:00"  # read in the gate's clock
    assert (latest["note"], latest["state"]) == ("<i>sent from the page</i>", "published")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_an_anonymous_report_waits_and_shows_only_once_a_moderator_approves_it(browser, served, size):
    url, store, _, moderator = served
    opened = _open(browser, url, viewport=SIZES[size])
    page = opened.page
    before = page.locator("#recent-reports .recent-report").count()
    note = f"anonymous, from a {size}"
    _fill_gate(page, note=note)
    page.click("#report-button")
    page.wait_for_selector("#report-message.ok", timeout=10_000)
    assert (
        page.inner_text("#report-message") == "Thank you: your report waits for a moderator, and shows once approved."
    )
    queued = _latest(store)
    assert (queued["note"], queued["state"]) == (note, "pending")
    page.reload()
    page.wait_for_selector("body[data-reports-ready=true]")
    assert page.locator("#recent-reports .recent-report").count() == before  # not shown while it waits
    assert note not in page.locator("#recent-reports").inner_text()

    # The moderator's page, with a moderator's token: approve it.
    page.goto(url + "/moderate")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#moderate-token", moderator)
    page.click("#moderate-load")
    item = page.locator(f'#queue li[data-report="{queued["id"]}"]')
    item.wait_for(timeout=10_000)
    assert note in item.inner_text()
    item.locator("button.approve").click()
    page.wait_for_selector("#moderate-message.ok")
    assert page.inner_text("#moderate-message").startswith(f"Report {queued['id']} approved")
    shoot(page, f"reports-moderation-{size}.png")
    assert _latest(store)["state"] == "published"

    page.goto(url + "/")
    page.wait_for_selector("body[data-reports-ready=true]")
    assert page.locator("#recent-reports .recent-report").count() == before + 1
    assert page.locator("#recent-reports .report-note").first.inner_text() == note
    opened.close()


def test_the_moderators_page_refuses_a_reporters_token(page, served):
    url, _, secret, _ = served
    page.goto(url + "/moderate")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#moderate-token", secret)
    page.click("#moderate-load")
    page.wait_for_selector("#moderate-message.error")
    assert page.inner_text("#moderate-message").startswith("Forbidden: this token may send reports but not moderate")


def test_a_wrong_token_is_shown_as_the_problem(page):
    _fill_gate(page, token="ovl_wrong")
    page.click("#report-button")
    page.wait_for_selector("#report-message.error", timeout=10_000)
    assert page.inner_text("#report-message").startswith("Unauthorized: this token is not known")


def test_a_bad_time_is_named_by_its_post_and_field_in_words(page, served):
    _fill_gate(page)
    gate = page.locator('#report-stages .report-stage[data-stage="gate"]')
    gate.locator('input[data-time="started"]').fill("13:00")
    page.click("#report-button")
    page.wait_for_selector("#report-errors li", timeout=10_000)
    assert page.inner_text("#report-errors") == (
        "Gate at Torugart Pass (the border line): “taken” 13:00 is before “arrived” 14:00"
    )
    assert "stages." not in page.inner_text("#report-errors")


def test_a_problem_the_server_finds_is_named_by_its_post_and_field(page, served):
    _fill_gate(page)
    page.locator('#report-stages .report-stage[data-stage="gate"] input[data-time="finished"]').fill("")
    port = page.locator('#report-stages .report-stage[data-stage="cn-port"]')
    port.locator('input[data-time="arrived"]').fill("15:00")
    page.click("#report-button")
    page.wait_for_selector("#report-errors li", timeout=10_000)
    text = page.inner_text("#report-errors")
    assert text.startswith("Gate at Torugart Pass (the border line), “left”: give when you left 'gate'"), text
    assert "stages.0" not in text


def test_a_time_long_before_the_one_before_it_is_the_next_days(page, served):
    _, store, _, _ = served
    _fill_gate(page, note="across midnight")
    port = page.locator('#report-stages .report-stage[data-stage="cn-port"]')
    port.locator('input[data-time="arrived"]').fill("23:50")
    port.locator('input[data-time="started"]').fill("00:20")
    assert port.locator('[data-day-of="started"]').inner_text() == "on Tue 10 Nov"
    assert port.locator('[data-day-of="arrived"]').inner_text() == ""
    page.select_option("#report-outcome", "turned-back")
    page.click("#report-button")
    page.wait_for_selector("#report-message.ok", timeout=10_000)
    stored = _latest(store)
    assert stored["note"] == "across midnight"
    assert [s["started"] for s in stored["stages"]] == ["2026-11-09T14:05:00+08:00", "2026-11-10T00:20:00+08:00"]


def test_a_robot_filling_the_hidden_field_is_thanked_and_not_heard(page, served):
    _, store, _, _ = served
    with store.session() as session:
        count = len(list_reports(session, include_hidden=True))
    _fill_gate(page, note="robot")
    trap = page.locator("#report-website").bounding_box()
    assert trap["x"] + trap["width"] < 0  # out of sight
    assert page.locator("#report-website").get_attribute("tabindex") == "-1"  # and out of the keyboard's reach
    page.evaluate("document.getElementById('report-website').value = 'http://cheap-pills.example'")
    page.click("#report-button")
    page.wait_for_selector("#report-message.ok", timeout=10_000)
    with store.session() as session:
        assert len(list_reports(session, include_hidden=True)) == count


def test_the_form_speaks_russian_too(browser, served):
    opened = _open(browser, served[0], viewport=PHONE)
    page = opened.page
    page.select_option("#language", "ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert page.locator("#report-section > summary").inner_text() == "Расскажите о своём переходе"
    page.click("#report-section > summary")
    page.select_option("#report-crossing", "torugart")
    assert page.locator("#report-direction option").first.inner_text() == "Кыргызстан → Китай"
    gate = page.locator('#report-stages .report-stage[data-stage="gate"]')
    assert "время: пекинское время (UTC+08:00)" in gate.inner_text() and "приняли" in gate.inner_text()
    opened.close()


def test_a_report_whose_answer_was_lost_is_stored_once_when_sent_again(browser, served):
    """The page sends an Idempotency-Key: the server stores the report, the answer is lost on the way
    back, the traveller presses send again, and the report is there once."""
    url, store, secret, _ = served
    opened = _open(browser, url, expected=(*EXPECTED, "ERR_CONNECTION_RESET"))
    page = opened.page
    keys: list[str | None] = []

    def lose_the_first_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # it reaches the server, which stores it
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/reports", lose_the_first_answer)
    note = f"answer lost {datetime.now(UTC).isoformat()}"
    _fill_gate(page, token=secret, note=note)
    page.click("#report-button")
    expect(page.locator("#report-message.error")).to_be_visible(timeout=10_000)
    page.click("#report-button")
    expect(page.locator("#report-message.ok")).to_be_visible(timeout=10_000)
    opened.close()
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    with store.session() as session:
        notes = [r.note for r in list_reports(session, limit=50, include_hidden=True)]
    assert notes.count(note) == 1
