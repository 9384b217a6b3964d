"""Programme intake cycles (the DTKS determination cycle is in :mod:`slrt_sim.model.dtks`).

:class:`ProgrammeIntake` — each enabled programme takes, at its intake times, up to its
quota of the cases waiting for it (most vulnerable first, then poorest by the decile the
office knows), and loses those that waited longer than the residents' patience.
"""
from __future__ import annotations

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

    def enrol(self, c: Case, code: str, ledger=None, first: bool | None = None):
        """Wait for the programme's intake, within its quota; False if the case was lost.

        ``ledger`` is the book the case's states go to (the run's ledger, or a role-play household's
        own); ``first`` whether the programme ranks the case first (default: the household is
        vulnerable). Then the poorest first, by the decile the office knows, never the true one."""
        env = self.env
        ev = env.event()
        ledger = ledger or self.ledger
        ledger.set_state(c, "waiting_quota")
        col = self.hh.col
        if first is None:
            first = col["vulnerable"][c.hh]
        prio = (0 if first else 1, self.hh.known_decile(c.hh), env.now, c.id)
        self.waiting[code].append((prio, c, ev))
        ok = yield ev
        if not ok:
            ledger.close(c, "lost", "patience")
            return False
        ledger.set_state(c, "in_process")
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
