"""The households' flow through the SLRT stages, as data for the walkthrough's animation.

A run's case table (:func:`slrt_sim.experiments.results.cases_frame`) keeps, for every case,
the time it reached each step. This module turns it into *paths*: each case as the list of
``(day, column)`` moves it made between the few columns a hall can read from the back of a
room (:data:`COLUMNS`):

``unidentified``  the need has arisen, nobody on the staff knows yet;
``front``         identified: at the front office (registration), not yet checked;
``back``          at the back office: DTKS check, verval, assessment, not yet referred;
``programme``     referred: waiting for the programme's cycle or quota, or for the service;
``served``        the need was met (by a programme, or closed on the spot);
``closed``        ineligible for every programme, or lost to follow-up.

At any day the columns add up to the run's daily timeline
(``unidentified``; ``front + back + programme = in_process + waiting_quota``; ``served``;
``ineligible + lost``), so the dots, the area chart and the status sentence never disagree.
No widgets here: :mod:`slrt_sim.apps.flow_anim` draws the paths in the browser.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from slrt_sim.experiments.outcomes import HouseholdOutcome

COLUMNS = ("unidentified", "front", "back", "programme", "served", "closed")
"""The animation's columns, left to right (labels under ``walk.flow.col.*``)."""

COLUMN_COLOURS = ("#9e9e9e", "#2f6db5", "#2f6db5", "#e08a1e", "#2e8b3e", "#c0392b")
"""Few colours: grey unknown, blue at the offices, orange waiting for a programme, green met,
red closed without service."""

_STEP_COLUMN = (("t_identified", 1), ("t_checked", 2), ("t_referred", 3))
_FINAL_COLUMN = {"served": 4, "ineligible": 5, "lost": 5}


@dataclass(frozen=True)
class Flow:
    """The paths of one run: ``paths[i]`` = ``[(day, column index), ...]`` in time order."""

    paths: tuple[tuple[tuple[float, int], ...], ...]
    horizon: float

    def columns_at(self, day: float) -> np.ndarray:
        """The column of every case on ``day`` (-1: its need has not arisen yet)."""
        out = np.full(len(self.paths), -1, dtype=int)
        for i, path in enumerate(self.paths):
            for when, col in path:
                if when > day:
                    break
                out[i] = col
        return out

    def counts_at(self, day: float) -> dict[str, int]:
        """How many cases stand in each column on ``day``."""
        cols = self.columns_at(day)
        return {name: int(np.count_nonzero(cols == j)) for j, name in enumerate(COLUMNS)}

    def max_counts(self, step: float = 1.0) -> dict[str, int]:
        """The largest count each column reaches over the run (sizes the drawing once)."""
        days = np.arange(0.0, self.horizon + step, step)
        best = dict.fromkeys(COLUMNS, 0)
        for d in days:
            for k, v in self.counts_at(float(d)).items():
                best[k] = max(best[k], v)
        return best

    def to_json(self, decimals: int = 2) -> list[list[float]]:
        """Compact paths for the browser: ``[t0, c0, t1, c1, ...]`` per case."""
        return [[x for when, col in path for x in (round(when, decimals), col)] for path in self.paths]


def case_path(row) -> tuple[tuple[float, int], ...]:
    """The moves of one case (a row of the case table, or any object with its ``t_*`` fields)."""
    moves: list[tuple[float, int]] = [(float(row.t_need), 0)]
    for field, col in _STEP_COLUMN:
        when = getattr(row, field)
        if when is not None and not (isinstance(when, float) and math.isnan(when)):
            moves.append((float(when), col))
    state = str(row.state)
    closed = row.t_closed
    if state in _FINAL_COLUMN and closed is not None and not math.isnan(float(closed)):
        moves.append((float(closed), _FINAL_COLUMN[state]))
    # a case re-checked after a complaint may have a later t_checked than t_referred:
    # in time order it goes back to the back office, as it did
    moves.sort(key=lambda m: m[0])
    # one column per instant: the last move at a time wins (closed on the spot at registration)
    return tuple(_one_per_instant(moves))


_LOG_COLUMN = {"walk_in": 1, "outreach_found": 1, "dtks_found": 2, "dtks_not_listed": 2, "referred": 3,
               "served": 4, "information_given": 4, "closed_ineligible": 5, "lost_unreachable": 5,
               "lost_patience": 5, "lost_followup": 5}
