"""Where cases come from: needs arising in households, walk-ins, and the validation arrivals.

* :func:`draw_needs` — every need of the horizon at once (vectorized): Poisson counts per
  kind of need (the households' incidence, higher for the poor, split by the scenario's
  mix), each falling on a household it fits (no housing need in a fit house, no school
  need without a school-age child), uniform times;
* :class:`NeedArrivals` — releases those needs in time; a share of households walk in
  (``walkin.propensity``, or ``walkin.puskesos_propensity`` where the village has a
  Puskesos) after a delay, during opening hours;
* :class:`ValidationArrivals` — the M/M/c validation case: Poisson walk-ins at
  ``walkin.rate_per_day`` of random households, replacing the population's needs.
"""
from __future__ import annotations

import heapq
from typing import Callable

import numpy as np
import simpy

from slrt_sim.domain import programs as P
from slrt_sim.domain.scenario import NEED_TYPES
from slrt_sim.model.cases import Case, Ledger
from slrt_sim.model.households import Households
from slrt_sim.model.resources import FifoPool, Staff
from slrt_sim.model.streams import Sampler, Streams


def draw_needs(scenario, households: Households, streams: Streams, horizon: float) -> list[tuple[float, int, str]]:
    """All needs of the horizon, in time order: (time, household, need).

    The configured mix is the mix of needs that arise: the expected number of needs is the
    households' incidence summed (higher for the poor), split over the kinds by
    ``needs.mix``; each kind's needs fall on the households it fits (no housing need in a
    fit house, no school need without a school-age child), in proportion to their
    incidence. A kind that fits no household is not drawn (its share goes to none)."""
    s = scenario
    g = streams.gen["needs"]
    col = households.arr
    poor = np.asarray(col["poor"], dtype=bool)
    rate = np.where(poor, s.needs.incidence_poor, s.needs.incidence_nonpoor) * (horizon / 365.0)
    total = float(rate.sum())
    fits = P.need_fits(col)  # the one rule of which needs fit a household (domain)
    pick = streams.gen["need_type"]
    hh_parts, kind_parts = [], []
    for j, need in enumerate(NEED_TYPES):
        share = s.needs.mix.get(need, 0.0)
        w = rate * np.asarray(fits[need], dtype=float)
        wsum = float(w.sum())
        if share <= 0 or wsum <= 0:
            continue
        n = int(g.poisson(share * total))
        cum = np.cumsum(w) / wsum
        hh_parts.append(np.minimum(np.searchsorted(cum, pick.random(n), side="right"), households.n - 1))
        kind_parts.append(np.full(n, j))
    hh = np.concatenate(hh_parts) if hh_parts else np.zeros(0, dtype=np.int64)
    kind = np.concatenate(kind_parts) if kind_parts else np.zeros(0, dtype=np.int64)
    times = g.random(hh.size) * horizon
    order = np.argsort(times, kind="stable")
    return list(zip(times[order].tolist(), hh[order].tolist(), [NEED_TYPES[k] for k in kind[order]]))


