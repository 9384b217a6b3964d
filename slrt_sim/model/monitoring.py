"""A daily snapshot of case states (for backlog plots) and a throttled progress call."""
from __future__ import annotations

import time
from typing import Callable

import simpy

from slrt_sim.model.cases import STATES


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
            yield env.timeout(self.step)

    def done(self) -> None:
        if self.progress is not None:
            self.progress(1.0)
