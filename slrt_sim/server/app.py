"""``SlrtVoila``: Voila 0.5 with what a hall of 70 trainees needs; the one serving entry point.

``slrt-sim serve``, ``python -m slrt_sim.server`` and ``make app`` all run :func:`main`: the
options are SlrtVoila's traitlets (``--host``, ``--port``, ``--db``, ``--class-size``,
``--class-app``, ``--max-kernels``, ``--max-per-client`` are aliases, ``--dry-run`` a flag; any
``--Voila.x=…`` setting works too), defaults in ``voila.json`` and below. The server runs in the
calling process, in the foreground on every system; Ctrl+C (SIGINT) and SIGTERM stop it and
all its kernels, without a traceback. Everything else (template, kernels) is Voila's own.
What it adds:

* **Kernel sockets that fit the system.** Kernels talk over local socket files (``ipc``) on
  Linux and macOS, in a connection folder whose socket paths stay under the system's limit
  (macOS: 103 characters; its ``$TMPDIR`` alone is about 50): Voila's folder in ``$TMPDIR`` if
  short enough, else a private folder under ``/tmp``, else TCP (:func:`kernel_sockets`).
  Windows uses TCP.
* **A banner that tells the truth.** "Menyiapkan kasus kelas …" while the class cases are
  built, the title "siap" and the addresses only once pages can be served (with a class size:
  once the class app's pool has run the notebook).

* **A pool sized for the class.** ``--SlrtVoila.class_size=N`` (``make app CLASS_SIZE=N``)
  pre-heats N kernels of the app the class opens (``class_app``: ``fo``, ``bo`` or ``both``);
  the other role play keeps one, the trainer dashboard one, the landing page none. Without a
  class size, a server the LAN can reach still gives the class app a pool for a hall of 70, as
  far as memory allows (``open_pool``, :func:`slrt_sim.server.kernels.open_pool_size`), so a
  hall that arrives unannounced is served within a minute; on loopback only, none. Before the pools start, the
  class cases are built once (:mod:`slrt_sim.training.case_cache`), so no kernel generates a
  population.
* **Trainer tools ready when the trainer opens them.** The walkthrough and the planner
  (``late_preheat``) each get one pre-heated kernel too, but only once every pool started with the
  server has run its notebook (the class app's first): their kernels build the app in the
  background (a simulated year for the walkthrough), which must not slow the class's kernels.
  A trainer who opens them then gets the app on screen in a few seconds instead of waiting for a
  kernel, the imports and the first simulation (:meth:`SlrtVoila._preheat_trainer_tools`).
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

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tornado.ioloop
import tornado.web
from jupyter_server.utils import url_path_join
from traitlets import Bool, Enum, Float, Int, List, TraitError, Unicode, default
from traitlets.config import Application
from traitlets.config.loader import ArgumentError, KVArgParseConfigLoader, _KVArgParser

import voila.app as voila_app
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from slrt_sim import paths, serve
from slrt_sim.apps import guides
from slrt_sim.i18n import t
from slrt_sim.training import case_cache
from slrt_sim.training import store_health
from . import backups, guard
from . import live as live_game
from .kernels import CLIENT, DEVICE, CapPolicy, canonical_path, capped_manager_class, open_pool_size
from .pages import busy_page, landing_page, live_script

__all__ = ["SlrtVoila", "main", "APP_NOTEBOOKS", "ServeError", "kernel_sockets"]

APP_NOTEBOOKS = {"fo": "roleplay_front_office.ipynb", "bo": "roleplay_back_office.ipynb",
                 "hv": "roleplay_home_visit.ipynb"}
CLASS_APPS = {"fo": ("fo",), "bo": ("bo",), "hv": ("hv",), "both": ("fo", "bo")}
"""``--class-app``'s choices and the role plays each pre-heats for the class (``both``: the front
and the back office, the day's two role plays; ``hv``: the fasilitator's home-visit practice)."""
"""The role-play notebooks a class opens all at once."""
MAX_CLASS_SIZE = 500
"""Upper bound of ``--class-size``, ``--max-kernels`` and ``--max-per-client``."""
VOILA_MINOR = "0.5"
"""The Voila minor version whose internals this module relies on (the kernel-manager factory,
``Voila.start`` / ``stop`` / ``listen``); pyproject pins it, ``tests/test_server.py`` checks it."""
IPC_PATH_MAX = {"darwin": 103}
"""Longest socket path a system allows (``sun_path`` less its final NUL); Linux and others: 107."""
IPC_NAME = len("/kernel-") + 36 + len("-ipc-") + 5
"""jupyter_client's socket name after the folder: ``/kernel-<uuid>-ipc-<port>``."""
SHORT_ROOT = "/tmp"
"""Where a short private connection folder is made when ``$TMPDIR`` is too long (macOS)."""


