"""The warm-up rule, the replications for a precision and the staffing variants."""
from __future__ import annotations

import math

import numpy as np

from slrt_sim.domain.scenario import load_scenario
from slrt_sim.experiments import staffing as S
from slrt_sim.experiments.results import t_quantile
from slrt_sim.experiments.warmup import mser, replications_for
from slrt_sim.paths import SCENARIOS


def test_mser_truncates_the_initial_transient():
    g = np.random.default_rng(0)
    ramp = np.r_[np.linspace(0, 100, 50), 100 + g.normal(0, 5, 300)]
    d = mser(ramp)
    assert 30 <= d <= 70 and d % 5 == 0
    assert mser(100 + g.normal(0, 5, 300)) < 60  # stationary from the start: little or nothing cut


def test_replications_for_is_the_least_that_reaches_the_half_width():
    v = np.array([0.25, 0.253, 0.242, 0.245, 0.25, 0.255, 0.24, 0.248])
    sd = v.std(ddof=1)
    for half in (0.01, 0.003):
        r = replications_for(v, half)
        assert t_quantile(0.95, r - 1) * sd / math.sqrt(r) <= half
        assert r == 2 or t_quantile(0.95, r - 2) * sd / math.sqrt(r - 1) > half


def test_staffing_variants_halve_and_double_each_group():
    s = load_scenario(SCENARIOS / "kota_pekalongan.yaml")
    fac = sum(s.fasilitators_in(v) for _, v in s.region.villages())
    half, n = S.variant(s, "fasilitators", 0.5)
    assert n == 1 and sum(half.fasilitators_in(v) for _, v in half.region.villages()) < fac
    double, _ = S.variant(s, "fasilitators", 2.0)
    assert sum(double.fasilitators_in(v) for _, v in double.region.villages()) == 2 * fac
    assert S.variant(s, "puskesos_fo", 0.5)[0].staffing.puskesos_fo == 0
    assert S.variant(s, "district_bo", 2.0)[0].staffing.district_bo == 2 * s.staffing.district_bo
    assert S.variant(s, "dtks_operator", 0.5)[0].dtks.operators == max(1, math.ceil(s.dtks.operators / 2))


def test_what_ifs_and_planner_default_to_the_justified_replications():
    """The walkthrough's what-ifs, the planner's first replications and its default maximum are
    ``warmup.REPLICATIONS``, the replications the analysis asks for the headline share (sd 0.57
    points over eight replications of Kota Pekalongan, docs/model.md): ±1 point needs 4."""
    import inspect

    from slrt_sim.apps import planner_app
    from slrt_sim.apps.walkthrough_app import WalkthroughApp
    from slrt_sim.experiments import planner, planner_search, walkthrough
    from slrt_sim.experiments.warmup import PRECISION, REPLICATIONS

    pilot = 0.0057 / math.sqrt(2) * np.array([1.0, -1.0])  # sd 0.57 points
    assert replications_for(pilot, PRECISION["target_met_90d"]) == REPLICATIONS == 4
    assert planner_search.MIN_REPS == REPLICATIONS
    for fn in (planner.plan, walkthrough.run_variant, WalkthroughApp.__init__):
        assert inspect.signature(fn).parameters["replications"].default == REPLICATIONS
    assert planner_app.PlannerApp(workers=1).reps.value == REPLICATIONS
