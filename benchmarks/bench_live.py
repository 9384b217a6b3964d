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
    return {"games": n_games, "players": len(players), "minutes": minutes, "actions": len(latencies),
            "answered": answered, "start_s": start,
            "latency_p50_s": statistics.median(latencies) if latencies else float("nan"),
            "latency_p95_s": _pct(latencies, 0.95), "tick_p95_s": _pct(ticks, 0.95), "tick_max_s": max(ticks),
            "load": total / (minutes * 60), "sim_day": games[0].now,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    print(json.dumps(run(ap.parse_args().quick), indent=1))
