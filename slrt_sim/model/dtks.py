"""Updating the DTKS through its real path (DOMAIN.md, flow step 4).

A household's record changes only through this path:

1. **Noticed.** Either the back office finds that a case's household would qualify once
   listed (a *case proposal*), or a fasilitator's outreach visit *observes* the household's
   decile and notes a record that looks wrong (unlisted but observed within
   ``database.max_decile``, or listed but observed above it). The fasilitator never sees
   the true decile: a visit sees the household's *recorded indicators*, whose error is
   persistent (``Households.record_error``: a listed household looks like its record; an
   unlisted one carries an error of sd ``dtks.visit_accuracy_sd`` drawn once), plus a
   small fresh error per visit (``dtks.visit_fresh_sd``). Visiting again does not average
   the error away; only a verval corrects it. A household already in the pipeline is not
   proposed again: a case of that household waits for the item under way.
2. **Supervisor check** (outreach notes only): the kecamatan supervisors (TKSK/TKSW,
   ``staffing.supervisors``) check fasilitators' data, ``dtks.supervisor_checks_per_day``
   notes each per working day, first come first served. Without supervisors no outreach
   note goes further.
3. **Village deliberation** (*musdes/muskel*): each village meets every
   ``dtks.deliberation_days`` — by default once per determination cycle, since villages
   deliberate to feed each determination — (villages staggered over the period) and accepts each item
   with probability ``dtks.deliberation_acceptance``; a removal, further, only against the
   community's resistance (``dtks.removal_resistance``, an assumption: neighbours are
   reluctant to strike a family off the aid list). Every removal goes through it, also
   one that a case's verval found.
4. **Verval**: the village's fasilitator makes a verval home visit (a task in their queue,
   taking their time) and measures the decile (``dtks.verval_accuracy_sd``); an outreach
   note goes on only if that measurement still supports the change. For a case proposal
   the case's pathway asks for the visit (and may find a local programme at that point).
5. **Operator entry**: ``dtks.operators`` operators enter ``dtks.entries_per_operator_day``
   items each per working day.
6. **Approval and determination**: at each determination (every
   ``dtks.determination_cycle_months``), items entered at least ``dtks.cutoff_days`` before
   are approved by the district head with probability ``dtks.approval_rate``, changes
   (additions and removals) within the cycle's quota (``dtks.quota_per_year`` spread over
   the year's determinations; the clearest first — measured furthest from the cut-off —
   the rest wait for the next cycle).

No published figure gives the pace of DTKS updating in the seed districts: the defaults
are assumptions with ranges (``scenarios/README.md``), chosen so that exclusion error falls
by a few points a year, not tens.
"""
from __future__ import annotations

from collections import deque
from typing import Callable, NamedTuple

import simpy

from slrt_sim.model.households import Households
from slrt_sim.model.streams import Streams


class Observation(NamedTuple):
    """How an outreach visit observes a household (used inline in the fasilitators' day).

    The visit sees ``true decile + error[hh] + sd * N(0, 1)`` (``error``: the persistent
    error of the recorded indicators; ``sd``: the fresh error of one visit); rounded, that
    is within the DTKS target when it is below ``limit`` (``max_decile + 0.5``). A household
    already in the pipeline (``busy``) is not noted again."""

    busy: dict
    normal: Callable[[], float]
    sd: float
    limit: float
    note: Callable[[int, int, float], None]
    error: list


class Item:
    """One proposed change of one household's record."""

    __slots__ = ("hh", "village", "add", "decile", "ev", "t", "verified")

    def __init__(self, hh: int, village: int, add: bool, decile: int, ev, t: float, verified: bool = False):
        self.hh, self.village, self.add, self.decile, self.ev, self.t = hh, village, add, decile, ev, t
        self.verified = verified  # measured by a verval already: after the deliberation, to the operator


