"""Benchmark of the role play's outcomes.

* ``pair`` — one front-office submit: the trainee's run of the class's kelurahan (183 days after a
  28-day start, ten scripted households) against the cached key run: target < 1 s;
* ``class_view`` — the trainer's class view for 70 trainees × 10 submitted cases, cold (no
  trainee cached): target < 3 s.

Wall-clock medians and CPU seconds (robust to a busy machine). Run
``python benchmarks/bench_outcomes.py [--quick]``; :func:`run` returns the figures as a dict.
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import benchmarks  # noqa: E402,F401  (one BLAS/OpenMP thread, before numpy)

SEED, LEVEL = 2018, "sedang"


def _answers(fo, case, rng: random.Random) -> dict:
    a = dict(fo.answer_key(case))
    a.pop("referrals")
    a["sktm"] = a["sktm"][0] if a["sktm"] else None
    r = rng.random()
    if r < 0.15:
        a["nik"] = a["nik"][:-2] + a["nik"][-1] + a["nik"][-2]
    elif r < 0.3 and len(a["needs"]) > 1:
        a["needs"] = a["needs"][1:]
    elif r < 0.4:
        a["fast_track"] = not a["fast_track"]
    elif r < 0.5 and a["decision"] == "refer_bo":
        a["programs"] = ["PKH"]
    elif r < 0.6 and case.problem == "false_sktm":
        a.update(sktm="accept", decision="refer_bo", programs=["BPNT", "LOCAL", "PBI_JK"])
    return a


def run(quick: bool = False) -> dict:
    from slrt_sim.training import class_outcomes as C
    from slrt_sim.training import front_office as fo
    from slrt_sim.training import outcomes as O

    repeats = 5 if quick else 15
    n_trainees = 20 if quick else 70
    code = "BENCH-OC"
    cases = fo.build_cases(code, SEED, LEVEL)
    t0 = time.perf_counter()
    O.class_key_run(code, SEED, LEVEL)
    first_key = time.perf_counter() - t0
    rng = random.Random(1)
    walls, cpus = [], []
    for k in range(repeats):
        answers = {i: _answers(fo, c, rng) for i, c in enumerate(cases[: 1 + k % len(cases)])}
        w, c = time.perf_counter(), time.process_time()
        O.fo_outcome(code, SEED, LEVEL, answers)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    subs = {f"T{k:02d}": {i: _answers(fo, c, rng) for i, c in enumerate(cases)} for k in range(n_trainees)}
    C._trainee_cached.cache_clear()
    w, c = time.perf_counter(), time.process_time()
    view = C.class_view(code, SEED, LEVEL, subs)
    class_wall, class_cpu = time.perf_counter() - w, time.process_time() - c
    assert view["cases_in"] == n_trainees * len(cases)
    return {
        "key_run_first_s": round(first_key, 3),
        "pair_median_s": round(statistics.median(walls), 4),
        "pair_cpu_median_s": round(statistics.median(cpus), 4),
        "pair_max_s": round(max(walls), 4),
        "class_view_trainees": n_trainees,
        "class_view_cases": view["cases_in"],
        "class_view_s": round(class_wall, 3),
        "class_view_cpu_s": round(class_cpu, 3),
        "targets": "pair < 1 s; class view (70 x 10) < 3 s",
    }


if __name__ == "__main__":
    quick = "--quick" in sys.argv[1:]
    for k, v in run(quick=quick).items():
        print(f"{k:24s} {v}")
