"""The synthetic population: reproducibility, calibration, internal consistency."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from faker.providers.person.id_ID import Provider as IdNames

from slrt_sim.domain.identity import check_nik
from slrt_sim.domain.population import (
    FLOORS, OCCUPATIONS, POVERTY_LINE, Population, generate_population, label, national_decile_bounds,
)
from slrt_sim.domain.scenario import scenario_from_dict

BIG = 20_000  # households in the large village


def make_scenario(**overrides) -> "object":
    data = {
        "name": "test",
        "seed": 11,
        "region": {
            "kabupaten": "Kota Pekalongan", "kind": "kota", "province": "Jawa Tengah", "bps_code": "3375",
            "kecamatan": [
                {"name": "Pekalongan Barat", "code": "337501", "villages": [
                    {"name": "Medono", "households": BIG, "poverty_rate": 0.20, "urban": True, "puskesos": True},
                    {"name": "Tirto", "households": 3000, "poverty_rate": 0.05, "urban": True},
                ]},
                {"name": "Pekalongan Utara", "code": "337504", "villages": [
                    {"name": "Padukuhan Kraton", "households": 5000, "poverty_rate": 0.35, "urban": False},
                    {"name": "Krapyak", "households": 1, "poverty_rate": 0.0},
                ]},
            ],
        },
    }
    for key, value in overrides.items():
        data.setdefault(key, {}).update(value)
    return scenario_from_dict(data)


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Fast exact comparison (values, dtypes, index) of two tables."""
    assert list(a.columns) == list(b.columns)
    assert a.dtypes.equals(b.dtypes)
    assert a.index.equals(b.index)
    for col in a.columns:
        assert a[col].equals(b[col]), col


@pytest.fixture(scope="module")
def scenario():
    return make_scenario()


@pytest.fixture(scope="module")
def pop(scenario) -> Population:
    return generate_population(scenario)


@pytest.fixture(scope="module")
def hh(pop) -> pd.DataFrame:
    return pop.households


@pytest.fixture(scope="module")
def pe(pop) -> pd.DataFrame:
    return pop.persons


# --------------------------------------------------------------------------- shape and types
HH_DTYPES = {
    "village_idx": "int16", "kecamatan_idx": "int16", "kk": "int64", "head_person": "int64", "size": "int8",
    "consumption_pc": "float32", "true_decile": "int8", "poor": "bool",
    "n_child_0_6": "int8", "n_school_6_21": "int8", "n_out_of_school_7_18": "int8", "n_working_age": "int8",
    "has_pregnant": "bool", "has_elderly_60": "bool", "has_elderly_70": "bool", "has_disability": "bool",
    "has_severe_disability": "bool", "has_chronic": "bool", "floor": "category", "wall": "category",
    "roof": "category", "house_unfit": "bool", "owns_land": "bool", "has_kk": "bool", "missing_docs": "bool",
    "occupation": "category", "in_dtks": "bool", "dtks_decile": "int8", "dtks_year": "int16",
    "via_sktm": "bool", "nik_invalid": "bool", "receives_pkh": "bool", "receives_bpnt": "bool",
    "receives_pbi": "bool", "vulnerable": "bool", "atensi_target": "bool",
}
PERSON_DTYPES = {
    "hh": "int32", "nik": "int64", "first_name": "category", "last_name": "category", "sex": "category",
    "age": "int8", "relation": "category", "in_school": "bool", "schooling": "category",
    "disability": "category", "chronic_illness": "bool", "pregnant": "bool", "has_ktp": "bool",
    "has_birth_cert": "bool", "occupation": "category",
}


def test_columns_and_dtypes(pop, hh, pe):
    for col, dtype in HH_DTYPES.items():
        assert str(hh[col].dtype) == dtype, col
    for col, dtype in PERSON_DTYPES.items():
        assert str(pe[col].dtype) == dtype, col
    assert pe["birth_date"].dtype.kind == "M"
    assert list(hh.index) == list(range(len(hh)))
    assert len(hh) == BIG + 3000 + 5000 + 1
    assert pop.n_persons == len(pe) == hh["size"].sum()


