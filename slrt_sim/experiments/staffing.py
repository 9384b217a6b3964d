"""Staffing effects: the paired effect of halving and doubling each staff group.

For one scenario, every staff group (:data:`GROUPS`) is halved and doubled in turn, all else
equal, and each variant is run on the same replications as the base (common random numbers:
the same needs, walk-in decisions and routes), so the effect of a group is the mean of the
per-replication differences, with a t-based 95% interval (:func:`effects`). The groups:

============== ===================================== =========================================
group          setting changed                       halved / doubled
============== ===================================== =========================================
fasilitators   ``staffing.fasilitators_per_village`` district value and every village override
                                                     (halving keeps at least one)
puskesos_fo    ``staffing.puskesos_fo``              1 -> 0 (the Puskesos register nobody) / 2
district_fo    ``staffing.district_fo``              ceil(n/2) / 2n
district_bo    ``staffing.district_bo``              ceil(n/2) / 2n
dtks_operator  ``dtks.operators``                    ceil(n/2) / 2n
supervisor     ``staffing.supervisors``              ceil(n/2) / 2n
============== ===================================== =========================================

``python -m slrt_sim.experiments.staffing [scenario] [replications]`` prints the table in
Markdown (the one in docs/developer.md, "Staffing effects").
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import numpy as np

from slrt_sim.domain.scenario import Scenario
from slrt_sim.experiments.results import t_interval

GROUPS = ("fasilitators", "puskesos_fo", "district_fo", "district_bo", "dtks_operator", "supervisor")
KEYS = {"puskesos_fo": "staffing.puskesos_fo", "district_fo": "staffing.district_fo",
        "district_bo": "staffing.district_bo", "dtks_operator": "dtks.operators",
        "supervisor": "staffing.supervisors"}
OUTCOMES = ("target_met_90d", "wait_fo_hours", "wait_bo_hours")
UTILISATION = {"fasilitators": "util_fasilitator", "puskesos_fo": "util_puskesos", "district_fo": "util_fo",
               "district_bo": "util_bo"}
"""The utilisation KPI of each group that has one (operators and supervisors work through queues
of DTKS items: their load shows in the DTKS counters, not in a utilisation)."""


def _value(s: Scenario, group: str) -> int:
    if group == "fasilitators":
        return s.staffing.fasilitators_per_village
    section, key = KEYS[group].split(".")
    return int(getattr(getattr(s, section), key))


def _scaled(n: int, factor: float, group: str) -> int:
    if factor > 1:
        return 2 * n
    if group == "puskesos_fo":
        return n // 2
    return max(1, math.ceil(n / 2))


def variant(s: Scenario, group: str, factor: float) -> tuple[Scenario, int]:
    """Scenario ``s`` with ``group`` halved (``factor`` 0.5) or doubled (2): (scenario, new value)."""
    n = _value(s, group)
    new = _scaled(n, factor, group)
    if group != "fasilitators":
        return s.with_overrides([f"{KEYS[group]}={new}"]), new
    sets = [f"staffing.fasilitators_per_village={new}"]
    for ki, kec in enumerate(s.region.kecamatan):
        for vi, v in enumerate(kec.villages):
            if v.fasilitators is not None:
                sets.append(f"region.kecamatan[{ki}].villages[{vi}].fasilitators="
                            f"{_scaled(v.fasilitators, factor, group)}")
    return s.with_overrides(sets), new


@dataclass(frozen=True)
class Effect:
    group: str
    base: int
    value: int
    outcome: str
    mean: float
    half: float
    utilisation: float  # mean utilisation of the group in the variant (nan: none measured)


def effects(s: Scenario, replications: int = 10, workers: int = 1) -> tuple[dict[str, float], list[Effect]]:
    """(base means, the paired effects of halving and doubling each group on :data:`OUTCOMES`)."""
    from slrt_sim.experiments.runner import Keep, run_many

    reps = list(range(replications))
    variants = [(g, f) + variant(s, g, f) for g in GROUPS for f in (0.5, 2.0)]
    runs = run_many([s] + [v[2] for v in variants], reps, workers=workers, keep=Keep(cases=False, timeline=False))
    base = runs.results[0]
    kpi = lambda res, k: np.array([r.kpis[k] for r in res], dtype=float)  # noqa: E731
    base_means = {k: float(np.nanmean(kpi(base, k))) for k in OUTCOMES + tuple(UTILISATION.values())}
    out = []
    for (g, _f, _s, new), res in zip(variants, runs.results[1:]):
        util = float(np.nanmean(kpi(res, UTILISATION[g]))) if g in UTILISATION else float("nan")
        for k in OUTCOMES:
            mean, _sd, half, _n = t_interval(kpi(res, k) - kpi(base, k))
            out.append(Effect(g, _value(s, g), new, k, mean, half, util))
    return base_means, out


def markdown(base: dict[str, float], rows: list[Effect]) -> str:
    """The table: one line per group and change, the effect on each outcome with its 95% interval."""
    head = ("| group | staff | target needs met ≤ 90 d (points) | FO wait (h) | BO wait (h) | utilisation |\n"
            "|---|---|---|---|---|---|")
    lines = [head]
    by = {}
    for r in rows:
        by.setdefault((r.group, r.value), {})[r.outcome] = r
    for (g, new), d in by.items():
        r0 = next(iter(d.values()))
        m = d["target_met_90d"]
        cells = [f"{100 * m.mean:+.1f} ± {100 * m.half:.1f}",
                 f"{d['wait_fo_hours'].mean:+.1f} ± {d['wait_fo_hours'].half:.1f}",
                 f"{d['wait_bo_hours'].mean:+.1f} ± {d['wait_bo_hours'].half:.1f}",
                 "—" if math.isnan(r0.utilisation) else f"{100 * r0.utilisation:.0f} %"]
        lines.append(f"| {g} | {r0.base} → {new} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    from slrt_sim.domain.scenario import load_scenario
    from slrt_sim.paths import SCENARIOS

    name = argv[0] if argv else "kota_pekalongan"
    reps = int(argv[1]) if len(argv) > 1 else 10
    workers = int(argv[2]) if len(argv) > 2 else 1
    s = load_scenario(SCENARIOS / f"{name}.yaml")
    base, rows = effects(s, reps, workers)
    print({k: round(v, 3) for k, v in base.items()})
    print(markdown(base, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
