"""Heavy requests (plans, exports, comparisons, departure scans) run in a bounded pool of worker
threads, never on the event loop; past what the pool and its queue hold, the answer is 503 with
``Retry-After`` at once, so the places, hours and reports stay quick while plans are being made.

When the last of them ends after one that drew many samples, the memory the samples took is given
back to the system (a full garbage collection costs tens of milliseconds: not after every plan).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from fastapi import Request

from overland.api import problems

T = TypeVar("T")
RETRY_AFTER_SECONDS = 5
RELEASE_AFTER_SAMPLES = 100_000  # memory is handed back after requests that drew at least this many


class Admission:
    """At most ``running`` heavy requests at once, and at most ``waiting`` more in line."""

    def __init__(self, running: int, waiting: int) -> None:
        self.running = running
        self.waiting = waiting
        self.limiter = anyio.CapacityLimiter(running)
        self.inside = 0  # running and waiting: read and written on the event loop only
        self.sampled = False  # a request that drew many samples ran since memory was last released

    async def run(self, work: Callable[[], T], *, samples: int = 0) -> T:
        """``work()`` in a worker thread once one is free; 503 (busy) when the line is full.
        ``samples``: how many Monte Carlo samples it draws in all."""
        if self.inside >= self.running + self.waiting:
            detail = (
                f"the server is making {self.running} plans and has {self.waiting} more waiting; "
                f"try again in {RETRY_AFTER_SECONDS} seconds"
            )
            raise problems.ProblemError(
                503, "Busy", detail, kind="busy", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            )
        self.inside += 1
        self.sampled = self.sampled or samples >= RELEASE_AFTER_SAMPLES
        try:
            return await anyio.to_thread.run_sync(work, limiter=self.limiter)
        finally:
            self.inside -= 1
            if self.inside == 0 and self.sampled:
                self.sampled = False
                await anyio.to_thread.run_sync(release_memory)


async def heavy(request: Request, work: Callable[[], T], *, samples: int = 0) -> T:
    """Run ``work`` (drawing ``samples`` Monte Carlo samples in all) under the app's admission limit."""
    admission: Admission = request.app.state.admission
    return await admission.run(work, samples=samples)


def _trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim  # glibc only
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _trim()


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the system (glibc's ``malloc_trim``)."""
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
