"""What the class server keeps for its kernels: who each page's device is, the trainer-PIN
throttle per device, and the trainer's log.

The kernels run on the trainer's laptop but cannot see the device that opened their page (a
pre-heated kernel ran the notebook before any page took it). The server can: the page handler
sets a device cookie (``slrt_device``) and :mod:`slrt_sim.server.kernels` records the address and
the cookie of the page that took each kernel. A kernel asks over loopback
(``POST /slrt/api/kernel``, :class:`KernelApiHandler`; refused from any other machine) with its
kernel id (``VOILA_KERNEL_ID``) for:

* ``whoami`` — its device (the cookie, else the address) and whether it is the trainer's own
  machine (loopback or one of the server's own addresses);
* ``pin`` — the trainer-PIN check, throttled **per device address** (:class:`PinThrottle`);
* ``switch`` — the trainer's dashboard (a kernel that gave the right PIN) makes the front or the
  back office the class app: the server prepares its kernels
  (:meth:`slrt_sim.server.kernels.CappedManagerMixin.switch_class`);
* ``log`` — a warning or an error of the kernel's apps, written to the server log (the
  trainer's terminal) with the page, the device and the trainee's name.

Decisions (the PIN throttle):

* Failures are counted per device address, in the server's memory: a restart (which is also
  the only way to change the PIN) starts from zero.
* The trainer's own machine is never throttled, whatever other devices did.
* :data:`FREE_FAILURES` failures are free; then each try waits twice as long as the one before
  (1, 2, 4 … s, at most :data:`MAX_DELAY_S`). A failure is forgotten :data:`FORGET_SECONDS` after
  it happened, so the count expires and nothing is locked for good; a success clears the device.
* A device address is cookie-independent: clearing cookies does not reset the throttle.
"""
from __future__ import annotations

import hmac
import json
import logging
import os
import socket
import time
from collections import deque
from typing import Callable

import tornado.web

__all__ = ["PinThrottle", "KernelApiHandler", "DEVICE_COOKIE", "is_local", "local_addresses", "new_device_id", "page_device", "handlers"]

DEVICE_COOKIE = "slrt_device"
FREE_FAILURES = 5
MAX_DELAY_S = 300.0
FORGET_SECONDS = 900.0
MAX_DEVICES = 10_000
"""Devices remembered by the throttle at most (the oldest are forgotten first)."""

log = logging.getLogger("slrt_sim.hall")
LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1", "localhost"})
"""The trainer's machine seen from itself."""


def new_device_id() -> str:
    import secrets

    return secrets.token_urlsafe(12)


def local_addresses() -> set[str]:
    """This machine's own addresses (the trainer opening the class address on the laptop itself)."""
    found = set(LOOPBACK)
    try:
        import psutil

        for addrs in psutil.net_if_addrs().values():
            found.update(a.address.split("%")[0] for a in addrs
                         if a.family in (socket.AF_INET, socket.AF_INET6) and not a.address.startswith("127."))
    except Exception:  # noqa: BLE001 - psutil missing or refused: loopback only
        pass
    return found


def is_local(ip: str | None, own: set[str] | frozenset[str] = frozenset()) -> bool:
    """The trainer's own machine: ``127.0.0.1``, ``::1`` or one of its interface addresses ``own``.
    Other ``127.x`` addresses never come from a real device; the tests use them to stand for
    trainees' phones over loopback."""
    return bool(ip) and (ip in LOOPBACK or ip.split("%")[0] in own)


class PinThrottle:
    """Trainer-PIN failures per device address (see the module docstring)."""

    def __init__(self, own: set[str] | None = None, clock: Callable[[], float] = time.time):
        self.own = frozenset(own if own is not None else local_addresses())
        self.clock = clock
        self._fails: dict[str, deque] = {}
        self.trusted: set[str] = set()
        """Kernels whose page gave the right PIN (the trainer's dashboard)."""

    def _recent(self, ip: str, now: float) -> deque:
        fails = self._fails.get(ip)
        if fails is None:
            return deque()
        while fails and now - fails[0] > FORGET_SECONDS:
            fails.popleft()
        if not fails:
            del self._fails[ip]
        return fails

    def wait(self, ip: str) -> float:
        """Seconds before ``ip`` may try again (0: now)."""
        if is_local(ip, self.own):
            return 0.0
        now = self.clock()
        fails = self._recent(ip, now)
        if len(fails) < FREE_FAILURES:
            return 0.0
        delay = min(MAX_DELAY_S, 2.0 ** (len(fails) - FREE_FAILURES))
        return max(0.0, fails[-1] + delay - now)

    def check(self, ip: str, entered: str, pin: str) -> tuple[str, float]:
        """``(verdict, wait)``: ``"ok"``, ``"wrong"``, ``"wait"`` or ``"unset"`` (no PIN on the server)."""
        pin = (pin or "").strip()
        if not pin:
            return "unset", 0.0
        wait = self.wait(ip)
        if wait > 0:
            return "wait", wait
        given = "".join(str(entered or "").split())
        if hmac.compare_digest(given.encode(), pin.encode()):
            self._fails.pop(ip, None)
            return "ok", 0.0
        if not is_local(ip, self.own):
            if ip not in self._fails and len(self._fails) >= MAX_DEVICES:
                self._fails.pop(next(iter(self._fails)))
            self._fails.setdefault(ip, deque()).append(self.clock())
        return "wrong", self.wait(ip)

    def failures(self, ip: str) -> int:
        return len(self._recent(ip, self.clock()))


