"""The offline install folder: built for Linux and this Python, installed with the index switched off.

Building needs PyPI the first time; the folder is kept under ``~/.cache/slrt-sim`` and
updated (only wheels the lock added or changed are fetched), so later runs need no
download; installing must not use the network at all: pip gets ``--no-index``, no configuration files, no
extra find-links, and a proxy that refuses every connection. The installed kit then
serves (dry run) and runs a scenario from its own bundled files, outside any clone.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import wheelhouse  # noqa: E402  (tools/wheelhouse.py)

PY = f"{sys.version_info[0]}.{sys.version_info[1]}"
NO_NETWORK = "http://127.0.0.1:9299"  # nothing listens there: any download attempt fails


def _cache() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "slrt-sim"


def _offline_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("PIP_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_NO_CACHE_DIR="1",
               HTTP_PROXY=NO_NETWORK, HTTPS_PROXY=NO_NETWORK, http_proxy=NO_NETWORK, https_proxy=NO_NETWORK,
               XDG_DATA_HOME=str(tmp / "data"), HOME=str(tmp / "home"), TRAINER_PIN="2580", PYTHON=sys.executable)
    env.pop("SLRT_DB", None)
    return env


def test_lock_markers_are_evaluated_for_the_target_platform():
    pins = wheelhouse.runtime_pins(wheelhouse.read_lock())
    names = {p.name for p in pins}
    assert {"numpy", "voila", "simpy", "ipykernel"} <= names
    assert not {"pytest", "nbval", "playwright", "ciw"} & names  # test tools stay out
    win = {r.split("==")[0] for r in wheelhouse.pins_for(pins, wheelhouse.PLATFORMS["win_amd64"], "3.13")}
    mac = {r.split("==")[0] for r in wheelhouse.pins_for(pins, wheelhouse.PLATFORMS["macos_arm64"], "3.13")}
    lin = {r.split("==")[0] for r in wheelhouse.pins_for(pins, wheelhouse.PLATFORMS["linux_x86_64"], "3.13")}
    assert "pywinpty" in win and "pywinpty" not in lin | mac
    assert "appnope" in mac and "appnope" not in lin | win
    assert "pexpect" in lin and "pexpect" not in win


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="installs the Linux wheelhouse it builds")
def test_offline_install_from_linux_wheelhouse(tmp_path):
    house = _cache() / f"wheelhouse-test-linux-{PY}"
    build = subprocess.run([sys.executable, str(ROOT / "tools" / "wheelhouse.py"), "--out", str(house),
                            "--pythons", PY, "--platforms", "linux_x86_64", "--cache", str(_cache() / "pip")],
                           capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stderr[-3000:]
    assert (house / "install.sh").is_file() and (house / "install.bat").is_file()
    assert len(list(house.glob("slrt_sim-*.whl"))) == 1
    assert "linux_x86_64" in (house / "SIZES.txt").read_text()

    env = _offline_env(tmp_path)
    venv = tmp_path / "kit-env"
    install = subprocess.run(["sh", str(house / "install.sh"), str(venv)], capture_output=True, text=True,
                             env=env, cwd=tmp_path, timeout=900)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-3000:]
    assert f"{venv}/bin/slrt-sim\" serve" in install.stdout

    kit = venv / "bin" / "slrt-sim"
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "from slrt_sim import paths as r; print(r.IN_CLONE, r.ROOT)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    in_clone, bundle = where.stdout.split()
    assert in_clone == "False" and Path(bundle).name == "_bundle" and str(venv) in bundle
    bundle = Path(bundle)
    assert len(list((bundle / "notebooks").glob("*.ipynb"))) == len(list((ROOT / "notebooks").glob("*.ipynb")))
    assert (bundle / "share" / "jupyter" / "voila" / "templates" / "slrt" / "index.html.j2").is_file()
    assert json.loads((bundle / "voila.json").read_text()) == json.loads((ROOT / "voila.json").read_text())

    serve = subprocess.run([str(kit), "serve", "--dry-run", "--host", "127.0.0.1", "--port", "9298"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert serve.returncode == 0, serve.stderr[-3000:]
    assert "2580" not in serve.stdout  # a dry run shows no PIN ...
    assert not (tmp_path / "data").exists()  # ... and writes nothing
    assert str(tmp_path / "data" / "slrt-sim" / "slrt-sessions.sqlite") in serve.stdout  # user data folder
    assert str(bundle / "notebooks") in serve.stdout

    out = tmp_path / "run"
    run = subprocess.run([str(kit), "run", "pelatihan_satu_kelurahan",  # a bundled scenario by name
                          "--days", "30", "--json", "--out", str(out)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    assert result["horizon_days"] == 30 and 0.0 <= result["kpis"]["needs_met"]["mean"] <= 1.0
    assert any(out.iterdir())  # tables written
    shutil.rmtree(venv)  # 500 MB: do not keep it in pytest's temporary folders


def _kit_wheel(folder: Path, mark: str) -> Path:
    """A stand-in for the kit's wheel (same name and version each time, different content)."""
    import zipfile

    wheel = folder / "slrt_sim-0.1.0-py3-none-any.whl"
    files = {"slrt_sim/__init__.py": f"__version__ = '0.1.0'\nMARK = {mark!r}\n",
             "slrt_sim-0.1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: slrt-sim\nVersion: 0.1.0\n",
             "slrt_sim-0.1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                               "Tag: py3-none-any\n"}
    files["slrt_sim-0.1.0.dist-info/RECORD"] = "".join(f"{name},,\n" for name in files) + \
        "slrt_sim-0.1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(wheel, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return wheel


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="install.sh is for Linux and macOS (install.bat: checked below)")
def test_running_the_installer_again_updates_the_kit(tmp_path):
    """pip said "Requirement already satisfied" for a kit of the same version and kept the old
    one; the installer now force-reinstalls the folder's kit wheel, and writes the start script."""
    house = tmp_path / "house"
    house.mkdir()
    wheelhouse.write_scripts(house, [PY], [])
    env = _offline_env(tmp_path)
    (tmp_path / "home" / "Desktop").mkdir(parents=True)
    venv = tmp_path / "kit env"  # a space, as in "C:\Users\Ana Sari"
    marks = []
    for mark in ("one", "two"):
        _kit_wheel(house, mark)
        install = subprocess.run(["sh", str(house / "install.sh"), str(venv)], capture_output=True, text=True,
                                 env=env, cwd=tmp_path, timeout=600)
        assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-3000:]
        marks.append(subprocess.run([str(venv / "bin" / "python"), "-c", "import slrt_sim; print(slrt_sim.MARK)"],
                                    capture_output=True, text=True, env=env, cwd=tmp_path).stdout.strip())
    assert marks == ["one", "two"]
    assert "updating the environment" in install.stdout
    start = venv / "Mulai kelas SLRT.command"
    assert f'"{venv}/bin/slrt-sim" serve' in start.read_text() and start.stat().st_mode & 0o100
    assert (tmp_path / "home" / "Desktop" / "Mulai kelas SLRT.command").is_file()


