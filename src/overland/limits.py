"""How much one request may ask for: the limits every adapter (CLI, HTTP API, Dask) shares.

Defined here once; the command line checks them through the service, the API states
them in its schema and its description, and the batch runner passes them on.
"""

from __future__ import annotations

from datetime import UTC, datetime

# Times: the calendars (holidays, tzdata) are trusted over this range only.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
TIME_RANGE = "between 1970-01-01 and 2100-01-01"

# The planner looks this many days past a departure for openings.
HORIZON_DAYS = 60

# overland hours: days of open windows in one answer.
MAX_HOURS_DAYS = 366

# Monte Carlo samples of one plan.
MAX_PLAN_SAMPLES = 100_000

# overland backtest: samples per replay of an observed crossing.
MAX_BACKTEST_SAMPLES = 20_000

# The departure scan (overland when): days spanned, the step between departures, samples per
# departure, and departures x samples in one scan.
MAX_SCAN_DAYS = 14
MIN_SCAN_STEP_MINUTES = 5
MAX_SCAN_STEP_MINUTES = 1440
MAX_SCAN_SAMPLES = 10_000
MAX_SCAN_WORK = 20_000_000

# Freight: simulated days, warm-up days and replications of one run.
MAX_SIM_DAYS = 3660
MAX_REPLICATIONS = 1000

# Requests: ids, list lengths.
MAX_ID = 64
MAX_ITEMS = 32

# The data audit's sensitivity: days sampled, hours between departures, departures per trip.
MAX_AUDIT_DAYS = 731
MIN_AUDIT_STEP_HOURS = 1
MAX_AUDIT_DEPARTURES = 20_000
