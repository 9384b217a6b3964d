"""Staff as queueing resources, and the office staff of a district.

* :class:`FifoPool` — ``capacity`` identical staff, first come first served, with one
  event per service instead of SimPy's request/grant/release (same waits, checked by
  the tests against ``simpy.Resource``);
* :class:`FastPriorityResource` — ``simpy.PriorityResource`` whose queue is kept sorted by
  binary insertion (the fast track: vulnerable residents first);
* :class:`Closed` — a stage with no staff: requests are never granted;
* :class:`StageLog` — waits and work of one stage, as plain lists;
* :class:`Staff` — the district FO and BO, the manager, and each Puskesos' FO and BO,
  with :meth:`Staff.serve`, the one way a case queues for and receives a service.
"""
from __future__ import annotations

import bisect
import heapq
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import simpy


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
    servers). :meth:`Staff.serve` then needs one timeout instead of a SimPy request,
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


class Closed:
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
    waits: list = field(default_factory=list)
    busy_minutes: float = 0.0
    served: int = 0


class Staff:
    """The offices' staff of one replication and their stage logs.

    ``puskesos_villages`` are the villages (by index) with a Puskesos whose staff exist
    in this run (integrated mode). Services that start before ``warmup`` or at/after
    ``horizon`` are not logged.
    """

    def __init__(self, env: simpy.Environment, cal, staffing, puskesos_villages: list[int], *,
                 fast_track: bool, exact: bool, warmup: float, horizon: float, fasilitators: int):
        self.env, self.cal = env, cal
        self.fast_track, self.exact = fast_track, exact
        self.warmup, self.horizon = warmup, horizon
        self.logs: dict[str, StageLog] = {}
        self.fo_district = self._stage("fo_district", staffing.district_fo)
        self.bo_district = self._stage("bo_district", staffing.district_bo)
        self.manager = self._stage("manager", staffing.managers)
        self.fo_pk: dict[int, Any] = {v: self.make(staffing.puskesos_fo) for v in puskesos_villages}
        self.bo_pk: dict[int, Any] = {v: self.make(staffing.puskesos_bo) for v in puskesos_villages}
        n_pk = len(puskesos_villages)
        self.logs["fo_puskesos"] = StageLog("fo_puskesos", staffing.puskesos_fo * n_pk)
        self.logs["bo_puskesos"] = StageLog("bo_puskesos", staffing.puskesos_bo * n_pk)
        self.logs["fasilitator"] = StageLog("fasilitator", fasilitators)
        self.logs["fo_paper"] = StageLog("fo_paper", staffing.district_fo)

    def make(self, capacity: int):
        """A resource of ``capacity`` staff of the kind this run uses."""
        if capacity <= 0:
            return Closed(self.env)
        if self.fast_track:
            return FastPriorityResource(self.env, capacity=capacity)
        if self.exact:
            return simpy.Resource(self.env, capacity=capacity)
        return FifoPool(self.env, capacity)

    def _stage(self, name: str, capacity: int):
        self.logs[name] = StageLog(name, capacity)
        return self.make(capacity)

    def serve(self, res, log: StageLog, minutes: float, prio: int, work_log: StageLog | None = None):
        """Queue for a staff member of ``res``, then work ``minutes`` of working time.

        The wait is logged in ``log``; the work in ``log`` and, when given, also in
        ``work_log`` (the stage whose staff do it, for their utilisation)."""
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
                if work_log is not None:
                    work_log.busy_minutes += minutes
            yield env.timeout(end - t_req)
            return
        req = res.request(priority=prio) if self.fast_track else res.request()
        yield req
        start = env.now
        if start >= self.warmup:
            log.waits.append(start - t_req)
            log.busy_minutes += minutes
            log.served += 1
            if work_log is not None:
                work_log.busy_minutes += minutes
        yield env.timeout(self.cal.advance(start, minutes) - start)
        res.release(req)
