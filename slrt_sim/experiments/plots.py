"""Plotting helpers shared by the walkthrough and the planner: offline, Indonesian labels.

Every function returns a :class:`matplotlib.figure.Figure` built with the Agg canvas
(no GUI, no network, no fonts beyond matplotlib's bundled DejaVu); :func:`png` turns
it into PNG bytes for an ``ipywidgets.Image``. Axis numbers follow the current
language (``1.234,5`` in Bahasa Indonesia) through :func:`number_formatter`; every
label is looked up in the catalogue.
"""
from __future__ import annotations

import io
import math
import textwrap
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from slrt_sim.i18n import fmt_num, fmt_pct, t

STATE_COLOURS = {
    "unidentified": "#bdbdbd", "in_process": "#4e79a7", "waiting_quota": "#f28e2b",
    "served": "#59a14f", "ineligible": "#9c755f", "lost": "#e15759",
}
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac")


def number_formatter(decimals: int = 0, percent: bool = False) -> FuncFormatter:
    """A tick formatter in the current language (shares 0..1 shown as percentages)."""
    if percent:
        return FuncFormatter(lambda x, _pos: fmt_pct(x, decimals))
    return FuncFormatter(lambda x, _pos: fmt_num(x, decimals))


def figure(width: float = 8.0, height: float = 4.0) -> Figure:
    fig = Figure(figsize=(width, height), dpi=96)
    fig.set_layout_engine("constrained")
    return fig


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def value_text(value: float, percent: bool = False, decimals: int | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if percent:
        return fmt_pct(value, 1 if decimals is None else decimals)
    return fmt_num(value, 0 if decimals is None else decimals)


# ----------------------------------------------------------------------------- walkthrough
def funnel_figure(steps: Sequence[tuple[str, float]], highlight: int | None = None, title: str = "") -> Figure:
    """Horizontal funnel: ``steps`` = [(label, count)], top to bottom; steps after ``highlight`` faded."""
    fig = figure(8.0, 0.55 * len(steps) + 1.2)
    ax = fig.add_subplot()
    labels = [s[0] for s in steps]
    values = [float(s[1]) for s in steps]
    top = max(values) if values else 1.0
    y = np.arange(len(steps))[::-1]
    for i, (yy, v) in enumerate(zip(y, values)):
        faded = highlight is not None and i > highlight
        colour = "#dddddd" if faded else PALETTE[0] if i != highlight else PALETTE[1]
        ax.barh(yy, v, left=(top - v) / 2.0, color=colour, height=0.8)
        share = f" ({fmt_pct(v / values[0], 0)})" if values[0] and i else ""
        ax.text(top / 2.0, yy, fmt_num(v, 0) + share, ha="center", va="center",
                color="#999999" if faded else "black", fontsize=10, fontweight="bold")
    ax.set_yticks(y, labels)
    ax.set_xticks([])
    ax.set_xlim(0, top if top > 0 else 1.0)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title)
    return fig


def timeline_figure(timeline, upto: float | None = None, title: str = "") -> Figure:
    """Cases by state over the year (stacked), up to day ``upto`` (the rest is left blank)."""
    from slrt_sim.model.flow import STATES

    fig = figure(8.0, 3.8)
    ax = fig.add_subplot()
    df = timeline if upto is None else timeline[timeline["day"] <= upto]
    ys = [df[s].to_numpy() for s in STATES]
    ax.stackplot(df["day"].to_numpy(), *ys, labels=[t(f"state.{s}") for s in STATES],
                 colors=[STATE_COLOURS[s] for s in STATES], alpha=0.9)
    total = timeline[list(STATES)].sum(axis=1).max() if len(timeline) else 1
    ax.set_xlim(0, float(timeline["day"].max()) if len(timeline) else 1)
    ax.set_ylim(0, max(1.0, float(total) * 1.05))
    ax.plot(df["day"], df["in_process"] + df["waiting_quota"], color="black", lw=1.5,
            label=t("walk.plot.backlog"))
    if upto is not None:
        ax.axvline(upto, color="black", lw=1, ls=":")
    ax.set_xlabel(t("walk.plot.day"))
    ax.set_ylabel(t("walk.plot.cases"))
    ax.yaxis.set_major_formatter(number_formatter())
    ax.xaxis.set_major_formatter(number_formatter())
    ax.legend(loc="upper left", fontsize=8, ncols=2, frameon=False)
    if title:
        ax.set_title(title)
    return fig


