"""Outcomes of scripted households: one run, or a pair of runs on common random numbers.

A *pair* is the same kelurahan, seed and background run twice: once with the households' files
as a trainee made them, once as the answer key makes them
(:class:`slrt_sim.model.decisions.Script`). Both go through the model's one pathway
(:class:`slrt_sim.model.pathway.Pathway`); because role-play households draw from their own
streams, the background's needs and arrivals are the same in both runs; what differs follows
from the files. Each household's timeline is its rows of the run's event log
(:class:`slrt_sim.model.record.EventLog`). Besides the timelines, the pair names the background
(or classmate) households that lost a programme place in the trainee's run but had it in the
key's run (read from the same log's ``enrolled`` rows).

This module knows nothing of the role play: the training layer turns submissions into scripts
(:mod:`slrt_sim.training.outcomes`) and renders the timelines.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from slrt_sim.domain.scenario import Scenario
from slrt_sim.model.decisions import Event, NeedResult, Script
from slrt_sim.model.flow import Model


@dataclass
class HouseholdOutcome:
    """What happened to one scripted household: its timeline and where each need ended."""

    label: str
    hh: int
    by: str
    events: list[Event]
    needs: dict[str, NeedResult]

    def need_day(self, need: str) -> float | None:
        """The day the need was served (``None`` if it was not by the end)."""
        r = self.needs.get(need)
        return r.day_served if r is not None and r.state == "served" else None

    def steps(self) -> list[str]:
        return [e.step for e in self.events]


@dataclass
class RunOutcome:
    """One run with scripted households."""

    households: dict[str, HouseholdOutcome]
    enrolments: list[tuple[float, str, int]]   # (day, programme, case id)
    case_hh: dict[int, int]                     # case id -> household index
    case_label: dict[int, str] = field(default_factory=dict)  # scripted case id -> script label
    horizon: float = 0.0


@dataclass
class PairOutcome:
    """The trainee's run and the answer key's run of the same kelurahan and seed.

    ``changed`` are the labels of the households whose files differ from the key's. A displaced
    household (a row of ``displaced``) is put down to one of them (:meth:`displaced_by`): the
    changed household that was enrolled first in the same programme in the trainee's run. The
    timeline's sentences and the class view's count read the same rows."""

    trainee: RunOutcome
    key: RunOutcome
    displaced: list[dict]
    changed: frozenset = frozenset()

    def displaced_by(self, label: str) -> list[dict]:
        """The displaced rows put down to the household ``label`` (see the class docstring)."""
        return [r for r in self.displaced if self._culprit(r["program"]) == label]

    def _culprit(self, program: str) -> str | None:
        first: dict[str, float] = {}
        for lab in self.changed:
            h = self.trainee.households.get(lab)
            days = [e.day for e in h.events if e.step == "enrolled" and e.program == program] if h else []
            if days:
                first[lab] = min(days)
        return min(first, key=lambda lab: (first[lab], lab)) if first else None


def outcome_seed(seed: int, stream: int) -> np.random.SeedSequence:
    """The seed of an outcome run: the class's seed and a stream number (the class code's hash)."""
    return np.random.SeedSequence(entropy=int(seed), spawn_key=(991, int(stream) & 0xFFFFFFFF))


def run_scripts(scenario: Scenario, population: Any, scripts: list[Script], seed: np.random.SeedSequence) -> RunOutcome:
    """Run the scenario with ``scripts`` and collect every scripted household's outcome."""
    return year_record(scenario, population, scripts, seed)[1]


def year_record(scenario: Scenario, population: Any, scripts: list[Script], seed: np.random.SeedSequence):
    """``(record, outcome)``: the whole run of :func:`run_scripts` (the background's cases and the
    daily timeline) beside the scripted households' outcome, for the year view."""
    fresh = np.random.SeedSequence(entropy=seed.entropy, spawn_key=seed.spawn_key)  # spawning mutates a sequence
    m = Model(scenario, population, fresh, scripts=list(scripts))
    record = m.run()
    rows = record.event_log.of(m.scripted_hh)
    households = {}
    case_label: dict[int, str] = {}
    case_hh = {c.id: c.hh for c in record.cases}
    for f in m.files:
        events = [Event(r[3], r[2], r[5], r[6], r[7], dict(r[8]) if r[8] else {}) for r in rows if r[0] == f.hh]
        households[f.script.label] = HouseholdOutcome(f.script.label, f.hh, f.script.by, events, f.needs)
        for cid in f.ids:
            case_label[cid] = f.script.label
            case_hh[cid] = f.hh
    enrolments = [(r[3], r[7], r[1]) for r in record.event_log.rows if r[2] == "enrolled"]
    return record, RunOutcome(households, enrolments, case_hh, case_label, m.horizon)


def displaced(key: RunOutcome, trainee: RunOutcome, ignore: set[str] = frozenset()) -> list[dict]:
    """Households that had a programme place in the key's run but not (or later) in the trainee's.

    Each row: ``hh``, ``label`` (a script label, or ``None`` for a background household),
    ``program``, ``day_key`` and ``day_trainee`` (``None`` if never enrolled). Scripted households
    in ``ignore`` (the ones whose files differ) are left out: their changes are their own.
    """
    def places(run: RunOutcome) -> dict[tuple[int, str], float]:
        out: dict[tuple[int, str], float] = {}
        for day, code, cid in run.enrolments:
            if run.case_label.get(cid) in ignore:
                continue
            hh = run.case_hh.get(cid)
            if hh is not None:
                out.setdefault((hh, code), day)
        return out

    k, tr = places(key), places(trainee)
    rows = []
    for (hh, code), day in sorted(k.items(), key=lambda x: x[1]):
        later = tr.get((hh, code))
        if later is None or later > day + 1e-9:
            label = next((lab for cid, lab in key.case_label.items() if key.case_hh.get(cid) == hh), None)
            rows.append({"hh": hh, "label": label, "program": code, "day_key": day, "day_trainee": later})
    return rows


def run_pair(scenario: Scenario, population: Any, trainee: list[Script], key: list[Script],
             seed: np.random.SeedSequence, key_run: RunOutcome | None = None) -> PairOutcome:
    """The trainee's and the key's runs (``key_run`` reuses a cached key run of the same inputs)."""
    if key_run is None:
        key_run = run_scripts(scenario, population, key, seed)
    tr_run = run_scripts(scenario, population, trainee, seed)
    changed = frozenset(a.label for a, b in zip(trainee, key) if a != b)
    return PairOutcome(tr_run, key_run, displaced(key_run, tr_run, ignore=changed), changed)
