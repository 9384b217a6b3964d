"""The staffing planner: how many fasilitators, FO and BO staff meet the targets?

The logic behind ``slrt_sim.apps.planner`` (usable without widgets):

1. choose a region: a shipped scenario restricted to the whole district, one kecamatan
   or one village (:func:`areas`, :func:`restrict`), or a kelurahan entered by hand
   (:func:`manual_scenario`);
2. choose the staffing levels to try (:class:`StaffOptions`: fasilitators per village,
   district FO and BO staff, Puskesos as in the scenario / none / in every village) and
   the targets (:class:`Target`, e.g. 90% of needs met within 30 days, utilisation at
   most 85%);
3. :func:`plan` searches the combinations (:mod:`slrt_sim.experiments.planner_search`: branch
   and bound on the distance to the targets using the monotone structure of the KPIs, and
   replications added only while a target's interval still straddles it; common random
   numbers through :func:`slrt_sim.experiments.runner.run_many`) and answers with the
   **smallest staffing that meets every target** — the answer of the exhaustive sweep
   (``exhaustive=True``), which the tests check; when nothing meets every target, the
   **closest** configuration (least sum of relative shortfalls, :func:`distances`);
4. :mod:`slrt_sim.experiments.planner_explain` says why (:func:`recommendation_text`,
   :func:`explanation`): which target one step less misses, with its value and interval,
   why an office with almost no work still counts, what the total counts.

Decision rule (documented choice). A configuration meets a target when

* ``rule="ci"`` (default, conservative): the whole 95% confidence interval of the KPI's
  mean over replications lies on the right side of the target (``ci_low >= value`` for
  "at least", ``ci_high <= value`` for "at most"); with a single replication there is no
  interval and the mean is used;
* ``rule="mean"``: the mean over replications meets it.

A wait KPI without a value (nobody passed that stage) meets an "at most" target; any
other missing value does not meet it. "Smallest" is the least **total staff** (all
fasilitators + district FO + district BO + Puskesos FO and BO: one Puskesos counts its
FO plus its BO staff); ties are broken by fewer fasilitators in total, then fewer BO,
then fewer FO, then fewer Puskesos, then the order of the grid.

Beside the simulation, :func:`erlang_check` gives the Erlang C quick estimate for the
district FO and BO (and the Puskesos FO/BO where there are any), with the load taken from
the simulated run, and :func:`erlang_explanation` a sentence on why the two differ.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from slrt_sim.domain.scenario import Scenario, load_scenario, scenario_from_dict
from slrt_sim.experiments import erlang
from slrt_sim.experiments.planner_explain import explanation, recommendation_text  # noqa: F401 - re-exported
from slrt_sim.experiments.planner_search import shortfall as search_shortfall
from slrt_sim.experiments.report import format_ci
from slrt_sim.experiments.results import PERCENT_KPIS, kpi_label
from slrt_sim.experiments.warmup import REPLICATIONS
from slrt_sim.i18n import fmt_num, fmt_pct, t
from slrt_sim.paths import SCENARIOS as SCENARIOS_DIR

TRAINING_FILE = SCENARIOS_DIR / "pelatihan_satu_kelurahan.yaml"


# ----------------------------------------------------------------------------- regions
def shipped_scenarios(folder: Path = SCENARIOS_DIR) -> list[tuple[str, Path]]:
    """(label, path) of the shipped scenarios (not the validation ones), districts first."""
    files = sorted(p for p in folder.glob("*.yaml"))
    files.sort(key=lambda p: (p.stem.startswith("pelatihan"), p.stem))
    return [(_pretty(p.stem), p) for p in files]


def _pretty(stem: str) -> str:
    words = stem.replace("_", " ").split()
    return " ".join(w.capitalize() for w in words)


@dataclass(frozen=True)
class Area:
    kind: str = "district"            # district | kecamatan | village
    kecamatan: str | None = None
    village: str | None = None


def areas(s: Scenario) -> list[tuple[str, Area]]:
    """The areas a planner can choose in a scenario: the district, each kecamatan, each village."""
    out = [(t("plan.area.district", name=s.region.kabupaten, n=len(s.region.villages())), Area())]
    for k in s.region.kecamatan:
        out.append((t("plan.area.kecamatan", name=k.name, n=len(k.villages)), Area("kecamatan", k.name)))
    for k in s.region.kecamatan:
        for v in k.villages:
            out.append((t("plan.area.village", name=v.name, kecamatan=k.name,
                          households=fmt_num(v.households, 0)), Area("village", k.name, v.name)))
    return out


def restrict(s: Scenario, area: Area) -> Scenario:
    """The scenario on one area only; programme quotas (per district) scaled by the share of households."""
    if area.kind == "district":
        return s
    data = s.model_dump(mode="json")
    kecs = []
    for k in data["region"]["kecamatan"]:
        if k["name"] != area.kecamatan:
            continue
        if area.kind == "village":
            k = dict(k, villages=[v for v in k["villages"] if v["name"] == area.village])
        if k["villages"]:
            kecs.append(k)
    if not kecs:
        raise ValueError(f"area not in scenario: {area}")
    data["region"]["kecamatan"] = kecs
    share = sum(v["households"] for k in kecs for v in k["villages"]) / s.region.n_households
    _scale_quotas(data, share)
    data["name"] = f"{s.name}__{area.village or area.kecamatan}"
    return scenario_from_dict(data, "planner")


def _scale_quotas(data: dict, share: float) -> None:
    for code, prog in data["programs"].items():
        q = prog["quota_per_cycle"]
        if code != "DUKCAPIL" and q > 0:
            prog["quota_per_cycle"] = max(1, int(round(q * share)))


def manual_scenario(households: int, poverty_rate: float, puskesos: bool = True, name: str = "Desa/Kelurahan") -> Scenario:
    """One village entered by hand, on the training scenario's settings (quotas scaled to its size)."""
    base = load_scenario(TRAINING_FILE)
    data = base.model_dump(mode="json")
    village = data["region"]["kecamatan"][0]["villages"][0]
    village.update(name=name, households=int(households), poverty_rate=float(poverty_rate), puskesos=bool(puskesos),
                   code=None)
    _scale_quotas(data, households / base.region.n_households)
    data["name"] = "manual"
    return scenario_from_dict(data, "planner")


