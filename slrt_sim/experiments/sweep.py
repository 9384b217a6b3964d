"""Sweeps: many configurations of a scenario × replications, in parallel.

A *configuration* is a set of ``key.path=value`` overrides of a base scenario (the
``--set`` form of the CLI); a sweep runs replications ``first .. first+n-1`` of every
configuration. The unit of work is one (configuration, replication) pair, giving the
run's KPI dict and its per-stage statistics; case tables are never shipped back.

Backends, all giving **identical** tables for the same seeds:

* ``workers=1`` and no scheduler: a plain loop in this process;
* ``workers=K``: a pool of K local processes (the default for the CLI);
* ``scheduler="tcp://host:8786"`` (or a ``dask.distributed.Client``): the same tasks on a
  Dask cluster, for national-scale planning across hundreds of districts.

Replication ``r`` of a configuration always uses ``replication_seed(seed, r)`` and the
population of ``population_seed(seed)`` (see :mod:`slrt_sim.experiments.runner`, the one run engine), so configurations
that keep the seed are compared on common random numbers, and results do not depend on
where or in which order the tasks ran: they are sorted by (configuration, replication).
Scenarios travel to workers as validated :class:`Scenario` objects; each worker process
caches the synthetic population (``runner.get_population``), and several replications of
one configuration are batched in one task to keep the per-task overhead small.

Python API::

    from slrt_sim.experiments.sweep import Vary, run_sweep
    res = run_sweep(scenario, vary=[Vary.parse("staffing.district_fo=1,2,3")], replications=30,
                    workers=2)
    res.summary()          # mean, sd and 95% CI per configuration and KPI
    res.table("util_fo")   # one row per configuration

CLI: ``slrt-sim sweep FILE --vary key.path=v1,v2 [--vary ...] --replications N
[--workers K] [--scheduler ADDRESS] [--out DIR]``.
"""
from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from slrt_sim.domain.scenario import Scenario, ScenarioError, parse_override
from slrt_sim.experiments.results import KPI_FIELDS, STAGE_FIELDS, t_interval
from slrt_sim.experiments.runner import LIGHT, ProgressFn, run_many, run_once
from slrt_sim.i18n import fmt_num, t


# ----------------------------------------------------------------------------- configurations
@dataclass(frozen=True)
class Vary:
    """One swept key and its values, e.g. ``Vary("staffing.district_fo", (1, 2, 3))``."""

    key: str
    values: tuple

    @classmethod
    def parse(cls, text: str) -> "Vary":
        """``key.path=v1,v2,...``; each value is read as YAML (``2`` is a number, ``false`` a bool)."""
        if "=" not in text:
            raise ScenarioError("--vary", text, t("sweep.err.vary_form"))
        key, _, raw = text.partition("=")
        key = key.strip()
        items = [v.strip() for v in raw.split(",")]
        if not key or not raw.strip() or any(v == "" for v in items):
            raise ScenarioError("--vary", text, t("sweep.err.vary_form"))
        values = tuple(parse_override(f"{key}={v}", "--vary")[1] for v in items)
        return cls(key, values)


def grid(varies: Sequence[Vary]) -> list[dict[str, Any]]:
    """The cartesian product of the swept values, the first key varying slowest."""
    if not varies:
        return [{}]
    keys = [v.key for v in varies]
    if len(set(keys)) != len(keys):
        raise ScenarioError("--vary", keys[0], t("sweep.err.vary_twice"))
    return [dict(zip(keys, combo)) for combo in itertools.product(*(v.values for v in varies))]


def config_label(overrides: dict[str, Any]) -> str:
    if not overrides:
        return t("sweep.base")
    return ", ".join(f"{k.rsplit('.', 1)[-1]}={_fmt_value(v)}" for k, v in overrides.items())


def _fmt_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return fmt_num(v, 2).rstrip("0").rstrip(",.") if not float(v).is_integer() else fmt_num(v, 0)
    return str(v)


# ----------------------------------------------------------------------------- results
KEY_COLUMNS = ("config", "replication")


@dataclass
class SweepResult:
    """Every run of a sweep; frames sorted by (configuration, replication)."""

    configs: pd.DataFrame           # index config; columns: the swept keys, label
    runs: pd.DataFrame              # config, replication, every KPI
    stages: pd.DataFrame            # config, replication, stage statistics
    base_name: str = ""
    replications: int = 0
    wall_seconds: float = 0.0
    backend: str = "serial"
    workers: int = 1
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_configs(self) -> int:
        return len(self.configs)

    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """Long table: index (config, kpi); mean, sd, ci_low, ci_high, half_width, n."""
        rows = []
        for c, grp in self.runs.groupby("config", sort=True):
            for name in KPI_FIELDS:
                mean, sd, half, n = t_interval(grp[name].to_numpy(dtype=float), confidence)
                rows.append({"config": c, "kpi": name, "mean": mean, "sd": sd, "ci_low": mean - half,
                             "ci_high": mean + half, "half_width": half, "n": int(n)})
        return pd.DataFrame(rows).set_index(["config", "kpi"])

    def table(self, kpis: str | Sequence[str], stat: str = "mean", confidence: float = 0.95) -> pd.DataFrame:
        """Wide table, one row per configuration: the swept values, then ``stat`` of each KPI."""
        names = [kpis] if isinstance(kpis, str) else list(kpis)
        summ = self.summary(confidence)[stat].unstack("kpi")
        return self.configs.join(summ[names])

    def stage_summary(self) -> pd.DataFrame:
        """Per-stage statistics averaged over replications: index (config, stage).

        ``staff`` is a setting of the configuration, not a measurement: it is taken as it is
        (the same in every replication), never averaged.
        """
        grouped = self.stages.drop(columns=["replication"]).groupby(["config", "stage"], sort=False)
        out = grouped.mean(numeric_only=True)
        out["staff"] = grouped["staff"].first()
        return out

    def to_excel(self, target: str | Path | io.BytesIO, confidence: float = 0.95) -> None:
        """Sheets: konfigurasi, ringkasan (mean and CI per KPI), kpi_per_replikasi, tahap."""
        summ = self.summary(confidence).reset_index()
        with pd.ExcelWriter(target, engine="openpyxl") as xw:
            self.configs.to_excel(xw, sheet_name=t("sheet.configurations"))
            summ.to_excel(xw, sheet_name=t("sheet.summary"), index=False)
            self.runs.to_excel(xw, sheet_name=t("sheet.kpis_per_replication"), index=False)
            self.stages.to_excel(xw, sheet_name=t("sheet.stages"), index=False)

    def write(self, out: str | Path) -> list[Path]:
        """The sweep's tables as CSV files and one workbook in folder ``out`` (created if needed)."""
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / "configs.csv", folder / "runs.csv", folder / "summary.csv", folder / "stages.csv",
                 folder / "sweep.xlsx"]
        self.configs.to_csv(paths[0])
        self.runs.to_csv(paths[1], index=False)
        self.summary().to_csv(paths[2])
        self.stages.to_csv(paths[3], index=False)
        self.to_excel(paths[4])
        return paths