class ServeError(Exception):
    """A mistake in the serve options or environment; the message is one line."""


def kernel_sockets(connection_dir: str, platform: str | None = None, short_root: str = SHORT_ROOT) -> tuple[str, str]:
    """``(transport, connection folder)`` for the kernels: ``ipc`` in ``connection_dir`` if its
    socket paths fit the system's limit, else ``ipc`` in a new private folder under
    ``short_root`` (mode 700, removed with the server's), else ``tcp``; Windows: ``tcp``."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return "tcp", connection_dir
    limit = IPC_PATH_MAX.get(platform, 107)
    if len(connection_dir) + IPC_NAME <= limit:
        return "ipc", connection_dir
    try:
        short = tempfile.mkdtemp(prefix="slrt-", dir=short_root)
    except OSError:
        return "tcp", connection_dir
    if len(short) + IPC_NAME <= limit:
        return "ipc", short
    os.rmdir(short)
    return "tcp", connection_dir


class TextHandler(tornado.web.RequestHandler):
    """A text built once at start (the landing page, the page script of
    :func:`slrt_sim.server.pages.live_script`): no kernel, no notebook execution."""

    def initialize(self, body: str, content_type: str) -> None:
        self.body = body
        self.content_type = content_type

    def get(self) -> None:
        self.set_header("Content-Type", f"{self.content_type}; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(self.body)


class GuideHandler(tornado.web.RequestHandler):
    """A guide of ``docs/`` as a printable HTML page (:mod:`slrt_sim.apps.guides`); no kernel."""

    def get(self, name: str) -> None:
        page = guides.render(name)
        if page is None:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page)


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
            if not ok and await km.reclaim(notebook, ip, reason):
                ok, reason = km.reserve(notebook, ip)
            if not ok:
                retry = int(getattr(km.parent, "retry_after", 30))  # the app (settings[app.name] moved with its name)
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


NO_PREHEAT_FOLDERS = r".*[/\\]belajar[/\\].*"
"""Voila's pre-heating walks every sub-folder: the teaching notebooks (``notebooks/belajar/``,
opened with ``slrt-sim lab``; a minute of simulation each) must not start kernels at start-up."""


def _option_detail(message: str) -> str:
    """``--class-size abc`` from traitlets' "The 'class_size' trait of a SlrtVoila instance expected
    an int, not the str 'abc'." (its English stays out of the trainer's message); else its first line."""
    found = re.search(r"The '(\w+)' trait of an? (\w+) instance .*?not the \w+ (.+?)\.?$", message.splitlines()[0])
    if not found:
        return message.splitlines()[0]
    name, cls, value = found.groups()
    aliases = [a for a, target in SlrtVoila.aliases.items() if target.endswith("." + name)]
    alias = max(aliases, key=lambda a: "-" in a, default=None)  # --class-size rather than --class_size
    return f"--{alias or cls + '.' + name} {value}"


class StrictParser(_KVArgParser):
    """argparse as traitlets uses it, with its errors as a one-line :class:`ServeError`."""

    def error(self, message: str):
        raise ServeError(t("serve.err.option", detail=message))


class StrictLoader(KVArgParseConfigLoader):
    """The command line's loader: an unknown option is an error, not a warning (a mistyped
    ``--class-sise 70`` would otherwise serve a class of 0)."""

    parser_class = StrictParser

    def _handle_unrecognized_alias(self, arg: str) -> None:
        raise ServeError(t("serve.err.option", detail=f"--{arg}"))