def test_villages_table(pop, scenario):
    v = pop.villages
    assert list(v["name"]) == [vil.name for _, vil in scenario.region.villages()]
    assert list(v["kecamatan_code"]) == ["337501", "337501", "337504", "337504"]
    assert list(v["households"]) == [BIG, 3000, 5000, 1]
    assert v["puskesos"].tolist() == [True, False, False, False]
    assert v["urban"].tolist() == [True, True, False, True]
    for i in range(len(v)):
        idx = pop.village_households(i)
        assert np.array_equal(idx, np.flatnonzero(pop.households["village_idx"].to_numpy() == i))
        assert (pop.households["kecamatan_idx"].to_numpy()[idx] == v["kecamatan_idx"].iat[i]).all()


# --------------------------------------------------------------------------- reproducibility
def test_same_seed_same_population(scenario, pop):
    again = generate_population(scenario)
    assert_same(pop.households, again.households)
    assert_same(pop.persons, again.persons)


def test_explicit_seed_and_seed_sequence(scenario, pop):
    other = generate_population(scenario, seed=12)
    assert not pop.households["consumption_pc"].equals(other.households["consumption_pc"])
    assert not pop.persons["nik"].equals(other.persons["nik"])
    assert generate_population(scenario, seed=11).households.equals(pop.households)
    ss = np.random.SeedSequence(99)
    a = generate_population(scenario, seed=ss, persons=False)
    b = generate_population(scenario, seed=ss, persons=False)  # reusing the object gives the same result
    assert_same(a.households, b.households)
    assert not a.households["consumption_pc"].equals(pop.households["consumption_pc"])


def test_persons_false_gives_the_same_households(scenario, pop):
    light = generate_population(scenario, persons=False)
    assert light.persons is None
    assert_same(light.households, pop.households)
    with pytest.raises(ValueError):
        light.members(0)


def test_database_parameters_do_not_shift_other_parts(scenario, pop):
    changed = generate_population(make_scenario(database={"coverage_poor": 0.9, "leakage_nonpoor": 0.3}))
    assert_same(changed.persons, pop.persons)
    for col in ("consumption_pc", "size", "floor", "kk", "missing_docs"):
        assert changed.households[col].equals(pop.households[col]), col
    assert not changed.households["in_dtks"].equals(pop.households["in_dtks"])


# --------------------------------------------------------------------------- calibration
def test_poverty_share_per_village(pop, hh):
    for v, rate in enumerate([0.20, 0.05, 0.35]):
        share = hh["poor"].to_numpy()[pop.village_households(v)].mean()
        assert abs(share - rate) < 0.002, (v, share)
    assert not hh["poor"].iat[pop.village_households(3)[0]]  # poverty_rate 0


def test_deciles_are_national_quantiles(hh):
    bounds = national_decile_bounds()
    assert bounds.shape == (9,) and np.all(np.diff(bounds) > 0)
    assert POVERTY_LINE < bounds[0]  # 9.36% poor: all in decile 1
    c = hh["consumption_pc"].to_numpy().astype(np.float64)
    d = hh["true_decile"].to_numpy()
    expected = np.searchsorted(bounds, c, side="right") + 1
    # float32 rounding can move a household sitting on a bound by one decile
    assert (np.abs(expected - d) <= 1).all() and (expected == d).mean() > 0.999
    assert (hh["poor"] == (c < POVERTY_LINE * (1 + 1e-6))).mean() > 0.999
    assert (d[hh["poor"].to_numpy()] == 1).all()
    # a poorer village has a poorer decile mix
    assert d[hh["village_idx"] == 2].mean() < d[hh["village_idx"] == 1].mean() - 1


