"""Finding the kit's files (clone or wheel), the session database's default place, `slrt-sim serve`."""
from __future__ import annotations

import ast

from pathlib import Path


from slrt_sim import paths
from slrt_sim.cli import main
from slrt_sim.i18n import t

ROOT = Path(__file__).resolve().parent.parent


def test_a_clone_serves_its_own_top_level_folders():
    assert paths.IN_CLONE and paths.ROOT == ROOT
    assert paths.NOTEBOOKS == ROOT / "notebooks" and paths.SCENARIOS == ROOT / "scenarios"
    assert (paths.TEMPLATES_ROOT / "voila" / "templates" / "slrt" / "index.html.j2").is_file()
    assert (paths.CONFIG_DIR / "voila.json").is_file()
    assert paths.TRAINING_SCENARIO.is_file()


def test_what_a_wheel_bundles_exists_in_the_repository():
    for rel in paths.BUNDLED:
        assert (ROOT / rel).exists(), rel
    # setup.py copies the same list (it cannot import the package while building it)
    tree = ast.parse((ROOT / "setup.py").read_text())
    assigned = {node.targets[0].id: node.value for node in tree.body if isinstance(node, ast.Assign)}
    assert ast.literal_eval(assigned["BUNDLED"]) == paths.BUNDLED


def test_is_clone_needs_pyproject_voila_json_and_notebooks(tmp_path):
    assert not paths.is_clone(tmp_path)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "voila.json").write_text("{}")
    assert not paths.is_clone(tmp_path)
    (tmp_path / "notebooks").mkdir()
    assert paths.is_clone(tmp_path)


def test_user_data_folder_per_system(monkeypatch):
    monkeypatch.setenv("HOME", "/home/ana")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert paths.user_data_dir("linux") == Path("/home/ana/.local/share/slrt-sim")
    monkeypatch.setenv("XDG_DATA_HOME", "/data")
    assert paths.user_data_dir("linux") == Path("/data/slrt-sim")
    monkeypatch.delenv("XDG_DATA_HOME")
    assert paths.user_data_dir("darwin") == Path("/home/ana/Library/Application Support/slrt-sim")
    from platformdirs import windows  # on Linux: Windows' folders from the environment, as Windows would say

    monkeypatch.setattr(windows, "get_win_folder", windows.get_win_folder_from_env_vars)
    monkeypatch.setenv("LOCALAPPDATA", r"C:\Users\Ana Sari\AppData\Local")
    assert str(paths.user_data_dir("win32")).replace("/", "\\") == r"C:\Users\Ana Sari\AppData\Local\slrt-sim"


def test_default_db_env_first_then_clone_var(tmp_path):
    assert paths.default_db({"SLRT_DB": str(tmp_path / "x.sqlite")}) == tmp_path / "x.sqlite"
    assert paths.default_db({}) == ROOT / "var" / "slrt-sessions.sqlite"  # a clone: var/, as make app


def test_cli_serve_options_are_the_servers_traitlets(capsys, monkeypatch, tmp_path):
    """One parser: ``slrt-sim serve`` hands its arguments to SlrtVoila unparsed."""
    from slrt_sim.server import app

    seen = {}

    def fake_start(self):
        seen.update(ip=self.ip, port=self.port, db=self.db, class_size=self.class_size, root=self.root_dir,
                    config=self.config_file_paths, base_url=self.base_url)

    monkeypatch.setattr(app.SlrtVoila, "start", fake_start)
    monkeypatch.setenv("TRAINER_PIN", "8642")
    db = tmp_path / "s.sqlite"
    assert main(["--lang", "en", "serve", "--host", "127.0.0.1", "--port", "9297", "--db", str(db),
                 "--class-size=12", "--Voila.base_url=/kelas/"]) == 0
    assert seen == {"ip": "127.0.0.1", "port": 9297, "db": str(db), "class_size": 12, "root": str(ROOT / "notebooks"),
                    "config": [str(ROOT)], "base_url": "/kelas/"}


def test_cli_serve_help_names_the_options(capsys):
    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(t("serve.cli.usage")) and "--class-size" in out and t("serve.cli.dry_run") in out


def test_cli_serve_bad_pin_is_one_line_exit_2(capsys, monkeypatch):
    monkeypatch.setenv("TRAINER_PIN", "12ab")
    assert main(["serve", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TRAINER_PIN" in err
