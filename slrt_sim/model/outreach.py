"""The fasilitators of each village: case tasks first, outreach visits with the rest of the day.

Each village's fasilitators share a task queue (verval visits, follow-up visits, paper
form corrections) and a daily time budget (``staffing.fasilitator_hours_per_day`` each).
Their day is planned at the opening, one working day at a time: tasks in arrival order
while time is left, then — in integrated mode with outreach on — home visits. Whom they
visit they choose from what they can know, never from the DTKS record's decile:

* **referrals** first: households the front office registered as walk-ins, referred for a
  home visit (:meth:`Fasilitators.refer`);
* then **rounds**, each household at most once a round, by the scenario's strategy:
  ``poorest_first`` — the village's list (households the DTKS lists, poorest by the record
  first, and those whose house is visibly unfit), then the next quarter of the other
  households (:data:`REST_SHARE`: the whole village is swept every four rounds); ``sweep`` —
  the whole village in a random order; ``random`` — a household at random each time (no plan).
  The list is an order of visits, not a weight: a household listed by mistake is visited
  once a round like any other on the list, and what the visit sees is its recorded
  indicators (:mod:`slrt_sim.model.dtks`).

A visit finds an open need of the household with ``outreach.detect_probability``; visits
that find nothing cost no events.
"""
from __future__ import annotations

from collections import deque
from typing import Callable

import numpy as np
import simpy

from slrt_sim.domain.calendar import MINUTES_PER_DAY
from slrt_sim.model.cases import Ledger
from slrt_sim.model.dtks import Observation
from slrt_sim.model.households import Households
from slrt_sim.model.resources import StageLog
from slrt_sim.model.streams import Streams


UNFIT_HOUSE_RANK = 2.5
"""Where an unlisted household in a visibly unfit house stands in the village's visit list,
among the listed households ranked by their record's decile (assumption, range 1-4)."""


REST_SHARE = 0.25
"""Share of the households off the village's list that each round of the list also visits:
the whole village is swept once every four rounds (assumption, range 0.1-0.5)."""


def _succeed(ev) -> Callable:
    return lambda _timeout: ev.succeed()


