"""The SLRT flow as a SimPy model (DOMAIN.md, "The flow").

One :class:`Model` is one replication of one scenario on one population. A *case* is
one need of one household, followed from the moment the need arises to the end of
the horizon, where it stands in exactly one of :data:`STATES`.

The flow, in integrated mode:

1. needs arise in households over time (incidence per household per year, higher
   for the poor; the kind of need follows the household: no housing need in a fit
   house, no school need without a school-age child);
2. identification, by *outreach* (a fasilitator's home visit finds the need) or by a
   *walk-in* to the village Puskesos or the district front office (FO);
   vulnerable households take the fast-track queue where the scenario has one;
   when a household is identified, all its open needs are registered together;
3. FO registration; the FO closes ``information`` needs on the spot; outreach cases
   are registered on the fasilitator's tablet, or on paper forms that reach the
   district in batches and are typed in by the FO (some sent back for correction);
4. back office (BO) database check against the DTKS;
5. referral with :func:`slrt_sim.domain.programs.refer` (the same rules that grade the
   role play); a household missing documents goes to Dukcapil first; a household
   that would qualify once listed gets a verval home visit and a DTKS proposal,
   decided at the next periodic determination; assessment by the BO and decision by
   the manager;
6. the programme enrols at its own intake cycle, up to its quota, most vulnerable
   and poorest first; a case waiting longer than the patience is lost;
7. delivery, then the fasilitator's follow-up visit: a delivery that failed becomes
   a complaint and goes round again from the BO check (at most ``max_rounds``);
8. outreach visits also feed data updating: a visited household whose DTKS record
   is wrong is corrected at the next determination.

In *fragmented* mode (the "before SLRT" comparison) there is no outreach, no
Puskesos, no referral between offices, no DTKS proposal and no follow-up: a
household must walk in to the office of the one programme it needs, which checks
only its own (static) list.

Staff are SimPy resources: FO, BO per Puskesos and at the district, the manager
(a priority resource when the scenario has a fast track; without one, a
:class:`FifoPool` computes each start from the earliest-free staff member — the same
waits as ``simpy.Resource`` with one event instead of three, checked by the tests);
the fasilitators of a village work from a task queue (verval and follow-up visits
first, outreach with the rest of their daily time budget), planned one working day
at a time so that visits that find nothing cost no events.

Randomness: one ``numpy`` generator per source (:data:`STREAMS`), spawned from the
replication's ``SeedSequence``, so that scenarios compared on the same seed see the
same needs, and parallel replications equal serial ones. Events are recorded into
plain lists; DataFrames are built once at the end (:mod:`slrt_sim.experiments.results`).
"""
from __future__ import annotations

import bisect
import heapq
import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import simpy
from simpy.events import NORMAL

from slrt_sim.domain import programs as P
from slrt_sim.domain.calendar import MINUTES_PER_DAY, WorkCalendar
from slrt_sim.domain.scenario import NEED_TYPES, Scenario

STATES = ("unidentified", "in_process", "waiting_quota", "served", "ineligible", "lost")
"""Every case ends the horizon in exactly one of these states."""

STREAMS = (
    "needs", "need_type", "route", "walkin_delay", "walkin_time", "fo", "bo_check", "bo_assess",
    "manager", "home_visit", "travel", "verval", "followup", "paper", "outreach_pick", "detect",
    "delivery", "lost", "validation_arrivals", "validation_household", "complaint",
)
"""Sources of randomness, each with its own stream (order fixed: never reorder)."""

STAGES = ("fo_district", "fo_puskesos", "bo_district", "bo_puskesos", "manager", "fasilitator")

_HH_COLUMNS = (
    "village_idx", "size", "true_decile", "poor", "n_child_0_6", "n_school_6_21", "n_out_of_school_7_18",
    "n_working_age", "has_pregnant", "has_elderly_60", "has_elderly_70", "has_disability",
    "has_severe_disability", "has_chronic", "house_unfit", "owns_land", "has_kk", "missing_docs",
    "in_dtks", "dtks_decile", "via_sktm", "receives_pkh", "receives_bpnt", "receives_pbi",
    "vulnerable", "atensi_target",
)
_MUTABLE = ("in_dtks", "dtks_decile", "has_kk", "missing_docs", "receives_pkh", "receives_bpnt", "receives_pbi")


