"""The planner's recommendation in words: what was chosen, which target decided it, what the total counts.

Works on a :class:`slrt_sim.experiments.planner.PlanResult` (duck-typed: this module does
not import the planner, which imports it). Every sentence comes from the catalogue
(``plan.*``, Bahasa Indonesia first); numbers are formatted by
:func:`slrt_sim.experiments.report.format_ci`, so they read as in the table.

* :func:`recommendation_text`: the answer (or, when no configuration meets every target,
  the closest one and the targets it misses);
* :func:`explanation`: why — for each kind of staff, what happens with one step less
  (the target that fails, its value and confidence interval, "just under 70%"), or that
  the value is the smallest tried; why an office with almost no work is still counted;
  what the total counts (a Puskesos counts as its FO plus BO staff); how much was simulated.
"""
from __future__ import annotations

import math
from html import escape
from typing import Any

from slrt_sim.experiments.kpis import PERCENT_KPIS, kpi_label
from slrt_sim.experiments.report import format_ci
from slrt_sim.i18n import fmt_num, fmt_pct, t

SLIGHTLY = 0.05
"""A mean within 5% (relative) of the target is "just" under or over it."""

IDLE = 0.05
"""An office below 5% utilisation is "almost unused"."""

STEPS = (("fasilitators_per_village", "plan.what.fas"), ("district_fo", "plan.what.fo"),
         ("district_bo", "plan.what.bo"))


def _bold(html: bool):
    return (lambda x: f"<b>{x}</b>") if html else (lambda x: x)


def target_value(x) -> str:
    return fmt_pct(x.value, 0) if x.kpi in PERCENT_KPIS else fmt_num(x.value, 1)


def relation(x, mean: float, low: float, high: float, met: bool) -> str:
    """Where a value stands against a target: meets it, (just) under/over it, or its interval straddles it."""
    v = target_value(x)
    if met:
        return t("plan.rel.meets", target=v)
    if mean is None or math.isnan(mean):
        return t("plan.rel.missing", target=v)
    wrong_side = mean < x.value if x.op == ">=" else mean > x.value
    if not wrong_side:
        return t("plan.rel.straddles", target=v)
    gap = abs(mean - x.value) / (abs(x.value) or 1.0)
    key = ("below" if x.op == ">=" else "above") if gap >= SLIGHTLY else \
        ("slightly_below" if x.op == ">=" else "slightly_above")
    return t(f"plan.rel.{key}", target=v)


def value_text(p: Any, c: int, x, met: bool | None = None) -> str:
    """``kpi mean [low–high], relation`` of target ``x`` at simulated configuration ``c``."""
    row = p.summary.loc[(c, x.kpi)]
    mean, low, high = float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])
    if met is None:
        met = x.met(mean, low, high, p.rule)
    return t("plan.value", kpi=kpi_label(x.kpi), value=format_ci(x.kpi, mean, low, high),
             relation=relation(x, mean, low, high, met))


def failed_texts(p: Any, c: int) -> list[str]:
    return [value_text(p, c, x, False) for x, ok in zip(p.targets, p.meets.loc[c]) if not ok]


def staffing_text(cfg) -> str:
    return t("plan.staffing", fas=fmt_num(cfg["fasilitators_per_village"], 0), fo=fmt_num(cfg["district_fo"], 0),
             bo=fmt_num(cfg["district_bo"], 0))


def recommendation_text(p: Any, html: bool = True) -> str:
    """The answer in one paragraph (the closest configuration and what it misses when none meets every target).

    ``html=True``: with bold numbers and the :func:`explanation` as a list below (what the app
    shows); ``html=False``: the paragraph alone, plain text.
    """
    b = _bold(html)
    c = p.shown
    cfg = p.configs.loc[c]
    if p.recommended is None:
        text = t("plan.none", fas=b(fmt_num(cfg["fasilitators_per_village"], 0)), fo=b(fmt_num(cfg["district_fo"], 0)),
                 bo=b(fmt_num(cfg["district_bo"], 0)), total=fmt_num(cfg["total_staff"], 0),
                 failed=_esc("; ".join(failed_texts(p, c)), html))
        if any(x.kpi.startswith("needs_met") and not ok for x, ok in zip(p.targets, p.meets.loc[c])):
            text += " " + _esc(t("plan.none.hint"), html)
    else:
        text = t("plan.recommend", fas=b(fmt_num(cfg["fasilitators_per_village"], 0)),
                 fas_total=fmt_num(cfg["fasilitators_total"], 0), fo=b(fmt_num(cfg["district_fo"], 0)),
                 bo=b(fmt_num(cfg["district_bo"], 0)), puskesos=fmt_num(cfg["n_puskesos"], 0),
                 total=b(fmt_num(cfg["total_staff"], 0)), rule=_esc(t(f"plan.rule.{p.rule}"), html))
    if not html:
        return text
    items = "".join(f"<li>{escape(s)}</li>" for s in explanation(p))
    return f'{text}<ul class="slrt-why">{items}</ul>'


def _esc(text: str, html: bool) -> str:
    return escape(text) if html else text


# ----------------------------------------------------------------------------- why
def _lower_neighbour(p: Any, c: int, dim: str) -> int | None:
    """Grid number of the configuration with one step less of ``dim`` (same other staff), or None."""
    g = p.grid
    cfg = p.configs.loc[c]
    same = (g["puskesos"] == cfg["puskesos"])
    for other, _ in STEPS:
        if other != dim:
            same &= g[other] == cfg[other]
    lower = g[same & (g[dim] < cfg[dim])]
    if lower.empty:
        return None
    return int(lower[dim].idxmax())


