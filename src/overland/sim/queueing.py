"""Queueing results the simulator must reproduce (validation helpers).

Erlang C for the M/M/c queue, with offered load ``a = λ/μ``::

    C(c, a) = [aᶜ/c! · c/(c−a)] / [Σ_{k<c} aᵏ/k! + aᶜ/c! · c/(c−a)]
    Wq = C(c, a) / (cμ − λ)

and Little's law, ``L = λW`` (Little 1961, Operations Research 9:383–387).
"""

from __future__ import annotations


def erlang_c(c: int, a: float) -> float:
    """The probability that an arrival waits in an M/M/c queue with offered load ``a`` (< ``c``)."""
    if c < 1 or not 0 <= a < c:
        msg = f"Erlang C needs c >= 1 and 0 <= a < c (got c={c}, a={a})"
        raise ValueError(msg)
    term = 1.0
    total = 0.0
    for k in range(c):
        total += term
        term *= a / (k + 1)
    tail = term * c / (c - a)  # aᶜ/c! · c/(c−a)
    return tail / (total + tail)


def mmc_wait(c: int, arrival_rate: float, service_rate: float) -> float:
    """The mean wait in queue ``Wq`` of an M/M/c queue (in the unit of 1/rate)."""
    a = arrival_rate / service_rate
    return erlang_c(c, a) / (c * service_rate - arrival_rate)


def little_gap(L: float, arrival_rate: float, W: float) -> float:
    """The relative gap ``|L − λW| / L`` of Little's law."""
    return abs(L - arrival_rate * W) / L
