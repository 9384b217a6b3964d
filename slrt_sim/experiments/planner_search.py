"""Searching the staffing grid instead of sweeping it whole (the planner's fast path).

The planner's answer is the smallest configuration meeting every target (by the decision
rule, :class:`slrt_sim.experiments.planner.Target`); when none does, **the closest** one: the
configuration of least *distance to the targets*, the **sum of relative shortfalls** of the
estimated KPIs (the means over replications):

* for a target "at least v": ``max(0, (v - mean) / |v|)``; for "at most v":
  ``max(0, (mean - v) / |v|)`` (``|v|`` is taken as 1 when ``v = 0``);
* a missing value counts 0 where the target treats it as met (a wait nobody had), else 1.

E.g. 3 fasilitators reaching 66.8% of a 70% target (shortfall 0.046) are closer than
1 fasilitator at 54.6% (0.22). Means, not interval ends, so that configurations run with
different numbers of replications compare fairly. Distances within :data:`TIE` (0.02) of
the least count as equal and the smallest of those is shown: a tenth of a point in a KPI
the extra staff does not affect is replication noise, not a reason for more staff.

**Search (branch and bound).** Each KPI moves in a known direction with each kind of staff
(:data:`DIRECTIONS`): more fasilitators identify more needs, more FO staff lower the FO's
utilisation and wait, more fasilitators bring more cases to the offices, a KPI may not
depend on a kind of staff at all (identification does not depend on the offices' staff).
So a configuration that failed a target by some shortfall proves that every configuration
at least as badly placed *for that target* falls short by at least as much (less the
configuration's own noise, the half-width of its interval, when the question is whether a
neighbour could meet the target: "no effect" holds only up to replication noise). The search
keeps, for every configuration not simulated yet, that lower bound of its distance,
simulates next the configurations with the least bound (ties: the smallest staffing), and
stops when the best configuration found is better than every remaining bound: under the
directions of :data:`DIRECTIONS` the answer is the one the exhaustive sweep gives.
Unknown directions (``None``) bound only configurations equal in that staff; Puskesos
options are never compared with each other.

**Sequential replications.** A configuration first gets ``min_reps`` replications (:data:`MIN_REPS`, 4); as
long as a target's confidence interval still contains the target value, more are added
(4 → 6 → 9 …) up to ``max_reps``. Only a clear "no" stops early (every interval on one side
of its target and some target missed): a configuration that meets every target is always
confirmed with ``max_reps`` replications, and when none does, the configurations within
:data:`CONTEND` of the least distance get every replication before the closest is chosen: the
answer is judged on the runs the exhaustive sweep would use. Replication ``r`` is always the same run (common random numbers,
:mod:`slrt_sim.experiments.runner`).

**Parallel = serial.** Each round simulates the :data:`WIDTH` best candidates (a constant,
not the number of workers), so the configurations simulated, their replications and the
answer are the same whatever the backend.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from slrt_sim.experiments.results import t_interval
from slrt_sim.experiments.warmup import REPLICATIONS

DIMENSIONS = ("fasilitators_per_village", "district_fo", "district_bo")
"""The numeric staffing dimensions of the grid; the Puskesos option is compared only with itself."""

DIRECTIONS: dict[str, tuple[int | None, int | None, int | None]] = {
    # KPI: how it moves with more (fasilitators, district FO, district BO):
    # +1 rises, -1 falls, 0 does not depend on it, None unknown
    "identified": (+1, 0, 0),
    "util_fo": (+1, -1, 0),
    "wait_fo_hours": (+1, -1, 0),
    "util_bo": (+1, +1, -1),
    "wait_bo_hours": (+1, +1, -1),
    "needs_met": (+1, +1, +1),
    "needs_met_30d": (+1, +1, +1),
    "needs_met_90d": (+1, +1, +1),
    "target_met_90d": (+1, +1, +1),
    "target_time_to_service_median": (-1, -1, -1),
    "handled_30d": (+1, +1, +1),
    "time_to_service_median": (-1, -1, -1),
}
"""The monotone structure the search relies on (KPIs not listed: unknown in every dimension)."""

WIDTH = 1
"""Configurations simulated per round (fixed, so that the search is the same on any backend; the
workers share the replications of a round: one configuration at a time simulates the fewest)."""

MIN_REPS = REPLICATIONS
"""A configuration's first replications: the justified number (:data:`slrt_sim.experiments.warmup.REPLICATIONS`)."""

TIE = 0.02
"""Distances within 0.02 of the least count as equal: two per cent of a target, about the half-width
of a 5-replication interval of a share such as needs identified — replication noise."""

CONTEND = 5 * TIE
"""When nothing meets every target, configurations within this distance of the least are run with
every replication before the closest is chosen (a mean of 3 replications may be off by a few points)."""