class SlrtVoila(Voila):
    """Voila for a class (see the module docstring); settings under ``"SlrtVoila"`` in voila.json."""

    name = "slrt-sim serve"
    aliases = {**Voila.aliases, "host": "Voila.ip", "port": "Voila.port", "db": "SlrtVoila.db",
               "class-size": "SlrtVoila.class_size", "class-app": "SlrtVoila.class_app",
               "max-kernels": "SlrtVoila.max_kernels", "max-per-client": "SlrtVoila.max_per_client"}
    flags = {**Voila.flags, "dry-run": ({"SlrtVoila": {"dry_run": True}}, "Show what would be served, start nothing.")}

    class_size = Int(0, config=True, help="Trainees in the class: the class app's pool holds this many kernels.")
    class_app = Enum(list(CLASS_APPS), "fo", config=True,
                     help="The role play the class opens (fo, bo, hv: the home visit, or both: fo and bo, twice the "
                          "memory).")
    other_pool_size = Int(1, config=True, help="Pre-heated kernels of the other pre-heated notebooks.")
    open_pool = Int(-1, config=True, help="Without --class-size: pre-heated kernels of the class app (-1: sized "
                                          "to the machine when served to the LAN, none on loopback).")
    no_preheat = List(Unicode(), ["index.ipynb"], config=True,
                      help="Notebooks never pre-heated (the kernel-free landing page; a trainer tool listed here "
                           "is not pre-heated later either).")
    late_preheat = List(Unicode(), ["walkthrough.ipynb", "planner.ipynb"], config=True,
                        help="Trainer tools given one pre-heated kernel once the pools started with the server "
                             "have run their notebook (none when other_pool_size is 0).")
    late_preheat_wait = Float(600.0, config=True,
                              help="Seconds the trainer tools' pre-heating waits at most for the other pools.")
    max_kernels = Int(CapPolicy.max_kernels, config=True, help="Cap on live kernels (pages and pool together).")
    max_per_client = Int(CapPolicy.max_per_client, config=True,
                         help="Cap on kernels per client address (one device).")
    exempt_loopback = Bool(CapPolicy.exempt_loopback, config=True,
                           help="The server's own machine (the trainer) has no per-device cap.")
    retry_after = Int(30, config=True, help="Seconds after which the 'server full' page retries.")
    fill_delay = Float(CapPolicy.fill_delay, config=True,
                       help="Seconds after a page takes a pool kernel before it is replaced.")
    pool_spare = Int(CapPolicy.pool_spare, config=True, help="Pool kernels kept for late-comers once the class has arrived.")
    connected_idle_timeout = Float(CapPolicy.connected_idle_timeout, config=True,
                                   help="An open page's kernel is culled after this long without activity.")
    page_grace = Float(CapPolicy.page_grace, config=True,
                       help="Seconds a kernel handed to a page is kept for the page to connect (never culled before).")
    heavy_per_client = Int(CapPolicy.heavy_per_client, config=True,
                           help="Heavy trainer tools (walkthrough, planner, dashboard) per device.")
    heavy_total = Int(CapPolicy.heavy_total, config=True, help="Heavy trainer tools open at once on the server.")
    memory_budget_mib = Float(CapPolicy.memory_budget_mib, config=True,
                              help="A page's kernel above this resident memory (MiB) is restarted; 0: no budget.")
    heavy_memory_budget_mib = Float(CapPolicy.heavy_memory_budget_mib, config=True,
                                    help="The same for the heavy trainer tools.")
    memory_interval = Float(CapPolicy.memory_interval, config=True, help="Seconds between two memory checks.")
    backup_interval = Float(600.0, config=True, help="Seconds between two backups of the session database.")
    landing_notebook = Unicode("index.ipynb", config=True, help="Served as a static page, without a kernel.")
    warm_timeout = Float(600.0, config=True, help="Seconds allowed for building the class cases at start.")
    kernel_ipc = Bool(True, config=True, help="Kernels use local socket files instead of TCP ports (Linux, macOS).")
    db = Unicode("", config=True,
                 help="SQLite file for the session data (default: $SLRT_DB, else var/ or the user data folder).")
    dry_run = Bool(False, config=True,
                   help="Check the options and show what would be served; start nothing, write nothing.")

    @default("kernel_websocket_connection_class")
    def _limited_connection(self):
        from .limits import LimitedConnection  # widgets and comm messages per page are bounded

        return LimitedConnection

    @default("root_dir")
    def _default_root_dir(self) -> str:
        return os.path.dirname(self.notebook_path) if self.notebook_path else str(paths.NOTEBOOKS)

    @default("config_file_paths")
    def _default_config_file_paths(self) -> list[str]:
        # voila.json of the kit only (not ~/.jupyter): a trainer's own Jupyter set-up cannot change the class
        return [str(paths.CONFIG_DIR)]

    @default("ip")
    def _default_ip(self) -> str:
        return "0.0.0.0"  # the class's devices reach the trainer's laptop over the LAN

    @default("db")
    def _default_db(self) -> str:
        return str(paths.default_db())

    def initialize(self, argv=None):
        os.environ["JUPYTER_PATH"] = serve.jupyter_path(os.environ)  # the slrt template and kernel
        super().initialize(argv)
        for option in ("class-size", "max-kernels", "max-per-client"):
            if not 0 <= getattr(self, option.replace("-", "_")) <= MAX_CLASS_SIZE:
                raise ServeError(t("serve.err.range", option="--" + option, max=MAX_CLASS_SIZE))
        try:
            self.pin, self.pin_generated = serve.resolve_pin(os.environ)
        except ValueError as exc:
            raise ServeError(str(exc)) from None
        self.db = str(Path(self.db).expanduser().resolve())
        self._configure_pools()

    def parse_command_line(self, argv=None):
        """traitlets' parsing, with a bad value or an unknown option as a :class:`ServeError`
        (traitlets would log it and exit 1, or only warn for an unknown option)."""
        try:
            Application.parse_command_line.__wrapped__(self, argv)  # without catch_config_error
        except (TraitError, ArgumentError) as exc:
            raise ServeError(t("serve.err.option", detail=_option_detail(str(exc)))) from None

    def _create_loader(self, argv, aliases, flags, classes):
        return StrictLoader(argv, aliases, flags, classes=classes, log=self.log)

    def _configure_pools(self) -> None:
        """Pool sizes per notebook, unless voila.json sets ``kernel_pools_config`` itself."""
        section = self.config.VoilaKernelManager
        if "kernel_pools_config" not in section:
            default = self.voila_configuration.default_pool_size
            pools = {"default": {"pool_size": max(0, default), "kernel_env_variables": {}}}
            for app, notebook in APP_NOTEBOOKS.items():
                chosen = app in CLASS_APPS[self.class_app]
                size = self.class_size if chosen and self.class_size > 0 else self.other_pool_size
                if chosen and self.class_size <= 0:  # no class announced: a pool for the largest hall, as memory allows
                    size = max(size, self.open_pool_size())
                pools[notebook] = {"pool_size": max(0, size)}
            for notebook in self._late_tools():  # filled later (_preheat_trainer_tools), never at start
                pools[notebook] = {"pool_size": 1}
            section.kernel_pools_config = pools
        if "preheat_denylist" not in section:
            # Voila's start-up fill skips the late tools too (they come after the class's pools)
            denied = [*self.no_preheat, *self._late_tools()]
            section.preheat_denylist = ([r"(.*/)?" + re.escape(n) + "$" for n in denied]
                                        + [NO_PREHEAT_FOLDERS])

    def _late_tools(self) -> list[str]:
        """The trainer tools pre-heated after the start-up pools (``late_preheat`` less ``no_preheat``;
        none when ``other_pool_size`` is 0, which pre-heats no notebook but the class app's)."""
        if self.other_pool_size <= 0:
            return []
        return [n for n in self.late_preheat if n not in self.no_preheat]

    def open_pool_size(self) -> int:
        """The class app's pool without a class size: ``open_pool``, or if -1 one for a hall of 70 as
        far as memory allows (:func:`slrt_sim.server.kernels.open_pool_size`) when the class's devices can reach the
        server, none when it listens on loopback only (only this machine's pages: tests, one user)."""
        if self.open_pool >= 0:
            return self.open_pool
        return 0 if self.ip.startswith("127.") or self.ip in ("::1", "localhost") else open_pool_size()

    def class_pools(self) -> dict[str, int]:
        """The class app's pool per notebook, which the banner waits for: the class size, or without
        one the open pool (none on loopback)."""
        size = self.class_size if self.class_size > 0 else self.open_pool_size()
        return {nb: size for app, nb in APP_NOTEBOOKS.items() if app in CLASS_APPS[self.class_app] and size > 0}

    def policy(self) -> CapPolicy:
        return CapPolicy(max_kernels=self.max_kernels, max_per_client=self.max_per_client,
                         exempt_loopback=self.exempt_loopback, fill_delay=self.fill_delay, pool_spare=self.pool_spare,
                         connected_idle_timeout=self.connected_idle_timeout, page_grace=self.page_grace,
                         heavy_per_client=self.heavy_per_client, heavy_total=self.heavy_total,
                         memory_budget_mib=self.memory_budget_mib, memory_interval=self.memory_interval,
                         heavy_memory_budget_mib=self.heavy_memory_budget_mib,
                         class_notebooks=self.class_notebooks(), class_size=self.class_size)

    def init_settings(self):
        if self.kernel_ipc and "transport" not in self.config.KernelManager:
            # kernels talk over local socket files, not TCP ports: 70 kernels starting at once
            # picked ports that another socket took meanwhile ("Address already in use")
            transport, folder = kernel_sockets(self.connection_dir)
            if folder != self.connection_dir:
                os.rmdir(self.connection_dir)
                self.connection_dir = folder
            self.config.KernelManager.transport = transport
            self.log.info("Kernels talk over %s (connection files in %s).", transport, self.connection_dir)
        original = voila_app.voila_kernel_manager_factory
        policy = self.policy()

        def factory(*args, **kwargs):
            return capped_manager_class(original(*args, **kwargs), policy)

        voila_app.voila_kernel_manager_factory = factory
        try:
            settings = super().init_settings()
            settings["voila"] = self  # the page handler reads the server's settings (retry_after) here
            return settings
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
        throttle = guard.PinThrottle()
        return [(landing, TextHandler, {"body": page, "content_type": "text/html"}), (guide, GuideHandler),
                (live, TextHandler, {"body": live_script(), "content_type": "text/javascript"})] + guard.handlers(self.server_url, throttle) + \
            live_game.handlers(self.server_url, throttle) + handlers

    def warm_cases(self) -> None:
        """Build the class cases before any kernel starts (in a child process: pandas stays out of
        the server; :mod:`slrt_sim.server.warm`). Best effort: a failure only means the first
        kernel builds them itself."""
        t0 = time.monotonic()
        try:
            # in a process group of its own: Ctrl+C in the console stops the server (which ends
            # this child), and the child does not print a KeyboardInterrupt traceback of its own
            detached = ({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt"
                        else {"start_new_session": True})
            subprocess.run([sys.executable, "-m", "slrt_sim.server.warm"], check=True, timeout=self.warm_timeout,
                           stdin=subprocess.DEVNULL, env=os.environ.copy(), **detached)
            self.log.info("Class cases ready in %.1f s (%s).", time.monotonic() - t0, case_cache.cache_dir())
        except (subprocess.SubprocessError, OSError) as exc:
            self.log.warning("Could not prepare the class cases at start: %s", exc)

    def class_notebooks(self) -> tuple[str, ...]:
        return tuple(nb for app, nb in APP_NOTEBOOKS.items() if app in CLASS_APPS[self.class_app] and self.class_size > 0)

    def print_class(self) -> None:
        if self.class_size:
            print(t("serve.banner.class", n=self.class_size, app=self.class_app.upper(), cap=self.max_kernels,
                    per_client=self.max_per_client), flush=True)

    def banner(self, ready: bool = True) -> str:
        return serve.banner(self.pin if ready else None, self.pin_generated, self.ip, self.port, self.db, ready)

    def start(self):
        db = Path(self.db)
        db.parent.mkdir(parents=True, exist_ok=True)
        os.environ.pop("TRAINER_PIN", None)  # one name only inside the kit
        os.environ.update(serve.server_env(self.pin, db))
        # where the kernels reach this server (slrt_sim.apps._hall): loopback unless bound to one address
        os.environ["SLRT_SERVER_HOST"] = self.ip if self.ip not in ("", "0.0.0.0", "::") else "127.0.0.1"
        from slrt_sim.training.store import prepare
        from slrt_sim.training.store_health import DatabaseFault

        try:
            prepare(db)  # checked, then tables and WAL mode set once, before any kernel opens the store
        except DatabaseFault as exc:
            raise ServeError(str(exc)) from None
        backups.start(self.backup_interval, db)  # a backup now and every 10 minutes
        self.print_class()
        print(t("serve.banner.warm"), flush=True)
        self.warm_cases()
        self.log.info("Kernel cap: %d live kernels, %d per device; class app %s with a pool of %d.",
                      self.max_kernels, self.max_per_client, self.class_app, max(self.class_pools().values(), default=0))
        tornado.ioloop.IOLoop.current().add_callback(self._announce_when_ready)  # runs once the server listens
        signal.signal(signal.SIGINT, self._handle_signal_stop)  # Ctrl+C: the same orderly stop as SIGTERM
        if hasattr(signal, "SIGBREAK"):  # Windows: Ctrl+Break, and what a console sends a process group
            signal.signal(signal.SIGBREAK, self._handle_signal_stop)
        if sys.platform.startswith("win"):
            # Windows' select() is not woken by Ctrl+C: a tick every half second lets Python run
            # the handler while the server is idle (as jupyter_server does)
            self._wake = tornado.ioloop.PeriodicCallback(lambda: None, 500)
            self._wake.start()
        super().start()

    async def _announce_when_ready(self) -> None:
        """The banner once pages can be served: the server listens (this runs in its loop), and
        the class app's pool, if any, has run the notebook."""
        km = self.kernel_manager
        sizes = self.class_pools()
        while any(km.pool_rendered(nb) < size for nb, size in sizes.items()):
            await asyncio.sleep(0.5)
        print(self.banner(ready=True), flush=True)
        await self._preheat_trainer_tools()

    async def _preheat_trainer_tools(self) -> None:
        """One pre-heated kernel for each trainer tool of ``late_preheat`` (see the module
        docstring), once no pool started with the server is still running its notebook (at most
        ``late_preheat_wait`` seconds). A tool whose notebook is not in the served folder is skipped."""
        km = self.kernel_manager
        if not hasattr(km, "fill_if_needed"):  # pre-heating switched off
            return
        deadline = time.monotonic() + self.late_preheat_wait
        while time.monotonic() < deadline and any(
                km._render_state(item) == "running" for pool in getattr(km, "_pools", {}).values() for item in pool):
            await asyncio.sleep(1.0)
        for notebook in self._late_tools():
            if (Path(self.root_dir) / notebook).is_file() and not km.pool_ready(notebook):
                self.log.info("Pre-heating a kernel of the trainer tool %s.", notebook)
                km.fill_if_needed(delay=0, notebook_name=notebook)

    def _handle_signal_stop(self, sig, frame):
        loop = getattr(self, "ioloop", None)
        if loop is None:  # not serving yet (building the class cases)
            raise KeyboardInterrupt
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl+C must not cut the kernels' shutdown short
        self.log.info(t("serve.stopping"))
        loop.add_callback_from_signal(loop.stop)

    def stop(self):
        """Stop every kernel at once, then remove the connection folder (Voila does it the other
        way round). ``now=True``: a kernel still running a notebook when it was asked to shut
        down printed ipykernel's "Socket operation on non-socket" traceback; the session data
        is in SQLite, committed with each action, so nothing is lost by not waiting."""
        try:
            from jupyter_core.utils import run_sync

            run_sync(self.kernel_manager.shutdown_all)(now=True)
        except Exception as exc:  # noqa: BLE001 - stopping anyway; one line, no traceback
            self.log.warning("Stopping the kernels: %s", exc)
        shutil.rmtree(self.connection_dir, ignore_errors=True)


def main(argv=None) -> int:
    """Serve the class (see the module docstring); returns the exit code (2: a bad option).
    The process's environment and signal handlers are as before when it returns (a dry run
    or a test calls it in-process)."""
    app = SlrtVoila.instance()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    environ = dict(os.environ)
    try:
        app.initialize(argv)
        if app.dry_run:
            fault = store_health.check(app.db)  # read only: a faulty database is told before the day
            if fault:
                raise ServeError(fault)
            print(app.banner(ready=False), flush=True)
            print(t("serve.banner.notebooks", path=app.root_dir), flush=True)
            app.print_class()
            return 0
        app.start()
        return 0
    except ServeError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        os.environ.clear()
        os.environ.update(environ)
        SlrtVoila.clear_instance()
