"""A day in the hall, over loopback: pages live whenever they arrive, caps that odd paths and
simultaneous requests cannot pass (one real server each, ``VoilaProcess``)."""
from __future__ import annotations

import asyncio

import concurrent.futures
import re
import time
import urllib.error
import urllib.request

import pytest

from benchmarks.voila_process import VoilaProcess
from slrt_sim.i18n import t
from slrt_sim.server.kernels import POOL_READY

FO = "roleplay_front_office.ipynb"
NO_POOLS = ["--SlrtVoila.other_pool_size=0", "--VoilaConfiguration.default_pool_size=0"]



def _run(coro):
    """``asyncio.run`` in a thread of its own: after the browser tests, Playwright's sync API has
    left an event loop set in this one, where ``asyncio.run`` refuses to start."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()

def _get(url: str, timeout: float = 240):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _wait_for(predicate, seconds: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def _kernel_processes(server) -> int:
    import psutil

    return sum(1 for p in psutil.Process(server.proc.pid).children(recursive=True)
               if "slrt_sim.server.kernel" in " ".join(p.cmdline()))


def _kernel_id(page: str) -> str:
    return re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page).group(1)


@pytest.mark.slow
def test_a_pool_kernel_that_waited_long_is_not_culled_before_its_page_connects(tmp_path):
    """The class app's pool kernel waits past ``cull_idle_timeout`` after "Kelas siap"; the page
    that takes it then keeps its kernel while the phone is still loading it."""
    server = VoilaProcess(
        pin="4321", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
        extra=["--SlrtVoila.class_size=1", "--SlrtVoila.other_pool_size=0",
               "--VoilaConfiguration.default_pool_size=0",
               "--MappingKernelManager.cull_idle_timeout=2", "--MappingKernelManager.cull_interval=1"])
    with server:
        assert _wait_for(lambda: POOL_READY % (FO, 1) in server.log(), 180)
        time.sleep(4)  # the trainer is still talking: the pool kernel idles past the cull timeout
        status, page = _get(server.render_url(FO))
        assert status == 200 and "application/vnd.jupyter.widget-view+json" in page
        kernel = _kernel_id(page)
        time.sleep(5)  # a slow phone: five culler ticks before its websocket connects
        assert _get(f"{server.url}/api/kernels/{kernel}")[0] == 200
        # the page links the script that says so (in Indonesian) and reloads when the kernel is gone
        assert 'slrt/live.js' in page
        status, script = _get(f"{server.url}/slrt/live.js")
        assert status == 200 and t("hall.gone", lang="id") in script and "location.reload" in script
        assert "Traceback" not in server.log()


@pytest.mark.slow
def test_odd_paths_and_simultaneous_requests_do_not_pass_the_device_cap(tmp_path):
    """One device (the cap applies to loopback here), a cap of 2 pages: five requests at the same
    moment get 2 pages; then ``x.ipynb/``, ``//x.ipynb`` and ``./x.ipynb`` are the same page, and
    refused too. The server never holds more kernels than the cap allows."""
    server = VoilaProcess(
        pin="4321", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
        extra=[*NO_POOLS, "--SlrtVoila.exempt_loopback=False", "--SlrtVoila.max_per_client=2",
               "--SlrtVoila.max_kernels=3"])
    with server:
        with concurrent.futures.ThreadPoolExecutor(5) as pool:
            statuses = sorted(s for s, _ in pool.map(lambda _: _get(server.render_url(FO)), range(5)))
        assert statuses == [200, 200, 503, 503, 503]
        for odd in (f"{FO}/", f"/{FO}", f"./{FO}", f"x/../{FO}"):
            status, page = _get(f"{server.url}/voila/render/{odd}")
            assert status == 503, odd
            assert "kernelId" not in page
        assert _kernel_processes(server) == 2


def _connect_and_leave(server, kernel_id: str) -> None:
    """A page's websocket reaches the kernel, then the page goes without a goodbye."""
    import asyncio

    from tornado.websocket import websocket_connect

    async def visit():
        ws = await websocket_connect(f"{server.url.replace('http', 'ws')}/api/kernels/{kernel_id}/channels")
        await asyncio.sleep(1)
        ws.close()
        await asyncio.sleep(1)

    _run(visit())


