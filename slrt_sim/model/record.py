"""The record of one run: everything the results and KPIs need, and nothing of SimPy.

:class:`RunRecord` is what :meth:`slrt_sim.model.flow.Model.run` returns; the
experiments layer (:mod:`slrt_sim.experiments.results`) builds tables and KPIs from it.

:class:`EventLog` is the run's one event log, in the spirit of vidigi's: one row per step of
every household's pathway (background or role play), written by
:class:`slrt_sim.model.pathway.Pathway` as the step happens — household, case, event, time,
place (office or programme), actor, need, programme and the step's facts (a decile, a reason).
Each real event is written once; the role-play timelines, the displaced-family list, the class
view, the walkthrough's animation and the year view read it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from slrt_sim.model.cases import Case
from slrt_sim.model.resources import StageLog


LOG_COLUMNS = ("hh", "case", "event", "time", "place", "actor", "need", "program")
"""The columns of :meth:`EventLog.frame` (plus ``run``, the replication or run label)."""


class EventLog:
    """The rows of one run's event log: ``(hh, case, event, time, place, actor, need, program, detail)``.

    ``detail`` is ``None`` or a dict of the step's facts (``decile``, ``reason``, ...). Rows are
    plain tuples appended in time order (the cost of a list append per step)."""

    __slots__ = ("rows", "_clock")

    def __init__(self, clock):
        self.rows: list[tuple] = []
        self._clock = clock

    def __getstate__(self):  # a run's record crosses processes without its clock
        return {"rows": self.rows}

    def __setstate__(self, state) -> None:
        self.rows, self._clock = state["rows"], None

    def add(self, hh: int, case: int, event: str, place: str, actor: str, need: str | None = None,
            program: str | None = None, detail: dict | None = None) -> None:
        """Write one step, now."""
        self.rows.append((hh, case, event, self._clock.now, place, actor, need, program, detail))

    def of(self, households) -> list[tuple]:
        """The rows of ``households`` (a set of household indices), in time order."""
        return [r for r in self.rows if r[0] in households]

    def frame(self, run: Any = 0):
        """The log as a DataFrame (:data:`LOG_COLUMNS` and ``run``; ``decile`` and ``reason`` from the details)."""
        import pandas as pd

        df = pd.DataFrame.from_records([r[:8] for r in self.rows], columns=list(LOG_COLUMNS))
        df["decile"] = [int(r[8]["decile"]) if r[8] and "decile" in r[8] else 0 for r in self.rows]
        df["reason"] = [str(r[8]["reason"]) if r[8] and r[8].get("reason") else "" for r in self.rows]
        df["run"] = run
        return df


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
    event_log: EventLog | None = None
