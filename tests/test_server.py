"""The class server (slrt_sim.server): kernel cap, pool bound, kernel-free pages, closing a page.

The first tests drive the kernel manager's policy on a stand-in for Voila's pre-heating
kernel manager (no processes); the last one runs the real server (``VoilaProcess``).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import sys
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from pathlib import Path

from benchmarks.voila_process import VoilaProcess
from slrt_sim import paths
from slrt_sim.cli import main as cli_main
from slrt_sim.i18n import t
from slrt_sim.server import pages
from slrt_sim.server.kernels import CLIENT, POOL_READY, CapPolicy, capped_manager_class

FO = "roleplay_front_office.ipynb"
_ids = itertools.count(1)


class _Render:
    """A pre-heated kernel's notebook run (Voila's render task): done once the notebook has run."""

    def __init__(self):
        self._done, self._callbacks, self._exc = False, [], None

    def done(self) -> bool:
        return self._done

    def cancelled(self) -> bool:
        return False

    def exception(self):
        return self._exc

    def fail(self, exc: Exception) -> None:
        self._exc = exc
        self.finish()

    def add_done_callback(self, callback) -> None:
        self._callbacks.append(callback)

    def finish(self) -> None:
        self._done = True
        for callback in self._callbacks:
            callback(self)


class _Ready:
    """A pool entry whose kernel has started (Voila keeps asyncio tasks; only done()/result() are read)."""

    def __init__(self, kernel_id: str):
        self.kernel_id = kernel_id
        self.render = _Render()
        self._content = {"kernel_id": kernel_id, "task": self.render}

    def done(self) -> bool:
        return True

    def result(self) -> dict:
        return self._content


class FakeVoilaManager:
    """What capped_manager_class needs of Voila's VoilaKernelManager: pools, kernels, refill."""

    def __init__(self, **kwargs):
        self.log = logging.getLogger("fake-voila")
        self._kernels: dict[str, object] = {}
        self._pending_kernels: dict[str, object] = {}
        self._kernel_connections: dict[str, int] = {}
        self._pools: dict[str, list] = {}
        self.kernel_pools_config = kwargs.get("pools", {"default": {"pool_size": 0}})
        for notebook in self.kernel_pools_config:
            if notebook != "default":
                self.fill_if_needed(delay=0, notebook_name=notebook)

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        size = self.kernel_pools_config.get(notebook_name, self.kernel_pools_config["default"])["pool_size"]
        pool = self._pools.setdefault(notebook_name, [])
        for _ in range(size - len(pool)):
            kid = f"k{next(_ids)}"
            self._kernels[kid] = object()  # pool kernels are live kernels
            pool.append(_Ready(kid))

    async def get_rendered_notebook(self, notebook_name, **kwargs):
        kid = self._pools[notebook_name].pop(0).kernel_id
        self.fill_if_needed(notebook_name=notebook_name)  # Voila refills at once
        return None, [], kid

    async def _initialize(self, notebook_path, kernel_id=None, **kwargs):
        """Voila starts the kernel and returns its render task (the notebook runs after this)."""
        entry = next(e for e in self._pools[notebook_path] if e.kernel_id == kernel_id)
        return entry.result()

    async def start_kernel(self, **kwargs):
        kid = f"k{next(_ids)}"
        self._kernels[kid] = object()
        return kid

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._kernels.pop(kernel_id, None)



