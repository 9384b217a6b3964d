"""A class's live games in the server's process: one :class:`Lobby` holds every team's game.

The class server (next to its pages) keeps one :class:`Lobby`; the trainer starts the class's games
(:meth:`Lobby.start_class`: one :class:`~slrt_sim.training.live.game.Game` per team, the same
kelurahan, seed and speed for all), each trainee's page finds their game by their name
(:meth:`Lobby.pending`, :meth:`Lobby.answer`), the projector reads one game's state
(:meth:`Lobby.state`), a loop (or each call) advances the games (:meth:`Lobby.tick`), and the
trainer ends them (:meth:`Lobby.end`: the debrief of each).

The server's threads share the lobby: every call holds the lobby's lock (a game's SimPy run is
not thread-safe; a tick of 10 games costs about a millisecond, see ``benchmarks/bench_live.py``).
A player's name is unique in the class (the hall's names), so it names one desk in one game.
"""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Callable, Sequence

from slrt_sim.training.live.debrief import debrief
from slrt_sim.training.live.game import Game, GameConfig


class Lobby:
    """The class's live games by id (``<team>``, 1-based), with the lock the server's threads share."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.games: dict[str, Game] = {}
        self._players: dict[str, str] = {}
        self._lock = threading.RLock()

    def start_class(self, config: GameConfig, teams: Sequence[Sequence[tuple[str, str | None]]],
                    bots: dict | None = None) -> list[str]:
        """One game per team (its desks: ``(role, player)`` pairs), all on ``config``'s kelurahan,
        seed and speed. Returns the games' ids. A player already in a running game is refused
        (``ValueError``)."""
        with self._lock:
            names = [p for desks in teams for _, p in desks if p]
            taken = sorted({p for p in names if p in self._players} | {p for p in names if names.count(p) > 1})
            if taken:
                raise ValueError(f"teams: players named twice or already playing: {', '.join(taken)}")
            ids = []
            for desks in teams:
                gid = str(len(self.games) + 1)
                cfg = replace(config, desks=tuple(desks))
                mine = {p: b for p, b in (bots or {}).items() if p in cfg.players()}
                first = next(iter(self.games.values()), None)
                self.games[gid] = Game(cfg, clock=self.clock, bots=mine,
                                       population=first.population if first is not None else None)
                for p in cfg.players():
                    self._players[p] = gid
                ids.append(gid)
            return ids

    def game_of(self, player: str) -> str | None:
        """The id of ``player``'s game, ``None`` if they play in none."""
        return self._players.get(player)

    def tick(self) -> None:
        """Advance every running game to the wall clock's time."""
        with self._lock:
            for g in self.games.values():
                g.advance()

    def pending(self, player: str) -> list[dict]:
        with self._lock:
            gid = self._players.get(player)
            return self.games[gid].pending(player) if gid else []

    def answer(self, player: str, decision: int, answer: str) -> bool:
        with self._lock:
            gid = self._players.get(player)
            return self.games[gid].answer(player, decision, answer) if gid else False

    def household(self, player: str, hh: int) -> dict:
        """What ``player``'s desk sees of household ``hh`` (``ValueError`` if they play in no game)."""
        with self._lock:
            gid = self._players.get(player)
            if gid is None:
                raise ValueError(f"player {player!r} is in no game")
            return self.games[gid].household(hh)

    def state(self, gid: str) -> dict:
        with self._lock:
            return self.games[gid].state()

    def end(self, gid: str) -> dict:
        """End game ``gid`` where its clock stands (at most its horizon) and return its debrief; its
        players are free."""
        with self._lock:
            g = self.games[gid]
            g.end(at=g.advance())
            for p in g.config.players():
                self._players.pop(p, None)
            return debrief(g)
