"""A daily snapshot of case states (for backlog plots) and a throttled progress call."""
from __future__ import annotations

import time
from typing import Callable

import simpy

from slrt_sim.model.cases import STATES


LATE = 2
"""Priority of the snapshot's wake-up: after every normal event of the same moment (SimPy orders
events at one time by priority, then by scheduling order), so the row of day ``d`` counts what
happened at ``t <= d`` whichever process scheduled it first, as the event log does."""


class Monitor:
    """Records ``(day, count per state...)`` every ``step`` days into :attr:`timeline`.

    ``progress(fraction)`` is called at most four times a second of wall time (a widget
    updated on every step slows a run down many times).
    """

    def __init__(self, env: simpy.Environment, counts: dict[str, int], horizon: float,
                 progress: Callable[[float], None] | None = None, step: float = 1.0):
        self.env, self.counts, self.horizon = env, counts, horizon
        self.progress, self.step = progress, step
        self.timeline: list[tuple] = []

    def start(self) -> None:
        self.env.process(self._snapshots())

    def _snapshots(self):
        env = self.env
        counts = self.counts
        progress = self.progress
        last = time.perf_counter()
        while env.now < self.horizon:
            self.timeline.append((env.now,) + tuple(counts[s] for s in STATES))
            if progress is not None:
                now = time.perf_counter()
                if now - last > 0.25:
                    last = now
                    progress(env.now / self.horizon)
            wake = simpy.Event(env)
            wake._ok, wake._value = True, None  # a timeout that fires after the moment's other events
            env.schedule(wake, LATE, self.step)
            yield wake

    def done(self) -> None:
        if self.progress is not None:
            self.progress(1.0)
