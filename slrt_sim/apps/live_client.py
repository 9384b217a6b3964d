"""The kernels' client of the live kelurahan (the class server's route ``POST /slrt/api/live``,
:mod:`slrt_sim.server.live`).

A game's clock and state live once, on the server (docs/developer.md, "Live kelurahan"); a
trainee's desk page and the trainer's projector page hold a client and call it every second or two:

* :class:`Remote` — a served kernel's client: JSON over loopback to the route, with this kernel's
  id (the route answers the server's own kernels only; ``start``/``end`` only for a kernel that
  entered the trainer's PIN);
* :class:`Local` — the same calls on a :class:`~slrt_sim.training.live.lobby.Lobby` in this
  process (the tests, and a notebook run outside a class server: one kernel plays alone).

:func:`client` picks one: the server's when the kernel is served, else an in-process lobby shared
by this kernel's pages. Every call returns the route's JSON reply as a dict or raises
:class:`LiveError` with a one-line message (a refused call, a bad answer, an unreachable server).

:class:`Poller` is the pages' one polling loop: a desk and the projector each hold one.
"""
from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

from slrt_sim.apps import _hall
from slrt_sim.i18n import t

TIMEOUT_S = 30.0
"""Seconds a call may take: the server's first call imports the model and makes the lobby (several
seconds on a loaded machine); later calls take milliseconds."""
_local: dict = {}


class LiveError(Exception):
    """A call the game refused or could not take; ``str()`` is the one-line reason."""


class _Calls:
    """The route's actions as methods (each one call)."""

    def call(self, action: str, **data) -> dict:  # pragma: no cover - overridden
        raise NotImplementedError

    def join(self, player: str, team: int, role: str, class_code: str | None = None) -> dict:
        return self.call("join", player=player, team=int(team), role=role, class_code=class_code)

    def roster(self) -> dict:
        return self.call("roster")

    def pending(self, player: str) -> dict:
        return self.call("pending", player=player)

    def answer(self, player: str, decision: int, answer: str) -> bool:
        return bool(self.call("answer", player=player, decision=int(decision), answer=answer).get("ok"))

    def household(self, player: str, hh: int) -> dict:
        return self.call("household", player=player, hh=int(hh))

    def state(self, game: str) -> dict:
        return self.call("state", game=str(game))

    def start(self, config: dict, n_teams: int | None = None, teams: list | None = None,
              class_code: str | None = None) -> list[str]:
        return list(self.call("start", config=config, n_teams=n_teams, teams=teams, class_code=class_code)["games"])

    def end(self, game: str) -> dict:
        return self.call("end", game=str(game))


class Local(_Calls):
    """The calls on ``lobby`` in this process, through the route's own dispatch (replies as JSON
    would carry them)."""

    def __init__(self, lobby=None):
        if lobby is None:
            from slrt_sim.training.live.lobby import Lobby
            lobby = Lobby()
        self.lobby = lobby

    def call(self, action: str, **data) -> dict:
        from slrt_sim.server.live import _plain, act
        try:
            reply = act(self.lobby, action, data)
        except (ValueError, KeyError, TypeError) as exc:
            raise LiveError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        return json.loads(json.dumps(reply, default=_plain))


class Remote(_Calls):
    """The calls to the class server's route, as this kernel (``endpoint``: ``(url, kernel id)``)."""

    def __init__(self, endpoint: tuple[str, str]):
        self.url, self.kernel = endpoint

    def call(self, action: str, **data) -> dict:
        body = json.dumps({"kernel": self.kernel, "action": action, **data}).encode()
        req = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            if exc.code == 400:
                try:
                    raise LiveError(str(json.loads(exc.read()).get("error", ""))) from None
                except ValueError:
                    pass
            raise LiveError(t("live.client.refused" if exc.code == 403 else "live.client.unreachable")) from None
        except (urllib.error.URLError, OSError, ValueError):
            raise LiveError(t("live.client.unreachable")) from None


def endpoint() -> tuple[str, str] | None:
    """The route's URL and this kernel's id in a served kernel, else ``None``."""
    end = _hall._endpoint()
    if end is None:
        return None
    url, kernel = end
    return url[: -len("kernel")] + "live", kernel


def client() -> _Calls:
    """The server's client in a served kernel, else this process's own lobby (one for the kernel)."""
    end = endpoint()
    if end is not None:
        return Remote(end)
    if "lobby" not in _local:
        _local["client"] = Local()
        _local["lobby"] = _local["client"].lobby
    return _local["client"]


class Poller:
    """Calls ``poll()`` every ``seconds`` in the kernel's running event loop: no thread, so the kernel
    stays free between polls and the widgets are only touched from the loop that owns them.

    A poll that raises is skipped (a busy server or a lost answer must not end a page's polling);
    :meth:`start` outside a running loop (a plain script, the tests) does nothing and returns
    ``False``, so the tests call the page's poll themselves. ``seconds`` may change between polls.
    """

    def __init__(self, poll, seconds: float):
        self.poll, self.seconds = poll, float(seconds)
        self._task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> bool:
        """Start polling (once: a second call keeps the running loop)."""
        if self.running:
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._task = loop.create_task(self._run())
        return True

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.seconds)
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - a failed poll must not end the page's polling
                pass