# ----------------------------------------------------------------------------- one target on one configuration
def decision_value(op: str, mean: float, low: float, high: float, rule: str) -> float:
    """The value the decision rule compares with the target (CI end under "ci", else the mean)."""
    if rule == "ci" and not (math.isnan(low) or math.isnan(high)):
        return low if op == ">=" else high
    return mean


def shortfall(target, mean: float, low: float = math.nan, high: float = math.nan, rule: str = "mean") -> float:
    """How far (relatively) one configuration falls short of one target, judged on the value ``rule``
    looks at (the CI end under "ci", the mean under "mean"); 0 when that value meets it."""
    if mean is None or math.isnan(mean):
        return 0.0 if target.met(mean, low, high, rule) else 1.0
    if target.met(mean, low, high, rule):
        return 0.0
    x = decision_value(target.op, mean, low, high, rule)
    scale = abs(target.value) if target.value else 1.0
    gap = (target.value - x) if target.op == ">=" else (x - target.value)
    return max(gap / scale, 1e-9)


def settled(target, mean: float, low: float, high: float, n: int) -> bool:
    """True when more replications would not change the answer for this target (CI on one side)."""
    if n < 2 or mean is None or math.isnan(mean):
        return n >= 2
    if math.isnan(low) or math.isnan(high):
        return True
    return low > target.value + 1e-12 or high < target.value - 1e-12


def next_reps(n: int, max_reps: int) -> int:
    """The replication count after ``n``: about half as many again (4 → 6 → 9 → 14 …), at most ``max_reps``."""
    return min(max_reps, n + max(2, math.ceil(n / 2)))


# ----------------------------------------------------------------------------- the grid
@dataclass
class Evaluated:
    """The replications of one configuration run so far, and what they say about each target."""

    results: list = field(default_factory=list)
    stats: list[tuple[float, float, float]] = field(default_factory=list)  # per target: mean, low, high
    short: list[float] = field(default_factory=list)                       # per target: by the rule (0 = met)
    short_mean: list[float] = field(default_factory=list)                  # per target: of the mean
    slack: list[float] = field(default_factory=list)                       # per target: CI half-width / |v|
    done: bool = False

    @property
    def meets(self) -> bool:
        return not any(self.short)

    @property
    def distance(self) -> float:
        return float(sum(self.short_mean))


def choose(meets: dict[int, bool], distance: dict[int, float], order_keys: Sequence[tuple]) -> int | None:
    """The answer among configurations simulated: the smallest meeting every target, else the
    smallest whose distance is within :data:`TIE` of the least."""
    if not distance:
        return None
    pool = [c for c, ok in meets.items() if ok]
    if not pool:
        limit = min(distance.values()) + TIE + 1e-12
        pool = [c for c, d in distance.items() if d <= limit]
    return min(pool, key=lambda c: (order_keys[c], c))


def needed(bound_rule: float, bound_mean: float, key: tuple, best_key: tuple, found_meeting: bool,
           d_min: float) -> bool:
    """Could a configuration with these lower bounds (rule and mean shortfalls) change the answer?"""
    if found_meeting:
        return bound_rule <= 0 and key < best_key        # it may meet every target and be smaller
    if bound_rule <= 0:                                   # it may meet every target
        return True
    if bound_mean < d_min - 1e-12:                        # it may be closer than every one so far
        return True
    return bound_mean <= d_min + TIE + 1e-12 and key < best_key   # it may tie and be smaller


def worse_or_equal(a: tuple, b: tuple, kpi: str, op: str) -> bool:
    """Is configuration ``a`` (puskesos, fas, fo, bo) at least as badly placed as ``b`` for a target?"""
    if a[0] != b[0]:
        return False
    signs = DIRECTIONS.get(kpi, (None,) * len(DIMENSIONS))
    for s, x, y in zip(signs, a[1:], b[1:]):
        if s == 0:
            continue
        if s is None:
            if x != y:
                return False
            continue
        good = s if op == ">=" else -s          # > 0: more of this staff helps the target
        if (good > 0 and x > y) or (good < 0 and x < y):
            return False
    return True


@dataclass
class SearchOutcome:
    """What :func:`search` found: the runs of the simulated configurations and why the others were not."""

    evaluated: dict[int, Evaluated]
    pruned: dict[int, tuple[int, int]]   # config -> (witness config, target index) whose shortfall bounds it
    bounds: dict[int, float]             # config -> lower bound of its distance (not simulated)
    rounds: int
    runs: int