# ----------------------------------------------------------------------------- sampling
def _draw_fn(spec) -> Callable[[np.random.Generator, int], np.ndarray]:
    kind = spec.dist
    if kind == "exponential":
        mean = spec.mean
        return lambda g, n: g.exponential(mean, n)
    if kind == "lognormal":
        sigma2 = math.log(1.0 + (spec.sd / spec.mean) ** 2)
        mu, sigma = math.log(spec.mean) - sigma2 / 2.0, math.sqrt(sigma2)
        return lambda g, n: g.lognormal(mu, sigma, n)
    if kind == "triangular":
        lo, mo, hi = spec.low, spec.mode, spec.high
        return lambda g, n: g.triangular(lo, mo, hi, n)
    value = spec.value
    return lambda g, n: np.full(n, value)


class Sampler:
    """Draws one value at a time from a stream, refilling a buffer in batches."""

    __slots__ = ("_gen", "_draw", "_buf", "_i", "_n")

    def __init__(self, gen: np.random.Generator, draw: Callable[[np.random.Generator, int], np.ndarray], batch: int = 512):
        self._gen, self._draw, self._n = gen, draw, batch
        self._buf: list[float] = []
        self._i = 0

    def __call__(self) -> float:
        i = self._i
        if i >= len(self._buf):
            self._buf = self._draw(self._gen, self._n).tolist()
            i = 0
        self._i = i + 1
        return self._buf[i]


