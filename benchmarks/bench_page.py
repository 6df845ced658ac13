"""Benchmark the page (not a test): what it weighs and how soon a traveller sees a plan.

Run: .venv/bin/python benchmarks/bench_page.py [--runs 5]
Needs the browser tests' set-up (Debian's chromium, Playwright). Starts the app in a thread
on a free local port and opens the page in a fresh browser context for each run, at a
desktop's 1400×900 and a phone's 390×844: the bytes sent (bodies as sent, compressed, and
headers), the number of requests, and from the start of the navigation the time until the
form is ready, until the first plan (Naryn → Kashgar, the form's default trip) is shown, and
until everything (the borders, the reports panel) is in; the page's height after planning.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_web_page import ARGS, CHROMIUM, DESKTOP, PHONE, running

from overland.api import Settings


def measure(browser, url: str, viewport: dict[str, int]) -> dict[str, float]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    start = time.perf_counter()
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready=true]")
    ready = time.perf_counter() - start
    page.click("#plan-button")
    page.wait_for_selector("body[data-planned]")
    planned = time.perf_counter() - start
    page.wait_for_selector("#map[data-borders]")
    page.wait_for_selector("body[data-reports-ready=true]")
    everything = time.perf_counter() - start
    sent = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished)
    height = page.evaluate("document.documentElement.scrollHeight")
    context.close()
    return {"ready": ready, "planned": planned, "everything": everything, "kB": sent / 1024,
            "requests": len(finished), "height": height}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with running(Settings()) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        print("| size | requests | sent | form ready | first plan shown | everything | page height after planning |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for name, viewport in (("1400×900", DESKTOP), ("390×844", PHONE)):
            runs = [measure(browser, url, viewport) for _ in range(options.runs)]

            def median(key: str, runs: list[dict[str, float]] = runs) -> float:
                return statistics.median(r[key] for r in runs)

            print(
                f"| {name} | {median('requests'):.0f} | {median('kB'):.0f} kB | {median('ready'):.2f} s | "
                f"{median('planned'):.2f} s | {median('everything'):.2f} s | {median('height'):.0f} px |"
            )
        browser.close()


if __name__ == "__main__":
    main()