# ----------------------------------------------------------------------------- staffing and targets
PUSKESOS_OPTIONS = ("scenario", "none", "all")


@dataclass(frozen=True)
class StaffOptions:
    """The staffing levels to sweep (every combination is tried)."""

    fasilitators: tuple[int, ...] = (1, 2)
    fo: tuple[int, ...] = (1, 2)
    bo: tuple[int, ...] = (1, 2, 3)
    puskesos: tuple[str, ...] = ("scenario",)

    @property
    def n_configs(self) -> int:
        return len(self.fasilitators) * len(self.fo) * len(self.bo) * len(self.puskesos)


@dataclass(frozen=True)
class Target:
    kpi: str
    op: str      # ">=" (at least) or "<=" (at most)
    value: float

    def met(self, mean: float, low: float, high: float, rule: str = "ci") -> bool:
        if mean is None or math.isnan(mean):
            return self.op == "<=" and self.kpi.startswith("wait_")
        if rule == "ci" and not (math.isnan(low) or math.isnan(high)):
            x = low if self.op == ">=" else high
        else:
            x = mean
        return x >= self.value - 1e-12 if self.op == ">=" else x <= self.value + 1e-12

    def text(self) -> str:
        v = fmt_pct(self.value, 0) if self.kpi in PERCENT_KPIS else fmt_num(self.value, 1)
        return t("plan.target.text", kpi=kpi_label(self.kpi), op=t(f"plan.op.{'ge' if self.op == '>=' else 'le'}"),
                 value=v)


DEFAULT_TARGETS = (
    Target("needs_met_30d", ">=", 0.9),
    Target("util_fo", "<=", 0.85),
    Target("util_bo", "<=", 0.85),
)
"""The issue's example targets: 90% of needs met within 30 days, staff utilisation at most 85%."""


def _puskesos_villages(s: Scenario, option: str) -> list[bool]:
    vs = [v for _, v in s.region.villages()]
    if option == "none":
        return [False] * len(vs)
    if option == "all":
        return [True] * len(vs)
    return [v.puskesos for v in vs]


def staffing_overrides(s: Scenario, flags: Sequence[bool], fas: int, fo: int, bo: int) -> dict[str, Any]:
    """The ``key.path: value`` overrides of one staffing configuration (the swept level applies to every village)."""
    out: dict[str, Any] = {"staffing.fasilitators_per_village": fas, "staffing.district_fo": fo,
                           "staffing.district_bo": bo}
    i = 0
    for ki, k in enumerate(s.region.kecamatan):
        for vi, _ in enumerate(k.villages):
            out[f"region.kecamatan.{ki}.villages.{vi}.fasilitators"] = None
            out[f"region.kecamatan.{ki}.villages.{vi}.puskesos"] = bool(flags[i])
            i += 1
    return out


