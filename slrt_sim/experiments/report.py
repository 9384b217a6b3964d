"""How KPIs are written for people: one formatter for values, intervals and comparisons.

Every table (CLI, planner, walkthrough, workbook) formats a KPI through :func:`format_kpi`
and a mean with its confidence interval through :func:`format_ci`, so the same number reads
the same everywhere. :func:`compare` says whether two runs differ beyond noise: when the
confidence interval of their (paired, common-random-numbers) difference contains zero, the
difference is reported as within noise rather than as a gain or a loss.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from slrt_sim.experiments.kpis import COUNT_KPIS, PERCENT_KPIS
from slrt_sim.i18n import fmt_num, fmt_pct


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_kpi(name: str, value: float | None) -> str:
    """A KPI value: shares as percentages, counts without decimals, the rest with one decimal."""
    if _missing(value):
        return "–"
    if name in PERCENT_KPIS:
        return fmt_pct(value)
    if name in COUNT_KPIS:
        return fmt_num(value, 0)
    return fmt_num(value, 1)


def format_interval(name: str, low: float, high: float, sep: str = "–") -> str:
    """``low–high``, clipped to what the KPI can be (shares 0..100%, others >= 0); "" without an interval."""
    if _missing(low) or _missing(high):
        return ""
    low = max(float(low), 0.0)
    high = min(float(high), 1.0) if name in PERCENT_KPIS else float(high)
    return f"{format_kpi(name, low)}{sep}{format_kpi(name, high)}"


def format_ci(name: str, mean: float, low: float, high: float) -> str:
    """``mean [low–high]`` (just the mean when there is no interval)."""
    text = format_kpi(name, mean)
    interval = format_interval(name, low, high)
    return f"{text} [{interval}]" if interval and not _missing(mean) else text


@dataclass(frozen=True)
class Comparison:
    """Run ``b`` against run ``a`` on one KPI: ``direction`` is "up", "down", "same" or "noise"."""

    kpi: str
    a: float
    b: float
    direction: str

    @property
    def within_noise(self) -> bool:
        return self.direction == "noise"


def compare(kpi: str, a: Sequence[float], b: Sequence[float], confidence: float = 0.95) -> Comparison:
    """Compare run ``b`` with run ``a`` on one KPI, from their per-replication values.

    The runs use common random numbers (replication ``r`` of both has the same residents and
    needs), so the test is paired: the confidence interval of the mean of ``b[r] - a[r]``
    over the replications both have. If it contains zero the difference is "noise" (the
    replications cannot tell the runs apart); otherwise "up" or "down". With fewer than two
    paired replications there is no interval and the means decide.
    """
    import numpy as np

    from slrt_sim.experiments.results import t_interval

    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ma = float(np.nanmean(a)) if np.isfinite(a).any() else float("nan")
    mb = float(np.nanmean(b)) if np.isfinite(b).any() else float("nan")
    if math.isnan(ma) or math.isnan(mb):
        return Comparison(kpi, ma, mb, "noise")
    n = min(a.size, b.size)
    diff = b[:n] - a[:n]
    mean, _, half, k = t_interval(diff, confidence)
    if k >= 2 and not math.isnan(half):
        if abs(mean) <= 1e-12 and half <= 1e-12:
            return Comparison(kpi, ma, mb, "same")
        if abs(mean) <= half:
            return Comparison(kpi, ma, mb, "noise")
        return Comparison(kpi, ma, mb, "up" if mean > 0 else "down")
    if abs(mb - ma) <= 1e-12:
        return Comparison(kpi, ma, mb, "same")
    return Comparison(kpi, ma, mb, "up" if mb > ma else "down")


def text_table(head: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1, text_last: bool = False) -> str:
    """A plain-text table: the first ``left`` columns (and the last if ``text_last``) left-aligned, numbers right."""
    n = len(head)
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(head)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(f"{c:<{widths[i]}}" if i < left or (text_last and i == n - 1) else f"{c:>{widths[i]}}"
                         for i, c in enumerate(cells)).rstrip()

    return "\n".join([line(head), "-" * (sum(widths) + 2 * (len(widths) - 1))] + [line(r) for r in rows])
