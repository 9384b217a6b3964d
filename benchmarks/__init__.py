"""Benchmarks of slrt-sim (``make bench`` runs ``benchmarks/run.py``).

Every ``benchmarks/bench_*.py`` module has ``run(quick=False) -> dict`` returning its
figures (``quick=True``: a smaller, faster variant for a smoke test) and prints a table
when run as a script. ``benchmarks/run.py`` runs them all in one process, prints the
tables and writes ``benchmarks/results/latest.json``.

The helpers here are shared by the modules written in this package (timing summaries
and a plain-text table); modules do not have to use them.
"""
from __future__ import annotations

import os

# One core for numpy's BLAS/OpenMP in every benchmark: set here, when the package is
# first imported, before any benchmark module imports numpy.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import math
import statistics
import time
from typing import Any, Iterable, Sequence


def clock() -> tuple[float, float]:
    """(wall, CPU) seconds now: ``time.perf_counter()`` and this process's ``time.process_time()``.

    Other jobs share the machine's cores: wall time then includes time spent waiting for a
    core, CPU time does not, so both are reported (single-threaded code: equal when idle).
    """
    return time.perf_counter(), time.process_time()


def spread(values: Iterable[float]) -> dict[str, float]:
    """Median, min and max of repeated measurements (machine noise: report all three)."""
    v = [float(x) for x in values]
    if not v:
        return {"median": float("nan"), "min": float("nan"), "max": float("nan"), "n": 0}
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}


def fmt(value: Any, unit: str = "") -> str:
    """A number for a table: few significant digits, thousands separators for big ones."""
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        a = abs(value)
        if a >= 10_000:
            s = f"{value:,.0f}"
        elif a >= 100:
            s = f"{value:.1f}"
        elif a >= 1:
            s = f"{value:.3f}"
        elif a == 0:
            s = "0"
        elif a >= 1e-3:
            s = f"{value:.4f}"
        else:
            s = f"{value:.3g}"
        return s + unit
    return str(value)


def fmt_spread(d: dict[str, float], unit: str = "", scale: float = 1.0) -> tuple[str, str]:
    """('median', 'min – max') of a :func:`spread` dict, scaled (e.g. 1e6 for µs)."""
    return (fmt(d["median"] * scale, unit),
            f"{fmt(d['min'] * scale, unit)} – {fmt(d['max'] * scale, unit)}")


def table(rows: Sequence[Sequence[Any]], header: Sequence[str] | None = None) -> str:
    """A left-aligned first column and right-aligned others, columns padded to fit."""
    cells = [[str(c) for c in r] for r in ([header] if header else []) + [list(r) for r in rows]]
    if not cells:
        return ""
    n = max(len(r) for r in cells)
    cells = [r + [""] * (n - len(r)) for r in cells]
    width = [max(len(r[i]) for r in cells) for i in range(n)]

    def line(r: list[str]) -> str:
        return "  ".join(c.ljust(width[i]) if i == 0 else c.rjust(width[i]) for i, c in enumerate(r)).rstrip()

    out = [line(r) for r in cells]
    if header:
        out.insert(1, "  ".join("-" * w for w in width))
    return "\n".join(out)


def flatten(d: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested dicts as ('a.b.c', value) pairs (for a generic table of any benchmark)."""
    out: list[tuple[str, Any]] = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.extend(flatten(v, key + "."))
        else:
            out.append((key, v))
    return out


def generic_table(result: dict[str, Any]) -> str:
    """Any result dict as a two-column table (used when a module has no ``format_table``)."""
    rows = []
    for k, v in flatten(result):
        if isinstance(v, (list, tuple)):
            v = ", ".join(fmt(x) for x in v) if len(v) <= 12 else f"[{len(v)} values]"
        rows.append((k, fmt(v)))
    return table(rows, ("figure", "value"))