def staffing_scenarios(s: Scenario, opts: StaffOptions) -> tuple[list[Scenario], pd.DataFrame]:
    """Every combination of ``opts`` as a scenario, and a table describing each (with total staff).

    The table holds every staffing value as the scenario has it (integers), including the
    staff of one Puskesos, so nothing downstream re-derives a staff count from a run.
    """
    n_villages = len(s.region.villages())
    scenarios, rows = [], []
    for pk in opts.puskesos:
        flags = _puskesos_villages(s, pk)
        n_pk = sum(flags)
        for f in opts.fasilitators:
            for fo in opts.fo:
                for bo in opts.bo:
                    sc = s.with_overrides(staffing_overrides(s, flags, f, fo, bo), "planner")
                    pk_fo, pk_bo = sc.staffing.puskesos_fo, sc.staffing.puskesos_bo
                    rows.append({"fasilitators_per_village": f, "district_fo": fo, "district_bo": bo, "puskesos": pk,
                                 "n_puskesos": n_pk, "puskesos_fo": pk_fo, "puskesos_bo": pk_bo,
                                 "fasilitators_total": f * n_villages,
                                 "total_staff": f * n_villages + fo + bo + n_pk * (pk_fo + pk_bo)})
                    scenarios.append(sc)
    return scenarios, pd.DataFrame(rows)


# ----------------------------------------------------------------------------- recommendation
SORT_KEYS = ("total_staff", "fasilitators_total", "district_bo", "district_fo", "n_puskesos")


def _met_table(configs: pd.DataFrame, summary: pd.DataFrame, targets: Sequence[Target], rule: str) -> pd.DataFrame:
    meets = pd.DataFrame(index=configs.index, columns=[f"{x.kpi}{x.op}{x.value}" for x in targets], dtype=bool)
    for c in configs.index:
        for x, col in zip(targets, meets.columns):
            row = summary.loc[(c, x.kpi)]
            meets.at[c, col] = x.met(float(row["mean"]), float(row["ci_low"]), float(row["ci_high"]), rule)
    return meets


def _smallest(configs: pd.DataFrame, mask: pd.Series) -> int:
    keys = [k for k in SORT_KEYS if k in configs.columns]
    cand = configs[mask].copy()
    cand["_order"] = cand.index
    return int(cand.sort_values(keys + ["_order"], kind="stable").index[0])


def recommend(configs: pd.DataFrame, summary: pd.DataFrame, targets: Sequence[Target],
              rule: str = "ci") -> tuple[int | None, pd.DataFrame]:
    """The smallest configuration meeting every target (see the module doc), and the met/not-met table.

    ``configs``: one row per configuration (index = config) with the :data:`SORT_KEYS` columns;
    ``summary``: index (config, kpi) with mean, ci_low, ci_high (``SweepResult.summary()``).
    """
    meets = _met_table(configs, summary, targets, rule)
    ok = meets.all(axis=1) if len(targets) else pd.Series(True, index=configs.index)
    if not ok.any():
        return None, meets
    return _smallest(configs, ok), meets


def distances(configs: pd.DataFrame, summary: pd.DataFrame, targets: Sequence[Target]) -> pd.Series:
    """Each configuration's distance to the targets: the sum of relative shortfalls of the means.

    For "at least v", ``max(0, (v - mean) / v)``; for "at most v", ``max(0, (mean - v) / v)``
    (see :mod:`slrt_sim.experiments.planner_search`). 0 when every mean is on the right side.
    """
    out = {}
    for c in configs.index:
        out[c] = sum(search_shortfall(x, float(summary.loc[(c, x.kpi), "mean"])) for x in targets)
    return pd.Series(out, dtype=float)


def closest(configs: pd.DataFrame, summary: pd.DataFrame, targets: Sequence[Target], rule: str = "ci") -> int:
    """When nothing meets every target: the configuration of least distance (:func:`distances`); distances
    within ``planner_search.TIE`` of the least count as equal, and the smallest of those is taken."""
    from slrt_sim.experiments.planner_search import TIE

    d = distances(configs, summary, targets)
    return _smallest(configs, d <= d.min() + TIE + 1e-12)


