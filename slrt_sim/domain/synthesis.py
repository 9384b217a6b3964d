"""Synthesis of a population, step by step: the calibration numbers and one function per step.

:func:`slrt_sim.domain.population.generate_population` calls the steps in order; each step
reads the columns built before it from ``h`` (households) or ``m`` (members), adds its own,
and draws from its own random stream. Every calibration number is a named constant below
with its source or, where none exists, the word *assumption* and a plausible range.
"""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from slrt_sim.domain.identity import date_parts, make_kk, mistype_ids, unique_serials
from slrt_sim.domain.scenario import Scenario

# --------------------------------------------------------------------------- calibration
POVERTY_LINE = 550_458.0
"""National poverty line, rupiah per person per month (BPS, March 2023)."""
NATIONAL_POVERTY_RATE = 0.0936
"""Share of the national consumption distribution below :data:`POVERTY_LINE` (March 2023)."""
LOG_SD = 0.55
"""Standard deviation of log per-capita consumption (within a village and nationally)."""

SEXES = ("L", "P")
RELATIONS = ("kepala keluarga", "istri", "suami", "anak", "orang tua", "famili lain")
SCHOOLING = (
    "belum sekolah", "SD", "SMP", "SMA/SMK", "perguruan tinggi", "tidak/putus sekolah",
    "tidak tamat SD", "tamat SD", "tamat SMP", "tamat SMA/SMK", "tamat perguruan tinggi",
)
DISABILITY = ("none", "mild", "severe")
OCCUPATIONS = (
    "belum bekerja", "pelajar/mahasiswa", "mengurus rumah tangga", "tidak bekerja", "pensiunan",
    "petani", "buruh tani", "nelayan", "buruh harian", "pedagang kecil", "wiraswasta",
    "karyawan swasta", "PNS/TNI/Polri",
)
FLOORS = ("tanah", "plester", "keramik")
WALLS = ("bambu", "kayu", "tembok")
ROOFS = ("rumbia", "seng", "genteng")

_WORK_FIRST = OCCUPATIONS.index("petani")
# Occupation of working people by (rural/urban) x (decile 1-3, 4-7, 8-10); columns are
# petani, buruh tani, nelayan, buruh harian, pedagang kecil, wiraswasta, karyawan swasta, PNS/TNI/Polri.
_WORK_TABLE = np.array([
    [.25, .25, .06, .22, .10, .06, .05, .01],   # rural, poorest
    [.28, .10, .04, .15, .14, .12, .13, .04],   # rural, middle
    [.18, .02, .02, .06, .12, .22, .24, .14],   # rural, richest
    [.03, .04, .03, .42, .22, .10, .15, .01],   # urban, poorest
    [.02, .01, .01, .20, .20, .18, .32, .06],   # urban, middle
    [.01, .00, .00, .05, .10, .24, .42, .18],   # urban, richest
])
_WORK_CUM = np.cumsum(_WORK_TABLE / _WORK_TABLE.sum(1, keepdims=True), axis=1).astype(np.float32)


def _by_age(*pieces: tuple[int, float]) -> np.ndarray:
    """A 128-entry float32 table by age: ``(from_age, value)`` pieces, in increasing age."""
    out = np.zeros(128, dtype=np.float32)
    for start, value in pieces:
        out[start:] = value
    return out


# Person-level probabilities by age (index = age in years; first index as noted).
_T_SEVERE = np.stack([_by_age((0, .004), (60, .016), (75, .046))] * 2) * np.array([[1.0], [1.3]], np.float32)  # [poor, age]
_T_MILD = np.stack([_by_age((0, .015), (45, .075), (65, .175))] * 2) * np.array([[1.0], [1.3]], np.float32)
_T_CHRONIC = _by_age((0, .015), (18, .05), (45, .15), (60, .30))
_T_PREGNANT = np.stack([                                    # [is_wife, age]; only ages 15-49 (and women)
    _by_age((15, .004), (50, 0.0)),
    _by_age((15, .05), (20, .09), (35, .04), (45, .008), (50, 0.0)),
])
_T_ENROL = np.stack([                                       # [decile <= 3, age]
    _by_age((6, .70), (7, .99), (13, .94), (16, .78), (19, .33), (22, 0.0)),
    _by_age((6, .70), (7, .96), (13, .84), (16, .58), (19, .10), (22, 0.0)),
])
_T_LEVEL = np.select([np.arange(128) <= 12, np.arange(128) <= 15, np.arange(128) <= 18], [1, 2, 3], 4).astype(np.int8)
_T_ATTAIN_CAP = np.select([np.arange(128) < 13, np.arange(128) < 16, np.arange(128) < 22], [7, 8, 9], 10).astype(np.int8)
_T_AGE_SCORE = (np.maximum(np.arange(128) - 40, 0) * 0.025).astype(np.float32)
_T_DECILE_SCORE = ((np.arange(11) - 5.5) * 0.28).astype(np.float32)  # index = decile
_ATTAIN_CUTS = np.array([-0.5, 0.1, 0.9, 1.8], dtype=np.float32)  # tidak tamat SD | SD | SMP | SMA | PT
_T_WORK = np.stack([                                        # [other, poor head, better-off head, wife]
    _by_age((15, p), (60, .5), (70, .25)) for p in (.6, .90, .94, .5)
])
_T_PENSION = np.where(np.arange(11) >= 7, .35, .05).astype(np.float32)  # index = decile

