"""The staffing planner: the recommendation is the smallest staffing meeting the targets."""
from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
import pytest

from slrt_sim.experiments import erlang
from slrt_sim.experiments import planner as P
from slrt_sim.i18n import t
from slrt_sim.domain.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
MMC = ROOT / "scenarios" / "validation" / "mmc.yaml"
PEKALONGAN = ROOT / "scenarios" / "kota_pekalongan.yaml"


# ----------------------------------------------------------------------------- the rule on made-up numbers
def _summary(values: dict[int, dict[str, tuple[float, float, float]]]) -> pd.DataFrame:
    rows = [{"config": c, "kpi": k, "mean": m, "ci_low": lo, "ci_high": hi}
            for c, kp in values.items() for k, (m, lo, hi) in kp.items()]
    return pd.DataFrame(rows).set_index(["config", "kpi"])


def _configs(rows):
    return pd.DataFrame(rows, columns=["total_staff", "fasilitators_total", "district_bo", "district_fo", "n_puskesos"])


def test_recommend_smallest_total_staff_with_tie_breaks():
    configs = _configs([(6, 2, 2, 2, 0), (5, 2, 2, 1, 0), (5, 1, 3, 1, 0), (5, 1, 2, 2, 0), (4, 1, 2, 1, 0)])
    ok = (0.9, 0.88, 0.92)
    summ = _summary({0: {"needs_met": ok}, 1: {"needs_met": ok}, 2: {"needs_met": ok}, 3: {"needs_met": ok},
                     4: {"needs_met": (0.7, 0.6, 0.8)}})
    best, meets = P.recommend(configs, summ, [P.Target("needs_met", ">=", 0.85)], rule="ci")
    # 4 fails; among total 5: fewer fasilitators (2, 3) first, then fewer BO -> 3
    assert best == 3
    assert meets.iloc[:, 0].tolist() == [True, True, True, True, False]


def test_rule_ci_is_more_cautious_than_mean():
    configs = _configs([(3, 0, 1, 2, 0), (4, 0, 2, 2, 0)])
    summ = _summary({0: {"util_bo": (0.80, 0.70, 0.90)}, 1: {"util_bo": (0.50, 0.45, 0.55)}})
    target = [P.Target("util_bo", "<=", 0.85)]
    assert P.recommend(configs, summ, target, rule="mean")[0] == 0
    assert P.recommend(configs, summ, target, rule="ci")[0] == 1  # upper CI 0.90 > 0.85


def test_no_configuration_meets_and_closest():
    configs = _configs([(3, 0, 1, 2, 0), (4, 0, 2, 2, 0)])
    summ = _summary({0: {"needs_met_30d": (0.1, 0.05, 0.15), "util_bo": (0.9, 0.8, 1.0)},
                     1: {"needs_met_30d": (0.1, 0.05, 0.15), "util_bo": (0.5, 0.4, 0.6)}})
    targets = [P.Target("needs_met_30d", ">=", 0.9), P.Target("util_bo", "<=", 0.85)]
    best, meets = P.recommend(configs, summ, targets)
    assert best is None and P.closest(configs, summ, targets) == 1


def test_closest_is_the_least_relative_shortfall_not_the_smallest():
    # the case: 1 fasilitator reaches 54.6%, 3 reach 66.8% of a 70% target; both use the FO lightly.
    # Shortfalls (rule "mean"): (70 - 54.6) / 70 = 0.22 and (70 - 66.8) / 70 = 0.046: 3 fasilitators are closer,
    # although config 0 is smaller and meets just as many targets (one of two).
    configs = _configs([(30, 27, 1, 2, 0), (84, 81, 1, 2, 0)])
    summ = _summary({0: {"identified": (0.546, 0.53, 0.56), "util_fo": (0.2, 0.1, 0.3)},
                     1: {"identified": (0.668, 0.66, 0.676), "util_fo": (0.4, 0.3, 0.5)}})
    targets = [P.Target("identified", ">=", 0.7), P.Target("util_fo", "<=", 0.85)]
    assert P.recommend(configs, summ, targets, rule="mean")[0] is None
    assert P.closest(configs, summ, targets, rule="mean") == 1
    assert P.closest(configs, summ, targets, rule="ci") == 1
    d = P.distances(configs, summ, targets)
    assert d[0] == pytest.approx((0.7 - 0.546) / 0.7) and d[1] == pytest.approx((0.7 - 0.668) / 0.7)
    # an "at most" target counts its overshoot relative to the limit: util 0.95 against 0.85
    over = _summary({0: {"identified": (0.8, 0.75, 0.85), "util_fo": (0.95, 0.9, 1.0)}})
    assert P.distances(configs.iloc[:1], over, targets)[0] == pytest.approx(0.1 / 0.85)
    # distances within 0.01 of the least are a tie: the smaller configuration is shown
    near = _summary({0: {"identified": (0.664, 0.65, 0.68), "util_fo": (0.2, 0.1, 0.3)},
                     1: {"identified": (0.668, 0.66, 0.676), "util_fo": (0.4, 0.3, 0.5)}})
    assert P.closest(configs, near, targets) == 0


