"""Kernel lifecycle for a hall: a cap on live kernels, a pool that never overshoots it, culling.

:func:`capped_manager_class` wraps the kernel-manager class that Voila builds for pre-heated
kernels (``voila_kernel_manager_factory``) and adds:

* **A pool that shrinks as the class arrives, under a cap on live kernels**
  (:attr:`CapPolicy.max_kernels`, pages and pool together). Voila refills a notebook's pool
  every time a page takes a pre-heated kernel; in a hall of 70 that would start 70 more
  kernels at the worst moment (twice the memory, CPU taken from the trainees). Here a pool of
  size S whose notebook has served P pages so far is refilled only up to ``max(spare, S - P)``:
  the trainees still to come, or a few spare kernels for late-comers and reloads (and when
  the class has left, the pool does not grow back to S: the memory is free for the next app)
  (:attr:`CapPolicy.pool_spare`); a refill starts only while the total stays under the cap,
  and only :attr:`CapPolicy.fill_delay` seconds after the take, when the rush is over.
* **Who owns a kernel**: the client address of the page that took it, so the server can cap
  kernels per device (:meth:`client_kernels`).
* **Culling**: kernels whose page went away (no websocket) are culled by jupyter_server's own
  culler after ``cull_idle_timeout`` (minutes, in ``voila.json``); a page left open keeps its
  kernel until it has been idle for :attr:`CapPolicy.connected_idle_timeout` (hours).
  Pre-heated pool kernels are never culled (Voila's rule).

* **Ready means rendered**: the line :data:`POOL_READY` (and, for the class app, the catalogue's
  ``serve.pool_ready`` for the trainer) is logged once every kernel of a pool has run the
  notebook, not when they have started (Voila's "is filled" line).

The request handler (:mod:`slrt_sim.server.app`) asks :meth:`admit` before a page is served.
"""
from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import posixpath
import time
from dataclasses import dataclass, field

from jupyter_client.asynchronous import AsyncKernelClient

__all__ = ["CapPolicy", "capped_manager_class", "CLIENT", "DEVICE", "POOL_READY", "NoHeartbeatClient", "Reservation",
           "canonical_path", "open_pool_size"]

POOL_READY = "Kernel pool of %s is ready: %d kernel(s) have run the notebook."
"""The server's log line when a notebook's whole pool can serve pages at once (``make load`` waits for it)."""

CLIENT: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("slrt_client", default=None)
"""``(client address, notebook)`` of the page request being served (set by the page handler)."""

DEVICE: contextvars.ContextVar[str] = contextvars.ContextVar("slrt_device", default="")
"""The device cookie of the page request being served (:func:`slrt_sim.server.guard.page_device`)."""


@dataclass
class CapPolicy:
    """The numbers that bound the server's kernels (see :class:`slrt_sim.server.app.SlrtVoila`)."""

    max_kernels: int = 80
    max_per_client: int = 4
    exempt_loopback: bool = True
    fill_delay: float = 15.0
    pool_spare: int = 2
    connected_idle_timeout: float = 4 * 3600.0
    class_notebooks: tuple[str, ...] = ()
    page_grace: float = 900.0
    """Seconds a kernel handed to a page is kept for that page to connect (a slow phone, a page
    opened and read before its widgets load), whatever ``cull_idle_timeout`` says."""
    heavy_notebooks: tuple[str, ...] = ("walkthrough.ipynb", "planner.ipynb", "trainer_dashboard.ipynb")
    """Trainer tools that take a few hundred MiB each: capped apart (:attr:`heavy_per_client`, :attr:`heavy_total`)."""
    heavy_per_client: int = 1
    heavy_total: int = 4
    memory_budget_mib: float = 600.0
    """Resident memory a page's kernel may use (a role play uses ~150 MiB); above it the kernel is
    stopped and its page reloads (:class:`slrt_sim.server.limits.MemoryWatch`); 0: no budget."""
    heavy_memory_budget_mib: float = 1500.0
    """The same for the heavy trainer tools (a walkthrough ~220 MiB before it runs a year)."""
    memory_interval: float = 10.0
    roleplays: tuple[str, ...] = ("roleplay_front_office.ipynb", "roleplay_back_office.ipynb",
                                  "roleplay_home_visit.ipynb")
    class_size: int = 0
    follow_after: int = 3
    """Devices (not the trainer's) opening the other role play after which the class pool follows
    it (:meth:`CappedManagerMixin.switch_class`)."""


