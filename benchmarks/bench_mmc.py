"""Benchmark: the M/M/c validation case, the model against bare SimPy and Ciw.

Three implementations of the same queue (λ, μ, c and horizon read from
``scenarios/validation/mmc.yaml``: Poisson walk-ins at ``walkin.rate_per_day``, exponential
front-office service ``service.fo_registration`` in minutes on a continuous calendar,
c = ``staffing.district_fo``):

* **model**: :class:`slrt_sim.model.flow.Model` on the scenario (``Model(...)`` + ``.run()``; the
  1,000-household population is made once, outside the timing, as the runner caches it);
* **simpy**: a bare SimPy M/M/c written here (:func:`simpy_mmc`): a Poisson arrivals
  generator, ``simpy.Resource(capacity=c)``, exponential service, waits into a list;
* **ciw**: ``ciw.create_network`` + ``ciw.Simulation(N).simulate_until_max_time(T)``.

The three run interleaved in rounds (model, simpy, ciw, model, simpy, ciw, ...) so that
noise from other jobs on the machine hits all alike; figures are medians over the rounds
(min and max reported). Round ``r`` uses seed ``r`` in each (replication ``r`` of the
model), so the mean waits, averaged over the rounds, can be checked against Erlang C.

Events are counted the same way for the model and bare SimPy: the events processed by
:func:`slrt_sim.model.engine.run_until` (``env.step()`` in a counting loop, public SimPy API),
which runs both event loops. Time per event divides the event loop's time (for the model
``Model.run()``) by those events.

Targets (issue): model time per event ≤ 1.5 × bare SimPy's; Ciw wall time ≥ 2 × the
model's (model wall time = ``Model(...)`` + ``.run()``; Ciw's = network + simulation).

    .venv/bin/python benchmarks/bench_mmc.py [--quick] [--json]
"""
from __future__ import annotations

import gc
import json
import math
import random
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import clock, fmt, fmt_spread, spread, table  # noqa: E402

NAME = "mmc"
SCENARIO = ROOT / "scenarios" / "validation" / "mmc.yaml"
ROUNDS = 7
QUICK = {"rounds": 2, "overrides": {"horizon_days": 40, "warmup_days": 5}}
TARGET_EVENT_RATIO = 1.5  # model time per event / bare SimPy time per event, at most
TARGET_CIW_RATIO = 2.0  # Ciw wall time / model wall time, at least
IMPLS = ("model", "simpy", "ciw")


# ----------------------------------------------------------------------------- theory
def erlang_c(lam: float, mu: float, c: int) -> tuple[float, float]:
    """(P(wait), Wq) of an M/M/c queue; Wq in the time unit of 1/λ."""
    a = lam / mu
    if a >= c:
        return 1.0, float("inf")
    top = a ** c / math.factorial(c) * c / (c - a)
    p = top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)
    return p, p / (c * mu - lam)


def mmc_params(s) -> dict[str, float]:
    """λ, μ (per day), c, horizon and warm-up (days) of an M/M/c scenario."""
    from slrt_sim.domain.calendar import MINUTES_PER_DAY

    svc = s.service.fo_registration
    if s.calendar.kind != "continuous" or svc.dist != "exponential" or not s.walkin.rate_per_day:
        raise ValueError(f"{s.name} is not the M/M/c case (continuous calendar, Poisson walk-ins, exponential FO)")
    return {"lam": float(s.walkin.rate_per_day), "mu": MINUTES_PER_DAY / svc.mean, "c": int(s.staffing.district_fo),
            "horizon": float(s.horizon_days), "warmup": float(s.warmup_days)}


# ----------------------------------------------------------------------------- the three
def _times(t0, t1, t2) -> dict[str, float]:
    """Wall and CPU seconds of the whole (t0..t2) and of the event loop (t1..t2)."""
    return {"seconds": t2[0] - t0[0], "cpu_seconds": t2[1] - t0[1],
            "loop_seconds": t2[0] - t1[0], "loop_cpu_seconds": t2[1] - t1[1]}


def model_mmc(s, pop, replication: int) -> dict[str, Any]:
    from slrt_sim.model.flow import Model
    from slrt_sim.model.streams import replication_seed

    t0 = clock()
    m = Model(s, pop, replication_seed(s.seed, replication))
    t1 = clock()
    rec = m.run()
    t2 = clock()
    waits = rec.stages["fo_district"].waits  # days, services started after the warm-up
    return {**_times(t0, t1, t2), "events": rec.events, "arrivals": len(rec.cases),
            "mean_wait_days": statistics.fmean(waits) if waits else float("nan"), "measured": len(waits)}