@pytest.mark.slow
def test_a_heavy_tool_whose_page_has_gone_makes_room_for_the_next(tmp_path):
    """Room for one heavy tool: a planner page that connected and went (a reload, a closed tab)
    gives its place to the next planner page at once; a page still on its way keeps it."""
    planner = "planner.ipynb"
    server = VoilaProcess(
        pin="4321", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
        extra=[*NO_POOLS, "--SlrtVoila.heavy_total=1"])
    with server:
        status, page = _get(server.render_url(planner))
        assert status == 200
        first = _kernel_id(page)
        # never connected: a slow phone's page, protected
        assert _get(server.render_url(planner))[0] == 503
        _connect_and_leave(server, first)
        status, page = _get(server.render_url(planner))
        assert status == 200
        assert _kernel_id(page) != first
        assert _get(f"{server.url}/api/kernels/{first}")[0] == 404
        assert "Traceback" not in server.log()


# ---------------------------------------------------------------------------- trainer PIN
def test_pin_throttle_is_per_device_expires_and_never_holds_the_trainer():
    from slrt_sim.server.guard import FORGET_SECONDS, PinThrottle

    clock = [1000.0]
    throttle = PinThrottle(own={"192.168.1.5"}, clock=lambda: clock[0])
    phone = "192.168.1.23"
    verdicts = []
    for _ in range(3 * 3600):  # three hours of tries, one a second, waiting out every delay
        verdicts.append(throttle.check(phone, "000000", "123456")[0])
        clock[0] += 1.0
        # the trainer's right PIN, on the laptop (loopback or its LAN address), never fails
        assert throttle.check("127.0.0.1", "123456", "123456")[0] == "ok"
        assert throttle.check("192.168.1.5", "123456", "123456")[0] == "ok"
    assert verdicts[:5] == ["wrong"] * 5 and "wait" in verdicts
    assert throttle.wait(phone) > 0 and throttle.wait("192.168.1.99") == 0  # another device is not held
    # the trainer's own wrong tries never throttle the laptop
    for _ in range(50):
        throttle.check("127.0.0.1", "999999", "123456")
    assert throttle.check("127.0.0.1", "123456", "123456") == ("ok", 0.0)
    # the count expires: no permanent lock after the tries stop
    clock[0] += FORGET_SECONDS + 1
    assert throttle.failures(phone) == 0 and throttle.check(phone, "123456", "123456")[0] == "ok"


def _get_from(server, path: str, source: str):
    import http.client

    con = http.client.HTTPConnection("127.0.0.1", server.port, timeout=240, source_address=(source, 0))
    con.request("GET", path)
    resp = con.getresponse()
    body = resp.read().decode("utf-8")
    con.close()
    return resp.status, body


def _kernel_api(server, kernel: str, action: str, source: str = "127.0.0.1", **data):
    import http.client
    import json

    con = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60, source_address=(source, 0))
    con.request("POST", "/slrt/api/kernel", body=json.dumps({"kernel": kernel, "action": action, **data}),
                headers={"Content-Type": "application/json"})
    resp = con.getresponse()
    body = resp.read()
    con.close()
    return resp.status, (json.loads(body) if resp.status == 200 else None)


