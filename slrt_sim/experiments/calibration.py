"""The model beside the published figures of the five seed districts (``slrt-sim calibrate``).

For each district scenario, :func:`calibration_table` puts the model's figure next to the
one published (docs/domain.md), with the relative gap and, when the gap is over
20%, the reason (catalogue ``calib.reason.<figure>``). Figures:

* ``poverty_rate``: poor people / people in the synthetic population (published: the BPS
  headcount rate P0 the scenario cites);
* ``members_per_poor_household``: mean size of poor households (published: 4.71, national);
* ``poor_people`` (Kota Probolinggo): poor people (published: 18,230 in 2018);
* ``logged_per_month`` (Kota Pekalongan): cases registered (at a front office, a Puskesos or
  on a fasilitator's tablet; information requests included) per 30 days (published: ~400 a
  month). This is the figure the needs' incidence is calibrated to;
* ``puskesos_per_day``: residents registered per working day at one village Puskesos
  (published: 5–10, compared with the middle, 7.5);
* ``resolved_locally``: share of registered cases whose need was actually served within the
  run (a letter or a referral alone does not count; an information request answered on the
  spot does) (published: ~80% of complaints resolved locally, 2016–2020).

**Which figure wins.** The contact figures count different things (DOMAIN.md, "Numbers for
calibration"): the national 894,000 complaints over 2016–2020 is ~100 a month per SLRT
district, averaged over districts and start-up years; a Puskesos's 5–10 visitors a day counts
every visitor, questions and errands included. Kota Pekalongan's ~400 registered a month is
the one figure for a seed district of the thing the model counts, so it wins: the needs'
incidence is set so that the model registers it (within 20%), and the other two are reported
with the reason they differ (:data:`REASON_DETAIL` gives the run's own numbers for it).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from slrt_sim.domain.scenario import Scenario, load_scenario
from slrt_sim.paths import SCENARIOS

TOLERANCE = 0.20
DISTRICTS = ("kota_pekalongan", "kota_probolinggo", "kota_serang", "kota_tanjungbalai", "kabupaten_kubu_raya")

PUBLISHED: dict[str, dict[str, tuple[float, str]]] = {
    "kota_pekalongan": {"poverty_rate": (0.074, "Kota Pekalongan 2018, docs/domain.md"), "logged_per_month": (400.0, "docs/domain.md")},
    "kota_probolinggo": {"poverty_rate": (0.076, "Kota Probolinggo 2018: 18.230 / ~240.000, docs/domain.md"), "poor_people": (18230.0, "Kota Probolinggo 2018, docs/domain.md")},
    "kota_serang": {"poverty_rate": (0.057, "BPS ~5,5–6%, docs/domain.md")},
    "kota_tanjungbalai": {"poverty_rate": (0.13, "BPS ~13%, docs/domain.md")},
    "kabupaten_kubu_raya": {"poverty_rate": (0.05, "BPS ~5%, docs/domain.md")},
}
COMMON: dict[str, tuple[float, str]] = {
    "members_per_poor_household": (4.71, "BPS nasional, docs/domain.md"),
    "puskesos_per_day": (7.5, "5–10/hari, docs/domain.md"),
    "resolved_locally": (0.80, "~80% selesai di daerah, docs/domain.md"),
}
FIGURES = ("poverty_rate", "members_per_poor_household", "poor_people", "logged_per_month", "puskesos_per_day",
           "resolved_locally")


@dataclass(frozen=True)
class Row:
    district: str
    figure: str
    model: float
    published: float
    source: str
    detail: tuple = ()  # (name, value) pairs the reason quotes: the run's own numbers

    @property
    def gap(self) -> float:
        return self.model / self.published - 1.0 if self.published else float("nan")

    @property
    def ok(self) -> bool:
        return bool(np.isfinite(self.gap) and abs(self.gap) <= TOLERANCE)


def district_scenarios(folder: Path = SCENARIOS, names: Sequence[str] = DISTRICTS) -> list[Scenario]:
    return [load_scenario(folder / f"{n}.yaml") for n in names]


def population_figures(s: Scenario) -> dict[str, float]:
    """Figures of the synthetic population alone (no run)."""
    from slrt_sim.experiments.runner import get_population

    hh = get_population(s).households
    size = hh["size"].to_numpy(dtype=float)
    poor = hh["poor"].to_numpy(dtype=bool)
    return {"poverty_rate": float(size[poor].sum() / size.sum()),
            "members_per_poor_household": float(size[poor].mean()) if poor.any() else float("nan"),
            "poor_people": float(size[poor].sum())}


def run_figures(s: Scenario, run) -> dict[str, float]:
    """Figures of one run (a :class:`~slrt_sim.experiments.results.RunResult` with its case table)."""
    from slrt_sim.domain.calendar import WorkCalendar

    c = run.cases
    c = c[c["t_need"] >= s.warmup_days]
    days = s.horizon_days - s.warmup_days
    registered = c["t_registered"].notna()
    stages = {r["stage"]: r for r in run.stage_rows}
    n_pk = sum(1 for _, v in s.region.villages() if v.puskesos)
    workdays = WorkCalendar(s.calendar, s.horizon_days).working_days(s.warmup_days, s.horizon_days)
    per_day = (stages["fo_puskesos"]["served"] / (n_pk * workdays)) if n_pk and workdays else float("nan")
    n_reg = int(registered.sum())
    state = c["state"].astype(str)

    def share(mask) -> float:
        return float((mask & registered).sum() / n_reg) if n_reg else float("nan")

    months = days / 30.0
    return {"logged_per_month": n_reg / months,
            "puskesos_per_day": float(per_day),
            "resolved_locally": share(state == "served"),
            # what the reasons quote
            "ineligible_share": share(state == "ineligible"),
            "open_share": share(state.isin(("waiting_quota", "in_process"))),
            "puskesos_month": float(stages["fo_puskesos"]["served"]) / months,
            "district_month": n_reg / months,
            "puskesos_n": float(n_pk),
            "puskesos_published_month": n_pk * COMMON["puskesos_per_day"][0] * workdays / months}


REASON_DETAIL: dict[str, tuple[str, ...]] = {
    "resolved_locally": ("ineligible_share", "open_share"),
    "puskesos_per_day": ("puskesos_month", "district_month", "puskesos_n", "puskesos_published_month"),
}
"""The run's figures each reason quotes (catalogue ``calib.reason.<figure>`` placeholders)."""


def calibration_table(scenarios: Sequence[Scenario], workers: int = 1, progress=None) -> list[Row]:
    """One row per (district, figure) that has a published value."""
    from slrt_sim.experiments.runner import Keep, run_many

    runs = run_many(scenarios, [0], workers=workers, keep=Keep(cases=True, timeline=False), progress=progress)
    rows = []
    for s, (run,) in zip(scenarios, runs.results):
        key = s.name if s.name in PUBLISHED else next((d for d in DISTRICTS if d in s.name), s.name)
        model = {**population_figures(s), **run_figures(s, run)}
        published = {**COMMON, **PUBLISHED.get(key, {})}
        for fig in FIGURES:
            if fig in published:
                value, source = published[fig]
                if fig == "puskesos_per_day" and not any(v.puskesos for _, v in s.region.villages()):
                    continue
                detail = tuple((k, model[k]) for k in REASON_DETAIL.get(fig, ()) if k in model)
                rows.append(Row(s.name, fig, model[fig], value, source, detail))
    return rows
