"""Results of a run: the per-case table, per-stage queue statistics and the KPIs.

Names are defined once in :mod:`slrt_sim.experiments.kpis` (:data:`KPI_FIELDS`,
:data:`STAGE_FIELDS`); their Indonesian and English labels live in the catalogue under
``kpi.<name>`` and ``stage.<name>``, so every table, plot and app agrees.

Conventions:

* KPIs about cases count only cases whose need arose after the warm-up — all of them,
  including the backlog and the unidentified at the end, so that
  ``cases = served + ineligible + lost + backlog_end + unidentified_end``;
* ``needs_met`` is the share of those cases served by the end of the horizon;
* time to service is right-censored: a need that arose late has had little time to be
  served. ``time_to_service_median`` is the Kaplan–Meier median (needs not served by the
  horizon are censored there; NaN when fewer than half are served within the run);
  ``needs_met_30d`` / ``needs_met_90d`` / ``handled_30d`` count only needs that arose at
  least 30 / 90 / 30 days before the horizon, i.e. that had that long to run.
  ``handled_30d`` is the share whose SLRT decision (referral letter, closure on the spot,
  or ineligibility explained) came within 30 days — what staffing controls, while
  ``needs_met_30d`` also waits for programme cycles and quotas.
  ``days_to_service_median`` / ``_p90`` are over served cases only (labelled so): they
  favour settings that serve fewer, faster cases, so compare runs with the Kaplan–Meier
  median;
* waits for staff are from the request to the moment a staff member is free
  (time the office is closed is part of the service span, not of the wait);
* utilisation is staff work over staff time available on working hours after the
  warm-up; for fasilitators, it counts case work (verval, follow-up, corrections),
  outreach filling the rest of the day by design;
* exclusion error: share of households in the poorest ``database.max_decile``
  deciles not listed in the DTKS; inclusion error: share of listed households that
  are not in those deciles.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from slrt_sim.model.cases import CASE_FIELDS, STAGES, STATES
from slrt_sim.model.record import RunRecord
from slrt_sim.domain.scenario import NEED_TYPES
from slrt_sim.experiments.kpis import (COUNT_KPIS, HEADLINE_KPIS, KPI_FIELDS, PERCENT_KPIS,  # noqa: F401 - re-exported
                                       STAGE_FIELDS, kpi_label)

@dataclass
class RunResult:
    """One replication: KPIs, per-stage statistics and, when kept, the case table and timeline."""

    kpis: dict[str, float]
    stage_rows: list[dict[str, Any]]
    cases: pd.DataFrame | None
    timeline: pd.DataFrame | None
    replication: int = 0
    events: int = 0
    wall_seconds: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def stages(self) -> pd.DataFrame:
        """Per-stage statistics, one row per stage (:data:`STAGE_FIELDS`)."""
        return pd.DataFrame(self.stage_rows, columns=list(STAGE_FIELDS))


def cases_frame(record: RunRecord) -> pd.DataFrame:
    rows = [tuple(getattr(c, f) for f in CASE_FIELDS) for c in record.cases]
    df = pd.DataFrame.from_records(rows, columns=list(CASE_FIELDS))
    for col in df.columns:
        if col.startswith("t_"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    df["state"] = pd.Categorical(df["state"], categories=list(STATES))
    return df


def _share(num: float, den: float) -> float:
    return float(num) / den if den else float("nan")


def _quantile(values: np.ndarray, q: float) -> float:
    return float(np.quantile(values, q)) if values.size else float("nan")


def stage_records(record: RunRecord) -> list[dict[str, Any]]:
    """Per-stage queue statistics as plain records (no pandas: sweeps call this per run)."""
    avail_minutes = record.working_minutes
    fac_day_minutes = record.scenario.staffing.fasilitator_hours_per_day * 60.0
    fac_days = record.working_days
    rows = []
    for name in STAGES:
        log = record.stages[name]
        waits = np.asarray(log.waits, dtype=float)
        if name == "fasilitator":
            avail = log.staff * fac_day_minutes * fac_days
        else:
            avail = log.staff * avail_minutes
        mean = float(waits.mean()) if waits.size else float("nan")
        p90 = _quantile(waits, 0.9)
        rows.append({
            "stage": name,
            "staff": log.staff,
            "served": int(log.served if name != "fasilitator" else waits.size),
            "wait_prob": float(np.count_nonzero(waits > 1e-12)) / waits.size if waits.size else float("nan"),
            "wait_mean_days": mean,
            "wait_p90_days": p90,
            "wait_mean_hours": mean * 24,
            "wait_p90_hours": p90 * 24,
            "utilisation": _share(log.busy_minutes, avail) if avail > 0 else float("nan"),
        })
    return rows


def database_errors(in_dtks: np.ndarray, true_decile: np.ndarray, max_decile: int) -> tuple[float, float]:
    """(exclusion error, inclusion error) of a DTKS listing."""
    in_dtks = np.asarray(in_dtks, dtype=bool)
    target = np.asarray(true_decile) <= max_decile
    exclusion = _share(np.count_nonzero(target & ~in_dtks), np.count_nonzero(target))
    inclusion = _share(np.count_nonzero(in_dtks & ~target), np.count_nonzero(in_dtks))
    return exclusion, inclusion


def km_median(durations: np.ndarray, events: np.ndarray) -> float:
    """Kaplan–Meier median of right-censored durations (``events`` True = observed); NaN if not reached."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    ok = ~np.isnan(d)
    d, e = d[ok], e[ok]
    if d.size == 0:
        return float("nan")
    order = np.sort(d)
    times, deaths = np.unique(d[e], return_counts=True)
    at_risk = d.size - np.searchsorted(order, times, side="left")
    surv = np.cumprod(1.0 - deaths / at_risk)  # S(t) just after each event time
    reached = np.flatnonzero(surv <= 0.5 + 1e-12)
    return float(times[reached[0]]) if reached.size else float("nan")


