"""The page's "When to leave" panel in a real browser: the best departures and the heatmap."""

from __future__ import annotations

from tests.test_web_page import base_url, browser, fill_trip, page, shoot


def test_when_to_leave_lists_the_best_departures_and_draws_the_heatmap(page):
    fill_trip(page, mode="passenger")
    page.select_option("#from", "tash-rabat")
    page.fill("#depart", "2026-11-25T04:00")
    page.select_option("#when-days", "1")
    page.select_option("#when-every", "60")
    page.fill("#when-arrive-by", "2026-11-25T21:00")  # Kyrgyz time, like the departure: 23:00 in Kashgar
    page.click("#when-button")
    page.locator("#when-best li").first.wait_for(timeout=60_000)
    assert page.locator("#when-best li").count() == 5
    assert "Latest departure arriving by 2026-11-25 21:00" in page.locator("#when-summary").inner_text()
    cells = page.locator("#when-heatmap td")
    assert cells.count() == 24  # one day, a departure every hour
    assert all(cells.nth(i).get_attribute("data-hours") for i in range(cells.count()) if i < 10)
    assert "door-to-door hours" in page.locator("#when-heatmap").inner_text()
    shoot(page, "page-when-to-leave.png")
