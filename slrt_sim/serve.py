"""Serve the kit's notebooks to a class with Voila (``slrt-sim serve``, ``make app``).

One place builds the Voila command line and its environment, so that
``make app`` and the browser tests (``tests/browser/conftest.py``) run the
very same server:

* the Voila / Jupyter server settings live in ``voila.json`` at the repository
  root (template, pre-heated kernels, idle-kernel culling, no browser);
* the custom ``slrt`` template in ``share/jupyter/voila/templates/slrt`` is
  found through ``JUPYTER_PATH`` (it removes Voila's CDN links so the kit runs
  with no internet at all);
* an installed wheel carries the notebooks, the template and ``voila.json`` in
  ``slrt_sim/_bundle`` (:mod:`slrt_sim.paths` finds them, clone or wheel);
* ``SLRT_TRAINER_PIN`` (from ``TRAINER_PIN``, or random) and ``SLRT_DB`` are
  put in the environment, which every kernel inherits, with ``SLRT_CACHE_DIR`` (the class
  cases built once per class, :mod:`slrt_sim.training.case_cache`: ``<folder of SLRT_DB>/cache``);
* the server is :mod:`slrt_sim.server` (Voila plus a pool sized for the class,
  ``--class-size``; a cap on live kernels, ``--max-kernels``, and per device,
  ``--max-per-client``; a kernel-free landing page; closing a page stops its kernel).

Run ``slrt-sim serve --help`` (or ``python -m slrt_sim.serve --help``) for the options.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Mapping, Sequence

from slrt_sim import paths
from slrt_sim.i18n import t

ROOT = paths.ROOT  # the clone, or slrt_sim/_bundle in an installed wheel
NOTEBOOKS = paths.NOTEBOOKS
CONFIG_DIR = paths.CONFIG_DIR  # holds voila.json
TEMPLATES_ROOT = paths.TEMPLATES_ROOT  # holds voila/templates/slrt
DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8866
DEFAULT_DB = paths.DEFAULT_DB  # var/ in a clone; the user data folder for an installed kit
PIN_ENV = "SLRT_TRAINER_PIN"
MAX_CLASS_SIZE = 500
DEFAULT_MAX_KERNELS = 80  # as SlrtVoila.max_kernels in voila.json
DEFAULT_MAX_PER_CLIENT = 4
DB_ENV = paths.DB_ENV
CACHE_ENV = "SLRT_CACHE_DIR"


def generate_pin() -> str:
    """A random 6-digit PIN (leading zeros allowed) from a secure source; wrong tries are
    throttled server-wide by :func:`slrt_sim.training.dashboard.check_pin`."""
    return f"{secrets.randbelow(1_000_000):06d}"


def resolve_pin(environ: Mapping[str, str]) -> tuple[str, bool]:
    """Return ``(pin, generated)``: ``TRAINER_PIN`` or ``SLRT_TRAINER_PIN`` if set, else a new one."""
    for name in ("TRAINER_PIN", PIN_ENV):
        value = environ.get(name, "").strip()
        if value:
            if not re.fullmatch(r"\d{4,8}", value):
                raise ValueError(t("serve.err.pin", name=name))
            return value, False
    return generate_pin(), True


def server_env(
    pin: str,
    db: str | os.PathLike[str],
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment for the Voila process (and so for every kernel it starts)."""
    env = dict(os.environ if base is None else base)
    env[PIN_ENV] = pin
    env[DB_ENV] = str(db)
    env.setdefault(CACHE_ENV, str(Path(db).parent / "cache"))
    env.pop("TRAINER_PIN", None)  # one name only inside the kit
    jupyter_path = [str(TEMPLATES_ROOT)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(jupyter_path))
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def voila_command(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    notebooks: str | os.PathLike[str] = NOTEBOOKS,
    extra: Sequence[str] = (),
    python: str = sys.executable,
) -> list[str]:
    """The server's command line (Voila with the kit's additions, :mod:`slrt_sim.server`);
    settings not given here come from ``voila.json``."""
    return [
        python,
        "-m",
        "slrt_sim.server",
        str(notebooks),
        f"--Voila.ip={host}",
        f"--Voila.port={port}",
        "--no-browser",
        # Read voila.json from the repository only (not from ~/.jupyter), so a
        # trainer's personal Jupyter config cannot change how the class is served.
        f"--Voila.config_file_paths={CONFIG_DIR}",
        *extra,
    ]


def class_args(
    class_size: int | None = None,
    class_app: str | None = None,
    max_kernels: int | None = None,
    max_per_client: int | None = None,
) -> list[str]:
    """Server options for a class (``None``: the value in ``voila.json``)."""
    values = {"class_size": class_size, "class_app": class_app, "max_kernels": max_kernels,
              "max_per_client": max_per_client}
    return [f"--SlrtVoila.{name}={value}" for name, value in values.items() if value is not None]


