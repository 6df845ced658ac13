"""A batch of rows computed in parallel on Dask, one output row per input row, in the input's order.

The rows are cut into chunks (about ``CHUNKS_PER_WORKER`` per worker, at most
``MAX_CHUNK`` each); each chunk is one task of ``task(chunk, *args)``, which must be a
module-level function (Dask sends it by reference) returning one row per input. A
chunk whose task failed (its worker died) gives each of its rows that error. What a
row holds is the caller's business (:mod:`overland.service.batch` plans trips).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

MAX_CHUNK = 200  # rows per task
CHUNKS_PER_WORKER = 4


def chunks(items: list[dict[str, Any]], workers: int) -> list[list[dict[str, Any]]]:
    """Items cut into about ``CHUNKS_PER_WORKER`` tasks per worker (at most ``MAX_CHUNK`` items each)."""
    size = max(1, min(MAX_CHUNK, math.ceil(len(items) / max(1, workers * CHUNKS_PER_WORKER))))
    return [items[i : i + size] for i in range(0, len(items), size)]


def run_batch(
    items: list[dict[str, Any]],
    client: Any,
    task: Callable[..., list[dict[str, Any]]],
    args: tuple[Any, ...] = (),
    *,
    failed: Callable[[dict[str, Any], str], dict[str, Any]],
    on_rows: Callable[[list[dict[str, Any]]], None] | None = None,
) -> list[dict[str, Any]]:
    """``task(chunk, *args)`` over every chunk of ``items`` on the Dask ``client``; the rows in the items' order.

    ``failed(item, error)`` is the row of an item whose chunk's task failed;
    ``on_rows(rows)`` is told of each chunk's rows as it finishes.
    """
    from overland.distributed.cluster import run_tasks
    from overland.distributed.sweep import describe_error

    workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
    parts = chunks(items, workers)
    rows: list[dict[str, Any] | None] = [None] * len(items)
    starts = [sum(len(p) for p in parts[:i]) for i in range(len(parts))]
    for i, result, error in run_tasks(client, task, [(part, *args) for part in parts]):
        if error is not None:
            result = [failed(item, describe_error(error)) for item in parts[i]]
        rows[starts[i] : starts[i] + len(result)] = result
        if on_rows is not None:
            on_rows(result)
    return [row for row in rows if row is not None]
