"""Seeds and random streams of one replication.

Replication ``r`` of a scenario with seed ``S`` uses :func:`replication_seed` ``(S, r)``;
the population uses :func:`population_seed` ``(S)``. Within a replication, every source
of randomness (:data:`STREAMS`) has its own ``numpy`` generator, spawned from the
replication's ``SeedSequence`` in a fixed order: scenarios compared on the same seed
see the same needs, the same walk-in decisions and the same routes, whatever else
changes (common random numbers), and parallel replications equal serial ones.

:class:`Streams` turns the scenario's distributions into :class:`Sampler` objects that
draw one value at a time from a batch-filled buffer (numpy draws in batches of 512 are
far cheaper than one at a time).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

STREAMS = (
    "needs", "need_type", "route", "walkin_delay", "walkin_time", "fo", "bo_check", "bo_assess",
    "manager", "home_visit", "travel", "verval", "followup", "paper", "outreach_pick", "detect",
    "delivery", "lost", "validation_arrivals", "validation_household", "complaint",
    "paper_error", "verval_noise", "visit_noise", "deliberation", "approval", "record_error",
)
"""Sources of randomness, each with its own stream (order fixed: never reorder; append new ones)."""

Draw = Callable[[np.random.Generator, int], np.ndarray]


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``replication`` (0-based) of a scenario seed.

    Child ``0`` of the scenario seed makes the population (the district is the same in
    every replication); child ``r + 1`` drives replication ``r``. Using explicit spawn
    keys makes replication ``r`` identical whether run alone, in a loop or in parallel.
    """
    return np.random.SeedSequence(entropy=seed, spawn_key=(replication + 1,))


def population_seed(seed: int) -> np.random.SeedSequence:
    """The seed sequence of the scenario's population (child 0 of the scenario seed)."""
    return np.random.SeedSequence(entropy=seed, spawn_key=(0,))


def draw_fn(spec) -> Draw:
    """A batch drawer for one of the scenario's distributions (see ``scenario.Distribution``)."""
    kind = spec.dist
    if kind == "exponential":
        mean = spec.mean
        return lambda g, n: g.exponential(mean, n)
    if kind == "lognormal":
        sigma2 = math.log(1.0 + (spec.sd / spec.mean) ** 2)
        mu, sigma = math.log(spec.mean) - sigma2 / 2.0, math.sqrt(sigma2)
        return lambda g, n: g.lognormal(mu, sigma, n)
    if kind == "triangular":
        lo, mo, hi = spec.low, spec.mode, spec.high
        return lambda g, n: g.triangular(lo, mo, hi, n)
    value = spec.value
    return lambda g, n: np.full(n, value)


def uniform(g: np.random.Generator, n: int) -> np.ndarray:
    return g.random(n)


def standard_normal(g: np.random.Generator, n: int) -> np.ndarray:
    return g.normal(0.0, 1.0, n)


def unit_exponential(g: np.random.Generator, n: int) -> np.ndarray:
    return g.exponential(1.0, n)


class Sampler:
    """Draws one value at a time from a stream, refilling a buffer in batches."""

    __slots__ = ("_gen", "_draw", "_buf", "_i", "_n")

    def __init__(self, gen: np.random.Generator, draw: Draw, batch: int = 512):
        self._gen, self._draw, self._n = gen, draw, batch
        self._buf: list[float] = []
        self._i = 0

    def __call__(self) -> float:
        i = self._i
        if i >= len(self._buf):
            self._buf = self._draw(self._gen, self._n).tolist()
            i = 0
        self._i = i + 1
        return self._buf[i]


class Streams:
    """The generators (:attr:`gen`, by name) and the samplers of one replication.

    Sampler names say what they draw: ``t_*`` durations (working minutes, or days for
    the walk-in delay and complaint handling), ``u_*`` uniforms on [0, 1), ``n_*``
    standard normals, ``x_*`` unit exponentials.
    """

    def __init__(self, scenario, seed: np.random.SeedSequence):
        children = seed.spawn(len(STREAMS))
        self.gen = g = {name: np.random.Generator(np.random.PCG64(c)) for name, c in zip(STREAMS, children)}
        svc = scenario.service
        fu = scenario.followup
        self.t_fo = Sampler(g["fo"], draw_fn(svc.fo_registration))
        self.t_bo_check = Sampler(g["bo_check"], draw_fn(svc.bo_check))
        self.t_bo_assess = Sampler(g["bo_assess"], draw_fn(svc.bo_assessment))
        self.t_manager = Sampler(g["manager"], draw_fn(svc.manager_decision))
        self.t_visit = Sampler(g["home_visit"], draw_fn(svc.home_visit))
        self.t_verval = Sampler(g["verval"], draw_fn(svc.verval_visit))
        self.t_followup = Sampler(g["followup"], draw_fn(svc.followup_visit))
        self.t_paper = Sampler(g["paper"], draw_fn(svc.paper_entry))
        self.t_walkin_delay = Sampler(g["walkin_delay"], draw_fn(scenario.walkin.delay_days))
        self.u_route = Sampler(g["route"], uniform)
        self.u_walkin_time = Sampler(g["walkin_time"], uniform)
        self.u_detect = Sampler(g["detect"], uniform)
        self.u_delivery = Sampler(g["delivery"], uniform)
        self.u_lost = Sampler(g["lost"], uniform)
        self.x_travel = Sampler(g["travel"], unit_exponential)
        self.u_paper_error = Sampler(g["paper_error"], uniform)
        self.n_verval = Sampler(g["verval_noise"], standard_normal)
        self.n_visit = Sampler(g["visit_noise"], standard_normal)
        self.u_deliberation = Sampler(g["deliberation"], uniform)
        self.u_approval = Sampler(g["approval"], uniform)
        self.u_complaint = Sampler(g["complaint"], uniform)
        self.t_complaint_simple = Sampler(g["complaint"], draw_fn(fu.complaint_simple_days))
        self.t_complaint_normal = Sampler(g["complaint"], draw_fn(fu.complaint_normal_days))
        self.t_complaint_investigation = Sampler(g["complaint"], draw_fn(fu.complaint_investigation_days))
