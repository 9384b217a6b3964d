"""Back tests: fixed-seed runs compared exactly with the tables stored under tests/exp_results/.

A change that moves these numbers on purpose regenerates them in the same commit
(``.venv/bin/python -m slrt_sim.training.backtest``) and says why in the commit message.
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from slrt_sim.training import backtest

EXP = Path(__file__).parent / "exp_results"


def _same(stem: str, got: pd.DataFrame) -> None:
    want = backtest.read(EXP / f"{stem}.csv")
    got = got.reset_index(drop=True)
    # written and read back the same way, so that both sides have the CSV's types
    got = backtest.read(io.StringIO(got.to_csv(index=False)))
    pd.testing.assert_frame_equal(got, want, check_exact=True, obj=stem)


@pytest.mark.parametrize("name", backtest.RUNS)
def test_scenario_run_matches_the_stored_results(name):
    for table, df in backtest.scenario_tables(name).items():
        _same(f"{name}_{table}", df)


def test_class_key_timelines_match_the_stored_results():
    _same("class_timelines", backtest.class_timelines())


def test_a_moved_number_is_caught():
    df = backtest.read(EXP / "pelatihan_satu_kelurahan_kpis.csv")
    df.loc[1, "value"] += 1e-9
    with pytest.raises(AssertionError):
        _same("pelatihan_satu_kelurahan_kpis", df)
