"""Benchmark the planner (not a test): warm plan latency and `overland plan` cold start, side by side.

Run: .venv/bin/python benchmarks/bench_plan.py [--against REV]

- warm plan: a Naryn→Kashgar plan via Torugart (own car, Wed 2 Dec 2026 05:00 +06:00)
  once the data is loaded, median of 2000. With ``--against REV`` the same figure for the
  code and data of git revision REV (checked out in a temporary worktree) is measured in
  the same run, alternating, so the ratio is fair on a noisy machine (issue 13: the
  planner of a day a person can follow stays within 1.5× of the planner before it).
- the whole network: a warm Almaty→Islamabad plan (three borders) against a warm
  Naryn→Kashgar plan, both searching every sequence of crossings (issue 16: at most 5×).
- cold start: ``python -m overland plan ... --format json`` of this tree (the parsed-data
  cache warm, and with it turned off) against ``python -c "import typer, rich, pydantic,
  yaml"`` (issue 12: at most 2×), alternating, median of 9; and the floor: a process that
  imports only what the command cannot do without (typer, rich's console, pydantic's model
  machinery, overland's model classes with the validators of the data files built).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

REPO = Path(__file__).resolve().parent.parent
DEPART = "2026-12-02T05:00+06:00"

WARM = """
import statistics, sys, time
from datetime import datetime
import overland
depart = datetime.fromisoformat(sys.argv[1])
if hasattr(overland, "Overland"):
    service = overland.Overland(catalog=overland.load_catalog(), use_reports=False)
    def plan():
        return service.plan("naryn", "kashgar", depart, via="torugart")
else:  # the code before the service object
    catalog = overland.load_catalog()
    def plan():
        return overland.plan("naryn", "kashgar", depart, via="torugart", catalog=catalog)
plan()  # expand the timetables once
samples = []
for _ in range(2000):
    start = time.perf_counter()
    plan()
    samples.append(time.perf_counter() - start)
print(statistics.median(samples))
"""


MULTI = """
import statistics, sys, time
from datetime import datetime
import overland
service = overland.Overland(catalog=overland.load_catalog(), use_reports=False)
trips = {
    "naryn-kashgar": ("naryn", "kashgar", datetime.fromisoformat(sys.argv[1])),
    "almaty-islamabad": ("almaty", "islamabad", datetime.fromisoformat("2026-06-03T07:00+05:00")),
}
found = {}
for name, (origin, destination, depart) in trips.items():
    service.plan(origin, destination, depart)
for _ in range(3):  # alternating, so both see the same machine
    for name, (origin, destination, depart) in trips.items():
        samples = []
        for _ in range(100):
            start = time.perf_counter()
            service.plan(origin, destination, depart)
            samples.append(time.perf_counter() - start)
        found.setdefault(name, []).append(statistics.median(samples))
print(statistics.median(found["naryn-kashgar"]), statistics.median(found["almaty-islamabad"]))
"""


def multi_crossing() -> tuple[float, float]:
    """Median seconds of a warm Naryn→Kashgar plan (any crossing) and of a warm Almaty→Islamabad plan (three
    borders, every sequence of crossings searched), measured alternately in one process."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "OVERLAND_CACHE_DIR": ""}
    done = subprocess.run([sys.executable, "-c", MULTI, DEPART], check=True, capture_output=True, text=True, env=env)
    single, multi = (float(x) for x in done.stdout.split())
    return single, multi


def warm_plan(src: Path) -> float:
    """Median seconds of a warm plan with the code under ``src`` (its own bundled data)."""
    env = {**os.environ, "PYTHONPATH": str(src), "OVERLAND_CACHE_DIR": ""}
    done = subprocess.run([sys.executable, "-c", WARM, DEPART], check=True, capture_output=True, text=True, env=env)
    return float(done.stdout)


FLOOR = """
import typer, rich, pydantic, yaml
import rich.console
from overland.model.catalog import PlacesFile, Uncertainty
from overland.model.crossing import Crossing
from overland.model.entry import EntryRegimesFile
from overland.model.leg import LegsFile
from overland.model.transport import TransportFile
from overland.model.traveller import TravellersFile
for model in (PlacesFile, Uncertainty, Crossing, EntryRegimesFile, LegsFile, TransportFile, TravellersFile):
    model.model_rebuild()  # built on first use (defer_build): validating the data builds them
"""


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def cold_start(repeats: int = 9) -> dict[str, list[float]]:
    # This tree's code (the console script runs whatever is installed), with its bytecode written
    # on the first run, as an installed package has it.
    tree = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    tree.pop("PYTHONDONTWRITEBYTECODE", None)
    plan = [sys.executable, "-m", "overland", "plan", "--from", "naryn", "--to", "kashgar", "--depart", DEPART,
            "--format", "json"]  # fmt: skip
    imports = [sys.executable, "-c", "import typer, rich, pydantic, yaml"]
    floor = [sys.executable, "-c", FLOOR]
    # A first-time user: no reports database (with one, the plan also loads SQLAlchemy to learn from it).
    fresh = {**tree, "XDG_DATA_HOME": tempfile.mkdtemp(prefix="overland-bench-")}
    fresh.pop("OVERLAND_DATABASE_URL", None)
    no_cache = {**fresh, "OVERLAND_CACHE_DIR": ""}
    timed(plan, fresh)  # fill the parsed-data cache
    found: dict[str, list[float]] = {"imports": [], "plan": [], "plan, no cache": [], "floor": []}
    for _ in range(repeats):
        found["imports"].append(timed(imports))
        found["plan"].append(timed(plan, fresh))
        found["plan, no cache"].append(timed(plan, no_cache))
        found["floor"].append(timed(floor, tree))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", help="a git revision to measure the warm plan of, side by side")
    args = parser.parse_args()
    print(describe())
    if args.against:
        with tempfile.TemporaryDirectory() as folder:
            tree = Path(folder) / "tree"
            subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), args.against],
                           check=True, capture_output=True)  # fmt: skip
            try:
                now, then = [], []
                for _ in range(3):
                    now.append(warm_plan(REPO / "src"))
                    then.append(warm_plan(tree / "src"))
            finally:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
        print(f"warm plan: {statistics.median(now) * 1e6:.0f} µs now, {statistics.median(then) * 1e6:.0f} µs at "
              f"{args.against} ({statistics.median(now) / statistics.median(then):.2f}×); runs "
              f"{[round(x * 1e6) for x in now]} vs {[round(x * 1e6) for x in then]}")  # fmt: skip
    else:
        print(f"warm plan: {warm_plan(REPO / 'src') * 1e6:.0f} µs (median of 2000)")
    single, multi = multi_crossing()
    print(f"warm plan over the whole network: Naryn→Kashgar {single * 1e6:.0f} µs, Almaty→Islamabad "
          f"{multi * 1e6:.0f} µs ({multi / single:.1f}×; issue 16: at most 5×)")  # fmt: skip
    cold = cold_start()
    base = statistics.median(cold["imports"])
    for name, samples in cold.items():
        median = statistics.median(samples)
        print(f"cold start, {name}: median {median:.3f} s ({median / base:.1f}× the imports) over {len(samples)}")


if __name__ == "__main__":
    main()
