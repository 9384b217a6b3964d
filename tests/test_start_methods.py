"""Parallel runs give the serial numbers under every process start method.

Linux forks by default up to Python 3.13 and uses ``forkserver`` from 3.14; Windows
and macOS use ``spawn``. Sweeps, the planner and replications must not depend on
which one runs their workers, and the default must never be ``fork`` (forking a
process that runs threads may deadlock; Python 3.12+ warns about it).
"""
from __future__ import annotations

import multiprocessing as mp
import warnings
from pathlib import Path

import pandas as pd
import pytest

from slrt_sim.experiments import planner as P
from slrt_sim.experiments import runner
from slrt_sim.experiments.runner import run_replications, start_method
from slrt_sim.domain.scenario import load_scenario
from slrt_sim.experiments.sweep import Vary, grid, run_sweep, serial_reference

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "scenarios" / "pelatihan_satu_kelurahan.yaml"
MMC = ROOT / "scenarios" / "validation" / "mmc.yaml"
CONFIGS = grid([Vary.parse("staffing.district_bo=1,2")])
REPS = 2

# Asked for by name, ``fork`` may warn (3.12+) when a thread of an earlier test is still alive:
# expected here; the default start method is checked apart to run without that warning.
_FORK_WARNING = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of fork:DeprecationWarning")
METHODS = [pytest.param(m, marks=[pytest.mark.skipif(m not in mp.get_all_start_methods(),
                                                    reason=f"{m} does not exist on this platform"),
                                  *([_FORK_WARNING] if m == "fork" else [])])
           for m in ("fork", "forkserver", "spawn")]


@pytest.fixture(scope="module")
def base():
    return load_scenario(TRAIN, ["horizon_days=90"])


@pytest.fixture(scope="module")
def sweep_reference(base):
    return serial_reference(base, CONFIGS, REPS)


@pytest.fixture(scope="module")
def mmc():
    return load_scenario(MMC, ["horizon_days=60", "warmup_days=5"])


@pytest.fixture(scope="module")
def plan_reference(mmc):
    opts = P.StaffOptions(fasilitators=(0,), fo=(2, 3), bo=(1,), puskesos=("scenario",))
    return P.plan(mmc, opts, [P.Target("util_fo", "<=", 0.70)], replications=2, workers=1)


@pytest.fixture(scope="module")
def replications_reference(base):
    return run_replications(base, 3, workers=1)


@pytest.mark.parametrize("method", METHODS)
def test_sweep_equals_serial(method, base, sweep_reference):
    res = run_sweep(base, CONFIGS, replications=REPS, workers=2, batch_size=1, start_method=method)
    assert res.backend == "processes" and res.workers == 2
    pd.testing.assert_frame_equal(res.runs, sweep_reference, check_exact=True)


@pytest.mark.parametrize("method", METHODS)
def test_planner_equals_serial(method, mmc, plan_reference, monkeypatch):
    monkeypatch.setattr(P, "PARALLEL_MIN_HOUSEHOLDS", 0)  # this small region too runs in worker processes
    opts = P.StaffOptions(fasilitators=(0,), fo=(2, 3), bo=(1,), puskesos=("scenario",))
    p = P.plan(mmc, opts, [P.Target("util_fo", "<=", 0.70)], replications=2, workers=2, start_method=method)
    assert p.sweep.backend == "processes"
    pd.testing.assert_frame_equal(p.summary, plan_reference.summary, check_exact=True)
    assert p.recommended == plan_reference.recommended


@pytest.mark.parametrize("method", METHODS)
def test_replications_equal_serial(method, base, replications_reference):
    par = run_replications(base, 3, workers=2, start_method=method)
    pd.testing.assert_frame_equal(par.kpis, replications_reference.kpis, check_exact=True)
    pd.testing.assert_frame_equal(par.cases(), replications_reference.cases(), check_exact=True)


def test_default_is_never_fork(monkeypatch):
    monkeypatch.delenv(runner.START_METHOD_ENV, raising=False)
    assert start_method() in ("forkserver", "spawn")
    assert start_method() == ("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")


def test_environment_and_argument_choose_the_method(monkeypatch):
    monkeypatch.setenv(runner.START_METHOD_ENV, "spawn")
    assert start_method() == "spawn"
    assert start_method("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn") != "fork"
    monkeypatch.setenv(runner.START_METHOD_ENV, "teleport")
    with pytest.raises(ValueError, match="SLRT_START_METHOD"):
        start_method()


def test_default_pool_runs_without_fork_warning(base, sweep_reference, monkeypatch):
    monkeypatch.delenv(runner.START_METHOD_ENV, raising=False)
    # a thread alive in this process, as under Jupyter/Voila: forking now would warn (3.12+)
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        with warnings.catch_warnings():
            # the 'multi-threaded, use of fork()' DeprecationWarning becomes an error
            warnings.filterwarnings("error", message=".*fork.*", category=DeprecationWarning)
            res = run_sweep(base, CONFIGS, replications=REPS, workers=2, batch_size=2)
    finally:
        stop.set()
    pd.testing.assert_frame_equal(res.runs, sweep_reference, check_exact=True)


def test_workers_receive_the_parents_populations(base):
    pops = runner.shared_populations([base, base])
    assert list(pops) == [runner.population_key(base)]
    saved = dict(runner._POP_CACHE)
    runner._POP_CACHE.clear()
    try:
        runner._init_worker(pops)
        assert runner.get_population(base) is pops[runner.population_key(base)]
    finally:
        runner._POP_CACHE.clear()
        runner._POP_CACHE.update(saved)