class Fasilitators:
    """The fasilitators of every village of one replication.

    ``start_case(case, delay)`` starts the pathway of a case found by outreach;
    ``observation`` (or None) is how a visit observes the household for the DTKS updating
    (it may note a record that looks wrong; :class:`slrt_sim.model.dtks.Observation`).
    """

    def __init__(self, env: simpy.Environment, scenario, cal, villages, counts: list[int], households: Households,
                 streams: Streams, log: StageLog, ledger: Ledger, *, outreach: bool, warmup: float, horizon: float,
                 start_case: Callable, observation: Observation | None):
        self.env, self.s, self.cal = env, scenario, cal
        self.villages, self.counts = villages, counts
        self.hh, self.rs, self.log, self.ledger = households, streams, log, ledger
        self.outreach = outreach
        self.warmup, self.horizon = warmup, horizon
        self.start_case, self.observation = start_case, observation
        self.tasks = [deque() for _ in villages]
        self.referrals = [deque() for _ in villages]
        self.visits = 0
        self.referral_visits = 0

    def start(self) -> None:
        for v, n in enumerate(self.counts):
            if n > 0:
                self.env.process(self._days(v))

    def refer(self, hh: int, village: int) -> None:
        """The front office refers household ``hh`` for a home visit (outreach visits it first)."""
        if self.outreach:
            self.referrals[village].append(hh)

    def task(self, village: int, kind: str, ev=None) -> None:
        """Queue a ``verval``, ``followup`` or ``correction`` visit; ``ev`` succeeds when it is done."""
        self.tasks[village].append((kind, ev, self.env.now))

    def _days(self, v: int):
        """One working day at a time: tasks first, then outreach visits with the time left."""
        env = self.env
        s = self.s
        cal = self.cal
        rs = self.rs
        n = self.counts[v]
        tasks = self.tasks[v]
        log = self.log
        budget = n * s.staffing.fasilitator_hours_per_day * 60.0
        travel_mean = self.villages[v].travel_minutes
        outreach = self.outreach
        picker = self._picker(v) if outreach else None
        pending = self.ledger.pending
        identify = self.ledger.identify
        detect_p = s.outreach.detect_probability
        obs = self.observation
        if obs is not None:  # the visit's noisy view of the household (the office never sees the truth)
            busy, normal, sd, limit, note, rec_err = obs
            true_dec, in_dtks = self.hh.col["true_decile"], self.hh.col["in_dtks"]
        day_minutes = cal.minutes_per_day
        warmup, horizon = self.warmup, self.horizon
        while True:
            start = cal.next_open(env.now)
            if start >= horizon:
                return
            if start > env.now:
                yield env.timeout(start - env.now)
            used = 0.0
            task_minutes = 0.0
            while tasks and used < budget:
                kind, ev, t0 = tasks.popleft()
                dur = rs.t_verval() if kind == "verval" else rs.t_followup()
                dur += travel_mean * rs.x_travel()
                used += dur
                task_minutes += dur
                done = start + min(used / n, day_minutes) / MINUTES_PER_DAY
                if done >= warmup:
                    log.waits.append(done - t0)
                if ev is not None:
                    env.timeout(done - env.now).callbacks.append(_succeed(ev))
            if outreach:
                while used < budget:
                    hh = picker()
                    used += rs.t_visit() + travel_mean * rs.x_travel()
                    self.visits += 1
                    when = start + min(used / n, day_minutes) / MINUTES_PER_DAY
                    if hh in pending and rs.u_detect() < detect_p:
                        for x in identify(pending[hh][0], "outreach", when):
                            self.start_case(x, when - env.now)
                    if obs is not None and hh not in busy:
                        z = rec_err[hh] + sd * normal()
                        if (true_dec[hh] + z < limit) != in_dtks[hh]:
                            note(hh, v, z)
            if start >= warmup:
                # utilisation counts case work (verval, follow-up, corrections);
                # outreach fills whatever time is left by design
                log.busy_minutes += min(task_minutes, budget)
            # sleep until the next working day
            nxt = cal.next_work_day(int(start) + 1) + (cal.open if not cal.continuous else 0.0)
            yield env.timeout(nxt - env.now)

    def _picker(self, v: int) -> Callable[[], int]:
        """Which household a fasilitator visits next: a referral, else the next of the round."""
        g = self.rs.gen["outreach_pick"]
        hhs = self.hh.village_hh[v]
        referrals = self.referrals[v]
        if hhs.size == 0:
            return lambda: referrals.popleft() if referrals else -1
        strategy = self.s.outreach.strategy
        col = self.hh.arr
        unfit = np.asarray(col["house_unfit"], bool)[hhs]
        in_dtks, dtks_decile = self.hh.col["in_dtks"], self.hh.col["dtks_decile"]
        buf: list[int] = []
        rest = {"order": g.permutation(hhs.size), "at": 0}

        def next_round() -> None:
            if strategy == "random":  # no plan: a household at random each time
                buf.extend(hhs[g.integers(0, hhs.size, 1024)].tolist())
                return
            if strategy == "sweep":  # the whole village in a random order
                buf.extend(hhs[g.permutation(hhs.size)].tolist())
                return
            # poorest_first: the village's list as it stands now (listed households, and unlisted
            # ones in a visibly unfit house), poorest by the record first, each once a round; then
            # the next REST_SHARE of the other households (a rolling sweep of the whole village)
            h = hhs.tolist()
            rank = np.fromiter((dtks_decile[x] if in_dtks[x] else 0 for x in h), float, hhs.size)
            rank = np.where(rank > 0, rank, np.where(unfit, UNFIT_HOUSE_RANK, 0.0))
            on_list = rank > 0
            order = g.permutation(hhs.size)
            order = order[on_list[order]]
            order = order[np.argsort(rank[order], kind="stable")]
            others = rest["order"][~on_list[rest["order"]]]
            n = max(1, int(np.ceil(REST_SHARE * others.size))) if others.size else 0
            at = rest["at"] % others.size if others.size else 0
            sweep = np.concatenate([others[at:at + n], others[:max(0, at + n - others.size)]])
            rest["at"] = at + n
            buf.extend(hhs[np.concatenate([order, sweep])[::-1]].tolist())

        def pick() -> int:
            if referrals:
                self.referral_visits += 1
                return referrals.popleft()
            if not buf:
                next_round()
            return buf.pop()
        return pick
