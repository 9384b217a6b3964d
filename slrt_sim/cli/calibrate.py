"""``slrt-sim calibrate``: the model's figures beside the published ones for the five seed districts."""
from __future__ import annotations

import argparse
import json
import sys

from slrt_sim.cli.common import json_clean, positive_int, progress_bar
from slrt_sim.experiments.report import text_table
from slrt_sim.i18n import fmt_num, fmt_pct, t

PERCENT = ("poverty_rate", "resolved_locally")


def add_parser(sub) -> None:
    p = sub.add_parser("calibrate", help=t("calib.help"), description=t("calib.help"))
    p.add_argument("--workers", "-w", type=int, help=t("cli.help.workers"))
    p.add_argument("--json", action="store_true", help=t("cli.help.json"))
    p.add_argument("--progress", action="store_true", help=t("cli.help.progress"))
    p.add_argument("--quiet", "-q", action="store_true", help=t("cli.help.quiet"))
    p.set_defaults(func=cmd_calibrate)


def _value(figure: str, x: float) -> str:
    if figure in PERCENT:
        return fmt_pct(x)
    return fmt_num(x, 2 if figure in ("members_per_poor_household", "puskesos_per_day") else 0)


def _detail(detail: tuple) -> dict[str, str]:
    """The run's own numbers a reason quotes: shares as percentages, counts rounded."""
    return {k: fmt_pct(v, 0) if k.endswith("_share") else fmt_num(v, 0) for k, v in detail}


def cmd_calibrate(args: argparse.Namespace) -> int:
    from slrt_sim.experiments.calibration import TOLERANCE, calibration_table, district_scenarios
    from slrt_sim.experiments.runner import default_workers

    positive_int("--workers", args.workers)
    scenarios = district_scenarios()
    bar = progress_bar(t("calib.progress", n=len(scenarios)), args)
    rows = calibration_table(scenarios, workers=args.workers or default_workers(),
                             progress=lambda d, n: bar.update(d / n if n else 1.0))
    bar.close()
    if args.json:
        json.dump(json_clean([{"district": r.district, "figure": r.figure, "model": r.model,
                               "published": r.published, "source": r.source, "gap": r.gap, "ok": r.ok}
                              for r in rows]), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(t("calib.header", tolerance=fmt_pct(TOLERANCE, 0)))
    print()
    head = [t("calib.col.district"), t("calib.col.figure"), t("calib.col.model"), t("calib.col.published"),
            t("calib.col.gap"), t("calib.col.note")]
    table = [[r.district, t(f"calib.fig.{r.figure}"), _value(r.figure, r.model), _value(r.figure, r.published),
              ("+" if r.gap > 0 else "") + fmt_pct(r.gap, 0),
              t("calib.ok", source=r.source) if r.ok else t(f"calib.reason.{r.figure}", source=r.source,
                                                            **_detail(r.detail))]
             for r in rows]
    print(text_table(head, table, left=2, text_last=True))
    return 0
