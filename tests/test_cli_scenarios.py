"""Bundled scenarios by name: ``slrt-sim run pekalongan`` anywhere (clone or installed wheel),
``slrt-sim scenarios`` lists them, an unknown name lists the known ones. In-process CLI runs."""
from __future__ import annotations

import json
import shutil

import pytest

from slrt_sim import paths
from slrt_sim.cli import main
from slrt_sim.cli.common import bundled_scenarios, scenario_path
from slrt_sim.i18n import t


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """The kit as a wheel sees it: the scenarios in a bundle folder, the user somewhere else."""
    bundle = tmp_path / "_bundle" / "scenarios"
    shutil.copytree(paths.SCENARIOS, bundle)
    monkeypatch.setattr(paths, "SCENARIOS", bundle)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(home)
    return bundle


def test_names_short_names_and_file_spellings_find_the_bundled_file(installed):
    pek = str(installed / "kota_pekalongan.yaml")
    for arg in ("pekalongan", "kota_pekalongan", "kota_pekalongan.yaml", "scenarios/kota_pekalongan.yaml",
                "scenarios\\kota_pekalongan.yaml"):
        assert scenario_path(arg) == pek, arg
    assert scenario_path("kubu_raya") == str(installed / "kabupaten_kubu_raya.yaml")
    assert scenario_path("pelatihan_satu_kelurahan") == str(installed / "pelatihan_satu_kelurahan.yaml")


def test_a_file_of_the_users_own_wins_over_a_bundled_name(installed):
    (installed.parent.parent / "home" / "pekalongan").write_text("name: mine\n")
    assert scenario_path("pekalongan") == "pekalongan"


def test_run_by_name_works_outside_a_clone(installed, capsys):
    assert main(["run", "pelatihan_satu_kelurahan", "--days", "5", "--json", "--quiet"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["scenario"] == "pelatihan_satu_kelurahan"


def test_validate_by_short_name(installed, capsys):
    assert main(["validate", "pekalongan"]) == 0
    assert "kota_pekalongan" in capsys.readouterr().out


def test_unknown_name_lists_the_known_ones_on_one_line(installed, capsys):
    assert main(["run", "pekalonga"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pekalonga" in err
    assert all(name in err for name in bundled_scenarios())


def test_a_missing_yaml_path_still_names_the_file(installed, capsys):
    assert main(["validate", "lain/kota_x.yaml"]) == 2
    err = capsys.readouterr().err
    assert "lain/kota_x.yaml" in err and "pelatihan_satu_kelurahan" not in err


def test_scenarios_lists_each_with_a_catalogue_description(installed, capsys):
    assert main(["--lang", "en", "scenarios"]) == 0
    out = capsys.readouterr().out.splitlines()
    names = list(bundled_scenarios())
    assert len(names) >= 6
    for name in names:
        (line,) = [x for x in out if x.startswith(name + " ")]
        assert line.split(None, 1)[1] == t("scenario.desc." + name, lang="en")
        assert t("scenario.desc." + name, lang="id") != t("scenario.desc." + name, lang="en")
