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

The debrief is kept with the class's results: with a ``store`` (a
:class:`~slrt_sim.training.store.SessionStore`, or a function making one at the first save: the
class server's), :meth:`Lobby.end` saves each game's debrief under its class
(:meth:`~slrt_sim.training.store.SessionStore.save_debrief`), where the trainer's dashboard
shows and exports it per team and per player. A game's class is the one the trainer named at the
start (``class_code``), else the class its players logged in to (their desk pages send it with
:meth:`Lobby.join`; else the names' claims, :meth:`~slrt_sim.training.store.SessionStore.class_of`:
the desks' login is the role plays' one); a game whose class is unknown, or a store that refuses, ends with its debrief all the
same (logged).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import Callable, Sequence

from slrt_sim.training.live.debrief import debrief
from slrt_sim.training.live.game import Game, GameConfig

log = logging.getLogger("slrt_sim.live")


class Lobby:
    """The class's live games by id (``<team>``, 1-based), with the lock the server's threads share."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, store=None):
        self.clock = clock
        self._store = store
        self.games: dict[str, Game] = {}
        self.classes: dict[str, str] = {}
        """A game's class code, when the trainer named it at the start."""
        self._saved: set[str] = set()
        self.player_class: dict[str, str] = {}
        """The class each player logged in to, as their desk page said at :meth:`join`."""
        self._players: dict[str, str] = {}
        self.roster: dict[str, tuple[int, str]] = {}
        """Players who chose a team and a desk before the start (:meth:`join`): name -> (team, role)."""
        self._lock = threading.RLock()

    def join(self, player: str, team: int, role: str, class_code: str | None = None) -> dict:
        """``player`` sits at ``role``'s desk of team ``team`` (1-based) when the trainer starts the
        class from the roster (:meth:`teams`); choosing again changes the seat. A player already in a
        running game keeps it. Returns ``{"game", "team", "role"}``."""
        from slrt_sim.model.desks import ROLES
        if role not in ROLES or int(team) < 1:
            raise ValueError(f"join: desk {role!r} of team {team!r}: expected one of {', '.join(ROLES)} and a team >= 1")
        with self._lock:
            if class_code:
                self.player_class[player] = str(class_code)
            if player not in self._players:
                self.roster[player] = (int(team), role)
            team_, role_ = self.roster.get(player, (int(team), role))
            return {"game": self._players.get(player), "team": team_, "role": role_}

    def teams(self, n: int) -> list[list[tuple[str, str | None]]]:
        """``n`` teams' desks from the roster: every role once at least (``None``: played by the
        rules), a role twice where two players chose it; players of a team beyond ``n`` are left out, and
        so is a team nobody chose (no game played by the rules alone: a late joiner's start makes only
        the late joiners' games)."""
        from slrt_sim.model.desks import ROLES
        with self._lock:
            out = []
            for team in range(1, int(n) + 1):
                desks: list[tuple[str, str | None]] = []
                for role in ROLES:
                    names = sorted(p for p, (tm, r) in self.roster.items() if tm == team and r == role)
                    desks += [(role, p) for p in names] or [(role, None)]
                if any(p for _, p in desks):
                    out.append(desks)
            return out

    def start_class(self, config: GameConfig, teams: Sequence[Sequence[tuple[str, str | None]]],
                    bots: dict | None = None, class_code: str | None = None) -> list[str]:
        """One game per team (its desks: ``(role, player)`` pairs), all on ``config``'s kelurahan,
        seed and speed, of class ``class_code`` if given (else the players' class, at the end).
        Returns the games' ids. A player already in a running game is refused (``ValueError``)."""
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
                if class_code:
                    self.classes[gid] = str(class_code)
                for p in cfg.players():
                    self._players[p] = gid
                    self.roster.pop(p, None)
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
            db = debrief(g)
            if gid not in self._saved:  # a game ended again (a reloaded projector page) is kept once
                self._saved.add(gid)
                self._save(gid, g, db)
            return db

    def _players_class(self, game: Game) -> str | None:
        """The class most of the game's players logged in to (their desk pages' :meth:`join`)."""
        codes = [self.player_class[p] for p in game.config.players() if p in self.player_class]
        return max(sorted(set(codes)), key=codes.count) if codes else None

    def _save(self, gid: str, game: Game, db: dict) -> str | None:
        """Keep ``db`` with its class's results (see the module docstring); the class code, or ``None``."""
        if self._store is None:
            return None
        try:
            if isinstance(self._store, type) or not hasattr(self._store, "save_debrief"):
                self._store = self._store()
            code = self.classes.get(gid) or self._players_class(game) or self._store.class_of(game.config.players())
            if code is None:
                log.warning("live game %s: no class for players %s; debrief not saved", gid, game.config.players())
                return None
            self._store.save_debrief(code, gid, db)
            return code
        except Exception:  # noqa: BLE001 - the debrief is shown all the same
            log.exception("live game %s: debrief not saved", gid)
            return None
