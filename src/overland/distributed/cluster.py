"""The Dask part: a client, and tasks run as they complete. The only module that imports Dask.

By default a ``LocalCluster`` of worker processes on this machine (one thread each:
the simulator and the planner are pure Python); with a scheduler's address
(``tcp://host:8786``) the same tasks run on that cluster's workers, which need the
same version of overland installed.

Local workers are spawned processes that import the main module again: a script that
starts a local cluster keeps its work under ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from overland.errors import InputError

DEFAULT_WORKERS = 2
MAX_LOCAL_WORKERS = 256
CONNECT_TIMEOUT_S = 10
WORKERS_TIMEOUT_S = 60


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while worker processes start, so that they ignore it too (a child keeps an ignored signal).

    Ctrl-C in a terminal reaches every process of the command; the workers would die
    with tracebacks while the client is still saving what is done and closing them.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: on a new local cluster of ``workers`` processes, or at ``scheduler``.

    Raises
    ------
    InputError
        For ``workers`` with ``scheduler`` (a cluster has its own workers), a bad
        number of workers, or a scheduler that cannot be reached or has no workers.
    """
    if scheduler is not None and workers is not None:
        msg = "--workers sets the size of the local cluster; with --scheduler the cluster's own workers run the tasks"
        raise InputError(msg)
    if workers is not None and not 1 <= workers <= MAX_LOCAL_WORKERS:
        msg = f"workers must be between 1 and {MAX_LOCAL_WORKERS}, not {workers}"
        raise InputError(msg)
    from distributed import Client, LocalCluster

    if scheduler is None:
        with _sigint_ignored():  # the workers inherit it: Ctrl-C stops the client, which then closes them
            cluster = LocalCluster(
                n_workers=workers or DEFAULT_WORKERS, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, silence_logs=logging.ERROR,
                scheduler_kwargs={"dashboard_address": ":0"},  # no dashboard; its HTTP server on a free port, not 8787
            )  # fmt: skip
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    address = scheduler.strip()
    try:
        client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError, ValueError) as error:
        msg = (
            f"cannot reach a Dask scheduler at {address} ({error}): start one with `dask scheduler` "
            f"and its workers with `dask worker {address}`"
        )
        raise InputError(msg) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except TimeoutError:
            msg = f"the Dask scheduler at {address} has no workers: start some with `dask worker {address}`"
            raise InputError(msg) from None
        yield client


def describe(client: Any) -> str:
    """``2 local workers`` or ``3 workers at tcp://host:8786``."""
    workers = len(client.scheduler_info(n_workers=-1).get("workers", {}))
    where = "local " if client.cluster is not None else ""
    at = "" if client.cluster is not None else f" at {client.scheduler.address}"
    return f"{workers} {where}worker{'s' if workers != 1 else ''}{at}"


def run_tasks(
    client: Any, function: Callable[..., Any], calls: Sequence[tuple], *, shared: Sequence[Any] = ()
) -> Iterator[tuple[int, Any, BaseException | None]]:
    """Run ``function(*shared, *call)`` for every call on the cluster; yield ``(index, result, error)`` as each ends.

    ``shared`` values (plain data every task needs) are sent to each worker once.
    A task that raised, or whose worker died, yields its exception as ``error``. The
    tasks not yet done are cancelled when the caller stops early (an interruption).
    """
    from distributed import as_completed

    # A fresh key per run (hash=False): with hash=True a run started right after an interrupted one on
    # the same scheduler got the key the scheduler was still forgetting ("computation on lost data").
    handles = [client.scatter(value, broadcast=True, hash=False) for value in shared]
    futures = [client.submit(function, *handles, *call, pure=False) for call in calls]
    index = {future.key: i for i, future in enumerate(futures)}
    try:
        for future in as_completed(futures):
            i = index[future.key]
            if future.status == "finished":
                yield i, future.result(), None
            else:
                try:
                    error = future.exception()
                except BaseException as raised:  # noqa: BLE001  (a cancelled future raises instead of returning)
                    error = raised
                yield i, None, error
            future.release()
    finally:
        left = [future for future in futures if not future.done()]
        if left:
            client.cancel(left)
