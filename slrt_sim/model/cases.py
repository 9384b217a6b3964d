"""Cases: one need of one household, and the ledger that tracks where every case stands.

A case is followed from the moment the need arises to the end of the horizon, where it
stands in exactly one of :data:`STATES`. The :class:`Ledger` owns the list of cases, the
open needs of households nobody has found yet (``pending``) and a running count per
state (for the daily timeline); every change of state goes through it.
"""
from __future__ import annotations

from typing import Sequence

STATES = ("unidentified", "in_process", "waiting_quota", "served", "ineligible", "lost")
"""Every case ends the horizon in exactly one of these states."""

STAGES = ("fo_district", "fo_puskesos", "bo_district", "bo_puskesos", "manager", "fasilitator", "fo_paper")
"""Staffed stages whose queues are recorded (see :class:`slrt_sim.model.resources.StageLog`).

``fo_paper`` is the district FO typing in paper forms: the same staff as ``fo_district``
(whose utilisation includes that work), but its waits are forms waiting in a pile, reported
apart from the residents' waits at the counter."""


class Case:
    """One need of one household, with the time of each step (calendar days)."""

    __slots__ = (
        "id", "hh", "village", "need", "route", "office", "fast_track", "t_need", "t_identified",
        "t_registered", "t_checked", "t_verval", "t_dtks", "t_referred", "t_enrolled", "t_served",
        "t_closed", "t_complaint", "t_decided", "program", "state", "reason", "rounds", "walkin_due",
    )

    def __init__(self, cid: int, hh: int, village: int, need: str, t_need: float):
        self.id, self.hh, self.village, self.need, self.t_need = cid, hh, village, need, t_need
        self.route = self.office = self.program = self.reason = None
        self.fast_track = False
        self.t_identified = self.t_registered = self.t_checked = self.t_verval = None
        self.t_dtks = self.t_referred = self.t_enrolled = self.t_served = None
        self.t_closed = self.t_complaint = self.t_decided = None
        self.state = "unidentified"
        self.rounds = 0
        self.walkin_due = None


CASE_FIELDS = Case.__slots__[:-1]
"""The columns of the case table (every slot but the internal ``walkin_due``)."""


class Ledger:
    """The cases of a run and their states.

    ``clock`` is the simulation environment (only ``clock.now`` is read); ``vulnerable``
    says per household whether it takes the fast track where the scenario has one;
    ``whole_household`` (integrated mode) registers every open need of a household when
    one of them is found.
    """

    def __init__(self, clock, vulnerable: Sequence[bool], fast_track: bool, whole_household: bool):
        self.clock = clock
        self.vulnerable = vulnerable
        self.fast_track = fast_track
        self.whole_household = whole_household
        self.cases: list[Case] = []
        self.pending: dict[int, list[Case]] = {}
        self.counts = dict.fromkeys(STATES, 0)

    def arise(self, hh: int, village: int, need: str, t: float) -> Case:
        """A new need nobody knows of yet."""
        c = Case(len(self.cases), hh, village, need, t)
        self.cases.append(c)
        self.counts["unidentified"] += 1
        self.pending.setdefault(hh, []).append(c)
        return c

    def walk_in_now(self, hh: int, village: int, need: str) -> Case:
        """A validation walk-in: the case arises and is identified at the same moment."""
        now = self.clock.now
        c = Case(len(self.cases), hh, village, need, now)
        self.cases.append(c)
        c.t_identified = now
        c.route = "walkin"
        c.fast_track = self.fast_track and bool(self.vulnerable[hh])
        c.state = "in_process"
        self.counts["in_process"] += 1
        return c

    def set_state(self, c: Case, state: str) -> None:
        counts = self.counts
        counts[c.state] -= 1
        counts[state] += 1
        c.state = state

    def close(self, c: Case, state: str, reason: str | None) -> None:
        """End ``c`` now in ``state`` (served, ineligible or lost) for ``reason``."""
        now = self.clock.now
        self.set_state(c, state)
        c.t_closed = now
        if c.t_decided is None and state in ("served", "ineligible"):
            c.t_decided = now
        c.reason = reason
        if state == "served":
            c.t_served = now

    def identify(self, c: Case, route: str, when: float) -> list[Case]:
        """Mark ``c`` (and, for a whole household, every open need of it) as found at ``when``."""
        hh_pending = self.pending.get(c.hh)
        if not hh_pending:
            return []
        found = list(hh_pending) if self.whole_household else [c]
        fast = self.fast_track and bool(self.vulnerable[c.hh])
        for x in found:
            hh_pending.remove(x)
            x.t_identified = when
            x.route = route
            x.fast_track = fast
            self.set_state(x, "in_process")
        if not hh_pending:
            del self.pending[c.hh]
        return found
