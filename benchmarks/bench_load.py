"""Benchmark: a hall of trainees opening a role-play app at the same second (``make load``).

Starts the kit's server as ``make app`` does (:class:`benchmarks.voila_process.VoilaProcess`: the
``slrt_sim.server`` Voila, ``voila.json``, a pool of ``class_size`` = N kernels of the app,
a fresh temporary session database and case cache), waits until the pool is ready (as a
trainer does before saying "buka aplikasinya"), then opens N clients at once over 127.0.0.1:

* **HTTP clients** (N − B): each GETs the page, reads its kernel id and checks that the page
  holds its widgets (a widget view in the HTML), opens the kernel websocket, asks for the
  widget states as the browser's widget manager does (``jupyter.widget.control``
  ``request_states``), types a name and the practice class code ``LATIHAN`` into the login
  fields and clicks the start button (a ``click`` comm message); it is **usable** when the
  kernel answers the click with widget updates (the case appears).
* **Chromium pages** (B, Playwright with ``/usr/bin/chromium``, as ``tests/browser``): each
  loads the page, waits for the start button, fills the login, clicks and waits for the case.

The hall opens once the server says every pool kernel has run the notebook
(:data:`slrt_sim.server.kernels.POOL_READY`). Times run from the common start to the answer of
the click. The CPU the rush costs (server and kernels, user + system, from the start to the
last answer) is given per trainee: on a shared machine it is the figure least changed by other
jobs (wall times grow with the load average; CPU-seconds hardly do). Beside it (``--json``): the
machine's CPU over the rush split into the server, the kernels (pool pages, cold pages, kernels
no page took), the benchmark's HTTP clients, its Chromium pages and the rest (other jobs), and
each page's phases (page, websocket, widget states, answer) and whether its kernel was pre-heated.
After all clients are done,
memory is measured over the server and all its kernels: RSS (counts shared pages once per
process), PSS (shares them out: the sum is the real footprint) and USS (private pages), in
total and per trainee (total / N). Then every client closes its page as a browser does
(``POST /voila/api/shutdown/<id>`` with the ``_xsrf`` cookie) and the benchmark checks that
the kernels are gone.

Targets: N = 70: 70/70 usable, median ≤ 20 s, slowest ≤ 60 s, server + kernels
≤ 5.5 GB (≤ 75 MiB a trainee).

    .venv/bin/python benchmarks/bench_load.py [--n 70] [--app fo|bo] [--browsers 3] [--port P] [--json]
        [--day morning|afternoon|nopool] [--delay 600] [--cull 180] [--open-pool K] [--lock FILE]

Modes (issue "a real bimtek day"): ``--delay 600`` opens the hall ten minutes after "Kelas siap"
(with ``--cull`` a short culler shows no page arrives dead); ``--day afternoon`` is the day's
FO in the morning, the trainer's switch on the dashboard at lunch, then the BO rush with no
restart; ``--day nopool`` a server started without ``CLASS_SIZE``: it pre-heats the pool a server
reachable from the LAN gives itself (:func:`slrt_sim.server.kernels.open_pool_size`; the benchmark
listens on loopback, where the server would keep none, so it passes the size; ``--open-pool 0``
shows the hall with none).

``make load N=70 APP=fo BROWSERS=3``. In ``make bench`` it runs light (N = 10, one browser).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import fmt, table  # noqa: E402

APPS = {
    "fo": {"notebook": "roleplay_front_office.ipynb", "start": "slrt-login-start", "name": "slrt-f-trainee",
           "code": "slrt-f-class", "answered": ".slrt-fo .slrt-story"},
    "bo": {"notebook": "roleplay_back_office.ipynb", "start": "slrt-login-start", "name": "slrt-login-name",
           "code": "slrt-login-class", "answered": ".slrt-bo .slrt-bo-header"},
}
CLASS_CODE = "LATIHAN"  # the practice class: exists in every database
CLIENT_TIMEOUT = 180.0  # seconds from the common start; a client slower than this is not usable
CHROMIUM = os.environ.get("SLRT_CHROMIUM", "/usr/bin/chromium")
MIB = 1024 * 1024


# ------------------------------------------------------------------------------ the kernel protocol
def _msg(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "username": "bench", "session": session, "msg_type": msg_type,
                       "version": "5.3", "date": dt.datetime.now(dt.timezone.utc).isoformat()},
            "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell", "buffers": []}


def _find(states: dict, model: str, **want: Any) -> str | None:
    """The id of the first widget of ``model`` whose state has every ``want`` (``_dom_classes`` ⊇)."""
    for mid, s in states.items():
        st = s.get("state", {})
        if s.get("model_name") != model and st.get("_model_name") != model:
            continue
        if all((v in st.get(k, ())) if k == "_dom_classes" else st.get(k) == v for k, v in want.items()):
            return mid
    return None


async def http_client(base: str, app: str, k: int, t0: float) -> dict:
    """One trainee without a browser: page, kernel websocket, login click. Returns its timings."""
    out: dict[str, Any] = {"kind": "http", "usable": False, "error": None}
    try:
        await asyncio.wait_for(_http_client(base, app, k, t0, out), CLIENT_TIMEOUT - (time.monotonic() - t0))
    except (asyncio.TimeoutError, TimeoutError):
        out["usable"] = False
        out["error"] = f"no answer within {CLIENT_TIMEOUT:.0f} s"
    return out


async def _http_client(base: str, app: str, k: int, t0: float, out: dict) -> None:
    import httpx
    from websockets.asyncio.client import connect

    spec = APPS[app]
    try:
        async with httpx.AsyncClient(timeout=CLIENT_TIMEOUT) as http:
            r = await http.get(f"{base}/voila/render/{spec['notebook']}")
            html_text = r.text
            out["status"] = r.status_code
            out["page_s"] = time.monotonic() - t0
            m = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html_text)
            if r.status_code != 200 or not m:
                out["error"] = f"HTTP {r.status_code}, no kernel id" if r.status_code == 200 else f"HTTP {r.status_code}"
                out["body"] = html_text[:200] + " … " + html_text[-300:]
                return
            kid = out["kernel_id"] = m.group(1)
            out["xsrf"] = http.cookies.get("_xsrf")
            if "application/vnd.jupyter.widget-view+json" not in html_text:
                out["error"] = "page without widgets"
                return
            session = uuid.uuid4().hex
            ws_url = base.replace("http", "ws", 1) + f"/api/kernels/{kid}/channels?session_id={session}"
            async with connect(ws_url, max_size=None, open_timeout=CLIENT_TIMEOUT) as ws:
                out["ws_s"] = time.monotonic() - t0
                states = await _request_states(ws, session)
                out["states_s"] = time.monotonic() - t0
                name = _find(states, "TextModel", _dom_classes=spec["name"]) or _nth_text(states, 0)
                code = _find(states, "TextModel", _dom_classes=spec["code"]) or _nth_text(states, 1)
                button = _find(states, "ButtonModel", _dom_classes=spec["start"])
                if not (name and code and button):
                    out["error"] = "login widgets not found"
                    return
                for mid, value in ((name, f"Peserta {k + 1}"), (code, CLASS_CODE)):
                    await ws.send(json.dumps(_msg("comm_msg", {"comm_id": mid, "data": {
                        "method": "update", "state": {"value": value}, "buffer_paths": []}}, session)))
                click = _msg("comm_msg", {"comm_id": button, "data": {"method": "custom",
                                                                      "content": {"event": "click"}}}, session)
                await ws.send(json.dumps(click))
                updates = await _wait_answer(ws, click["header"]["msg_id"])
                out["answer_s"] = time.monotonic() - t0
                out["updates"] = updates
                out["usable"] = updates > 0
                if not updates:
                    out["error"] = "click not answered"
    except Exception as exc:  # noqa: BLE001 - a failed client is a result, not a crash
        out["error"] = f"{type(exc).__name__}: {exc}"[:200]


def _nth_text(states: dict, n: int) -> str | None:
    texts = [mid for mid, s in states.items() if s.get("model_name") == "TextModel"]
    return texts[n] if len(texts) > n else None


async def _request_states(ws, session: str) -> dict:
    """All widget states, as ipywidgets 8's manager asks for them (one comm, one round trip)."""
    comm_id = uuid.uuid4().hex
    await ws.send(json.dumps(_msg("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                                "data": {}}, session, {"version": "1.0.0"})))
    await ws.send(json.dumps(_msg("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}, session)))
    while True:
        msg = json.loads(await ws.recv())
        content = msg.get("content", {})
        if msg.get("msg_type") == "comm_msg" and content.get("comm_id") == comm_id:
            data = content.get("data", {})
            if data.get("method") == "update_states":
                return data.get("states", {})


async def _wait_answer(ws, msg_id: str) -> int:
    """Widget updates the kernel sends in answer to ``msg_id``, until it is idle again."""
    updates = 0
    while True:
        msg = json.loads(await ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if msg.get("msg_type") == "comm_msg" and msg["content"].get("data", {}).get("method") in ("update", "echo_update"):
            updates += 1
        if msg.get("msg_type") == "status" and msg["content"].get("execution_state") == "idle":
            return updates


# ------------------------------------------------------------------------------ real browsers
async def browser_clients(base: str, app: str, n: int, t0: float) -> list[dict]:
    """``n`` Chromium pages opened at ``t0``; each does the same login click as the HTTP clients."""
    if n <= 0:
        return []
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        return [{"kind": "browser", "usable": False, "error": "playwright missing"}] * n
    if not Path(CHROMIUM).exists():
        return [{"kind": "browser", "usable": False, "error": f"{CHROMIUM} missing"}] * n
    spec = APPS[app]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            async def one(k: int) -> dict:
                out: dict[str, Any] = {"kind": "browser", "usable": False, "error": None}
                ctx = await browser.new_context()
                page = await ctx.new_page()
                try:
                    ms = CLIENT_TIMEOUT * 1000
                    await page.goto(f"{base}/voila/render/{spec['notebook']}", timeout=ms)
                    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', await page.content())
                    out["kernel_id"] = found.group(1) if found else None
                    start = page.locator(f".{spec['start']} , .{spec['start']} button").first
                    await start.wait_for(state="visible", timeout=ms)
                    out["page_s"] = time.monotonic() - t0
                    await page.locator(f".{spec['name']} input").first.fill(f"Peramban {k + 1}")
                    await page.locator(f".{spec['code']} input").first.fill(CLASS_CODE)
                    await start.click()
                    await page.locator(spec["answered"]).first.wait_for(state="attached", timeout=ms)
                    out["answer_s"] = time.monotonic() - t0
                    out["usable"] = True
                except Exception as exc:  # noqa: BLE001
                    out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"[:200]
                finally:
                    out["ctx"] = ctx
                return out

            results = await asyncio.gather(*(one(k) for k in range(n)))
            for r in results:  # closing the page runs Voila's "beforeunload": the kernel stops
                ctx = r.pop("ctx")
                for page in ctx.pages:
                    await page.close(run_before_unload=True)
                await ctx.close()
            return results
        finally:
            await browser.close()


# ------------------------------------------------------------------------------ memory
def memory(server_pid: int) -> dict[str, float]:
    """RSS, PSS and USS (MiB) of the server and all its kernels (its child processes)."""
    import psutil

    root = psutil.Process(server_pid)
    procs = [root] + root.children(recursive=True)
    rss = pss = uss = 0.0
    kernels = 0
    for p in procs:
        try:
            info = p.memory_full_info()
            is_kernel = p.pid != server_pid and "kernel" in " ".join(p.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):  # gone meanwhile (a zombie too)
            continue
        rss += info.rss
        pss += info.pss
        uss += info.uss
        kernels += is_kernel
    server = root.memory_full_info()
    return {"rss_mib": rss / MIB, "pss_mib": pss / MIB, "uss_mib": uss / MIB, "kernels": kernels,
            "server_rss_mib": server.rss / MIB, "server_pss_mib": server.pss / MIB}


def cpu_seconds(server_pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) used so far by the server process and by its kernels."""
    import psutil

    root = psutil.Process(server_pid)
    t = root.cpu_times()
    kernels = 0.0
    for p in root.children(recursive=True):
        try:
            c = p.cpu_times()
            kernels += c.user + c.system
        except psutil.NoSuchProcess:
            continue
    return t.user + t.system, kernels


class CpuWatch:
    """CPU seconds over the rush: the whole machine (busy time of all cores) and this benchmark's own
    clients (its process and its children outside the server: Chromium, Playwright's driver; sampled
    every half second, since the browser has exited by the end). What the machine used beyond the
    clients, the server and its kernels is what other jobs took."""

    def __init__(self, server_pid: int) -> None:
        import threading

        self.server_pid = server_pid
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _busy() -> float:
        import psutil

        t = psutil.cpu_times()
        return sum(getattr(t, f, 0.0) for f in ("user", "nice", "system", "irq", "softirq", "steal"))

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        server = {self.server_pid} | {p.pid for p in _children(self.server_pid)}
        for p in [me] + me.children(recursive=True):
            if p.pid in server:
                continue
            try:
                c = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            self.first.setdefault(p.pid, c.user + c.system if self.started is None else 0.0)
            self.last[p.pid] = c.user + c.system

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def __enter__(self) -> "CpuWatch":
        self.started = None
        self._sample()
        self.started = self.machine0 = self._busy()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.machine = self._busy() - self.machine0
        import os as _os

        used = {pid: self.last[pid] - self.first.get(pid, 0.0) for pid in self.last}
        self.clients = sum(used.values())
        self.browsers = self.clients - used.get(_os.getpid(), 0.0)


def _children(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def kernel_cpu(server_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) so far of each running kernel, by kernel id (from its
    connection file's name): before the rush its keys are the pre-heated kernels."""
    import psutil

    found = {}
    for p in _children(server_pid):
        try:
            m = re.search(r"kernel-([0-9a-f-]{36})\.json", " ".join(p.cmdline()))
            c = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        if m:
            found[m.group(1)] = c.user + c.system
    return found


def _kernel_cpu_split(before: dict, after: dict, clients: list[dict]) -> dict[str, float]:
    """The rush's kernel CPU: pool kernels pages took, kernels started for pages (cold), and
    kernels no page of the hall took (the rest of the pool, other notebooks' kernels, trainer tools)."""
    taken = {c.get("kernel_id") for c in clients}
    split = {"pool_pages": 0.0, "cold_pages": 0.0, "untaken": 0.0}
    for kid, cpu in after.items():
        if kid not in before:
            split["cold_pages"] += cpu
        else:
            split["pool_pages" if kid in taken else "untaken"] += cpu - before[kid]
    return {k: round(v, 2) for k, v in split.items()}


def _kernel_alive(base: str, kernel_id: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/api/kernels/{kernel_id}", timeout=10) as resp:
            return resp.status == 200
    except urllib.error.HTTPError:
        return False


def _kernel_count(server_pid: int) -> int:
    import psutil

    count = 0
    for p in psutil.Process(server_pid).children(recursive=True):
        try:
            count += "kernel" in " ".join(p.cmdline())
        except psutil.NoSuchProcess:  # a zombie too
            continue
    return count


async def close_pages(base: str, clients: list[dict]) -> int:
    """Close every HTTP client's page as the browser does on ``beforeunload``; returns 204 answers."""
    import httpx

    ok = 0
    async with httpx.AsyncClient(timeout=30) as http:
        for c in clients:
            if c.get("kernel_id") and c.get("kind") == "http":
                xsrf = c.get("xsrf") or ""
                r = await http.post(f"{base}/voila/api/shutdown/{c['kernel_id']}", data={"_xsrf": xsrf},
                                    cookies={"_xsrf": xsrf})
                ok += r.status_code == 204
    return ok


# ------------------------------------------------------------------------------ the run
def _wait_pool(server, notebook: str, size: int | None, timeout: float) -> float:
    """Seconds until every pool kernel of ``notebook`` (``size``; ``None``: the size the server chose)
    has run the notebook (the server's
    :data:`slrt_sim.server.kernels.POOL_READY` line; Voila's "is filled" comes when they have only
    started, and a rush then competes with the rest of their notebook runs)."""
    from slrt_sim.server.kernels import POOL_READY

    t0 = time.monotonic()
    pattern = r"\d+".join(re.escape(part % notebook if "%s" in part else part) for part in POOL_READY.split("%d"))
    while time.monotonic() - t0 < timeout:
        log = server.log()
        if (re.search(pattern, log) if size is None else size <= 0 or POOL_READY % (notebook, size) in log):
            return time.monotonic() - t0
        time.sleep(0.5)
    raise RuntimeError(f"the pool of {notebook} did not fill ({size} kernels) within {timeout:.0f} s")


def trainer_switch(server, app: str) -> dict:
    """The trainer, on the dashboard at lunch: the PIN, then "Aplikasi kelas sekarang: ``app``"
    (what the dashboard's kernel asks the server, :mod:`slrt_sim.server.guard`)."""
    import urllib.request

    with urllib.request.urlopen(server.render_url("trainer_dashboard.ipynb"), timeout=300) as resp:
        kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', resp.read().decode()).group(1)

    def ask(**data) -> dict:
        req = urllib.request.Request(f"{server.url}/slrt/api/kernel", data=json.dumps({"kernel": kernel, **data}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    assert ask(action="pin", pin="4321")["verdict"] == "ok"
    return ask(action="switch", app=app)


def run(quick: bool = False, n: int | None = None, app: str = "fo", browsers: int | None = None,
        port: int | None = None, settle: float = 5.0, log_to: str | None = None, day: str = "morning",
        delay: float = 0.0, cull: float | None = None, open_pool: int | None = None,
        lock: str | None = None) -> dict:
    """One hall: N trainees (``browsers`` of them in Chromium) open ``app`` at once.

    ``day``: ``morning`` (a pool of N for ``app``), ``afternoon`` (a pool of N for the front
    office; the hall opens it and closes it, the trainer switches the class to the back office on
    the dashboard, then the same N open the back office at once: its figures are reported, the
    morning's under ``morning``), ``nopool`` (a server started without ``CLASS_SIZE``).
    ``delay``: seconds between "Kelas siap" and "buka aplikasinya" (the trainer talks); ``cull``
    sets ``cull_idle_timeout`` (seconds) to show that a long wait leaves no dead page.
    ``lock``: a file the run holds (``flock``) while it loads the machine, let go during ``delay``
    so that other load runs on a shared machine need not wait ten idle minutes.
    """
    from benchmarks.voila_process import VoilaProcess, class_args

    n = n if n is not None else (5 if quick else 10)
    browsers = min(n, browsers if browsers is not None else (0 if quick else 1))
    first = "fo" if day == "afternoon" else app
    extra = class_args(class_size=None if day == "nopool" else n, class_app=first)
    if day == "nopool":  # the pool a LAN server without CLASS_SIZE gives itself (none on loopback)
        from slrt_sim.server.kernels import open_pool_size

        open_pool = open_pool_size() if open_pool is None else open_pool
        extra.append(f"--SlrtVoila.open_pool={open_pool}")
    if cull is not None:
        extra += [f"--MappingKernelManager.cull_idle_timeout={cull:g}", "--MappingKernelManager.cull_interval=5"]
    morning = None
    notebook = APPS[app]["notebook"]
    held = _MachineLock(lock)
    held.take()
    load_at_start = os.getloadavg()
    with held, tempfile.TemporaryDirectory(prefix="slrt-load-") as tmp:
        server = VoilaProcess(pin="4321", db=Path(tmp) / "sessions.sqlite", log_path=Path(tmp) / "voila.log",
                              port=port, extra=extra, startup_timeout=600)
        t_start = time.monotonic()
        with server:
            started_s = time.monotonic() - t_start
            pool_s = _wait_pool(server, APPS[first]["notebook"], None if day == "nopool" else n,
                                timeout=max(300.0, 15.0 * n))
            time.sleep(settle)  # the server's own start-up work
            if delay:  # the trainer talks: the machine is free for others meanwhile
                t_talk = time.monotonic()
                held.release()
                time.sleep(delay)
                held.take()
                delay = time.monotonic() - t_talk  # the delay the hall really had
            if day == "afternoon":
                fo = asyncio.run(asyncio.wait_for(_rush(server.url, "fo", n, 0), CLIENT_TIMEOUT + 120))
                morning = {"usable": sum(c["usable"] for c in fo), "total": len(fo),
                           "median_s": statistics.median([c["answer_s"] for c in fo if c["usable"]] or [float("nan")]),
                           "closed": asyncio.run(close_pages(server.url, fo))}
                app, notebook = "bo", APPS["bo"]["notebook"]
                morning["switch"] = trainer_switch(server, "bo")
                morning["bo_pool_ready_s"] = _wait_pool(server, notebook, n, timeout=max(300.0, 15.0 * n))
                time.sleep(settle)
            idle = memory(server.proc.pid)
            load_before = os.getloadavg()
            kcpu_before = kernel_cpu(server.proc.pid)
            cpu_before = cpu_seconds(server.proc.pid)
            with CpuWatch(server.proc.pid) as watch:
                clients = asyncio.run(asyncio.wait_for(_rush(server.url, app, n, browsers), CLIENT_TIMEOUT + 120))
            load_after = os.getloadavg()
            cpu_after = cpu_seconds(server.proc.pid)
            kcpu_after = kernel_cpu(server.proc.pid)
            mem = memory(server.proc.pid)
            kernels_before_close = mem["kernels"]
            closed = asyncio.run(close_pages(server.url, clients))
            ids = [c["kernel_id"] for c in clients if c.get("kernel_id")]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and any(_kernel_alive(server.url, k) for k in ids):
                time.sleep(0.5)
            gone = sum(not _kernel_alive(server.url, k) for k in ids)
            kernels_after_close = _kernel_count(server.proc.pid)
            log = server.log()
    if log_to:
        Path(log_to).write_text(log, encoding="utf-8")
    result = _summary(n, app, browsers, clients, mem, idle, started_s, pool_s, load_before, load_after,
                      closed, kernels_before_close, kernels_after_close, log)
    result["closed_kernels_gone"] = f"{gone}/{len(ids)}"
    result["server_cpu_s"] = cpu_after[0] - cpu_before[0]
    result["kernels_cpu_s"] = cpu_after[1] - cpu_before[1]
    result["cpu_per_trainee_s"] = (result["server_cpu_s"] + result["kernels_cpu_s"]) / n
    result["clients_cpu_s"] = watch.clients
    result["browsers_cpu_s"] = watch.browsers
    result["machine_cpu_s"] = watch.machine
    result["others_cpu_s"] = result["machine_cpu_s"] - result["clients_cpu_s"] - result["server_cpu_s"] \
        - result["kernels_cpu_s"]
    result["clients"] = [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in c.items()
                          if k in ("kind", "usable", "page_s", "ws_s", "states_s", "answer_s", "error")}
                         | {"pool": c.get("kernel_id") in kcpu_before if c.get("kernel_id") else None} for c in clients]
    result["kernels_cpu_split_s"] = _kernel_cpu_split(kcpu_before, kcpu_after, clients)
    result["loadavg_at_start"] = round(load_at_start[0], 2)
    result.update(day=day, delay_s=delay, cull_s=cull, morning=morning, open_pool=open_pool,
                  tracebacks_logged=log.count("Traceback"))
    return result


class _MachineLock:
    """An exclusive ``flock`` on a file (``--lock``), taken and let go as the run goes; none: no-op."""

    def __init__(self, path: str | None) -> None:
        self.path, self.fd = path, None

    def take(self) -> None:
        if self.path and self.fd is None:
            import fcntl

            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the file lets the lock go
            self.fd = None

    def __enter__(self) -> "_MachineLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


async def _rush(base: str, app: str, n: int, browsers: int) -> list[dict]:
    """N clients open ``app`` at the same second (``browsers`` of them in Chromium)."""
    t0 = time.monotonic()
    tasks = [http_client(base, app, k, t0) for k in range(n - browsers)]
    results = await asyncio.gather(browser_clients(base, app, browsers, t0), *tasks)
    return results[0] + list(results[1:])


def _summary(n, app, browsers, clients, mem, idle, started_s, pool_s, load_before, load_after, closed,
             kernels_before_close, kernels_after_close, log) -> dict:
    usable = [c for c in clients if c["usable"]]
    times = [c["answer_s"] for c in usable]
    errors: dict[str, int] = {}
    bodies = [c["body"] for c in clients if c.get("body")][:3]
    for c in clients:
        if not c["usable"]:
            errors[c.get("error") or "?"] = errors.get(c.get("error") or "?", 0) + 1
    btimes = [c["answer_s"] for c in clients if c["kind"] == "browser" and c["usable"]]
    return {
        "app": app, "n": n, "browsers": browsers,
        "usable": len(usable), "total": len(clients),
        "browsers_usable": sum(1 for c in clients if c["kind"] == "browser" and c["usable"]),
        "median_s": statistics.median(times) if times else float("nan"),
        "slowest_s": max(times) if len(usable) == len(clients) and times else float("nan"),
        "slowest_usable_s": max(times) if times else float("nan"),
        "page_median_s": statistics.median([c["page_s"] for c in clients if "page_s" in c] or [float("nan")]),
        "browser_median_s": statistics.median(btimes) if btimes else float("nan"),
        "http_slowest_s": max([c["answer_s"] for c in usable if c["kind"] == "http"] or [float("nan")]),
        "rss_total_mib": mem["rss_mib"], "pss_total_mib": mem["pss_mib"], "uss_total_mib": mem["uss_mib"],
        "rss_per_trainee_mib": mem["rss_mib"] / n, "pss_per_trainee_mib": mem["pss_mib"] / n,
        "uss_per_trainee_mib": mem["uss_mib"] / n,
        "server_rss_mib": mem["server_rss_mib"], "kernels_live": mem["kernels"],
        "idle_pool_pss_mib": idle["pss_mib"], "idle_pool_rss_mib": idle["rss_mib"],
        "server_start_s": started_s, "pool_ready_s": pool_s,
        "loadavg_before": round(load_before[0], 2), "loadavg_after": round(load_after[0], 2),
        "pages_closed_204": closed, "kernels_before_close": kernels_before_close,
        "kernels_after_close": kernels_after_close,
        "iopub_timeouts_logged": log.count("Timeout waiting for IOPub output"),
        "xsrf_refusals_logged": log.count("'_xsrf' argument missing"),
        "errors": errors,
        "error_pages": bodies,
    }


def _table(r: dict) -> str:
    rows = [
        ("app", r["app"].upper()),
        ("usable / total", f"{r['usable']}/{r['total']} (browsers {r['browsers_usable']}/{r['browsers']})"),
        ("median, slowest (s)", f"{fmt(r['median_s'])}, {fmt(r['slowest_usable_s'])}"),
        ("page arrived, median (s)", fmt(r["page_median_s"])),
        ("Chromium, median (s)", fmt(r["browser_median_s"])),
        ("RSS total / per trainee (MiB)", f"{fmt(r['rss_total_mib'])} / {fmt(r['rss_per_trainee_mib'])}"),
        ("PSS total / per trainee (MiB)", f"{fmt(r['pss_total_mib'])} / {fmt(r['pss_per_trainee_mib'])}"),
        ("USS total / per trainee (MiB)", f"{fmt(r['uss_total_mib'])} / {fmt(r['uss_per_trainee_mib'])}"),
        ("server RSS (MiB), kernels live", f"{fmt(r['server_rss_mib'])}, {r['kernels_live']}"),
        ("pool ready after (s)", fmt(r["pool_ready_s"])),
        ("CPU during the rush: server, kernels (s)", f"{fmt(r.get('server_cpu_s', float('nan')))}, "
                                                    f"{fmt(r.get('kernels_cpu_s', float('nan')))}"),
        ("CPU per trainee (s; the figure least sensitive to other load)", fmt(r.get("cpu_per_trainee_s", float("nan")))),
        ("load average at the start (other jobs) / before → after the rush",
         f"{r.get('loadavg_at_start', '?')} / {r['loadavg_before']} → {r['loadavg_after']}"),
        ("pages closed: 204 answers, their kernels gone", f"{r['pages_closed_204']}, "
                                                          f"{r.get('closed_kernels_gone', '?')}"),
        ("kernels live before → after closing", f"{r['kernels_before_close']} → {r['kernels_after_close']}"),
        ("IOPub timeouts / xsrf refusals in log", f"{r['iopub_timeouts_logged']} / {r['xsrf_refusals_logged']}"),
    ]
    rows.append(("day, delay after 'Kelas siap' (s), cull timeout (s)",
                 f"{r.get('day')}, {fmt(r.get('delay_s', 0.0))}, {r.get('cull_s') or 'voila.json'}"))
    if r.get("morning"):
        m = r["morning"]
        rows.append(("morning FO: usable, median (s); BO pool ready after the switch (s)",
                     f"{m['usable']}/{m['total']}, {fmt(m['median_s'])}; {fmt(m['bo_pool_ready_s'])}"))
    rows.append(("tracebacks in the server log", str(r.get("tracebacks_logged", "?"))))
    if r["errors"]:
        rows.append(("errors", "; ".join(f"{k} ×{v}" for k, v in r["errors"].items())))
    return table(rows, ("load benchmark", "value"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=70, help="trainees opening the app at once")
    ap.add_argument("--app", choices=sorted(APPS), default="fo")
    ap.add_argument("--browsers", type=int, default=3, help="how many of the N are real Chromium pages")
    ap.add_argument("--port", type=int, default=None, help="server port (default: a free one)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--log", default=None, help="write the server's log to this file")
    ap.add_argument("--day", choices=("morning", "afternoon", "nopool", "live"), default="morning",
                    help="morning: a pool for --app; afternoon: FO, then the trainer switches, then BO; "
                         "nopool: a server without CLASS_SIZE; live: the live kelurahan played "
                         "(benchmarks/live_load.py)")
    ap.add_argument("--minutes", type=float, default=10.0, help="live: minutes of play")
    ap.add_argument("--every", type=float, default=20.0, help="live: seconds between two actions of a trainee")
    ap.add_argument("--delay", type=float, default=0.0, help="seconds from 'Kelas siap' to the rush")
    ap.add_argument("--cull", type=float, default=None, help="cull_idle_timeout (s) during the run")
    ap.add_argument("--open-pool", type=int, default=None,
                    help="nopool: the server's pool without CLASS_SIZE (default: sized to this machine; 0: none)")
    ap.add_argument("--lock", default=None,
                    help="hold this file's flock while loading the machine (let go during --delay)")
    args = ap.parse_args(argv)
    if args.day == "live":
        from benchmarks import live_load as live

        result = live.run(n=args.n, minutes=args.minutes, every=args.every, port=args.port, log_to=args.log)
        print(json.dumps(result, indent=2, default=str) if args.json else live._table(result))
        return 0 if live.ok(result) else 1
    result = run(n=args.n, app=args.app, browsers=args.browsers, port=args.port, log_to=args.log, day=args.day,
                 delay=args.delay, cull=args.cull, open_pool=args.open_pool, lock=args.lock)
    print(json.dumps(result, indent=2, default=str) if args.json else _table(result))
    return 0 if result["usable"] == result["total"] else 1


if __name__ == "__main__":
    sys.exit(main())