"""The event log's rows that move a case between the animation's columns."""


def flow(cases: pd.DataFrame, horizon: float, log=None) -> Flow:
    """The :class:`Flow` of a run (every case, as the daily timeline counts them).

    With the run's event log (:class:`slrt_sim.model.record.EventLog`) the moves are its rows: the
    dots move when the pathway wrote that they did. A case the log has no row of (the M/M/c
    validation's walk-ins closed on the spot) moves by its times in the case table, as it does
    without a log."""
    ordered = cases.sort_values("t_need", kind="stable")
    if log is None:
        return Flow(tuple(case_path(r) for r in ordered.itertuples(index=False)), float(horizon))
    moves: dict[int, list[tuple[float, int]]] = {}
    for r in log.rows:
        col = _LOG_COLUMN.get(r[2])
        if col is not None:
            moves.setdefault(r[1], []).append((float(r[3]), col))
    paths = []
    for r in ordered.itertuples(index=False):
        m = moves.get(r.id)
        if m is None:
            paths.append(case_path(r))
            continue
        path = [(float(r.t_need), 0)] + sorted(m, key=lambda x: x[0])
        paths.append(tuple(_one_per_instant(path)))
    return Flow(tuple(paths), float(horizon))


_BACK_STEPS = frozenset({"dtks_found", "dtks_nik_not_found", "dtks_proposed", "sktm_verval", "verval_done",
                         "sent_dukcapil"})
_CLOSED_NEED = frozenset({"ineligible", "rejected", "lost", "unmet", "closed_info"})


def household_paths(h: HouseholdOutcome) -> list[tuple[tuple[float, int], ...]]:
    """The moves of a scripted household's needs (a role-play file played in the run), one path per
    need: at the front office from the walk-in, the back office from its DTKS check, referred with
    its letter, then served, or closed (ineligible, rejected, not recorded, lost) at its last event."""
    if not h.events:
        return []
    start = h.events[0].day
    back = next((e.day for e in h.events if e.step in _BACK_STEPS), None)
    out = []
    for need, r in h.needs.items():
        moves = [(start, 1)]
        if back is not None:
            moves.append((back, 2))
        referred = next((e.day for e in h.events if e.step == "referred" and e.need in (need, None)), None)
        if referred is not None:
            moves.append((referred, 3))
        final = None
        if r.state == "served" and r.day_served is not None:
            final = (float(r.day_served), 4)
        elif r.state in _CLOSED_NEED:
            final = (max([e.day for e in h.events if e.need == need] or [h.events[-1].day]), 5)
        if final is not None:  # nothing after the end (information given before the DTKS check)
            moves = [m for m in moves if m[0] < final[0]] + [final]
        moves.sort(key=lambda m: m[0])
        out.append(tuple(_one_per_instant(moves)))
    return out


def _one_per_instant(moves):
    out: list[tuple[float, int]] = []
    for when, col in moves:
        if out and out[-1][0] == when:
            out[-1] = (when, col)
        elif not out or out[-1][1] != col:
            out.append((when, col))
    return out


def with_households(base: Flow, households) -> tuple[Flow, list[int]]:
    """``base`` with the scripted households' needs added as dots; returns the flow and the indices
    of the added dots (the class's households, marked in the drawing)."""
    extra = [p for h in households for p in household_paths(h)]
    n = len(base.paths)
    return Flow(base.paths + tuple(extra), base.horizon), list(range(n, n + len(extra)))


def timeline_columns(row) -> dict[str, int]:
    """A timeline row's states in the animation's terms (offices and programme together)."""
    return {"unidentified": int(row["unidentified"]), "offices": int(row["in_process"] + row["waiting_quota"]),
            "served": int(row["served"]), "closed": int(row["ineligible"] + row["lost"])}


def grouped(counts: dict[str, int]) -> dict[str, int]:
    """Column counts grouped as :func:`timeline_columns` groups the timeline."""
    return {"unidentified": counts["unidentified"],
            "offices": counts["front"] + counts["back"] + counts["programme"],
            "served": counts["served"], "closed": counts["closed"]}