class NeedArrivals:
    """Needs arise at their times; some households walk in to an office with them.

    ``puskesos_villages`` are the villages whose residents walk in to a Puskesos;
    ``start_case(case)`` starts the pathway of each case a walk-in registers.
    """

    def __init__(self, env: simpy.Environment, scenario, cal, ledger: Ledger, streams: Streams,
                 puskesos_villages, horizon: float, start_case: Callable):
        self.env, self.s, self.cal = env, scenario, cal
        self.ledger, self.rs = ledger, streams
        self.puskesos_villages = puskesos_villages
        self.horizon = horizon
        self.start_case = start_case
        self.refer: Callable[[int, int], None] | None = None  # the FO refers a walk-in for a home visit

    def start(self, needs: list[tuple[float, int, str]], village_of) -> None:
        self.env.process(self._release(needs, village_of))

    def _release(self, needs, village_of):
        env = self.env
        walk = self.s.walkin
        arise = self.ledger.arise
        rs = self.rs
        pk = self.puskesos_villages
        for t, hh, need in needs:
            if t > env.now:
                yield env.timeout(t - env.now)
            v = village_of[hh]
            c = arise(hh, v, need, t)
            if not walk.enabled:
                continue
            p = walk.puskesos_propensity if v in pk else walk.propensity
            if rs.u_route() < p:
                arrive = self.walkin_time(t + rs.t_walkin_delay())
                if arrive < self.horizon:
                    c.walkin_due = arrive
                    env.process(self._walkin(c, arrive - env.now))

    def walkin_time(self, t: float) -> float:
        """Residents come during opening hours: a random moment of the first open day."""
        cal = self.cal
        if cal.continuous:
            return t
        d = cal.next_work_day(int(t))
        u = self.rs.u_walkin_time()
        moment = d + cal.open + u * (cal.close - cal.open) * 0.95
        if moment < t:  # that moment of today has passed: come on the next working day
            d = cal.next_work_day(d + 1)
            moment = d + cal.open + u * (cal.close - cal.open) * 0.95
        return moment

    def _walkin(self, c: Case, delay: float):
        env = self.env
        yield env.timeout(delay)
        if c.t_identified is not None:
            return
        for x in self.ledger.identify(c, "walkin", env.now):
            self.start_case(x, 0.0)
        if self.refer is not None:
            self.refer(c.hh, c.village)


class ValidationArrivals:
    """Poisson walk-ins at ``rate_per_day`` (the M/M/c validation case).

    When the district FO is a :class:`FifoPool` and closes every case on the spot, a
    walk-in needs no process: it is registered and closed by the callback of its one
    timeout (the same times as the full pathway).
    """

    def __init__(self, env: simpy.Environment, scenario, ledger: Ledger, households: Households, staff: Staff,
                 streams: Streams, cal, *, on_spot_possible: bool, warmup: float, horizon: float,
                 start_case: Callable):
        self.env, self.s, self.ledger, self.hh = env, scenario, ledger, households
        self.staff, self.rs, self.cal = staff, streams, cal
        self.on_spot_possible = on_spot_possible
        self.warmup, self.horizon = warmup, horizon
        self.start_case = start_case

    def start(self, rate_per_day: float) -> None:
        self.env.process(self._arrivals(rate_per_day))

    def _arrivals(self, rate_per_day: float):
        env = self.env
        inter = Sampler(self.rs.gen["validation_arrivals"], lambda g, n: g.exponential(1.0 / rate_per_day, n),
                        batch=4096)
        n_hh = self.hh.n
        hh_buf = Sampler(self.rs.gen["validation_household"], lambda g, n: g.integers(0, n_hh, n), batch=4096)
        village_of = self.hh.col["village_idx"]
        walk_in_now = self.ledger.walk_in_now
        horizon, warmup = self.horizon, self.warmup
        need = "information" if self.s.fo_closes_all else "health"
        timeout = env.timeout
        fo = self.staff.fo_district
        on_spot = type(fo) is FifoPool and need == "information" and self.on_spot_possible
        if on_spot:
            free = fo.free
            log = self.staff.logs["fo_district"]
            advance = self.cal.advance
            t_fo = self.rs.t_fo
            close = self._close_on_spot
        while True:
            yield timeout(inter())
            now = env.now
            if now >= horizon:
                return
            hh = hh_buf()
            c = walk_in_now(hh, village_of[hh], need)
            if not on_spot:
                self.start_case(c, 0.0)
                continue
            c.office = "district"
            minutes = t_fo()
            start = free[0] if free[0] > now else now
            end = advance(start, minutes)
            heapq.heapreplace(free, end)
            if start > now:
                fo.queue.append(start)
            if warmup <= start < horizon:
                log.waits.append(start - now)
                log.busy_minutes += minutes
                log.served += 1
            timeout(end - now, c).callbacks.append(close)

    def _close_on_spot(self, ev) -> None:
        c = ev.value
        c.t_registered = self.env.now
        self.ledger.close(c, "served", "closed_on_spot")