def test_household_size_means(scenario, hh):
    poor = hh["poor"].to_numpy()
    size = hh["size"].to_numpy()
    assert abs(size[poor].mean() - scenario.population.household_size_poor) < 0.06
    assert abs(size[~poor].mean() - scenario.population.household_size_nonpoor) < 0.04
    assert size.min() >= 1 and size.max() <= 12


def test_household_size_parameters_are_used():
    s = make_scenario(population={"household_size_poor": 6.0, "household_size_nonpoor": 2.0})
    h = generate_population(s, persons=False).households
    assert abs(h.loc[h.poor, "size"].mean() - 6.0) < 0.1
    assert abs(h.loc[~h.poor, "size"].mean() - 2.0) < 0.05


def test_start_of_run_exclusion_and_inclusion_errors(scenario, hh):
    db = scenario.database
    target = hh["true_decile"] <= db.max_decile
    listed = hh["in_dtks"]
    exclusion = 1 - listed[target].mean()
    inclusion = listed[~target].mean()
    assert abs(exclusion - (1 - db.coverage_poor)) < 0.02
    assert abs(inclusion - db.leakage_nonpoor) < 0.015
    included = listed & ~target
    assert abs(hh.loc[included, "via_sktm"].mean() - db.sktm_share) < 0.05
    assert not (hh["via_sktm"] & ~included).any()
    # inclusion errors are more common just above the cut-off than among the richest
    dec = hh["true_decile"]
    assert listed[dec == db.max_decile + 1].mean() > listed[dec == 10].mean()


def test_database_parameters_are_used():
    s = make_scenario(database={"coverage_poor": 0.9, "leakage_nonpoor": 0.02, "max_decile": 3})
    h = generate_population(s, persons=False).households
    target = h["true_decile"] <= 3
    assert abs(h.loc[target, "in_dtks"].mean() - 0.9) < 0.02
    assert abs(h.loc[~target, "in_dtks"].mean() - 0.02) < 0.008


def test_dtks_record_fields(scenario, pop, hh):
    db = scenario.database
    listed = hh["in_dtks"].to_numpy()
    dd = hh["dtks_decile"].to_numpy()
    assert ((dd >= 1) & (dd <= 10))[listed].all() and (dd[~listed] == 0).all()
    # recorded decile is noisy around the true one for correctly listed households
    ok = listed & (hh["true_decile"].to_numpy() <= db.max_decile)
    err = dd[ok].astype(float) - hh["true_decile"].to_numpy()[ok]
    assert 0.6 < err.std() < 1.6 and abs(err.mean()) < 0.6
    # wrongly included households look poor in the record
    inc = listed & ~(hh["true_decile"].to_numpy() <= db.max_decile)
    assert (dd[inc] <= db.max_decile).all()
    year = hh["dtks_year"].to_numpy()
    assert (year[~listed] == 0).all()
    age = scenario.calendar.start_date.year - year[listed]
    assert abs(age.mean() - db.stale_years_mean) < 0.1 and age.min() >= 0
    inv = hh["nik_invalid"].to_numpy()
    assert not inv[~listed].any()
    assert abs(inv[listed].mean() - db.invalid_nik_share) < 0.012
    head_nik = pop.persons["nik"].to_numpy()[hh["head_person"].to_numpy()]
    rec = hh["dtks_nik"].to_numpy()
    assert (rec[listed & ~inv] == head_nik[listed & ~inv]).all()
    assert (rec[inv] != head_nik[inv]).all()
    assert (rec[~listed] == 0).all()


def test_programme_receipt_mostly_listed(hh):
    for col in ("receives_pkh", "receives_bpnt", "receives_pbi"):
        r = hh[col]
        assert r.sum() > 100
        assert hh.loc[r, "in_dtks"].mean() > 0.9, col
        assert hh.loc[r, "dtks_decile"].mean() < hh.loc[hh.in_dtks, "dtks_decile"].mean()
    pkh = hh["receives_pkh"] & hh["in_dtks"] & (hh["dtks_decile"] <= 3)
    component = (hh.has_pregnant | (hh.n_child_0_6 > 0) | (hh.n_school_6_21 > 0)
                 | hh.has_elderly_70 | hh.has_severe_disability)
    # almost all PKH recipients have a component (the rest: a component that lapsed, or leakage)
    assert component[pkh].mean() > 0.97
    assert hh.loc[hh.in_dtks & (hh.dtks_decile <= 3) & component, "receives_pkh"].mean() > 0.5