@pytest.mark.slow
def test_a_trainee_trying_pins_never_locks_out_the_trainer(tmp_path, monkeypatch):
    """A trainee's phone (127.0.0.2 stands for it over loopback) tries PINs on its dashboard page
    while the trainer logs in from the laptop: the phone is throttled, the trainer is not. The
    server logs the tries (not the phone's page); the kernel API refuses other devices."""
    from slrt_sim.apps import _hall

    server = VoilaProcess(pin="482913", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
                                extra=NO_POOLS)
    with server:
        status, phone_page = _get_from(server, "/voila/render/trainer_dashboard.ipynb", "127.0.0.2")
        assert status == 200
        status, laptop_page = _get_from(server, "/voila/render/trainer_dashboard.ipynb", "127.0.0.1")
        assert status == 200
        phone, laptop = _kernel_id(phone_page), _kernel_id(laptop_page)
        verdicts = []
        for k in range(12):
            verdicts.append(_kernel_api(server, phone, "pin", pin=f"{k:06d}")[1]["verdict"])
            if k in (3, 8, 11):  # the trainer logs in meanwhile, through the kernel's own client
                monkeypatch.setenv("VOILA_KERNEL_ID", laptop)
                monkeypatch.setenv("VOILA_APP_PORT", str(server.port))
                assert _hall.check_pin("482913") == ("ok", 0.0)
        assert verdicts[:5] == ["wrong"] * 5 and verdicts[-1] == "wait"
        assert _kernel_api(server, phone, "pin", pin="482913")[1]["verdict"] == "wait"  # even the right one
        assert _kernel_api(server, laptop, "pin", pin="482913")[1]["verdict"] == "ok"
        assert _hall.whoami()["local"] is True
        assert _kernel_api(server, phone, "whoami")[1]["local"] is False
        assert _kernel_api(server, phone, "pin", source="127.0.0.2", pin="1")[0] == 403  # kernels only
        assert _kernel_api(server, "no-such-kernel", "pin", pin="1")[0] == 404
        # an app's error on the phone's page goes to the trainer's terminal, named
        import logging

        monkeypatch.setenv("VOILA_KERNEL_ID", phone)
        root = logging.getLogger("slrt_sim")
        handlers, propagate = list(root.handlers), root.propagate
        try:
            assert _hall.install_log()
            _hall.set_trainee("Budi Santoso")
            try:
                1 / 0
            except ZeroDivisionError:
                logging.getLogger("slrt_sim.apps").exception("app callback simpan failed")
        finally:
            root.handlers[:], root.propagate = handlers, propagate
            _hall.set_trainee("")
        assert _wait_for(lambda: "[trainer_dashboard.ipynb | 127.0.0.2 | Budi Santoso]" in server.log(), 10)
        log = server.log()
        assert "app callback simpan failed" in log and "ZeroDivisionError" in log
        assert "Trainer PIN: wrong try from 127.0.0.2" in log
        assert "127.0.0.1" not in " ".join(x for x in log.splitlines() if "Trainer PIN" in x)


# ---------------------------------------------------------------------------- widget flood, memory budget
def _comm_open(k: int, size: int) -> str:
    import json
    import uuid

    state = {"_model_name": "LabelModel", "_model_module": "@jupyter-widgets/controls",
             "_model_module_version": "2.0.0", "_view_name": "LabelView",
             "_view_module": "@jupyter-widgets/controls", "_view_module_version": "2.0.0", "value": "x" * size}
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": "comm_open", "username": "", "session": "flood",
                   "date": "2026-01-01T00:00:00Z", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
        "content": {"comm_id": f"flood-{k}", "target_name": "jupyter.widget",
                    "data": {"state": state, "buffer_paths": []}}})


def _kernel_info(k: int) -> str:
    import json

    return json.dumps({"header": {"msg_id": f"info-{k}", "msg_type": "kernel_info_request", "username": "",
                                  "session": "probe", "date": "2026-01-01T00:00:00Z", "version": "5.3"},
                       "parent_header": {}, "metadata": {}, "content": {}, "buffers": [], "channel": "shell"})


async def _flood(url: str, kernel: str, n: int, size: int) -> int:
    """Send ``n`` widget-creation messages over one websocket; returns how many went out before
    the server closed it."""
    from tornado.websocket import WebSocketClosedError, websocket_connect

    ws = await websocket_connect(f"{url.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels?session_id=flood")
    sent = 0
    try:
        for k in range(n):
            await ws.write_message(_comm_open(k, size))
            sent += 1
    except WebSocketClosedError:
        pass
    ws.close()
    return sent


async def _kernel_answers(url: str, kernel: str, timeout: float = 60) -> bool:
    import asyncio
    import json

    from tornado.websocket import websocket_connect

    ws = await websocket_connect(f"{url.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels?session_id=probe")
    await ws.write_message(_kernel_info(1))
    try:
        while True:
            raw = await asyncio.wait_for(ws.read_message(), timeout)
            if raw is None:
                return False
            if json.loads(raw).get("header", {}).get("msg_type") == "kernel_info_reply":
                return True
    finally:
        ws.close()


@pytest.mark.slow
def test_a_widget_flood_over_one_websocket_is_bounded_in_count_and_time(tmp_path):
    """4,000 widget-creation messages of 20 kB over one connection: most never reach the kernel,
    its memory hardly grows, the server logs a line or two (no traceback per message), the flood is
    over within a bounded time, and the kernel still answers."""

    import psutil

    server = VoilaProcess(pin="4321", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
                                extra=NO_POOLS)
    with server:
        status, page = _get(server.render_url(FO))
        assert status == 200
        kernel = _kernel_id(page)
        [proc] = [p for p in psutil.Process(server.proc.pid).children(recursive=True)
                  if "slrt_sim.server.kernel" in " ".join(p.cmdline())]
        before = proc.memory_info().rss / 2 ** 20
        t0 = time.monotonic()
        sent = _run(_flood(server.url, kernel, 4000, 20_000))
        took = time.monotonic() - t0
        assert took < 120
        time.sleep(3)  # what got through has been handled
        grew = proc.memory_info().rss / 2 ** 20 - before
        assert grew < 40, f"kernel grew {grew:.0f} MiB"  # on main: ~+300 MiB for this flood
        assert _run(_kernel_answers(server.url, kernel))
        log = server.log()
        assert log.count("too many widget messages") == 1
        assert log.count("Traceback") < 5
        assert sent <= 4000