def test_missing_values():
    assert P.Target("wait_fo_hours", "<=", 2).met(math.nan, math.nan, math.nan)  # nobody waited
    assert not P.Target("needs_met", ">=", 0.5).met(math.nan, math.nan, math.nan)
    assert P.Target("needs_met", ">=", 0.5).met(0.6, math.nan, math.nan, rule="ci")  # one replication: mean


# ----------------------------------------------------------------------------- worked out by hand: M/M/c
@pytest.fixture(scope="module")
def mmc_plan():
    # lambda = 40/day, exponential 60-minute registrations (mu = 24/day), open all day: utilisation of the
    # front office is 40/(24 c): c=1 overloaded, c=2 0.833, c=3 0.556, c=4 0.417. Target "at most 70%":
    # the smallest FO staffing is 3; with BO 1 and no fasilitators, total staff 4.
    s = load_scenario(MMC, ["horizon_days=120", "warmup_days=10"])
    opts = P.StaffOptions(fasilitators=(0,), fo=(1, 2, 3, 4), bo=(1,), puskesos=("scenario",))
    return P.plan(s, opts, [P.Target("util_fo", "<=", 0.70)], replications=3, workers=2, exhaustive=True)


def test_recommendation_matches_hand_calculation(mmc_plan):
    p = mmc_plan
    assert p.recommended is not None
    cfg = p.configs.loc[p.recommended]
    assert cfg["district_fo"] == 3 and cfg["total_staff"] == 4
    util = p.summary.xs("util_fo", level="kpi")["mean"].tolist()
    assert util[1] == pytest.approx(40 / 48, abs=0.04) and util[2] == pytest.approx(40 / 72, abs=0.04)
    assert p.meets.iloc[:, 0].tolist() == [False, False, True, True]
    # Erlang C agrees on the smallest staffing
    assert erlang.smallest_c(40, 24, max_rho=0.70) == 3
    text = P.recommendation_text(p, html=False)
    assert text.startswith("Rekomendasi:") and "3 staf front office" in text
    # the search (not every configuration simulated) finds the same FO = 3
    fast = P.plan(p.scenario, P.StaffOptions(fasilitators=(0,), fo=(1, 2, 3, 4), bo=(1,)),
                  [P.Target("util_fo", "<=", 0.70)], replications=3)
    assert fast.configs.loc[fast.recommended, "district_fo"] == 3 and len(fast.configs) < 4


def test_erlang_beside_simulation_on_mmc(mmc_plan):
    p = mmc_plan
    two = 1  # the configuration with c = 2, the README's case
    e = P.erlang_check(p, two).set_index("stage")
    fo = e.loc["fo_district"]
    assert fo["staff"] == 2
    assert fo["lam_per_hour"] == pytest.approx(40 / 24, rel=0.05)
    assert fo["service_minutes"] == pytest.approx(60, rel=0.05)
    # the load Erlang C is given: lambda * S / c from the estimated rate and service time, and
    # the theoretical 40 / (24 * 2) of the M/M/c case
    assert fo["erlang_rho"] == pytest.approx(fo["lam_per_hour"] * fo["service_minutes"] / 60 / 2, rel=1e-6)
    assert fo["erlang_rho"] == pytest.approx(40 / 48, abs=0.05)
    q = erlang.mmc(fo["lam_per_hour"], 60 / fo["service_minutes"], 2)
    assert fo["erlang_wait_hours"] == pytest.approx(q.wq)
    assert fo["erlang_wait_hours"] == pytest.approx(2.273, rel=0.35)  # estimated load: close to the README
    assert fo["erlang_min_staff"] == 3  # utilisation target 70%
    sentence = P.erlang_explanation(P.erlang_check(p, two).iloc[0], p.scenarios[two])
    assert sentence.startswith(t("stage.fo_district"))
    table = P.erlang_table(p, two)
    assert t("plan.erlang.col.wait") in table.columns and "," in table.iloc[0][t("plan.erlang.col.lam")]


def test_excel_export(mmc_plan):
    book = pd.read_excel(io.BytesIO(mmc_plan.to_excel()), sheet_name=None)
    assert {"rekomendasi", "konfigurasi", "erlang_c", "ringkasan", "kpi_per_replikasi"} <= set(book)
    assert len(book["konfigurasi"]) == 4


