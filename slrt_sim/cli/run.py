"""``slrt-sim run FILE``: replications of one scenario, a KPI table and per-stage statistics."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from slrt_sim.cli.common import (UserError, json_clean, load_with_options, positive_int, progress_bar,
                                 writable_folder)
from slrt_sim.experiments.kpis import kpi_label
from slrt_sim.experiments.report import format_interval, format_kpi, text_table
from slrt_sim.i18n import fmt_num, fmt_pct, t


MAX_REPLICATIONS = 1000
"""Replications of one run at most (a laptop runs ~1 replication-year a second per core)."""
MAX_WORKERS = 64
OUTPUTS = ("cases.csv", "kpis.csv", "summary.csv", "stages.csv", "results.xlsx")
"""What ``run --out`` writes (``sweep`` writes :data:`slrt_sim.cli.sweep.OUTPUTS`)."""


def out_folder(out: str | None, names: Sequence[str], force: bool) -> Path | None:
    """The ``--out`` folder, checked before the run: writable, and without earlier results of the
    same names unless ``force`` (a :class:`UserError` naming the folder and the files otherwise)."""
    if not out:
        return None
    earlier = [name for name in names if (Path(out) / name).exists()]
    if earlier and not force:
        raise UserError(t("cli.err.out_exists", path=str(out), files=", ".join(earlier)))
    return writable_folder(out)


def add_parser(sub) -> None:
    p = sub.add_parser("run", help=t("cli.help.run"))
    p.add_argument("file", help=t("cli.help.file"))
    p.add_argument("--seed", type=int, help=t("cli.help.seed"))
    p.add_argument("--days", type=float, help=t("cli.help.days"))
    p.add_argument("--replications", "-r", type=int, default=1, help=t("cli.help.replications"))
    p.add_argument("--workers", "-w", type=int, help=t("cli.help.workers"))
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE", help=t("cli.help.set"))
    p.add_argument("--json", action="store_true", help=t("cli.help.json"))
    p.add_argument("--out", metavar="DIR", help=t("cli.help.out"))
    p.add_argument("--force", action="store_true", help=t("cli.help.force"))
    p.add_argument("--all", action="store_true", help=t("cli.help.all"))
    p.add_argument("--progress", action="store_true", help=t("cli.help.progress"))
    p.add_argument("--quiet", "-q", action="store_true", help=t("cli.help.quiet"))
    p.set_defaults(func=cmd_run)


def kpi_table(summary, names: Sequence[str], replications: int) -> str:
    rows = []
    for name in names:
        row = summary.loc[name]
        ci = format_interval(name, row["ci_low"], row["ci_high"], " – ") if replications > 1 else ""
        rows.append((kpi_label(name), format_kpi(name, row["mean"]), ci))
    head = (t("col.kpi"), t("col.mean") if replications > 1 else t("col.value"),
            t("col.ci") if replications > 1 else "")
    return text_table(head, rows, left=1) if replications > 1 else text_table(head[:2], [r[:2] for r in rows])


def stage_table(stages) -> str:
    head = (t("col.stage"), t("col.staff"), t("col.served"), t("col.wait_mean_hours"), t("col.wait_p90_hours"),
            t("col.utilisation"))
    rows = [(t(f"stage.{stage}"), fmt_num(r["staff"], 0), fmt_num(r["served"], 0), fmt_num(r["wait_mean_hours"], 1),
             fmt_num(r["wait_p90_hours"], 1), fmt_pct(r["utilisation"])) for stage, r in stages.iterrows()]
    return text_table(head, rows)


def write_outputs(folder: Path, reps, summary, stages) -> list[Path]:
    import pandas as pd

    cases = reps.cases()
    paths = {
        "cases": folder / "cases.csv", "kpis": folder / "kpis.csv", "summary": folder / "summary.csv",
        "stages": folder / "stages.csv", "excel": folder / "results.xlsx",
    }
    cases.to_csv(paths["cases"], index=False)
    reps.kpis.to_csv(paths["kpis"])
    summary.to_csv(paths["summary"])
    stages.to_csv(paths["stages"])
    with pd.ExcelWriter(paths["excel"], engine="openpyxl") as xw:
        summary.to_excel(xw, sheet_name=t("sheet.summary"))
        reps.kpis.to_excel(xw, sheet_name=t("sheet.kpis_per_replication"))
        stages.to_excel(xw, sheet_name=t("sheet.stages"))
        cases.head(1_000_000).to_excel(xw, sheet_name=t("sheet.cases"), index=False)
    return list(paths.values())


def cmd_run(args: argparse.Namespace) -> int:
    from slrt_sim.experiments.results import HEADLINE_KPIS, KPI_FIELDS, Replications
    from slrt_sim.experiments.runner import default_workers, get_population, run_once, run_replications

    positive_int("--replications", args.replications, allow_none=False, maximum=MAX_REPLICATIONS)
    positive_int("--workers", args.workers, maximum=MAX_WORKERS)
    s = load_with_options(args.file, args.set, args.seed, args.days)
    folder = out_folder(args.out, OUTPUTS, args.force)  # checked before the run, not after
    bar = progress_bar(t("cli.run.progress", name=s.name), args)
    t0 = time.perf_counter()
    bar.update(0.0, force=True)
    if args.replications == 1:
        get_population(s)
        reps = Replications([run_once(s, 0, progress=bar.update)], scenario_name=s.name)
    else:
        workers = args.workers if args.workers is not None else default_workers()
        reps = run_replications(s, args.replications, workers=workers,
                                progress=lambda done, total: bar.update(done / total))
    bar.close()
    wall = time.perf_counter() - t0
    summary, stages = reps.summary(), reps.stages()
    if folder is not None:
        written = write_outputs(folder, reps, summary, stages)
        if not args.json:
            print(t("cli.run.written", n=len(written), path=args.out), file=sys.stderr)
    if args.json:
        obj = {
            "scenario": s.name, "file": args.file, "seed": s.seed, "horizon_days": s.horizon_days,
            "warmup_days": s.warmup_days, "replications": args.replications,
            "kpis": {name: {k: summary.at[name, k] for k in ("mean", "sd", "ci_low", "ci_high", "half_width")}
                     for name in KPI_FIELDS},
            "stages": {stage: row.to_dict() for stage, row in stages.iterrows()},
            "per_replication": reps.kpis.reset_index().to_dict(orient="records"),
            "events": reps.events, "wall_seconds": wall,
        }
        json.dump(json_clean(obj), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(t("cli.run.header", name=s.name, reps=args.replications, days=fmt_num(s.horizon_days, 0),
            seed=s.seed, seconds=fmt_num(wall, 1)))
    print()
    print(kpi_table(summary, KPI_FIELDS if args.all else HEADLINE_KPIS, args.replications))
    print()
    print(stage_table(stages))
    return 0
