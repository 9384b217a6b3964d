"""The class server's live kelurahan: one :class:`~slrt_sim.training.live.lobby.Lobby` per server,
reached by the kernels over loopback (``POST /slrt/api/live``, :class:`LiveApiHandler`).

A game's clock and state live here, once (docs/developer.md, "Live kelurahan"); a trainee's page
(its kernel) asks for its player's pending decisions and sends answers, the projector's page asks
for its game's state, the trainer's dashboard (a kernel that gave the trainer's PIN: the guard's
``trusted`` kernels) starts and ends the class's games. Body: JSON ``{"kernel": id, "action": ...}``:

* ``join`` ``{player, team, role, class_code?}`` -> the player's chosen desk before the start (the
  roster; the class the player logged in to keeps the game's debrief);
  ``roster`` -> ``{"roster": {player: [team, role]}, "games": {id: [players]}}``;
* ``pending`` ``{player}`` -> ``{"game": id | null, "pending": [...]}``;
* ``answer`` ``{player, decision, answer}`` -> ``{"ok": bool}`` (``ok`` false: the rules answered);
* ``household`` ``{player, hh}`` -> what the player's desk sees of a household;
* ``state`` ``{game}`` -> the projector's state;
* ``start`` (trainer) ``{config: {...GameConfig fields}, teams: [[[role, player|null], ...], ...]}``,
  or ``{config, n_teams}`` for ``n_teams`` teams from the roster (:meth:`Lobby.teams`), and
  optionally ``class_code`` (the class whose results keep the debriefs; else the players')
  -> ``{"games": [ids]}``; ``end`` (trainer) ``{game}`` -> the debrief.

Loopback only, and only from one of the server's kernels (as ``/slrt/api/kernel``); a bad request
(unknown action, a wrong setting, an answer not among the options) is a 400 with a one-line
``error``. The lobby's clock is the server's (``time.monotonic``); each call advances the games.
The model is imported at the first call, not when the server starts (the server stays light).
"""
from __future__ import annotations

import json
from typing import Any

import tornado.web

from slrt_sim.server.guard import PinThrottle, kernel_call

TRAINER_ACTIONS = ("start", "end")


def _plain(x: Any) -> Any:
    """JSON for numpy scalars, dates and the rest (as text)."""
    if hasattr(x, "item"):
        return x.item()
    return str(x)


class LiveApiHandler(tornado.web.RequestHandler):
    """``POST /slrt/api/live`` (see the module docstring)."""

    def initialize(self, holder: dict, throttle: PinThrottle) -> None:
        self.holder, self.throttle = holder, throttle

    @property
    def lobby(self):
        if "lobby" not in self.holder:
            from slrt_sim.training.live.lobby import Lobby
            from slrt_sim.training.store import SessionStore
            self.holder["lobby"] = Lobby(store=SessionStore)  # the debriefs go with the class's results
        return self.holder["lobby"]

    def check_xsrf_cookie(self) -> None:  # kernels have no cookie; the loopback check stands instead
        return None

    def post(self) -> None:
        body, kernel, action = kernel_call(self, self.throttle, limit=200_000)
        if action in TRAINER_ACTIONS and kernel not in self.throttle.trusted:
            raise tornado.web.HTTPError(403)
        try:
            reply = act(self.lobby, action, body)
        except (ValueError, KeyError, TypeError) as exc:
            self.set_status(400)
            reply = {"error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(reply, default=_plain))


def act(lobby, action: str, body: dict) -> dict:
    """The reply to one call on ``lobby`` (the route's work; also the in-process client's,
    :class:`slrt_sim.apps.live_client.Local`). ``ValueError``/``KeyError``/``TypeError`` for a bad one."""
    if action == "pending":
        player = str(body["player"])
        return {"game": lobby.game_of(player), "pending": lobby.pending(player)}
    if action == "answer":
        return {"ok": lobby.answer(str(body["player"]), int(body["decision"]), str(body["answer"]))}
    if action == "join":
        return lobby.join(str(body["player"]), int(body["team"]), str(body["role"]), body.get("class_code") or None)
    if action == "roster":
        return {"roster": {p: list(v) for p, v in lobby.roster.items()},
                "games": {g: game.config.players() for g, game in lobby.games.items() if not game.ended}}
    if action == "household":
        return lobby.household(str(body["player"]), int(body["hh"]))
    if action == "state":
        return lobby.state(str(body["game"]))
    if action == "start":
        from slrt_sim.training.live.game import GameConfig
        config = GameConfig(**{k: v for k, v in dict(body.get("config") or {}).items() if k != "desks"})
        if body.get("teams") is None:  # from the roster (the trainees' own choices): n_teams teams
            teams = lobby.teams(int(body.get("n_teams") or 1))
        else:
            teams = [[(str(r), None if p is None else str(p)) for r, p in team] for team in body["teams"]]
        return {"games": lobby.start_class(config, teams, class_code=body.get("class_code") or None)}
    if action == "end":
        return lobby.end(str(body["game"]))
    raise ValueError(f"action {action!r} is not one of join, roster, pending, answer, household, state, start, end")


def handlers(server_url: str, throttle: PinThrottle, lobby=None) -> list:
    """The live kelurahan's route, sharing the guard's throttle (who is the trainer); ``lobby`` (a
    :class:`~slrt_sim.training.live.lobby.Lobby`) for tests, else made at the first call."""
    from jupyter_server.utils import url_path_join

    holder = {} if lobby is None else {"lobby": lobby}
    return [(url_path_join(server_url, "/slrt/api/live"), LiveApiHandler, {"holder": holder, "throttle": throttle})]
