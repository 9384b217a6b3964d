"""Synthetic households and people of a scenario's region, with their DTKS record.

:func:`generate_population` builds, from a validated :class:`~slrt_sim.domain.scenario.Scenario`
and a seed, every household of every village (``scenario.region.villages()`` order) and
every member, fully vectorized with numpy (no Python loop per person or household); the
pandas tables are assembled once at the end. One million people take about a second.

The model, in order (each part draws from its own random stream, so changing one part
does not shift the others; see :data:`STREAMS`):

1. **Consumption.** National per-capita consumption is lognormal with sd
   :data:`LOG_SD` on the log scale and its 9.36th percentile at the poverty line
   :data:`POVERTY_LINE`; the national decile bounds are that distribution's quantiles.
   Each village has the same shape, shifted so that exactly its ``poverty_rate`` of
   households fall below the line (stratified draws: the realised share is within one
   household of the target). ``true_decile`` is the national decile, ``poor`` is below the line.
2. **Household size** is ``1 + Poisson(mean - 1)`` with mean ``population.household_size_poor``
   for poor households and ``_nonpoor`` otherwise.
3. **Members.** Position 0 is the head (20–80, mostly male; women head most single-person
   households), then the spouse (most heads), the children (ages spaced from the mother's
   age), now and then another relative (*famili lain*), and last, sometimes, an elderly parent
   (*orang tua*). Schooling, disability, chronic illness, pregnancy (women 15–49 only) and
   occupation follow age, sex and the household's decile.
4. **Documents.** A share ``population.missing_documents_poor/_nonpoor`` of households lacks
   something: no KK, an adult (17+) without KTP, or a child (<18) without a birth certificate.
5. **Identity numbers.** NIK and KK follow :mod:`slrt_sim.domain.identity` (kecamatan code, dates,
   serials unique within a 12-digit prefix).
6. **Housing** (floor/wall/roof) from per-decile tables with a shared latent factor, so a poor
   house tends to be poor in all three; ``house_unfit`` = at least 2 of: earth floor, bamboo or
   wooden wall, thatch roof. ``owns_land`` falls with poverty and in towns.
7. **DTKS record** at the start of the run: a share ``database.coverage_poor`` of households whose
   true decile is ≤ ``database.max_decile`` is listed (the rest are exclusion errors); a share
   ``database.leakage_nonpoor`` of the others is listed (inclusion errors, more often just above
   the cut-off), ``database.sktm_share`` of them through a false SKTM. The recorded decile is the
   true one plus noise (sd ``database.decile_noise_sd``); for the wrongly included it is the
   poorer decile their SKTM or old survey shows. ``dtks_year`` is the record's year
   (Poisson age with mean ``database.stale_years_mean``), ``nik_invalid`` marks a share
   ``database.invalid_nik_share`` of records whose head NIK was mistyped (``dtks_nik``).
8. **Programme receipt** (PKH, BPNT, PBI-JK) mostly among listed households whose recorded
   decile is within the programme's ``max_decile``, plus a little leakage.

All names come from Faker's ``id_ID`` pools; NIKs and addresses are synthetic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from faker.providers.person.id_ID import Provider as _IdNames

from slrt_sim.domain.identity import format_ids
from slrt_sim.domain.scenario import Scenario
from slrt_sim.domain.synthesis import (  # noqa: F401 - public names re-exported
    POVERTY_LINE,
    LOG_SD,
    NATIONAL_POVERTY_RATE,
    STREAMS,
    RELATIONS,
    SCHOOLING,
    DISABILITY,
    OCCUPATIONS,
    FLOORS,
    WALLS,
    ROOFS,
    SEXES,
    national_decile_bounds,
    _Draft,
    _streams,
    _villages,
    _consumption,
    _sizes,
    _members,
    _health,
    _schooling,
    _occupation,
    _aggregates,
    _documents,
    _identity,
    _housing,
    _dtks_record,
    _receipt,
    _address,
    _STREET_KIND,
    _STREETS,
    _bern,
    _cat,
    _SINGLE_NAME,
)

__all__ = [
    "Population", "generate_population", "national_decile_bounds", "label",
    "POVERTY_LINE", "LOG_SD", "NATIONAL_POVERTY_RATE", "STREAMS",
    "RELATIONS", "SCHOOLING", "DISABILITY", "OCCUPATIONS", "FLOORS", "WALLS", "ROOFS", "SEXES",
]

def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


def label(column: str, value: Any, lang: str | None = None) -> str:
    """User-facing label of a category value (:func:`slrt_sim.i18n.category_label`, which the
    role-play modules import directly so that they need no pandas)."""
    from slrt_sim.i18n import category_label

    return category_label(column, value, lang)


# --------------------------------------------------------------------------- the result
@dataclass
class Population:
    """The synthetic population of a scenario (see :func:`generate_population`)."""

    scenario: Scenario
    seed: int | None
    households: pd.DataFrame
    persons: pd.DataFrame | None
    villages: pd.DataFrame
    poverty_line: float = POVERTY_LINE
    decile_bounds: np.ndarray = field(default_factory=national_decile_bounds)
    _hh_offsets: np.ndarray = field(default=None, repr=False)   # village v: rows [off[v], off[v+1])
    _person_offsets: np.ndarray = field(default=None, repr=False)  # household i: persons [off[i], off[i+1])

    @property
    def n_households(self) -> int:
        return len(self.households)

    @property
    def n_persons(self) -> int:
        return int(self._person_offsets[-1])

    def household(self, i: int) -> dict[str, Any]:
        """One household's row as plain Python values (the profile the eligibility rules read)."""
        i = int(i)
        out: dict[str, Any] = {"hh": i}
        for col in self.households.columns:
            v = self.households[col].iat[i]
            if isinstance(v, np.generic):
                v = v.item()
            out[col] = v
        return out

    def members(self, i: int) -> pd.DataFrame:
        """The members of household ``i`` (head first); needs ``persons=True``."""
        if self.persons is None:
            raise ValueError("this population was generated with persons=False")
        a, b = int(self._person_offsets[i]), int(self._person_offsets[i + 1])
        return self.persons.iloc[a:b]

    def village_households(self, v: int) -> np.ndarray:
        """Indices of the households of village ``v`` (position in ``scenario.region.villages()``)."""
        return np.arange(self._hh_offsets[v], self._hh_offsets[v + 1], dtype=np.int64)

    def address(self, i: int) -> str:
        """A synthetic postal address built from the scenario's own place names."""
        h = self.households
        i = int(i)
        v = int(h["village_idx"].iat[i])
        vrow = self.villages.iloc[v]
        region = self.scenario.region
        village_kind = "Kel." if vrow["urban"] else "Desa"
        kab = region.kabupaten
        prefix = "Kota" if region.kind == "kota" else "Kab."
        if not kab.lower().startswith(("kota ", "kab.", "kabupaten ")):
            kab = f"{prefix} {kab}"
        return (f"{h['street'].iat[i]} No. {int(h['house_no'].iat[i])}, "
                f"RT {int(h['rt'].iat[i]):02d}/RW {int(h['rw'].iat[i]):02d}, "
                f"{village_kind} {vrow['name']}, Kec. {vrow['kecamatan']}, {kab}")

    def nik(self, person: int) -> str:
        """A person's NIK as a 16-digit string."""
        if self.persons is None:
            raise ValueError("this population was generated with persons=False")
        return str(format_ids([self.persons["nik"].iat[int(person)]])[0])

    def kk(self, i: int) -> str:
        """Household ``i``'s KK number as a 16-digit string (empty when it has no KK)."""
        v = int(self.households["kk"].iat[int(i)])
        return str(format_ids([v])[0]) if v else ""


