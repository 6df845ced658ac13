"""A discrete-event model of a break-of-gauge container terminal (Khorgos).

The pure core: no I/O, no printing, no clock. Parameters come in as a
:class:`~overland.sim.scenario.Scenario` (or the plain
:class:`~overland.sim.scenario.TerminalParams` it resolves to), randomness as a
``numpy.random.Generator``.

- :mod:`~overland.model.distributions` — constant, uniform, exponential, triangular, lognormal, empirical, mixture
- :mod:`~overland.sim.scenario` — the scenario file's strict models, every value a sourced claim
- :mod:`~overland.sim.terminal` — the SimPy processes
- :mod:`~overland.sim.kpis` — throughput, dwell, queues, utilisation; replication statistics
- :mod:`~overland.sim.capacity` — the smallest crane/track configuration meeting a target
- :mod:`~overland.sim.queueing` — Erlang C and Little's law, to validate the model
"""
