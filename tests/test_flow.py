"""The SimPy model: conservation, determinism, extreme values, and queueing theory."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

import erlang_c_reference as ref
from slrt_sim.model.cases import STATES
from slrt_sim.model.flow import Model
from slrt_sim.model.resources import FifoPool
from slrt_sim.model.streams import replication_seed
from slrt_sim.experiments.results import collect
from slrt_sim.experiments.runner import get_population, run_once, run_replications


def run_model(s, replication=0):
    record = Model(s, get_population(s), replication_seed(s.seed, replication)).run()
    return record, collect(record, replication)


# ----------------------------------------------------------------------------- conservation
@pytest.mark.parametrize("overrides", [
    [],
    ["mode=fragmented"],
    ["data_entry.mode=paper", "dtks.determination_cycle_months=1"],
    ["outreach.enabled=false"],
    ["outreach.strategy=sweep", "walkin.fast_track=false"],
    ["followup.enabled=false", "calendar.kind=continuous"],
])
def test_every_case_ends_in_exactly_one_state(small, overrides):
    s = small.with_overrides(overrides)
    record, result = run_model(s)
    cases = result.cases
    assert len(cases) > 100
    assert set(cases["state"].astype(str)) <= set(STATES)
    counts = cases["state"].value_counts()
    # the running counters agree with the final table, state by state
    for state in STATES:
        assert record.state_counts[state] == counts.get(state, 0), state
    assert sum(record.state_counts.values()) == len(cases)
    # timestamps agree with states
    assert cases.loc[cases["state"] == "unidentified", "t_identified"].isna().all()
    assert cases.loc[cases["state"] != "unidentified", "t_identified"].notna().all()
    served = cases["state"] == "served"
    assert cases.loc[served, "t_served"].notna().all()
    assert cases.loc[~served, "t_served"].isna().all()
    assert (cases.loc[served, "t_served"] >= cases.loc[served, "t_need"]).all()
    closed = cases["state"].isin(["served", "ineligible", "lost"])
    assert cases.loc[closed, "t_closed"].notna().all()
    # the steps happen in order
    t = cases
    for a, b in [("t_need", "t_identified"), ("t_identified", "t_registered"), ("t_registered", "t_checked"),
                 ("t_checked", "t_referred"), ("t_referred", "t_enrolled")]:
        both = t[a].notna() & t[b].notna()
        assert (t.loc[both, b] >= t.loc[both, a] - 1e-9).all(), (a, b)
    # the daily timeline also conserves cases
    tl = result.timeline
    assert (tl[list(STATES)].sum(axis=1).diff().dropna() >= 0).all()


def test_walkin_only_means_no_outreach_cases(small):
    _, result = run_model(small.with_overrides(["outreach.enabled=false"]))
    assert set(result.cases["route"].dropna()) == {"walkin"}
    assert result.kpis["outreach_visits"] == 0


def test_outreach_finds_needs_walkins_miss(small):
    walk = run_model(small.with_overrides(["outreach.enabled=false"]))[1].kpis
    both = run_model(small)[1].kpis
    assert both["identified"] > walk["identified"] + 0.1
    assert both["needs_met"] > walk["needs_met"]


def test_integrated_beats_fragmented_and_cleans_the_database(small):
    frag = run_model(small.with_overrides(["mode=fragmented"]))[1].kpis
    integ = run_model(small)[1].kpis
    assert integ["needs_met"] > frag["needs_met"]
    # only the integrated flow updates the DTKS
    assert frag["exclusion_error_end"] == pytest.approx(frag["exclusion_error_start"])
    assert integ["exclusion_error_end"] < integ["exclusion_error_start"]


# ----------------------------------------------------------------------------- determinism
def test_same_seed_same_result(small):
    a = run_once(small, 0).cases
    b = run_once(small, 0).cases
    pd.testing.assert_frame_equal(a, b)


def test_different_replications_differ(small):
    a = run_once(small, 0).kpis
    b = run_once(small, 1).kpis
    assert a != b


def test_parallel_equals_serial(small):
    serial = run_replications(small, 4, workers=1)
    parallel = run_replications(small, 4, workers=2)
    pd.testing.assert_frame_equal(serial.kpis, parallel.kpis)
    pd.testing.assert_frame_equal(serial.cases(), parallel.cases())


def test_common_random_numbers_across_scenarios(small):
    """Changing staffing does not change which needs arise."""
    a = run_once(small, 0).cases
    b = run_once(small.with_overrides(["staffing.district_bo=5"]), 0).cases
    pd.testing.assert_series_equal(a["t_need"], b["t_need"])
    pd.testing.assert_series_equal(a["need"], b["need"])


# ----------------------------------------------------------------------------- extreme values
def test_no_staff_serves_nothing(small):
    s = small.with_overrides([
        "staffing.district_fo=0", "staffing.district_bo=0", "staffing.managers=0", "staffing.puskesos_fo=0",
        "staffing.puskesos_bo=0", "staffing.fasilitators_per_village=0",
    ])
    model, result = run_model(s)
    assert result.kpis["served"] == 0
    assert result.kpis["outreach_visits"] == 0
    states = set(result.cases["state"].astype(str))
    assert states <= {"unidentified", "in_process", "lost"}


def test_unlimited_staff_has_no_queue_waits(small):
    s = small.with_overrides([
        "staffing.district_fo=10000", "staffing.district_bo=10000", "staffing.managers=10000",
        "staffing.puskesos_fo=10000", "staffing.puskesos_bo=10000",
    ])
    _, result = run_model(s)
    st = result.stages.set_index("stage")
    for stage in ("fo_district", "fo_puskesos", "bo_district", "bo_puskesos", "manager"):
        if st.at[stage, "served"] > 0:
            assert st.at[stage, "wait_mean_days"] == 0.0, stage
    assert st.loc[["fo_district", "bo_district"], "served"].sum() > 0


def test_no_needs_no_cases(small):
    s = small.with_overrides(["needs.incidence_poor=0", "needs.incidence_nonpoor=0"])
    _, result = run_model(s)
    assert len(result.cases) == 0
    assert result.kpis["cases"] == 0


def test_zero_quota_means_nobody_enrolled_in_that_programme(small):
    s = small.with_overrides([f"programs.{p}.quota_per_cycle=0" for p in ("BPNT", "LOCAL")])
    _, result = run_model(s)
    c = result.cases
    assert not ((c["program"].isin(["BPNT", "LOCAL"])) & c["t_enrolled"].notna()).any()
    assert ((c["program"].isin(["BPNT", "LOCAL"])) & (c["state"] == "waiting_quota")).any()


def test_fixed_service_gives_exact_times(small):
    """One walk-in at a time, fixed service: registration takes exactly the fixed minutes."""
    s = small.with_overrides([
        "calendar.kind=continuous", "walkin.rate_per_day=0.5", "fo_closes_all=true",
        "service.fo_registration={dist: fixed, value: 30}", "staffing.district_fo=50", "outreach.enabled=false",
        "walkin.fast_track=false",
    ])
    _, result = run_model(s)
    c = result.cases.dropna(subset=["t_registered"])
    assert len(c) > 50
    np.testing.assert_allclose((c["t_registered"] - c["t_identified"]).to_numpy(), 30 / 1440, rtol=1e-9)


# ----------------------------------------------------------------------------- queueing theory
def test_mmc_matches_erlang_c(mmc):
    """P(wait), mean wait and utilisation of the M/M/c case lie in the replications' 95% CI."""
    lam = mmc.walkin.rate_per_day
    mu = 1440.0 / mmc.service.fo_registration.mean
    c = mmc.staffing.district_fo
    p_wait, wq_days = ref.erlang_c(lam, mu, c)
    s = mmc.with_overrides(["horizon_days=120", "warmup_days=10"])
    reps = run_replications(s, 30, workers=2, keep_cases=False)
    st = pd.concat([r.stages.set_index("stage").loc[["fo_district"]] for r in reps.runs])
    from slrt_sim.experiments.results import t_interval

    for column, expected in [("wait_prob", p_wait), ("wait_mean_days", wq_days), ("utilisation", lam / (c * mu))]:
        mean, _, half, _ = t_interval(st[column].to_numpy())
        assert abs(mean - expected) <= half, (column, mean, half, expected)


