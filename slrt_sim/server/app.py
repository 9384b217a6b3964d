"""``SlrtVoila``: Voila 0.5 with what a hall of 70 trainees needs (``python -m slrt_sim.server``).

:mod:`slrt_sim.serve` (``make app``) runs this instead of ``python -m voila``; everything else
(template, ``voila.json``, kernels) is Voila's own. What it adds:

* **A pool sized for the class.** ``--SlrtVoila.class_size=N`` (``make app CLASS_SIZE=N``)
  pre-heats N kernels of the app the class opens (``class_app``: ``fo``, ``bo`` or ``both``);
  the other role play keeps one, the trainer dashboard one, the planner, walkthrough and landing
  page none. Before the pools start, the class cases are built once
  (:mod:`slrt_sim.training.case_cache`), so no kernel generates a population.
* **A cap** (:class:`slrt_sim.server.kernels.CapPolicy`): at most ``max_kernels`` live kernels
  and ``max_per_client`` per device (the trainer's own laptop, loopback, is exempt); above it
  the page is the friendly "Server sedang penuh, coba lagi dalam … detik" with HTTP 503 and
  ``Retry-After`` (:func:`slrt_sim.server.pages.busy_page`), never a blank page.
* **Closing a page stops its kernel.** Voila's page sends ``POST /voila/api/shutdown/<id>``
  on ``beforeunload`` with the ``_xsrf`` cookie's value, but Voila never sets that cookie, so
  the server refused every such request ("'_xsrf' argument missing") and kernels piled up.
  The page handler now sets the cookie (``self.xsrf_token``), XSRF protection stays on.
* **A landing page without a kernel** (``/voila/render/index.ipynb``,
  :func:`slrt_sim.server.pages.landing_page`).

Culling and the execution timeouts are plain Voila / jupyter_server settings in ``voila.json``.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import tornado.web
from jupyter_server.utils import url_path_join
from traitlets import Bool, Enum, Float, Int, List, Unicode, default

import voila.app as voila_app
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from slrt_sim.apps import guides
from slrt_sim.training import case_cache
from . import backups, guard
from .kernels import CLIENT, DEVICE, CapPolicy, canonical_path, capped_manager_class
from .pages import busy_page, landing_page, live_script

__all__ = ["SlrtVoila", "main", "APP_NOTEBOOKS"]

APP_NOTEBOOKS = {"fo": "roleplay_front_office.ipynb", "bo": "roleplay_back_office.ipynb"}
"""The role-play notebooks a class opens all at once."""
MAX_CLASS_SIZE = 500


class LandingHandler(tornado.web.RequestHandler):
    """The landing page, rendered once at start: no kernel, no notebook execution."""

    def initialize(self, html: str) -> None:
        self.html = html

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(self.html)


class GuideHandler(tornado.web.RequestHandler):
    """A guide of ``docs/`` as a printable HTML page (:mod:`slrt_sim.apps.guides`); no kernel."""

    def get(self, name: str) -> None:
        page = guides.render(name)
        if page is None:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page)


class ScriptHandler(tornado.web.RequestHandler):
    """The page script of :func:`slrt_sim.server.pages.live_script` (catalogue text, built once at start)."""

    def initialize(self, js: str) -> None:
        self.js = js

    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(self.js)


class CappedVoilaHandler(TornadoVoilaHandler):
    """Voila's page handler behind the cap; sets the ``_xsrf`` cookie the page's shutdown needs."""

    @tornado.web.authenticated
    async def get(self, path=None):
        if not self.notebook_path and path and canonical_path(path) != path:
            # `x.ipynb/`, `//x.ipynb`, `./x.ipynb`: one address per page, so the pool and the caps see it
            target = url_path_join(self.base_url, "voila/render", canonical_path(path))
            query = self.request.query
            self.redirect(target + (f"?{query}" if query else ""))
            return
        notebook = self.notebook_path or path or ""
        km = self.kernel_manager
        ip = self.request.remote_ip
        if notebook.endswith(".ipynb") and hasattr(km, "reserve"):
            ok, reason = km.reserve(notebook, ip)
            if not ok:
                app = self.settings["voila"]
                retry = int(app.retry_after)
                self.log.warning("Page %s refused for %s: %s (%d live kernels)", notebook, ip, reason,
                                 km.live_total())
                self.set_status(503)
                self.set_header("Retry-After", str(retry))
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
                per_client = km.client_kernels(ip) if reason == "client" else None
                self.finish(busy_page(retry, self.base_url, per_client, heavy=reason == "heavy"))
                return
        self.xsrf_token  # noqa: B018 - sets the _xsrf cookie (the page's "beforeunload" shutdown sends it)
        token, device = CLIENT.set((ip, notebook)), DEVICE.set(guard.page_device(self))
        try:
            await super().get(path)
        finally:
            CLIENT.reset(token)
            DEVICE.reset(device)
            if hasattr(km, "release"):
                km.release()


class SlrtVoila(Voila):
    """Voila for a class (see the module docstring); settings under ``"SlrtVoila"`` in voila.json."""

    class_size = Int(0, config=True, help="Trainees in the class: the class app's pool holds this many kernels.")
    class_app = Enum(["fo", "bo", "both"], "fo", config=True,
                     help="The role play the class opens (fo, bo, or both: twice the memory).")
    other_pool_size = Int(1, config=True, help="Pre-heated kernels of the other pre-heated notebooks.")
    no_preheat = List(Unicode(), ["index.ipynb", "planner.ipynb", "walkthrough.ipynb"], config=True,
                      help="Notebooks never pre-heated (heavy trainer tools, and the kernel-free landing page).")
    max_kernels = Int(80, config=True, help="Cap on live kernels (pages and pool together).")
    max_per_client = Int(4, config=True, help="Cap on kernels per client address (one device).")
    exempt_loopback = Bool(True, config=True, help="The server's own machine (the trainer) has no per-device cap.")
    retry_after = Int(30, config=True, help="Seconds after which the 'server full' page retries.")
    fill_delay = Float(15.0, config=True, help="Seconds after a page takes a pool kernel before it is replaced.")
    pool_spare = Int(2, config=True, help="Pool kernels kept for late-comers once the class has arrived.")
    connected_idle_timeout = Float(4 * 3600.0, config=True,
                                   help="An open page's kernel is culled after this long without activity.")
    page_grace = Float(900.0, config=True,
                       help="Seconds a kernel handed to a page is kept for the page to connect (never culled before).")
    heavy_per_client = Int(1, config=True, help="Heavy trainer tools (walkthrough, planner, dashboard) per device.")
    heavy_total = Int(4, config=True, help="Heavy trainer tools open at once on the server.")
    memory_budget_mib = Float(600.0, config=True, help="A page's kernel above this resident memory is restarted.")
    heavy_memory_budget_mib = Float(1500.0, config=True, help="The same for the heavy trainer tools.")
    memory_interval = Float(10.0, config=True, help="Seconds between two checks of the kernels' memory.")
    backup_interval = Float(600.0, config=True, help="Seconds between two backups of the session database.")

    @default("kernel_websocket_connection_class")
    def _limited_connection(self):
        from .limits import LimitedConnection  # widgets and comm messages per page are bounded

        return LimitedConnection
    landing_notebook = Unicode("index.ipynb", config=True, help="Served as a static page, without a kernel.")
    warm_timeout = Float(600.0, config=True, help="Seconds allowed for building the class cases at start.")
    kernel_ipc = Bool(True, config=True, help="Kernels use local socket files instead of TCP ports (Linux, macOS).")

    def initialize(self, argv=None):
        super().initialize(argv)
        self._configure_pools()

    def _configure_pools(self) -> None:
        """Pool sizes per notebook, unless voila.json sets ``kernel_pools_config`` itself."""
        section = self.config.VoilaKernelManager
        if "kernel_pools_config" not in section:
            default = self.voila_configuration.default_pool_size
            pools = {"default": {"pool_size": max(0, default), "kernel_env_variables": {}}}
            for app, notebook in APP_NOTEBOOKS.items():
                chosen = self.class_app in (app, "both") and self.class_size > 0
                size = self.class_size if chosen else self.other_pool_size
                pools[notebook] = {"pool_size": max(0, size)}
            section.kernel_pools_config = pools
        if "preheat_denylist" not in section:
            section.preheat_denylist = [r"(.*/)?" + re.escape(n) + "$" for n in self.no_preheat]

    def policy(self) -> CapPolicy:
        return CapPolicy(max_kernels=self.max_kernels, max_per_client=self.max_per_client,
                         exempt_loopback=self.exempt_loopback, fill_delay=self.fill_delay, pool_spare=self.pool_spare,
                         connected_idle_timeout=self.connected_idle_timeout, page_grace=self.page_grace,
                         heavy_per_client=self.heavy_per_client, heavy_total=self.heavy_total,
                         memory_budget_mib=self.memory_budget_mib, memory_interval=self.memory_interval,
                         heavy_memory_budget_mib=self.heavy_memory_budget_mib,
                         class_notebooks=tuple(nb for app, nb in APP_NOTEBOOKS.items()
                                               if self.class_app in (app, "both") and self.class_size > 0))

    def init_settings(self):
        if self.kernel_ipc and os.name == "posix" and "transport" not in self.config.KernelManager:
            # kernels talk over local socket files, not TCP ports: 70 kernels starting at once
            # picked ports that another socket took meanwhile ("Address already in use")
            self.config.KernelManager.transport = "ipc"
        original = voila_app.voila_kernel_manager_factory
        policy = self.policy()

        def factory(*args, **kwargs):
            return capped_manager_class(original(*args, **kwargs), policy)

        voila_app.voila_kernel_manager_factory = factory
        try:
            return super().init_settings()
        finally:
            voila_app.voila_kernel_manager_factory = original

    def init_handlers(self):
        handlers = []
        for spec in super().init_handlers():
            if len(spec) >= 2 and spec[1] is TornadoVoilaHandler:
                spec = (spec[0], CappedVoilaHandler, *spec[2:])
            handlers.append(spec)
        page = landing_page(self.root_dir)
        landing = url_path_join(self.server_url, r"/voila/render/" + re.escape(self.landing_notebook))
        guide = url_path_join(self.server_url, r"/panduan/((?:en/)?[a-z0-9-]+)\.html")
        live = url_path_join(self.server_url, "/slrt/live.js")
        return [(landing, LandingHandler, {"html": page}), (guide, GuideHandler),
                (live, ScriptHandler, {"js": live_script()})] + guard.handlers(self.server_url) + handlers

    def warm_cases(self) -> None:
        """Build the class cases before any kernel starts (in a child process: pandas stays out of
        the server; :mod:`slrt_sim.server.warm`). Best effort: a failure only means the first
        kernel builds them itself."""
        t0 = time.monotonic()
        try:
            subprocess.run([sys.executable, "-m", "slrt_sim.server.warm"], check=True, timeout=self.warm_timeout,
                           stdin=subprocess.DEVNULL, env=os.environ.copy())
            self.log.info("Class cases ready in %.1f s (%s).", time.monotonic() - t0, case_cache.cache_dir())
        except (subprocess.SubprocessError, OSError) as exc:
            self.log.warning("Could not prepare the class cases at start: %s", exc)

    def start(self):
        self._backups = backups.start(self.backup_interval)  # one line and exit 2 for a faulty database; a backup now and every 10 min
        self.warm_cases()
        self.log.info("Kernel cap: %d live kernels, %d per device; class app %s with a pool of %d.",
                      self.max_kernels, self.max_per_client, self.class_app, self.class_size)
        super().start()


main = SlrtVoila.launch_instance
