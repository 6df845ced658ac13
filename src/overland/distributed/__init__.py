"""Scale out on Dask: freight sweeps and batches of trip plans.

- :mod:`~overland.sim.grid` — what a sweep may vary, the grid's points, a point's
  parameters (pure: no Dask, no I/O)
- :mod:`~overland.distributed.sweep` — one simulation run per point and replication (the
  worker task), resuming, running a sweep on a Dask client
- :mod:`~overland.distributed.batch` — one trip plan per CSV row (the worker task, with the
  catalog rebuilt once per worker), running a batch on a Dask client
- :mod:`~overland.distributed.cluster` — the only module that imports Dask: a client on a
  local cluster or at a scheduler's address, and tasks run as they complete

Tasks carry plain data only (numbers, strings, the scenario as JSON, the data folder):
parsed opening hours, the catalog and the planner do not pickle and are rebuilt on each
worker, once.
"""