# --------------------------------------------------------------------------- generation
def generate_population(scenario: Scenario, seed: int | np.random.SeedSequence | None = None,
                        *, persons: bool = True) -> Population:
    """Generate the households (and, with ``persons=True``, the people) of ``scenario``.

    ``seed`` (an int or a :class:`numpy.random.SeedSequence`) fixes every result; the
    default is ``scenario.seed``. With ``persons=False`` the members are still generated
    internally (the household aggregates need them) but no persons table is built; the
    households table is identical to the one of ``persons=True``. The steps are the
    numbered ones of the module docstring, each a function below with its own stream.
    """
    if seed is None:
        seed = scenario.seed
    rngs = _streams(seed)
    start = np.datetime64(scenario.calendar.start_date, "D")
    v = _villages(scenario)
    hh_off = np.zeros(len(v.hh) + 1, dtype=np.int64)
    np.cumsum(v.hh, out=hh_off[1:])
    village = np.repeat(np.arange(len(v.hh), dtype=np.int16), v.hh)
    h = _Draft(village=village, urban=v.urban[village])
    _consumption(h, rngs["consumption"], v, hh_off)
    p_off = _sizes(h, rngs["sizes"], scenario.population)
    m = _members(h, rngs["members"], p_off, start)
    _health(m, rngs["health"], h)
    _schooling(m, rngs["schooling"], h)
    _occupation(m, rngs["occupation"], h)
    _aggregates(h, m, p_off)
    _documents(h, m, rngs["documents"], scenario.population, p_off)
    _identity(h, m, rngs["nik"], v, start)
    _housing(h, rngs["housing"])
    _dtks_record(h, m, rngs["database"], scenario.database, scenario.calendar.start_date.year, p_off)
    _receipt(h, rngs["programs"], scenario.programs)
    _address(h, rngs["address"], v, hh_off)
    households = _households_table(h, m, v, p_off)
    persons_df = _persons_table(m, rngs["names"]) if persons else None
    return Population(
        scenario=scenario, seed=seed if isinstance(seed, int) else None,
        households=households, persons=persons_df, villages=v.table,
        _hh_offsets=hh_off, _person_offsets=p_off,
    )


