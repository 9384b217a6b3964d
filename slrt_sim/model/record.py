"""The record of one run: everything the results and KPIs need, and nothing of SimPy.

:class:`RunRecord` is what :meth:`slrt_sim.model.flow.Model.run` returns; the
experiments layer (:mod:`slrt_sim.experiments.results`) builds tables and KPIs from it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from slrt_sim.model.cases import Case
from slrt_sim.model.resources import StageLog


@dataclass
class RunRecord:
    """One replication's cases, stage logs, DTKS listing and counters.

    Times are calendar days from the scenario's start; ``working_minutes`` and
    ``working_days`` are the offices' working time between ``warmup`` and ``horizon``
    (the denominators of utilisation). ``dtks_start`` is the DTKS listing at the end of the
    warm-up (the population's listing when there is none), ``dtks_end`` the listing at the horizon.
    """

    scenario: Any
    warmup: float
    horizon: float
    working_minutes: float
    working_days: int
    households: int
    cases: list[Case]
    state_counts: dict[str, int]
    stages: dict[str, StageLog]
    timeline: list[tuple]
    dtks_start: np.ndarray
    dtks_end: np.ndarray
    true_decile: np.ndarray
    outreach_visits: int
    events: int
    enrolments: list[tuple] = field(default_factory=list)
    counters: dict[str, float] = field(default_factory=dict)