class DtksUpdating:
    """The DTKS updating pipeline of one replication (integrated mode)."""

    def __init__(self, env: simpy.Environment, scenario, cal, households: Households, streams: Streams,
                 n_villages: int, horizon: float, measure: Callable[[int], int], *, outreach_notes: bool):
        self.env, self.s, self.cal, self.hh, self.rs = env, scenario, cal, households, streams
        self.measure = measure
        self.verval_task: Callable | None = None  # set by connect()
        self.horizon = horizon
        self.n_villages = n_villages
        self.outreach_notes = outreach_notes and scenario.staffing.supervisors > 0
        self.notes: deque[Item] = deque()              # waiting for a supervisor
        self.agenda: list[list[Item]] = [[] for _ in range(n_villages)]  # waiting for the deliberation
        self.to_enter: deque[Item] = deque()           # waiting for an operator
        self.entered: list[Item] = []                  # waiting for the determination
        # households with an item in the pipeline -> the cases waiting for that item's outcome
        self.busy: dict[int, list] = {}
        self.counters = dict.fromkeys(("notes", "case_proposals", "joined", "deliberation_rejected",
                                       "verval_rejected", "approval_rejected",
                                       "additions", "removals", "carried_over"), 0)

    def connect(self, verval_task: Callable) -> None:
        """``verval_task(village, kind, done)``: queue a fasilitator's verval visit; ``done.succeed()`` at its end."""
        self.verval_task = verval_task

    def start(self) -> None:
        env = self.env
        if self.outreach_notes:
            env.process(self._supervisors())
        for v in range(self.n_villages):
            env.process(self._deliberations(v))
        env.process(self._operators())
        env.process(self._determinations())

    # ------------------------------------------------------------------ entry points
    def observation(self) -> Observation | None:
        """What an outreach visit needs to observe households (None: outreach notes nothing)."""
        if not self.outreach_notes:
            return None
        return Observation(self.busy, self.rs.n_visit, self.s.dtks.visit_fresh_sd,
                           self.s.database.max_decile + 0.5, self.note, self.hh.record_error)

    def note(self, hh: int, village: int, error: float) -> None:
        """A fasilitator notes household ``hh``, whose record looks wrong (observed with ``error``)."""
        add = not self.hh.col["in_dtks"][hh]
        seen = self.hh.measured_decile(hh, error)
        self.busy.setdefault(hh, [])
        self.counters["notes"] += 1
        self.notes.append(Item(hh, village, add, seen, None, self.env.now))

    def deliberate(self, hh: int, village: int):
        """A case proposal: an event whose value says whether the village deliberation accepted it.

        A household with an item already under way is not proposed twice: the case waits
        for that item's outcome, and the event's value is False (the case refers again
        with the listing as it then stands)."""
        ev = self.env.event()
        waiting = self.busy.get(hh)
        if waiting is not None:
            self.counters["joined"] += 1
            waiting.append(ev)
            return ev
        self.counters["case_proposals"] += 1
        self.busy[hh] = []
        self.agenda[village].append(Item(hh, village, True, 0, ev, self.env.now))
        return ev

    def submit(self, hh: int, village: int, decile: int):
        """After verval: an event that succeeds (value: listed or not) once the determination decided."""
        ev = self.env.event()
        listed = bool(self.hh.col["in_dtks"][hh])
        add = decile <= self.s.database.max_decile
        if add == listed:  # nothing to change
            self._release(hh)
            ev.succeed(listed)
            return ev
        self.busy.setdefault(hh, [])
        it = Item(hh, village, add, decile, ev, self.env.now, verified=True)
        if add:
            self.to_enter.append(it)  # the addition was deliberated before its verval
        else:
            self.agenda[village].append(it)  # a removal goes to the village deliberation
        return ev

    # ------------------------------------------------------------------ stages
    def _daily(self, queue: deque, capacity: float, move):
        """Each working day, move up to ``capacity`` items (fractions carried over) from ``queue``."""
        env, cal = self.env, self.cal
        carry = 0.0
        while True:
            start = cal.next_open(env.now)
            if start >= self.horizon:
                return
            if start > env.now:
                yield env.timeout(start - env.now)
            carry = carry + capacity if queue else 0.0
            while queue and carry >= 1.0:
                carry -= 1.0
                move(queue.popleft())
            nxt = cal.next_work_day(int(start) + 1) + (cal.open if not cal.continuous else 0.0)
            yield env.timeout(nxt - env.now)

    def _supervisors(self):
        cap = self.s.staffing.supervisors * self.s.dtks.supervisor_checks_per_day
        yield from self._daily(self.notes, cap, lambda it: self.agenda[it.village].append(it))

    def _operators(self):
        cap = self.s.dtks.operators * self.s.dtks.entries_per_operator_day
        def enter(it: Item) -> None:
            it.t = self.env.now
            self.entered.append(it)
        yield from self._daily(self.to_enter, cap, enter)

    def _deliberations(self, v: int):
        env = self.env
        d = self.s.dtks
        period = d.deliberation_period
        t = period * (v + 1) / (self.n_villages + 1)  # villages staggered over the period
        u = self.rs.u_deliberation
        while t < self.horizon:
            yield env.timeout(t - env.now)
            items, self.agenda[v] = self.agenda[v], []
            for it in items:
                p = d.deliberation_acceptance if it.add else d.deliberation_acceptance * (1.0 - d.removal_resistance)
                if u() < p:
                    if it.verified:
                        self.to_enter.append(it)
                    elif it.ev is not None:
                        it.ev.succeed(True)  # the case goes on to its verval visit
                    else:
                        self.verval_task(it.village, "verval", _Verval(self, it))
                else:
                    self.counters["deliberation_rejected"] += 1
                    self._release(it.hh)
                    if it.ev is not None:
                        it.ev.succeed(not it.add if it.verified else False)
            t += period

    def _determinations(self):
        env = self.env
        d = self.s.dtks
        period = d.cycle_days
        k = 1
        while k * period < self.horizon:
            yield env.timeout(k * period - env.now)
            k += 1
            self._determine()

    def _determine(self) -> None:
        d = self.s.dtks
        cutoff = self.env.now - d.cutoff_days
        ready = [it for it in self.entered if it.t <= cutoff]
        later = [it for it in self.entered if it.t > cutoff]
        u = self.rs.u_approval
        col = self.hh.col
        quota = d.quota_per_cycle
        carried = []
        cut = self.s.database.max_decile
        # the clearest changes first: measured furthest from the cut-off, then the oldest
        clear = sorted(ready, key=lambda it: (-(cut + 1 - it.decile if it.add else it.decile - cut), it.t))
        for it in clear:
            if quota <= 0:
                carried.append(it)  # over this cycle's quota: waits for the next determination
                continue
            if u() >= d.approval_rate:
                self.counters["approval_rejected"] += 1
                self._done(it, not it.add)
                continue
            quota -= 1
            if it.add:
                self.counters["additions"] += 1
                col["in_dtks"][it.hh] = True
                col["dtks_decile"][it.hh] = it.decile
            else:
                self.counters["removals"] += 1
                col["in_dtks"][it.hh] = False
                col["dtks_decile"][it.hh] = 0
            self._done(it, it.add)
        self.counters["carried_over"] = len(carried)
        self.entered = carried + later

    def verified(self, it: Item) -> None:
        """The verval visit of an outreach note is done: enter it if the measurement supports it."""
        decile = self.hh.verified_decile[it.hh] = self.measure(it.hh)
        if (decile <= self.s.database.max_decile) == it.add:
            it.decile = decile
            self.to_enter.append(it)
        else:
            self.counters["verval_rejected"] += 1
            self._release(it.hh)

    def _done(self, it: Item, listed: bool) -> None:
        self._release(it.hh)
        if it.ev is not None:
            it.ev.succeed(listed)

    def _release(self, hh: int) -> None:
        """The household's item is decided: the cases that waited for it refer again."""
        for ev in self.busy.pop(hh, ()):
            ev.succeed(False)


class _Verval:
    """Stands for the event a fasilitator's task completes: the note's verval is done."""

    __slots__ = ("pipeline", "item")

    def __init__(self, pipeline: DtksUpdating, item: Item):
        self.pipeline, self.item = pipeline, item

    def succeed(self, value=None) -> None:
        self.pipeline.verified(self.item)