# Housing: probability of the worst and of the middle material by true decile 1..10
# (rural figures; towns multiply the worst by 0.5). Shared latent factor with weight _HOUSE_RHO.
_FLOOR_P = ([.16, .11, .08, .06, .045, .035, .025, .015, .010, .005],
            [.45, .40, .35, .30, .26, .22, .18, .15, .12, .08])
_WALL_P = ([.30, .24, .19, .15, .12, .09, .07, .05, .03, .02],
           [.22, .20, .18, .16, .14, .12, .10, .08, .06, .04])
_ROOF_P = ([.07, .05, .035, .025, .02, .015, .01, .007, .005, .003],
           [.40, .36, .32, .28, .25, .22, .19, .16, .13, .10])
_HOUSE_RHO = 0.6

# Programme receipt at the start of a run (not scenario parameters: the state the run inherits).
_RECEIPT = {"PKH": 0.65, "BPNT": 0.70, "PBI_JK": 0.75}
_RECEIPT_LEAK_LISTED = 0.02    # listed, recorded decile above the programme's cut-off
_RECEIPT_LEAK_UNLISTED = 0.004  # not listed (old lists not yet cleaned)
_ATENSI_OTHER = 0.01           # other social-rehabilitation need (neglect, violence, addiction)
_SINGLE_NAME = 0.35            # people with one name only (empty last_name)

# Household composition (step 3). All assumptions, chosen to give SUSENAS-like shapes (about
# 10% single-person households, most heads married men aged 30-60); ranges a reviewer could
# defend are in brackets.
_HEAD_FEMALE_SINGLE = 0.45     # women head single-person households (widows) [0.35, 0.55]
_HEAD_FEMALE_OTHER = 0.12      # women head larger households [0.10, 0.18]
_HEAD_AGE_SINGLE = (55, 16)    # mean and sd of a single person's age, years
_HEAD_AGE_OTHER = (46, 13)     # mean and sd of the head's age in larger households
_HEAD_AGE_RANGE = (20, 80)     # heads' ages are clipped to this range
_SPOUSE_IF_MALE_HEAD = 0.92    # a man heading a household of 2+ lives with his wife [0.85, 0.95]
_SPOUSE_IF_FEMALE_HEAD = 0.08  # a woman heading one lives with her husband [0.05, 0.15]
_SPOUSE_AGE_GAP = 3            # the husband is this many years older than the wife, on average
_SPOUSE_AGE_SD = 4             # sd of that gap
_PARENT_POOR = 0.15            # an elderly parent lives in (heads <= 60, 3+ people) [0.10, 0.20]
_PARENT_NONPOOR = 0.10         # the same among the better-off [0.05, 0.15]
_PARENT_HEAD_MAX_AGE = 60
_PARENT_AGE_GAP = (20, 33)     # the parent is this much older than the head (uniform, years)
_PARENT_MAX_AGE = 95
_PARENT_FEMALE = 0.65          # elderly parents are mostly mothers (women live longer)
_MOTHER_AGE_AT_FIRST = (19, 31)  # mother's age at the first child (uniform, years) [18, 32]
_CHILD_SPACING = 1.3           # years between children: 1 + Poisson(this)
_FAMILI = 0.06                 # other members are "famili lain" (other relatives) [0.03, 0.10]
_FAMILI_MAX_AGE = 70