# ----------------------------------------------------------------------------- plan
@dataclass
class PlanResult:
    """The planner's answer. ``configs``/``scenarios``/``sweep``/``meets`` hold the **simulated**
    configurations (positions 0..n-1, column ``grid``: the number in the whole grid); ``grid``
    holds every combination tried, with ``simulated``, ``replications`` and, for those not
    simulated, the lower bound of their distance and the target that ruled them out."""

    scenario: Scenario
    scenarios: list[Scenario]
    configs: pd.DataFrame
    sweep: Any                      # slrt_sim.experiments.sweep.SweepResult
    targets: tuple[Target, ...]
    rule: str
    recommended: int | None
    meets: pd.DataFrame
    summary: pd.DataFrame = field(repr=False, default=None)
    grid: pd.DataFrame = field(repr=False, default=None)
    max_reps: int = 0
    runs: int = 0
    exhaustive: bool = False

    @property
    def shown(self) -> int:
        """The recommended configuration, or the closest one when none meets every target."""
        if self.recommended is not None:
            return self.recommended
        return closest(self.configs, self.summary, self.targets, self.rule)

    @property
    def distance(self) -> pd.Series:
        return distances(self.configs, self.summary, self.targets)

    def table(self, kpis: Sequence[str] | None = None) -> pd.DataFrame:
        """One row per simulated configuration: staffing, then each KPI as ``mean [ci_low–ci_high]`` (formatted)."""
        kpis = list(kpis or dict.fromkeys([x.kpi for x in self.targets] + list(TABLE_KPIS)))
        rows = []
        for c, cfg in self.configs.iterrows():
            row = {
                t("plan.col.fasilitators"): fmt_num(cfg["fasilitators_per_village"], 0),
                t("plan.col.fo"): fmt_num(cfg["district_fo"], 0),
                t("plan.col.bo"): fmt_num(cfg["district_bo"], 0),
                t("plan.col.puskesos"): fmt_num(cfg["n_puskesos"], 0),
                t("plan.col.total"): fmt_num(cfg["total_staff"], 0),
                t("plan.col.reps"): fmt_num(cfg["replications"], 0),
            }
            for k in kpis:
                s = self.summary.loc[(c, k)]
                row[kpi_label(k)] = format_ci(k, s["mean"], s["ci_low"], s["ci_high"])
            row[t("plan.col.meets")] = t("plan.yes") if bool(self.meets.loc[c].all()) else t("plan.no")
            rows.append(row)
        return pd.DataFrame(rows, index=pd.Index(self.configs.index + 1, name="#"))

    def to_excel(self) -> bytes:
        """The workbook offered for download: recommendation, table, Erlang C, and the raw sweep."""
        buf = io.BytesIO()
        lines = [recommendation_text(self, html=False)] + explanation(self)
        with pd.ExcelWriter(buf, engine="openpyxl") as xw:
            pd.DataFrame({t("plan.xlsx.item"): [t("plan.xlsx.scenario"), t("plan.xlsx.rule")]
                          + [t("plan.xlsx.recommendation")] * len(lines) + [x.text() for x in self.targets],
                          t("plan.xlsx.value"): [self.scenario.name, t(f"plan.rule.{self.rule}")] + lines
                          + [""] * len(self.targets)}
                         ).to_excel(xw, sheet_name=t("sheet.recommendation"), index=False)
            self.table().to_excel(xw, sheet_name=t("sheet.configurations"))
            erlang_check(self).to_excel(xw, sheet_name=t("sheet.erlang_c"), index=False)
            self.configs.join(self.meets).to_excel(xw, sheet_name=t("sheet.staff_and_targets"))
            self.sweep.summary().reset_index().to_excel(xw, sheet_name=t("sheet.summary"), index=False)
            self.sweep.runs.to_excel(xw, sheet_name=t("sheet.kpis_per_replication"), index=False)
        return buf.getvalue()


TABLE_KPIS = ("target_met_90d", "info_on_spot", "needs_met", "needs_met_30d", "handled_30d", "identified",
              "time_to_service_median", "util_fo", "util_bo", "wait_fo_hours", "wait_bo_hours")


PARALLEL_MIN_HOUSEHOLDS = 20_000
"""Below this many households the planner runs in this process (same results: parallel = serial)."""


