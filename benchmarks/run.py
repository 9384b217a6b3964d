"""Run every benchmark (``make bench``): ``benchmarks/bench_*.py``, one process, in name order.

Each module's ``run(quick=False) -> dict`` gives its figures; its table is printed (the
module's ``_table(result)`` if it has one, otherwise a generic two-column table) and
all results, with the machine and versions they were measured on, are written to
``benchmarks/results/latest.json``.

    .venv/bin/python benchmarks/run.py [--quick] [NAME ...]     # NAME: model, mmc, bench_model ...
    .venv/bin/python -m benchmarks [--quick] [NAME ...]

``--quick`` runs the small variants (a smoke test; their figures are not the targets').
The exit status is 1 if a benchmark raised (the others still run and are written).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import generic_table  # noqa: E402

RESULTS = HERE / "results" / "latest.json"


def discover() -> list[str]:
    """Module names ``bench_*`` in this folder, sorted."""
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def _jsonable(x: Any) -> Any:
    """Plain JSON: numpy scalars to Python, NaN/inf to null, tuples to lists."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "item") and callable(x.item) and not isinstance(x, (str, bytes)):
        try:
            x = x.item()
        except (TypeError, ValueError):
            return str(x)
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    return str(x)


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10,
                              check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def machine() -> dict[str, Any]:
    def version(mod: str) -> str | None:
        try:
            return importlib.import_module(mod).__version__
        except Exception:  # noqa: BLE001 - a missing optional package is just not reported
            return None

    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "loadavg": load,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "versions": {m: version(m) for m in ("simpy", "ciw", "numpy", "pandas")},
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="benchmarks to run (default: all), e.g. model mmc")
    ap.add_argument("--quick", action="store_true", help="small variants (smoke test)")
    ap.add_argument("--output", type=Path, default=RESULTS, help=f"JSON file (default: {RESULTS.relative_to(ROOT)})")
    args = ap.parse_args(argv)

    names = discover()
    if args.names:
        wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in args.names]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            ap.error(f"unknown benchmark(s) {', '.join(unknown)}; have: {', '.join(names)}")
        names = wanted

    started = dt.datetime.now(dt.timezone.utc)
    report: dict[str, Any] = {"started": started.isoformat(timespec="seconds"), "quick": args.quick,
                              "machine": machine(), "benchmarks": {}}
    failed = []
    for name in names:
        print(f"\n== {name}{' (quick)' if args.quick else ''} ==", flush=True)
        t0 = time.perf_counter()
        try:
            mod = importlib.import_module(f"benchmarks.{name}")
            result = mod.run(quick=args.quick)
        except Exception as exc:  # noqa: BLE001 - report it, run the others
            traceback.print_exc()
            failed.append(name)
            report["benchmarks"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        elapsed = time.perf_counter() - t0
        fmt_table = getattr(mod, "_table", None) or getattr(mod, "format_table", None)
        print(fmt_table(result) if callable(fmt_table) else generic_table(result))
        print(f"({elapsed:.1f} s)", flush=True)
        report["benchmarks"][name] = {**result, "benchmark_seconds": elapsed}

    report["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    try:
        report["machine"]["loadavg_end"] = os.getloadavg()
    except OSError:
        pass
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(_jsonable(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.output}")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
