"""``slrt-sim sweep FILE --vary key.path=v1,v2``: many configurations × replications, in parallel."""
from __future__ import annotations

import argparse
import json
import math
import sys

from slrt_sim.cli.common import UserError, json_clean, load_with_options, positive_int, progress_bar
from slrt_sim.cli.run import MAX_REPLICATIONS, MAX_WORKERS, out_folder
from slrt_sim.experiments.report import format_ci, text_table
from slrt_sim.i18n import fmt_num, t

OUTPUTS = ("configs.csv", "runs.csv", "summary.csv", "stages.csv", "sweep.xlsx")
"""What ``sweep --out`` writes (:meth:`slrt_sim.experiments.sweep.SweepResult.write`)."""
MAX_RUNS = 20_000
"""Configurations × replications of one sweep at most."""
DEFAULT_KPIS = ("needs_met", "needs_met_30d", "time_to_service_median", "util_fo", "util_bo", "wait_fo_hours",
                "wait_bo_hours")


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help=t("sweep.help.command"))
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
    p.add_argument("--force", action="store_true", help=t("cli.help.force"))
    p.add_argument("--json", action="store_true", help=t("sweep.help.json"))
    p.add_argument("--progress", action="store_true", help=t("cli.help.progress"))
    p.add_argument("--quiet", "-q", action="store_true", help=t("cli.help.quiet"))
    p.set_defaults(func=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    from slrt_sim.experiments.results import KPI_FIELDS, kpi_label
    from slrt_sim.experiments.runner import default_workers
    from slrt_sim.experiments.sweep import Vary, grid, run_sweep

    positive_int("--replications", args.replications, allow_none=False, maximum=MAX_REPLICATIONS)
    positive_int("--workers", args.workers, maximum=MAX_WORKERS)
    positive_int("--batch", args.batch, maximum=MAX_REPLICATIONS)
    kpis = list(args.kpi or DEFAULT_KPIS)
    for k in kpis:
        if k not in KPI_FIELDS:
            raise UserError(t("sweep.err.kpi", name=k))
    base = load_with_options(args.file, args.set, args.seed, args.days)
    varies = [Vary.parse(v) for v in args.vary]
    runs = math.prod(len(v.values) for v in varies) * args.replications  # before the grid is built
    if runs > MAX_RUNS:
        raise UserError(t("cli.err.at_most", option="--vary × --replications", max=MAX_RUNS, value=runs))
    configs = grid(varies)
    folder = out_folder(args.out, OUTPUTS, args.force)  # checked before the run, not after
    workers = args.workers if args.workers is not None else default_workers()
    bar = progress_bar(t("sweep.progress", n=len(configs), reps=args.replications), args)
    res = run_sweep(base, configs, replications=args.replications, workers=workers, scheduler=args.scheduler,
                    batch_size=args.batch, progress=lambda d, n: bar.update(d / n if n else 1.0))
    bar.close()
    if folder is not None:
        written = res.write(folder)
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
        json.dump(json_clean(obj), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(t("sweep.header", name=base.name, n=len(configs), reps=args.replications,
            backend=t(f"sweep.backend.{res.backend}"), workers=res.workers, seconds=fmt_num(res.wall_seconds, 1)))
    print()
    head = [t("sweep.col.config")] + [kpi_label(k) for k in kpis]
    rows = [[res.configs.at[c, "label"]] + [format_ci(k, *(summ.at[(c, k), f] for f in ("mean", "ci_low", "ci_high")))
                                             for k in kpis] for c in res.configs.index]
    print(text_table(head, rows))
    return 0