def within(delay: np.ndarray, t_need: np.ndarray, horizon: float, days: float) -> float:
    """Share of needs served (``delay`` not NaN) within ``days``, among needs that had ``days`` to run."""
    ran = t_need <= horizon - days
    with np.errstate(invalid="ignore"):
        hit = ran & (delay <= days)
    return _share(np.count_nonzero(hit), np.count_nonzero(ran))


def _times(cases, attr: str) -> np.ndarray:
    return np.array([getattr(c, attr) for c in cases], dtype=float)  # None -> nan


def compute_kpis(record: RunRecord, stages: list[dict] | None = None) -> dict[str, float]:
    """Every KPI of :data:`KPI_FIELDS` for one run.

    Computed from the run record's case objects with numpy: a sweep of hundreds of
    small runs spends its time simulating, not building DataFrames.
    """
    s = record.scenario
    max_dec = s.database.max_decile
    all_cases = record.cases
    t_need = _times(all_cases, "t_need")
    after = t_need >= record.warmup
    state_all = np.array([c.state for c in all_cases], dtype=object)
    state = state_all[after]
    need = np.array([c.need for c in all_cases], dtype=object)[after]
    t_served = _times(all_cases, "t_served")[after]
    t_complaint = _times(all_cases, "t_complaint")[after]
    t_need = t_need[after]
    n = int(after.sum())
    served = state == "served"
    k: dict[str, float] = {}
    k["cases"] = float(n)
    k["needs_met"] = _share(np.count_nonzero(served), n)
    horizon = float(record.horizon)
    delay = np.where(served, t_served - t_need, np.nan)
    k["needs_met_30d"] = within(delay, t_need, horizon, 30.0)
    k["needs_met_90d"] = within(delay, t_need, horizon, 90.0)
    # needs of poor households missing from the DTKS when the run starts: what the
    # determination cycle delays (national programmes need the listing first)
    hh = np.array([c.hh for c in all_cases], dtype=np.int64)[after]
    unlisted = ~np.asarray(record.dtks_start, dtype=bool)[hh] & (np.asarray(record.true_decile)[hh] <= max_dec)
    k["unlisted_met_90d"] = within(delay[unlisted], t_need[unlisted], horizon, 90.0)
    # the SLRT's headline: substantive needs (not information requests) of the households it
    # targets (true decile within the DTKS target), met within 90 days, and their time to service
    target = (np.asarray(record.true_decile)[hh] <= max_dec) & (need != "information")
    k["target_met_90d"] = within(delay[target], t_need[target], horizon, 90.0)
    k["target_time_to_service_median"] = km_median(np.where(served, delay, horizon - t_need)[target],
                                                   served[target])
    info = need == "information"
    on_spot = np.array([c.reason == "closed_on_spot" for c in all_cases], dtype=bool)[after]
    k["info_on_spot"] = _share(np.count_nonzero(info & on_spot), np.count_nonzero(info))
    k["handled_30d"] = within(_times(all_cases, "t_decided")[after] - t_need, t_need, horizon, 30.0)
    k["identified"] = _share(np.count_nonzero(state != "unidentified"), n)
    k["time_to_service_median"] = km_median(np.where(served, delay, horizon - t_need), served)
    d = delay[served]
    k["days_to_service_median"] = _quantile(d, 0.5)
    k["days_to_service_p90"] = _quantile(d, 0.9)
    k["exclusion_error_start"], k["inclusion_error_start"] = database_errors(
        record.dtks_start, record.true_decile, max_dec)
    k["exclusion_error_end"], k["inclusion_error_end"] = database_errors(
        record.dtks_end, record.true_decile, max_dec)
    k["backlog_end"] = float(np.count_nonzero((state == "in_process") | (state == "waiting_quota")))
    k["unidentified_end"] = float(np.count_nonzero(state == "unidentified"))
    k["served"] = float(np.count_nonzero(served))
    k["ineligible"] = float(np.count_nonzero(state == "ineligible"))
    k["lost"] = float(np.count_nonzero(state == "lost"))
    comp = ~np.isnan(t_complaint)
    k["complaints"] = float(np.count_nonzero(comp))
    with np.errstate(invalid="ignore"):
        resolved = comp & served & ((t_served - t_complaint) <= 14.0)
    k["complaints_resolved_14d"] = _share(np.count_nonzero(resolved), np.count_nonzero(comp))
    if stages is None:
        stages = stage_records(record)
    st = {row["stage"]: row for row in stages}
    k["util_fo"] = float(st["fo_district"]["utilisation"])
    k["util_bo"] = float(st["bo_district"]["utilisation"])
    k["util_manager"] = float(st["manager"]["utilisation"])
    k["util_puskesos"] = float(np.nanmean([st["fo_puskesos"]["utilisation"], st["bo_puskesos"]["utilisation"]])) \
        if st["fo_puskesos"]["staff"] > 0 else float("nan")
    k["util_fasilitator"] = float(st["fasilitator"]["utilisation"])
    k["wait_fo_hours"] = float(st["fo_district"]["wait_mean_hours"])
    k["wait_bo_hours"] = float(st["bo_district"]["wait_mean_hours"])
    k["outreach_visits"] = float(record.outreach_visits)
    for kind in NEED_TYPES:
        mask = need == kind
        k[f"needs_met_{kind}"] = _share(np.count_nonzero(served & mask), np.count_nonzero(mask))
        k[f"share_{kind}"] = _share(np.count_nonzero(mask), n)
    return {name: k[name] for name in KPI_FIELDS}