def _uniform(g: np.random.Generator, n: int) -> np.ndarray:
    return g.random(n)


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``replication`` (0-based) of a scenario seed.

    Child ``0`` of the scenario seed makes the population (the district is the same in
    every replication); child ``r + 1`` drives replication ``r``. Using explicit spawn
    keys makes replication ``r`` identical whether run alone, in a loop or in parallel.
    """
    return np.random.SeedSequence(entropy=seed, spawn_key=(replication + 1,))


def population_seed(seed: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(entropy=seed, spawn_key=(0,))


# ----------------------------------------------------------------------------- cases
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


def _request_key(e):
    return e.key


class _InsortQueue(list):
    """SimPy's ``SortedQueue`` re-sorts the whole queue on every request, which is
    quadratic when a back office falls behind; binary insertion keeps the same order
    (priority, then arrival time; ties first come, first served) in O(log n) compares."""

    def append(self, item) -> None:
        bisect.insort_right(self, item, key=_request_key)


class FastPriorityResource(simpy.PriorityResource):
    """A :class:`simpy.PriorityResource` whose queue is kept sorted by insertion."""

    PutQueue = _InsortQueue


class FifoPool:
    """``capacity`` identical staff, first come first served (no fast track).

    The service time is drawn before the request, so with FIFO the start is known at the
    request: the earliest moment one of the staff is free (Lindley's recursion for c
    servers). :meth:`Model._serve` then needs one timeout instead of a SimPy request,
    grant and release; the waits, starts and ends are the same as with ``simpy.Resource``.
    """

    __slots__ = ("_env", "capacity", "free", "starts")

    def __init__(self, env: simpy.Environment, capacity: int):
        self._env = env
        self.capacity = capacity
        self.free = [0.0] * capacity  # a heap: when each staff member is next free
        self.starts: deque = deque()  # service starts still ahead (non-decreasing: FIFO)

    @property
    def count(self) -> int:
        """Staff busy now (as ``simpy.Resource.count``)."""
        now = self._env.now
        return sum(1 for f in self.free if f > now)

    @property
    def queue(self) -> deque:
        """One entry per request still waiting now (as ``len(simpy.Resource.queue)``)."""
        now, starts = self._env.now, self.starts
        while starts and starts[0] <= now:
            starts.popleft()
        return starts


class _Closed:
    """Stand-in for a resource with no staff: requests are never granted."""

    capacity = 0

    def __init__(self, env: simpy.Environment):
        self._env = env

    def request(self, priority: int = 0):
        return self._env.event()

    def release(self, req) -> None:  # pragma: no cover - never granted
        pass


@dataclass
class StageLog:
    """Plain lists filled during the run (waits in days, work in minutes)."""

    name: str
    staff: int
    waits: list
    busy_minutes: float = 0.0
    served: int = 0


# ----------------------------------------------------------------------------- the model
class Model:
    """One replication of one scenario on one population."""

    def __init__(self, scenario: Scenario, population: Any, seed: np.random.SeedSequence | int | None = None,
                 progress: Callable[[float], None] | None = None, exact_resources: bool = False):
        """``exact_resources=True`` uses ``simpy.Resource`` even where a :class:`FifoPool`
        gives the same result with fewer events (the tests compare the two)."""
        self.s = s = scenario
        self.exact_resources = exact_resources
        self.pop = population
        if seed is None:
            seed = replication_seed(s.seed, 0)
        elif isinstance(seed, int):
            seed = replication_seed(s.seed, seed)
        children = seed.spawn(len(STREAMS))
        self.rng = {name: np.random.Generator(np.random.PCG64(c)) for name, c in zip(STREAMS, children)}
        self.env = env = simpy.Environment()
        self.cal = WorkCalendar(s.calendar, s.horizon_days)
        self.horizon = float(s.horizon_days)
        self.warmup = float(s.warmup_days)
        self.integrated = s.mode == "integrated"
        self.limits = P.Limits.from_scenario(s)
        self._progress = progress
        self.events_processed = 0

        # households: static columns as lists, mutable DTKS/document state as lists
        hh = population.households
        self.n_hh = len(hh)
        self.arr = {c: hh[c].to_numpy() for c in _HH_COLUMNS if c in hh.columns}
        self.col = {c: a.tolist() for c, a in self.arr.items()}
        self.verified_decile = [0] * self.n_hh
        self.dtks_start = (np.asarray(hh["in_dtks"], dtype=bool).copy(), np.asarray(hh["true_decile"]).copy())

        # villages
        self.villages = [v for _, v in s.region.villages()]
        nv = len(self.villages)
        order = np.argsort(self.arr["village_idx"], kind="stable")
        bounds = np.searchsorted(self.arr["village_idx"][order], np.arange(nv + 1))
        self.village_hh = [order[bounds[v]:bounds[v + 1]] for v in range(nv)]

        # samplers
        svc = s.service
        r = self.rng
        self.t_fo = Sampler(r["fo"], _draw_fn(svc.fo_registration))
        self.t_bo_check = Sampler(r["bo_check"], _draw_fn(svc.bo_check))
        self.t_bo_assess = Sampler(r["bo_assess"], _draw_fn(svc.bo_assessment))
        self.t_manager = Sampler(r["manager"], _draw_fn(svc.manager_decision))
        self.t_visit = Sampler(r["home_visit"], _draw_fn(svc.home_visit))
        self.t_verval = Sampler(r["verval"], _draw_fn(svc.verval_visit))
        self.t_followup = Sampler(r["followup"], _draw_fn(svc.followup_visit))
        self.t_paper = Sampler(r["paper"], _draw_fn(svc.paper_entry))
        self.t_walkin_delay = Sampler(r["walkin_delay"], _draw_fn(s.walkin.delay_days))
        self.u_route = Sampler(r["route"], _uniform)
        self.u_walkin_time = Sampler(r["walkin_time"], _uniform)
        self.u_detect = Sampler(r["detect"], _uniform)
        self.u_delivery = Sampler(r["delivery"], _uniform)
        self.u_lost = Sampler(r["lost"], _uniform)
        self.u_travel = Sampler(r["travel"], lambda g, n: g.exponential(1.0, n))
        self.n_verval = Sampler(r["verval"], lambda g, n: g.normal(0.0, 1.0, n))
        fu = s.followup
        self.u_complaint = Sampler(r["complaint"], _uniform)
        self.t_complaint_simple = Sampler(r["complaint"], _draw_fn(fu.complaint_simple_days))
        self.t_complaint_normal = Sampler(r["complaint"], _draw_fn(fu.complaint_normal_days))
        self.t_complaint_investigation = Sampler(r["complaint"], _draw_fn(fu.complaint_investigation_days))

        # staff
        self.fast_track = s.walkin.fast_track
        st = s.staffing
        self.logs: dict[str, StageLog] = {}
        self.fo_district = self._resource("fo_district", st.district_fo)
        self.bo_district = self._resource("bo_district", st.district_bo)
        self.manager = self._resource("manager", st.managers)
        self.fo_pk: dict[int, Any] = {}
        self.bo_pk: dict[int, Any] = {}
        n_pk = 0
        for vi, v in enumerate(self.villages):
            if v.puskesos and self.integrated:
                n_pk += 1
                self.fo_pk[vi] = self._make(st.puskesos_fo)
                self.bo_pk[vi] = self._make(st.puskesos_bo)
        self.logs["fo_puskesos"] = StageLog("fo_puskesos", st.puskesos_fo * n_pk, [])
        self.logs["bo_puskesos"] = StageLog("bo_puskesos", st.puskesos_bo * n_pk, [])
        self.n_fac = [s.fasilitators_in(v) for v in self.villages]
        self.logs["fasilitator"] = StageLog("fasilitator", sum(self.n_fac), [])
        self.visits = 0
        self.tasks = [deque() for _ in self.villages]

        # programmes and the DTKS cycle
        self.waiting: dict[str, list] = {code: [] for code in P.PROGRAMS}
        self.dtks_queue: list = []
        self.db_updates: set[int] = set()

        # records
        self.cases: list[Case] = []
        self.pending: dict[int, list[Case]] = {}
        self.state_counts = dict.fromkeys(STATES, 0)
        self.timeline: list[tuple] = []
        self.enrolments: list[tuple] = []

    # ------------------------------------------------------------------ staff helpers
    def _make(self, capacity: int):
        if capacity <= 0:
            return _Closed(self.env)
        if self.fast_track:
            return FastPriorityResource(self.env, capacity=capacity)
        if self.exact_resources:
            return simpy.Resource(self.env, capacity=capacity)
        return FifoPool(self.env, capacity)

    def _resource(self, name: str, capacity: int):
        self.logs[name] = StageLog(name, capacity, [])
        return self._make(capacity)

    def _serve(self, res, log: StageLog, minutes: float, prio: int):
        """Queue for a staff member, then work ``minutes`` of working time."""
        env = self.env
        t_req = env.now
        if type(res) is FifoPool:
            free = res.free
            start = free[0] if free[0] > t_req else t_req
            end = self.cal.advance(start, minutes)
            heapq.heapreplace(free, end)
            if start > t_req:
                res.queue.append(start)
            if self.warmup <= start < self.horizon:  # as below: logged if the service starts in the run
                log.waits.append(start - t_req)
                log.busy_minutes += minutes
                log.served += 1
            yield env.timeout(end - t_req)
            return
        req = res.request(priority=prio) if self.fast_track else res.request()
        yield req
        start = env.now
        if start >= self.warmup:
            log.waits.append(start - t_req)
            log.busy_minutes += minutes
            log.served += 1
        yield env.timeout(self.cal.advance(start, minutes) - start)
        res.release(req)

    def _set_state(self, c: Case, state: str) -> None:
        counts = self.state_counts
        counts[c.state] -= 1
        counts[state] += 1
        c.state = state

    def _profile(self, hh: int) -> dict:
        col = self.col
        prof = {k: v[hh] for k, v in col.items()}
        prof["verified_decile"] = self.verified_decile[hh]
        return prof

    def _lost(self) -> bool:
        return self.u_lost() < self.s.followup.lost_probability

    # ------------------------------------------------------------------ needs
    def _draw_needs(self) -> list[tuple[float, int, str]]:
        """All needs of the horizon at once (vectorized): (time, household, need)."""
        s = self.s
        g = self.rng["needs"]
        col = self.arr
        poor = np.asarray(col["poor"], dtype=bool)
        rate = np.where(poor, s.needs.incidence_poor, s.needs.incidence_nonpoor) / 365.0
        counts = g.poisson(rate * self.horizon)
        hh = np.repeat(np.arange(self.n_hh), counts)
        times = g.random(hh.size) * self.horizon
        # kinds of need, weighted by the mix and by what fits the household
        w = np.zeros((hh.size, len(NEED_TYPES)))
        fits = P.need_fits(col)  # the one rule of which needs fit a household
        for j, need in enumerate(NEED_TYPES):
            w[:, j] = s.needs.mix.get(need, 0.0) * fits[need][hh]
        tot = w.sum(axis=1)
        w[tot == 0, 0] = 1.0  # nothing fits: the household asks for information
        cum = np.cumsum(w, axis=1)
        u = self.rng["need_type"].random(hh.size) * cum[:, -1]
        kind = (cum < u[:, None]).sum(axis=1)
        order = np.argsort(times, kind="stable")
        return list(zip(times[order].tolist(), hh[order].tolist(), [NEED_TYPES[k] for k in kind[order]]))

    def _needs_process(self, needs):
        env = self.env
        s = self.s
        cases = self.cases
        pending = self.pending
        counts = self.state_counts
        walk = s.walkin
        village_of = self.col["village_idx"]
        for t, hh, need in needs:
            if t > env.now:
                yield env.timeout(t - env.now)
            v = village_of[hh]
            c = Case(len(cases), hh, v, need, t)
            cases.append(c)
            counts["unidentified"] += 1
            pending.setdefault(hh, []).append(c)
            if not walk.enabled:
                continue
            p = walk.propensity
            if self.integrated and self.villages[v].puskesos:
                p = walk.puskesos_propensity
            if self.u_route() < p:
                arrive = self._walkin_time(t + self.t_walkin_delay())
                if arrive < self.horizon:
                    c.walkin_due = arrive
                    env.process(self._walkin(c, arrive - env.now))

    def _walkin_time(self, t: float) -> float:
        """Residents come during opening hours: a random moment of the first open day."""
        cal = self.cal
        if cal.continuous:
            return t
        d = cal.next_work_day(int(t))
        u = self.u_walkin_time()
        moment = d + cal.open + u * (cal.close - cal.open) * 0.95
        if moment < t:  # that moment of today has passed: come on the next working day
            d = cal.next_work_day(d + 1)
            moment = d + cal.open + u * (cal.close - cal.open) * 0.95
        return moment

    # ------------------------------------------------------------------ identification
    def _identify(self, c: Case, route: str, when: float) -> list[Case]:
        """Mark ``c`` (and, in integrated mode, every open need of its household) as found."""
        hh_pending = self.pending.get(c.hh)
        if not hh_pending:
            return []
        found = list(hh_pending) if self.integrated else [c]
        for x in found:
            hh_pending.remove(x)
            x.t_identified = when
            x.route = route
            x.fast_track = self.fast_track and bool(self.col["vulnerable"][x.hh])
            self._set_state(x, "in_process")
        if not hh_pending:
            del self.pending[c.hh]
        return found

    def _walkin(self, c: Case, delay: float):
        env = self.env
        yield env.timeout(delay)
        if c.t_identified is not None:
            return
        for x in self._identify(c, "walkin", env.now):
            env.process(self._case(x))

    # ------------------------------------------------------------------ one case
    def _case(self, c: Case, delay: float = 0.0):
        env = self.env
        s = self.s
        if delay > 0:
            yield env.timeout(delay)
        prio = 0 if c.fast_track else 1
        v = c.village
        # 3. registration
        if c.route == "walkin":
            if self.integrated and v in self.fo_pk:
                c.office = "puskesos"
                yield from self._serve(self.fo_pk[v], self.logs["fo_puskesos"], self.t_fo(), prio)
            else:
                c.office = "district"
                yield from self._serve(self.fo_district, self.logs["fo_district"], self.t_fo(), prio)
            c.t_registered = env.now
            if s.fo_closes_all or c.need == "information":
                self._close(c, "served", "closed_on_spot")
                return
        else:
            c.office = "fasilitator"
            if c.need == "information":
                c.t_registered = env.now
                self._close(c, "served", "closed_on_spot")
                return
            if s.data_entry.mode == "paper":
                yield from self._paper_entry(c, prio)
            c.t_registered = env.now
        if not self.integrated:
            yield from self._fragmented(c, prio)
            return
        # 4-6: database check, referral, programme
        if self._lost():
            self._close(c, "lost", "unreachable")
            return
        bo = self.bo_pk.get(v) if c.office == "puskesos" else None
        if bo is not None and not isinstance(bo, _Closed):
            yield from self._serve(bo, self.logs["bo_puskesos"], self.t_bo_check(), prio)
        else:
            yield from self._serve(self.bo_district, self.logs["bo_district"], self.t_bo_check(), prio)
        c.t_checked = env.now
        outcome = yield from self._refer_and_enrol(c, prio)
        if outcome != "delivered":
            return
        # 7. delivery and follow-up; a service that did not arrive becomes a complaint
        failure = s.programs[c.program].delivery_failure
        while True:
            if self.u_delivery() >= failure:
                self._close(c, "served", None)
                if s.followup.enabled:
                    self._task(v, "followup", env.event())  # the check still takes the fasilitator's time
                return
            if not s.followup.enabled:
                return  # nobody checks: the failure goes unnoticed and the case stays open
            ev = env.event()
            self._task(v, "followup", ev)
            yield ev
            if self._lost():
                self._close(c, "lost", "unreachable")
                return
            c.rounds += 1
            if c.rounds > s.followup.max_rounds:
                self._close(c, "lost", "too_many_rounds")
                return
            c.t_complaint = env.now
            # the back office registers the complaint and takes it up with the programme
            yield from self._serve(self.bo_district, self.logs["bo_district"], self.t_bo_check(), prio)
            yield env.timeout(self._complaint_days())

    def _complaint_days(self) -> float:
        f = self.s.followup
        u = self.u_complaint()
        if u < f.complaint_simple_share:
            return self.t_complaint_simple()
        if u < f.complaint_simple_share + f.complaint_investigation_share:
            return self.t_complaint_investigation()
        return self.t_complaint_normal()

    def _paper_entry(self, c: Case, prio: int):
        """Paper forms reach the district in batches and are typed in by the FO."""
        env = self.env
        s = self.s
        batch = s.data_entry.paper_batch_days
        while True:
            nxt = (math.floor(env.now / batch) + 1) * batch
            yield env.timeout(nxt - env.now)
            yield from self._serve(self.fo_district, self.logs["fo_district"], self.t_paper(), prio)
            if self.u_route() >= s.data_entry.paper_error_rate:
                return
            ev = env.event()
            self._task(c.village, "correction", ev)
            yield ev

    def _refer_and_enrol(self, c: Case, prio: int):
        """Steps 5 and 6. Returns ``"delivered"`` or ends the case and returns ``"closed"``."""
        env = self.env
        s = self.s
        enabled = self._enabled
        proposed = False
        while True:
            prof = self._profile(c.hh)
            ref = P.refer(c.need, prof, self.limits, enabled)
            if ref.program is None and ref.propose_dtks and not proposed:
                proposed = True
                # verval home visit by the fasilitator, then the DTKS determination
                ev = env.event()
                self._task(c.village, "verval", ev)
                yield ev
                c.t_verval = env.now
                self.verified_decile[c.hh] = self._measure_decile(c.hh)
                prof = self._profile(c.hh)
                ref = P.refer(c.need, prof, self.limits, enabled)
                if ref.program is None:
                    ev = env.event()
                    self.dtks_queue.append((c.hh, env.now, ev))
                    yield ev
                    c.t_dtks = env.now
                    continue
            if ref.program is None:
                self._close(c, "ineligible", ref.verdicts[-1].reasons[-1] if ref.verdicts else "no_programme")
                return "closed"
            # BO assessment and the manager's decision
            yield from self._serve(self.bo_district, self.logs["bo_district"], self.t_bo_assess(), prio)
            yield from self._serve(self.manager, self.logs["manager"], self.t_manager(), prio)
            c.t_referred = env.now
            if c.t_decided is None:
                c.t_decided = env.now
            c.t_enrolled = None  # a referral after Dukcapil starts a new enrolment
            c.program = ref.program
            ok = yield from self._enrol(c, ref.program)
            if not ok:
                return "closed"
            if ref.documents_first and c.need != "documents":
                # documents arrive after Dukcapil's delivery; then the real need is referred
                yield env.timeout(s.programs["DUKCAPIL"].delivery_days)
                self.col["has_kk"][c.hh] = True
                self.col["missing_docs"][c.hh] = False
                continue
            yield env.timeout(s.programs[ref.program].delivery_days)
            if ref.program == "DUKCAPIL":
                self.col["has_kk"][c.hh] = True
                self.col["missing_docs"][c.hh] = False
            return "delivered"

    def _enabled(self, code: str) -> bool:
        return self.s.programs[code].enabled

    def _enrol(self, c: Case, code: str):
        """Wait for the programme's intake, within its quota; False if the case was lost."""
        ev = self.env.event()
        self._set_state(c, "waiting_quota")
        prio = (0 if self.col["vulnerable"][c.hh] else 1, self.col["true_decile"][c.hh], self.env.now, c.id)
        self.waiting[code].append((prio, c, ev))
        ok = yield ev
        if not ok:
            self._close(c, "lost", "patience")
            return False
        self._set_state(c, "in_process")
        c.t_enrolled = self.env.now
        key = P.RECEIPT_FLAGS.get(code)
        if key:
            self.col[key][c.hh] = True
        return True

    def _fragmented(self, c: Case, prio: int):
        """Before SLRT: the one office of the one programme checks only its own list."""
        env = self.env
        yield from self._serve(self.bo_district, self.logs["bo_district"], self.t_bo_check(), prio)
        c.t_checked = env.now
        for code in P.NEED_PROGRAMS.get(c.need, ()):
            if code == "LOCAL" or not self._enabled(code):
                continue
            verdict = P.check(code, self._profile(c.hh), self.limits)
            if verdict.eligible:
                c.t_referred = c.t_decided = env.now
                c.program = code
                ok = yield from self._enrol(c, code)
                if not ok:
                    return
                yield env.timeout(self.s.programs[code].delivery_days)
                if self.u_delivery() < self.s.programs[code].delivery_failure:
                    return  # nobody follows up: the case stays unresolved
                self._close(c, "served", None)
                c.t_served = env.now
                return
            self._close(c, "ineligible", verdict.reasons[-1])
            return
        self._close(c, "ineligible", "no_programme")

    def _close(self, c: Case, state: str, reason: str | None) -> None:
        self._set_state(c, state)
        c.t_closed = self.env.now
        if c.t_decided is None and state in ("served", "ineligible"):
            c.t_decided = self.env.now
        c.reason = reason
        if state == "served":
            c.t_served = self.env.now

    def _measure_decile(self, hh: int) -> int:
        sd = self.s.dtks.verval_accuracy_sd
        d = int(round(self.col["true_decile"][hh] + sd * self.n_verval()))
        return min(10, max(1, d))

    # ------------------------------------------------------------------ fasilitators
    def _task(self, village: int, kind: str, ev) -> None:
        self.tasks[village].append((kind, ev, self.env.now))

    def _fasilitators(self, v: int):
        """One working day at a time: tasks first, then outreach visits with the time left."""
        env = self.env
        s = self.s
        cal = self.cal
        n = self.n_fac[v]
        if n <= 0:
            return
        tasks = self.tasks[v]
        log = self.logs["fasilitator"]
        budget = n * s.staffing.fasilitator_hours_per_day * 60.0
        travel_mean = self.villages[v].travel_minutes
        outreach = s.outreach.enabled and self.integrated
        picker = self._picker(v) if outreach else None
        pending = self.pending
        detect_p = s.outreach.detect_probability
        update_db = s.outreach.update_database
        max_dec = s.database.max_decile
        in_dtks = self.col["in_dtks"]
        true_dec = self.col["true_decile"]
        day_minutes = cal.minutes_per_day
        while True:
            start = cal.next_open(env.now)
            if start >= self.horizon:
                return
            if start > env.now:
                yield env.timeout(start - env.now)
            used = 0.0
            task_minutes = 0.0
            while tasks and used < budget:
                kind, ev, t0 = tasks.popleft()
                if kind == "verval":
                    dur = self.t_verval()
                else:
                    dur = self.t_followup()
                dur += travel_mean * self.u_travel()
                used += dur
                task_minutes += dur
                done = start + min(used / n, day_minutes) / MINUTES_PER_DAY
                if done >= self.warmup:
                    log.waits.append(done - t0)
                ev._ok = True
                ev._value = None
                env.schedule(ev, NORMAL, done - env.now)
            if outreach:
                while used < budget:
                    hh = picker()
                    used += self.t_visit() + travel_mean * self.u_travel()
                    self.visits += 1
                    when = start + min(used / n, day_minutes) / MINUTES_PER_DAY
                    if hh in pending and self.u_detect() < detect_p:
                        found = self._identify(pending[hh][0], "outreach", when)
                        for x in found:
                            env.process(self._case(x, when - env.now))
                    if update_db and (bool(in_dtks[hh]) != (true_dec[hh] <= max_dec)):
                        self.db_updates.add(hh)
            if start >= self.warmup:
                # utilisation counts case work (verval, follow-up, corrections);
                # outreach fills whatever time is left by design
                log.busy_minutes += min(task_minutes, budget)
            # sleep until the next working day
            nxt = cal.next_work_day(int(start) + 1) + (cal.open if not cal.continuous else 0.0)
            yield env.timeout(nxt - env.now)

    def _picker(self, v: int) -> Callable[[], int]:
        """Which household a fasilitator visits next, by the scenario's strategy."""
        g = self.rng["outreach_pick"]
        hhs = self.village_hh[v]
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
            # local knowledge: poorer homes are visited far more often
            dec = self.arr["true_decile"][hhs].astype(float)
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

    # ------------------------------------------------------------------ cycles
    def _programme_intake(self, code: str):
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

    def _dtks_determination(self):
        env = self.env
        s = self.s
        period = s.dtks.determination_cycle_months * 365.25 / 12.0
        cutoff = s.dtks.cutoff_days
        max_dec = s.database.max_decile
        k = 1
        while True:
            t = k * period
            k += 1
            if t >= self.horizon:
                return
            yield env.timeout(t - env.now)
            ready = [x for x in self.dtks_queue if x[1] <= env.now - cutoff]
            self.dtks_queue = [x for x in self.dtks_queue if x[1] > env.now - cutoff]
            for hh, _, ev in ready:
                self._determine(hh, self.verified_decile[hh] or self._measure_decile(hh), max_dec)
                ev.succeed()
            if self.integrated:
                for hh in self.db_updates:
                    self._determine(hh, self._measure_decile(hh), max_dec)
            self.db_updates = set()

    def _determine(self, hh: int, decile: int, max_dec: int) -> None:
        if decile <= max_dec:
            self.col["in_dtks"][hh] = True
            self.col["dtks_decile"][hh] = decile
        elif self.col["in_dtks"][hh]:
            self.col["in_dtks"][hh] = False
            self.col["dtks_decile"][hh] = 0

    def _monitor(self, step: float = 1.0):
        """A daily snapshot of case states (for backlog plots) and a throttled progress call."""
        env = self.env
        counts = self.state_counts
        last = time.perf_counter()
        while env.now < self.horizon:
            self.timeline.append((env.now,) + tuple(counts[s] for s in STATES))
            if self._progress is not None:
                now = time.perf_counter()
                if now - last > 0.25:
                    last = now
                    self._progress(env.now / self.horizon)
            yield env.timeout(step)

    # ------------------------------------------------------------------ validation arrivals
    def _poisson_walkins(self, rate_per_day: float):
        env = self.env
        g = self.rng["validation_arrivals"]
        hh_pick = self.rng["validation_household"]
        inter = Sampler(g, lambda gen, n: gen.exponential(1.0 / rate_per_day, n), batch=4096)
        n_hh = self.n_hh
        hh_buf = Sampler(hh_pick, lambda gen, n: gen.integers(0, n_hh, n), batch=4096)
        cases = self.cases
        counts = self.state_counts
        village_of = self.col["village_idx"]
        vulnerable = self.col["vulnerable"]
        fast = self.fast_track
        horizon, warmup = self.horizon, self.warmup
        need = "information" if self.s.fo_closes_all else "health"
        timeout = env.timeout
        fo = self.fo_district
        # the district FO closes the case on the spot in a FIFO pool: no process needed, the
        # case is registered and closed by the callback of the one timeout (same times as _case)
        on_spot = type(fo) is FifoPool and need == "information" and not (self.integrated and self.fo_pk)
        if on_spot:
            free = fo.free
            log = self.logs["fo_district"]
            advance = self.cal.advance
            t_fo = self.t_fo
            close = self._close_on_spot
        while True:
            yield timeout(inter())
            now = env.now
            if now >= horizon:
                return
            hh = hh_buf()
            c = Case(len(cases), hh, village_of[hh], need, now)
            cases.append(c)
            c.t_identified = now
            c.route = "walkin"
            c.fast_track = fast and bool(vulnerable[hh])
            c.state = "in_process"
            counts["in_process"] += 1
            if not on_spot:
                env.process(self._case(c))
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
        self._close(c, "served", "closed_on_spot")

    # ------------------------------------------------------------------ run
    def run(self) -> "Model":
        env = self.env
        s = self.s
        if s.walkin.rate_per_day:
            env.process(self._poisson_walkins(s.walkin.rate_per_day))
        else:
            env.process(self._needs_process(self._draw_needs()))
        for v in range(len(self.villages)):
            if self.n_fac[v] > 0:
                env.process(self._fasilitators(v))
        for code in P.PROGRAMS:
            if s.programs[code].enabled:
                env.process(self._programme_intake(code))
        env.process(self._dtks_determination())
        env.process(self._monitor())
        env.run(until=self.horizon)
        self.events_processed = _event_count(env)
        if self._progress is not None:
            self._progress(1.0)
        return self


def _event_count(env: simpy.Environment) -> int:
    """Events scheduled so far (SimPy numbers every scheduled event with a counter)."""
    text = repr(env._eid)  # 'count(N)': N is the next id
    try:
        return int(text[text.index("(") + 1:text.rindex(")")])
    except ValueError:  # pragma: no cover - SimPy internals changed
        return -1
