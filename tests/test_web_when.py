"""The page's "When to leave" panel in a real browser: the best departures and the heatmap with its legend."""

from __future__ import annotations

from tests.test_web_page import base_url, browser, fill_trip, page, shoot


def test_when_to_leave_lists_the_best_departures_and_draws_the_heatmap(page):
    fill_trip(page, mode="passenger")
    page.select_option("#from", "tash-rabat")
    page.fill("#depart", "2026-11-25T04:00")
    page.select_option("#when-days", "1")
    page.select_option("#when-every", "60")
    # Kyrgyz time, like the departure: 23:00 in Kashgar two days on (with the spread the backtest fitted,
    # no departure of the day is 90 % sure to be there a day earlier)
    page.fill("#when-arrive-by", "2026-11-27T21:00")
    page.click("#when-button")
    page.locator("#when-best li").first.wait_for(timeout=60_000)
    assert page.locator("#when-best li").count() == 5
    # Every time with its weekday and its clock's name.
    summary = page.locator("#when-summary").inner_text()
    assert "Latest departure arriving by Fri 27 Nov 21:00 Kyrgyz time" in summary
    assert page.locator("#when-best li").first.inner_text().startswith("leave Wed 25 Nov ")
    cells = page.locator("#when-heatmap td")
    assert cells.count() == 24  # one day, a departure every hour (those in the quiet hours left blank)
    hours = [cells.nth(i).get_attribute("data-hours") for i in range(cells.count())]
    assert not any(hours[:5]) and "quiet hours" in (cells.nth(0).get_attribute("title") or "")  # 00:00-04:00
    assert all(hours[5:15])  # 05:00-14:00: every departure has its door-to-door hours
    assert "door-to-door hours" in page.locator("#when-heatmap").inner_text()
    assert page.locator("#when-heatmap tr th").nth(1 + 24).inner_text() == "Wed 25 Nov"  # the day's row
    # The legend: the colour scale from the quickest to the slowest, grey and blank.
    legend = page.locator("#when-legend").inner_text()
    low, high = min(float(h) for h in hours if h), max(float(h) for h in hours if h)
    assert f"quick: {low:.1f} h" in legend and f"slow: {high:.1f} h" in legend
    assert "blocked or beyond the horizon" in legend and "not a departure: your quiet hours" in legend
    assert page.locator("#when-legend .step").count() == 11
    shoot(page, "page-when-to-leave.png")
