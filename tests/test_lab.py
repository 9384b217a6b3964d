"""``slrt-sim lab`` (slrt_sim.cli.lab): its arguments, the folder it opens, the offline settings."""
from __future__ import annotations

import re

import pytest

from slrt_sim import cli, paths
from slrt_sim.cli import lab
from slrt_sim.server.app import NO_PREHEAT_FOLDERS


def test_dry_run_prints_an_offline_jupyterlab_on_the_teaching_notebooks(capsys):
    assert cli.main(["lab", "--dry-run", "--port", "9123", "--no-browser"]) == 0
    out = capsys.readouterr().out.strip()
    assert "-m jupyterlab" in out
    assert f"--ServerApp.root_dir={paths.NOTEBOOKS / 'belajar'}" in out  # a clone opens its own folder
    assert "--ServerApp.port=9123" in out and "--ServerApp.ip=127.0.0.1" in out
    assert "--ServerApp.open_browser=False" in out
    for setting in lab.OFFLINE:
        assert setting in out
    assert "--LabApp.default_url=/lab/tree/01_alur_slrt.ipynb" in out


def test_options_after_the_double_dash_go_to_jupyterlab(capsys):
    assert cli.main(["lab", "--dry-run", "--", "--allow-root", "--IdentityProvider.token=abc"]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("--allow-root --IdentityProvider.token=abc")


def test_another_folder_gets_a_copy_and_keeps_edited_notebooks(tmp_path, capsys):
    target = tmp_path / "kelas saya"
    (target).mkdir()
    (target / "01_alur_slrt.ipynb").write_text("edited", encoding="utf-8")
    assert cli.main(["lab", "--dry-run", "--dir", str(target)]) == 0
    shipped = sorted(p.name for p in (paths.NOTEBOOKS / "belajar").glob("*.ipynb"))
    assert len(shipped) >= 6
    assert sorted(p.name for p in target.glob("*.ipynb")) == shipped
    assert (target / "01_alur_slrt.ipynb").read_text(encoding="utf-8") == "edited"  # never overwritten
    assert (target / "README.md").is_file()
    assert "kelas saya" in capsys.readouterr().out


@pytest.mark.parametrize("args, expected", [
    (["--port", "0"], "--port 0"),
    (["--port", "70000"], "--port 70000"),
])
def test_bad_port_is_one_line_and_exit_2(args, expected, capsys):
    assert cli.main(["lab", "--dry-run", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expected in err and "Traceback" not in err


def test_a_file_as_folder_is_one_line_and_exit_2(tmp_path, capsys):
    f = tmp_path / "bukan-folder.txt"
    f.write_text("x", encoding="utf-8")
    assert cli.main(["lab", "--dry-run", "--dir", str(f)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(f) in err


def test_an_installed_kit_copies_to_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "IN_CLONE", False)
    monkeypatch.setattr(paths, "user_data_dir", lambda: tmp_path / "data")
    folder = lab.prepare_folder()
    assert folder == tmp_path / "data" / "belajar"
    assert (folder / "06_erlang_c.ipynb").is_file()


def test_the_class_server_never_preheats_the_teaching_notebooks():
    assert re.match(NO_PREHEAT_FOLDERS, str(paths.NOTEBOOKS / "belajar" / "01_alur_slrt.ipynb"))
    assert re.match(NO_PREHEAT_FOLDERS, r"C:\kit\notebooks\belajar\01_alur_slrt.ipynb")
    assert not re.match(NO_PREHEAT_FOLDERS, str(paths.NOTEBOOKS / "roleplay_front_office.ipynb"))
