"""Benchmark skeleton of the live kelurahan in one process: 10 games of 7 players.

The load target (issue "Live kelurahan"): 70 players in 10 games, each acting every 20 s for 10
minutes, on the 2-core machine; from a player's action to the projector <= 2 s at the 95th
percentile. This skeleton measures the engine's share of it, in one process, without the server
or pages: 10 :class:`slrt_sim.training.live.game.Game` (the training kelurahan, one working day a
minute, desks FO x2, BO x2, manager, fasilitator, supervisor), a fake wall clock stepped one second
at a time (as a server's loop would tick), every game advanced each second, and each player acting
every 20 wall seconds (staggered): their pending decision read and answered at 80% accuracy, then
the projector's state computed.

* ``latency_p50_s`` / ``latency_p95_s`` — wall time from the answer call to the projector's state
  showing it (answer + advance + state), per action;
* ``tick_p95_s`` / ``tick_max_s`` — wall time of one second's work for all games (advance and every
  action of that second): below 1 s the engine keeps real time;
* ``load`` — the engine's total wall time over the simulated wall time (the share of one core);
* ``start_s`` — making the 10 games (the class population once, then each model);
* ``rss_mb`` — the process's peak resident memory.

The same class through the class server's route (``http_*``): the route
(:mod:`slrt_sim.server.live`) served by tornado on 127.0.0.1 in a thread of this process, the
trainer's ``start`` call, then each second every game's projector state (``state``) and each
player's action as two calls (``pending``, ``answer``) followed by their game's ``state``:

* ``http_latency_p50_s`` / ``http_latency_p95_s`` — from the ``answer`` call to its game's state
  returned over HTTP;
* ``http_second_p95_s`` — wall time of one simulated second's calls (10 projectors and the actions).

``python benchmarks/bench_live.py [--quick]`` (quick: 2 games for 2 minutes).
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import benchmarks  # noqa: E402,F401  (one BLAS/OpenMP thread, before numpy)

DESKS = ("fo", "fo", "bo", "bo", "manager", "fasilitator", "supervisor")


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def run(quick: bool = False) -> dict:
    from slrt_sim.training.live.bots import Bot
    from slrt_sim.training.live.game import Game, GameConfig

    n_games, minutes, every = (2, 2, 20) if quick else (10, 10, 20)
    wall = [0.0]

    def clock() -> float:
        return wall[0]

    t0 = time.perf_counter()
    games = []
    for g in range(n_games):
        desks = tuple((role, f"g{g}p{i}") for i, role in enumerate(DESKS))
        games.append(Game(GameConfig(seed=2018, desks=desks, seconds_per_day=60.0), clock=clock))
    start = time.perf_counter() - t0
    players = [(game, p, Bot(accuracy=0.8, seed=k)) for game in games for k, p in enumerate(game.config.players())]
    latencies, ticks, answered = [], [], 0
    for second in range(minutes * 60):
        wall[0] = float(second)
        t_tick = time.perf_counter()
        for game in games:
            game.advance()
        for k, (game, player, bot) in enumerate(players):
            if (second + k) % every:
                continue
            mine = game.pending(player)
            if not mine:
                continue
            d = game.desks.decisions[mine[0]["id"]]
            t_act = time.perf_counter()
            ok = game.answer(player, d.id, bot.choose(d))
            game.state()
            latencies.append(time.perf_counter() - t_act)
            answered += ok
        ticks.append(time.perf_counter() - t_tick)
    total = sum(ticks)
    http = run_http(n_games, minutes, every)
    return {**http, "games": n_games, "players": len(players), "minutes": minutes, "actions": len(latencies),
            "answered": answered, "start_s": start,
            "latency_p50_s": statistics.median(latencies) if latencies else float("nan"),
            "latency_p95_s": _pct(latencies, 0.95), "tick_p95_s": _pct(ticks, 0.95), "tick_max_s": max(ticks),
            "load": total / (minutes * 60), "sim_day": games[0].now,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _serve(app, ready, box) -> None:
    import asyncio

    import tornado.ioloop
    from tornado.netutil import bind_sockets

    asyncio.set_event_loop(asyncio.new_event_loop())
    from tornado.httpserver import HTTPServer

    sockets = bind_sockets(0, "127.0.0.1")  # a free port, loopback only
    server = HTTPServer(app)
    server.add_sockets(sockets)
    box["port"], box["loop"] = sockets[0].getsockname()[1], tornado.ioloop.IOLoop.current()
    ready.set()
    box["loop"].start()


def run_http(n_games: int, minutes: int, every: int) -> dict:
    """The class through the server's route (see the module docstring)."""
    import http.client
    import threading
    import types

    import tornado.web

    from slrt_sim.server import live
    from slrt_sim.server.guard import PinThrottle
    from slrt_sim.training.live.bots import Bot
    from slrt_sim.training.live.lobby import Lobby

    wall = [0.0]
    lobby = Lobby(lambda: wall[0])
    throttle = PinThrottle(own=set())
    throttle.trusted.add("bench")
    km = types.SimpleNamespace(kernel_owner={"bench": ("127.0.0.1", "bench")})
    app = tornado.web.Application(live.handlers("/", throttle, lobby), kernel_manager=km)
    ready, box = threading.Event(), {}
    threading.Thread(target=_serve, args=(app, ready, box), daemon=True).start()
    ready.wait(10)
    conn = http.client.HTTPConnection("127.0.0.1", box["port"], timeout=30)

    def call(action: str, **data) -> dict:
        conn.request("POST", "/slrt/api/live", json.dumps({"kernel": "bench", "action": action, **data}),
                     {"Content-Type": "application/json"})
        return json.loads(conn.getresponse().read())

    teams = [[[role, f"h{g}p{i}"] for i, role in enumerate(DESKS)] for g in range(n_games)]
    t0 = time.perf_counter()
    games = call("start", config={"seed": 2018, "seconds_per_day": 60.0}, teams=teams)["games"]
    start = time.perf_counter() - t0
    players = [(gid, p, Bot(accuracy=0.8, seed=k)) for gid, team in zip(games, teams) for k, (_, p) in enumerate(team)]
    latencies, seconds = [], []
    for second in range(minutes * 60):
        wall[0] = float(second)
        t_second = time.perf_counter()
        for gid in games:
            call("state", game=gid)
        for k, (gid, player, bot) in enumerate(players):
            if (second + k) % every:
                continue
            mine = call("pending", player=player)["pending"]
            if not mine:
                continue
            d = types.SimpleNamespace(id=mine[0]["id"], options=mine[0]["options"], key=mine[0]["options"][0])
            t_act = time.perf_counter()
            call("answer", player=player, decision=d.id, answer=bot.choose(d))
            call("state", game=gid)
            latencies.append(time.perf_counter() - t_act)
        seconds.append(time.perf_counter() - t_second)
    conn.close()
    box["loop"].add_callback(box["loop"].stop)
    return {"http_start_s": start, "http_actions": len(latencies),
            "http_latency_p50_s": statistics.median(latencies) if latencies else float("nan"),
            "http_latency_p95_s": _pct(latencies, 0.95), "http_second_p95_s": _pct(seconds, 0.95)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    print(json.dumps(run(ap.parse_args().quick), indent=1))
