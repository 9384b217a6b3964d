"""The model beside the published figures of the five seed districts (``slrt-sim calibrate``).

For each district scenario, :func:`calibration_table` puts the model's figure next to the
one published (docs/domain.md), with the relative gap and, when the gap is over
20%, the reason (catalogue ``calib.reason.<figure>``). Figures:

* ``poverty_rate``: poor people / people in the synthetic population (published: the BPS
  headcount rate P0 the scenario cites);
* ``members_per_poor_household``: mean size of poor households (published: 4.71, national);
* ``poor_people`` (Kota Probolinggo): poor people (published: 18,230 in 2018);
* ``logged_per_month`` (Kota Pekalongan): cases registered at a front office per 30 days
  (published: ~400 a month);
* ``puskesos_per_day``: residents registered per working day at one village Puskesos
  (published: 5–10, compared with the middle, 7.5);
* ``resolved_locally``: share of registered cases the SLRT decided (referral, closure on the
  spot or ineligibility explained) within the run (published: ~80% of complaints resolved
  locally, 2016–2020).
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
    decided = c["t_decided"].notna() if "t_decided" in c else registered
    return {"logged_per_month": float(registered.sum()) * 30.0 / days,
            "puskesos_per_day": float(per_day),
            "resolved_locally": float((decided & registered).sum() / registered.sum()) if registered.any()
            else float("nan")}


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
                rows.append(Row(s.name, fig, model[fig], value, source))
    return rows
