"""Serving set-up: slrt_sim.serve, the serve options, voila.json and the offline Voila template."""
from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

import pytest

from benchmarks.voila_process import VoilaProcess
from slrt_sim import paths, serve
from slrt_sim.cli import main as cli_main
from slrt_sim.i18n import t
from slrt_sim.server.app import SlrtVoila

TEMPLATE = paths.TEMPLATES_ROOT / "voila" / "templates" / "slrt"


def test_generated_pin_is_six_digits_and_varies():
    pins = {serve.generate_pin() for _ in range(200)}
    assert all(re.fullmatch(r"\d{6}", p) for p in pins)
    assert len(pins) > 150  # random, not a constant


def test_pin_comes_from_trainer_pin_then_slrt_trainer_pin():
    assert serve.resolve_pin({"TRAINER_PIN": "2468"}) == ("2468", False)
    assert serve.resolve_pin({"TRAINER_PIN": "", "SLRT_TRAINER_PIN": "0007"}) == ("0007", False)
    pin, generated = serve.resolve_pin({})
    assert generated and re.fullmatch(r"\d{6}", pin)
    with pytest.raises(ValueError, match="TRAINER_PIN"):
        serve.resolve_pin({"TRAINER_PIN": "12a4"})


def test_server_env_exports_pin_db_and_template_path():
    env = serve.server_env("4321", "/tmp/x.sqlite", {"TRAINER_PIN": "9999", "JUPYTER_PATH": "/other"})
    assert env["SLRT_TRAINER_PIN"] == "4321"
    assert env["SLRT_DB"] == "/tmp/x.sqlite"
    assert "TRAINER_PIN" not in env
    assert env["JUPYTER_PATH"].split(":") == [str(paths.TEMPLATES_ROOT), "/other"]


def test_server_defaults_read_the_kits_config_only():
    app = SlrtVoila()
    assert app.config_file_paths == [str(paths.CONFIG_DIR)]  # not ~/.jupyter
    assert app.root_dir == str(paths.NOTEBOOKS) and app.ip == "0.0.0.0" and app.port == 8866
    assert (paths.CONFIG_DIR / "voila.json").is_file()


def test_voila_json_culls_idle_kernels_and_preheats():
    config = json.loads((paths.CONFIG_DIR / "voila.json").read_text())
    assert config["VoilaConfiguration"]["template"] == "slrt"
    assert config["VoilaConfiguration"]["preheat_kernel"] is True
    assert config["VoilaConfiguration"]["default_pool_size"] >= 1
    km = config["MappingKernelManager"]
    assert km["cull_idle_timeout"] > 0 and km["cull_interval"] > 0
    assert km["cull_connected"] is False  # a trainee with the page open keeps the kernel
    assert config["Voila"]["open_browser"] is False


def test_template_has_no_remote_assets():
    for path in TEMPLATE.iterdir():
        text = path.read_text(encoding="utf-8")
        code = re.sub(r"\{#.*?#\}", "", text, flags=re.S)  # ignore Jinja comments
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", code), path.name


