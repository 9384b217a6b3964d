"""Student's t quantiles without scipy (slrt_sim.experiments.tdist), against printed tables."""
from __future__ import annotations

import math

import pytest

from slrt_sim.experiments.results import t_quantile
from slrt_sim.experiments.tdist import betainc, t_cdf, t_ppf

# (p, dof, quantile): standard two-sided critical values, to 9 decimals (e.g. NIST/SEMATECH
# e-Handbook, table 1.3.6.7.2, and the closed forms for dof 1 and 2)
TABLE = [
    (0.975, 1, 12.706204736), (0.975, 2, 4.302652730), (0.975, 3, 3.182446305), (0.975, 5, 2.570581836),
    (0.975, 10, 2.228138852), (0.975, 30, 2.042272456), (0.975, 100, 1.983971519), (0.95, 9, 1.833112933),
    (0.995, 4, 4.604094871), (0.9995, 1, 636.619248768), (0.9, 20, 1.325340707),
]


@pytest.mark.parametrize("p, dof, expected", TABLE)
def test_quantiles_match_the_tables(p, dof, expected):
    assert t_ppf(p, dof) == pytest.approx(expected, abs=2e-9)
    assert t_ppf(1 - p, dof) == pytest.approx(-expected, abs=2e-9)


def test_closed_forms_and_the_normal_limit():
    for p in (0.6, 0.9, 0.99):
        assert t_ppf(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-10)  # Cauchy
        a = 4 * p * (1 - p)
        assert t_ppf(p, 2) == pytest.approx(2 * (p - 0.5) * math.sqrt(2 / a), rel=1e-10)
    assert t_ppf(0.975, 10**6) == pytest.approx(1.959966, abs=1e-5)  # the normal's 1.959964 + O(1/dof)


def test_cdf_and_incomplete_beta_are_consistent():
    assert t_cdf(0.0, 7) == 0.5 and betainc(2, 3, 0) == 0 and betainc(2, 3, 1) == 1
    assert betainc(1, 1, 0.3) == pytest.approx(0.3)  # uniform
    assert betainc(2, 3, 0.4) == pytest.approx(0.5248, abs=1e-12)  # 1 - (1-x)^3 (1+3x) at 0.4
    for dof in (1, 4, 17):
        assert t_cdf(t_ppf(0.8, dof), dof) == pytest.approx(0.8, abs=1e-12)


def test_bad_arguments_and_the_interval_helper():
    with pytest.raises(ValueError):
        t_ppf(1.0, 3)
    with pytest.raises(ValueError):
        t_ppf(0.5, 0)
    assert t_quantile(0.95, 4) == pytest.approx(2.776445105, abs=2e-9)
