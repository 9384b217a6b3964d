"""The one KPI formatter and the within-noise comparison."""
from __future__ import annotations

import math

from slrt_sim.experiments.report import compare, format_ci, format_interval, format_kpi, text_table


def test_format_kpi_by_kind():
    assert format_kpi("needs_met", 0.4567) == "45,7%"
    assert format_kpi("cases", 1234.0) == "1.234"
    assert format_kpi("wait_fo_hours", 2.26) == "2,3"
    assert format_kpi("needs_met", math.nan) == "–" and format_kpi("cases", None) == "–"


def test_format_ci_clips_to_possible_values():
    assert format_ci("needs_met", 0.1, -0.05, 1.2) == "10,0% [0,0%–100,0%]"
    assert format_ci("days_to_service_median", 5.0, -1.0, 11.0) == "5,0 [0,0–11,0]"
    assert format_ci("needs_met", 0.5, math.nan, math.nan) == "50,0%"
    assert format_interval("cases", 10.0, 20.0, " – ") == "10 – 20"


def test_compare_is_paired_and_says_noise_when_the_difference_is_unclear():
    # the same replications, b always 2 points higher: a clear gain although the spreads overlap
    a = [0.40, 0.50, 0.60, 0.45]
    assert compare("needs_met", a, [x + 0.02 for x in a]).direction == "up"
    assert compare("needs_met", a, [x - 0.02 for x in a]).direction == "down"
    # differences of both signs: within noise
    assert compare("needs_met", a, [0.42, 0.47, 0.61, 0.44]).direction == "noise"
    assert compare("needs_met", a, list(a)).direction == "same"
    # one replication: no interval, the means decide
    assert compare("needs_met", [0.50], [0.51]).direction == "up"
    assert compare("needs_met", [math.nan], [0.51]).direction == "noise"


def test_text_table_aligns():
    out = text_table(["a", "bb"], [["x", "1"], ["yyy", "22"]]).splitlines()
    assert out == ["a    bb", "-------", "x     1", "yyy  22"]


def test_kaplan_meier_median_by_hand():
    import numpy as np

    from slrt_sim.experiments.results import km_median, within

    # 6 needs: served after 2, 4, 6 days; three censored (not served yet) at 3, 10, 10 days.
    # S(2) = 5/6; at 4, at risk 4 (4, 6, 10, 10; the 3 is censored): S = 5/6 * 3/4 = 0.625;
    # at 6, at risk 3: S = 0.625 * 2/3 = 0.4167 <= 0.5 -> median 6 days.
    d = np.array([2, 3, 4, 6, 10, 10], dtype=float)
    e = np.array([1, 0, 1, 1, 0, 0], dtype=bool)
    assert km_median(d, e) == 6.0
    # served cases only would say 4 days: the censoring-blind median is too optimistic
    assert float(np.median(d[e])) == 4.0
    # fewer than half ever served within the run: the median is not reached
    assert np.isnan(km_median(d, np.array([1, 0, 0, 0, 0, 0], dtype=bool)))
    # within 30 days among needs that had 30 days to run: the need on day 350 of 365 does not count
    delay = np.array([10.0, 40.0, np.nan, 5.0])
    t_need = np.array([0.0, 100.0, 200.0, 350.0])
    assert within(delay, t_need, 365.0, 30.0) == 1 / 3