async def _gone_while_connected(url: str, kernel: str, timeout: float) -> bool:
    """Connect as the page does, and wait for the kernel to be gone."""
    import asyncio

    from tornado.websocket import websocket_connect

    ws = await websocket_connect(f"{url.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels?session_id=page")
    loop = asyncio.get_running_loop()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            if (await loop.run_in_executor(None, _get, f"{url}/api/kernels/{kernel}", 10))[0] == 404:
                return True
        return False
    finally:
        ws.close()


@pytest.mark.slow
def test_a_kernel_over_its_memory_budget_is_stopped_and_its_page_told(tmp_path):
    server = VoilaProcess(pin="4321", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
                                extra=[*NO_POOLS, "--SlrtVoila.memory_budget_mib=20", "--SlrtVoila.memory_interval=1"])
    with server:
        status, page = _get(server.render_url(FO))
        assert status == 200
        kernel = _kernel_id(page)

        assert _run(_gone_while_connected(server.url, kernel, 60))
        assert re.search(rf"Kernel {kernel} of {re.escape(FO)} .* over its budget of 20 MiB", server.log())
        assert "slrt/live.js" in page  # the page says so (hall.gone) and reloads; the work is in the store


@pytest.mark.slow
def test_the_trainers_switch_prepares_the_other_role_play(tmp_path):
    """After lunch the trainer switches the class to the back office on the dashboard: the server
    prepares the class's back-office kernels before anyone opens it; a page that did not give the
    PIN cannot switch."""
    bo = "roleplay_back_office.ipynb"
    server = VoilaProcess(pin="4321", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
                          extra=["--SlrtVoila.class_size=2", "--SlrtVoila.class_app=fo",
                                 "--SlrtVoila.other_pool_size=0", "--VoilaConfiguration.default_pool_size=0"])
    with server:
        assert _wait_for(lambda: POOL_READY % (FO, 2) in server.log(), 240)
        status, page = _get(server.render_url("trainer_dashboard.ipynb"))
        kernel = _kernel_id(page)
        assert _kernel_api(server, kernel, "switch", app="bo")[0] == 403  # not before the PIN
        assert _kernel_api(server, kernel, "pin", pin="4321")[1]["verdict"] == "ok"
        assert _kernel_api(server, kernel, "switch", app="bo")[1] == {"ok": True, "changed": True}
        assert _wait_for(lambda: POOL_READY % (bo, 2) in server.log(), 240)
        assert "Traceback" not in server.log()


# ---------------------------------------------------------------------------- a hall without CLASS_SIZE
class _StartingManager:
    """The part of jupyter_client's kernel start the cap relies on: ``pre_start_kernel`` gives the
    id, and the kernel is pending from then until it has started (``release`` lets it finish)."""

    def __init__(self, **kwargs):
        import logging

        self.log = logging.getLogger("fake-voila")
        self._kernels, self._pending_kernels, self._kernel_connections, self._pools = {}, {}, {}, {}
        self.kernel_pools_config = {"default": {"pool_size": 0}}
        self.release_starts = asyncio.Event()
        self._n = 0

    def pre_start_kernel(self, *args, **kwargs):
        self._n += 1
        return None, "python3", f"k{self._n}"

    async def start_kernel(self, **kwargs):
        _, _, kid = self.pre_start_kernel(None, kwargs)
        self._pending_kernels[kid] = object()  # as jupyter_client does, in the same step
        await self.release_starts.wait()
        self._kernels[kid] = self._pending_kernels.pop(kid)
        return kid

    def fill_if_needed(self, *args, **kwargs):
        pass