def page_device(handler: tornado.web.RequestHandler) -> str:
    """The device cookie of a page request, set (for a year) when missing or malformed."""
    import re

    device = handler.get_cookie(DEVICE_COOKIE) or ""
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,40}", device):
        device = new_device_id()
        handler.set_cookie(DEVICE_COOKIE, device, expires_days=365, httponly=True, samesite="Lax")
    return device


def kernel_call(handler: tornado.web.RequestHandler, throttle: PinThrottle, limit: int = 20_000) -> tuple[dict, str, str]:
    """``(body, kernel, action)`` of a kernel's JSON call to the server: from this machine only (403),
    a JSON body with ``kernel`` and ``action`` (400), a kernel of the server's (404)."""
    if not is_local(handler.request.remote_ip, throttle.own):  # kernels run on this machine
        raise tornado.web.HTTPError(403)
    try:
        body = json.loads(handler.request.body[:limit] or b"{}")
        kernel, action = str(body["kernel"]), str(body["action"])
    except (ValueError, KeyError, TypeError):
        raise tornado.web.HTTPError(400) from None
    if kernel not in getattr(handler.settings.get("kernel_manager"), "kernel_owner", {}):
        raise tornado.web.HTTPError(404)
    return body, kernel, action


class KernelApiHandler(tornado.web.RequestHandler):
    """``POST /slrt/api/kernel`` from a kernel on this machine (see the module docstring).

    Body: JSON ``{"kernel": id, "action": "whoami" | "pin" | "log", ...}``. Loopback only; the
    kernel must be one of the server's (404 otherwise)."""

    def initialize(self, throttle: PinThrottle, pin: Callable[[], str]) -> None:
        self.throttle = throttle
        self.pin = pin

    def check_xsrf_cookie(self) -> None:  # kernels have no cookie; the loopback check stands instead
        return None

    def post(self) -> None:
        body, kernel, action = kernel_call(self, self.throttle)
        km = self.settings.get("kernel_manager")
        ip, notebook = km.kernel_owner[kernel]
        device = getattr(km, "kernel_device", {}).get(kernel) or ip
        if action == "whoami":
            self._reply({"device": device, "ip": ip, "local": is_local(ip, self.throttle.own), "page": notebook})
        elif action == "pin":
            verdict, wait = self.throttle.check(ip, str(body.get("pin", ""))[:64], self.pin())
            if verdict == "ok":
                self.throttle.trusted.add(kernel)  # this page is the trainer's: it may switch the class app
            if verdict == "wrong":
                log.warning("Trainer PIN: wrong try from %s (%s), %d recent; next try in %.0f s.", ip, notebook,
                            self.throttle.failures(ip), wait)
            elif verdict == "wait":
                log.warning("Trainer PIN: try from %s (%s) refused, throttled for %.0f s more.", ip, notebook, wait)
            self._reply({"verdict": verdict, "wait": wait})
        elif action == "switch":
            if kernel not in self.throttle.trusted:
                raise tornado.web.HTTPError(403)
            target = {"fo": "roleplay_front_office.ipynb", "bo": "roleplay_back_office.ipynb",
                      "hv": "roleplay_home_visit.ipynb"}.get(str(body.get("app")))
            changed = bool(target) and km.switch_class(target)
            self._reply({"ok": bool(target), "changed": changed})
        elif action == "log":
            level = logging.ERROR if body.get("level") == "error" else logging.WARNING
            trainee = str(body.get("trainee") or "-")[:80]
            message = str(body.get("message") or "")[:4000]
            log.log(level, "[%s | %s | %s] %s", notebook, ip, trainee, message)
            self._reply({"ok": True})
        else:
            raise tornado.web.HTTPError(400)

    def _reply(self, data: dict) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))


def handlers(server_url: str, throttle: PinThrottle | None = None) -> list:
    """The server's routes for its kernels (the PIN comes from the server's environment; ``throttle``
    shared with the live kelurahan's route, which asks it who the trainer is)."""
    from jupyter_server.utils import url_path_join

    throttle = throttle if throttle is not None else PinThrottle()
    return [(url_path_join(server_url, "/slrt/api/kernel"), KernelApiHandler,
             {"throttle": throttle, "pin": lambda: os.environ.get("SLRT_TRAINER_PIN", "")})]