def simpy_mmc(lam: float, mu: float, c: int, horizon: float, warmup: float, seed: int) -> dict[str, Any]:
    """A bare SimPy M/M/c: the reference for SimPy's own cost per event."""
    import simpy
    from slrt_sim.model.engine import run_until

    t0 = clock()
    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=c)
    waits: list[float] = []
    arrivals = 0

    def customer():
        t = env.now
        with servers.request() as req:
            yield req
            if env.now >= warmup:  # as the model: services started after the warm-up
                waits.append(env.now - t)
            yield env.timeout(rng.expovariate(mu))

    def source():
        nonlocal arrivals
        while True:
            yield env.timeout(rng.expovariate(lam))
            arrivals += 1
            env.process(customer())

    env.process(source())
    t1 = clock()
    events = run_until(env, horizon)
    t2 = clock()
    return {**_times(t0, t1, t2), "events": events, "arrivals": arrivals,
            "mean_wait_days": statistics.fmean(waits) if waits else float("nan"), "measured": len(waits)}


def ciw_mmc(lam: float, mu: float, c: int, horizon: float, warmup: float, seed: int) -> dict[str, Any]:
    import ciw

    ciw.seed(seed)
    t0 = clock()
    N = ciw.create_network(arrival_distributions=[ciw.dists.Exponential(lam)],
                           service_distributions=[ciw.dists.Exponential(mu)], number_of_servers=[c])
    Q = ciw.Simulation(N)
    Q.simulate_until_max_time(horizon)
    t1 = clock()
    waits = [r.waiting_time for r in Q.get_all_records() if r.service_start_date >= warmup]
    return {**_times(t0, t0, t1), "events": None,
            "arrivals": int(Q.nodes[0].number_of_individuals),
            "mean_wait_days": statistics.fmean(waits) if waits else float("nan"), "measured": len(waits)}