# --------------------------------------------------------------------------- persons vs households
def _count(pe: pd.DataFrame, n: int, mask: pd.Series) -> np.ndarray:
    return np.bincount(pe["hh"].to_numpy()[mask.to_numpy()], minlength=n)


def test_household_aggregates_match_members(hh, pe):
    n = len(hh)
    age = pe["age"]
    assert np.array_equal(np.bincount(pe["hh"], minlength=n), hh["size"])
    assert np.array_equal(_count(pe, n, age <= 6), hh["n_child_0_6"])
    assert np.array_equal(_count(pe, n, pe.in_school & (age >= 6) & (age <= 21)), hh["n_school_6_21"])
    assert np.array_equal(_count(pe, n, ~pe.in_school & (age >= 7) & (age <= 18)), hh["n_out_of_school_7_18"])
    assert np.array_equal(_count(pe, n, (age >= 18) & (age <= 59)), hh["n_working_age"])
    assert np.array_equal(_count(pe, n, pe.pregnant) > 0, hh["has_pregnant"])
    assert np.array_equal(_count(pe, n, age >= 60) > 0, hh["has_elderly_60"])
    assert np.array_equal(_count(pe, n, age >= 70) > 0, hh["has_elderly_70"])
    assert np.array_equal(_count(pe, n, pe.disability != "none") > 0, hh["has_disability"])
    assert np.array_equal(_count(pe, n, pe.disability == "severe") > 0, hh["has_severe_disability"])
    assert np.array_equal(_count(pe, n, pe.chronic_illness) > 0, hh["has_chronic"])
    heads = hh["head_person"].to_numpy()
    assert (pe["relation"].to_numpy()[heads] == "kepala keluarga").all()
    assert np.array_equal(pe["hh"].to_numpy()[heads], np.arange(n))
    assert (pe["relation"] == "kepala keluarga").sum() == n
    assert np.array_equal(hh["occupation"].astype(str).to_numpy(), pe["occupation"].astype(str).to_numpy()[heads])
    assert hh["has_pregnant"].sum() > 50 and hh["n_out_of_school_7_18"].sum() > 50


def test_pregnancy_only_women_15_49(pe):
    p = pe[pe.pregnant]
    assert len(p) > 100
    assert (p.sex == "P").all() and p.age.between(15, 49).all()


def test_composition_is_realistic(pe, hh):
    heads = pe.iloc[hh["head_person"].to_numpy()]
    assert heads.age.between(20, 80).all()
    assert 0.7 < (heads.sex == "L").mean() < 0.92
    big = hh["size"].to_numpy()[pe["hh"].to_numpy()] >= 2
    spouse = pe.relation.isin(["istri", "suami"])
    assert 0.6 < _count(pe, len(hh), spouse).astype(bool)[hh["size"] >= 2].mean() < 0.95
    assert (_count(pe, len(hh), spouse) <= 1).all()
    wives = pe[pe.relation == "istri"]
    assert (wives.sex == "P").all() and (wives.age >= 18).all()
    assert (pe.loc[pe.relation == "suami", "sex"] == "L").all()
    # children are younger than their head
    head_age = pe["age"].to_numpy()[hh["head_person"].to_numpy()][pe["hh"].to_numpy()]
    kids = (pe.relation == "anak").to_numpy()
    assert (pe["age"].to_numpy()[kids] <= head_age[kids] - 15).all()
    assert (pe.relation == "orang tua").sum() > 100
    assert big.any()


