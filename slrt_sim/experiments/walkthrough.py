"""The SLRT walkthrough for trainers: one kelurahan over a simulated year, step by step.

The logic behind ``slrt_sim.apps.walkthrough`` (and usable without widgets):

* :data:`STEPS`: the flow of DOMAIN.md as the trainer tells it (need → identification →
  registration → DTKS check → referral → programme → follow-up → data updating), each
  with its text in the catalogue (``walk.step.<key>.*``) and its numbers from a run
  (:func:`step_numbers`);
* :func:`funnel`: how many cases reached each step;
* :data:`WHATIFS`: the comparisons of the issue, each a choice between two
  settings (walk-in only vs outreach, fragmented offices vs integrated SLRT, paper vs
  tablet, monthly vs quarterly DTKS determination);
* :func:`run_variant`: replications ``0..n-1`` of a variant. Every variant keeps the
  scenario's seed, so they are compared on **common random numbers**: the same
  households with the same needs arising on the same days;
* :class:`History`: the runs made so far, kept so that the trainer can compare them
  side by side (:meth:`History.comparison`).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from slrt_sim.i18n import fmt_num, fmt_pct, t
from slrt_sim.experiments.report import compare, format_ci
from slrt_sim.experiments.results import Replications, kpi_label
from slrt_sim.experiments.warmup import REPLICATIONS
from slrt_sim.domain.scenario import Scenario, load_scenario

from slrt_sim.paths import TRAINING_SCENARIO as SCENARIO_FILE

STEPS = ("need", "identification", "registration", "check", "referral", "programme", "followup", "update")
"""The steps of the flow, in the order the walkthrough shows them."""

FUNNEL_STEPS = ("need", "identified", "registered", "checked", "referred", "enrolled", "served_programme")

# dimension -> (option key, overrides), first option is the "before SLRT" side
WHATIFS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "route": (("walkin_only", ("outreach.enabled=false",)), ("outreach", ("outreach.enabled=true",))),
    "mode": (("fragmented", ("mode=fragmented",)), ("integrated", ("mode=integrated",))),
    "entry": (("paper", ("data_entry.mode=paper",)), ("tablet", ("data_entry.mode=tablet",))),
    "dtks": (("quarterly", ("dtks.determination_cycle_months=3",)), ("monthly", ("dtks.determination_cycle_months=1",))),
}
"""The what-if comparisons: each dimension has two options (keys under ``walk.opt.*``)."""

DAYS_KPI = "time_to_service_median"
"""The time-to-service figure the walkthrough's sentences quote."""

COMPARE_KPIS = ("needs_met", "needs_met_30d", "unlisted_met_90d", "time_to_service_median", "identified", "exclusion_error_end",
                "inclusion_error_end")
"""KPIs shown side by side for the what-if runs."""


def load_training(overrides: list[str] | None = None) -> Scenario:
    """The one-kelurahan training scenario (``scenarios/pelatihan_satu_kelurahan.yaml``)."""
    return load_scenario(SCENARIO_FILE, overrides)


def default_choices(s: Scenario) -> dict[str, str]:
    """The options that describe the scenario as it is."""
    return {
        "route": "outreach" if s.outreach.enabled else "walkin_only",
        "mode": s.mode,
        "entry": s.data_entry.mode,
        "dtks": "monthly" if s.dtks.determination_cycle_months == 1 else "quarterly",
    }


def variant_overrides(choices: dict[str, str]) -> list[str]:
    out: list[str] = []
    for dim, options in WHATIFS.items():
        if dim not in choices:
            continue
        table = dict(options)
        if choices[dim] not in table:
            raise ValueError(f"unknown option {choices[dim]!r} for {dim}")
        out.extend(table[choices[dim]])
    return out


def variant_label(choices: dict[str, str]) -> str:
    return " · ".join(t(f"walk.opt.{choices[d]}") for d in WHATIFS if d in choices)


# ----------------------------------------------------------------------------- one variant
@dataclass
class WalkRun:
    """Replications of one variant; replication 0 keeps its cases and timeline for the plots."""

    number: int
    label: str
    choices: dict[str, str]
    reps: Replications
    scenario: Scenario

    @property
    def cases(self) -> pd.DataFrame:
        return self.reps.runs[0].cases

    @property
    def timeline(self) -> pd.DataFrame:
        return self.reps.runs[0].timeline

    @property
    def event_log(self):
        """The event log of the run whose cases are kept (None if it was not kept)."""
        return self.reps.runs[0].meta.get("event_log")

    @functools.cached_property
    def summary(self) -> pd.DataFrame:
        """Mean and CI of each KPI over the replications (computed once: tables and charts read it often)."""
        return self.reps.summary()