def timeline_frame(record: RunRecord) -> pd.DataFrame:
    df = pd.DataFrame.from_records(record.timeline, columns=["day", *STATES])
    df["backlog"] = df["in_process"] + df["waiting_quota"]
    return df


def collect(record: RunRecord, replication: int = 0, keep_cases: bool = True, wall_seconds: float = 0.0,
            keep_timeline: bool = True) -> RunResult:
    records = stage_records(record)
    kpis = compute_kpis(record, records)
    cases = cases_frame(record) if keep_cases else None
    return RunResult(
        kpis=kpis, stage_rows=records, cases=cases, timeline=timeline_frame(record) if keep_timeline else None,
        replication=replication, events=record.events, wall_seconds=wall_seconds,
        meta={"scenario": record.scenario.name, "households": record.households,
              **({"event_log": record.event_log} if keep_cases and record.event_log is not None else {})},
    )


# ----------------------------------------------------------------------------- replications
def t_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float, float]:
    """(mean, sd, half-width, n) of a t-based confidence interval, ignoring NaN."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n == 0:
        return (float("nan"),) * 3 + (0.0,)
    mean = float(v.mean())
    if n < 2:
        return mean, float("nan"), float("nan"), float(n)
    sd = float(v.std(ddof=1))
    half = t_quantile(confidence, n - 1) * sd / math.sqrt(n)
    return mean, sd, half, float(n)


@functools.lru_cache(maxsize=256)
def t_quantile(confidence: float, dof: int) -> float:
    """The two-sided Student t quantile of a ``confidence`` interval (cached: tables ask it thousands of times)."""
    from slrt_sim.experiments.tdist import t_ppf

    return t_ppf(0.5 + confidence / 2.0, dof)


@dataclass
class Replications:
    """Several replications of one scenario."""

    runs: list[RunResult]
    scenario_name: str = ""

    @property
    def kpis(self) -> pd.DataFrame:
        """One row per replication, one column per KPI."""
        df = pd.DataFrame([r.kpis for r in self.runs], columns=list(KPI_FIELDS))
        df.index = pd.Index([r.replication for r in self.runs], name="replication")
        return df

    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """Mean, sd and a t-based confidence interval of each KPI over the replications."""
        df = self.kpis
        rows = []
        for name in KPI_FIELDS:
            mean, sd, half, n = t_interval(df[name].to_numpy(), confidence)
            rows.append({"kpi": name, "mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half,
                         "half_width": half, "n": int(n)})
        return pd.DataFrame(rows).set_index("kpi")

    def stages(self) -> pd.DataFrame:
        """Per-stage statistics averaged over replications."""
        df = pd.concat([r.stages.assign(replication=r.replication) for r in self.runs])
        return df.groupby("stage", sort=False).mean(numeric_only=True).drop(columns="replication")

    def cases(self) -> pd.DataFrame:
        return pd.concat([r.cases.assign(replication=r.replication) for r in self.runs if r.cases is not None],
                         ignore_index=True)

    @property
    def events(self) -> int:
        return sum(r.events for r in self.runs)
