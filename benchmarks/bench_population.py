"""Benchmark of :func:`slrt_sim.domain.population.generate_population`.

Targets: at least 200,000 persons per second, one million persons in under 5 s on one
core, peak memory under 300 MB. Run ``python benchmarks/bench_population.py [--quick]``;
:func:`run` returns the figures as a dict.

Time is the median of several runs in this process. Memory is measured in a fresh
subprocess (so earlier runs do not count): ``peak_traced_mb`` is tracemalloc's peak of
the generation itself (numpy and pandas buffers included), ``peak_rss_mb`` the process's
maximum resident size (interpreter, numpy/pandas/faker imports included) and
``baseline_rss_mb`` the resident size after the imports, before generating.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import benchmarks  # noqa: E402,F401  (one BLAS/OpenMP thread, before numpy)

PERSONS_PER_HOUSEHOLD = 3.7  # about the mean size with the default household sizes


def synthetic_scenario(n_persons: int = 1_000_000, villages_per_kecamatan: int = 10, n_kecamatan: int = 20):
    """An in-memory scenario with about ``n_persons`` people (urban and rural villages)."""
    from slrt_sim.domain.scenario import scenario_from_dict

    n_villages = villages_per_kecamatan * n_kecamatan
    per_village = max(1, round(n_persons / PERSONS_PER_HOUSEHOLD / n_villages))
    kecamatan = []
    for k in range(n_kecamatan):
        kecamatan.append({
            "name": f"Kecamatan {k + 1}",
            "code": f"3375{k + 1:02d}",
            "villages": [
                {"name": f"Desa {k + 1}.{j + 1}", "households": per_village,
                 "poverty_rate": 0.03 + 0.3 * ((k * villages_per_kecamatan + j) % 17) / 16,
                 "urban": j % 3 != 0, "puskesos": j == 0}
                for j in range(villages_per_kecamatan)
            ],
        })
    return scenario_from_dict({
        "name": "bench",
        "seed": 1,
        "region": {"kabupaten": "Kota Bench", "kind": "kota", "province": "Jawa Tengah",
                   "bps_code": "3375", "kecamatan": kecamatan},
    })


def _time_runs(scenario, repeats: int, persons: bool = True) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU seconds of ``repeats`` generations (CPU time is robust to a busy machine)."""
    from slrt_sim.domain.population import generate_population

    times, cpu, n = [], [], 0
    for r in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        pop = generate_population(scenario, seed=r, persons=persons)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        n = pop.n_persons
        del pop
    return times, cpu, n


_MEMORY_CHILD = r"""
import json, resource, sys, tracemalloc
sys.path.insert(0, {root!r})

def peak_rss_mb():
    # VmHWM belongs to this process image; ru_maxrss would include the parent's RSS
    # inherited across fork/exec on Linux
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

from benchmarks.bench_population import synthetic_scenario
from slrt_sim.domain.population import generate_population
s = synthetic_scenario({n})
base = peak_rss_mb()
tracemalloc.start()
pop = generate_population(s, seed=0)
cur, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
print(json.dumps({{"peak_traced_mb": peak / 2**20, "peak_rss_mb": peak_rss_mb(),
                  "baseline_rss_mb": base, "result_mb": cur / 2**20, "persons": pop.n_persons}}))
"""


def measure_memory(n_persons: int) -> dict:
    code = _MEMORY_CHILD.format(root=str(ROOT), n=n_persons)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> dict:
    """Measure speed and memory; ``quick`` uses 200,000 persons and fewer repeats."""
    n_target = 200_000 if quick else 1_000_000
    repeats = 3 if quick else 5
    mem = measure_memory(n_target)  # first, while this process is still small
    scenario = synthetic_scenario(n_target)
    _time_runs(scenario, 1)  # warm-up (imports, caches)
    times, cpu, n = _time_runs(scenario, repeats)
    times_light, _, _ = _time_runs(scenario, repeats, persons=False)
    med = statistics.median(times)
    return {
        "persons": n,
        "households": scenario.region.n_households,
        "repeats": repeats,
        "seconds_median": med,
        "seconds_min": min(times),
        "seconds_per_1m_persons": med * 1_000_000 / n,
        "persons_per_second": n / med,
        "cpu_seconds_median": statistics.median(cpu),
        "persons_per_cpu_second": n / statistics.median(cpu),
        "seconds_median_households_only": statistics.median(times_light),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        **mem,
    }


def _table(res: dict) -> str:
    rows = [
        ("persons generated", f"{res['persons']:,}"),
        ("households", f"{res['households']:,}"),
        ("runs (median of)", f"{res['repeats']}"),
        ("seconds (median)", f"{res['seconds_median']:.3f}"),
        ("seconds (best)", f"{res['seconds_min']:.3f}"),
        ("seconds per 1M persons", f"{res['seconds_per_1m_persons']:.3f}   (target < 5)"),
        ("persons per second", f"{res['persons_per_second']:,.0f}   (target >= 200,000)"),
        ("CPU seconds (median)", f"{res['cpu_seconds_median']:.3f}"),
        ("persons per CPU second", f"{res['persons_per_cpu_second']:,.0f}"),
        ("seconds, persons=False", f"{res['seconds_median_households_only']:.3f}"),
        ("peak traced MB (generation)", f"{res['peak_traced_mb']:.0f}   (target < 300)"),
        ("peak RSS MB (whole process)", f"{res['peak_rss_mb']:.0f}"),
        ("RSS MB after imports", f"{res['baseline_rss_mb']:.0f}"),
        ("result tables MB", f"{res['result_mb']:.0f}"),
        ("machine load average", f"{res['load_average']:.1f}" if res["load_average"] is not None else "–"),
    ]
    w = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{w}}  {v}" for k, v in rows)


if __name__ == "__main__":
    quick = "--quick" in sys.argv[1:]
    result = run(quick=quick)
    print(_table(result))
    if "--json" in sys.argv[1:]:
        print(json.dumps(result))
