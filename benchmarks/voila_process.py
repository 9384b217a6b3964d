"""``VoilaProcess``: the class server in the background, as ``make app`` runs it (tests and benchmarks).

``with VoilaProcess(pin="4321", db=tmp / "s.sqlite", log_path=tmp / "voila.log") as server:
server.url`` starts ``python -m slrt_sim.server`` (:func:`slrt_sim.server.app.main`, the same
entry point as ``slrt-sim serve``) on a free localhost port, waits until it answers and stops it
(with its kernels) on exit. The server log goes to ``log_path``; :meth:`VoilaProcess.log` reads it.
A test harness (it needs psutil): it is not part of the installed kit.
"""
from __future__ import annotations

import os
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


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def class_args(class_size: int | None = None, class_app: str | None = None, max_kernels: int | None = None,
               max_per_client: int | None = None) -> list[str]:
    """Server options for a class (``None``: the value in ``voila.json``)."""
    values = {"class-size": class_size, "class-app": class_app, "max-kernels": max_kernels,
              "max-per-client": max_per_client}
    return [f"--{name}={value}" for name, value in values.items() if value is not None]


def _descendants(pid: int) -> list:
    """The processes ``pid`` started, children of children included (psutil.Process objects)."""
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


class VoilaProcess:
    """The class server in the background (see the module docstring)."""

    def __init__(
        self,
        pin: str,
        db: str | os.PathLike[str],
        log_path: str | os.PathLike[str],
        notebooks: str | os.PathLike[str] | None = None,
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
        self.cmd = [sys.executable, "-m", "slrt_sim.server", f"--host={host}", f"--port={self.port}",
                    f"--db={db}", *([str(notebooks)] if notebooks else []), *extra]
        self.env = {**(os.environ if env is None else env), "TRAINER_PIN": pin, "PYTHONUNBUFFERED": "1",
                    "SLRT_DB": str(db)}  # the same file as --db: tests open the store the server writes
        self.env.pop("SLRT_TRAINER_PIN", None)
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
            cwd=str(paths.ROOT),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            # its own process group: stop() reaches the kernels too (Windows: Ctrl+Break reaches it alone)
            **({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt" else
               {"start_new_session": True}),
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

    def stop(self, timeout: float = 20.0, sig: int | None = None) -> None:
        """``sig`` (SIGTERM, Windows: Ctrl+Break; SIGINT is Ctrl+C: the server shuts its kernels down), then after
        ``timeout`` s SIGKILL for whatever is left: the server's process group and every process
        it had started. Kernels run in sessions of their own (jupyter_client starts them so), so
        the group alone would miss them when the server hangs; they are listed before the
        server is asked to stop."""
        if self.proc is None:
            return
        started = _descendants(self.proc.pid)
        if sig is None:
            sig = signal.CTRL_BREAK_EVENT if os.name == "nt" else signal.SIGTERM
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        try:  # anything left in the group is ours: end it
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, AttributeError):  # AttributeError: Windows (no groups)
            if self.proc.poll() is None:
                self.proc.kill()
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