# ----------------------------------------------------------------------------- regions
def test_areas_and_restrict_pekalongan():
    s = load_scenario(PEKALONGAN)
    areas = P.areas(s)
    assert len(areas) == 1 + len(s.region.kecamatan) + len(s.region.villages())
    assert areas[0][0].startswith("Seluruh Kota Pekalongan")
    medono = next(a for label, a in areas if a.village == "Medono")
    sub = P.restrict(s, medono)
    assert [v.name for _, v in sub.region.villages()] == ["Medono"]
    share = sub.region.n_households / s.region.n_households
    assert sub.programs["PKH"].quota_per_cycle == max(1, round(s.programs["PKH"].quota_per_cycle * share))
    kec = P.restrict(s, P.Area("kecamatan", "Pekalongan Utara"))
    assert len(kec.region.villages()) == 7
    assert P.restrict(s, P.Area()) is s


def test_staffing_scenarios_total_staff():
    s = P.restrict(load_scenario(PEKALONGAN), P.Area("kecamatan", "Pekalongan Barat"))  # 7 villages, Medono Puskesos
    scen, cfg = P.staffing_scenarios(s, P.StaffOptions(fasilitators=(1, 2), fo=(2,), bo=(3,),
                                                       puskesos=("scenario", "none", "all")))
    assert len(scen) == 6
    first = cfg.iloc[0]
    assert first["n_puskesos"] == 1 and first["total_staff"] == 7 * 1 + 2 + 3 + 1 * (1 + 1)
    assert cfg[cfg.puskesos == "none"]["n_puskesos"].eq(0).all()
    assert cfg[cfg.puskesos == "all"]["n_puskesos"].eq(7).all()
    assert all(scen[1].fasilitators_in(v) == 2 for _, v in scen[1].region.villages())


def test_manual_scenario():
    s = P.manual_scenario(3000, 0.1, puskesos=False)
    v = s.region.villages()[0][1]
    assert v.households == 3000 and v.poverty_rate == 0.1 and not v.puskesos


def test_shipped_scenarios_listed():
    names = [p.stem for _, p in P.shipped_scenarios()]
    assert "kota_pekalongan" in names and "pelatihan_satu_kelurahan" in names and "mmc" not in names


def test_planner_app_runs_headless():
    from slrt_sim.apps.planner import PlannerApp

    app = PlannerApp(workers=1)
    medono = next(i for i, a in enumerate(app._areas) if a.village == "Medono")
    app.area.value = medono
    app.fas.value, app.fo.value, app.bo.value, app.reps.value = (1, 3), (1, 1), (1, 1), 3
    app.rule.value = "mean"
    result = app.run()
    assert result is not None and app.status.value == ""
    assert "Rekomendasi" in app.recommendation.value
    assert app.progress.value == app.progress.max == 9
    assert 'download="rencana_staf_slrt.xlsx"' in app.download.value
    assert len(app.charts.children) == 3  # one chart per enabled default target


# ----------------------------------------------------------------------------- search = exhaustive sweep
@pytest.fixture(scope="module")
def medono_small():
    s = load_scenario(PEKALONGAN, ["horizon_days=150", "warmup_days=30"])
    return P.restrict(s, P.Area("village", "Pekalongan Barat", "Medono"))


GRID = P.StaffOptions(fasilitators=(1, 2, 3), fo=(1, 2), bo=(1, 2))
TARGET_SETS = {
    "identified": [P.Target("identified", ">=", 0.70), P.Target("util_bo", "<=", 0.85)],
    "unreachable": [P.Target("identified", ">=", 0.99), P.Target("util_bo", "<=", 0.85)],
    "handled": [P.Target("handled_30d", ">=", 0.40)],
}


@pytest.mark.parametrize("name", sorted(TARGET_SETS))
@pytest.mark.parametrize("rule", ["ci", "mean"])
def test_search_gives_the_exhaustive_answer(medono_small, name, rule):
    targets = TARGET_SETS[name]
    full = P.plan(medono_small, GRID, targets, replications=4, rule=rule, exhaustive=True)
    fast = P.plan(medono_small, GRID, targets, replications=4, rule=rule)
    assert full.runs == GRID.n_configs * 4 and fast.runs <= full.runs
    assert (fast.recommended is None) == (full.recommended is None)
    assert fast.configs.at[fast.shown, "grid"] == full.configs.at[full.shown, "grid"]
    # the search's runs are the exhaustive sweep's runs (same replication = same run)
    for c in fast.configs.index:
        g = fast.configs.at[c, "grid"]
        a = fast.sweep.runs[fast.sweep.runs.config == c].drop(columns="config").reset_index(drop=True)
        b = full.sweep.runs[full.sweep.runs.config == g].drop(columns="config").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b.iloc[:len(a)])