def _households_table(h: _Draft, m: _Draft, v: _Draft, p_off: np.ndarray) -> pd.DataFrame:
    street_names = [f"{k} {s}" for k in _STREET_KIND for s in _STREETS]
    return pd.DataFrame({
        "village_idx": h.village,
        "kecamatan_idx": v.kec[h.village],
        "kk": h.kk,
        "head_person": p_off[:-1].astype(np.int64),
        "size": h.size,
        "consumption_pc": h.consumption,
        "true_decile": h.decile,
        "poor": h.poor,
        "n_child_0_6": h.n_child,
        "n_school_6_21": h.n_school,
        "n_out_of_school_7_18": h.n_oos,
        "n_working_age": h.n_work,
        "has_pregnant": h.has_preg,
        "has_elderly_60": h.has_e60,
        "has_elderly_70": h.has_e70,
        "has_disability": h.has_dis,
        "has_severe_disability": h.has_sev,
        "has_chronic": h.has_chr,
        "floor": _cat(h.floor, FLOORS),
        "wall": _cat(h.wall, WALLS),
        "roof": _cat(h.roof, ROOFS),
        "house_unfit": h.house_unfit,
        "owns_land": h.owns_land,
        "has_kk": h.has_kk,
        "missing_docs": h.missing_docs,
        "occupation": _cat(m.occ[p_off[:-1]], OCCUPATIONS),
        "in_dtks": h.listed,
        "dtks_decile": h.dtks_decile,
        "dtks_year": h.dtks_year,
        "via_sktm": h.via_sktm,
        "nik_invalid": h.nik_invalid,
        "dtks_nik": h.dtks_nik,
        "receives_pkh": h.receives_pkh,
        "receives_bpnt": h.receives_bpnt,
        "receives_pbi": h.receives_pbi,
        "vulnerable": h.vulnerable,
        "atensi_target": h.atensi_target,
        "street": _cat(h.street, street_names),
        "house_no": h.house_no,
        "rt": h.rt.astype(np.int8),
        "rw": h.rw,
    })


def _persons_table(m: _Draft, rng: np.random.Generator) -> pd.DataFrame:
    """The persons table, with first and last names from Faker's ``id_ID`` pools."""
    P, female = m.age.size, m.female
    male_pool = list(dict.fromkeys(_IdNames.first_names_male))
    female_pool = list(dict.fromkeys(_IdNames.first_names_female))
    first_cats = list(dict.fromkeys(male_pool + female_pool))
    fidx = {n: j for j, n in enumerate(first_cats)}
    male_codes = np.array([fidx[n] for n in male_pool], dtype=np.int16)
    female_codes = np.array([fidx[n] for n in female_pool], dtype=np.int16)
    first_code = np.where(female, female_codes[rng.integers(0, len(female_codes), P)],
                          male_codes[rng.integers(0, len(male_codes), P)])
    lm = list(dict.fromkeys(_IdNames.last_names_male))
    lf = list(dict.fromkeys(_IdNames.last_names_female))
    last_cats = [""] + list(dict.fromkeys(lm + lf))
    lidx = {n: j for j, n in enumerate(last_cats)}
    lm_codes = np.array([lidx[n] for n in lm], dtype=np.int16)
    lf_codes = np.array([lidx[n] for n in lf], dtype=np.int16)
    last_code = np.where(female, lf_codes[rng.integers(0, len(lf_codes), P)],
                         lm_codes[rng.integers(0, len(lm_codes), P)])
    last_code = np.where(_bern(rng, _SINGLE_NAME, P), 0, last_code)
    return pd.DataFrame({
        "hh": m.hh,
        "nik": m.nik,
        "first_name": pd.Categorical.from_codes(first_code, categories=first_cats),
        "last_name": pd.Categorical.from_codes(last_code, categories=last_cats),
        "sex": _cat(female.astype(np.int8), SEXES),
        "age": m.age,
        "birth_date": m.birth,
        "relation": _cat(m.relation, RELATIONS),
        "in_school": m.in_school,
        "schooling": _cat(m.schooling, SCHOOLING),
        "disability": _cat(m.disability, DISABILITY),
        "chronic_illness": m.chronic,
        "pregnant": m.pregnant,
        "has_ktp": m.has_ktp,
        "has_birth_cert": m.has_bc,
        "occupation": _cat(m.occ, OCCUPATIONS),
    })
