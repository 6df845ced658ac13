"""The short version of the load run (benchmarks/bench_load.py; the long figures are in BENCHMARKS.md):
`overland serve` on loopback with a reports database, a mixed load of plans, scans, places, hours,
report lists and writes for three seconds. Every request is answered, none with a server error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_load.py"


def test_a_short_mixed_load_is_answered_without_a_server_error():
    done = subprocess.run(
        [sys.executable, str(BENCH), "--rate", "20", "--duration", "3", "--reports", "300", "--heavy"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    result = json.loads(line.removeprefix("RESULT "))
    codes = {int(code): n for code, n in result["codes"].items()}
    assert result["requests"] >= 50  # 20 a second for 3 s, each one answered or timed out
    assert sum(codes.values()) == result["requests"]
    assert not {code for code in codes if code == 0 or code >= 500} - {503}, codes  # 503: busy, by design
    assert sum(n for code, n in codes.items() if 200 <= code < 300) >= 0.9 * result["requests"], codes