@dataclass(eq=False)
class Reservation:
    """A page admitted but whose kernel is not taken yet: it counts against the caps meanwhile, so
    simultaneous requests cannot all pass :meth:`CappedManagerMixin.reserve` before one is served."""

    ip: str
    notebook: str
    pool: bool
    active: bool = field(default=True)
    started: bool = field(default=False)
    """Its kernel is starting: counted among the kernels now (:meth:`CappedManagerMixin.pre_start_kernel`)."""


RESERVATION: contextvars.ContextVar[Reservation | None] = contextvars.ContextVar("slrt_reservation", default=None)
"""The reservation of the page request being served (consumed when its kernel is taken)."""


OPEN_HALL = 70
"""Trainees a server started without ``CLASS_SIZE`` is sized for (the largest class of a bimtek)."""
OPEN_COLD_CPU_S = 2.0
"""CPU-seconds one page costs when its kernel starts cold (the server's render, Python and
ipykernel's start, the notebook, the first click), against ~0.12 for a page that takes a
pre-heated kernel (``make load --day nopool``, 2 cores, pool of 60 and of 70)."""
OPEN_POOL_MIB = 65.0
"""Memory per pre-heated kernel (~56 MiB RSS, ~47–52 MiB PSS idle, a little more with a trainee)."""
OPEN_POOL_MEMORY_SHARE = 0.6
"""Share of the available memory an open pool may hold (the hall, when it comes, needs it anyway)."""


def open_pool_size(available_mib: float | None = None) -> int:
    """Pre-heated kernels of the class app on a server started without ``CLASS_SIZE``
    (``SlrtVoila.open_pool = -1``): the whole hall of :data:`OPEN_HALL`, as far as memory allows
    (:data:`OPEN_POOL_MIB` per kernel out of :data:`OPEN_POOL_MEMORY_SHARE` of the available
    memory: 46 on a laptop with 5 GB free; the hall, when it comes, needs that memory anyway).

    Decision: the pages beyond the pool start cold at the very moment the pool's pages are
    served, and each costs :data:`OPEN_COLD_CPU_S` (~17 pool pages' worth), so every cold page
    lengthens the whole hall's wait. Measured on 2 cores: a pool of 60 (10 cold pages) gave
    the slowest page after 31 s on a quiet machine and 73–88 s while other jobs loaded it; a
    pool of 70 gave 13 s. The pool no longer shrinks with more cores (it did: 70 − 5 a core):
    a machine with many cores has the memory too, and one rule is simpler to explain. A hall
    larger than the pool, or a laptop short of memory, still gets every page, the last ones cold.

    Pre-heated kernels are plain Voila pool kernels, started as processes, never forked from a
    pre-imported template: the same on Linux, macOS and Windows (no ``fork`` on Windows; ``fork``
    without ``exec`` is unsafe on macOS once system frameworks are loaded), and a cold page is the
    same Python start as before, only rarer. Measured figures: ``docs/developer.md`` ("A hall
    without CLASS_SIZE")."""
    import psutil

    if available_mib is None:
        available_mib = psutil.virtual_memory().available / 2**20
    by_memory = int(OPEN_POOL_MEMORY_SHARE * available_mib / OPEN_POOL_MIB)
    return max(1, min(OPEN_HALL, by_memory))


def canonical_path(path: str) -> str:
    """A render path as the pools and the caps know it: ``a//b``, ``./a``, ``a/`` and ``a/./b``
    all name ``a`` / ``a/b`` (Voila serves them all, and each would otherwise start a kernel of its own)."""
    path = (path or "").replace("\\", "/").strip("/")
    if not path:
        return ""
    norm = posixpath.normpath(path)
    return "" if norm in (".", "..") or norm.startswith("../") else norm


class NoHeartbeatClient(AsyncKernelClient):
    """The kernel client Voila runs a notebook with, without the heartbeat channel
    (``voila.json``: ``ServerKernelManager.client_factory``).

    The heartbeat is one thread per client whose only use is to tell whether a kernel without a
    manager is alive; here the manager always knows (``is_alive`` asks it). And it could freeze
    the whole server: when 70 kernels start at once and one's heartbeat port is taken by another
    socket, that client's heartbeat thread waits forever, and stopping the client after the
    notebook has run joins that thread from the server's event loop (seen in ``make load``: no
    page served any more)."""

    def start_channels(self, shell: bool = True, iopub: bool = True, stdin: bool = True, hb: bool = True,
                       control: bool = True) -> None:
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)


