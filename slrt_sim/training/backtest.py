"""Back tests: the outputs of fixed-seed runs, stored and compared exactly.

As in ``pydesrap_mms`` (``tests/exp_results/``), the KPIs, the per-stage statistics and a
summary of the event log of a few fixed runs are written to CSV files; the test suite runs the
same replications and compares every figure exactly. A refactor then proves that it kept the
numbers; a change that moves them on purpose regenerates the files in the same commit
(``python -m slrt_sim.training.backtest``) and says why in its message.

The runs (:data:`RUNS`): replication 0 of the training kelurahan and of Kota Tanjungbalai (the
smallest seed district), and the answer key's role-play run of one class (ten households of the
training kelurahan, front office), whose household timelines are summarised too.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

RUNS = ("pelatihan_satu_kelurahan", "kota_tanjungbalai")
"""Scenarios (files under ``scenarios/``) whose replication 0 is stored."""
CLASS = ("KELAS1", 2018, "sedang")
"""The class whose answer-key role-play run is stored (code, seed, level)."""
TABLES = ("kpis", "stages", "events")


def _scenario_dir() -> Path:
    from slrt_sim.paths import TRAINING_SCENARIO
    return Path(TRAINING_SCENARIO).parent


def _event_summary(cases: pd.DataFrame, log: pd.DataFrame | None) -> pd.DataFrame:
    """Counts per event (and actor) of the run's event log, and per final state of its cases."""
    rows = []
    if log is not None and len(log):
        g = log.groupby(["event", "actor"], observed=True).agg(n=("time", "size"), time_sum=("time", "sum"))
        for (ev, actor), r in g.iterrows():
            rows.append({"what": f"event:{ev}:{actor}", "n": int(r.n), "time_sum": round(float(r.time_sum), 6)})
    for state, n in cases["state"].value_counts(sort=False).items():
        rows.append({"what": f"state:{state}", "n": int(n), "time_sum": 0.0})
    for col in [c for c in cases.columns if c.startswith("t_")]:
        v = cases[col].dropna()
        rows.append({"what": f"case:{col}", "n": int(v.size), "time_sum": round(float(v.sum()), 6)})
    return pd.DataFrame(rows, columns=["what", "n", "time_sum"]).sort_values("what", kind="stable").reset_index(drop=True)


def scenario_tables(name: str) -> dict[str, pd.DataFrame]:
    """The stored tables of replication 0 of ``scenarios/<name>.yaml``."""
    from slrt_sim.domain.scenario import load_scenario
    from slrt_sim.experiments.runner import run_once

    s = load_scenario(_scenario_dir() / f"{name}.yaml")
    res = run_once(s, 0, keep_cases=True, keep_timeline=False)
    kpis = pd.DataFrame({"kpi": list(res.kpis), "value": [round(float(v), 9) for v in res.kpis.values()]})
    stages = res.stages.copy()
    for c in stages.columns:
        if stages[c].dtype.kind == "f":
            stages[c] = stages[c].round(9)
    log = res.meta.get("event_log")
    return {"kpis": kpis, "stages": stages, "events": _event_summary(res.cases, log.frame() if log else None)}


def class_timelines() -> pd.DataFrame:
    """The answer key's role-play run of :data:`CLASS`: every line of every household's timeline."""
    from slrt_sim.training import outcomes as O

    run = O.class_key_run(*CLASS)
    rows = []
    for label, h in run.households.items():
        for e in h.events:
            rows.append({"label": label, "day": round(float(e.day), 6), "step": e.step, "actor": e.actor,
                         "need": e.need or "", "program": e.program or "",
                         "detail": ";".join(f"{k}={e.detail[k]}" for k in sorted(e.detail))})
        for n, r in sorted(h.needs.items()):
            rows.append({"label": label, "day": round(float(r.day_served), 6) if r.day_served is not None else -1.0,
                         "step": f"need:{r.state}", "actor": "", "need": n, "program": r.program or "",
                         "detail": r.reason or ""})
    return pd.DataFrame(rows, columns=["label", "day", "step", "actor", "need", "program", "detail"])


def all_tables() -> dict[str, pd.DataFrame]:
    """Every stored table by file stem (``<scenario>_<table>`` and ``class_timelines``)."""
    out = {}
    for name in RUNS:
        for table, df in scenario_tables(name).items():
            out[f"{name}_{table}"] = df
    out["class_timelines"] = class_timelines()
    return out


def read(path: Path) -> pd.DataFrame:
    """A stored table as written (strings kept as strings, floats round-tripped)."""
    df = pd.read_csv(path)
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].fillna("")
    return df


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for stem, df in all_tables().items():
        p = folder / f"{stem}.csv"
        df.to_csv(p, index=False)
        out.append(p)
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m slrt_sim.training.backtest [folder]``: regenerate the stored back-test tables."""
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else Path("tests/exp_results")
    for p in write_all(folder):
        print(p)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
