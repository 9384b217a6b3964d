"""The walkthrough's figures agree across its tabs, and the animation's paths add up to the timeline.

Issue 11 saw "45 terlayani (60,8%)" on step 7, a funnel ending at 30 (41%) and 55.6% on the
what-if tab for the same run. They were three honest figures with three definitions: step 7
counts every served need of replication 1; the funnel's last bar only needs served through a
programme (not those closed on the spot); the what-if table the mean of all replications.
These tests pin the definitions: each tab's figure is derived from the same run and labelled.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from slrt_sim.experiments import animation as AN
from slrt_sim.experiments import walkthrough as WT
from slrt_sim.experiments.report import format_ci
from slrt_sim.i18n import fmt_num, fmt_pct, t

NAN = float("nan")


@pytest.fixture(scope="module")
def run():
    base = WT.load_training()
    return WT.run_variant(base, WT.default_choices(base), replications=3, number=1)


def _case(**kw):
    fields = dict(t_need=NAN, t_identified=NAN, t_checked=NAN, t_referred=NAN, t_closed=NAN, state="unidentified")
    fields.update(kw)
    return SimpleNamespace(**fields)


def test_case_paths_by_hand():
    # never found: stays in the first column
    assert AN.case_path(_case(t_need=3.0)) == ((3.0, 0),)
    # found on day 5, closed on the spot at the front office the same moment... a little later
    assert AN.case_path(_case(t_need=3.0, t_identified=5.0, t_closed=5.2, state="served")) == ((3.0, 0), (5.0, 1), (5.2, 4))
    # the whole way: checked, referred, served
    assert AN.case_path(_case(t_need=1.0, t_identified=2.0, t_checked=4.0, t_referred=9.0, t_closed=40.0,
                              state="served")) == ((1.0, 0), (2.0, 1), (4.0, 2), (9.0, 3), (40.0, 4))
    # ineligible after the check; a case still waiting at the horizon has no final move
    assert AN.case_path(_case(t_need=1.0, t_identified=2.0, t_checked=4.0, t_closed=6.0, state="ineligible"))[-1] == (6.0, 5)
    assert AN.case_path(_case(t_need=1.0, t_identified=2.0, t_checked=4.0, t_referred=9.0,
                              state="waiting_quota"))[-1] == (9.0, 3)
    # lost at the moment of identification: one column per instant, the last wins
    assert AN.case_path(_case(t_need=1.0, t_identified=2.0, t_closed=2.0, state="lost")) == ((1.0, 0), (2.0, 5))


def test_flow_columns_add_up_to_the_daily_timeline(run):
    flow = AN.flow(run.cases, run.scenario.horizon_days)
    for _, row in run.timeline.iterrows():
        assert AN.grouped(flow.counts_at(row["day"])) == AN.timeline_columns(row), row["day"]
    assert flow.counts_at(-1.0) == dict.fromkeys(AN.COLUMNS, 0)
    data = flow.to_json()
    assert len(data) == len(run.cases) and all(len(p) % 2 == 0 and p[1] == 0 for p in data)
    peak = flow.max_counts()
    assert peak["served"] == flow.counts_at(run.scenario.horizon_days)["served"]  # served only grows


def test_every_tab_tells_the_same_run(run):
    s = run.scenario
    assert s.warmup_days == 0  # so the year's dots (every case) are the steps' cases (after the warm-up)
    c = run.cases
    n = len(c)
    served = int((c["state"].astype(str) == "served").sum())
    k1 = run.reps.runs[0].kpis
    assert k1["cases"] == n and k1["served"] == served
    nums = WT.step_numbers(run)["followup"]
    funnel = dict(WT.funnel(c, s))
    # step 7 = the funnel's programme services + the needs closed on the spot
    assert nums["served"] == fmt_num(served, 0) and nums["n"] == fmt_num(n, 0)
    assert nums["programme"] == fmt_num(funnel["served_programme"], 0)
    assert int(nums["direct"]) + funnel["served_programme"] == served
    assert nums["needs_met"] == fmt_pct(served / n)
    # the year's last day (the slider's end) = step 7
    end = AN.flow(c, s.horizon_days).counts_at(s.horizon_days)
    assert end["served"] == served and sum(end.values()) == n
    outcomes = WT.outcomes(c, s)
    assert end["closed"] == outcomes["ineligible"] + outcomes["lost"]
    # the what-if table: the mean of the replications, and replication 1 labelled as tabs 1-2's figure
    basis = WT.basis(run)
    assert basis["met"] == nums["needs_met"] and basis["reps"] == "3"
    table = WT.History([run]).comparison()
    col = table.columns[0]
    assert table.at[t("walk.compare.rep1"), col] == nums["needs_met"]
    mean = float(np.mean(run.reps.kpis["needs_met"]))
    summ = run.summary
    assert summ.at["needs_met", "mean"] == pytest.approx(mean)
    assert table.at[t("kpi.needs_met"), col] == format_ci("needs_met", mean, summ.at["needs_met", "ci_low"],
                                                          summ.at["needs_met", "ci_high"]) == basis["mean"]
    # the sentences name what they count
    assert nums["served"] in t("walk.step.followup.body", **nums)
    assert basis["mean"] in t("walk.basis", **basis)


def test_class_year_adds_the_class_households_as_ringed_paths():
    from slrt_sim.training import front_office as fo
    from slrt_sim.training import outcomes as O

    result, outcome = O.class_year("YEAR-T", 2018, "mudah")
    base = AN.flow(result.cases, O.outcome_scenario().horizon_days)
    both, marked = AN.with_households(base, outcome.households.values())
    needs = sum(len(h.needs) for h in outcome.households.values())
    assert len(marked) == needs > 0 and marked == list(range(len(base.paths), len(both.paths)))
    # each case household walks in at the front office, and nothing moves after its need is met or closed
    for h in outcome.households.values():
        for path, (need, r) in zip(AN.household_paths(h), h.needs.items()):
            assert path[0] == (h.events[0].day, 1)
            assert [d for d, _ in path] == sorted(d for d, _ in path)
            if r.state == "served":
                assert path[-1] == (r.day_served, 4)
    # a trainee's file equal to the key's gives the key's run, household for household
    key0 = dict(fo.answer_key(fo.build_cases("YEAR-T", 2018, "mudah")[0]))
    again, outcome2 = O.class_year("YEAR-T", 2018, "mudah", {0: key0})
    np.testing.assert_equal(again.kpis, result.kpis)
    assert [AN.household_paths(h) for h in outcome2.households.values()] == \
        [AN.household_paths(h) for h in outcome.households.values()]
