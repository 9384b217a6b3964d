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
population of ``population_seed(seed)`` (see :mod:`slrt_sim.experiments.runner`), so configurations
that keep the seed are compared on common random numbers, and results do not depend on
where or in which order the tasks ran: they are sorted by (configuration, replication).
Scenarios travel to workers as plain JSON-able dicts; each worker process caches the
synthetic population (``runner.get_population``), and several replications of one
configuration are batched in one task to keep the per-task overhead small.

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

import argparse
import io
import itertools
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from slrt_sim.i18n import fmt_num, t
from slrt_sim.domain.scenario import Scenario, ScenarioError, apply_overrides, parse_override, scenario_from_dict

ProgressFn = Callable[[int, int], None]


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


# ----------------------------------------------------------------------------- work units
def _run_batch(data: dict, config: int, reps: Sequence[int]) -> list[tuple]:
    """Run replications ``reps`` of one configuration (a validated scenario as JSON).

    The same steps as :func:`slrt_sim.experiments.runner.run_once` (same seeds, same KPI functions, so the
    same numbers), without the tables a sweep does not ship back (timeline, cases).
    Each row: (config, replication, kpis, stage records, wall seconds, CPU seconds).
    """
    from slrt_sim.model.flow import Model
    from slrt_sim.model.streams import replication_seed
    from slrt_sim.experiments.results import compute_kpis, stage_records
    from slrt_sim.experiments.runner import get_population

    s = scenario_from_dict(data)
    pop = get_population(s)
    out = []
    for r in reps:
        w0, c0 = time.perf_counter(), time.process_time()
        record = Model(s, pop, replication_seed(s.seed, r)).run()
        stages = stage_records(record)
        kpis = compute_kpis(record, stages)
        out.append((config, r, kpis, stages, time.perf_counter() - w0,
                    time.process_time() - c0))
    return out


def _batches(n_configs: int, reps: Sequence[int], size: int) -> list[tuple[int, tuple[int, ...]]]:
    out = []
    for c in range(n_configs):
        for i in range(0, len(reps), size):
            out.append((c, tuple(reps[i:i + size])))
    return out


def default_batch_size(n_configs: int, replications: int, workers: int) -> int:
    """Several runs per task (less overhead), but about four tasks per worker (balance)."""
    total = n_configs * replications
    per = math.ceil(total / max(1, workers * 4))
    return max(1, min(replications, per))


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
        from slrt_sim.experiments.results import KPI_FIELDS, t_interval

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
        """Per-stage statistics averaged over replications: index (config, stage)."""
        num = self.stages.drop(columns=["replication"])
        return num.groupby(["config", "stage"], sort=False).mean(numeric_only=True)

    def to_excel(self, target: str | Path | io.BytesIO, confidence: float = 0.95) -> None:
        """Sheets: konfigurasi, ringkasan (mean and CI per KPI), kpi_per_replikasi, tahap."""
        summ = self.summary(confidence).reset_index()
        with pd.ExcelWriter(target, engine="openpyxl") as xw:
            self.configs.to_excel(xw, sheet_name=t("sheet.configurations"))
            summ.to_excel(xw, sheet_name=t("sheet.summary"), index=False)
            self.runs.to_excel(xw, sheet_name=t("sheet.kpis_per_replication"), index=False)
            self.stages.to_excel(xw, sheet_name=t("sheet.stages"), index=False)

    def write(self, out: str | Path) -> list[Path]:
        from slrt_sim.cli import writable_folder

        folder = writable_folder(out)
        paths = [folder / "configs.csv", folder / "runs.csv", folder / "summary.csv", folder / "stages.csv",
                 folder / "sweep.xlsx"]
        self.configs.to_csv(paths[0])
        self.runs.to_csv(paths[1], index=False)
        self.summary().to_csv(paths[2])
        self.stages.to_csv(paths[3], index=False)
        self.to_excel(paths[4])
        return paths


def _assemble(rows: list[tuple], overrides: list[dict[str, Any]], base_name: str, replications: int) -> SweepResult:
    from slrt_sim.experiments.results import KPI_FIELDS, STAGE_FIELDS

    rows = sorted(rows, key=lambda x: (x[0], x[1]))
    runs = pd.DataFrame([{"config": c, "replication": r, **{k: float(kp[k]) for k in KPI_FIELDS}}
                         for c, r, kp, *_ in rows], columns=[*KEY_COLUMNS, *KPI_FIELDS])
    stage_rows = [{"config": c, "replication": r, **st} for c, r, _, sts, *_ in rows for st in sts]
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
                       meta={"run_seconds": float(sum(x[4] for x in rows)), "cpu_seconds": float(sum(x[5] for x in rows))})


# ----------------------------------------------------------------------------- running
def prepare(base: Scenario, configs: Sequence[dict[str, Any]]) -> list[dict]:
    """Validate every configuration up front (a typo fails before any work) and return JSON dicts."""
    raw = base.model_dump(mode="json")
    out = []
    for o in configs:
        data = apply_overrides(raw, dict(o), "--vary") if o else raw
        out.append(scenario_from_dict(data, "--vary").model_dump(mode="json"))
    return out


