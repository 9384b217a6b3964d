"""Erlang C: the M/M/c queue in closed form, a quick estimate beside the simulation.

The planner shows these numbers next to the simulated front-office and back-office
stages. Erlang C assumes Poisson arrivals, exponential service times, ``c`` identical
servers that are always open, one first-come-first-served queue and a steady state
(``rho < 1``). The SLRT offices break every one of these assumptions a little
(opening hours, paper batches and intake cycles that bunch the work, fast-track
priorities, lognormal service times), which is why the simulation is the reference and
Erlang C the back-of-the-envelope check. See ``scenarios/validation/README.md`` for the
formulas and the M/M/c scenario on which both agree.

Units are the caller's: ``lam`` and ``mu`` in the same time unit, and ``wq`` / ``w``
come back in that unit.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of M/M/c/c with offered load ``a`` (stable recursion)."""
    if c < 0:
        raise ValueError("c must be >= 0")
    if a < 0:
        raise ValueError("offered load must be >= 0")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits, C(c, a); 1.0 when the queue is unstable (a >= c)."""
    if c <= 0:
        return 1.0
    if a <= 0:
        return 0.0
    if a >= c:
        return 1.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


@dataclass(frozen=True)
class MMc:
    """Steady-state measures of an M/M/c queue (time unit of ``lam`` and ``mu``)."""

    lam: float
    mu: float
    c: int
    a: float          # offered load, Erlang
    rho: float        # utilisation a / c
    p_wait: float     # Erlang C
    wq: float         # mean wait before service (inf when unstable)
    w: float          # mean time in system
    lq: float         # mean number waiting
    l: float          # noqa: E741 - mean number in system
    stable: bool

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def mmc(lam: float, mu: float, c: int) -> MMc:
    """The M/M/c queue with arrival rate ``lam``, service rate per server ``mu``, ``c`` servers."""
    if lam < 0 or mu <= 0:
        raise ValueError("need lam >= 0 and mu > 0")
    a = lam / mu
    rho = a / c if c > 0 else math.inf
    stable = c > 0 and a < c
    if not stable:
        return MMc(lam, mu, c, a, rho, 1.0, math.inf, math.inf, math.inf, math.inf, False)
    p = erlang_c(c, a)
    wq = p / (c * mu - lam) if lam > 0 else 0.0
    w = wq + 1.0 / mu
    lq = lam * wq
    return MMc(lam, mu, c, a, rho, p, wq, w, lq, lq + a, True)


def smallest_c(lam: float, mu: float, max_rho: float | None = None, max_wq: float | None = None,
               max_p_wait: float | None = None, c_max: int = 1000) -> int | None:
    """The fewest servers whose M/M/c queue is stable and meets every given target.

    ``max_rho``: utilisation at most this; ``max_wq``: mean wait at most this (time unit of
    the rates); ``max_p_wait``: probability of waiting at most this. ``None`` if even
    ``c_max`` servers do not suffice.
    """
    c = max(1, math.floor(lam / mu) if mu > 0 else 1)
    while c <= c_max:
        q = mmc(lam, mu, c)
        ok = q.stable
        if ok and max_rho is not None:
            ok = q.rho <= max_rho + 1e-12
        if ok and max_wq is not None:
            ok = q.wq <= max_wq + 1e-12
        if ok and max_p_wait is not None:
            ok = q.p_wait <= max_p_wait + 1e-12
        if ok:
            return c
        c += 1
    return None
