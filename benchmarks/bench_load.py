"""Mixed load on the HTTP API (not a test): plans, scans, places, hours, report lists, what reports
saw and report writes at a fixed rate, against `overland serve` on loopback.

Run: .venv/bin/python benchmarks/bench_load.py [--rate 100] [--duration 60] [--reports 2000]

Starts `overland serve` on a free 127.0.0.1 port with a fresh SQLite reports database holding
``--reports`` reports (the /api/observed answers read them all) and a token, then sends requests
open-loop (each at its own time, whether or not the earlier ones were answered) for the duration:
the mix is in MIX. Prints each kind's count, status codes and p50/p99 latency, and the whole
mix's p99; the server's resident memory at the start, the peak and the end. Only loopback: the
load generator shares the machine with the server. Target (issue 19): mixed-load p99 under
300 ms at 100 requests/s. ``--duration 3 --rate 20`` is the short version the tests run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

PLAN = {"from": "naryn", "to": "kashgar", "depart": "2026-12-02T07:00+06:00"}
SCAN = {
    "from": "tash-rabat", "to": "kashgar", "mode": "passenger", "start": "2026-12-02T05:00+06:00",
    "end": "2026-12-02T11:00+06:00", "every_minutes": 60, "samples": 200,
}  # fmt: skip
# (kind, share of the requests): the traffic of a page in use (plans, places, hours, reports)
MIX = (
    ("plan", 0.40),
    ("places", 0.20),
    ("hours", 0.15),
    ("reports", 0.10),
    ("observed", 0.10),
    ("report-write", 0.05),
)
# With --heavy, some of the plans draw 1,000 samples and some requests scan departures.
HEAVY = (("plan-sampled", 0.05), ("when", 0.02))


@dataclass
class Tally:
    """What one kind of request got."""

    seconds: list[float] = field(default_factory=list)
    codes: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # requests without an answer (code 0), by error


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def report(day: date, minutes: float) -> dict:
    """A Torugart gate report of ``day``: the gate ``minutes`` long."""
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    return {
        "crossing": "torugart", "direction": "kg-cn", "mode": "own-car", "date": day.isoformat(),
        "outcome": "crossed", "stages": [{
            "stage": "gate", "arrived": start.isoformat(), "started": (start + timedelta(minutes=30)).isoformat(),
            "finished": (start + timedelta(minutes=30 + minutes)).isoformat(),
        }],
    }  # fmt: skip


def seed_database(url: str, count: int) -> str:
    """A token's secret; ``count`` reports stored under it."""
    from overland.model.report import ReportIn
    from overland.store.db import Store
    from overland.store.reports import add_report, create_token

    store = Store(url)
    rng = random.Random(0)
    today = date.today()
    with store.writing() as session, session.begin():
        token, secret = create_token(session, "load", now=datetime.now(UTC))
        for i in range(count):
            day = today - timedelta(days=1 + i % 300)
            sent = report(day, rng.uniform(10, 120))
            sent["day"] = sent.pop("date")
            add_report(session, ReportIn.model_validate(sent), token_id=token.id, now=datetime.now(UTC))
    store.close()
    return secret


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def request_for(kind: str, rng: random.Random) -> tuple[str, str, dict | None]:
    if kind == "plan":
        return "POST", "/api/plan", PLAN
    if kind == "plan-sampled":
        return "POST", "/api/plan", {**PLAN, "samples": 1000}
    if kind == "when":
        return "POST", "/api/when", SCAN
    if kind == "places":
        return "GET", "/api/places", None
    if kind == "hours":
        return "GET", "/api/hours/torugart/gate?from=2026-12-02T00:00%2B08:00&days=7", None
    if kind == "reports":
        return "GET", "/api/reports?crossing=torugart", None
    if kind == "observed":
        return "GET", "/api/observed/torugart/gate", None
    day = date.today() - timedelta(days=rng.randint(1, 30))
    return "POST", "/api/reports", report(day, rng.uniform(10, 120))