# Documents (step 4): what a household without complete documents lacks. Assumption.
_MISSING_KIND = (0.30, 0.35, 0.35)  # no KK | an adult without KTP | a child without birth certificate
_MISSING_OTHERS = 0.30         # other eligible members of such a household lack it too
_KK_ISSUED_DAYS = (30, 15 * 365)  # a KK was issued this many days before the start (uniform)

# Occupation (step 3): women not working are mostly "mengurus rumah tangga". Assumption.
_HOUSEWIFE = 0.70

# Housing and land (step 6). Assumptions.
_URBAN_WORST_MATERIAL = 0.5    # towns: the worst floor/wall/roof material half as often
_LAND_BASE = 0.70              # owns land, poorest decile, rural [0.6, 0.8]
_LAND_PER_DECILE = 0.02        # + this per decile above the poorest
_LAND_URBAN = 0.12             # - this in towns

# DTKS record (step 7): wrongful inclusions fall off above the cut-off by this rate per
# decile (exp(-rate * distance)); assumption: most inclusion errors are near-poor households.
_LEAK_DECAY = 0.35

# Addresses. Assumptions (RT of 25-55 homes, RW of 4-10 RT, a quarter of homes on a gang).
_HOMES_PER_RT = (25, 56)
_RT_PER_RW = (4, 11)
_ON_GANG = 0.25
_HOUSE_NUMBERS = (1, 151)

STREAMS = ("consumption", "sizes", "members", "health", "schooling", "documents", "names",
           "nik", "housing", "occupation", "database", "programs", "address")
"""Named random streams, one ``SeedSequence`` child each (new parts are appended, never inserted)."""

_STREETS = (
    "Melati", "Mawar", "Kenanga", "Anggrek", "Cempaka", "Flamboyan", "Dahlia", "Kamboja",
    "Teratai", "Seroja", "Nusa Indah", "Bougenville", "Sawo", "Mangga", "Rambutan", "Durian",
    "Kelapa", "Pinang", "Jati", "Beringin", "Waru", "Asem", "Nangka", "Belimbing", "Merdeka",
    "Pahlawan", "Proklamasi", "Pemuda", "Veteran", "Pancasila", "Kartini", "Diponegoro",
    "Sudirman", "Gatot Subroto", "Ahmad Yani", "Imam Bonjol", "Hasanuddin", "Pattimura",
    "Cut Nyak Dien", "Dewi Sartika", "Ki Hajar Dewantara", "Gajah Mada", "Hayam Wuruk",
    "Sultan Agung", "Raden Patah", "Kenari", "Cendrawasih", "Merpati", "Rajawali", "Kutilang",
    "Perkutut", "Nuri", "Garuda", "Mutiara", "Delima", "Pelangi", "Purnama", "Fajar", "Bahagia",
    "Sejahtera", "Damai", "Sentosa", "Makmur", "Harapan", "Swadaya", "Gotong Royong", "Rukun",
    "Masjid", "Pasar", "Sekolah", "Lapangan", "Irigasi", "Sungai", "Pantai", "Kebun",
)
_STREET_KIND = ("Jl.", "Gg.")


def national_decile_bounds() -> np.ndarray:
    """Upper bounds of national consumption deciles 1..9 (rupiah per person per month)."""
    nd = NormalDist()
    mu = math.log(POVERTY_LINE) - LOG_SD * nd.inv_cdf(NATIONAL_POVERTY_RATE)
    return np.exp(mu + LOG_SD * np.array([nd.inv_cdf(k / 10) for k in range(1, 10)]))


def _village_mu(rate: np.ndarray) -> np.ndarray:
    nd = NormalDist()
    r = np.clip(rate, 1e-6, 1 - 1e-6)
    return np.array([math.log(POVERTY_LINE) - LOG_SD * nd.inv_cdf(float(x)) for x in r])


