"""The run's one event log: written by the pathway for every household, read by the animation.

The walkthrough's year view and the trainer's debrief move the dots by the log's rows
(:func:`slrt_sim.experiments.animation.flow` with the log); they start, are found and end when
the case table says, and the columns add up to the daily timeline on every day.
"""
from __future__ import annotations

import pytest

from slrt_sim.domain.scenario import load_scenario
from slrt_sim.experiments import animation as AN
from slrt_sim.experiments.runner import run_once
from slrt_sim.model.record import LOG_COLUMNS
from slrt_sim.paths import TRAINING_SCENARIO


@pytest.fixture(scope="module", params=[{}, {"mode": "fragmented"}, {"data_entry.mode": "paper",
                                                                     "followup.enabled": False}])
def run(request):
    s = load_scenario(TRAINING_SCENARIO, {"warmup_days": 0, "horizon_days": 240, **request.param})
    return run_once(s, 0, keep_cases=True)


def test_the_log_moves_the_dots_as_the_case_table_does(run):
    log = run.meta["event_log"]
    horizon = float(run.timeline["day"].max()) + 1
    by_log, by_table = AN.flow(run.cases, horizon, log), AN.flow(run.cases, horizon)
    # the same start, identification and end; in between the log also shows a first referral
    # (Dukcapil before the real need) that the case table's last referral time overwrites
    for a, b in zip(by_log.paths, by_table.paths, strict=True):
        assert a[:2] == b[:2] and a[-1][1] == b[-1][1]
        if a[-1][1] >= 4:  # served or closed: at the same moment
            assert a[-1] == b[-1]
    for _, row in run.timeline.iterrows():
        assert AN.grouped(by_log.counts_at(row["day"])) == AN.timeline_columns(row), row["day"]


def test_every_identified_case_has_its_rows_in_time_order(run):
    log = run.meta["event_log"]
    rows: dict[int, list[tuple]] = {}
    for r in log.rows:
        rows.setdefault(r[1], []).append(r)
    cases = run.cases
    identified = cases[cases["t_identified"].notna()]
    assert len(identified) and all(cid in rows for cid in identified["id"])
    assert not set(rows) - set(cases["id"])  # no row of a case the run does not have
    for cid, rs in rows.items():
        assert [r[3] for r in rs] == sorted(r[3] for r in rs)
        assert rs[0][2] in ("walk_in", "outreach_found")
    df = log.frame(run="x")
    assert list(df.columns[:len(LOG_COLUMNS)]) == list(LOG_COLUMNS) and len(df) == len(log.rows)
    assert set(df["run"]) == {"x"}
