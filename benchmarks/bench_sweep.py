"""Benchmark: the walkthrough's single run and the planner's sweep.

Targets:

* one kelurahan-year (``scenarios/pelatihan_satu_kelurahan.yaml``) in ≤ 0.3 s, so the
  walkthrough feels live: ``runner.run_once`` with the population already cached, as in
  the app after its first run (the first, cold run with population generation is
  reported apart);
* a sweep of 20 staffing configurations (district FO 1–4 × district BO 1–5) × 30
  replications of that kelurahan-year in ≤ 10 s on 2 cores (``sweep.run_sweep``, 2 local
  processes, population cache cleared first so each sweep makes it once);
* the scaling from 1 worker (in-process loop) to 2 worker processes: speed-up and
  efficiency; both backends must give identical tables (checked).

Medians over repeats, with min and max (other jobs may share the cores).

    .venv/bin/python benchmarks/bench_sweep.py [--quick] [--json]
"""
from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import clock, fmt, fmt_spread, spread, table  # noqa: E402

NAME = "sweep"
SCENARIO = ROOT / "scenarios" / "pelatihan_satu_kelurahan.yaml"
TARGET_SINGLE_S = 0.3
TARGET_SWEEP_S = 10.0
FULL = {"fo": (1, 2, 3, 4), "bo": (1, 2, 3, 4, 5), "replications": 30, "single_runs": 15, "repeats": 3}
QUICK = {"fo": (1, 2), "bo": (1, 2), "replications": 4, "single_runs": 3, "repeats": 1}


def _single(s, runs: int) -> tuple[float, list[float]]:
    from slrt_sim.experiments import runner

    runner._POP_CACHE.clear()
    gc.collect()
    c0 = clock()
    runner.run_once(s, 0, keep_cases=True)
    cold = clock()[0] - c0[0]
    warm = []
    for r in range(runs):
        c0 = clock()
        runner.run_once(s, r, keep_cases=True)  # the walkthrough keeps the cases of its first replication
        warm.append(clock()[0] - c0[0])
    return cold, warm


def _sweep(s, configs, reps: int, workers: int):
    from slrt_sim.experiments import runner
    from slrt_sim.experiments.sweep import run_sweep

    runner._POP_CACHE.clear()
    gc.collect()
    c0 = clock()
    res = run_sweep(s, configs, replications=reps, workers=workers)
    return clock()[0] - c0[0], res


def run(quick: bool = False) -> dict[str, Any]:
    import pandas as pd

    from slrt_sim.domain.scenario import load_scenario
    from slrt_sim.experiments.sweep import Vary, grid

    p = QUICK if quick else FULL
    s = load_scenario(SCENARIO)
    cold, warm = _single(s, p["single_runs"])
    configs = grid([Vary("staffing.district_fo", p["fo"]), Vary("staffing.district_bo", p["bo"])])
    reps = p["replications"]
    two, one, cpu = [], [], []
    ref = None
    for _ in range(p["repeats"]):
        wall, res = _sweep(s, configs, reps, 2)
        two.append(wall)
        cpu.append(res.meta["cpu_seconds"])
        ref = res.runs if ref is None else ref
    for _ in range(p["repeats"]):
        wall, res = _sweep(s, configs, reps, 1)
        one.append(wall)
    identical = True
    try:
        pd.testing.assert_frame_equal(ref, res.runs, check_exact=True)
    except AssertionError:
        identical = False
    out: dict[str, Any] = {
        "benchmark": NAME, "scenario": s.name, "quick": quick, "cpu_count": os.cpu_count(),
        "single_cold_s": cold, "single_s": spread(warm), "target_single_s": TARGET_SINGLE_S,
        "configs": len(configs), "replications": reps, "runs": len(configs) * reps,
        "sweep_2_workers_s": spread(two), "sweep_1_worker_s": spread(one), "target_sweep_s": TARGET_SWEEP_S,
        "identical_tables": identical,
        # CPU seconds of the simulation runs summed over the workers: what the sweep costs on idle
        # cores, whatever else shares the machine (wall time includes waiting for a core)
        "sweep_cpu_s": spread(cpu),
    }
    out["cpu_per_run_ms"] = out["sweep_cpu_s"]["median"] / out["runs"] * 1000
    out["sweep_2_cores_idle_estimate_s"] = out["sweep_cpu_s"]["median"] / 2
    out["speedup"] = out["sweep_1_worker_s"]["median"] / out["sweep_2_workers_s"]["median"]
    out["efficiency"] = out["speedup"] / 2
    out["runs_per_s_2_workers"] = out["runs"] / out["sweep_2_workers_s"]["median"]
    out["target_single_met"] = None if quick else out["single_s"]["median"] <= TARGET_SINGLE_S
    out["target_sweep_met"] = None if quick else out["sweep_2_workers_s"]["median"] <= TARGET_SWEEP_S
    out["load_average"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return out


def _verdict(met) -> str:
    return "not judged (quick)" if met is None else ("met" if met else "NOT met")


def _table(r: dict[str, Any]) -> str:
    head = (f"{r['scenario']}: one kelurahan-year; sweep {r['configs']} configurations × {r['replications']} "
            f"replications = {r['runs']} runs; {r['cpu_count']} CPUs")
    rows = [
        ("single run (population cached)", *fmt_spread(r["single_s"], " s"), f"≤ {fmt(r['target_single_s'])} s",
         _verdict(r["target_single_met"])),
        ("single run, cold (population made)", fmt(r["single_cold_s"], " s"), "", "", ""),
        ("sweep, 2 worker processes", *fmt_spread(r["sweep_2_workers_s"], " s"), f"≤ {fmt(r['target_sweep_s'])} s",
         _verdict(r["target_sweep_met"])),
        ("sweep, 1 worker (in-process loop)", *fmt_spread(r["sweep_1_worker_s"], " s"), "", ""),
        ("speed-up 1 → 2 workers", fmt(r["speedup"], "×"), f"efficiency {fmt(r['efficiency'] * 100, ' %')}", "", ""),
        ("runs per second (2 workers)", fmt(r["runs_per_s_2_workers"]), "", "", ""),
        ("CPU per run (in the workers)", fmt(r["cpu_per_run_ms"], " ms"), "", "", ""),
        ("run CPU / 2 cores (idle estimate)", fmt(r["sweep_2_cores_idle_estimate_s"], " s"), "", "", ""),
        ("identical tables (1 vs 2 workers)", fmt(r["identical_tables"]), "", "", ""),
    ]
    head += f"; load average at the end {fmt(r['load_average'])}"
    return head + "\n" + table(rows, ("measure", "median", "min – max", "target", "verdict"))


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv[1:])
    print(_table(result))
    if "--json" in sys.argv[1:]:
        print(json.dumps(result))