def test_schooling_consistent(pe, hh):
    assert not pe.loc[pe.in_school, "schooling"].isin(["belum sekolah", "tidak/putus sekolah"]).any()
    sd = pe[pe.age.between(7, 12)]
    assert sd.in_school.mean() > 0.9 and (sd.loc[sd.in_school, "schooling"] == "SD").all()
    oos = pe[pe.age.between(7, 18) & ~pe.in_school]
    assert (oos.schooling == "tidak/putus sekolah").all()
    assert (pe.loc[pe.in_school, "occupation"] == "pelajar/mahasiswa").all()
    # poorer households have more children out of school
    poor = hh["true_decile"].to_numpy()[pe["hh"].to_numpy()] <= 3
    teen = pe.age.between(16, 18).to_numpy()
    assert (~pe.in_school.to_numpy())[teen & poor].mean() > (~pe.in_school.to_numpy())[teen & ~poor].mean()


def test_birth_dates_match_age_and_nik(scenario, pe, pop):
    start = pd.Timestamp(scenario.calendar.start_date)
    b = pe["birth_date"]
    had_birthday = (b.dt.month < start.month) | ((b.dt.month == start.month) & (b.dt.day <= start.day))
    age = start.year - b.dt.year - (~had_birthday).astype(int)
    assert (age == pe["age"]).all()
    codes = pop.villages["kecamatan_code"].to_numpy()[pop.households["village_idx"].to_numpy()]
    sample = pe.sample(2000, random_state=0)
    for i, row in sample.iterrows():
        nik = pop.nik(i)
        assert len(nik) == 16
        assert check_nik(nik, kecamatan_code=codes[row.hh], birth_date=row.birth_date.date(),
                         female=row.sex == "P") == []
    assert pe["nik"].is_unique


def test_kk_and_documents(scenario, pop, hh, pe):
    has = hh["has_kk"].to_numpy()
    kk = hh["kk"].to_numpy()
    assert (kk[~has] == 0).all()
    codes = pop.villages["kecamatan_code"].to_numpy()[hh["village_idx"].to_numpy()]
    kk_str = [pop.kk(i) for i in range(0, len(hh), 97)]
    for i, s in zip(range(0, len(hh), 97), kk_str):
        if has[i]:
            assert len(s) == 16 and s.startswith(codes[i])
            issued = dt.date(2000 + int(s[10:12]), int(s[8:10]), int(s[6:8]))
            assert issued < scenario.calendar.start_date
        else:
            assert s == ""
    assert pd.Series(kk[has]).is_unique
    # missing_docs is exactly: no KK, an adult without KTP, or a child without birth certificate
    n = len(hh)
    adult_no_ktp = _count(pe, n, (pe.age >= 17) & ~pe.has_ktp) > 0
    child_no_bc = _count(pe, n, (pe.age < 18) & ~pe.has_birth_cert) > 0
    assert np.array_equal(hh["missing_docs"].to_numpy(), ~has | adult_no_ktp | child_no_bc)
    assert (~has).any() and adult_no_ktp.any() and child_no_bc.any()
    assert not pe.loc[pe.age < 17, "has_ktp"].any()
    p = scenario.population
    assert abs(hh.loc[hh.poor, "missing_docs"].mean() - p.missing_documents_poor) < 0.02
    assert abs(hh.loc[~hh.poor, "missing_docs"].mean() - p.missing_documents_nonpoor) < 0.01


def test_housing(hh):
    fails = (hh.floor == "tanah").astype(int) + hh.wall.isin(["bambu", "kayu"]).astype(int) + (hh.roof == "rumbia")
    assert np.array_equal(hh["house_unfit"].to_numpy(), (fails >= 2).to_numpy())
    assert list(hh["floor"].cat.categories) == list(FLOORS)
    d1, d10 = hh[hh.true_decile == 1], hh[hh.true_decile >= 8]
    assert (d1.floor == "tanah").mean() > 3 * (d10.floor == "tanah").mean()
    assert d1.house_unfit.mean() > d10.house_unfit.mean()
    assert 0.01 < hh.house_unfit.mean() < 0.2
    assert 0.5 < hh.owns_land.mean() < 0.95