def lan_addresses() -> list[str]:
    """Best guess of this machine's LAN IPv4 address(es), without sending any packet."""
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # UDP connect: picks a route, sends nothing
            found.append(s.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    return [ip for ip in dict.fromkeys(found) if not ip.startswith("127.")]


def banner(pin: str, generated: bool, host: str, port: int, db: str) -> str:
    lines = ["", "=" * 64, t("serve.banner.title")]
    if host in ("0.0.0.0", ""):
        ips = lan_addresses()
        if ips:
            lines.append(t("serve.banner.lan"))
            lines += [f"    http://{ip}:{port}/" for ip in ips]
        else:
            lines.append(t("serve.banner.no_lan"))
        lines.append(t("serve.banner.local", url=f"http://localhost:{port}/"))
    else:
        lines.append(t("serve.banner.local", url=f"http://{host}:{port}/"))
    lines.append(t("serve.banner.pin_generated" if generated else "serve.banner.pin", pin=pin))
    lines.append(t("serve.banner.db", path=db))
    lines.append(t("serve.banner.stop"))
    lines += ["=" * 64, ""]
    return "\n".join(lines)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list:
    """The processes ``pid`` started, children of children included (psutil.Process objects)."""
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


class VoilaProcess:
    """Voila in the background, configured as by ``make app`` (for tests and benchmarks).

    ``with VoilaProcess(pin="4321", db=tmp / "s.sqlite") as server: server.url`` starts
    Voila on a free localhost port, waits until it answers and stops it (with its
    kernels) on exit. The server log goes to ``log_path``; :meth:`log` reads it.
    """

    def __init__(
        self,
        pin: str,
        db: str | os.PathLike[str],
        log_path: str | os.PathLike[str],
        notebooks: str | os.PathLike[str] = NOTEBOOKS,
        host: str = "127.0.0.1",
        port: int | None = None,
        extra: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 90.0,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.log_path = Path(log_path)
        self.cmd = voila_command(host, self.port, notebooks, extra)
        self.env = server_env(pin, db, env)
        self.startup_timeout = startup_timeout
        self.proc = None

    def render_url(self, notebook: str) -> str:
        return f"{self.url}/voila/render/{notebook}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def start(self) -> "VoilaProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            self.cmd,
            env=self.env,
            cwd=str(ROOT),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches the kernels too
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Voila exited with code {self.proc.returncode}:\n{self.log()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/voila/static/voila.js", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Voila did not answer within {self.startup_timeout:.0f} s:\n{self.log()[-4000:]}")

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (Voila shuts its kernels down), then after ``timeout`` s SIGKILL for whatever
        is left: the server's process group and every process it had started. Kernels run in
        sessions of their own (jupyter_client starts them so), so the group alone would miss them
        when the server hangs; they are listed before the server is asked to stop."""
        if self.proc is None:
            return
        started = _descendants(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        try:  # anything left in the group is ours: end it
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        for child in started:  # a kernel the server did not stop (it hung, or was killed)
            try:
                if child.is_running():  # is_running() also checks that the pid was not reused
                    child.kill()
            except Exception:  # noqa: BLE001 - gone meanwhile, or not ours to kill
                pass
        self._log_file.close()
        self.proc = None

    def __enter__(self) -> "VoilaProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None, prog: str = "python -m slrt_sim.serve") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=t("serve.cli.description"))
    parser.add_argument("--host", default=os.environ.get("HOST", DEFAULT_HOST), help=t("serve.cli.host"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)), help=t("serve.cli.port"))
    parser.add_argument("--notebooks", default=str(NOTEBOOKS), help=t("serve.cli.notebooks"))
    parser.add_argument("--db", default=os.environ.get(DB_ENV) or str(DEFAULT_DB), help=t("serve.cli.db"))
    env_int = lambda name: int(os.environ[name]) if os.environ.get(name, "").strip().isdigit() else None  # noqa: E731
    parser.add_argument("--class-size", type=int, default=env_int("CLASS_SIZE"), help=t("serve.cli.class_size"))
    parser.add_argument("--class-app", choices=("fo", "bo", "both"), default=os.environ.get("CLASS_APP") or None,
                        help=t("serve.cli.class_app"))
    parser.add_argument("--max-kernels", type=int, default=env_int("MAX_KERNELS"), help=t("serve.cli.max_kernels"))
    parser.add_argument("--max-per-client", type=int, default=env_int("MAX_PER_CLIENT"),
                        help=t("serve.cli.max_per_client"))
    parser.add_argument("--dry-run", action="store_true", help=t("serve.cli.dry_run"))
    parser.add_argument("voila_args", nargs="*", help=t("serve.cli.voila_args"))
    args = parser.parse_args(argv)

    try:
        pin, generated = resolve_pin(os.environ)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    for value in (args.class_size, args.max_kernels, args.max_per_client):
        if value is not None and not 0 <= value <= MAX_CLASS_SIZE:
            print(t("serve.err.class_size", max=MAX_CLASS_SIZE), file=sys.stderr)
            return 2
    db = Path(args.db).expanduser().resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    from slrt_sim.training.store import prepare

    from slrt_sim.training.store_health import DatabaseFault

    try:
        prepare(db)  # checked, then tables and WAL mode set once, before any kernel opens the store
    except DatabaseFault as exc:
        print(exc, file=sys.stderr)
        return 2
    extra = class_args(args.class_size, args.class_app, args.max_kernels, args.max_per_client)
    cmd = voila_command(args.host, args.port, args.notebooks, [*extra, *args.voila_args])
    env = server_env(pin, db)
    print(banner(pin, generated, args.host, args.port, str(db)), flush=True)
    if args.class_size:
        cap = args.max_kernels or DEFAULT_MAX_KERNELS
        print(t("serve.banner.class", n=args.class_size, app=(args.class_app or "fo").upper(), cap=cap,
                per_client=args.max_per_client or DEFAULT_MAX_PER_CLIENT), flush=True)
    if args.dry_run:
        print(" ".join(cmd))
        return 0
    os.execvpe(cmd[0], cmd, env)  # replace this process: Ctrl+C goes straight to Voila
    return 0  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