def test_littles_law_on_mmc(mmc):
    """L (time-average number in the system, sampled) = λ W (from the cases)."""
    s = mmc.with_overrides(["horizon_days=150", "warmup_days=10"])
    model = Model(s, get_population(s), replication_seed(s.seed, 3))
    res = model.staff.fo_district
    samples = []

    def sampler(env):
        while True:
            yield env.timeout(0.01)
            if env.now >= s.warmup_days:
                samples.append(len(res.queue) + res.count)

    model.env.process(sampler(model.env))
    cases = collect(model.run()).cases
    window = cases[(cases["t_identified"] >= s.warmup_days) & cases["t_registered"].notna()]
    lam = len(cases[cases["t_identified"] >= s.warmup_days]) / (s.horizon_days - s.warmup_days)
    w = float((window["t_registered"] - window["t_identified"]).mean())
    L = float(np.mean(samples))
    assert L == pytest.approx(lam * w, rel=0.05)
    # and both agree with theory for M/M/c
    mu = 1440.0 / s.service.fo_registration.mean
    p_wait, wq = ref.erlang_c(lam, mu, s.staffing.district_fo)
    assert w == pytest.approx(wq + 1.0 / mu, rel=0.15)  # time in system W = Wq + 1/mu
    assert L == pytest.approx(lam * (wq + 1.0 / mu), rel=0.15)