def plan(s: Scenario, opts: StaffOptions, targets: Sequence[Target] = DEFAULT_TARGETS, replications: int = REPLICATIONS,
         workers: int = 1, scheduler: Any = None, rule: str = "ci",
         progress: Callable[[int, int], None] | None = None, exhaustive: bool = False,
         start_method: str | None = None) -> PlanResult:
    """Recommend the smallest staffing of ``opts`` meeting ``targets`` (or the closest to them).

    By default the grid is searched (:mod:`slrt_sim.experiments.planner_search`: branch and
    bound on the distance to the targets, replications added only while a target's interval
    straddles it, at most ``replications``); ``exhaustive=True`` simulates every combination
    with ``replications`` replications. ``progress(done, total)`` counts runs done or no
    longer needed out of ``combinations × replications``. ``start_method``: how local worker
    processes start (:func:`slrt_sim.experiments.runner.start_method`).
    """
    from slrt_sim.experiments import planner_search as PS
    from slrt_sim.experiments.runner import LIGHT, run_many
    from slrt_sim.experiments.sweep import assemble

    if rule not in ("ci", "mean"):
        raise ValueError("rule must be 'ci' or 'mean'")
    targets = tuple(targets)
    scenarios, grid = staffing_scenarios(s, opts)
    points = [(r.puskesos, r.fasilitators_per_village, r.district_fo, r.district_bo) for r in grid.itertuples()]
    keys = [tuple(r) for r in grid[list(SORT_KEYS)].itertuples(index=False)]

    if scheduler is None and s.region.n_households < PARALLEL_MIN_HOUSEHOLDS:
        workers = 1  # a kelurahan-year is ~0.04 s: starting worker processes would cost more than it saves

    def run(scs, reps_of):
        return run_many(scs, reps_of, workers=workers, scheduler=scheduler, keep=LIGHT,
                        start_method=start_method).results

    out = PS.search(points, keys, scenarios, targets, rule, replications, run, exhaustive=exhaustive,
                    progress=progress)
    simulated = sorted(out.evaluated)
    grid["simulated"] = [c in out.evaluated for c in grid.index]
    grid["replications"] = [len(out.evaluated[c].results) if c in out.evaluated else 0 for c in grid.index]
    grid["distance_bound"] = [out.bounds.get(c, float("nan")) for c in grid.index]
    grid["ruled_out_by"] = [targets[out.pruned[c][1]].text() if c in out.pruned else "" for c in grid.index]
    grid["witness"] = [out.pruned[c][0] if c in out.pruned else -1 for c in grid.index]
    res = assemble([out.evaluated[c].results for c in simulated], [{"scenario": scenarios[c].name} for c in simulated],
                   s.name, replications)
    res.backend, res.workers = ("dask" if scheduler is not None else "processes" if workers > 1 else "serial"), workers
    configs = grid.loc[simulated].reset_index(names="grid")
    summary = res.summary()
    best, meets = recommend(configs, summary, targets, rule)
    return PlanResult(s, [scenarios[c] for c in simulated], configs, res, targets, rule, best, meets, summary,
                      grid=grid, max_reps=replications, runs=out.runs, exhaustive=exhaustive)


# ----------------------------------------------------------------------------- Erlang C beside the simulation
ERLANG_STAGES = ("fo_district", "bo_district", "fo_puskesos", "bo_puskesos")


