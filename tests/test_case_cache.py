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


_BO_QUEUE = ("from slrt_sim.training import back_office as bo, front_office as fo\n"
             "from slrt_sim.training.store import SessionStore\n"
             "store = SessionStore()\n"
             "registered = bo.fo_registrations(store, 'KELAS-9')\n"
             "q = bo.build_queue('KELAS-9', 11, 'sedang', registered=registered)\n"
             "dump = [[c.case_id, c.hh, c.problem, c.registration, list(c.needs), c.duplicate_of,"
             " bo.dtks_search(q, nik=c.registration['nik']), bo.dtks_search(q, name=c.registration['name'])]"
             " for c in q.cases] + [q.quota, bo.answer_key(q)]\n")


def test_back_office_kernel_imports_no_pandas_numpy_or_faker(tmp_path):
    """A back-office kernel of a cached class: the app, the queue made of the class's front-office
    registrations, a DTKS check, a grade — no heavy library, and the same queue as a cold build."""
    env = {**os.environ, case_cache.CACHE_ENV: str(tmp_path / "cache"), "SLRT_DB": str(tmp_path / "s.sqlite")}
    register = ("from slrt_sim.server.warm import warm; warm([('KELAS-9', 11, 'sedang')])\n"
                "from slrt_sim.training import back_office as bo, front_office as fo\n"
                "from slrt_sim.training.store import SessionStore\n"
                "store = SessionStore(); store.create_class('KELAS-9', 11, 'sedang')\n"
                "for k, c in enumerate(fo.build_cases('KELAS-9', 11, 'sedang', n=bo.CASE_POOL, app='bo')[:12]):\n"
                "    a = {'nik': c.head['nik'][:-1] + '0', 'head': c.head['name'], 'kk': '', 'address': 'Jl. Uji',"
                " 'needs': ['food']}\n"
                "    store.save_submission(trainee='Ani', class_code='KELAS-9', app='fo', case_id=c.case_id, answers=a,"
                " score=1, max_score=2, feedback=[], started_at=0, submitted_at=1)\n")
    subprocess.run([sys.executable, "-c", register], env=env, capture_output=True, text=True, check=True)
    cold_env = {k: v for k, v in env.items() if k != case_cache.CACHE_ENV}
    cold = subprocess.run([sys.executable, "-c", _BO_QUEUE + "import json; print(json.dumps(dump, default=str))"],
                          env=cold_env, capture_output=True, text=True, check=True)
    light = (_BO_QUEUE + "import sys, json, time\n"
             "from slrt_sim.apps import back_office\n"
             "from slrt_sim.training import bo_grading\n"
             "app = back_office.BackOfficeApp(store)\n"
             "app.open_queue('Budi', store.get_class('KELAS-9'))\n"
             "app.panels[0]._on_check()\n"
             "bo_grading.grade(app.queue, bo.answer_key(app.queue), time.time() - 60, time.time())\n"
             "print(json.dumps([dump, sorted(m for m in ('pandas', 'numpy', 'faker', 'matplotlib', 'scipy', 'simpy')"
             " if m in sys.modules), app.queue.cases[0].registration], default=str))\n")
    out = subprocess.run([sys.executable, "-c", light], env=env, capture_output=True, text=True, check=True)
    dump, heavy, first = json.loads(out.stdout.strip().splitlines()[-1])
    assert heavy == []
    assert dump == json.loads(cold.stdout.strip().splitlines()[-1])
    assert any(row[3].get("by_fo") for row in dump[:-2])  # the registrations were applied
    assert first == dump[0][3]  # the app's queue is the same
