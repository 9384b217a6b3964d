"""Periodic decisions: programme intake cycles and the DTKS determination.

* :class:`ProgrammeIntake` — each enabled programme takes, at its intake times, up to its
  quota of the cases waiting for it (most vulnerable first, then poorest), and loses
  those that waited longer than the residents' patience;
* :class:`DtksDetermination` — every ``dtks.determination_cycle_months`` the district's
  proposals (households verified by a verval visit, proposed at least
  ``dtks.cutoff_days`` before) are decided: listed if the measured decile is within
  ``database.max_decile``, removed otherwise; outreach corrections are decided too.
"""
from __future__ import annotations

from typing import Callable

import simpy

from slrt_sim.domain import programs as P
from slrt_sim.model.cases import Case, Ledger
from slrt_sim.model.households import Households

class ProgrammeIntake:
    """The waiting lists of the programmes and their intake cycles."""

    def __init__(self, env: simpy.Environment, scenario, ledger: Ledger, households: Households, horizon: float):
        self.env, self.s, self.ledger, self.hh = env, scenario, ledger, households
        self.horizon = horizon
        self.waiting: dict[str, list] = {code: [] for code in P.PROGRAMS}
        self.enrolments: list[tuple] = []

    def start(self) -> None:
        for code in P.PROGRAMS:
            if self.s.programs[code].enabled:
                self.env.process(self._cycle(code))

    def enrol(self, c: Case, code: str):
        """Wait for the programme's intake, within its quota; False if the case was lost."""
        env = self.env
        ev = env.event()
        self.ledger.set_state(c, "waiting_quota")
        col = self.hh.col
        # most vulnerable first, then poorest by what the office knows (not the true decile)
        prio = (0 if col["vulnerable"][c.hh] else 1, self.hh.known_decile(c.hh), env.now, c.id)
        self.waiting[code].append((prio, c, ev))
        ok = yield ev
        if not ok:
            self.ledger.close(c, "lost", "patience")
            return False
        self.ledger.set_state(c, "in_process")
        c.t_enrolled = env.now
        key = P.RECEIPT_FLAGS.get(code)
        if key:
            col[key][c.hh] = True
        return True

    def _cycle(self, code: str):
        env = self.env
        prog = self.s.programs[code]
        patience = self.s.needs.patience_days
        waiting = self.waiting
        for t in prog.intake_times(self.horizon):
            yield env.timeout(t - env.now)
            queue = waiting[code]
            if not queue:
                continue
            keep = []
            queue.sort(key=lambda x: x[0])
            quota = prog.quota_per_cycle
            for item in queue:
                _, c, ev = item
                if env.now - item[0][2] > patience:
                    ev.succeed(False)
                elif quota > 0:
                    quota -= 1
                    ev.succeed(True)
                    self.enrolments.append((env.now, code, c.id))
                else:
                    keep.append(item)
            waiting[code] = keep


class DtksDetermination:
    """Proposals to the DTKS, decided at the periodic determination.

    ``measure(hh)`` is a verval measurement of a household's decile (with noise);
    ``corrections`` (integrated mode) decides the outreach corrections too.
    """

    def __init__(self, env: simpy.Environment, scenario, households: Households, horizon: float,
                 measure: Callable[[int], int], corrections: bool):
        self.env, self.s, self.hh = env, scenario, households
        self.horizon = horizon
        self.measure = measure
        self.corrections = corrections
        self.queue: list = []
        self.updates: set[int] = set()
        self.additions = 0
        self.removals = 0

    def start(self) -> None:
        self.env.process(self._cycle())

    def propose(self, hh: int):
        """An event that succeeds when the determination has decided household ``hh``."""
        ev = self.env.event()
        self.queue.append((hh, self.env.now, ev))
        return ev

    def flag(self, hh: int) -> None:
        """Outreach saw that household ``hh``'s record looks wrong."""
        self.updates.add(hh)

    def _cycle(self):
        env = self.env
        s = self.s
        period = s.dtks.determination_cycle_months * 365.25 / 12.0
        cutoff = s.dtks.cutoff_days
        max_dec = s.database.max_decile
        verified = self.hh.verified_decile
        k = 1
        while True:
            t = k * period
            k += 1
            if t >= self.horizon:
                return
            yield env.timeout(t - env.now)
            ready = [x for x in self.queue if x[1] <= env.now - cutoff]
            self.queue = [x for x in self.queue if x[1] > env.now - cutoff]
            for hh, _, ev in ready:
                self.determine(hh, verified[hh] or self.measure(hh), max_dec)
                ev.succeed()
            if self.corrections:
                for hh in self.updates:
                    self.determine(hh, self.measure(hh), max_dec)
            self.updates = set()

    def determine(self, hh: int, decile: int, max_dec: int) -> None:
        col = self.hh.col
        if decile <= max_dec:
            if not col["in_dtks"][hh]:
                self.additions += 1
            col["in_dtks"][hh] = True
            col["dtks_decile"][hh] = decile
        elif col["in_dtks"][hh]:
            self.removals += 1
            col["in_dtks"][hh] = False
            col["dtks_decile"][hh] = 0
