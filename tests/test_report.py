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