def assemble(results: list[list], overrides: list[dict[str, Any]], base_name: str, replications: int) -> SweepResult:
    """A :class:`SweepResult` from the runs of each configuration (``results[c]``: its replications, in order)."""
    flat = [(c, run) for c, runs in enumerate(results) for run in runs]
    runs = pd.DataFrame([{"config": c, "replication": r.replication, **{k: float(r.kpis[k]) for k in KPI_FIELDS}}
                         for c, r in flat], columns=[*KEY_COLUMNS, *KPI_FIELDS])
    stage_rows = [{"config": c, "replication": r.replication, **st} for c, r in flat for st in r.stage_rows]
    stages = pd.DataFrame(stage_rows, columns=[*KEY_COLUMNS, *STAGE_FIELDS])
    keys: list[str] = []
    for o in overrides:
        for k in o:
            if k not in keys:
                keys.append(k)
    configs = pd.DataFrame([{k: o.get(k) for k in keys} for o in overrides], columns=keys)
    configs["label"] = [config_label(o) for o in overrides]
    configs.index = pd.RangeIndex(len(overrides), name="config")
    return SweepResult(configs=configs, runs=runs, stages=stages, base_name=base_name,
                       replications=replications,
                       meta={"run_seconds": float(sum(r.wall_seconds for _, r in flat)),
                             "cpu_seconds": float(sum(r.meta.get("cpu_seconds", 0.0) for _, r in flat))})


# ----------------------------------------------------------------------------- running
def prepare(base: Scenario, configs: Sequence[dict[str, Any]]) -> list[Scenario]:
    """Validate every configuration up front (a typo fails before any work)."""
    return [base.with_overrides(dict(o), "--vary") if o else base for o in configs]


def run_sweep(base: Scenario | None, configs: Sequence[dict[str, Any]] | None = None, *,
              vary: Sequence[Vary] | None = None, replications: int = 10, workers: int = 1,
              scheduler: Any = None, progress: ProgressFn | None = None, batch_size: int | None = None,
              first_replication: int = 0, scenarios: Sequence[Scenario] | None = None,
              start_method: str | None = None) -> SweepResult:
    """Run ``replications`` replications of every configuration.

    ``configs``: a list of override dicts (``{"staffing.district_fo": 2}``); or ``vary``: swept
    keys whose cartesian product makes the configurations; or ``scenarios``: ready-made
    scenarios (e.g. one per district), configuration ``i`` being ``scenarios[i]``.
    ``progress(done_runs, total_runs)`` is called as batches finish (throttle it yourself if it
    redraws a widget). ``scheduler``: a Dask scheduler address or a ``distributed.Client``.
    ``start_method``: how local worker processes start (:func:`slrt_sim.experiments.runner.start_method`).
    """
    if replications < 1:
        raise ValueError("replications must be >= 1")
    if scenarios is not None:
        scenarios = list(scenarios)
        overrides = [{"scenario": s.name} for s in scenarios]
        base_name = ",".join(dict.fromkeys(s.name for s in scenarios))
    else:
        overrides = list(configs) if configs is not None else grid(vary or [])
        scenarios = prepare(base, overrides)
        base_name = base.name
    reps = range(first_replication, first_replication + replications)
    runs = run_many(scenarios, reps, workers=workers, scheduler=scheduler, batch_size=batch_size, keep=LIGHT,
                    progress=progress, start_method=start_method)
    res = assemble(runs.results, overrides, base_name, replications)
    res.wall_seconds, res.backend, res.workers = runs.wall_seconds, runs.backend, runs.workers
    return res


def serial_reference(base: Scenario, configs: Sequence[dict[str, Any]], replications: int) -> pd.DataFrame:
    """The plain loop the parallel backends must equal: ``run_once`` per (config, replication)."""
    rows = []
    for c, o in enumerate(configs):
        s = base.with_overrides(dict(o)) if o else base
        for r in range(replications):
            k = run_once(s, r, keep_cases=False).kpis
            rows.append({"config": c, "replication": r, **{n: float(k[n]) for n in KPI_FIELDS}})
    return pd.DataFrame(rows, columns=[*KEY_COLUMNS, *KPI_FIELDS])