def test_kit_wheel_version_changes_with_every_build():
    import datetime as dt

    a = wheelhouse.local_version(dt.datetime(2026, 12, 3, 7, 0, 1, tzinfo=dt.timezone.utc))
    b = wheelhouse.local_version(dt.datetime(2026, 12, 3, 7, 0, 2, tzinfo=dt.timezone.utc))
    assert a != b and a.startswith("20261203.070001")
    from packaging.version import Version

    assert Version(f"0.1.0+{b}") > Version(f"0.1.0+{a}") > Version("0.1.0")


def test_windows_installer_quotes_paths_pauses_and_prints_a_command_for_both_shells(tmp_path):
    wheelhouse.write_scripts(tmp_path, ["3.12", "3.13"], [])
    bat = (tmp_path / "install.bat").read_bytes().decode()
    assert "\r\n" in bat and "@PYTHONS@" not in bat and "3.13 3.12" in bat
    lines = [line for line in bat.splitlines() if not line.lower().startswith("rem")]
    for line in lines:  # every use of a path variable is quoted (user names with spaces)
        for var in ("%VENV%", "%HERE%", "%START%"):
            for i in [i for i in range(len(line)) if line.startswith(var, i)]:
                assert line[:i].count('"') % 2 == 1, line
    assert "pause" in bat and "--force-reinstall" in bat
    assert 'cmd /c "%START%"' in bat  # cmd and PowerShell both run `cmd /c "C:\...\Mulai kelas SLRT.bat"`
    assert "py -3.1" not in bat  # no fixed minor: every supported one is tried
    sh = (tmp_path / "install.sh").read_text()
    assert "--force-reinstall" in sh and "Python.framework" in sh and "python3-venv" in sh