def test_vulnerable_and_atensi(hh):
    assert np.array_equal(hh.vulnerable, hh.has_pregnant | hh.has_elderly_60 | hh.has_disability)
    base = hh.has_disability | hh.has_elderly_70
    assert (hh.atensi_target[base]).all()
    extra = hh.atensi_target & ~base
    assert 0.002 < extra.sum() / (~base).sum() < 0.02


def test_occupation_by_decile(hh):
    assert set(hh["occupation"].cat.categories) == set(OCCUPATIONS)
    labourers = hh.occupation.isin(["buruh harian", "buruh tani"])
    assert labourers[hh.true_decile <= 3].mean() > 2 * labourers[hh.true_decile >= 8].mean()
    formal = hh.occupation.isin(["PNS/TNI/Polri", "karyawan swasta"])
    assert formal[hh.true_decile >= 8].mean() > formal[hh.true_decile <= 3].mean()


# --------------------------------------------------------------------------- names and addresses
def test_names_from_id_pools(pe):
    men, women = pe[pe.sex == "L"], pe[pe.sex == "P"]
    assert set(men.first_name.astype(str)) <= set(IdNames.first_names_male)
    assert set(women.first_name.astype(str)) <= set(IdNames.first_names_female)
    assert set(men.last_name.astype(str)) <= set(IdNames.last_names_male) | {""}
    assert set(women.last_name.astype(str)) <= set(IdNames.last_names_female) | {""}
    single = (pe.last_name == "").mean()
    assert 0.25 < single < 0.45
    assert pe.first_name.nunique() > 400


def test_addresses_use_scenario_names(pop, hh):
    for i in pop.village_households(2)[:20]:
        a = pop.address(i)
        assert "Desa Padukuhan Kraton" in a and "Kec. Pekalongan Utara" in a and a.endswith("Kota Pekalongan")
        assert "RT " in a and "/RW " in a and " No. " in a
    a = pop.address(0)
    assert "Kel. Medono" in a and "Kec. Pekalongan Barat" in a
    assert a.count("Kota") == 1  # the scenario already says "Kota Pekalongan"
    # RT numbers are small, RW numbers grow with the village
    assert hh["rt"].between(1, 10).all()
    assert hh.loc[hh.village_idx == 0, "rw"].max() > hh.loc[hh.village_idx == 1, "rw"].max()


def test_kabupaten_prefix_added():
    s = make_scenario()
    s.region.kabupaten = "Kubu Raya"
    s.region.kind = "kabupaten"
    p = generate_population(s, persons=False)
    assert p.address(0).endswith(", Kab. Kubu Raya")


# --------------------------------------------------------------------------- helpers
def test_household_profile_and_members(pop, hh):
    i = int(np.flatnonzero(hh["size"].to_numpy() >= 4)[0])
    prof = pop.household(i)
    assert prof["hh"] == i and set(HH_DTYPES) <= set(prof)
    for key, value in prof.items():
        assert type(value) in (int, float, bool, str), (key, type(value))
    assert prof["size"] == hh["size"].iat[i] and prof["floor"] in FLOORS
    m = pop.members(i)
    assert len(m) == prof["size"] and (m["hh"] == i).all()
    assert m["relation"].iat[0] == "kepala keluarga"
    assert m.index[0] == prof["head_person"]


def test_labels_exist_for_every_category(pe, hh):
    for col in ("sex", "relation", "schooling", "disability", "occupation"):
        for value in pe[col].cat.categories:
            assert label(col, value, "id") and label(col, value, "en")
    for col in ("floor", "wall", "roof"):
        for value in hh[col].cat.categories:
            assert label(col, value, "en")
    for col in list(HH_DTYPES) + list(PERSON_DTYPES):
        if col not in ("village_idx", "kecamatan_idx", "head_person", "hh"):
            assert label("col", col, "en")