def _position(p: Any, grid_number: int) -> int | None:
    hit = p.configs.index[p.configs["grid"] == grid_number]
    return int(hit[0]) if len(hit) else None


def step_sentences(p: Any) -> list[str]:
    """For each kind of staff at the recommendation: what one step less fails, or that it is the least tried."""
    c = p.recommended
    cfg = p.configs.loc[c]
    out = []
    for dim, what_key in STEPS:
        n = _lower_neighbour(p, c, dim)
        if n is None:
            out.append(t("plan.why.smallest", what=t(what_key, n=fmt_num(cfg[dim], 0))))
            continue
        lower = p.grid.loc[n]
        what = t(what_key, n=fmt_num(lower[dim], 0))
        pos = _position(p, n)
        if pos is not None:
            out.append(t("plan.why.step", what=what, values="; ".join(failed_texts(p, pos))))
            continue
        witness = int(p.grid.at[n, "witness"])
        wpos = _position(p, witness) if witness >= 0 else None
        if wpos is None:
            continue
        x = next(x for x in p.targets if x.text() == p.grid.at[n, "ruled_out_by"])
        out.append(t("plan.why.pruned", what=what, witness=staffing_text(p.configs.loc[wpos]),
                     values=value_text(p, wpos, x, False)))
    return out


def idle_sentences(p: Any, c: int) -> list[str]:
    """An office counted although it has almost no work: why (the least tried, one per office)."""
    cfg = p.configs.loc[c]
    out = []
    for kpi, dim, office in (("util_fo", "district_fo", "fo"), ("util_bo", "district_bo", "bo")):
        util = float(p.summary.loc[(c, kpi), "mean"])
        if cfg[dim] < 1 or math.isnan(util) or util >= IDLE:
            continue
        least = int(p.grid[dim].min())
        out.append(t(f"plan.why.idle.{office}", util=fmt_pct(util), n=fmt_num(cfg[dim], 0), least=fmt_num(least, 0)))
    return out


BINDING = (("util_fasilitator", "plan.group.fasilitators"), ("util_fo", "plan.group.district_fo"),
           ("util_bo", "plan.group.district_bo"), ("util_puskesos", "plan.group.puskesos"))
"""The staff groups the planner sizes, by the utilisation that shows their load."""


def binding_sentence(p: Any, c: int) -> str | None:
    """The group that binds at configuration ``c``: the busiest (highest mean utilisation) — the
    one a planner adds to first (docs/developer.md, "Staffing effects", gives the paired effects)."""
    best = None
    for kpi, key in BINDING:
        if (c, kpi) not in p.summary.index:
            continue
        util = float(p.summary.loc[(c, kpi), "mean"])
        if not math.isnan(util) and (best is None or util > best[0]):
            best = (util, key)
    if best is None:
        return None
    return t("plan.why.binding", group=t(best[1]), util=fmt_pct(best[0]))


def total_sentence(p: Any, c: int) -> str:
    cfg = p.configs.loc[c]
    villages = len(p.scenario.region.villages())
    n_pk = int(cfg["n_puskesos"])
    per = int(cfg["puskesos_fo"] + cfg["puskesos_bo"])
    pk = t("plan.why.total.puskesos", n=fmt_num(n_pk, 0), per=fmt_num(per, 0), fo=fmt_num(cfg["puskesos_fo"], 0),
           bo=fmt_num(cfg["puskesos_bo"], 0)) if n_pk else ""
    return t("plan.why.total", total=fmt_num(cfg["total_staff"], 0), fas_total=fmt_num(cfg["fasilitators_total"], 0),
             fas=fmt_num(cfg["fasilitators_per_village"], 0), villages=fmt_num(villages, 0),
             fo=fmt_num(cfg["district_fo"], 0), bo=fmt_num(cfg["district_bo"], 0), puskesos=pk)


def search_sentence(p: Any) -> str:
    n = len(p.grid)
    reps = p.configs["replications"]
    span = fmt_num(reps.min(), 0) if reps.min() == reps.max() else f"{fmt_num(reps.min(), 0)}–{fmt_num(reps.max(), 0)}"
    if p.exhaustive:
        return t("plan.why.exhaustive", n=fmt_num(n, 0), reps=span, runs=fmt_num(p.runs, 0))
    return t("plan.why.search", sim=fmt_num(len(p.configs), 0), n=fmt_num(n, 0), runs=fmt_num(p.runs, 0), reps=span,
             max=fmt_num(p.max_reps, 0), skipped=fmt_num(n - len(p.configs), 0))


def explanation(p: Any) -> list[str]:
    """The reasons behind :func:`recommendation_text`, one sentence each (plain text)."""
    c = p.shown
    out = []
    if p.recommended is not None and p.targets:
        out.append(t("plan.why.at", values="; ".join(value_text(p, c, x) for x in p.targets)))
        out.extend(step_sentences(p))
    elif p.recommended is None:
        out.append(t("plan.why.closest"))
    out.extend(idle_sentences(p, c))
    binding = binding_sentence(p, c)
    if binding:
        out.append(binding)
    out.append(total_sentence(p, c))
    out.append(search_sentence(p))
    return out