@pytest.mark.parametrize("scenario_fixture,overrides", [
    ("mmc", ["horizon_days=40", "warmup_days=5"]),
    ("small", ["walkin.fast_track=false"]),
    ("small", ["walkin.fast_track=false", "data_entry.mode=paper", "staffing.district_bo=1"]),
])
def test_fifo_pool_equals_simpy_resource(request, scenario_fixture, overrides):
    """Without a fast track the FIFO staff pool gives exactly what simpy.Resource gives."""
    s = request.getfixturevalue(scenario_fixture).with_overrides(overrides)
    pop = get_population(s)
    fast = collect(Model(s, pop, replication_seed(s.seed, 0)).run())
    exact_model = Model(s, pop, replication_seed(s.seed, 0), exact_resources=True)
    assert not isinstance(exact_model.staff.fo_district, FifoPool)
    assert isinstance(Model(s, pop, replication_seed(s.seed, 0)).staff.fo_district, FifoPool)
    exact_record = exact_model.run()
    exact = collect(exact_record)
    pd.testing.assert_frame_equal(fast.cases, exact.cases, check_exact=False, rtol=1e-12, atol=1e-9)
    pd.testing.assert_frame_equal(fast.stages, exact.stages, check_exact=False, rtol=1e-9, atol=1e-9)
    assert exact_record.events > 0


def test_decision_time_is_the_first_decision(small):
    _, result = run_model(small)
    c = result.cases
    decided = c["t_decided"].notna()
    assert decided.any()
    # decided cases were referred or closed served/ineligible, never before the need
    assert (c.loc[decided, "t_decided"] >= c.loc[decided, "t_need"]).all()
    ref = c["t_referred"].notna()
    assert (c.loc[ref, "t_decided"] <= c.loc[ref, "t_referred"] + 1e-12).all()
    assert c.loc[c["state"].isin(["ineligible"]), "t_decided"].notna().all()
    assert c.loc[c["state"] == "unidentified", "t_decided"].isna().all()
    # handled within 30 days, among needs that had 30 days to run (arose after the warm-up and
    # at least 30 days before the horizon): late needs are not counted as failures
    ran = (c["t_need"] >= small.warmup_days) & (c["t_need"] <= small.horizon_days - 30)
    expected = (ran & ((c["t_decided"] - c["t_need"]) <= 30)).sum() / ran.sum()
    assert result.kpis["handled_30d"] == pytest.approx(expected)
    assert expected > ((c["t_decided"] - c["t_need"]) <= 30).sum() / (c["t_need"] >= small.warmup_days).sum()


@pytest.mark.parametrize("c,lam,service_minutes", [
    (1, 43.2, 30.0),   # M/M/1, rho = 43.2 / 48 = 0.90
    (6, 244.8, 30.0),  # M/M/6, rho = 244.8 / (6 * 48) = 0.85
])
def test_mmc_heavy_load_matches_erlang_c(mmc, c, lam, service_minutes):
    """Heavily loaded queues (rho >= 0.85), parameters unlike the shipped M/M/c case:
    P(wait), Wq and utilisation of the replications' 95% CI contain Erlang C's values."""
    mu = 1440.0 / service_minutes
    assert lam / (c * mu) >= 0.85
    s = mmc.with_overrides([f"walkin.rate_per_day={lam}", f"staffing.district_fo={c}",
                            f"service.fo_registration={{dist: exponential, mean: {service_minutes}}}",
                            "horizon_days=90", "warmup_days=15"])
    p_wait, wq_days = ref.erlang_c(lam, mu, c)
    reps = run_replications(s, 30, workers=2, keep_cases=False)
    st = pd.concat([r.stages.set_index("stage").loc[["fo_district"]] for r in reps.runs])
    from slrt_sim.experiments.results import t_interval

    for column, expected in [("wait_prob", p_wait), ("wait_mean_days", wq_days), ("utilisation", lam / (c * mu))]:
        mean, _, half, _ = t_interval(st[column].to_numpy())
        assert abs(mean - expected) <= half, (column, mean, half, expected)
        assert half < 0.2 * expected, (column, half, expected)  # the check is tight enough to mean something