def search(points: Sequence[tuple], order_keys: Sequence[tuple], scenarios: Sequence[Any], targets: Sequence[Any],
           rule: str, max_reps: int, run: Callable[[list[Any], list[list[int]]], list[list[Any]]],
           exhaustive: bool = False, min_reps: int = MIN_REPS,
           progress: Callable[[int, int], None] | None = None) -> SearchOutcome:
    """Find the configuration of least distance (see the module doc).

    ``points[c]``: (puskesos option, fasilitators, FO, BO) of configuration ``c``;
    ``order_keys[c]``: its tie-break key (smallest staffing first); ``run(scenarios, reps_of)``
    runs the given replications of each scenario (``runner.run_many``) and returns the
    results in order. ``exhaustive=True`` simulates every configuration with ``max_reps``
    replications (the reference the search must agree with).
    """
    n = len(points)
    first = max_reps if exhaustive else min(min_reps, max_reps)
    ev: dict[int, Evaluated] = {}
    total = n * max_reps
    runs = rounds = 0
    if progress is not None:
        progress(0, total)

    def bound(c: int) -> tuple[float, float, tuple[int, int] | None]:
        """Lower bounds of (rule shortfall, mean distance) of ``c`` and the (witness, target) of the largest."""
        rule_of = [0.0] * len(targets)
        mean_of = [0.0] * len(targets)
        witness, strongest = None, 0.0
        for d, e in ev.items():
            for k, x in enumerate(targets):
                # a miss within the witness's own noise proves nothing about its neighbours' meeting it
                proven = max(0.0, e.short[k] - e.slack[k])
                if (proven > rule_of[k] or e.short_mean[k] > mean_of[k]) and \
                        worse_or_equal(points[c], points[d], x.kpi, x.op):
                    rule_of[k] = max(rule_of[k], proven)
                    mean_of[k] = max(mean_of[k], e.short_mean[k])
                    if proven > strongest:
                        witness, strongest = (d, k), proven
        return sum(rule_of), sum(mean_of), witness

    while True:
        pending = [c for c in range(n) if c not in ev]
        bounds = {c: bound(c) for c in pending}
        best = choose({c: e.meets for c, e in ev.items()}, {c: e.distance for c, e in ev.items()}, order_keys)
        queue = sorted(pending, key=lambda c: (bounds[c][0] > 0, bounds[c][1], order_keys[c], c))
        if not exhaustive and best is not None:
            found = any(e.meets for e in ev.values())
            d_min = min(e.distance for e in ev.values())
            queue = [c for c in queue
                     if needed(bounds[c][0], bounds[c][1], (order_keys[c], c), (order_keys[best], best), found, d_min)]
        tasks = {c: list(range(first)) for c in (queue if exhaustive else queue[:WIDTH])}
        if not queue:
            tasks = _contenders(ev, max_reps)
            if not tasks:
                break
        while tasks:
            rounds += 1
            order = sorted(tasks)
            out = run([scenarios[c] for c in order], [tasks[c] for c in order])
            runs += sum(len(tasks[c]) for c in order)
            tasks = {}
            for c, res in zip(order, out):
                e = ev.setdefault(c, Evaluated())
                e.results.extend(res)
                _update(e, targets, rule)
                if e.done or len(e.results) >= max_reps:
                    e.done = True
                else:
                    tasks[c] = list(range(len(e.results), next_reps(len(e.results), max_reps)))
            if progress is not None:
                progress(_progress(ev, n, max_reps), total)
    pending = [c for c in range(n) if c not in ev]
    final = {c: bound(c) for c in pending}
    if progress is not None:
        progress(total, total)
    return SearchOutcome(ev, {c: w for c, (_, _, w) in final.items() if w is not None},
                         {c: lb for c, (_, lb, _) in final.items()}, rounds, runs)


def _contenders(ev: dict[int, Evaluated], max_reps: int) -> dict[int, list[int]]:
    """Configurations that could still be the answer but have fewer than ``max_reps`` replications:
    they get the rest, so that the answer is judged on the same runs as in the exhaustive sweep."""
    if any(e.meets for e in ev.values()):
        return {}  # a "yes" is already confirmed with max_reps (see _update)
    d_min = min(e.distance for e in ev.values())
    return {c: list(range(len(e.results), max_reps)) for c, e in ev.items()
            if len(e.results) < max_reps and e.distance <= d_min + CONTEND}


def _update(e: Evaluated, targets: Sequence[Any], rule: str) -> None:
    e.stats, e.short, e.short_mean, e.slack = [], [], [], []
    n = len(e.results)
    all_settled = True
    for x in targets:
        values = np.array([r.kpis[x.kpi] for r in e.results], dtype=float)
        mean, _sd, half, _n = t_interval(values)
        low, high = mean - half, mean + half
        e.stats.append((mean, low, high))
        e.short.append(shortfall(x, mean, low, high, rule))
        e.short_mean.append(shortfall(x, mean))
        e.slack.append(0.0 if math.isnan(half) else half / (abs(x.value) or 1.0))
        all_settled &= settled(x, mean, low, high, n)
    # stop early only on a clear "no": a configuration that meets every target is confirmed with
    # max_reps replications, as the exhaustive sweep would judge it
    e.done = all_settled and not e.meets


def _progress(ev: dict[int, Evaluated], n: int, max_reps: int) -> int:
    """Work resolved so far, in runs: simulated or no longer needed."""
    resolved = sum(max_reps for e in ev.values() if e.done) + sum(len(e.results) for e in ev.values() if not e.done)
    return min(resolved, n * max_reps)