def run_variant(base: Scenario, choices: dict[str, str], replications: int = REPLICATIONS, number: int = 1,
                progress: Callable[[int, int], None] | None = None) -> WalkRun:
    """Replications ``0..replications-1`` of ``base`` with the what-if ``choices`` (same seed: CRN)."""
    from slrt_sim.experiments.runner import run_replications

    s = base.with_overrides(variant_overrides(choices)) if choices else base
    reps = run_replications(s, replications, workers=1, keep_cases={0}, progress=progress)
    return WalkRun(number, variant_label(choices), dict(choices), reps, s)


# ----------------------------------------------------------------------------- numbers of a run
def _after(cases: pd.DataFrame, s: Scenario) -> pd.DataFrame:
    return cases[cases["t_need"] >= s.warmup_days]


def funnel(cases: pd.DataFrame, s: Scenario | None = None) -> list[tuple[str, int]]:
    """(step key, cases that reached it): each step is a subset of the one before."""
    c = _after(cases, s) if s is not None else cases
    served_prog = (c["state"].astype(str) == "served") & c["t_enrolled"].notna()
    counts = {
        "need": len(c),
        "identified": int(c["t_identified"].notna().sum()),
        "registered": int(c["t_registered"].notna().sum()),
        "checked": int(c["t_checked"].notna().sum()),
        "referred": int(c["t_referred"].notna().sum()),
        "enrolled": int(c["t_enrolled"].notna().sum()),
        "served_programme": int(served_prog.sum()),
    }
    return [(k, counts[k]) for k in FUNNEL_STEPS]


def funnel_labels() -> list[str]:
    return [t(f"walk.funnel.{k}") for k in FUNNEL_STEPS]


def outcomes(cases: pd.DataFrame, s: Scenario | None = None) -> dict[str, int]:
    """Cases by end state (see :data:`slrt_sim.model.flow.STATES`)."""
    from slrt_sim.model.flow import STATES

    c = _after(cases, s) if s is not None else cases
    vc = c["state"].astype(str).value_counts()
    return {st: int(vc.get(st, 0)) for st in STATES}


def step_numbers(run: WalkRun) -> dict[str, dict[str, str]]:
    """For each step, the numbers its text refers to (already formatted for the current language)."""
    s = run.scenario
    c = _after(run.cases, s)
    k = run.reps.runs[0].kpis
    state = c["state"].astype(str)
    reason = c["reason"].astype(str)
    n = len(c)
    ident = c["t_identified"].notna()
    f = dict(funnel(run.cases, s))
    top_need = c["need"].value_counts()
    need_name = t(f"need.{top_need.index[0]}") if len(top_need) else "–"
    hh = int(c["hh"].nunique())
    return {
        "need": {"n": fmt_num(n, 0), "households": fmt_num(hh, 0), "top_need": need_name,
                 "days": fmt_num(s.horizon_days, 0)},
        "identification": {"identified": fmt_num(f["identified"], 0),
                           "outreach": fmt_num(int((c["route"] == "outreach").sum()), 0),
                           "walkin": fmt_num(int((c["route"] == "walkin").sum()), 0),
                           "unidentified": fmt_num(int((~ident).sum()), 0),
                           "visits": fmt_num(k["outreach_visits"], 0)},
        "registration": {"registered": fmt_num(f["registered"], 0),
                         "on_spot": fmt_num(int((reason == "closed_on_spot").sum()), 0)},
        "check": {"checked": fmt_num(f["checked"], 0),
                  "verval": fmt_num(int(c["t_verval"].notna().sum()), 0),
                  "dtks": fmt_num(int(c["t_dtks"].notna().sum()), 0)},
        "referral": {"referred": fmt_num(f["referred"], 0),
                     "ineligible": fmt_num(int((state == "ineligible").sum()), 0)},
        "programme": {"enrolled": fmt_num(f["enrolled"], 0),
                      "waiting": fmt_num(int((state == "waiting_quota").sum()), 0),
                      "lost_patience": fmt_num(int((reason == "patience").sum()), 0)},
        "followup": {"served": fmt_num(int((state == "served").sum()), 0), "n": fmt_num(n, 0),
                     "programme": fmt_num(f["served_programme"], 0),
                     "direct": fmt_num(int((state == "served").sum()) - f["served_programme"], 0),
                     "needs_met": fmt_pct(k["needs_met"]),
                     "complaints": fmt_num(int(c["t_complaint"].notna().sum()), 0),
                     "lost": fmt_num(int((state == "lost").sum()), 0),
                     "median": fmt_num(k[DAYS_KPI], 0)},
        "update": {"excl_start": fmt_pct(k["exclusion_error_start"]), "excl_end": fmt_pct(k["exclusion_error_end"]),
                   "incl_start": fmt_pct(k["inclusion_error_start"]), "incl_end": fmt_pct(k["inclusion_error_end"])},
    }


