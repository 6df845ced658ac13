"""Benchmark the HTTP API (not a test): POST /api/plan Naryn → Kashgar under load from wrk.

Run: .venv/bin/python benchmarks/bench_api.py [--duration 20] [--workers 1,2] [--connections 8,32] [--rates 500,1000]
Needs wrk and hey (Debian: apt-get install wrk hey). Starts `overland serve` on a free local
port for each worker count and warms it up. Then two kinds of load, each for the duration,
from the same machine (the load generator shares the two cores with the server):
- wrk, closed loop: N keep-alive connections each sending the next request as soon as the
  last is answered: the most the server answers, and the latency at that load;
- hey, fixed rate: 20 connections sending together the given requests per second: the
  latency a client sees at that rate.
Target (issue 5): at least 500 plan requests/s with p99 at most 50 ms.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
BODY = {"from": "naryn", "to": "kashgar", "depart": "2026-11-27T07:00+06:00"}
SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '%s'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_s": %%.3f, "socket_errors": %%d, "non_2xx": %%d, '
    .. '"p50_ms": %%.2f, "p90_ms": %%.2f, "p99_ms": %%.2f, "max_ms": %%.2f}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
""" % json.dumps(BODY)  # noqa: UP031  (a Lua script full of braces)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post_plan(url: str) -> int:
    request = urllib.request.Request(url, data=json.dumps(BODY).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return response.status


def serve(workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "overland"), "serve", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/api/plan"
    deadline = time.monotonic() + 60
    while True:
        try:
            post_plan(url)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit(f"the server did not start: {server.stderr.read().decode()}") from None
            time.sleep(0.2)
    return server, url


def run_wrk(url: str, script: Path, *, connections: int, duration: int, threads: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", str(script), url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["duration_s"]
    return result


def run_hey(url: str, *, rate: int, duration: int, workers: int = 20) -> dict:
    command = [
        "hey",
        "-z",
        f"{duration}s",
        "-c",
        str(workers),
        "-q",
        f"{rate / workers:g}",
        "-m",
        "POST",
        "-T",
        "application/json",
        "-d",
        json.dumps(BODY),
        "-o",
        "csv",
        url,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    times = sorted(float(row["response-time"]) * 1000 for row in rows)
    span = max(float(row["offset"]) + float(row["response-time"]) for row in rows)

    def pct(q: float) -> float:
        return times[min(len(times) - 1, int(q * len(times)))]

    return {
        "rps": len(rows) / span,
        "p50_ms": pct(0.5),
        "p90_ms": pct(0.9),
        "p99_ms": pct(0.99),
        "max_ms": times[-1],
        "errors": sum(row["status-code"] != "200" for row in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per run")
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts, comma-separated")
    parser.add_argument("--connections", default="8,32", help="open connections, comma-separated")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--rates", default="500,1000", help="fixed rates for hey, requests/s, comma-separated")
    args = parser.parse_args()
    for tool in ("wrk", "hey"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install {tool}")
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(f"machine: {cpu}; python {platform.python_version()}; request: POST /api/plan {json.dumps(BODY)}")
    print("| workers | load | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors | target met |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "plan.lua"
        script.write_text(SCRIPT)
        for workers in (int(w) for w in args.workers.split(",")):
            server, url = serve(workers)
            try:
                for _ in range(200 * workers):  # every worker expands its timetables before the clock starts
                    post_plan(url)
                runs = [
                    (
                        f"wrk, {c} connections",
                        lambda c=c: run_wrk(url, script, connections=c, duration=args.duration, threads=args.threads),
                    )
                    for c in (int(c) for c in args.connections.split(","))
                ]
                runs += [
                    (f"hey, {r} requests/s", lambda r=r: run_hey(url, rate=r, duration=args.duration))
                    for r in (int(r) for r in args.rates.split(","))
                ]
                for load, run in runs:
                    r = run()
                    errors = r.get("errors", r.get("socket_errors", 0) + r.get("non_2xx", 0))
                    met = r["rps"] >= 500 * 0.98 and r["p99_ms"] <= 50 and errors == 0
                    print(
                        f"| {workers} | {load} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | "
                        f"{r['p99_ms']:.1f} | {r['max_ms']:.1f} | {errors} | {'yes' if met else 'no'} |",
                        flush=True,
                    )
            finally:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
