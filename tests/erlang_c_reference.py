"""Erlang C: the textbook M/M/c formulas, used to check the model and for quick estimates."""
from __future__ import annotations

import math


def erlang_c(lam: float, mu: float, c: int) -> tuple[float, float]:
    """Probability of waiting and mean wait in queue (in the units of 1/λ) for M/M/c.

    ``lam`` arrivals per unit time, ``mu`` services per server per unit time, ``c`` servers.
    Returns ``(1.0, inf)`` when the offered load reaches the capacity (no steady state).
    """
    if c <= 0:
        return 1.0, math.inf
    a = lam / mu
    rho = a / c
    if rho >= 1.0:
        return 1.0, math.inf
    # numerically stable Erlang B recursion, then C from B
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    p_wait = b / (1.0 - rho + rho * b)
    return p_wait, p_wait / (c * mu - lam)
