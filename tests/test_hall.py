"""A day in the hall, over loopback: pages live whenever they arrive, caps that odd paths and
simultaneous requests cannot pass (one real server each, ``VoilaProcess``)."""
from __future__ import annotations

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

    asyncio.run(visit())


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