def _ndtri(u: np.ndarray) -> np.ndarray:
    """Vectorized standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9)."""
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    u = np.clip(np.asarray(u, dtype=np.float64), 1e-300, 1 - 1e-16)
    out = np.empty_like(u)
    lo = u < 0.02425
    hi = u > 1 - 0.02425
    mid = ~(lo | hi)
    q = u[mid] - 0.5
    r = q * q
    out[mid] = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
                (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1))
    for mask, sign in ((lo, 1.0), (hi, -1.0)):
        if mask.any():
            uu = u[mask] if sign > 0 else 1 - u[mask]
            q = np.sqrt(-2 * np.log(uu))
            out[mask] = sign * ((((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                                ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1))
    return out


def _streams(seed: int | np.random.SeedSequence) -> dict[str, np.random.Generator]:
    if isinstance(seed, np.random.SeedSequence):
        base = seed
    else:
        base = np.random.SeedSequence(int(seed))
    # explicit children (not base.spawn): the same SeedSequence always gives the same streams
    return {
        name: np.random.default_rng(np.random.SeedSequence(
            entropy=base.entropy, spawn_key=tuple(base.spawn_key) + (i,), pool_size=base.pool_size))
        for i, name in enumerate(STREAMS)
    }


def _group_rank(mask: np.ndarray, first: np.ndarray) -> np.ndarray:
    """0-based rank of each ``mask`` person among the masked members of its household.

    ``first`` is, per person, the index of its household's first person.
    """
    m = mask.astype(np.int32)
    before = np.cumsum(m, dtype=np.int32) - m
    return before - before[first]


def _bern(rng: np.random.Generator, p: np.ndarray | float, n: int) -> np.ndarray:
    return rng.random(n, dtype=np.float32) < p


def _cat(codes: np.ndarray, categories: tuple[str, ...] | list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int8 if len(categories) < 127 else np.int16),
                                     categories=list(categories))


class _Draft(dict):
    """Columns under construction (households ``h`` or members ``m``), as attributes."""

    __getattr__ = dict.__getitem__

    def __setattr__(self, key, value):
        self[key] = value


def _villages(scenario: Scenario) -> _Draft:
    pairs = scenario.region.villages()
    kec_index = {id(k): j for j, k in enumerate(scenario.region.kecamatan)}
    v = _Draft(
        hh=np.array([v.households for _, v in pairs], dtype=np.int64),
        rate=np.array([v.poverty_rate for _, v in pairs], dtype=np.float64),
        urban=np.array([v.urban for _, v in pairs], dtype=bool),
        kec=np.array([kec_index[id(k)] for k, _ in pairs], dtype=np.int16),
        code6=np.array([int(k.code) for k, _ in pairs], dtype=np.int64),
    )
    v.table = pd.DataFrame({
        "village_idx": np.arange(len(pairs), dtype=np.int16),
        "name": [v.name for _, v in pairs],
        "code": [v.code or "" for _, v in pairs],
        "kecamatan_idx": v.kec,
        "kecamatan": [k.name for k, _ in pairs],
        "kecamatan_code": [k.code for k, _ in pairs],
        "households": v.hh,
        "poverty_rate": v.rate,
        "urban": v.urban,
        "puskesos": np.array([v.puskesos for _, v in pairs], dtype=bool),
    })
    return v


def _consumption(h: _Draft, rng: np.random.Generator, v: _Draft, hh_off: np.ndarray) -> None:
    """Step 1: consumption, stratified within each village (exact poverty shares), and deciles."""
    village = h.village
    H = village.size
    key = village.astype(np.float64) + rng.random(H)
    order = np.argsort(key, kind="stable")
    rank = np.empty(H, dtype=np.int64)
    rank[order] = np.arange(H) - hh_off[village[order]]
    u = (rank + rng.random(H)) / v.hh[village]
    logc = _village_mu(v.rate)[village] + LOG_SD * _ndtri(u)
    h.consumption = np.exp(logc).astype(np.float32)
    h.poor = logc < math.log(POVERTY_LINE)
    h.decile = (np.searchsorted(np.log(national_decile_bounds()), logc, side="right") + 1).astype(np.int8)
    h.band = np.where(h.decile <= 3, 0, np.where(h.decile <= 7, 1, 2)).astype(np.int8)


def _sizes(h: _Draft, rng: np.random.Generator, pop_p) -> np.ndarray:
    """Step 2: household sizes; returns the person offsets (household i: persons [off[i], off[i+1]))."""
    mean_size = np.where(h.poor, pop_p.household_size_poor, pop_p.household_size_nonpoor)
    h.size = np.minimum(1 + rng.poisson(mean_size - 1.0), 12).astype(np.int8)
    p_off = np.zeros(h.size.size + 1, dtype=np.int64)
    np.cumsum(h.size, out=p_off[1:])
    return p_off


def _members(h: _Draft, rng: np.random.Generator, p_off: np.ndarray, start: np.datetime64) -> _Draft:
    """Step 3: roles, sex, age and birth dates of every member (head first)."""
    H, size, poor = h.size.size, h.size, h.poor
    P = int(p_off[-1])
    hh = np.repeat(np.arange(H, dtype=np.int32), size)
    first = p_off[:-1][hh]
    pos = (np.arange(P, dtype=np.int64) - first).astype(np.int8)
    single = size == 1
    head_female = _bern(rng, np.where(single, _HEAD_FEMALE_SINGLE, _HEAD_FEMALE_OTHER), H)
    head_age = np.where(single, rng.normal(*_HEAD_AGE_SINGLE, H), rng.normal(*_HEAD_AGE_OTHER, H))
    head_age = np.clip(np.rint(head_age), *_HEAD_AGE_RANGE).astype(np.int16)
    has_spouse = (size >= 2) & _bern(rng, np.where(head_female, _SPOUSE_IF_FEMALE_HEAD, _SPOUSE_IF_MALE_HEAD), H)
    slots_left = size.astype(np.int16) - 1 - has_spouse
    has_parent = ((slots_left >= 2) & (head_age <= _PARENT_HEAD_MAX_AGE)
                  & _bern(rng, np.where(poor, _PARENT_POOR, _PARENT_NONPOOR), H))
    gap = np.where(head_female, _SPOUSE_AGE_GAP, -_SPOUSE_AGE_GAP)
    spouse_age = np.clip(head_age + gap + np.rint(rng.normal(0, _SPOUSE_AGE_SD, H)), 18, 90)
    spouse_age = np.maximum(spouse_age, 18).astype(np.int16)
    mother_age = np.where(has_spouse & ~head_female, spouse_age,
                          np.where(head_female, head_age, head_age - _SPOUSE_AGE_GAP))
    first_child_age = np.minimum(mother_age, head_age) - rng.integers(*_MOTHER_AGE_AT_FIRST, H)
    parent_age = np.minimum(head_age + rng.integers(*_PARENT_AGE_GAP, H), _PARENT_MAX_AGE)

    is_head = pos == 0
    is_spouse = has_spouse[hh] & (pos == 1)
    is_parent = has_parent[hh] & (pos == size[hh] - 1)
    rest = ~(is_head | is_spouse | is_parent)
    is_famili = rest & _bern(rng, _FAMILI, P)
    is_child = rest & ~is_famili
    relation = np.full(P, RELATIONS.index("anak"), dtype=np.int8)
    relation[is_head] = 0
    hf = head_female[hh]
    relation[is_spouse] = np.where(hf[is_spouse], RELATIONS.index("suami"), RELATIONS.index("istri"))
    relation[is_parent] = RELATIONS.index("orang tua")
    relation[is_famili] = RELATIONS.index("famili lain")

    female = np.empty(P, dtype=bool)
    female[is_head] = head_female
    female[is_spouse] = ~hf[is_spouse]
    female[is_parent] = _bern(rng, _PARENT_FEMALE, int(is_parent.sum()))
    other = is_child | is_famili
    female[other] = _bern(rng, 0.5, int(other.sum()))

    age = np.empty(P, dtype=np.int16)
    age[is_head] = head_age
    age[is_spouse] = spouse_age[hh[is_spouse]]
    age[is_parent] = parent_age[hh[is_parent]]
    age[is_famili] = rng.integers(0, _FAMILI_MAX_AGE + 1, int(is_famili.sum()))
    gaps = np.where(is_child, 1 + rng.poisson(_CHILD_SPACING, P), 0).astype(np.int32)
    crank = _group_rank(is_child, first)
    gaps[crank == 0] = 0  # the oldest child sets the start
    cum = np.cumsum(gaps, dtype=np.int32)
    cum = cum - (cum - gaps)[first]
    child_age = first_child_age[hh] - cum
    child_age = np.where(child_age < 0, rng.integers(0, 3, P), child_age)
    age[is_child] = child_age[is_child]
    age = age.astype(np.int8)

    # birth dates exactly consistent with the age at start_date
    sy, sm, sd = (int(x[0]) for x in date_parts(np.array([start])))
    anniv = ((sy - age.astype(np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[M]")
             + (sm - 1)).astype("datetime64[D]") + (sd - 1)
    birth = anniv - rng.integers(0, 365, P)
    by, bm, bd = date_parts(birth)
    age = (sy - by - ((bm > sm) | ((bm == sm) & (bd > sd)))).astype(np.int8)
    # NIK without serial: region code, DD(+40 for women)MMYY (same layout as identity.make_nik)
    nik_prefix = ((bd + 40 * female) * 10_000 + bm * 100 + by % 100) * 10**4
    return _Draft(hh=hh, first=first, is_head=is_head, relation=relation, female=female, age=age, birth=birth,
                  nik_prefix=nik_prefix, is_wife=relation == RELATIONS.index("istri"))


def _health(m: _Draft, rng: np.random.Generator, h: _Draft) -> None:
    """Disability, chronic illness, pregnancy (probabilities from age lookup tables)."""
    P, age = m.age.size, m.age
    pr = h.poor[m.hh].astype(np.int8)
    u = rng.random(P, dtype=np.float32)
    p_severe = _T_SEVERE[pr, age]
    m.disability = np.where(u < p_severe, 2, np.where(u < p_severe + _T_MILD[pr, age], 1, 0)).astype(np.int8)
    m.chronic = rng.random(P, dtype=np.float32) < _T_CHRONIC[age]
    m.pregnant = m.female & (rng.random(P, dtype=np.float32) < _T_PREGNANT[m.is_wife.astype(np.int8), age])


def _schooling(m: _Draft, rng: np.random.Generator, h: _Draft) -> None:
    """Enrolment (falls with poverty) and attainment of those no longer at school."""
    P, age = m.age.size, m.age
    m.dec = dec_p = h.decile[m.hh]
    m.poorish = dec_p <= 3
    m.in_school = in_school = ((m.relation != RELATIONS.index("kepala keluarga"))
                               & (rng.random(P, dtype=np.float32) < _T_ENROL[m.poorish.astype(np.int8), age]))
    # attainment of those not (or no longer) at school: 6 tidak tamat SD … 10 tamat perguruan tinggi
    score = (rng.normal(0, 1, P).astype(np.float32) + _T_DECILE_SCORE[dec_p] - _T_AGE_SCORE[age])
    attain = (np.searchsorted(_ATTAIN_CUTS, score) + 6).astype(np.int8)
    attain = np.minimum(attain, _T_ATTAIN_CAP[age])  # the young cannot have finished more than their age allows
    schooling = np.where(in_school, _T_LEVEL[age], attain).astype(np.int8)
    schooling[(age < 7) & ~in_school] = SCHOOLING.index("belum sekolah")
    schooling[(age >= 7) & (age <= 18) & ~in_school] = SCHOOLING.index("tidak/putus sekolah")
    m.schooling = schooling


def _occupation(m: _Draft, rng: np.random.Generator, h: _Draft) -> None:
    """Occupation by town/country and decile band; students, pensioners, housewives."""
    P, age = m.age.size, m.age
    row = h.urban[m.hh].astype(np.int8) * 3 + h.band[m.hh]
    work_kind = _rowwise_choice(rng.random(P, dtype=np.float32), _WORK_CUM, row)
    occ = (work_kind + _WORK_FIRST).astype(np.int8)
    role = np.where(m.is_head, np.where(m.poorish, 1, 2), np.where(m.is_wife, 3, 0)).astype(np.int8)
    works = ~m.in_school & (rng.random(P, dtype=np.float32) < _T_WORK[role, age])
    u2 = rng.random(P, dtype=np.float32)
    not_working = np.where(
        age < 15, OCCUPATIONS.index("belum bekerja"),
        np.where((age >= 58) & (u2 < _T_PENSION[m.dec]), OCCUPATIONS.index("pensiunan"),
                 np.where(m.female & (u2 < _HOUSEWIFE), OCCUPATIONS.index("mengurus rumah tangga"),
                          OCCUPATIONS.index("tidak bekerja")))).astype(np.int8)
    occ = np.where(works, occ, not_working)
    m.occ = np.where(m.in_school, np.int8(OCCUPATIONS.index("pelajar/mahasiswa")), occ).astype(np.int8)


def _counter(p_off: np.ndarray):
    def count(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask.astype(np.int8), p_off[:-1]).astype(np.int8)
    return count


def _aggregates(h: _Draft, m: _Draft, p_off: np.ndarray) -> None:
    """Household counts and flags the eligibility rules read."""
    count = _counter(p_off)
    age = m.age
    h.n_child = count(age <= 6)
    h.n_school = count(m.in_school & (age >= 6) & (age <= 21))
    h.n_oos = count((age >= 7) & (age <= 18) & ~m.in_school)
    h.n_work = count((age >= 18) & (age <= 59))
    h.has_preg = count(m.pregnant) > 0
    h.has_e60 = count(age >= 60) > 0
    h.has_e70 = count(age >= 70) > 0
    h.has_dis = count(m.disability > 0) > 0
    h.has_sev = count(m.disability == 2) > 0
    h.has_chr = count(m.chronic) > 0


def _documents(h: _Draft, m: _Draft, rng: np.random.Generator, pop_p, p_off: np.ndarray) -> None:
    """Step 4: KK, KTP and birth certificates a household lacks."""
    H, P = h.size.size, m.age.size
    count = _counter(p_off)
    hh, age = m.hh, m.age
    missing = _bern(rng, np.where(h.poor, pop_p.missing_documents_poor, pop_p.missing_documents_nonpoor), H)
    kind = rng.choice(3, size=H, p=list(_MISSING_KIND))
    minor = age < 18
    kind = np.where((kind == 2) & (count(minor) == 0), 1, kind)
    h.has_kk = has_kk = ~(missing & (kind == 0))
    adult = age >= 17
    has_ktp = np.ones(P, dtype=bool)
    has_bc = np.ones(P, dtype=bool)
    # each chosen household: one member surely lacks it, the other eligible members with _MISSING_OTHERS
    for flag_hh, elig, target in ((missing & (kind == 1), adult, has_ktp), (missing & (kind == 2), minor, has_bc)):
        n_elig = count(elig).astype(np.int64)
        pick = (rng.random(H) * np.maximum(n_elig, 1)).astype(np.int64)
        rank_e = _group_rank(elig, m.first)
        lacks = flag_hh[hh] & elig & ((rank_e == pick[hh]) | _bern(rng, _MISSING_OTHERS, P))
        target[lacks] = False
    has_ktp[~adult] = False  # under 17: no KTP yet (not a missing document)
    h.missing_docs = ~has_kk | (count(adult & ~has_ktp) > 0) | (count(minor & ~has_bc) > 0)
    m.has_ktp, m.has_bc = has_ktp, has_bc


def _identity(h: _Draft, m: _Draft, rng: np.random.Generator, v: _Draft, start: np.datetime64) -> None:
    """Step 5: NIK of every person, KK number of every household that has one."""
    code6 = v.code6[h.village]
    nik_prefix = m.nik_prefix + code6[m.hh] * 10**10
    # persons are in household order, which is random with respect to birth dates
    m.nik = nik_prefix + unique_serials(nik_prefix, shuffle=False)
    issue = start - rng.integers(*_KK_ISSUED_DAYS, h.size.size)
    kk_prefix = make_kk(code6, issue, 0)
    h.kk = np.where(h.has_kk, kk_prefix + unique_serials(kk_prefix, rng), 0).astype(np.int64)


def _housing(h: _Draft, rng: np.random.Generator) -> None:
    """Step 6: floor, wall and roof with a shared latent factor; land ownership."""
    H = h.size.size
    common = rng.normal(0, 1, H)
    di = h.decile.astype(np.int64) - 1
    mats = []
    for worst, middle in (_FLOOR_P, _WALL_P, _ROOF_P):
        pw = np.asarray(worst)[di] * np.where(h.urban, _URBAN_WORST_MATERIAL, 1.0)
        pm = np.asarray(middle)[di]
        z = math.sqrt(_HOUSE_RHO) * common + math.sqrt(1 - _HOUSE_RHO) * rng.normal(0, 1, H)
        mats.append(np.where(z < _ndtri(pw), 0, np.where(z < _ndtri(pw + pm), 1, 2)).astype(np.int8))
    h.floor, h.wall, h.roof = mats
    fails = (h.floor == 0).astype(np.int8) + (h.wall <= 1) + (h.roof == 0)
    h.house_unfit = fails >= 2
    p_land = _LAND_BASE + _LAND_PER_DECILE * di - np.where(h.urban, _LAND_URBAN, 0.0)
    h.owns_land = _bern(rng, np.clip(p_land, 0, 1), H)


def _dtks_record(h: _Draft, m: _Draft, rng: np.random.Generator, db, start_year: int, p_off: np.ndarray) -> None:
    """Step 7: who the DTKS lists at the start, with which decile, year and NIK."""
    H, decile = h.size.size, h.decile
    target = decile <= db.max_decile
    listed = np.zeros(H, dtype=bool)
    listed[target] = _bern(rng, db.coverage_poor, int(target.sum()))
    # inclusion errors, more often just above the cut-off; overall share = leakage_nonpoor
    rest_idx = np.flatnonzero(~target)
    u_listed = rng.random(H)
    if rest_idx.size and db.leakage_nonpoor > 0:
        w = np.exp(-_LEAK_DECAY * (decile[rest_idx].astype(np.float64) - db.max_decile - 1))
        p_leak = np.minimum(w * (db.leakage_nonpoor * rest_idx.size / w.sum()), 1.0)
        listed[rest_idx] = u_listed[rest_idx] < p_leak
    included = listed & ~target
    h.via_sktm = included & _bern(rng, db.sktm_share, H)
    noisy = np.clip(np.rint(decile + rng.normal(0, db.decile_noise_sd, H)), 1, 10)
    shown_poor = np.clip(np.rint(rng.integers(1, db.max_decile + 1, H) + rng.normal(0, db.decile_noise_sd, H)),
                         1, db.max_decile)
    h.dtks_decile = np.where(listed, np.where(included, shown_poor, noisy), 0).astype(np.int8)
    age_years = rng.poisson(db.stale_years_mean, H)
    h.dtks_year = np.where(listed, start_year - age_years, 0).astype(np.int16)
    h.nik_invalid = nik_invalid = listed & _bern(rng, db.invalid_nik_share, H)
    head_nik = m.nik[p_off[:-1]]
    dtks_nik = np.where(listed, head_nik, 0).astype(np.int64)
    bad = np.flatnonzero(nik_invalid)
    dtks_nik[bad] = mistype_ids(head_nik[bad], rng)
    h.dtks_nik = dtks_nik
    h.listed = listed


def _receipt(h: _Draft, rng: np.random.Generator, progs) -> None:
    """Step 8: programme receipt at the start, mostly among listed households within the cut-off."""
    H = h.size.size
    listed = h.listed
    pkh_component = h.has_preg | (h.n_child > 0) | (h.n_school > 0) | h.has_e70 | h.has_sev

    def receives(code: str, extra: np.ndarray | None = None) -> np.ndarray:
        within = listed & (h.dtks_decile <= progs[code].max_decile)
        if extra is not None:
            within &= extra
        p = np.where(within, _RECEIPT[code], np.where(listed, _RECEIPT_LEAK_LISTED, _RECEIPT_LEAK_UNLISTED))
        return _bern(rng, p, H)

    h.receives_pkh = receives("PKH", pkh_component)
    h.receives_bpnt = receives("BPNT")
    h.receives_pbi = receives("PBI_JK")
    h.vulnerable = h.has_preg | h.has_e60 | h.has_dis
    h.atensi_target = h.has_dis | h.has_e70 | _bern(rng, _ATENSI_OTHER, H)


def _address(h: _Draft, rng: np.random.Generator, v: _Draft, hh_off: np.ndarray) -> None:
    """A synthetic street, RT/RW and house number within each village."""
    village = h.village
    H, V = village.size, v.hh.size
    addr_rank = np.empty(H, dtype=np.int64)
    ak = village.astype(np.float64) + rng.random(H)
    ao = np.argsort(ak, kind="stable")
    addr_rank[ao] = np.arange(H) - hh_off[village[ao]]
    per_rt = rng.integers(*_HOMES_PER_RT, V)[village]
    rt_global = addr_rank // per_rt
    rt_per_rw = rng.integers(*_RT_PER_RW, V)[village]
    h.rw = rw = (rt_global // rt_per_rw + 1).astype(np.int16)
    h.rt = (rt_global % rt_per_rw + 1).astype(np.int16)
    n_main = len(_STREETS)
    # each RW has a main street; some homes are on a gang (alley)
    rw_street = (village.astype(np.int64) * 7919 + rw.astype(np.int64) * 104729
                 + rng.integers(0, n_main, V)[village]) % n_main
    on_gang = _bern(rng, _ON_GANG, H)
    gang = rng.integers(0, n_main, H)
    h.street = np.where(on_gang, n_main + gang, rw_street).astype(np.int16)
    h.house_no = rng.integers(*_HOUSE_NUMBERS, H).astype(np.int16)


def _rowwise_choice(u: np.ndarray, cum: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Index k with ``cum[row, k-1] <= u < cum[row, k]``, without an (n x K) temporary."""
    out = np.zeros(u.size, dtype=np.int8)
    for k in range(cum.shape[1] - 1):
        out += u > cum[:, k][row]
    return out