def test_cold_starts_count_once_against_the_cap():
    """Without a pool every page starts its kernel: while they start, each counts once (its
    reservation, then its pending kernel), so a cap of 4 serves 4 simultaneous pages, not 2."""
    from slrt_sim.server.kernels import CLIENT, CapPolicy, capped_manager_class

    async def hall():
        km = capped_manager_class(_StartingManager, CapPolicy(max_kernels=4, max_per_client=100, fill_delay=0))()
        km.release_starts = asyncio.Event()

        async def page(k: int):
            ok, why = km.reserve(FO, f"10.0.0.{k}")
            if not ok:
                return why
            token = CLIENT.set((f"10.0.0.{k}", FO))
            try:
                return await km.start_kernel()
            finally:
                CLIENT.reset(token)
                km.release()

        first = [asyncio.ensure_future(page(k)) for k in range(3)]
        await asyncio.sleep(0)  # the three are starting (pending kernels, reservations held)
        assert km.live_total() == 3
        fourth = asyncio.ensure_future(page(3))
        await asyncio.sleep(0)
        assert km.admit(FO, "10.0.0.9") == (False, "full")  # the cap holds at 4
        km.release_starts.set()
        return await asyncio.gather(*first, fourth), km.live_total()

    kernels, total = _run(hall())
    assert all(k.startswith("k") for k in kernels) and total == 4


@pytest.mark.slow
def test_a_page_that_takes_a_waiting_refill_does_not_wait_out_its_delay(tmp_path):
    """A pool of one, refilled ``fill_delay`` (here 300 s) after a page takes its kernel: the
    second page of the rush takes that refill, and its kernel starts at once instead of after
    the delay (Voila slept through it: every page beyond the pool waited 15 s more)."""
    server = VoilaProcess(
        pin="4321", db=tmp_path / "s.sqlite", log_path=tmp_path / "voila.log",
        extra=[*NO_POOLS, "--SlrtVoila.open_pool=1", "--SlrtVoila.fill_delay=300"])
    with server:
        assert _wait_for(lambda: POOL_READY % (FO, 1) in server.log(), 180)
        first = _get(server.render_url(FO))
        t0 = time.monotonic()
        try:
            status, page = _get(server.render_url(FO), timeout=150)
        except TimeoutError:  # urllib's socket timeout: the page waited out the delay
            status, page = 0, ""
        waited = time.monotonic() - t0
        assert first[0] == 200 and status == 200, (status, waited)
        assert "application/vnd.jupyter.widget-view+json" in page and waited < 150
        assert _kernel_id(page) != _kernel_id(first[1])
        assert "Traceback" not in server.log()


def test_an_open_pool_is_sized_to_the_machine():
    """Without a class size the pool takes the whole hall where memory allows: a cold page costs
    ~17 pool pages' CPU at the very moment of the rush (10 cold pages on 2 cores: slowest 31 s
    against 13 s)."""
    from slrt_sim.server.kernels import OPEN_HALL, open_pool_size

    assert OPEN_HALL == 70
    assert open_pool_size(available_mib=24_000) == OPEN_HALL  # this 2-core machine: no page starts cold
    assert open_pool_size(available_mib=8_000) == OPEN_HALL
    assert open_pool_size(available_mib=5_000) == 46  # a laptop with 5 GB free: memory bounds it
    assert open_pool_size(available_mib=2_000) == 18
    assert open_pool_size(available_mib=100) == 1  # never none: Voila's one kernel


@pytest.mark.parametrize("argv, fo_pool", [
    ([], "open"),                                      # make app without CLASS_SIZE: served to the LAN
    (["--SlrtVoila.class_size=70"], 70),               # a class announced: its size
    (["--Voila.ip=127.0.0.1"], 1),                     # loopback only (tests, one user): Voila's one
    (["--SlrtVoila.open_pool=5"], 5),
])
def test_a_server_without_a_class_size_preheats_the_class_app(argv, fo_pool):
    from voila.configuration import VoilaConfiguration

    from slrt_sim.server.app import APP_NOTEBOOKS, SlrtVoila
    from slrt_sim.server.kernels import open_pool_size

    app = SlrtVoila()
    app.parse_command_line(argv)
    app.voila_configuration = VoilaConfiguration(parent=app)
    app._configure_pools()
    pools = app.config.VoilaKernelManager.kernel_pools_config
    assert pools[APP_NOTEBOOKS["fo"]]["pool_size"] == (open_pool_size() if fo_pool == "open" else fo_pool)
    assert pools[APP_NOTEBOOKS["bo"]]["pool_size"] == 1  # the other role play keeps one
    waited = {} if fo_pool == 1 else {FO: pools[FO]["pool_size"]}  # "siap" once that pool has run the notebook
    assert app.class_pools() == waited


