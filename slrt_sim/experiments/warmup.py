"""Warm-up and replications: the MSER-5 truncation point and the replications for a precision.

* :func:`mser` — the MSER-5 rule (White 1997; Hoad, Robinson & Davies 2010): average the
  output series in batches of 5, and truncate where the standard error of the mean of what
  is left is least (searched over the first half of the series only);
* :func:`replications_for` — the replications whose 95% t interval of a KPI has a half-width
  at most ``half`` (from the sd of a pilot set of replications);
* :func:`analysis` — both, for a scenario: the daily count of open cases (in process or
  waiting for a quota) of ``replications`` runs without a warm-up, averaged over them (the
  Welch-style ensemble average), and the headline KPIs' replications.

``python -m slrt_sim.experiments.warmup [scenario] [replications]`` prints the figures of
docs/model.md, sections 4.1 (initialisation) and 4.3 (replications).
"""
from __future__ import annotations

import math
import sys

import numpy as np

from slrt_sim.experiments.results import t_interval, t_quantile

HEADLINE = ("target_met_90d", "info_on_spot", "target_time_to_service_median")
PRECISION = {"target_met_90d": 0.01, "info_on_spot": 0.01, "target_time_to_service_median": 7.0}
"""The half-width asked of each headline KPI's 95% interval: one point for shares, a week for days."""

REPLICATIONS = 4
"""Replications of one what-if (walkthrough) or one planner configuration, by default: the least
whose 95% t interval of the headline ``target_met_90d`` is within ±1 point (:func:`replications_for`
with :data:`PRECISION`, sd 0.57 points over eight replications of Kota Pekalongan; docs/model.md,
section 4.3, ``python -m slrt_sim.experiments.warmup kota_pekalongan 8``). Paired
differences under common random numbers are narrower still. A time-to-service target needs ~20
(the same table): raise the planner's or the walkthrough's replications for one."""


def mser(series: np.ndarray, batch: int = 5) -> int:
    """The MSER-``batch`` truncation point of ``series``, in observations (not batches)."""
    y = np.asarray(series, dtype=float)
    k = y.size // batch
    if k < 4:
        return 0
    b = y[: k * batch].reshape(k, batch).mean(axis=1)
    best, best_d = math.inf, 0
    for d in range(k // 2):
        rest = b[d:]
        v = rest.var() / rest.size
        if v < best:
            best, best_d = v, d
    return best_d * batch


def replications_for(values: np.ndarray, half: float, confidence: float = 0.95) -> int:
    """Replications whose ``confidence`` t interval has a half-width at most ``half``."""
    _mean, sd, _h, n = t_interval(values, confidence)
    if not np.isfinite(sd) or sd == 0:
        return int(n)
    r = 2  # the least r whose interval is narrow enough (the t quantile depends on r)
    while t_quantile(confidence, r - 1) * sd / math.sqrt(r) > half and r < 10_000:
        r += 1
    return r


def analysis(s, replications: int = 10, workers: int = 1) -> dict:
    """The warm-up (MSER-5 on the ensemble-averaged open cases) and the headline KPIs' replications."""
    from slrt_sim.experiments.runner import Keep, run_many

    cold = s.with_overrides(["warmup_days=0", f"horizon_days={s.horizon_days}"])
    runs = run_many([cold, s], list(range(replications)), workers=workers, keep=Keep(cases=False, timeline=True))
    open_cases = np.mean([r.timeline["backlog"].to_numpy()
                          for r in runs.results[0]], axis=0)
    out = {"warmup_mser5_days": mser(open_cases), "configured_warmup_days": s.warmup_days,
           "open_cases": open_cases}
    for k in HEADLINE:
        v = np.array([r.kpis[k] for r in runs.results[1]], dtype=float)
        mean, sd, half, _n = t_interval(v)
        out[k] = {"mean": mean, "sd": sd, "half": half, "replications": replications_for(v, PRECISION[k])}
    return out


def main(argv: list[str]) -> int:
    from slrt_sim.domain.scenario import load_scenario
    from slrt_sim.paths import SCENARIOS

    name = argv[0] if argv else "kota_pekalongan"
    reps = int(argv[1]) if len(argv) > 1 else 10
    workers = int(argv[2]) if len(argv) > 2 else 1
    out = analysis(load_scenario(SCENARIOS / f"{name}.yaml"), reps, workers)
    oc = out.pop("open_cases")
    print(name, {k: v for k, v in out.items()})
    print("open cases every 30 days:", [round(float(x)) for x in oc[::30]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