# ----------------------------------------------------------------------------- the benchmark
def run(quick: bool = False) -> dict[str, Any]:
    from slrt_sim.experiments.runner import get_population
    from slrt_sim.domain.scenario import load_scenario

    s = load_scenario(SCENARIO)
    rounds = ROUNDS
    if quick:
        s = s.with_overrides(QUICK["overrides"])
        rounds = QUICK["rounds"]
    p = mmc_params(s)
    lam, mu, c, horizon, warmup = p["lam"], p["mu"], p["c"], p["horizon"], p["warmup"]
    pop = get_population(s)
    args = (lam, mu, c, horizon, warmup)
    calls = {
        "model": lambda r: model_mmc(s, pop, r),
        "simpy": lambda r: simpy_mmc(*args, seed=r),
        "ciw": lambda r: ciw_mmc(*args, seed=r),
    }
    for name in IMPLS:  # warm-up round, not counted (imports, first allocations)
        calls[name](10_000)
    per: dict[str, list[dict[str, Any]]] = {name: [] for name in IMPLS}
    for r in range(rounds):
        for name in IMPLS:
            gc.collect()
            per[name].append(calls[name](r))

    p_wait, wq = erlang_c(lam, mu, c)
    out: dict[str, Any] = {
        "benchmark": NAME, "scenario": s.name, "quick": quick, "rounds": rounds,
        "lam_per_day": lam, "mu_per_day": mu, "c": c, "horizon_days": horizon, "warmup_days": warmup,
        "expected_arrivals": lam * horizon, "erlang_c_wait_prob": p_wait, "erlang_c_wq_hours": wq * 24.0,
    }
    for name in IMPLS:
        rs = per[name]
        d: dict[str, Any] = {
            "seconds": spread(x["seconds"] for x in rs),
            "cpu_seconds": spread(x["cpu_seconds"] for x in rs),
            "arrivals": spread(x["arrivals"] for x in rs),
            "arrivals_mean": statistics.fmean(x["arrivals"] for x in rs),
            # mean over the rounds of each round's mean wait (independent seeds)
            "mean_wait_hours": statistics.fmean(x["mean_wait_days"] for x in rs) * 24.0,
            "mean_wait_hours_per_round": [x["mean_wait_days"] * 24.0 for x in rs],
        }
        if rs[0]["events"] is not None:
            d["events"] = spread(x["events"] for x in rs)
            d["events_per_arrival"] = statistics.fmean(x["events"] / x["arrivals"] for x in rs)
            d["loop_seconds"] = spread(x["loop_seconds"] for x in rs)
            d["us_per_event"] = spread(x["loop_seconds"] / x["events"] * 1e6 for x in rs)
            d["events_per_s"] = spread(x["events"] / x["loop_seconds"] for x in rs)
            d["us_per_event_cpu"] = spread(x["loop_cpu_seconds"] / x["events"] * 1e6 for x in rs)
        out[name] = d
    # ratios per round (same round: same machine conditions), then the median; wall and CPU time
    for suffix, loop, whole in (("", "loop_seconds", "seconds"), ("_cpu", "loop_cpu_seconds", "cpu_seconds")):
        out[f"per_event_ratio_model_vs_simpy{suffix}"] = spread(
            (m[loop] / m["events"]) / (b[loop] / b["events"]) for m, b in zip(per["model"], per["simpy"]))
        out[f"wall_ratio_ciw_vs_model{suffix}"] = spread(
            w[whole] / m[whole] for m, w in zip(per["model"], per["ciw"]))
        out[f"wall_ratio_model_vs_simpy{suffix}"] = spread(
            m[whole] / b[whole] for m, b in zip(per["model"], per["simpy"]))
    arr = [out[n]["arrivals_mean"] for n in IMPLS]
    out["arrivals_max_rel_diff"] = (max(arr) - min(arr)) / min(arr)
    # "a few percent": 3 %, or 4 standard errors of the mean Poisson count if the run is small (quick)
    out["arrivals_tolerance"] = max(0.03, 4.0 / math.sqrt(lam * horizon * rounds))
    out["arrivals_ok"] = out["arrivals_max_rel_diff"] <= out["arrivals_tolerance"]
    for name in IMPLS:  # sanity: mean waits near Erlang C (one run's mean wait is noisy: ~15 % sd at ρ = 0.83)
        out[name]["wait_rel_diff_erlang_c"] = out[name]["mean_wait_hours"] / (wq * 24.0) - 1.0
    out["target_per_event_ratio"] = TARGET_EVENT_RATIO
    out["target_ciw_ratio"] = TARGET_CIW_RATIO
    out["target_per_event_met"] = out["per_event_ratio_model_vs_simpy"]["median"] <= TARGET_EVENT_RATIO
    out["target_ciw_met"] = out["wall_ratio_ciw_vs_model"]["median"] >= TARGET_CIW_RATIO
    out["target_per_event_met_cpu"] = out["per_event_ratio_model_vs_simpy_cpu"]["median"] <= TARGET_EVENT_RATIO
    out["target_ciw_met_cpu"] = out["wall_ratio_ciw_vs_model_cpu"]["median"] >= TARGET_CIW_RATIO
    return out


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def _table(r: dict[str, Any]) -> str:
    head = (f"{r['scenario']}: M/M/c with λ = {fmt(r['lam_per_day'])}/day, μ = {fmt(r['mu_per_day'])}/day, "
            f"c = {r['c']}, {fmt(r['horizon_days'])} days (warm-up {fmt(r['warmup_days'])}); "
            f"{r['rounds']} interleaved rounds, medians (min – max)")
    rows = []
    for name in IMPLS:
        d = r[name]
        sec, sec_rng = fmt_spread(d["seconds"], " s")
        cpu = fmt(d["cpu_seconds"]["median"], " s")
        if "us_per_event" in d:
            us, us_rng = fmt_spread(d["us_per_event"], " µs")
            us_cpu = fmt(d["us_per_event_cpu"]["median"], " µs")
            ev = fmt(int(d["events"]["median"]))
            epa = fmt(d["events_per_arrival"])
        else:
            us = us_rng = us_cpu = ev = epa = "—"
        rows.append((name, sec, sec_rng, cpu, ev, epa, us, us_rng, us_cpu, fmt(round(d["arrivals_mean"], 1)),
                     fmt(d["mean_wait_hours"], " h"), f"{d['wait_rel_diff_erlang_c'] * 100:+.1f} %"))
    t = table(rows, ("", "wall", "min – max", "CPU", "events", "ev/arrival", "µs/event", "min – max",
                     "µs/event CPU", "arrivals (mean)", "mean Wq", "vs Erlang C"))

    def ratio(key: str, cmp: str, target: float, met: bool, met_cpu: bool) -> str:
        w, c = r[key], r[key + "_cpu"]
        return (f"{fmt(w['median'])}× ({fmt(w['min'])} – {fmt(w['max'])}); CPU time {fmt(c['median'])}× "
                f"({fmt(c['min'])} – {fmt(c['max'])}); target {cmp} {fmt(target)}×: {_verdict(met)}"
                + ("" if met == met_cpu else f" (CPU time: {_verdict(met_cpu)})"))

    lines = [
        head, t,
        f"Erlang C: Wq = {fmt(r['erlang_c_wq_hours'])} h, P(wait) = {fmt(r['erlang_c_wait_prob'])}; "
        f"expected arrivals λT = {fmt(r['expected_arrivals'])}; arrivals differ by at most "
        f"{r['arrivals_max_rel_diff'] * 100:.1f} % ({'ok' if r['arrivals_ok'] else 'TOO FAR APART'}, "
        f"tolerance {r['arrivals_tolerance'] * 100:.1f} %)",
        "model/SimPy time per event: " + ratio("per_event_ratio_model_vs_simpy", "≤", r["target_per_event_ratio"],
                                               r["target_per_event_met"], r["target_per_event_met_cpu"]),
        "Ciw/model wall time:        " + ratio("wall_ratio_ciw_vs_model", "≥", r["target_ciw_ratio"],
                                               r["target_ciw_met"], r["target_ciw_met_cpu"]),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv[1:])
    print(_table(result))
    if "--json" in sys.argv[1:]:
        print(json.dumps(result))
