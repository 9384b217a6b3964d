"""Limits one page cannot pass: messages over its kernel's websocket, and the kernel's memory.

* :class:`LimitedConnection` — the kernel websocket connection of the class server
  (``SlrtVoila.kernel_websocket_connection_class``). A page's own widgets send a few comm
  messages a second while a trainee types (``continuous_update``) and open one or two comms
  when the page connects. One connection may open at most :data:`MAX_COMM_OPENS` comms
  (widgets created from the browser side), send comm messages at :data:`RATE_PER_S` a second
  with bursts of :data:`BURST`, and no message over :data:`MAX_MESSAGE_BYTES`. What is over is
  dropped, never reaching the kernel; the server logs one line for the connection (not one
  per message); after :data:`MAX_DROPS` dropped messages the connection is closed (the page
  reconnects or reloads). Measured on main: 4,000 widget-creation messages over one
  connection grew a kernel from 55 to 400 MiB in 22 s.
* :class:`MemoryWatch` — every :attr:`~slrt_sim.server.kernels.CapPolicy.memory_interval`
  seconds the server reads the resident memory of each kernel whose page is connected; one
  above its budget
  (:attr:`~slrt_sim.server.kernels.CapPolicy.memory_budget_mib`, heavier for the trainer tools)
  is shut down with a warning in the server log. Its page says so in Indonesian and reloads
  (:func:`slrt_sim.server.pages.live_script`); the trainee's work is in the session store
  (saved at every change) and comes back at login.
"""
from __future__ import annotations

import json
import logging
import time

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

__all__ = ["LimitedConnection", "MemoryWatch", "MAX_COMM_OPENS", "RATE_PER_S", "BURST", "MAX_DROPS"]

MAX_COMM_OPENS = 20
RATE_PER_S = 20.0
BURST = 200.0
MAX_MESSAGE_BYTES = 256_000
MAX_DROPS = 2000

log = logging.getLogger("slrt_sim.hall")


def _msg_type(raw) -> str | None:
    """The ``msg_type`` of a websocket message from a page (JSON or the v1 binary protocol)."""
    try:
        if isinstance(raw, bytes):
            n = int.from_bytes(raw[:8], "little")
            offsets = [int.from_bytes(raw[8 * (i + 1): 8 * (i + 2)], "little") for i in range(n)]
            return json.loads(raw[offsets[1]:offsets[2]].decode("utf-8")).get("msg_type")
        return json.loads(raw).get("header", {}).get("msg_type")
    except Exception:  # noqa: BLE001 - malformed: the base class refuses it
        return None


def _retrieve(fut) -> None:
    """Take a finished write's outcome (a page closed meanwhile is not an error)."""
    if not fut.cancelled():
        fut.exception()


class LimitedConnection(ZMQChannelsWebsocketConnection):
    """A kernel websocket connection with a budget of messages (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._opens = 0
        self._tokens = BURST
        self._at = time.monotonic()
        self._dropped = 0

    @property
    def write_message(self):
        """The websocket's write, with the failure of a write to a page that has just closed
        retrieved: tornado would print "Task exception was never retrieved" and two tracebacks
        in the trainer's terminal for every message still on its way to a closed page."""
        write = self.websocket_handler.write_message

        def write_quietly(message, binary=False):
            fut = write(message, binary=binary)  # a page already closed raises here: the caller logs one line
            fut.add_done_callback(_retrieve)
            return fut

        return write_quietly

    def _allow(self, raw) -> bool:
        if len(raw) > MAX_MESSAGE_BYTES:
            return False
        kind = _msg_type(raw)
        if kind == "comm_open":
            self._opens += 1
            if self._opens > MAX_COMM_OPENS:
                return False
        if kind in ("comm_open", "comm_msg", "comm_close", "comm_info_request"):
            now = time.monotonic()
            self._tokens = min(BURST, self._tokens + (now - self._at) * RATE_PER_S)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
        return True

    def handle_incoming_message(self, incoming_msg) -> None:
        if self._allow(incoming_msg):
            return super().handle_incoming_message(incoming_msg)
        self._dropped += 1
        if self._dropped == 1:
            log.warning("Kernel %s: a page from %s sends too many widget messages; the excess is dropped.",
                        self.kernel_id, self._remote())
        if self._dropped == MAX_DROPS:
            log.warning("Kernel %s: %d messages dropped from %s; its connection is closed.", self.kernel_id,
                        self._dropped, self._remote())
            try:
                self.websocket_handler.close()
            except Exception:  # noqa: BLE001 - already closing
                pass

    def _remote(self) -> str:
        try:
            return self.websocket_handler.request.remote_ip
        except Exception:  # noqa: BLE001
            return "?"


class MemoryWatch:
    """Stops kernels above their memory budget (see the module docstring); driven by a
    ``tornado.ioloop.PeriodicCallback`` the kernel manager starts with its first kernel."""

    def __init__(self, manager, budget_mib: float, heavy_budget_mib: float, heavy: tuple[str, ...]):
        self.manager = manager
        self.budget_mib, self.heavy_budget_mib, self.heavy = budget_mib, heavy_budget_mib, heavy

    def budget(self, kernel_id: str) -> float:
        notebook = self.manager.kernel_owner.get(kernel_id, ("", ""))[1]
        return self.heavy_budget_mib if notebook in self.heavy else self.budget_mib

    @staticmethod
    def resident_mib(kernel) -> float | None:
        """Resident memory of a kernel process (MiB), or ``None`` when it cannot be read."""
        import psutil

        pid = getattr(getattr(kernel, "provisioner", None), "pid", None)
        if pid is None:
            proc = getattr(getattr(kernel, "provisioner", None), "process", None)
            pid = getattr(proc, "pid", None)
        if pid is None:
            return None
        try:
            return psutil.Process(pid).memory_info().rss / 2 ** 20
        except psutil.Error:
            return None

    async def check(self) -> list[str]:
        """Shut down the kernels over budget; returns their ids."""
        over = []
        for kernel_id, kernel in list(self.manager._kernels.items()):
            if kernel_id not in self.manager.kernel_owner or not self.manager._kernel_connections.get(kernel_id):
                continue  # a pool kernel, or a page still being rendered: no trainee on it yet
            rss = self.resident_mib(kernel)
            if rss is None or rss <= self.budget(kernel_id):
                continue
            ip, notebook = self.manager.kernel_owner[kernel_id]
            log.warning("Kernel %s of %s (%s) uses %.0f MiB, over its budget of %.0f MiB: stopped; the page "
                        "reloads and the trainee's saved work comes back.", kernel_id, notebook, ip, rss,
                        self.budget(kernel_id))
            over.append(kernel_id)
            try:
                await self.manager.shutdown_kernel(kernel_id, now=True)
            except Exception:  # noqa: BLE001 - gone meanwhile
                pass
        return over