def test_dry_run_writes_nothing_and_prints_no_pin(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TRAINER_PIN", "1357")
    assert cli_main(["serve", "--host", "127.0.0.1", "--port", "9999", "--db", str(tmp_path / "v" / "s.sqlite"),
                     "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1357" not in out and t("serve.banner.title") not in out  # not "siap": nothing is served
    assert "http://127.0.0.1:9999/" in out and str(tmp_path / "v" / "s.sqlite") in out
    assert list(tmp_path.iterdir()) == []  # no database, no folder


def test_bad_pin_is_refused(capsys, monkeypatch):
    monkeypatch.setenv("TRAINER_PIN", "abc")
    assert cli_main(["serve", "--dry-run"]) == 2
    assert "TRAINER_PIN" in capsys.readouterr().err


def _kernel_status(url: str, kernel_id: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/api/kernels/{kernel_id}", timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_idle_kernel_is_culled_after_the_page_is_gone(tmp_path):
    """A page that never connects (or has closed) leaves an idle kernel: it is kept for the page's
    grace period (the phone may still be loading it), then culling stops it."""
    server = VoilaProcess(
        pin="4321",
        db=tmp_path / "s.sqlite",
        log_path=tmp_path / "voila.log",
        extra=["--MappingKernelManager.cull_idle_timeout=2", "--MappingKernelManager.cull_interval=1",
               "--SlrtVoila.page_grace=10"],
    )
    with server:
        handed = time.monotonic()  # the server's grace counts from the kernel's start, before the page is rendered
        with urllib.request.urlopen(server.render_url("trainer_dashboard.ipynb"), timeout=120) as resp:
            html = resp.read().decode("utf-8")
        kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1)
        time.sleep(4)  # idle past cull_idle_timeout, but within the grace: kept
        if time.monotonic() - handed < 9:
            assert _kernel_status(server.url, kernel_id) == 200
        # on a loaded machine the kernel may already be gone by now (the log line below
        # proves it was culled, not lost); otherwise wait for the culler
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _kernel_status(server.url, kernel_id) == 200:
            time.sleep(0.5)
        assert _kernel_status(server.url, kernel_id) == 404
        assert re.search(rf"Culling .*kernel .*{kernel_id}", server.log())


# ---------------------------------------------------------------------------- database faults
def _faulty_databases(tmp_path):
    import os
    import sqlite3

    from slrt_sim.training.store import SessionStore

    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all, just text" * 100)
    damaged = tmp_path / "damaged.sqlite"
    store = SessionStore(damaged)
    for k in range(300):
        store.save_progress(f"T{k}", "K", "fo", {"form": {"members": "x" * 900}})
    con = sqlite3.connect(damaged)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(damaged.read_bytes())  # random bytes inside a valid file: the header still opens
    rng = __import__("random").Random(7)
    for page in range(2, len(data) // 4096):
        for _ in range(40):
            data[page * 4096 + rng.randrange(4096)] = rng.randrange(256)
    damaged.write_bytes(bytes(data))
    out = {"folder": folder, "garbage": garbage, "damaged": damaged}
    if os.geteuid() != 0:  # root reads and writes any file: permissions cannot be tried there
        ro = tmp_path / "ro.sqlite"
        SessionStore(ro)
        ro.chmod(0o444)
        out["read_only"] = ro
    return out


def test_a_faulty_database_gives_one_line_at_start_and_nothing_is_overwritten(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TRAINER_PIN", "1357")
    for kind, path in _faulty_databases(tmp_path).items():
        before = path.read_bytes() if path.is_file() else None
        assert cli_main(["serve", "--db", str(path), "--dry-run"]) == 2, kind
        captured = capsys.readouterr()
        lines = [x for x in captured.err.splitlines() if x.strip()]
        assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in captured.err, (kind, captured.err)
        assert "slrt_sim.server" not in captured.out  # the server was not started
        if before is not None:
            assert path.read_bytes() == before, kind  # nothing overwritten
    good = tmp_path / "good" / "s.sqlite"
    assert cli_main(["serve", "--db", str(good), "--dry-run"]) == 0


def test_backups_use_the_sqlite_api_and_keep_the_last_few(tmp_path):
    import datetime as dt
    import sqlite3

    from slrt_sim.training import store_health
    from slrt_sim.training.store import SessionStore

    db = tmp_path / "var" / "s.sqlite"
    store = SessionStore(db)
    store.create_class("KLS", 1, "mudah")
    start = dt.datetime(2026, 12, 3, 8, 0, 0)
    copies = [store_health.backup(db, now=start + dt.timedelta(minutes=10 * k), keep=3) for k in range(5)]
    kept = sorted((tmp_path / "var" / "backups").glob("*.sqlite"))
    assert kept == copies[-3:]
    con = sqlite3.connect(kept[-1])  # a sound copy, with the WAL's last writes in it
    assert con.execute("SELECT code FROM classes").fetchall() == [("KLS",)]
    assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    con.close()
    assert store_health.check(kept[-1]) is None


@pytest.mark.slow
def test_the_server_backs_up_at_start_and_refuses_a_damaged_database(tmp_path):
    server = VoilaProcess(pin="4321", db=tmp_path / "var" / "s.sqlite", log_path=tmp_path / "voila.log",
                                extra=["--SlrtVoila.backup_interval=2", "--SlrtVoila.other_pool_size=0",
                                       "--VoilaConfiguration.default_pool_size=0"])
    (tmp_path / "var").mkdir()
    from slrt_sim.training.store import SessionStore

    SessionStore(tmp_path / "var" / "s.sqlite")
    with server:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(list((tmp_path / "var" / "backups").glob("*.sqlite"))) < 2:
            time.sleep(0.5)
        assert len(list((tmp_path / "var" / "backups").glob("*.sqlite"))) >= 2  # at start, then periodic
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 1000)
    broken = VoilaProcess(pin="4321", db=bad, log_path=tmp_path / "bad.log", startup_timeout=60)
    with pytest.raises(RuntimeError, match="exited with code 2"):
        broken.start()
    assert str(bad) in broken.log() and "Traceback" not in broken.log()