def _run(coro):
    """``asyncio.run`` in a thread of its own: after the browser tests, Playwright's sync API has
    left an event loop set in this one, where ``asyncio.run`` refuses to start."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()

def _run(coro):
    """Run ``coro`` on its own loop in a thread (Playwright's sync API may own this thread's loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _manager(pool: int, **policy) -> object:
    cls = capped_manager_class(FakeVoilaManager, CapPolicy(fill_delay=0, **policy))
    return cls(pools={"default": {"pool_size": 0}, FO: {"pool_size": pool}})


def _take(km, notebook: str = FO, ip: str = "10.0.0.7") -> str:
    async def go():
        token = CLIENT.set((ip, notebook))
        try:
            if km.pool_ready(notebook):
                return (await km.get_rendered_notebook(notebook))[2]
            return await km.start_kernel()
        finally:
            CLIENT.reset(token)

    return _run(go())


def test_taking_the_whole_pool_does_not_double_the_kernels():
    km = _manager(pool=10, max_kernels=80, max_per_client=100, pool_spare=2)
    assert len(km._kernels) == 10
    for k in range(10):
        _take(km, ip=f"10.0.0.{k}")
    # Voila alone would have refilled to 10 more (20 kernels); here: the 10 pages + 2 spare
    assert km.notebook_pages(FO) == 10
    assert len(km._kernels) == 12
    assert km.pool_ready(FO) == 2


def test_pool_does_not_grow_back_when_the_class_leaves():
    km = _manager(pool=4, max_kernels=80, max_per_client=100, pool_spare=1)
    pages = [_take(km, ip=f"10.0.0.{k}") for k in range(4)]
    for kid in pages:  # the class closes the app (e.g. to open the back office)
        _run(km.shutdown_kernel(kid))
    assert km.pool_ready(FO) == 1  # a spare for late-comers, not 4 idle kernels holding memory
    assert len(km._kernels) == 1


def test_refills_stop_at_the_kernel_cap():
    km = _manager(pool=5, max_kernels=6, max_per_client=100, pool_spare=5)
    for k in range(5):
        _take(km, ip=f"10.0.0.{k}")
    assert km.live_total() == 6  # 5 pages + 1 refill: the cap, not 5 + 5
    assert km.admit(FO, "10.0.1.1") == (True, "")  # one pool kernel left
    _take(km, ip="10.0.1.1")
    assert km.admit(FO, "10.0.1.2") == (False, "full")


def test_closing_a_page_makes_room_again():
    km = _manager(pool=0, max_kernels=2, max_per_client=100)
    a = _take(km)
    _take(km, ip="10.0.0.8")
    assert km.admit(FO, "10.0.0.9") == (False, "full")
    _run(km.shutdown_kernel(a))
    assert km.admit(FO, "10.0.0.9") == (True, "")
    assert a not in km.kernel_owner


def test_the_pool_is_ready_when_every_kernel_has_run_the_notebook(caplog):
    """Voila says "filled" when the kernels have started; a class opening then waits for (and
    competes with) the notebook runs. The ready line comes after the last run, once."""
    cls = capped_manager_class(FakeVoilaManager, CapPolicy(fill_delay=0, class_notebooks=(FO,)))
    km = cls(pools={"default": {"pool_size": 0}, FO: {"pool_size": 3}})
    entries = list(km._pools[FO])
    for e in entries:
        _run(km._initialize(FO, e.kernel_id))
    ready = POOL_READY % (FO, 3)
    with caplog.at_level(logging.INFO, logger="fake-voila"):
        entries[0].render.finish()
        entries[2].render.finish()
        assert km.pool_rendered(FO) == 2 and ready not in caplog.text
        entries[1].render.finish()
        assert km.pool_rendered(FO) == 3
        assert caplog.text.count(ready) == 1
        assert t("serve.pool_ready", n=3) in caplog.text  # the trainer's line, in the catalogue's language
        entries[1].render.finish()  # a later render (a refill) does not repeat it
        assert caplog.text.count(ready) == 1


def test_a_kernel_that_failed_to_run_the_notebook_is_replaced_and_never_served():
    """70 kernels starting at once: one may fail to bind its port and hang until the start-up
    timeout. Its page would be the half-rendered HTML (a blank page); it leaves the pool instead,
    is shut down and replaced, and pages take kernels that have run the notebook first."""
    km = _manager(pool=3, max_kernels=80, max_per_client=100)
    entries = list(km._pools[FO])
    for e in entries:
        _run(km._initialize(FO, e.kernel_id))

    async def fail_first():
        entries[0].render.fail(RuntimeError("Kernel didn't respond in 180 seconds"))
        await asyncio.sleep(0.01)  # the shutdown it scheduled

    _run(fail_first())
    assert entries[0].kernel_id not in km._kernels
    assert entries[0] not in km._pools[FO] and len(km._pools[FO]) == 3  # a replacement is starting
    entries[2].render.finish()
    assert _take(km) == entries[2].kernel_id  # the one that has run the notebook, not the oldest


def test_cap_per_device_but_not_for_the_trainer_laptop():
    km = _manager(pool=4, max_kernels=80, max_per_client=2)
    _take(km, ip="192.168.1.20")
    _take(km, ip="192.168.1.20")
    assert km.client_kernels("192.168.1.20") == 2
    assert km.admit(FO, "192.168.1.20") == (False, "client")
    assert km.admit(FO, "192.168.1.21") == (True, "")
    for _ in range(3):
        _take(km, ip="127.0.0.1")
    assert km.admit(FO, "127.0.0.1") == (True, "")  # loopback (the trainer) is exempt


def test_busy_page_is_indonesian_first_and_retries_by_itself():
    html = pages.busy_page(45, "/")
    assert t("serve.busy.body", lang="id", seconds=45) in html
    assert html.index(t("serve.busy.title", lang="id")) < html.index(t("serve.busy.title", lang="en"))
    assert '<meta http-equiv="refresh" content="45">' in html
    per_device = pages.busy_page(30, "/", per_client=3)
    assert t("serve.busy.client", lang="id", seconds=30, n=3) in per_device
    assert "://" not in html  # offline: no absolute link


def test_landing_page_has_both_languages_and_the_apps():
    html = pages.landing_page(paths.NOTEBOOKS)
    assert t("landing.title", lang="id") in html and t("landing.title", lang="en") in html
    shown = html[:html.index("<template")]  # what the page shows before any click: Indonesian
    assert t("landing.title", lang="id") in shown and t("landing.title", lang="en") not in shown
    assert 'href="roleplay_front_office.ipynb"' in html
    assert "kernelId" not in html and "://" not in html


def test_voila_json_sets_timeouts_and_the_cap():
    import json

    from slrt_sim.server.app import SlrtVoila

    config = json.loads((paths.CONFIG_DIR / "voila.json").read_text())
    assert config["VoilaExecutor"]["iopub_timeout"] >= 60  # a slow kernel: a slow page, not a blank one
    assert SlrtVoila().max_kernels == CapPolicy.max_kernels >= 80
    # each number once: voila.json does not repeat the defaults of SlrtVoila (CapPolicy's)
    assert not {k for k, v in config.get("SlrtVoila", {}).items() if getattr(SlrtVoila(), k) == v}
    assert config["MappingKernelManager"]["cull_idle_timeout"] <= 300  # pages gone: culled within minutes
    assert config["ServerKernelManager"]["client_factory"] == "slrt_sim.server.kernels.NoHeartbeatClient"


def test_the_notebook_client_starts_no_heartbeat_thread(monkeypatch):
    """A heartbeat thread stuck on a taken port froze the server when its client was stopped;
    Voila's notebook client starts every channel but the heartbeat (the manager knows if the
    kernel is alive)."""
    from jupyter_client.asynchronous import AsyncKernelClient

    from slrt_sim.server.kernels import NoHeartbeatClient

    seen = {}
    monkeypatch.setattr(AsyncKernelClient, "start_channels", lambda self, **kw: seen.update(kw))
    NoHeartbeatClient().start_channels()
    assert seen == {"shell": True, "iopub": True, "stdin": True, "hb": False, "control": True}


def _get(url: str, data: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=180) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


def _kernel_processes(server) -> int:
    import psutil

    return sum(1 for p in psutil.Process(server.proc.pid).children(recursive=True)
               if "slrt_sim.server.kernel" in " ".join(p.cmdline()))


@pytest.mark.slow
def test_server_cap_landing_and_closing_a_page(tmp_path):
    """One real server, no pool, a cap of one kernel: landing page without a kernel; one app
    page; the next page gets the 503 page; closing the first page (as the browser's
    beforeunload does) stops its kernel and makes room."""
    server = VoilaProcess(
        pin="4321", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
        extra=["--SlrtVoila.max_kernels=1", "--SlrtVoila.other_pool_size=0",
               "--VoilaConfiguration.default_pool_size=0"],
    )
    with server:
        status, _, html = _get(server.render_url("index.ipynb"))
        assert status == 200 and t("landing.title", lang="id") in html
        assert "kernelId" not in html and _kernel_processes(server) == 0

        status, headers, html = _get(server.render_url(FO))
        assert status == 200 and "application/vnd.jupyter.widget-view+json" in html
        kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html).group(1)
        cookies = " ".join(headers.get_all("Set-Cookie") or [])
        xsrf = re.search(r"_xsrf=([^;]+)", cookies).group(1)  # set for the page's shutdown beacon

        status, headers, html = _get(server.render_url("roleplay_back_office.ipynb"))
        assert status == 503
        assert int(headers["Retry-After"]) > 0
        assert t("serve.busy.body", lang="id", seconds=int(headers["Retry-After"])) in html

        body = urllib.parse.urlencode({"_xsrf": urllib.parse.unquote(xsrf)}).encode()
        status, _, _ = _get(f"{server.url}/voila/api/shutdown/{kernel_id}", data=body,
                            headers={"Cookie": f"_xsrf={xsrf}",
                                     "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 204
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _get(f"{server.url}/api/kernels/{kernel_id}")[0] == 200:
            time.sleep(0.3)
        assert _get(f"{server.url}/api/kernels/{kernel_id}")[0] == 404
        assert "'_xsrf' argument missing" not in server.log()

        status, _, html = _get(server.render_url("roleplay_back_office.ipynb"))
        assert status == 200  # the closed page's room is free again


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP and process groups are POSIX")
def test_stopping_a_hung_server_leaves_no_kernel_behind(tmp_path):
    """A server that no longer answers SIGTERM (here: stopped with SIGSTOP) is killed; the
    kernels it started run in sessions of their own, and must be killed with it."""
    import os
    import signal

    import psutil

    server = VoilaProcess(
        pin="4321", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
        extra=["--SlrtVoila.other_pool_size=0", "--VoilaConfiguration.default_pool_size=0"],
    )
    server.start()
    try:
        status, _, _ = _get(server.render_url(FO))
        assert status == 200
        kernels = [p for p in psutil.Process(server.proc.pid).children(recursive=True)
                   if "slrt_sim.server.kernel" in " ".join(p.cmdline())]
        assert kernels and all(os.getpgid(k.pid) != server.proc.pid for k in kernels)  # not in its group
        os.kill(server.proc.pid, signal.SIGSTOP)   # the server hangs
        server.stop(timeout=1)
        assert server.proc is None

        def alive():  # a killed kernel is gone, or a zombie until init reaps it
            out = []
            for k in kernels:
                try:
                    if k.is_running() and k.status() != psutil.STATUS_ZOMBIE:
                        out.append(k.pid)
                except psutil.NoSuchProcess:
                    pass
            return out
        # at once: not left to the kernel's own parent check (ipykernel polls every second, and
        # only notices a parent that is gone, not one that hangs)
        deadline = time.monotonic() + 0.3
        while alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert alive() == []
    finally:
        server.stop(timeout=1)


def test_class_size_reaches_the_server_command(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TRAINER_PIN", "1357")
    assert cli_main(["serve", "--db", str(tmp_path / "s.sqlite"), "--class-size=70", "--class-app", "bo",
                     "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert t("serve.banner.class", n=70, app="BO", cap=CapPolicy.max_kernels, per_client=CapPolicy.max_per_client) in out


def test_bad_class_size_is_one_line_and_exit_2(capsys, monkeypatch):
    monkeypatch.setenv("TRAINER_PIN", "1357")
    from slrt_sim.server.app import MAX_CLASS_SIZE

    assert cli_main(["serve", "--class-size", "100000", "--dry-run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == t("serve.err.range", option="--class-size", max=MAX_CLASS_SIZE) and "\n" not in err
    assert cli_main(["serve", "--max-kernels=-3", "--dry-run"]) == 2
    assert capsys.readouterr().err.strip() == t("serve.err.range", option="--max-kernels", max=MAX_CLASS_SIZE)
    for bad, shown in (("--class-size=abc", "--class-size 'abc'"), ("--port=x", "--port 'x'")):
        assert cli_main(["serve", bad, "--dry-run"]) == 2
        assert capsys.readouterr().err.strip() == t("serve.err.option", detail=shown)  # no traitlets English
    assert cli_main(["serve", "--class-sise", "70", "--dry-run"]) == 2  # a typo is an error, not ignored
    err = capsys.readouterr().err.strip()
    assert err.startswith(t("serve.err.option", detail="")) and "--class-sise" in err and "\n" not in err


def test_server_env_points_the_case_cache_next_to_the_database(tmp_path):
    from slrt_sim import serve

    env = serve.server_env("1234", tmp_path / "db" / "s.sqlite", base={})
    assert env["SLRT_CACHE_DIR"] == str(tmp_path / "db" / "cache")


def test_render_paths_are_canonical():
    from slrt_sim.server.kernels import canonical_path

    for odd in (f"{FO}/", f"/{FO}", f"./{FO}", f"x/../{FO}", f"//{FO}//"):
        assert canonical_path(odd) == FO
    assert canonical_path(f"../{FO}") == ""


def test_simultaneous_requests_reserve_their_place_and_heavy_tools_have_their_own_cap():
    km = _manager(pool=1, max_kernels=80, max_per_client=2, heavy_per_client=1, heavy_total=2)
    assert km.reserve(FO, "192.168.1.20") == (True, "")   # takes the one pool kernel ...
    assert km.reserve(FO, "192.168.1.20") == (True, "")   # ... this one starts a kernel
    assert km.reserve(FO, "192.168.1.20") == (False, "client")  # nothing owned yet, still capped
    assert km.live_total() == 2  # the pool kernel and the reserved start
    for res in list(km._reservations):
        km.release(res)
    assert km.client_kernels("192.168.1.20") == 0
    walk = "walkthrough.ipynb"
    assert km.reserve(walk, "192.168.1.30") == (True, "")
    assert km.reserve(walk, "192.168.1.30") == (False, "heavy")  # one per device
    assert km.reserve(walk, "192.168.1.31") == (True, "")
    assert km.reserve(walk, "127.0.0.1") == (False, "heavy")  # total: even the trainer's laptop


def test_a_kernel_handed_to_a_page_is_kept_until_the_page_connects(monkeypatch):
    import datetime as dt

    km = _manager(pool=1, page_grace=600)
    culled = []

    async def cull_base(self, kernel_id):  # jupyter_server's rule: idle past cull_idle_timeout
        culled.append(kernel_id)

    class K:
        last_activity = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)  # waited long in the pool

    kid = _take(km)
    km._kernels[kid] = K()
    monkeypatch.setattr(FakeVoilaManager, "cull_kernel_if_idle", cull_base, raising=False)
    _run(km.cull_kernel_if_idle(kid))
    assert culled == []  # handed a moment ago: the phone may still be loading the page
    km._handed[kid] -= 601
    _run(km.cull_kernel_if_idle(kid))
    assert culled == [kid]  # never connected within the grace: culled as Voila would


# ---------------------------------------------------------------------------- systems
def test_kernel_sockets_fit_the_systems_path_limit(tmp_path):
    """macOS allows 103 characters for a socket path and its $TMPDIR is ~50 long: Voila's folder
    there would give ~113. A short private folder is used instead, or TCP; Windows uses TCP."""
    import shutil
    import tempfile

    from slrt_sim.server.app import IPC_NAME, kernel_sockets

    assert kernel_sockets("/tmp/voila_abcdefgh", "linux") == ("ipc", "/tmp/voila_abcdefgh")
    mac_tmp = "/var/folders/xy/" + "z" * 30 + "/T/voila_abcdefgh"
    short_root = tempfile.mkdtemp(prefix="s", dir="/tmp")  # stands for /tmp
    try:
        transport, folder = kernel_sockets(mac_tmp, "darwin", short_root=short_root)
        assert transport == "ipc" and folder.startswith(short_root) and len(folder) + IPC_NAME <= 103
        assert Path(folder).is_dir() and Path(folder).stat().st_mode & 0o077 == 0  # private to the trainer
    finally:
        shutil.rmtree(short_root)
    assert kernel_sockets(mac_tmp, "darwin", short_root=str(tmp_path / ("d" * 90))) == ("tcp", mac_tmp)
    assert kernel_sockets("C:\\Users\\Ana Sari\\AppData\\Local\\Temp\\voila_x", "win32")[0] == "tcp"


def test_serve_on_windows_stays_in_the_foreground(monkeypatch, tmp_path):
    """On Windows ``os.exec*`` starts a new process and returns to the prompt: the server must
    run in the ``slrt-sim serve`` process itself, on every system, and kernels use TCP there."""
    import os
    import sys

    from slrt_sim.server import app

    def no_exec(*args, **kwargs):
        raise AssertionError("serve must not exec")

    ran = {}

    def fake_super_start(self):  # Voila's start: listening and the loop, in this process
        ran["pid"] = os.getpid()
        ran["transport"] = app.kernel_sockets(str(tmp_path))[0]

    monkeypatch.setattr(sys, "platform", "win32")
    for name in ("execv", "execve", "execvp", "execvpe"):
        monkeypatch.setattr(os, name, no_exec)
    monkeypatch.setattr(app.Voila, "start", fake_super_start)
    monkeypatch.setattr(app.SlrtVoila, "warm_cases", lambda self: None)
    ticks = []

    class Tick:  # Windows' select() is not woken by Ctrl+C: the server keeps a tick going
        def __init__(self, callback, ms):
            self.ms = ms

        def start(self):
            ticks.append(self.ms)

    monkeypatch.setattr(app.tornado.ioloop, "PeriodicCallback", Tick)
    monkeypatch.setenv("TRAINER_PIN", "8642")
    monkeypatch.setenv("SLRT_CACHE_DIR", str(tmp_path / "cache"))
    assert cli_main(["serve", "--host", "127.0.0.1", "--port", "9298", "--db", str(tmp_path / "s.sqlite")]) == 0
    assert ran == {"pid": os.getpid(), "transport": "tcp"}
    assert 500 in ticks  # started, every half second


def test_voila_is_pinned_to_the_minor_version_whose_internals_the_server_uses():
    import tomllib
    from importlib.metadata import version

    from slrt_sim.server.app import VOILA_MINOR

    assert version("voila").rsplit(".", 1)[0] == VOILA_MINOR, "check SlrtVoila against the new Voila, then move the pin"
    deps = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (voila,) = [d for d in deps if d.startswith("voila")]
    major, minor = VOILA_MINOR.split(".")
    assert voila.replace(" ", "").endswith(f",<{major}.{int(minor) + 1}")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="socket files and POSIX signals (Windows: TCP, tested above)")
def test_long_tmpdir_serves_the_fo_page_and_ctrl_c_stops_every_kernel(tmp_path):
    """A 48-character $TMPDIR (as a Mac's, shortened to Linux's limit) made every kernel fail
    with "File name too long" and the FO page an HTTP 500. Ctrl+C (SIGINT) then stops the server
    and its kernels, with no traceback; the banner says "siap" only once the server listens."""
    import os
    import signal

    long_tmp = tmp_path / "t"
    long_tmp = Path(str(long_tmp) + "t" * max(0, 48 - len(str(long_tmp))))
    long_tmp.mkdir()
    assert len(str(long_tmp)) >= 48
    server = VoilaProcess(pin="4321", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
                          env={**os.environ, "TMPDIR": str(long_tmp)},
                          extra=["--SlrtVoila.other_pool_size=0", "--VoilaConfiguration.default_pool_size=0"])
    with server:
        status, _, html = _get(server.render_url(FO))
        assert status == 200 and "application/vnd.jupyter.widget-view+json" in html
        kernels = [p for p in __import__("psutil").Process(server.proc.pid).children(recursive=True)
                   if "slrt_sim.server.kernel" in " ".join(p.cmdline())]
        assert kernels
        server.stop(sig=signal.SIGINT)
        assert not [k for k in kernels if k.is_running() and k.status() != "zombie"]
        log = server.log_path.read_text()
    assert "Traceback" not in log and "File name too long" not in log
    assert t("serve.stopping", lang="id") in log and "Kernel shutdown" in log
    warm, up, ready = (log.index(t("serve.banner.warm", lang="id")), log.index("is running at"),
                       log.index(t("serve.banner.title", lang="id")))
    assert warm < up < ready


def test_the_banner_says_ready_only_once_the_class_pool_has_run(capsys, monkeypatch):
    """With a class size, "siap" and the PIN come when every pool kernel of the class app has run
    the notebook (Voila's "is running at" comes ~30 s earlier), not before."""
    from slrt_sim.server.app import SlrtVoila

    app = SlrtVoila(class_size=2, class_app="fo")
    app.pin, app.pin_generated, app.db = "2468", False, "/tmp/s.sqlite"
    rendered = iter([0, 1, 1, 2])

    class Pools:
        def pool_rendered(self, notebook):
            assert notebook == FO
            return next(rendered)

    app.kernel_manager = Pools()
    seen = []

    async def sleep(_):
        seen.append(capsys.readouterr().out)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    _run(app._announce_when_ready())
    assert seen and all(t("serve.banner.title") not in out for out in seen)  # not while preparing
    out = capsys.readouterr().out
    assert t("serve.banner.title") in out and t("serve.banner.pin", pin="2468") in out


def test_ctrl_c_during_the_warm_up_reaches_the_server_only(monkeypatch):
    """The console's Ctrl+C goes to its whole process group: the warm-up child is kept out of it
    (the server ends it), or it printed its own KeyboardInterrupt traceback."""
    import os

    from slrt_sim.server import app

    seen = {}
    monkeypatch.setattr(app.subprocess, "run", lambda cmd, **kw: seen.update(cmd=cmd, **kw))
    app.SlrtVoila().warm_cases()
    assert seen["cmd"][1:] == ["-m", "slrt_sim.server.warm"]
    if os.name == "nt":
        assert seen["creationflags"] & app.subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        assert seen["start_new_session"] is True


def test_trainer_tools_are_pre_heated_once_the_start_up_pools_have_run(monkeypatch):
    """The walkthrough and the planner get their pre-heated kernel only after every pool started with
    the server has run its notebook: their first simulation must not slow the class's kernels."""
    from slrt_sim.server.app import SlrtVoila

    app = SlrtVoila()
    assert app._late_tools() == ["walkthrough.ipynb", "planner.ipynb"]
    km = _manager(1)  # the FO pool: one kernel still running the notebook
    km.kernel_pools_config = {**km.kernel_pools_config, **{nb: {"pool_size": 1} for nb in app._late_tools()}}
    app.kernel_manager = km
    seen = []

    async def sleep(_):
        seen.append((km.pool_ready("walkthrough.ipynb"), km.pool_ready("planner.ipynb")))
        for pool in km._pools.values():  # every kernel started with the server has run its notebook now
            for item in pool:
                if not item.render.done():
                    item.render.finish()

    monkeypatch.setattr(asyncio, "sleep", sleep)
    _run(app._preheat_trainer_tools())
    assert seen == [(0, 0)]  # nothing heated while the FO pool was running
    assert km.pool_ready("walkthrough.ipynb") == 1 and km.pool_ready("planner.ipynb") == 1
    _run(app._preheat_trainer_tools())  # a second call adds none
    assert km.pool_ready("walkthrough.ipynb") == 1