def erlang_check(p: PlanResult, config: int | None = None, max_util: float | None = None) -> pd.DataFrame:
    """Erlang C beside the simulation for the FO and BO stages of one configuration.

    The load comes from the simulation: arrivals per working hour = services started / working
    hours after the warm-up; mean service time = work done / services. Erlang C then assumes
    Poisson arrivals, exponential service, always-open offices and one FIFO queue.
    """
    from slrt_sim.domain.calendar import WorkCalendar

    c = p.shown if config is None else config
    sc = p.scenarios[c]
    cal = WorkCalendar(sc.calendar, sc.horizon_days)
    hours = cal.working_minutes(sc.warmup_days, sc.horizon_days) / 60.0
    if max_util is None:
        max_util = next((x.value for x in p.targets if x.kpi in ("util_fo", "util_bo") and x.op == "<="), 0.85)
    st = p.sweep.stage_summary().loc[c]
    cfg = p.configs.loc[c]
    n_pk = int(cfg["n_puskesos"])
    staff_of = {"fo_district": cfg["district_fo"], "bo_district": cfg["district_bo"],
                "fo_puskesos": cfg["puskesos_fo"], "bo_puskesos": cfg["puskesos_bo"]}
    rows = []
    for stage in ERLANG_STAGES:
        if stage not in st.index:
            continue
        r = st.loc[stage]
        staff = int(staff_of[stage])  # per office: one Puskesos is its own queue
        offices = 1
        if stage.endswith("puskesos"):
            if n_pk == 0:
                continue
            offices = n_pk
        served = r["served"] / offices
        row = {"stage": stage, "staff": staff, "served": served, "sim_util": r["utilisation"],
               "sim_p_wait": r["wait_prob"], "sim_wait_hours": r["wait_mean_hours"]}
        if served > 0 and staff > 0 and hours > 0:
            lam = served / hours
            busy_hours = r["utilisation"] * staff * hours
            svc = busy_hours / served
            q = erlang.mmc(lam, 1.0 / svc, staff)
            row.update(lam_per_hour=lam, service_minutes=svc * 60, erlang_rho=q.rho, erlang_p_wait=q.p_wait,
                       erlang_wait_hours=q.wq, erlang_stable=q.stable,
                       erlang_min_staff=erlang.smallest_c(lam, 1.0 / svc, max_rho=max_util))
        else:
            row.update(lam_per_hour=0.0, service_minutes=float("nan"), erlang_rho=0.0, erlang_p_wait=0.0,
                       erlang_wait_hours=0.0, erlang_stable=True, erlang_min_staff=None)
        rows.append(row)
    return pd.DataFrame(rows)


def erlang_explanation(row: pd.Series | dict, s: Scenario) -> str:
    """One sentence on why the simulated and Erlang C waits differ (or agree) at a stage."""
    stage = t(f"stage.{row['stage']}")
    if not row["served"]:
        return t("plan.erlang.nobody", stage=stage)
    if not row["erlang_stable"]:
        return t("plan.erlang.unstable", stage=stage)
    sim, erl = float(row["sim_wait_hours"]), float(row["erlang_wait_hours"])
    if math.isnan(sim):
        sim = 0.0
    if abs(sim - erl) <= max(0.1, 0.25 * max(sim, erl)):
        direction = "close"
    else:
        direction = "longer" if sim > erl else "shorter"
    reasons = []
    if s.calendar.kind == "working":
        reasons.append(t("plan.erlang.reason.calendar"))
    if row["stage"].startswith("fo") and s.data_entry.mode == "paper" and row["stage"] == "fo_district":
        reasons.append(t("plan.erlang.reason.paper"))
    if row["stage"].startswith("bo"):
        reasons.append(t("plan.erlang.reason.cycles"))
    if s.walkin.fast_track:
        reasons.append(t("plan.erlang.reason.priority"))
    svc = s.service.fo_registration if row["stage"].startswith("fo") else s.service.bo_check
    if svc.dist != "exponential":
        reasons.append(t("plan.erlang.reason.service"))
    if not reasons:
        reasons.append(t("plan.erlang.reason.randomness"))
    return t(f"plan.erlang.{direction}", stage=stage, sim=fmt_num(sim, 2), erlang=fmt_num(erl, 2),
             reasons="; ".join(reasons))


def erlang_table(p: PlanResult, config: int | None = None) -> pd.DataFrame:
    """:func:`erlang_check` formatted for display (Indonesian numbers, catalogue labels)."""
    df = erlang_check(p, config)
    out = []
    for _, r in df.iterrows():
        out.append({
            t("plan.erlang.col.stage"): t(f"stage.{r['stage']}"),
            t("plan.erlang.col.staff"): fmt_num(r["staff"], 0),
            t("plan.erlang.col.lam"): fmt_num(r["lam_per_hour"], 2),
            t("plan.erlang.col.service"): fmt_num(r["service_minutes"], 1),
            t("plan.erlang.col.util"): f"{fmt_pct(r['sim_util'])} / {fmt_pct(r['erlang_rho'])}",
            t("plan.erlang.col.p_wait"): f"{fmt_pct(r['sim_p_wait'])} / {fmt_pct(r['erlang_p_wait'])}",
            t("plan.erlang.col.wait"): f"{fmt_num(r['sim_wait_hours'], 2)} / "
                                       f"{fmt_num(r['erlang_wait_hours'], 2) if r['erlang_stable'] else '∞'}",
            t("plan.erlang.col.min_staff"): "–" if r["erlang_min_staff"] is None or (
                isinstance(r["erlang_min_staff"], float) and np.isnan(r["erlang_min_staff"]))
            else fmt_num(r["erlang_min_staff"], 0),
        })
    return pd.DataFrame(out)