def run_sweep(base: Scenario, configs: Sequence[dict[str, Any]] | None = None, *,
              vary: Sequence[Vary] | None = None, replications: int = 10, workers: int = 1,
              scheduler: Any = None, progress: ProgressFn | None = None, batch_size: int | None = None,
              first_replication: int = 0, scenarios: Sequence[Scenario] | None = None) -> SweepResult:
    """Run ``replications`` replications of every configuration.

    ``configs``: a list of override dicts (``{"staffing.district_fo": 2}``); or ``vary``: swept
    keys whose cartesian product makes the configurations; or ``scenarios``: ready-made
    scenarios (e.g. one per district), configuration ``i`` being ``scenarios[i]``.
    ``progress(done_runs, total_runs)`` is called as batches finish (throttle it yourself if it
    redraws a widget). ``scheduler``: a Dask scheduler address or a ``distributed.Client``.
    """
    if replications < 1:
        raise ValueError("replications must be >= 1")
    if scenarios is not None:
        datas = [s.model_dump(mode="json") for s in scenarios]
        overrides = [{"scenario": s.name} for s in scenarios]
        base_name = ",".join(dict.fromkeys(s.name for s in scenarios))
    else:
        overrides = list(configs) if configs is not None else grid(vary or [])
        datas = prepare(base, overrides)
        base_name = base.name
    reps = list(range(first_replication, first_replication + replications))
    total = len(datas) * replications
    t0 = time.perf_counter()
    done = 0
    rows: list[tuple] = []

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    if scheduler is not None:
        backend, nworkers = "dask", _run_dask(scheduler, datas, reps, batch_size, rows, tick)
    elif workers <= 1 or total <= 1:
        backend, nworkers = "serial", 1
        for c, data in enumerate(datas):
            for r in reps:
                rows.extend(_run_batch(data, c, (r,)))
                tick(1)
    else:
        backend, nworkers = "processes", min(workers, total)
        _run_local(datas, reps, nworkers, batch_size, rows, tick)
    res = _assemble(rows, overrides, base_name, replications)
    res.wall_seconds = time.perf_counter() - t0
    res.backend, res.workers = backend, nworkers
    return res


def _prewarm(datas: list[dict]) -> None:
    """Make each distinct population once here, so forked workers inherit the cache."""
    from slrt_sim.experiments.runner import get_population, population_key

    seen = set()
    for data in datas:
        s = scenario_from_dict(data)
        key = population_key(s)
        if key not in seen:
            seen.add(key)
            if len(seen) > 4:
                return
            get_population(s)


def _run_local(datas: list[dict], reps: list[int], workers: int, batch_size: int | None,
               rows: list[tuple], tick: Callable[[int], None]) -> None:
    import multiprocessing as mp

    size = batch_size or default_batch_size(len(datas), len(reps), workers)
    batches = _batches(len(datas), reps, size)
    ctx = None
    if "fork" in mp.get_all_start_methods():
        ctx = mp.get_context("fork")
        _prewarm(datas)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = [pool.submit(_run_batch, datas[c], c, rs) for c, rs in batches]
        for fut in as_completed(futures):
            part = fut.result()
            rows.extend(part)
            tick(len(part))


def connect(scheduler: Any):
    """A ``distributed.Client`` for an address (or the client itself); one-line error if unreachable."""
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler, False
    try:
        return Client(str(scheduler), timeout="10s", set_as_default=False), True
    except (OSError, TimeoutError, ValueError) as exc:
        from slrt_sim.cli import UserError

        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(t("sweep.err.scheduler", address=scheduler, reason=reason)) from None


def _run_dask(scheduler: Any, datas: list[dict], reps: list[int], batch_size: int | None,
              rows: list[tuple], tick: Callable[[int], None]) -> int:
    from distributed import as_completed as dask_completed

    client, owned = connect(scheduler)
    try:
        nworkers = max(1, sum(client.nthreads().values()))
        size = batch_size or default_batch_size(len(datas), len(reps), nworkers)
        batches = _batches(len(datas), reps, size)
        futures = [client.submit(_run_batch, datas[c], c, rs, pure=False) for c, rs in batches]
        for fut in dask_completed(futures, loop=client.loop):
            part = fut.result()
            rows.extend(part)
            tick(len(part))
            fut.release()
        return nworkers
    finally:
        if owned:
            client.close()


def serial_reference(base: Scenario, configs: Sequence[dict[str, Any]], replications: int) -> pd.DataFrame:
    """The plain loop the parallel backends must equal: ``run_once`` per (config, replication)."""
    from slrt_sim.experiments.results import KPI_FIELDS
    from slrt_sim.experiments.runner import run_once

    rows = []
    for c, o in enumerate(configs):
        s = base.with_overrides(dict(o)) if o else base
        for r in range(replications):
            k = run_once(s, r, keep_cases=False).kpis
            rows.append({"config": c, "replication": r, **{n: float(k[n]) for n in KPI_FIELDS}})
    return pd.DataFrame(rows, columns=[*KEY_COLUMNS, *KPI_FIELDS])


