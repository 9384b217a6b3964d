"""The fasilitators of each village: case tasks first, outreach visits with the rest of the day.

Each village's fasilitators share a task queue (verval visits, follow-up visits, paper
form corrections) and a daily time budget (``staffing.fasilitator_hours_per_day`` each).
Their day is planned at the opening, one working day at a time: tasks in arrival order
while time is left, then — in integrated mode with outreach on — home visits to
households picked by the scenario's strategy. A visit finds an open need of the
household with ``outreach.detect_probability``; visits that find nothing cost no events.
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


UNLISTED_UNFIT_DECILE = 2
"""How poor an unlisted household in an unfit house looks to a fasilitator choosing visits
(assumption, range 1-3)."""
UNLISTED_FIT_DECILE = 6
"""How poor an unlisted household in a fit house looks (assumption, range 5-7)."""


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
        self.visits = 0

    def start(self) -> None:
        for v, n in enumerate(self.counts):
            if n > 0:
                self.env.process(self._days(v))

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
            busy, normal, sd, limit, note = obs
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
                        z = sd * normal()
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
        """Which household a fasilitator visits next, by the scenario's strategy."""
        g = self.rs.gen["outreach_pick"]
        hhs = self.hh.village_hh[v]
        if hhs.size == 0:
            return lambda: -1
        strategy = self.s.outreach.strategy
        if strategy == "sweep":
            order = g.permutation(hhs).tolist()
            state = {"i": 0}

            def sweep() -> int:
                i = state["i"]
                state["i"] = (i + 1) % len(order)
                return order[i]
            return sweep
        if strategy == "poorest_first":
            # what the fasilitator can know at the start: the DTKS record's decile where the
            # household is listed; for the others, what the house shows from the street
            # (assumption: an unfit house looks like decile UNLISTED_UNFIT_DECILE, a fit one
            # like UNLISTED_FIT_DECILE). Poorer-looking homes are visited far more often.
            col = self.hh.arr
            listed = np.asarray(col["in_dtks"], bool)[hhs]
            looks = np.where(np.asarray(col["house_unfit"], bool)[hhs], UNLISTED_UNFIT_DECILE, UNLISTED_FIT_DECILE)
            dec = np.where(listed, np.asarray(col["dtks_decile"])[hhs], looks).astype(float)
            w = (11.0 - dec) ** 3
        else:
            w = np.ones(hhs.size)
        cum = np.cumsum(w)
        cum /= cum[-1]
        buf: list[int] = []

        def pick() -> int:
            if not buf:
                idx = np.searchsorted(cum, g.random(1024), side="right")
                buf.extend(hhs[np.minimum(idx, hhs.size - 1)][::-1].tolist())
            return buf.pop()
        return pick
