"""A served kernel's link to the class server (:mod:`slrt_sim.server.guard`), over loopback.

* :func:`whoami` — the device that opened this kernel's page (its cookie, else its address) and
  whether it is the trainer's own machine;
* :func:`check_pin` — the trainer-PIN check, throttled by the server per device address;
* :func:`install_log` — warnings and errors of the apps (logger ``slrt_sim``) go to the server
  log, the trainer's terminal, with the page and the trainee's name (:func:`set_trainee`), and
  no longer to the kernel's output (which a trainee's browser may show).

Outside a class server (JupyterLab, the tests) there is no link: :func:`whoami` answers "this
machine", :func:`check_pin` counts failures in the session store per kernel and PIN
(:func:`slrt_sim.training.dashboard.check_pin`), and logging is left as it is.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import traceback
import urllib.error
import urllib.request

__all__ = ["ask", "whoami", "check_pin", "install_log", "set_trainee", "LOCAL"]

LOCAL = {"device": "local", "local": True, "ip": "", "page": ""}
"""What :func:`whoami` answers without a class server."""
TIMEOUT_S = 5.0
LOG_BURST = 30
"""Log records forwarded per minute at most (the rest are counted and reported with the next one)."""

_state: dict = {"trainee": "", "whoami": None}


def _endpoint() -> tuple[str, str] | None:
    kernel, port = os.environ.get("VOILA_KERNEL_ID"), os.environ.get("VOILA_APP_PORT")
    if not kernel or not port:
        return None
    base = os.environ.get("VOILA_SERVER_URL") or os.environ.get("VOILA_BASE_URL") or "/"
    base = base if base.endswith("/") else base + "/"
    host = os.environ.get("SLRT_SERVER_HOST") or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}{base}slrt/api/kernel", kernel


def ask(action: str, **data) -> dict | None:
    """The server's answer to ``action`` for this kernel, or ``None`` (no server, or it failed)."""
    end = _endpoint()
    if end is None:
        return None
    url, kernel = end
    body = json.dumps({"kernel": kernel, "action": action, **data}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            return json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def whoami() -> dict:
    """``{"device", "local", "ip", "page"}`` of this kernel's page (asked once, then remembered)."""
    if _state["whoami"] is None:
        found = ask("whoami")
        if found is None:
            return dict(LOCAL)
        _state["whoami"] = found
    return dict(_state["whoami"])


def check_pin(entered: str, store=None) -> tuple[str, float]:
    """``(verdict, wait_seconds)`` of a trainer-PIN try (see the module docstring)."""
    found = ask("pin", pin=str(entered or "")[:64])
    if found is not None:
        return str(found.get("verdict", "wrong")), float(found.get("wait", 0.0))
    from slrt_sim.training import dashboard as dash

    pin = os.environ.get(dash.PIN_ENV, "")
    scope = "kernel:" + hashlib.sha256(f"{os.getpid()}:{pin}".encode()).hexdigest()[:16]
    verdict = dash.check_pin(entered, store=store, scope=scope)
    return verdict, (dash.pin_wait(store, scope=scope) if store is not None else 0.0)


def set_trainee(name: str) -> None:
    """The trainee logged in on this kernel's page (named in the server log)."""
    _state["trainee"] = str(name or "")[:80]


class TrainerLog(logging.Handler):
    """Forwards records to the server log (at most :data:`LOG_BURST` a minute)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._window = (0.0, 0)
        self._dropped = 0

    def emit(self, record: logging.LogRecord) -> None:
        start, n = self._window
        now = time.monotonic()
        if now - start > 60:
            start, n = now, 0
        if n >= LOG_BURST:
            self._dropped += 1
            self._window = (start, n)
            return
        self._window = (start, n + 1)
        try:
            message = record.getMessage()
            if record.exc_info:
                lines = traceback.format_exception(*record.exc_info)
                message += "\n" + "".join(lines[-6:]).rstrip()
            if self._dropped:
                message += f"\n({self._dropped} earlier record(s) not forwarded)"
                self._dropped = 0
            ask("log", level="error" if record.levelno >= logging.ERROR else "warning",
                trainee=_state["trainee"], message=f"{record.name}: {message}")
        except Exception:  # noqa: BLE001 - logging must never break the page
            pass


def install_log() -> bool:
    """In a served kernel, send the ``slrt_sim`` loggers' warnings and errors to the server log
    instead of the kernel's output; returns whether it did (once per kernel)."""
    if _endpoint() is None:
        return False
    root = logging.getLogger("slrt_sim")
    if any(isinstance(h, TrainerLog) for h in root.handlers):
        return True
    root.addHandler(TrainerLog())
    root.propagate = False
    return True