def test_search_prunes_and_says_why(medono_small):
    p = P.plan(medono_small, GRID, TARGET_SETS["identified"], replications=4)
    assert len(p.configs) < GRID.n_configs
    ruled = p.grid[~p.grid.simulated & (p.grid.ruled_out_by != "")]
    assert len(ruled) > 0 and (ruled.witness >= 0).all()
    assert set(p.grid.witness[p.grid.witness >= 0]) <= set(p.configs["grid"])
    assert p.grid.loc[p.grid.simulated, "replications"].between(3, 4).all()
    assert p.configs.at[p.shown, "replications"] == 4  # the answer is confirmed with every replication


def test_parallel_search_equals_serial():
    s = P.restrict(load_scenario(PEKALONGAN, ["warmup_days=0", "horizon_days=60"]), P.Area("kecamatan", "Pekalongan Barat"))
    opts = P.StaffOptions(fasilitators=(1, 2), fo=(1,), bo=(1, 2))
    targets = [P.Target("identified", ">=", 0.6), P.Target("util_bo", "<=", 0.5)]
    one = P.plan(s, opts, targets, replications=3, workers=1)
    two = P.plan(s, opts, targets, replications=3, workers=2)
    assert s.region.n_households >= P.PARALLEL_MIN_HOUSEHOLDS and two.sweep.workers == 2
    pd.testing.assert_frame_equal(one.sweep.runs, two.sweep.runs)
    assert one.shown == two.shown and list(one.configs["grid"]) == list(two.configs["grid"])


# ----------------------------------------------------------------------------- the recommendation explained
def test_explanation_names_the_deciding_target_and_counts(mmc_plan):
    # the M/M/c plan: FO 3 recommended; with 2 FO the utilisation (~83%) is above the 70% limit
    why = P.explanation(mmc_plan)
    step = next(x for x in why if x.startswith("Dengan 2 staf FO"))
    assert "Utilisasi front office" in step and "di atas batas 70%" in step and "[" in step
    assert any(x.startswith("Pada rekomendasi ini:") and "memenuhi target 70%" in x for x in why)
    total = next(x for x in why if x.startswith("Total 4 staf"))
    assert "0 fasilitator" in total and "3 FO + 1 BO" in total and "Puskesos" not in total
    assert any("jumlah terkecil yang dicoba" in x and "BO" in x for x in why)
    html = P.recommendation_text(mmc_plan)
    assert '<ul class="slrt-why">' in html and html.count("<li>") == len(why)


def test_explanation_puskesos_counts_two_and_idle_office():
    s = P.restrict(load_scenario(PEKALONGAN, ["warmup_days=0", "horizon_days=60"]), P.Area("village", "Pekalongan Barat", "Medono"))
    p = P.plan(s, P.StaffOptions(fasilitators=(1,), fo=(1,), bo=(1,)), [P.Target("util_bo", "<=", 0.85)],
               replications=2)
    why = P.explanation(p)
    total = next(x for x in why if x.startswith("Total"))
    assert "1 Puskesos × 2 staf" in total and "dihitung 2 staf: 1 FO + 1 BO" in total
    # Medono's residents register at its Puskesos: the district FO does nothing, yet counts once
    idle = next(x for x in why if x.startswith("FO kabupaten/kota hampir tidak terpakai"))
    assert "0,0%" in idle and "paling sedikit satu petugas FO" in idle


def test_closest_explained_with_values():
    # a year: fasilitators visit their village's list in rounds, so a second one finds more
    # needs once rounds repeat (in 60 days one fasilitator has not finished the first round)
    s = P.restrict(load_scenario(PEKALONGAN, ["warmup_days=0", "horizon_days=365"]), P.Area("village", "Pekalongan Barat", "Medono"))
    p = P.plan(s, P.StaffOptions(fasilitators=(1, 2), fo=(1,), bo=(1,)), [P.Target("identified", ">=", 0.99)],
               replications=2, rule="mean")
    assert p.recommended is None
    cfg = p.configs.loc[p.shown]
    assert cfg["fasilitators_per_village"] == 2  # more fasilitators identify more: closer to 99%
    text = P.recommendation_text(p, html=False)
    assert text.startswith("Tidak ada konfigurasi") and "di bawah target 99%" in text
    assert any("Paling mendekati" in x for x in P.explanation(p))
    assert any("Kelompok staf yang mengikat" in x for x in P.explanation(p))  # the busiest group named


def test_village_label_says_rumah_tangga():
    s = load_scenario(PEKALONGAN)
    label = next(label for label, a in P.areas(s) if a.village == "Medono")
    assert "rumah tangga" in label and " RT)" not in label