def test_a_message_to_a_page_that_has_just_closed_leaves_no_traceback():
    """A kernel message on its way to a page that closed meanwhile: tornado's write fails; the
    failure is taken (no "Task exception was never retrieved" with tracebacks in the trainer's terminal)."""
    import gc
    from types import SimpleNamespace

    from tornado.websocket import WebSocketClosedError

    from slrt_sim.server.limits import LimitedConnection

    async def closed_page():
        unretrieved = []
        asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: unretrieved.append(ctx["message"]))

        async def fail():
            raise WebSocketClosedError()

        handler = SimpleNamespace(write_message=lambda message, binary=False: asyncio.ensure_future(fail()))
        write = LimitedConnection.write_message.fget(SimpleNamespace(websocket_handler=handler))
        write('{"msg": 1}')
        await asyncio.sleep(0.05)
        gc.collect()
        await asyncio.sleep(0)
        return unretrieved

    assert _run(closed_page()) == []


async def _type_while_locked(url: str, kernel: str, db) -> tuple[str, str]:
    """A trainee logs in to the front office, then types while another writer holds the database
    past the busy timeout; then the lock goes and she types once more. Returns the form's save
    line after each keystroke."""
    import json
    import sqlite3
    import uuid

    from websockets.asyncio.client import connect

    from benchmarks.bench_load import _find, _msg, _request_states, _wait_answer

    session = uuid.uuid4().hex
    ws_url = url.replace("http", "ws", 1) + f"/api/kernels/{kernel}/channels?session_id={session}"

    async def update(ws, mid, value):
        await ws.send(json.dumps(_msg("comm_msg", {"comm_id": mid, "data": {
            "method": "update", "state": {"value": value}, "buffer_paths": []}}, session)))

    async def line_after(ws, line_id: str, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            msg = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
            data = msg.get("content", {}).get("data", {})
            if msg.get("msg_type") == "comm_msg" and msg["content"].get("comm_id") == line_id \
                    and "value" in data.get("state", {}):
                return data["state"]["value"]
        return "(no update)"

    async with connect(ws_url, max_size=None) as ws:
        states = await _request_states(ws, session)
        await update(ws, _find(states, "TextModel", _dom_classes="slrt-f-trainee"), "Siti Aminah")
        await update(ws, _find(states, "TextModel", _dom_classes="slrt-f-class"), "LATIHAN")
        click = _msg("comm_msg", {"comm_id": _find(states, "ButtonModel", _dom_classes="slrt-login-start"),
                                  "data": {"method": "custom", "content": {"event": "click"}}}, session)
        await ws.send(json.dumps(click))
        assert await _wait_answer(ws, click["header"]["msg_id"])
        states = await _request_states(ws, session)
        members = _find(states, "TextareaModel", _dom_classes="slrt-f-members")
        line = _find(states, "HTMLModel", _dom_classes="slrt-save-line")
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # a stuck writer holds the class database
        try:
            await update(ws, members, "Ahmad (anak, 9 th)")
            refused = await line_after(ws, line, 90)  # the store waits its 30 s busy timeout first
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await update(ws, members, "Ahmad (anak, 9 th); Rina (anak, 6 th)")
        saved = await line_after(ws, line, 60)
        return refused, saved


@pytest.mark.slow
def test_a_refused_progress_save_is_told_on_the_page_and_the_typing_is_saved_later(tmp_path):
    """Over loopback, as a phone: the store refuses a keystroke's save (the database locked past
    the busy timeout); the page says so in one line, the trainer's log names who; once the lock
    goes the next keystroke saves everything and the line clears."""
    import json
    import sqlite3

    db = tmp_path / "s.sqlite"
    server = VoilaProcess(pin="4321", db=db, log_path=tmp_path / "voila.log")
    with server:
        status, page = _get(server.render_url(FO))
        assert status == 200
        refused, saved = _run(_type_while_locked(server.url, _kernel_id(page), db))
        assert "slrt-save-refused" in refused and "Ketikan terakhir belum tersimpan" in refused, refused
        assert "server sedang sibuk" in refused
        assert saved == ""
        assert _wait_for(lambda: "'Siti Aminah' in LATIHAN/fo not saved (busy)" in server.log(), 10)
    con = sqlite3.connect(db)
    state = json.loads(con.execute("SELECT state FROM progress WHERE trainee_key = 'siti aminah'").fetchone()[0])
    assert state["form"]["members"] == "Ahmad (anak, 9 th); Rina (anak, 6 th)"
