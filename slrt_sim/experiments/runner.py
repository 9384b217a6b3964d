"""The run engine: replications of one or many scenarios, serially, in processes or on Dask.

Everything that runs the model goes through :func:`run_many` (replications, sweeps, the
planner and the walkthrough), so there is one place that decides seeds, populations and
what a run ships back.

Replication ``r`` of a scenario with seed ``S`` always uses the seed sequence
:func:`slrt_sim.model.streams.replication_seed` ``(S, r)`` and the population made from
:func:`slrt_sim.model.streams.population_seed` ``(S)``, so the same replication gives the same
numbers whether it runs alone, in a loop, in a process pool or on a Dask cluster; results
come back ordered by (scenario, replication) whatever order the tasks finished in.

The unit of work is a *batch*: several replications of one scenario in one task (less
overhead per task; about four tasks per worker keeps the load balanced). Each worker
process caches the synthetic population (:func:`get_population`).

Process pools (:func:`process_pool`) choose their start method explicitly:
``forkserver`` where the platform has it (Linux, macOS), else ``spawn`` (Windows) —
never ``fork`` unless asked, since forking a process that already runs threads
(Jupyter, Voila, Dask) may deadlock. ``SLRT_START_METHOD`` (or ``start_method=``)
picks another. Workers get the populations made here through the pool's
initializer, so a new process does not make them again; they run only top-level
functions with picklable arguments.
"""
from __future__ import annotations

import hashlib
import json
import math
import multiprocessing as mp
import os
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Callable, Collection, Iterable, Sequence

import numpy as np

from slrt_sim.domain.scenario import Scenario
from slrt_sim.experiments import ExperimentError
from slrt_sim.experiments.results import Replications, RunResult, collect
from slrt_sim.model.flow import Model
from slrt_sim.model.streams import population_seed, replication_seed

ProgressFn = Callable[[int, int], None]

_POP_CACHE: "OrderedDict[str, Any]" = OrderedDict()
_POP_CACHE_SIZE = 4
START_METHOD_ENV = "SLRT_START_METHOD"


# ----------------------------------------------------------------------------- populations
def population_key(s: Scenario) -> str:
    """What the population depends on: region, database, population, seed, start date."""
    parts = {
        "region": s.region.model_dump(mode="json"),
        "database": s.database.model_dump(mode="json"),
        "population": s.population.model_dump(mode="json"),
        "seed": s.seed,
        "start": s.calendar.start_date.isoformat(),
    }
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def get_population(s: Scenario):
    """The scenario's synthetic population, cached per process (it is the same in every replication)."""
    from slrt_sim.domain.population import generate_population

    key = population_key(s)
    pop = _POP_CACHE.get(key)
    if pop is None:
        pop = generate_population(s, population_seed(s.seed), persons=False)
        _POP_CACHE[key] = pop
        while len(_POP_CACHE) > _POP_CACHE_SIZE:
            _POP_CACHE.popitem(last=False)
    else:
        _POP_CACHE.move_to_end(key)
    return pop


# ----------------------------------------------------------------------------- one run
@dataclass(frozen=True)
class Keep:
    """What a run ships back beyond its KPIs and stage statistics.

    ``cases``: True, False, or the replications whose case table is kept (the walkthrough
    keeps replication 0 only); ``timeline``: the daily counts of cases by state.
    """

    cases: bool | frozenset[int] = False
    timeline: bool = True

    def cases_of(self, replication: int) -> bool:
        return self.cases if isinstance(self.cases, bool) else replication in self.cases


FULL = Keep(cases=True, timeline=True)
LIGHT = Keep(cases=False, timeline=False)


def run_once(s: Scenario, replication: int = 0, population: Any = None, keep_cases: bool = True,
             progress: Callable[[float], None] | None = None, keep_timeline: bool = True) -> RunResult:
    """Run replication ``replication`` of scenario ``s``."""
    pop = population if population is not None else get_population(s)
    w0, c0 = time.perf_counter(), time.process_time()
    record = Model(s, pop, replication_seed(s.seed, replication), progress=progress).run()
    res = collect(record, replication, keep_cases=keep_cases, wall_seconds=time.perf_counter() - w0,
                  keep_timeline=keep_timeline)
    res.meta["cpu_seconds"] = time.process_time() - c0
    return res


