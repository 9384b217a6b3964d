"""The slrt-sim command: readable output, JSON, files, and one-line errors with exit code 2."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from slrt_sim.cli import main
from slrt_sim.experiments.results import KPI_FIELDS

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "scenarios" / "pelatihan_satu_kelurahan.yaml"
BAD = ROOT / "tests" / "data" / "bad"


def cli(*args, check_code=None):
    proc = subprocess.run([sys.executable, "-m", "slrt_sim", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    if check_code is not None:
        assert proc.returncode == check_code, proc.stderr
    return proc


def test_validate_ok(capsys):
    assert main(["validate", str(TRAIN)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: ") and "rumah tangga" in out


def test_run_prints_indonesian_kpi_table(capsys):
    assert main(["run", str(TRAIN), "--days", "120", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Kebutuhan terpenuhi" in out and "Back office kab/kota" in out
    assert "%" in out and "," in out  # Indonesian decimals


def test_run_in_english(capsys):
    assert main(["--lang", "en", "run", str(TRAIN), "--days", "60", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Needs met" in out and "Kebutuhan terpenuhi" not in out


def test_run_json_is_one_object_with_kpis_and_stages(capsys):
    assert main(["run", str(TRAIN), "--days", "90", "--replications", "3", "--workers", "1", "--json",
                 "--set", "staffing.district_bo=3", "--seed", "11"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    obj = json.loads(out)
    assert obj["seed"] == 11 and obj["replications"] == 3 and obj["horizon_days"] == 90
    assert set(obj["kpis"]) == set(KPI_FIELDS)
    needs = obj["kpis"]["needs_met"]
    assert needs["ci_low"] <= needs["mean"] <= needs["ci_high"]
    assert obj["stages"]["bo_district"]["staff"] == 3
    assert len(obj["per_replication"]) == 3


def test_same_seed_same_json(capsys):
    args = ["run", str(TRAIN), "--days", "60", "--json", "--seed", "5"]
    main(args)
    a = json.loads(capsys.readouterr().out)
    main(args)
    b = json.loads(capsys.readouterr().out)
    assert a["kpis"] == b["kpis"]


def test_out_writes_csv_and_excel(tmp_path, capsys):
    out = tmp_path / "hasil"
    assert main(["run", str(TRAIN), "--days", "60", "--out", str(out), "--quiet"]) == 0
    for name in ("cases.csv", "kpis.csv", "summary.csv", "stages.csv", "results.xlsx"):
        assert (out / name).stat().st_size > 0, name
    cases = pd.read_csv(out / "cases.csv")
    assert {"t_need", "route", "program", "state"} <= set(cases.columns)
    sheets = pd.read_excel(out / "results.xlsx", sheet_name=None)
    assert {"ringkasan", "kasus", "tahap"} <= set(sheets)
    assert len(sheets["kasus"]) == len(cases)


def test_progress_bar_on_request():
    proc = cli("run", TRAIN, "--days", "30", "--progress", check_code=0)
    assert "100.0%" in proc.stderr


@pytest.mark.parametrize("path", sorted(BAD.iterdir()) + [BAD / "tidak_ada.yaml"], ids=lambda p: p.name)
def test_bad_files_give_one_line_and_exit_2(path, capsys):
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("galat: ") and str(path) in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [
    ["run", TRAIN, "--set", "staffing.district_fo=-1"],
    ["run", TRAIN, "--set", "nonsense"],
    ["run", TRAIN, "--days", "0"],
    ["run", TRAIN, "--replications", "0"],
    ["run", BAD / "empty.yaml"],
])
def test_bad_run_arguments_in_a_real_process(args):
    proc = cli(*args, check_code=2)
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout == ""


def test_unwritable_out_dir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = cli("run", TRAIN, "--days", "10", "--out", blocker / "sub", check_code=2)
    assert "tidak dapat ditulis" in proc.stderr and "Traceback" not in proc.stderr


def test_every_shipped_scenario_runs(capsys):
    for path in sorted((ROOT / "scenarios").glob("**/*.yaml")):
        assert main(["run", str(path), "--days", "30", "--json"]) == 0, path
        obj = json.loads(capsys.readouterr().out)
        assert obj["kpis"]["cases"]["mean"] > 0, path