async def load(
    base: str, secret: str, rate: float, duration: float, pid: int, mix: tuple[tuple[str, float], ...]
) -> tuple[dict[str, Tally], float]:
    rng = random.Random(1)
    kinds = [k for k, _ in mix]
    weights = [w for _, w in mix]
    tallies: dict[str, Tally] = defaultdict(Tally)
    peak = rss_mb(pid)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    headers = {"Authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits, headers=headers) as http:

        async def one(kind: str) -> None:
            method, path, body = request_for(kind, rng)
            began = time.perf_counter()
            try:
                answer = await http.request(method, path, json=body)
                code = answer.status_code
            except httpx.HTTPError as error:
                code = 0
                tallies[kind].failures[type(error).__name__] += 1
            tallies[kind].seconds.append(time.perf_counter() - began)
            tallies[kind].codes[code] += 1

        tasks = []
        start = time.perf_counter()
        n = 0
        while (due := start + n / rate) < start + duration:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(rng.choices(kinds, weights)[0])))
            n += 1
            if n % max(1, int(rate)) == 0:
                peak = max(peak, rss_mb(pid))
        await asyncio.gather(*tasks)
    return tallies, peak


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="requests a second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--reports", type=int, default=2000, help="reports in the database")
    parser.add_argument("--heavy", action="store_true", help="add sampled plans and departure scans to the mix")
    args = parser.parse_args()
    mix = MIX + HEAVY if args.heavy else MIX
    if not 0 < args.rate <= 2000 or not 0 < args.duration <= 3600 or not 0 <= args.reports <= 100_000:
        parser.error("--rate 0-2000, --duration 0-3600 s, --reports 0-100000")

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'reports.sqlite3'}"
        secret = seed_database(url, args.reports)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = os.environ | {
            "OVERLAND_DATABASE_URL": url, "OVERLAND_REPORTS_PER_HOUR": "100000", "XDG_DATA_HOME": folder,
        }  # fmt: skip
        log = (Path(folder) / "server.log").open("w")
        server = subprocess.Popen([sys.executable, "-m", "overland", "serve", "--port", str(port)], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.post(base + "/api/plan", json=PLAN, timeout=30).status_code == 200:  # warm
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start:", (Path(folder) / "server.log").read_text()[-2000:])
                    return 1
                time.sleep(0.2)
            before = rss_mb(server.pid)
            tallies, peak = asyncio.run(load(base, secret, args.rate, args.duration, server.pid, mix))
            time.sleep(1)
            after = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)

    every = [s for t in tallies.values() for s in t.seconds]
    codes = sum((t.codes for t in tallies.values()), Counter())
    print(
        f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · {datetime.now():%Y-%m-%d}"
    )
    print(f"{args.rate:g} requests/s for {args.duration:g} s, {args.reports} reports in the database"
          + (", heavy requests in the mix" if args.heavy else ""))  # fmt: skip
    print(f"{'kind':<14}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}  codes")
    for kind, _ in mix:
        t = tallies.get(kind, Tally())
        shown = " ".join(f"{c}×{n}" for c, n in sorted(t.codes.items()))
        print(f"{kind:<14}{len(t.seconds):>7}{pct(t.seconds, 0.5):>9.1f}{pct(t.seconds, 0.99):>9.1f}  {shown}")
    print(f"{'all':<14}{len(every):>7}{pct(every, 0.5):>9.1f}{pct(every, 0.99):>9.1f}  "
          + " ".join(f"{c}×{n}" for c, n in sorted(codes.items())))  # fmt: skip
    failures = sum((t.failures for t in tallies.values()), Counter())
    if failures:
        print("no answer (code 0): " + ", ".join(f"{name} × {n}" for name, n in failures.most_common()))
    print(f"server memory: {before:.0f} MB at the start, {peak:.0f} MB at the peak, {after:.0f} MB after")
    summary = {"rate": args.rate, "duration": args.duration, "requests": len(every), "codes": dict(codes),
               "p50_ms": pct(every, 0.5), "p99_ms": pct(every, 0.99)}  # fmt: skip
    print("RESULT " + json.dumps(summary))
    errors = sum(n for c, n in codes.items() if c == 0 or (c >= 500 and c != 503))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
