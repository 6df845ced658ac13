"""A discrete-event model of a break-of-gauge container terminal (Khorgos).

The pure core: no I/O, no printing, no clock. Parameters come in as a
:class:`~overland.sim.scenario.Scenario` (or the plain
:class:`~overland.sim.scenario.TerminalParams` it resolves to), randomness as a
``numpy.random.Generator``.

- :mod:`~overland.model.distributions` — constant, uniform, exponential, triangular, lognormal, empirical, mixture
- :mod:`~overland.sim.scenario` — the scenario file's strict models, every value a sourced claim
- :mod:`~overland.sim.terminal` — the SimPy processes (trains, cranes), reporting to
- :mod:`~overland.sim.recorder` — the statistics of a run: levels, counts, crane hours, the yard
- :mod:`~overland.sim.calendar` — when cranes may lift and trains may leave: working hours, closures
- :mod:`~overland.sim.policies` — how cranes share trains, when a set takes boxes from the yard
- :mod:`~overland.sim.kpis` — throughput, dwell and its parts, queues, utilisation; replication statistics
- :mod:`~overland.sim.capacity` — how many trains a day a terminal takes; the smallest configuration for a target
- :mod:`~overland.sim.corridor` — terminals side by side, routing between them, what a closure does
- :mod:`~overland.sim.runner` — replications and their seeds
- :mod:`~overland.sim.grid` — a sweep's grid: the parameters varied, their values and points
- :mod:`~overland.sim.queueing` — Erlang C and Little's law, to validate the model
"""
