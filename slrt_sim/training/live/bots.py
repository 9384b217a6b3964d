"""Bot players: a set speed and accuracy, for tests, the load benchmark and a demonstration game.

A :class:`Bot` answers the decision offered at its desk ``minutes`` working minutes after the offer
(:meth:`slrt_sim.training.live.game.Game.run_to` stops the model at that exact time), with the
rules' answer (the key) with probability ``accuracy``, else one of the other options. Its draw for
a decision is seeded by its own ``seed`` and the decision's number: the same bot makes the same
choice for the same decision whatever else happened, and draws nothing from the model's streams.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Bot:
    """A player who answers after ``minutes`` working minutes, right with probability ``accuracy``."""

    minutes: float = 30.0
    accuracy: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.minutes > 0 or not 0.0 <= self.accuracy <= 1.0:
            raise ValueError(f"bot: minutes must be > 0 and accuracy within 0..1 (given {self.minutes}, {self.accuracy})")

    def choose(self, decision) -> str:
        rng = np.random.default_rng([int(self.seed), int(decision.id)])
        if rng.random() < self.accuracy:
            return decision.key
        wrong = [o for o in decision.options if o != decision.key]
        return wrong[int(rng.integers(len(wrong)))] if wrong else decision.key


def team(config, minutes: float = 30.0, accuracy: float = 1.0, seed: int = 0) -> dict[str, Bot]:
    """One bot per player of ``config`` (a :class:`~slrt_sim.training.live.game.GameConfig`), all alike
    but for their seeds."""
    return {p: Bot(minutes, accuracy, seed * 1000 + i) for i, p in enumerate(config.players())}