# ----------------------------------------------------------------------------- CLI
DEFAULT_KPIS = ("needs_met", "needs_met_30d", "days_to_service_median", "util_fo", "util_bo", "wait_fo_hours",
                "wait_bo_hours")


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("sweep", help=t("sweep.help.command"))
    p.add_argument("file", help=t("cli.help.file"))
    p.add_argument("--vary", action="append", metavar="KEY.PATH=V1,V2,...", default=[], help=t("sweep.help.vary"))
    p.add_argument("--replications", "-r", type=int, default=10, help=t("sweep.help.replications"))
    p.add_argument("--workers", "-w", type=int, help=t("cli.help.workers"))
    p.add_argument("--scheduler", metavar="ADDRESS", help=t("sweep.help.scheduler"))
    p.add_argument("--batch", type=int, help=t("sweep.help.batch"))
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE", help=t("cli.help.set"))
    p.add_argument("--seed", type=int, help=t("cli.help.seed"))
    p.add_argument("--days", type=float, help=t("cli.help.days"))
    p.add_argument("--kpi", action="append", metavar="NAME", help=t("sweep.help.kpi"))
    p.add_argument("--out", metavar="DIR", help=t("sweep.help.out"))
    p.add_argument("--json", action="store_true", help=t("sweep.help.json"))
    p.add_argument("--progress", action="store_true", help=t("cli.help.progress"))
    p.add_argument("--quiet", "-q", action="store_true", help=t("cli.help.quiet"))
    p.set_defaults(func=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    from slrt_sim.cli import ProgressBar, UserError, _clean, format_kpi, load_with_options
    from slrt_sim.experiments.results import KPI_FIELDS, kpi_label
    from slrt_sim.experiments.runner import default_workers

    if args.replications < 1:
        raise UserError(t("cli.err.replications", value=args.replications))
    if args.workers is not None and args.workers < 1:
        raise UserError(t("sweep.err.workers", value=args.workers))
    kpis = list(args.kpi or DEFAULT_KPIS)
    for k in kpis:
        if k not in KPI_FIELDS:
            raise UserError(t("sweep.err.kpi", name=k))
    base = load_with_options(args.file, args.set, args.seed, args.days)
    varies = [Vary.parse(v) for v in args.vary]
    configs = grid(varies)
    workers = args.workers if args.workers is not None else default_workers()
    show_bar = (not args.quiet) and (args.progress or sys.stderr.isatty())
    bar = ProgressBar(t("sweep.progress", n=len(configs), reps=args.replications), show_bar)
    res = run_sweep(base, configs, replications=args.replications, workers=workers, scheduler=args.scheduler,
                    batch_size=args.batch, progress=lambda d, n: bar.update(d / n if n else 1.0))
    bar.close()
    if args.out:
        written = res.write(args.out)
        if not args.json:
            print(t("cli.run.written", n=len(written), path=args.out), file=sys.stderr)
    summ = res.summary()
    if args.json:
        obj = {
            "scenario": base.name, "file": args.file, "seed": base.seed, "replications": args.replications,
            "backend": res.backend, "workers": res.workers, "wall_seconds": res.wall_seconds,
            "configs": [
                {"config": int(c), "overrides": configs[int(c)],
                 "kpis": {k: {f: summ.at[(c, k), f] for f in ("mean", "sd", "ci_low", "ci_high", "half_width")}
                          for k in KPI_FIELDS}}
                for c in res.configs.index
            ],
        }
        json.dump(_clean(obj), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(t("sweep.header", name=base.name, n=len(configs), reps=args.replications,
            backend=t(f"sweep.backend.{res.backend}"), workers=res.workers, seconds=fmt_num(res.wall_seconds, 1)))
    print()
    head = [t("sweep.col.config")] + [kpi_label(k) for k in kpis]
    rows = []
    for c in res.configs.index:
        cells = [res.configs.at[c, "label"]]
        for k in kpis:
            m, lo, hi = summ.at[(c, k), "mean"], summ.at[(c, k), "ci_low"], summ.at[(c, k), "ci_high"]
            cell = format_kpi(k, m)
            if args.replications > 1 and not math.isnan(lo):
                cell += f" [{format_kpi(k, lo)}–{format_kpi(k, hi)}]"
            cells.append(cell)
        rows.append(cells)
    widths = [max(len(head[i]), *(len(r[i]) for r in rows)) for i in range(len(head))]
    line = lambda cells: "  ".join(  # noqa: E731
        f"{x:<{widths[i]}}" if i == 0 else f"{x:>{widths[i]}}" for i, x in enumerate(cells))
    print(line(head))
    print("-" * (sum(widths) + 2 * (len(widths) - 1)))
    for r in rows:
        print(line(r))
    return 0
