"""Running a SimPy environment to a horizon while counting the events it processes."""
from __future__ import annotations

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import URGENT


def _stop(event) -> None:
    raise StopSimulation(None)


def run_until(env: simpy.Environment, until: float) -> int:
    """Process events up to ``until`` (as ``env.run(until=until)``); return how many were processed.

    A stop event scheduled with urgent priority at ``until`` (what ``env.run`` does), and
    ``env.step()`` in a loop that counts. The count is the same measure for the model and for
    the bare SimPy queue of the benchmarks. The stop event is marked as succeeded, as
    ``env.run`` marks its own: SimPy puts a stop event back in the queue when it ends a run, so
    a later ``run_until`` on the same environment (a run paused at the warm-up, say) processes it.
    """
    if until <= env.now:
        return 0
    stop = env.event()
    stop._ok, stop._value = True, None  # as simpy.Environment.run marks its stop event
    stop.callbacks.append(_stop)
    env.schedule(stop, URGENT, until - env.now)
    step = env.step
    n = 0
    try:
        while True:
            step()
            n += 1
    except (StopSimulation, EmptySchedule):
        pass
    return n