def compare_figure(labels: Sequence[str], kpis: Sequence[str], means, lows, highs, percent: Sequence[bool],
                   kpi_labels: Sequence[str]) -> Figure:
    """Small multiples: one panel per KPI, one bar per run with its confidence interval."""
    n = len(kpis)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig = figure(3.2 * cols, 2.6 * rows + 0.4)
    axes = fig.subplots(rows, cols, squeeze=False)
    x = np.arange(len(labels))
    for k in range(rows * cols):
        ax = axes[k // cols][k % cols]
        if k >= n:
            ax.set_visible(False)
            continue
        m = np.asarray(means[k], dtype=float)
        lo = np.asarray(lows[k], dtype=float)
        hi = np.asarray(highs[k], dtype=float)
        err = np.vstack([np.nan_to_num(m - lo), np.nan_to_num(hi - m)])
        ax.bar(x, np.nan_to_num(m), color=[PALETTE[i % len(PALETTE)] for i in range(len(labels))], yerr=err,
               capsize=3)
        for xi, v in zip(x, m):
            ax.text(xi, 0, value_text(v, percent[k]), ha="center", va="bottom", fontsize=8, color="black",
                    fontweight="bold", bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})
        ax.set_title(kpi_labels[k], fontsize=9)
        ax.set_xticks(x, [str(i + 1) for i in range(len(labels))])
        ax.yaxis.set_major_formatter(number_formatter(0, percent[k]))
        if percent[k]:
            ax.set_ylim(0, max(0.05, min(1.0, float(np.nanmax(np.nan_to_num(hi))) * 1.15 if len(hi) else 1.0)))
    fig.supxlabel(t("walk.plot.run_number"), fontsize=9)
    # which run each bar is: its number and name, in the bar's colour (not only "1", "2", ...)
    from matplotlib.patches import Patch

    handles = [Patch(color=PALETTE[i % len(PALETTE)]) for i in range(len(labels))]
    names = [textwrap.shorten(f"{i + 1}: {lab}", 90, placeholder="…") for i, lab in enumerate(labels)]
    fig.legend(handles, names, loc="outside lower left", fontsize=8, frameon=False, ncol=1)
    fig.set_figheight(fig.get_figheight() + 0.2 * len(labels))
    return fig


# ----------------------------------------------------------------------------- planner
def staffing_figure(total_staff, values, lows, highs, target: float | None, percent: bool, kpi_label: str,
                    chosen: int | None = None, meets=None) -> Figure:
    """One KPI against total staff for every configuration, with CI bars and the target line."""
    fig = figure(6.0, 3.4)
    ax = fig.add_subplot()
    x = np.asarray(total_staff, dtype=float)
    m = np.asarray(values, dtype=float)
    err = np.vstack([np.nan_to_num(m - np.asarray(lows, float)), np.nan_to_num(np.asarray(highs, float) - m)])
    colours = [PALETTE[2] if (meets is not None and meets[i]) else PALETTE[3] for i in range(len(x))]
    ax.errorbar(x, m, yerr=err, fmt="none", ecolor="#777777", capsize=3, zorder=1)
    ax.scatter(x, m, c=colours, zorder=2, s=28)
    if chosen is not None:
        ax.scatter([x[chosen]], [m[chosen]], s=160, facecolors="none", edgecolors="black", linewidths=2, zorder=3,
                   label=t("plan.plot.recommended"))
        ax.legend(loc="best", fontsize=8, frameon=False)
    if target is not None:
        ax.axhline(target, color="black", ls="--", lw=1)
        ax.text(ax.get_xlim()[0], target, " " + t("plan.plot.target"), va="bottom", fontsize=8)
    ax.set_xlabel(t("plan.plot.total_staff"))
    ax.set_title(kpi_label, fontsize=10)
    ax.yaxis.set_major_formatter(number_formatter(0 if percent else 1, percent))
    ax.xaxis.set_major_formatter(number_formatter())
    return fig
