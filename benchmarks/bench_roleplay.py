"""Benchmark of the role plays' and trainer tools' handlers, in process (no browser).

What a trainee waits for after a click, measured on the handler the click runs:

* ``fo.login_cold`` / ``fo.login_warm`` — "Mulai" for a new class (cases and DTKS built) and for
  a class already prepared (what a pre-heated kernel gives);
* ``fo.submit`` — from "Kirim" to the grade and the summary on screen (target ≤ 1.5 s); the
  timelines are then played in a background thread: ``fo.timeline`` is how long that takes;
* ``fo.next`` — "Kasus berikutnya" (target ≤ 1 s);
* ``bo.login``, ``bo.check_first`` (the first "Cek DTKS" right after the login, the DTKS still
  loading in the background), ``bo.check`` (a later one), ``bo.submit`` (target ≤ 1.5 s) and
  ``bo.timeline`` (background);
* ``walkthrough.open`` and ``planner.open`` — building the app (the page shows a sign of work at
  once and the app replaces it when built; target ≤ 5 s).

Wall-clock seconds, medians of a few repeats where a repeat is meaningful. Run
``python benchmarks/bench_roleplay.py [--quick]``; :func:`run` returns the figures as a dict.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import fmt, spread, table  # noqa: E402  (one BLAS/OpenMP thread, before numpy)

SEED = 2018


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _fo_form(rp, case) -> dict:
    k = rp.answer_key(case)
    form = {n: k[n] for n in ("nik", "kk", "head", "address", "category", "dtks", "needs", "fast_track",
                              "decision", "programs")}
    form["members"] = "\n".join(k["members"])
    if k["sktm"]:
        form["sktm"] = k["sktm"][0]
    return form


def run(quick: bool = False) -> dict:
    from slrt_sim.apps.back_office import BackOfficeApp
    from slrt_sim.apps.front_office import FrontOfficeApp
    from slrt_sim.training import back_office as bo
    from slrt_sim.training import front_office as rp
    from slrt_sim.training.store import SessionStore

    n_cases = 2 if quick else 4
    out: dict = {"fo": {}, "bo": {}}
    with tempfile.TemporaryDirectory() as d:
        store = SessionStore(os.path.join(d, "bench.sqlite"))
        store.create_class("BENCH-RP", SEED, "sedang", trainer="bench")
        app = FrontOfficeApp(store)
        out["fo"]["login_cold"] = _timed(lambda: app.login("Ani Bench", "BENCH-RP"))
        warm = FrontOfficeApp(store)
        out["fo"]["login_warm"] = _timed(lambda: warm.login("Budi Bench", "BENCH-RP"))
        submits, nexts, timelines = [], [], []
        for _ in range(n_cases):
            app.set_form(_fo_form(rp, app.case))
            submits.append(_timed(app.submit))
            timelines.append(_timed(lambda: app.panel.outcome.wait(300)))
            nexts.append(_timed(app.next_case))
        out["fo"].update(submit=spread(submits), next=spread(nexts), timeline=spread(timelines))

        b = BackOfficeApp(store)
        out["bo"]["login"] = _timed(lambda: b.login_box.submit("Ani Bench", "BENCH-RP"))
        b.panels[0].build()
        out["bo"]["check_first"] = _timed(b.panels[0]._on_check)
        b.panels[1].build()
        out["bo"]["check"] = _timed(b.panels[1]._on_check)
        key = bo.answer_key(b.queue)
        out["bo"]["submit"] = _timed(lambda: b.submit_answers(key))
        out["bo"]["timeline"] = _timed(lambda: b.panel.outcome.wait(300))

    from slrt_sim.apps.planner import PlannerApp
    from slrt_sim.apps.walkthrough import WalkthroughApp

    out["planner_open"] = _timed(lambda: PlannerApp(workers=1))
    out["walkthrough_open"] = _timed(lambda: WalkthroughApp(replications=2 if quick else 5))
    return out


def _table(r: dict) -> str:
    def med(x):
        return x["median"] if isinstance(x, dict) else x

    rows = [("FO login, new class", fmt(r["fo"]["login_cold"], " s"), ""),
            ("FO login, class prepared", fmt(r["fo"]["login_warm"], " s"), ""),
            ("FO submit → summary on screen", fmt(med(r["fo"]["submit"]), " s"), "≤ 1.5 s"),
            ("FO timelines (background)", fmt(med(r["fo"]["timeline"]), " s"), ""),
            ("FO next case", fmt(med(r["fo"]["next"]), " s"), "≤ 1 s"),
            ("BO login", fmt(r["bo"]["login"], " s"), ""),
            ("BO first Cek DTKS (right after login)", fmt(r["bo"]["check_first"], " s"), ""),
            ("BO later Cek DTKS", fmt(r["bo"]["check"], " s"), ""),
            ("BO submit → result on screen", fmt(r["bo"]["submit"], " s"), "≤ 1.5 s"),
            ("BO timelines (background)", fmt(r["bo"]["timeline"], " s"), ""),
            ("planner: build the app", fmt(r["planner_open"], " s"), "≤ 5 s"),
            ("walkthrough: build the app", fmt(r["walkthrough_open"], " s"), "≤ 5 s")]
    return table(rows, ("handler (in process)", "wall", "target"))


if __name__ == "__main__":
    print(_table(run(quick="--quick" in sys.argv)))
