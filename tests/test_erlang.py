"""Erlang C against textbook values and against the M/M/c validation scenario's README."""
from __future__ import annotations

import math

import pytest

from slrt_sim.experiments import erlang


def test_erlang_b_textbook():
    # classic table values: B(c=5, a=2) = 0.0367; B(1, 1) = 0.5; B(2, 1) = 0.2
    assert erlang.erlang_b(5, 2.0) == pytest.approx(0.03670, abs=5e-5)
    assert erlang.erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang.erlang_b(2, 1.0) == pytest.approx(0.2)


def test_erlang_c_textbook():
    # C(3, 2) = 4/9; C(1, a) = a (M/M/1: P(wait) = rho); C(2, 1) = 1/3
    assert erlang.erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert erlang.erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang.erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # call-centre textbook case: a = 10 Erlang, c = 12 agents -> C = 0.4493
    assert erlang.erlang_c(12, 10.0) == pytest.approx(0.4493, abs=5e-4)


def test_mmc_matches_validation_readme():
    # scenarios/validation/README.md: lambda 40/day, mu 24/day, c 2
    q = erlang.mmc(40.0, 24.0, 2)
    assert q.a == pytest.approx(5 / 3)
    assert q.rho == pytest.approx(0.8333, abs=1e-4)
    assert q.p_wait == pytest.approx(25 / 33)
    assert q.wq == pytest.approx(25 / 264)
    assert q.wq * 24 == pytest.approx(2.273, abs=1e-3)
    assert q.w == pytest.approx(25 / 264 + 1 / 24)
    assert q.lq == pytest.approx(3.788, abs=1e-3)
    assert q.l == pytest.approx(5.455, abs=1e-3)
    # Little's law holds by construction
    assert q.lq == pytest.approx(q.lam * q.wq)


def test_mm1_closed_form():
    lam, mu = 3.0, 4.0
    q = erlang.mmc(lam, mu, 1)
    rho = lam / mu
    assert q.wq == pytest.approx(rho / (mu - lam))
    assert q.l == pytest.approx(rho / (1 - rho))


def test_unstable_and_edge_cases():
    q = erlang.mmc(48.0, 24.0, 2)  # rho = 1
    assert not q.stable and q.p_wait == 1.0 and math.isinf(q.wq)
    assert erlang.mmc(0.0, 24.0, 2).wq == 0.0
    assert erlang.erlang_c(0, 1.0) == 1.0
    assert erlang.erlang_c(3, 0.0) == 0.0
    with pytest.raises(ValueError):
        erlang.mmc(1.0, 0.0, 1)
    # a large system stays numerically stable
    assert 0.0 < erlang.erlang_c(500, 480.0) < 1.0


def test_smallest_c():
    # lambda 40, mu 24: c=2 gives rho .833, c=3 .556
    assert erlang.smallest_c(40, 24) == 2
    assert erlang.smallest_c(40, 24, max_rho=0.85) == 2
    assert erlang.smallest_c(40, 24, max_rho=0.8) == 3
    # Wq at c=2 is 0.0947 day, at c=3 0.00937 day; P(wait) at c=4 is 0.1025, at c=5 0.0303
    assert erlang.smallest_c(40, 24, max_wq=0.05) == 3
    assert erlang.smallest_c(40, 24, max_p_wait=0.11) == 4
    assert erlang.smallest_c(40, 24, max_p_wait=0.1) == 5
    assert erlang.smallest_c(1000, 1, max_rho=0.5, c_max=10) is None
    # the answer is really the smallest: one server fewer fails
    c = erlang.smallest_c(100, 7, max_wq=0.01)
    assert erlang.mmc(100, 7, c).wq <= 0.01 < erlang.mmc(100, 7, c - 1).wq
