"""The ``slrt-sim`` command (also ``python -m slrt_sim``).

Subcommands: ``validate``, ``run``, ``serve`` (:mod:`slrt_sim.cli.serve`; :mod:`slrt_sim.serve`
parses its options) and, from other modules that register themselves in
:data:`EXTENSIONS`, more (``sweep``, ``cards``...). A user's mistake
(bad scenario, bad ``--set``, an output folder that cannot be written) prints one
line to stderr and exits with code 2; no traceback.
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from slrt_sim import i18n
from slrt_sim.i18n import fmt_num, fmt_pct, t
from slrt_sim.domain.scenario import Scenario, ScenarioError, load_scenario

EXIT_USER_ERROR = 2

EXTENSIONS = ("slrt_sim.experiments.sweep", "slrt_sim.training.cards")
"""Modules that may add subcommands with ``add_parser(subparsers)``; missing ones are skipped."""


class UserError(Exception):
    """A mistake the user can fix; the message is one line."""


# ----------------------------------------------------------------------------- progress
class ProgressBar:
    """A text progress bar on stderr, redrawn at most a few times a second."""

    def __init__(self, label: str, enabled: bool, stream=None, min_interval: float = 0.2):
        self.label, self.enabled = label, enabled
        self.stream = stream or sys.stderr
        self.min_interval = min_interval
        self._last = 0.0
        self._shown = False

    def update(self, fraction: float, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < self.min_interval:
            return
        self._last = now
        fraction = min(1.0, max(0.0, fraction))
        width = 30
        filled = int(round(width * fraction))
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f}%")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.update(1.0, force=True)
            self.stream.write("\n")
            self.stream.flush()


# ----------------------------------------------------------------------------- helpers
def load_with_options(path: str, sets: Sequence[str] | None, seed: int | None, days: float | None) -> Scenario:
    overrides = list(sets or [])
    if seed is not None:
        overrides.append(f"seed={seed}")
    if days is not None:
        overrides.append(f"horizon_days={days}")
    return load_scenario(path, overrides or None)


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def format_kpi(name: str, value: float) -> str:
    from slrt_sim.experiments.results import PERCENT_KPIS

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if name in PERCENT_KPIS:
        return fmt_pct(value)
    if name in ("cases", "backlog_end", "unidentified_end", "served", "ineligible", "lost", "complaints",
                "outreach_visits"):
        return fmt_num(value, 0)
    return fmt_num(value, 1)


def kpi_table(summary, names: Sequence[str], replications: int) -> str:
    from slrt_sim.experiments.results import kpi_label

    rows = []
    for name in names:
        row = summary.loc[name]
        value = format_kpi(name, row["mean"])
        ci = ""
        if replications > 1 and not math.isnan(row["half_width"]):
            ci = f"{format_kpi(name, row['ci_low'])} – {format_kpi(name, row['ci_high'])}"
        rows.append((kpi_label(name), value, ci))
    head = (t("col.kpi"), t("col.mean") if replications > 1 else t("col.value"), t("col.ci") if replications > 1 else "")
    w0 = max(len(head[0]), *(len(r[0]) for r in rows))
    w1 = max(len(head[1]), *(len(r[1]) for r in rows))
    lines = [f"{head[0]:<{w0}}  {head[1]:>{w1}}  {head[2]}".rstrip(), "-" * (w0 + w1 + 4 + max(len(head[2]), 10))]
    lines += [f"{a:<{w0}}  {b:>{w1}}  {c}".rstrip() for a, b, c in rows]
    return "\n".join(lines)


def stage_table(stages) -> str:
    head = (t("col.stage"), t("col.staff"), t("col.served"), t("col.wait_mean_hours"), t("col.wait_p90_hours"),
            t("col.utilisation"))
    rows = []
    for stage, r in stages.iterrows():
        rows.append((t(f"stage.{stage}"), fmt_num(r["staff"], 0), fmt_num(r["served"], 0),
                     fmt_num(r["wait_mean_hours"], 1), fmt_num(r["wait_p90_hours"], 1), fmt_pct(r["utilisation"])))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    fmt = lambda cells: "  ".join(  # noqa: E731
        f"{c:<{widths[i]}}" if i == 0 else f"{c:>{widths[i]}}" for i, c in enumerate(cells))
    return "\n".join([fmt(head), "-" * (sum(widths) + 2 * (len(widths) - 1))] + [fmt(r) for r in rows])


def writable_folder(out: str | Path, message_key: str = "cli.err.out_dir") -> Path:
    """Create ``out`` if needed and check it can be written; a one-line UserError if not."""
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UserError(t(message_key, path=str(out), reason=exc.strerror or str(exc))) from None
    return folder


def write_outputs(out: str, reps, summary, stages) -> list[Path]:
    folder = writable_folder(out)
    written = []
    cases = reps.cases()
    kpis = reps.kpis
    paths = {
        "cases": folder / "cases.csv", "kpis": folder / "kpis.csv", "summary": folder / "summary.csv",
        "stages": folder / "stages.csv", "excel": folder / "results.xlsx",
    }
    cases.to_csv(paths["cases"], index=False)
    kpis.to_csv(paths["kpis"])
    summary.to_csv(paths["summary"])
    stages.to_csv(paths["stages"])
    with _excel_writer(paths["excel"]) as xw:
        summary.to_excel(xw, sheet_name=t("sheet.summary"))
        kpis.to_excel(xw, sheet_name=t("sheet.kpis_per_replication"))
        stages.to_excel(xw, sheet_name=t("sheet.stages"))
        cases.head(1_000_000).to_excel(xw, sheet_name=t("sheet.cases"), index=False)
    written += list(paths.values())
    return written


def _excel_writer(path: Path):
    import pandas as pd

    return pd.ExcelWriter(path, engine="openpyxl")


# ----------------------------------------------------------------------------- commands
def cmd_validate(args: argparse.Namespace) -> int:
    s = load_with_options(args.file, args.set, None, None)
    villages = s.region.villages()
    print(t("cli.validate.ok", file=args.file, name=s.name, kecamatan=len(s.region.kecamatan),
            villages=len(villages), households=fmt_num(s.region.n_households, 0)))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from slrt_sim.experiments.results import HEADLINE_KPIS, KPI_FIELDS
    from slrt_sim.experiments.runner import default_workers, run_replications, run_once, get_population

    s = load_with_options(args.file, args.set, args.seed, args.days)
    if args.replications < 1:
        raise UserError(t("cli.err.replications", value=args.replications))
    show_bar = (not args.quiet) and (args.progress or sys.stderr.isatty())
    bar = ProgressBar(t("cli.run.progress", name=s.name), show_bar)
    t0 = time.perf_counter()
    workers = args.workers if args.workers is not None else (default_workers() if args.replications > 1 else 1)
    if args.replications == 1:
        bar.update(0.0, force=True)
        get_population(s)
        from slrt_sim.experiments.results import Replications

        reps = Replications([run_once(s, 0, progress=bar.update)], scenario_name=s.name)
    else:
        bar.update(0.0, force=True)
        reps = run_replications(s, args.replications, workers=workers,
                                progress=lambda done, total: bar.update(done / total))
    bar.close()
    wall = time.perf_counter() - t0
    summary = reps.summary()
    stages = reps.stages()
    if args.out:
        written = write_outputs(args.out, reps, summary, stages)
        if not args.json:
            print(t("cli.run.written", n=len(written), path=args.out), file=sys.stderr)
    if args.json:
        obj = {
            "scenario": s.name,
            "file": args.file,
            "seed": s.seed,
            "horizon_days": s.horizon_days,
            "warmup_days": s.warmup_days,
            "replications": args.replications,
            "kpis": {name: {k: summary.at[name, k] for k in ("mean", "sd", "ci_low", "ci_high", "half_width")}
                     for name in KPI_FIELDS},
            "stages": {stage: row.to_dict() for stage, row in stages.iterrows()},
            "per_replication": reps.kpis.reset_index().to_dict(orient="records"),
            "events": reps.events,
            "wall_seconds": wall,
        }
        json.dump(_clean(obj), sys.stdout, ensure_ascii=False, indent=None)
        sys.stdout.write("\n")
        return 0
    print(t("cli.run.header", name=s.name, reps=args.replications, days=fmt_num(s.horizon_days, 0),
            seed=s.seed, seconds=fmt_num(wall, 1)))
    print()
    names = KPI_FIELDS if args.all else HEADLINE_KPIS
    print(kpi_table(summary, names, args.replications))
    print()
    print(stage_table(stages))
    return 0


# ----------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="slrt-sim", description=t("cli.description"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=t("cli.help.lang"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help=t("cli.help.validate"))
    p.add_argument("file", help=t("cli.help.file"))
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE", help=t("cli.help.set"))
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("run", help=t("cli.help.run"))
    p.add_argument("file", help=t("cli.help.file"))
    p.add_argument("--seed", type=int, help=t("cli.help.seed"))
    p.add_argument("--days", type=float, help=t("cli.help.days"))
    p.add_argument("--replications", "-r", type=int, default=1, help=t("cli.help.replications"))
    p.add_argument("--workers", "-w", type=int, help=t("cli.help.workers"))
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE", help=t("cli.help.set"))
    p.add_argument("--json", action="store_true", help=t("cli.help.json"))
    p.add_argument("--out", metavar="DIR", help=t("cli.help.out"))
    p.add_argument("--all", action="store_true", help=t("cli.help.all"))
    p.add_argument("--progress", action="store_true", help=t("cli.help.progress"))
    p.add_argument("--quiet", "-q", action="store_true", help=t("cli.help.quiet"))
    p.set_defaults(func=cmd_run)

    # listed for --help; main() hands `serve ...` to slrt_sim.cli.serve (slrt_sim.serve owns its options)
    sub.add_parser("serve", help=t("cli.help.serve"), add_help=False)

    for name in EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        if hasattr(module, "add_parser"):
            module.add_parser(sub)
    return parser


def _preparse_lang(argv: Sequence[str]) -> None:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv) and argv[i + 1] in i18n.LANGUAGES:
            i18n.set_language(argv[i + 1])
        elif a.startswith("--lang=") and a.split("=", 1)[1] in i18n.LANGUAGES:
            i18n.set_language(a.split("=", 1)[1])


def _serve_args(argv: Sequence[str]) -> list[str] | None:
    """The arguments after ``serve`` if that is the subcommand (global ``--lang`` may come first)."""
    i = 0
    while i < len(argv) and argv[i].startswith("--lang"):
        i += 1 if "=" in argv[i] else 2
    return list(argv[i + 1:]) if i < len(argv) and argv[i] == "serve" else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _preparse_lang(argv)
    serve_args = _serve_args(argv)
    if serve_args is not None:
        from slrt_sim.cli import serve as serve_command

        return serve_command.main(serve_args)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args.func(args) or 0)
    except (ScenarioError, UserError) as exc:
        print(f"{t('cli.error')}: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into head
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
