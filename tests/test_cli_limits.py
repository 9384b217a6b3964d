"""Hostile or mistaken input to the CLI: one line naming the file or option, exit code 2, no traceback.

Each case failed before (a hang, a RecursionError, an OverflowError, a MemoryError, an 18 s
run ending in ``KeyError``, a late or missing check). The slow ones run in a subprocess
with a timeout, so a hang fails the test instead of stalling the suite.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from slrt_sim.cli import main
from slrt_sim.domain import scenario as S
from slrt_sim.domain.scenario_errors import short

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "scenarios" / "pelatihan_satu_kelurahan.yaml"


def one_line_error(capsys, argv: list[str]) -> str:
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err
    return err


def subprocess_error(argv: list[str]) -> str:
    proc = subprocess.run([sys.executable, "-m", "slrt_sim", *map(str, argv)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 2, proc.stderr[-2000:]
    err = proc.stderr.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err[-2000:]
    return err


@pytest.fixture()
def bomb(tmp_path) -> Path:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        name, prev = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_yaml_alias_bomb_is_refused(bomb):
    err = subprocess_error(["validate", bomb])
    assert str(bomb) in err and "alias" in err


def test_alias_refused_also_in_a_set_value(capsys):
    err = one_line_error(capsys, ["validate", TRAIN, "--set", "description=[&a x, *a]"])
    assert "--set" in err and "description" in err and "alias" in err


@pytest.mark.parametrize("opening,closing", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_refused_without_recursion_error(tmp_path, capsys, opening, closing):
    path = tmp_path / "deep.yaml"
    path.write_text("name: x\nregion: " + opening * 5000 + ("1" if opening != "[" else "") + closing * 5000 + "\n",
                    encoding="utf-8")
    err = one_line_error(capsys, ["validate", path])
    assert str(path) in err and str(S.MAX_YAML_DEPTH) in err


def test_oversized_file_refused_before_reading(tmp_path, capsys, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_text("# comment\n" * (S.MAX_FILE_BYTES // 10 + 10), encoding="utf-8")
    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("read the whole file"))
    err = one_line_error(capsys, ["validate", path])
    assert str(path) in err and str(S.MAX_FILE_BYTES) in err


def test_device_file_refused(capsys):
    err = one_line_error(capsys, ["validate", "/dev/zero"])
    assert err.endswith(S.t("err.scenario.not_regular")) and "/dev/zero" in err


@pytest.mark.parametrize("days", ["1e9", "nan", "inf", "0", "-5"])
def test_days_bounded(capsys, days):
    err = one_line_error(capsys, ["run", TRAIN, "--days", days, "--quiet"])
    assert "--days" in err and str(S.MAX_HORIZON_DAYS) in err


@pytest.mark.parametrize("override,field", [
    ("staffing.district_bo=99999999999999999999", "staffing.district_bo"),
    ("staffing.fasilitators_per_village=50000", "staffing.fasilitators_per_village"),
    ("horizon_days=100000", "horizon_days"),
    ("region.kecamatan.0.villages.0.fasilitators=100000", "fasilitators"),
])
def test_schema_upper_bounds(capsys, override, field):
    err = one_line_error(capsys, ["run", TRAIN, "--set", override, "--quiet"])
    assert field in err and "--set" in err


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_unwritable_out_reported_before_the_run(capsys, monkeypatch, command, tmp_path):
    from slrt_sim.experiments import runner

    def no_run(*a, **k):
        raise AssertionError("the run started before --out was checked")

    monkeypatch.setattr(runner, "run_once", no_run)
    monkeypatch.setattr(runner, "run_many", no_run)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    err = one_line_error(capsys, [command, TRAIN, "--out", blocker / "sub", "--quiet", "--days", "30"])
    assert str(blocker / "sub") in err


@pytest.mark.parametrize("argv,option", [
    (["run", TRAIN, "-r", "2", "--workers", "0"], "--workers"),
    (["sweep", TRAIN, "--workers", "0"], "--workers"),
    (["sweep", TRAIN, "--workers", "-3"], "--workers"),
    (["run", TRAIN, "--replications", "0"], "--replications"),
    (["sweep", TRAIN, "--batch", "0"], "--batch"),
])
def test_counts_at_least_one(capsys, argv, option):
    err = one_line_error(capsys, argv + ["--quiet"])
    assert option in err


def test_bad_value_shown_short_whatever_its_size():
    assert len(short(list(range(10 ** 6)))) <= 40
    nested: list = []
    for _ in range(10_000):
        nested = [nested]
    assert len(short(nested)) <= 40


def test_duplicate_key_is_one_line_naming_file_and_key(tmp_path, capsys):
    path = tmp_path / "dup.yaml"
    path.write_text(TRAIN.read_text(encoding="utf-8") + "\nname: lagi\n", encoding="utf-8")
    err = one_line_error(capsys, ["validate", path])
    assert str(path) in err and "name" in err


@pytest.mark.parametrize("argv,option", [
    (["run", TRAIN, "-r", "1000000000"], "--replications"),
    (["run", TRAIN, "-r", "2", "--workers", "100000"], "--workers"),
    (["sweep", TRAIN, "-r", "1000000000"], "--replications"),
    (["sweep", TRAIN, "--workers", "100000"], "--workers"),
    (["sweep", TRAIN, "-r", "500", "--vary", "seed=" + ",".join(map(str, range(100)))], "--replications"),
])
def test_counts_have_upper_bounds(capsys, monkeypatch, argv, option):
    from slrt_sim.experiments import runner

    monkeypatch.setattr(runner, "run_once", lambda *a, **k: pytest.fail("the run started"))
    err = one_line_error(capsys, argv + ["--quiet"])
    assert option in err


@pytest.mark.parametrize("command,first", [("run", "summary.csv"), ("sweep", "summary.csv")])
def test_out_does_not_overwrite_earlier_results_without_force(capsys, monkeypatch, tmp_path, command, first):
    from slrt_sim.experiments import runner

    earlier = tmp_path / "hasil"
    earlier.mkdir()
    (earlier / first).write_text("earlier results\n")
    monkeypatch.setattr(runner, "run_once", lambda *a, **k: pytest.fail("the run started"))
    monkeypatch.setattr(runner, "run_many", lambda *a, **k: pytest.fail("the run started"))
    err = one_line_error(capsys, [command, TRAIN, "--out", earlier, "--quiet", "--days", "30"])
    assert str(earlier) in err and first in err and "--force" in err
    assert (earlier / first).read_text() == "earlier results\n"


def test_out_with_force_overwrites(tmp_path, capsys):
    out = tmp_path / "hasil"
    out.mkdir()
    (out / "summary.csv").write_text("earlier results\n")
    assert main(["run", str(TRAIN), "--days", "30", "--out", str(out), "--force", "--quiet"]) == 0
    assert (out / "summary.csv").read_text() != "earlier results\n"