def _run_batch(s: Scenario, config: int, reps: Sequence[int], keep: Keep) -> list[tuple[int, RunResult]]:
    """Run replications ``reps`` of one scenario: the task every backend executes."""
    return [(config, run_once(s, r, keep_cases=keep.cases_of(r), keep_timeline=keep.timeline)) for r in reps]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def default_batch_size(n_configs: int, replications: int, workers: int) -> int:
    """Several runs per task (less overhead), but about four tasks per worker (balance)."""
    total = n_configs * replications
    per = math.ceil(total / max(1, workers * 4))
    return max(1, min(replications, per))


def _batches(reps_of: Sequence[Sequence[int]], size: int) -> list[tuple[int, tuple[int, ...]]]:
    """Tasks ``(config, replications)``: the replications of each scenario in slices of ``size``."""
    return [(c, tuple(reps[i:i + size])) for c, reps in enumerate(reps_of) for i in range(0, len(reps), size)]


# ----------------------------------------------------------------------------- many runs
@dataclass
class Runs:
    """What :func:`run_many` returns: ``results[config][i]`` is replication ``reps[i]`` of scenario ``config``
    (``reps[config][i]`` when each scenario had its own replications)."""

    results: list[list[RunResult]]
    reps: list
    backend: str
    workers: int
    wall_seconds: float


def run_many(scenarios: Sequence[Scenario], reps: Sequence[int] | Sequence[Sequence[int]], *, workers: int = 1,
             scheduler: Any = None, batch_size: int | None = None, keep: Keep = LIGHT,
             progress: ProgressFn | None = None, start_method: str | None = None) -> Runs:
    """Replications ``reps`` of every scenario, on the backend chosen by ``workers`` / ``scheduler``.

    ``reps``: the replications of every scenario, or one sequence per scenario (the
    planner's search adds replications only where the answer is not yet clear).

    * no scheduler and ``workers <= 1`` (or a single run): a plain loop in this process;
    * ``workers = K``: a pool of K local processes, started by ``start_method`` (:func:`start_method`);
    * ``scheduler``: a Dask scheduler address or a ``distributed.Client``.

    ``progress(done_runs, total_runs)`` is called with 0 first and then as batches finish.
    """
    reps = list(reps)
    if reps and not isinstance(reps[0], (int, np.integer)):
        reps_of = [list(r) for r in reps]
        if len(reps_of) != len(scenarios):
            raise ValueError("one sequence of replications per scenario")
    else:
        reps_of = [reps] * len(scenarios)
    total = sum(len(r) for r in reps_of)
    t0 = time.perf_counter()
    done = 0
    found: dict[tuple[int, int], RunResult] = {}

    def take(part: list[tuple[int, RunResult]]) -> None:
        nonlocal done
        for c, res in part:
            found[(c, res.replication)] = res
        done += len(part)
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    if scheduler is not None:
        backend, nworkers = "dask", _run_dask(scheduler, scenarios, reps_of, batch_size, keep, take)
    elif workers <= 1 or total <= 1:
        backend, nworkers = "serial", 1
        for c, s in enumerate(scenarios):
            for r in reps_of[c]:
                take(_run_batch(s, c, (r,), keep))
    else:
        backend, nworkers = "processes", min(workers, total)
        _run_local(scenarios, reps_of, nworkers, batch_size, keep, take, start_method)
    results = [[found[(c, r)] for r in reps_of[c]] for c in range(len(scenarios))]
    return Runs(results, reps, backend, nworkers, time.perf_counter() - t0)


# ----------------------------------------------------------------------------- process pools
def start_method(requested: str | None = None) -> str:
    """The start method for worker processes: ``requested``, ``$SLRT_START_METHOD``, or the safe default.

    The default is ``forkserver`` where available (Linux, macOS), else ``spawn`` (Windows).
    """
    available = mp.get_all_start_methods()
    method = requested or os.environ.get(START_METHOD_ENV, "").strip()
    if method:
        if method not in available:
            raise ValueError(f"{START_METHOD_ENV}: start method must be one of {available}, not {method!r}")
        return method
    return "forkserver" if "forkserver" in available else "spawn"


