"""The sweep engine: the same tables from a serial loop, local processes and a Dask cluster."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from slrt_sim.cli import main
from slrt_sim.experiments.results import KPI_FIELDS
from slrt_sim.domain.scenario import ScenarioError, load_scenario
from slrt_sim.experiments.sweep import Vary, grid, run_sweep, serial_reference

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "scenarios" / "pelatihan_satu_kelurahan.yaml"

# short horizon: the tests are about the engine, not the numbers
CONFIGS = grid([Vary.parse("staffing.district_bo=1,2"), Vary.parse("outreach.enabled=true,false")])
REPS = 3


@pytest.fixture(scope="module")
def base():
    return load_scenario(TRAIN, ["horizon_days=120"])


@pytest.fixture(scope="module")
def reference(base):
    return serial_reference(base, CONFIGS, REPS)


def test_vary_parse_and_grid():
    v = Vary.parse("staffing.district_fo=1, 2,3")
    assert v == Vary("staffing.district_fo", (1, 2, 3))
    assert Vary.parse("outreach.enabled=true,false").values == (True, False)
    assert Vary.parse("data_entry.mode=tablet,paper").values == ("tablet", "paper")
    g = grid([Vary("a", (1, 2)), Vary("b", ("x", "y", "z"))])
    assert len(g) == 6 and g[0] == {"a": 1, "b": "x"} and g[1] == {"a": 1, "b": "y"} and g[-1] == {"a": 2, "b": "z"}
    assert grid([]) == [{}]
    for bad in ("staffing.district_fo", "=1,2", "staffing.district_fo=", "staffing.district_fo=1,,2"):
        with pytest.raises(ScenarioError):
            Vary.parse(bad)
    with pytest.raises(ScenarioError):
        grid([Vary("a", (1,)), Vary("a", (2,))])


def test_bad_configuration_fails_before_any_work(base):
    with pytest.raises(ScenarioError, match="district_bo"):
        run_sweep(base, [{"staffing.district_bo": -1}], replications=2)


def test_serial_sweep_equals_plain_loop(base, reference):
    res = run_sweep(base, CONFIGS, replications=REPS, workers=1)
    assert res.backend == "serial"
    pd.testing.assert_frame_equal(res.runs, reference, check_exact=True)
    assert list(res.configs.columns) == ["staffing.district_bo", "outreach.enabled", "label"]
    assert res.configs["outreach.enabled"].tolist() == [True, False, True, False]


def test_process_pool_equals_plain_loop(base, reference):
    seen = []
    res = run_sweep(base, CONFIGS, replications=REPS, workers=2, batch_size=2,
                    progress=lambda done, total: seen.append((done, total)))
    assert res.backend == "processes" and res.workers == 2
    pd.testing.assert_frame_equal(res.runs, reference, check_exact=True)
    assert seen[0] == (0, 12) and seen[-1] == (12, 12)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))


def test_dask_local_cluster_equals_plain_loop(base, reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        # by address, as the CLI's --scheduler does
        res = run_sweep(base, CONFIGS, replications=REPS, scheduler=cluster.scheduler_address)
        # and with a client the caller keeps
        with distributed.Client(cluster) as client:
            res2 = run_sweep(base, CONFIGS, replications=REPS, scheduler=client, batch_size=1)
    assert res.backend == "dask" and res.workers == 2
    pd.testing.assert_frame_equal(res.runs, reference, check_exact=True)
    pd.testing.assert_frame_equal(res2.runs, reference, check_exact=True)
    pd.testing.assert_frame_equal(res.stages, res2.stages, check_exact=True)


def test_common_random_numbers_across_configurations(base):
    # district BO staffing does not change which needs arise: same cases in every configuration
    res = run_sweep(base, CONFIGS, replications=2)
    cases = res.runs.pivot(index="replication", columns="config", values="cases")
    assert (cases[0] == cases[2]).all() and (cases[1] == cases[3]).all()


def test_summary_table_and_excel(base, tmp_path):
    res = run_sweep(base, CONFIGS, replications=REPS)
    summ = res.summary()
    assert summ.index.names == ["config", "kpi"]
    assert len(summ) == len(CONFIGS) * len(KPI_FIELDS)
    row = summ.loc[(0, "needs_met")]
    assert row["ci_low"] <= row["mean"] <= row["ci_high"] and row["n"] == REPS
    tab = res.table(["needs_met", "util_bo"])
    assert list(tab.columns[-2:]) == ["needs_met", "util_bo"] and len(tab) == 4
    st = res.stage_summary()
    assert ("bo_district" in st.index.get_level_values("stage"))
    paths = res.write(tmp_path / "out")
    assert {p.name for p in paths} == {"configs.csv", "runs.csv", "summary.csv", "stages.csv", "sweep.xlsx"}
    sheets = pd.read_excel(tmp_path / "out" / "sweep.xlsx", sheet_name=None)
    assert set(sheets) == {"konfigurasi", "ringkasan", "kpi_per_replikasi", "tahap"}
    assert len(sheets["kpi_per_replikasi"]) == len(CONFIGS) * REPS


def test_scenarios_as_configurations(base):
    other = base.with_overrides(["seed=7", "name=lain"])
    res = run_sweep(None, scenarios=[base, other], replications=2)
    assert res.configs["scenario"].tolist() == [base.name, "lain"]
    ref = serial_reference(base, [{}], 2)
    pd.testing.assert_frame_equal(res.runs[res.runs.config == 0].reset_index(drop=True), ref, check_exact=True)


# ----------------------------------------------------------------------------- CLI
def test_cli_sweep_table(capsys):
    code = main(["sweep", str(TRAIN), "--days", "90", "--vary", "staffing.district_bo=1,2", "-r", "2", "-w", "2",
                 "--quiet"])
    assert code == 0
    out = capsys.readouterr().out
    assert "2 konfigurasi × 2 replikasi" in out and "proses lokal" in out
    assert "district_bo=1" in out and "district_bo=2" in out and "Kebutuhan terpenuhi" in out
    assert "%" in out and "," in out  # Indonesian number format


def test_cli_sweep_json_and_out(capsys, tmp_path):
    code = main(["sweep", str(TRAIN), "--days", "90", "--vary", "staffing.district_fo=1,2", "--vary",
                 "data_entry.mode=tablet,paper", "-r", "2", "-w", "1", "--json", "--out", str(tmp_path / "o")])
    assert code == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["backend"] == "serial" and len(obj["configs"]) == 4
    assert obj["configs"][1]["overrides"] == {"staffing.district_fo": 1, "data_entry.mode": "paper"}
    assert set(obj["configs"][0]["kpis"]) == set(KPI_FIELDS)
    assert (tmp_path / "o" / "sweep.xlsx").exists()


@pytest.mark.parametrize("args, fragment", [
    (["--vary", "staffing.district_fo"], "kunci.jalur=nilai1,nilai2"),
    (["--vary", "staffing.district_fo=x"], "staffing.district_fo"),
    (["--vary", "staffing.nonsense=1,2"], "nonsense"),
    (["-r", "0"], "--replications"),
    (["-w", "0"], "--workers"),
    (["--kpi", "happiness"], "happiness"),
])
def test_cli_sweep_user_errors_one_line(capsys, args, fragment):
    code = main(["sweep", str(TRAIN), "--days", "30", "--quiet", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_sweep_unreachable_scheduler(capsys):
    code = main(["sweep", str(TRAIN), "--days", "30", "-r", "1", "--quiet", "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and "scheduler Dask" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_run_many_with_replications_per_scenario(base, reference, workers):
    """The planner's search asks for different replications of each scenario: each is the same run as in a sweep."""
    from slrt_sim.experiments.runner import run_many

    scenarios = [base.with_overrides(dict(o)) for o in CONFIGS[:2]]
    runs = run_many(scenarios, [[0, 2], [1]], workers=workers)
    assert [[r.replication for r in rs] for rs in runs.results] == [[0, 2], [1]]
    ref = reference.set_index(["config", "replication"])
    for c, rs in enumerate(runs.results):
        for r in rs:
            assert [float(r.kpis[k]) for k in KPI_FIELDS] == pytest.approx(
                ref.loc[(c, r.replication), list(KPI_FIELDS)].tolist(), nan_ok=True)
    with pytest.raises(ValueError):
        run_many(scenarios, [[0]], workers=workers)