def _is_loopback(ip: str | None) -> bool:
    return bool(ip) and (ip.startswith("127.") or ip in ("::1", "localhost"))


class CappedManagerMixin:
    """What :func:`capped_manager_class` adds to Voila's kernel manager (``cap_policy`` set there)."""

    cap_policy: CapPolicy

    def __init__(self, **kwargs):
        self.kernel_owner: dict[str, tuple[str, str]] = {}  # kernel id -> (client address, notebook)
        self.kernel_device: dict[str, str] = {}  # kernel id -> device cookie of its page
        self._stopping = False
        self._taking: dict[str, int] = {}
        self._served: dict[str, int] = {}
        self._announced: set[str] = set()
        self._reservations: list[Reservation] = []
        self._handed: dict[str, float] = {}  # kernel id -> time.time() it was handed to a page
        self._connected_once: set[str] = set()  # kernels a page's websocket has reached
        super().__init__(**kwargs)

    def notify_connect(self, kernel_id):
        self._connected_once.add(kernel_id)
        return super().notify_connect(kernel_id)

    async def shutdown_all(self, *args, **kwargs):
        self._stopping = True  # no refill while the server stops
        return await super().shutdown_all(*args, **kwargs)

    # ------------------------------------------------------------------ counting
    def _pool_tasks(self) -> list:
        return [task for pool in getattr(self, "_pools", {}).values() for task in pool]

    def live_total(self) -> int:
        """Kernels running or starting, pool included (a pool task not started yet counts)."""
        ids = set(self._kernels) | set(getattr(self, "_pending_kernels", {}))
        waiting = sum(1 for task in self._pool_tasks() if not task.done())
        reserved = sum(1 for r in self._reservations if not r.pool and not r.started)
        return len(ids) + waiting + reserved

    def pre_start_kernel(self, *args, **kwargs):
        """A page's own kernel gets its id here and is among the pending kernels before the event
        loop runs anything else: its reservation stops counting, or a rush of cold starts would
        count each kernel twice and refuse pages at half the cap (seen without a class pool)."""
        result = super().pre_start_kernel(*args, **kwargs)
        res = RESERVATION.get()
        if res is not None and res.active and not res.pool:
            res.started = True
        return result

    def pool_ready(self, notebook: str) -> int:
        """Pre-heated kernels (started or starting) waiting for a page of ``notebook``."""
        return len(getattr(self, "_pools", {}).get(notebook, []))

    def client_kernels(self, ip: str, notebooks: tuple[str, ...] | None = None) -> int:
        """Kernels of device ``ip`` (those of ``notebooks`` only, if given), pages being admitted included."""
        owned = sum(1 for kid, (owner, nb) in self.kernel_owner.items()
                    if owner == ip and kid in self._kernels and (notebooks is None or nb in notebooks))
        return owned + sum(1 for r in self._reservations
                           if r.ip == ip and (notebooks is None or r.notebook in notebooks))

    def heavy_total(self) -> int:
        heavy = self.cap_policy.heavy_notebooks
        owned = sum(1 for kid, (_, nb) in self.kernel_owner.items() if nb in heavy and kid in self._kernels)
        return owned + sum(1 for r in self._reservations if r.notebook in heavy)

    def notebook_pages(self, notebook: str) -> int:
        """Open pages (kernels taken by a page) of ``notebook``."""
        taken = sum(1 for kid, (_, nb) in self.kernel_owner.items() if nb == notebook and kid in self._kernels)
        return taken + self._taking.get(notebook, 0)

    def served(self, notebook: str) -> int:
        """Pages of ``notebook`` served since the start (being served included)."""
        return self._served.get(notebook, 0) + self._taking.get(notebook, 0)

    def _pool_free(self, notebook: str) -> int:
        """Pre-heated kernels of ``notebook`` not promised to a page being admitted."""
        return self.pool_ready(notebook) - sum(1 for r in self._reservations if r.pool and r.notebook == notebook)

    def admit(self, notebook: str, ip: str | None) -> tuple[bool, str]:
        """May a page of ``notebook`` be served to ``ip``? ``(ok, reason)``; reason is
        ``"client"`` (this device has too many pages open), ``"heavy"`` (too many heavy trainer
        tools open, on this device or in all) or ``"full"`` (the cap). Pages being admitted count
        (see :meth:`reserve`)."""
        p = self.cap_policy
        capped = bool(ip) and not (p.exempt_loopback and _is_loopback(ip))
        if capped and self.client_kernels(ip) >= p.max_per_client:
            return False, "client"
        if notebook in p.heavy_notebooks:
            if self.heavy_total() >= p.heavy_total or (
                    capped and self.client_kernels(ip, p.heavy_notebooks) >= p.heavy_per_client):
                return False, "heavy"
        if self._pool_free(notebook) > 0:
            return True, ""  # a pre-heated kernel is taken: the total does not grow
        if self.live_total() >= p.max_kernels:
            return False, "full"
        return True, ""

    def reserve(self, notebook: str, ip: str | None) -> tuple[bool, str]:
        """:meth:`admit`, and if admitted hold the place until the page's kernel is taken (or
        :meth:`release`): checking and counting happen in one step of the event loop."""
        ok, reason = self.admit(notebook, ip)
        if ok:
            res = Reservation(ip or "", notebook, pool=self._pool_free(notebook) > 0)
            self._reservations.append(res)
            RESERVATION.set(res)
        return ok, reason

    def abandoned(self, notebooks: tuple[str, ...], ip: str | None = None) -> list[str]:
        """Kernels of ``notebooks`` (of device ``ip`` only, if given) whose page has gone: a page
        connected once and no page is connected now (a reload, a closed tab or a phone that did
        not say goodbye). A kernel whose page has not connected yet is never among them."""
        return [kid for kid, (owner, nb) in self.kernel_owner.items()
                if nb in notebooks and (ip is None or owner == ip) and kid in self._kernels
                and kid in self._connected_once and not self._kernel_connections.get(kid, 0)]

    async def reclaim(self, notebook: str, ip: str | None, reason: str) -> int:
        """Make room for a refused page by stopping abandoned kernels (see :meth:`abandoned`):
        the device's own pages when it has too many (``"client"``), any heavy tool's when the heavy
        tools are full (``"heavy"``). A trainer who reloads the planner gets it back at once instead
        of "server penuh" until the culler's next pass. Returns how many kernels were stopped."""
        p = self.cap_policy
        if reason == "client":
            victims = self.abandoned(tuple(nb for _, nb in self.kernel_owner.values()), ip)
        elif reason == "heavy":
            victims = self.abandoned(p.heavy_notebooks, ip if self.heavy_total() < p.heavy_total else None)
        else:
            return 0
        for kid in victims:
            self.log.info("Stopping kernel %s of a page that has gone, to serve %s.", kid, notebook)
            await self.shutdown_kernel(kid)
        return len(victims)

    def release(self, res: Reservation | None = None) -> None:
        """The page request's reservation ends (its kernel is owned now, or the request failed)."""
        res = res if res is not None else RESERVATION.get()
        if res is not None and res.active:
            res.active = False
            self._reservations.remove(res)

    # ------------------------------------------------------------------ pool
    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs) -> None:
        """Voila's refill, bounded by the cap (and delayed past the rush)."""
        if getattr(self, "_stopping", False):
            return
        config = dict(self.kernel_pools_config)
        default = config.get("default", {})
        size = int(config.get(notebook_name, default).get("pool_size", default.get("pool_size", 0)))
        wanted = max(min(self.cap_policy.pool_spare, size), size - self.served(notebook_name))
        have = self.pool_ready(notebook_name)
        room = self.cap_policy.max_kernels - self.live_total()
        allowed = max(0, min(wanted - have, room))
        if allowed <= 0:
            return
        if delay is None:
            delay = self.cap_policy.fill_delay
        limited = dict(config)
        limited[notebook_name] = {**config.get(notebook_name, default), "pool_size": have + allowed}
        self.kernel_pools_config = limited
        try:  # the delay is our nap (see _nap): a page that takes the entry ends it
            super().fill_if_needed(delay=0, notebook_name=notebook_name, slrt_delay=delay, **kwargs)
        finally:
            self.kernel_pools_config = config

    async def _nap(self, delay: float) -> None:
        """A refill's wait before its kernel starts (``fill_delay``: past the rush). Voila waits
        the same with a plain sleep, so a page that took such an entry in a rush waited the whole
        delay before its kernel even started (15 s more for every page beyond the pool); here the
        page's take ends the wait (:meth:`_wake`)."""
        task = asyncio.current_task()
        naps = self.__dict__.setdefault("_naps", {})
        naps[task] = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(asyncio.shield(naps[task]), delay)
        except asyncio.TimeoutError:
            pass
        finally:
            naps.pop(task, None)

    def _napping(self, item) -> bool:
        return item in self.__dict__.get("_naps", {})

    def _wake(self, item) -> None:
        nap = self.__dict__.get("_naps", {}).get(item)
        if nap is not None and not nap.done():
            nap.set_result(None)

    @staticmethod
    def _render_state(item) -> str:
        """``"ready"`` (the notebook has run), ``"running"`` or ``"failed"`` for a pool entry."""
        try:
            if not item.done():
                return "running"
            task = item.result()["task"]
        except Exception:  # noqa: BLE001 - the kernel did not start
            return "failed"
        if not task.done():
            return "running"
        return "failed" if task.cancelled() or task.exception() is not None else "ready"

    def pool_rendered(self, notebook: str) -> int:
        """Pre-heated kernels of ``notebook`` that have run the whole notebook (page ready to send)."""
        return sum(self._render_state(item) == "ready" for item in getattr(self, "_pools", {}).get(notebook, []))

    async def _initialize(self, notebook_path: str, kernel_id: str | None = None, slrt_delay: float = 0.0, **kwargs):
        if slrt_delay > 0 and kernel_id is None:
            await self._nap(slrt_delay)
        content = await super()._initialize(notebook_path, kernel_id, **kwargs)
        content["task"].add_done_callback(lambda task: self._rendered(notebook_path, content, task))
        return content

    def _rendered(self, notebook: str, content: dict, task) -> None:
        """A pool kernel has run the notebook, or failed to (e.g. a kernel that could not bind its
        port when 70 start at once hangs until the start-up timeout): a failed one leaves the
        pool, is shut down and replaced, and no page ever gets its half-rendered HTML."""
        if task.cancelled() or task.exception() is not None:
            pool = self._pools.get(notebook, [])
            for i, item in enumerate(pool):
                if self._render_state(item) == "failed" and item.result() is content:
                    pool.pop(i)
                    self.log.warning("A pre-heated kernel of %s failed to run the notebook; it is replaced.",
                                     notebook)
                    asyncio.ensure_future(self.shutdown_kernel(content["kernel_id"]))
                    break
            return
        self._check_ready(notebook)

    def _check_ready(self, notebook: str) -> None:
        """Say once when the whole pool of ``notebook`` has run the notebook. Voila's line
        "Kernel pool of … is filled" comes when the kernels have *started*: each still runs
        the notebook after it (~1 CPU-second each, a minute for 70 on 2 cores), and a class
        arriving then waits for it and competes with it."""
        size = int(self.kernel_pools_config.get(notebook, {}).get("pool_size", 0))
        if notebook in self._announced or size <= 0 or self.pool_rendered(notebook) < size:
            return
        self._announced.add(notebook)
        self.log.info(POOL_READY, notebook, size)
        if self.cap_policy.class_notebooks and notebook in self.cap_policy.class_notebooks:
            from slrt_sim.i18n import t

            self.log.info(t("serve.pool_ready", n=size))

    async def get_rendered_notebook(self, notebook_name: str, *args, **kwargs):
        # a kernel that has run the notebook first (Voila takes the oldest, finished or not)
        # (then one whose kernel is starting; a refill still waiting its delay is woken: the page needs it now)
        order = {"ready": 0, "running": 1, "failed": 3}
        pool = self._pools.get(notebook_name, [])
        pool.sort(key=lambda item: 2 if self._napping(item) else order[self._render_state(item)])
        if pool:
            self._wake(pool[0])
        # Voila refills the pool before the kernel is ours: count the take as a page already
        self._taking[notebook_name] = self._taking.get(notebook_name, 0) + 1
        try:
            render_task, cache, kernel_id = await super().get_rendered_notebook(notebook_name, *args, **kwargs)
            self._own(kernel_id)
        finally:
            self._taking[notebook_name] -= 1
        return render_task, cache, kernel_id

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await super().start_kernel(*args, **kwargs)
        self._own(kernel_id)
        self._watch_memory()
        return kernel_id

    def _watch_memory(self) -> None:
        """Start the memory budget's periodic check (once, with the first kernel)."""
        p = self.cap_policy
        if getattr(self, "_memory_watch", None) is not None or p.memory_budget_mib <= 0:
            return
        from tornado.ioloop import PeriodicCallback

        from .limits import MemoryWatch

        watch = MemoryWatch(self, p.memory_budget_mib, p.heavy_memory_budget_mib, p.heavy_notebooks)
        self._memory_watch = PeriodicCallback(watch.check, p.memory_interval * 1000)
        self._memory_watch.start()

    def _own(self, kernel_id: str) -> None:
        who = CLIENT.get()
        if who is not None:
            self.kernel_owner[kernel_id] = who
            if DEVICE.get():
                self.kernel_device[kernel_id] = DEVICE.get()
            self._served[who[1]] = self._served.get(who[1], 0) + 1
            self._follow(*who)
            self._handed[kernel_id] = time.time()
            kernel = self._kernels.get(kernel_id)
            if hasattr(kernel, "last_activity"):  # the page's idle time starts now, not at the pool kernel's start
                kernel.last_activity = dt.datetime.now(dt.timezone.utc)
            self.release()

    # ------------------------------------------------------------------ the afternoon switch
    def _follow(self, ip: str, notebook: str) -> None:
        """The pool follows the class: once :attr:`CapPolicy.follow_after` devices (by their cookie)
        have opened the role play that is not the class app, it becomes the class app."""
        p = self.cap_policy
        if p.class_size <= 0 or notebook not in p.roleplays or notebook in p.class_notebooks:
            return
        seen = self.__dict__.setdefault("_other_devices", {}).setdefault(notebook, set())
        seen.add(DEVICE.get() or ip)  # the trainer checking the other app is one device
        if len(seen) >= p.follow_after:
            self.switch_class(notebook)

    def switch_class(self, notebook: str) -> bool:
        """Make ``notebook`` the class app (the trainer's switch on the dashboard, or
        :meth:`_follow`): its pool is sized for the class still to come and filled now (within
        the cap, as the previous app's pages close); the previous app keeps one pre-heated kernel.
        Returns whether anything changed."""
        p = self.cap_policy
        if p.class_size <= 0 or notebook not in p.roleplays or p.class_notebooks == (notebook,):
            return False
        config = dict(self.kernel_pools_config)
        for other in p.roleplays:
            if other != notebook:
                config[other] = {**config.get(other, {}), "pool_size": min(1, p.class_size)}
        config[notebook] = {**config.get(notebook, {}), "pool_size": p.class_size}
        self._served[notebook] = self.notebook_pages(notebook)  # pages open now count as served
        self.kernel_pools_config = config
        p.class_notebooks = (notebook,)
        self._announced.discard(notebook)
        self.log.info("The class moves to %s: preparing its kernels.", notebook)
        self.fill_if_needed(delay=0, notebook_name=notebook)
        return True

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs):
        self.kernel_owner.pop(kernel_id, None)
        self.kernel_device.pop(kernel_id, None)
        self._handed.pop(kernel_id, None)
        self._connected_once.discard(kernel_id)
        result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
        self._refill_all()
        return result

    def _refill_all(self) -> None:
        """A kernel went away: pools below their size may take its place."""
        if self._stopping:
            return
        for notebook in list(getattr(self, "_pools", {})):
            self.fill_if_needed(notebook_name=notebook)

    # ------------------------------------------------------------------ culling
    async def cull_kernel_if_idle(self, kernel_id: str):
        """Open pages keep their kernel, up to ``connected_idle_timeout`` of inactivity; a kernel
        handed to a page that has not connected yet is kept for :attr:`CapPolicy.page_grace`
        (Voila's own rule protects only kernels still in the pool: one that waited there longer
        than ``cull_idle_timeout`` was culled at the next tick, before the phone had connected)."""
        kernel = self._kernels.get(kernel_id)
        connections = self._kernel_connections.get(kernel_id, 0)
        try:
            last = getattr(kernel, "last_activity", None)
        except Exception:  # noqa: BLE001 - traitlets: not set yet on a kernel still starting
            last = None
        if kernel is not None and last is None:
            return  # still starting: nothing to cull yet (jupyter_server's check would log a traceback)
        if kernel is not None and connections and last is not None:
            idle = (dt.datetime.now(dt.timezone.utc) - last).total_seconds()
            if idle > self.cap_policy.connected_idle_timeout:
                self.log.warning("Culling kernel %s of an open page after %d s of inactivity.", kernel_id, idle)
                await self.shutdown_kernel(kernel_id)
            return
        handed = self._handed.get(kernel_id)
        if kernel is not None and handed is not None and time.time() - handed < self.cap_policy.page_grace:
            return  # the page may still be on its way (a page that closes stops its kernel itself)
        return await super().cull_kernel_if_idle(kernel_id)


def capped_manager_class(base: type, policy: CapPolicy) -> type:
    """A subclass of Voila's kernel manager ``base`` that follows ``policy``."""

    class CappedKernelManager(CappedManagerMixin, base):
        cap_policy = policy

    return CappedKernelManager
