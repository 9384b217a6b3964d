"""Running a scenario: one replication, many, serial or in parallel processes.

Replication ``r`` of a scenario with seed ``S`` always uses the seed sequence
:func:`slrt_sim.model.streams.replication_seed` ``(S, r)`` and the population made from
:func:`slrt_sim.model.streams.population_seed` ``(S)``, so the same replication gives the same
numbers whether it runs alone, in a loop, in a process pool or on a Dask cluster.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Iterable

from slrt_sim.model.flow import Model
from slrt_sim.model.streams import population_seed, replication_seed
from slrt_sim.experiments.results import Replications, RunResult, collect
from slrt_sim.domain.scenario import Scenario, scenario_from_dict

_POP_CACHE: "OrderedDict[str, Any]" = OrderedDict()
_POP_CACHE_SIZE = 4


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


def run_once(s: Scenario, replication: int = 0, population: Any = None, keep_cases: bool = True,
             progress: Callable[[float], None] | None = None) -> RunResult:
    """Run replication ``replication`` of scenario ``s``."""
    pop = population if population is not None else get_population(s)
    t0 = time.perf_counter()
    record = Model(s, pop, replication_seed(s.seed, replication), progress=progress).run()
    return collect(record, replication, keep_cases=keep_cases, wall_seconds=time.perf_counter() - t0)


def _worker(payload: tuple[dict, int, bool]) -> RunResult:
    data, replication, keep_cases = payload
    return run_once(scenario_from_dict(data), replication, keep_cases=keep_cases)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def run_replications(s: Scenario, replications: int = 1, workers: int = 1, keep_cases: bool = True,
                     progress: Callable[[int, int], None] | None = None,
                     first: int = 0) -> Replications:
    """Replications ``first .. first+replications-1``; ``workers > 1`` runs them in processes.

    ``progress(done, total)`` is called after each replication. Results are in
    replication order whatever the order they finish in.
    """
    reps = list(range(first, first + replications))
    results: dict[int, RunResult] = {}
    if workers <= 1 or replications <= 1:
        for i, r in enumerate(reps):
            results[r] = run_once(s, r, keep_cases=keep_cases)
            if progress:
                progress(i + 1, len(reps))
    else:
        data = s.model_dump(mode="json")
        with ProcessPoolExecutor(max_workers=min(workers, replications)) as pool:
            futures = {pool.submit(_worker, (data, r, keep_cases)): r for r in reps}
            for i, fut in enumerate(as_completed(futures)):
                results[futures[fut]] = fut.result()
                if progress:
                    progress(i + 1, len(reps))
    return Replications([results[r] for r in reps], scenario_name=s.name)


def iter_runs(s: Scenario, replications: Iterable[int], keep_cases: bool = False):
    for r in replications:
        yield run_once(s, r, keep_cases=keep_cases)
