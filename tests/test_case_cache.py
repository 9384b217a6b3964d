"""The class cache: cases built once per class, loaded by every other kernel; light kernels."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from slrt_sim.training import case_cache


def test_without_a_cache_folder_the_builder_runs_each_time(monkeypatch):
    monkeypatch.delenv(case_cache.CACHE_ENV, raising=False)
    calls = []
    for _ in range(2):
        case_cache.cached("t", ("A", 1), lambda: calls.append(1) or len(calls))
    assert calls == [1, 1]


def test_second_kernel_loads_the_file_instead_of_building(monkeypatch, tmp_path):
    monkeypatch.setenv(case_cache.CACHE_ENV, str(tmp_path))
    assert case_cache.cached("t", ("KELAS-1", 7), lambda: {"cases": [1, 2, 3]}) == {"cases": [1, 2, 3]}

    def must_not_build():
        raise AssertionError("built again although the class is cached")

    assert case_cache.cached("t", ("KELAS-1", 7), must_not_build) == {"cases": [1, 2, 3]}
    assert case_cache.cached("t", ("KELAS-2", 7), lambda: "other") == "other"  # another class: its own file


def test_a_damaged_file_is_rebuilt(monkeypatch, tmp_path):
    monkeypatch.setenv(case_cache.CACHE_ENV, str(tmp_path))
    case_cache.cached("t", ("K",), lambda: 1)
    (path,) = tmp_path.glob("t-*.pickle")
    path.write_bytes(b"not a pickle")
    assert case_cache.cached("t", ("K",), lambda: 2) == 2
    assert case_cache.cached("t", ("K",), lambda: 3) == 2  # the rebuilt value was stored


def test_role_play_kernel_imports_no_pandas_numpy_or_faker(tmp_path):
    """What a pre-heated front-office kernel runs (the app, a cached class's cases and DTKS) in a
    fresh interpreter: the heavy libraries stay out, and the cases are those of a cold build."""
    env = {**os.environ, case_cache.CACHE_ENV: str(tmp_path / "cache"), "SLRT_DB": str(tmp_path / "s.sqlite")}
    build = ("from slrt_sim.training import front_office as rp; from slrt_sim.server.warm import warm;"
             "warm([('KELAS-9', 11, 'sedang')]);"
             "print(rp.build_cases('KELAS-9', 11, 'sedang')[0].story)")
    cold = subprocess.run([sys.executable, "-c", build], env=env, capture_output=True, text=True, check=True)
    light = ("import sys, json\n"
             "from slrt_sim.apps import front_office\n"
             "from slrt_sim.training import front_office as rp\n"
             "story = rp.build_cases('KELAS-9', 11, 'sedang')[0].story\n"
             "rp.class_dtks('KELAS-9', 11, 'sedang').search(name='a')\n"
             "app = front_office.FrontOfficeApp(warm=False)\n"
             "print(json.dumps([story, sorted(m for m in ('pandas', 'numpy', 'faker', 'matplotlib', 'scipy')"
             " if m in sys.modules)]))\n")
    out = subprocess.run([sys.executable, "-c", light], env=env, capture_output=True, text=True, check=True)
    story, heavy = json.loads(out.stdout.strip().splitlines()[-1])
    assert heavy == []
    assert story == cold.stdout.strip()