# which funnel bar each step of the story highlights
STEP_FUNNEL = {"need": 0, "identification": 1, "registration": 2, "check": 3, "referral": 4, "programme": 5,
               "followup": 6, "update": 6}


def step_text(step: str, run: WalkRun) -> tuple[str, str]:
    """(title, body) of a step, the body filled with the run's numbers."""
    nums = step_numbers(run)[step]
    i = STEPS.index(step) + 1
    return (t("walk.step.title", i=i, n=len(STEPS), name=t(f"walk.step.{step}.title")),
            t(f"walk.step.{step}.body", **nums))


def basis(run: WalkRun) -> dict[str, str]:
    """What the numbers of the steps and the year are, against the what-if table's.

    Tabs 1 and 2 tell one household story: replication 1 of the run (its cases after the
    warm-up; ``needs_met`` = served / needs arisen, as in :mod:`slrt_sim.experiments.results`).
    The what-if table shows the mean [95% CI] of all the run's replications.
    """
    summ = run.summary
    k = run.reps.runs[0].kpis
    return {"number": str(run.number), "reps": fmt_num(len(run.reps.runs), 0), "met": fmt_pct(k["needs_met"]),
            "mean": format_ci("needs_met", summ.at["needs_met", "mean"], summ.at["needs_met", "ci_low"],
                              summ.at["needs_met", "ci_high"])}


def day_status(timeline: pd.DataFrame, day: float) -> dict[str, str]:
    """The states on a given day of the timeline, formatted (for the animated view)."""
    from slrt_sim.model.flow import STATES

    row = timeline[timeline["day"] <= day].iloc[-1] if (timeline["day"] <= day).any() else timeline.iloc[0]
    out = {s: fmt_num(row[s], 0) for s in STATES}
    out["backlog"] = fmt_num(row["in_process"] + row["waiting_quota"], 0)
    out["day"] = fmt_num(day, 0)
    return out


# ----------------------------------------------------------------------------- history
@dataclass
class History:
    """Every run the trainer made, in order, to compare side by side."""

    runs: list[WalkRun] = field(default_factory=list)

    def add(self, run: WalkRun) -> WalkRun:
        self.runs.append(run)
        return run

    def next_number(self) -> int:
        return (self.runs[-1].number + 1) if self.runs else 1

    def clear(self, keep_first: bool = True) -> None:
        self.runs = self.runs[:1] if keep_first else []

    def comparison(self, kpis=COMPARE_KPIS) -> pd.DataFrame:
        """Rows: KPIs (labelled); columns: runs ("1: label"); cells: mean [CI] formatted."""
        cols: dict[str, list[str]] = {}
        for run in self.runs:
            summ = run.summary
            cells = []
            for k in kpis:
                m, lo, hi = summ.at[k, "mean"], summ.at[k, "ci_low"], summ.at[k, "ci_high"]
                cells.append(format_ci(k, m, lo, hi))
            cells.append(fmt_pct(run.reps.runs[0].kpis["needs_met"]))  # the figure of tabs 1 and 2
            cols[f"{run.number}: {run.label}"] = cells
        return pd.DataFrame(cols, index=[*(kpi_label(k) for k in kpis), t("walk.compare.rep1")])

    def arrays(self, kpis=COMPARE_KPIS) -> tuple[list, list, list]:
        means, lows, highs = [], [], []
        for k in kpis:
            means.append([r.summary.at[k, "mean"] for r in self.runs])
            lows.append([r.summary.at[k, "ci_low"] for r in self.runs])
            highs.append([r.summary.at[k, "ci_high"] for r in self.runs])
        return means, lows, highs


def describe_difference(first: WalkRun, last: WalkRun) -> str:
    """One sentence on the change in needs met between two runs (common random numbers).

    When the replications cannot tell the runs apart (the paired 95% interval of the
    difference contains zero, :func:`slrt_sim.experiments.report.compare`), the sentence says the
    difference is not yet certain with that many replications, instead of calling one run better
    (or the two the same: a large difference over two replications is uncertain, not absent).
    """
    cmp = compare("needs_met", first.reps.kpis["needs_met"].to_numpy(), last.reps.kpis["needs_met"].to_numpy())
    key = {"up": "walk.diff.better", "down": "walk.diff.worse", "same": "walk.diff.same",
           "noise": "walk.diff.noise"}[cmp.direction]
    da = first.summary.at[DAYS_KPI, "mean"]
    db = last.summary.at[DAYS_KPI, "mean"]
    n = min(len(first.reps.kpis), len(last.reps.kpis))
    return t(key, a=first.number, b=last.number, met_a=fmt_pct(cmp.a), met_b=fmt_pct(cmp.b), days_a=fmt_num(da, 0),
             days_b=fmt_num(db, 0), n=n)