def _init_worker(populations: dict[str, Any]) -> None:
    """Pool initializer: put the populations made in the parent in this worker's cache."""
    _POP_CACHE.update(populations)


def shared_populations(scenarios: Iterable[Scenario], limit: int = _POP_CACHE_SIZE) -> dict[str, Any]:
    """The populations of (up to ``limit`` distinct) scenarios, made once here for the workers."""
    out: dict[str, Any] = {}
    for s in scenarios:
        key = population_key(s)
        if key not in out:
            if len(out) >= limit:
                break
            out[key] = get_population(s)
    return out


def process_pool(workers: int, populations: dict[str, Any] | None = None,
                 method: str | None = None) -> ProcessPoolExecutor:
    """A process pool with an explicit start method (:func:`start_method`) and warm population caches."""
    ctx = mp.get_context(start_method(method))
    if ctx.get_start_method() == "forkserver":
        # The fork server imports the model once; each worker forked from it starts warm.
        ctx.set_forkserver_preload(["slrt_sim.experiments.runner"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(populations or {},))


def _size(reps_of: Sequence[Sequence[int]], workers: int) -> int:
    """:func:`default_batch_size` for scenarios that may each have their own replications."""
    total = sum(len(r) for r in reps_of)
    longest = max((len(r) for r in reps_of), default=1)
    return max(1, min(longest, math.ceil(total / max(1, workers * 4))))


def _run_local(scenarios: Sequence[Scenario], reps_of: list[list[int]], workers: int, batch_size: int | None,
               keep: Keep, take: Callable[[list], None], method: str | None = None) -> None:
    size = batch_size or _size(reps_of, workers)
    with process_pool(workers, shared_populations(scenarios), method) as pool:
        futures = [pool.submit(_run_batch, scenarios[c], c, rs, keep)
                   for c, rs in _batches(reps_of, size)]
        for fut in as_completed(futures):
            take(fut.result())


def connect(scheduler: Any):
    """A ``distributed.Client`` for an address (or the client itself); :class:`ExperimentError` if unreachable,
    or if the optional extra ``slrt-sim[cluster]`` (dask, distributed) is not installed."""
    from slrt_sim.i18n import t

    try:
        from distributed import Client
    except ImportError:
        raise ExperimentError(t("sweep.err.no_cluster")) from None

    if isinstance(scheduler, Client):
        return scheduler, False
    try:
        return Client(str(scheduler), timeout="10s", set_as_default=False), True
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExperimentError(t("sweep.err.scheduler", address=scheduler, reason=reason)) from None


def _run_dask(scheduler: Any, scenarios: Sequence[Scenario], reps_of: list[list[int]], batch_size: int | None,
              keep: Keep, take: Callable[[list], None]) -> int:
    client, owned = connect(scheduler)
    from distributed import as_completed as dask_completed

    try:
        nworkers = max(1, sum(client.nthreads().values()))
        size = batch_size or _size(reps_of, nworkers)
        futures = [client.submit(_run_batch, scenarios[c], c, rs, keep, pure=False)
                   for c, rs in _batches(reps_of, size)]
        for fut in dask_completed(futures, loop=client.loop):
            take(fut.result())
            fut.release()
        return nworkers
    finally:
        if owned:
            client.close()


# ----------------------------------------------------------------------------- replications of one scenario
def run_replications(s: Scenario, replications: int = 1, workers: int = 1, keep_cases: bool | Collection[int] = True,
                     progress: ProgressFn | None = None, first: int = 0, scheduler: Any = None,
                     start_method: str | None = None) -> Replications:
    """Replications ``first .. first+replications-1`` of ``s``; ``workers > 1`` runs them in processes
    (started by ``start_method``, see :func:`start_method`).

    ``keep_cases``: keep every run's case table (True), none (False) or those of the given
    replications. Results are in replication order.
    """
    cases = keep_cases if isinstance(keep_cases, bool) else frozenset(keep_cases)

    def tick(done: int, total: int) -> None:
        if progress is not None and done:
            progress(done, total)

    runs = run_many([s], range(first, first + replications), workers=workers, scheduler=scheduler,
                    keep=Keep(cases=cases, timeline=True), progress=tick, start_method=start_method)
    return Replications(runs.results[0], scenario_name=s.name)
