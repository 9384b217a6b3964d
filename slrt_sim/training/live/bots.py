"""Bot players: a set speed and accuracy, for tests, the load benchmark and a demonstration game.

A :class:`Bot` answers the decision offered at its desk ``minutes`` working minutes after the offer
(:meth:`slrt_sim.training.live.game.Game.run_to` stops the model at that exact time), with the
rules' answer (the key) with probability ``accuracy``, else one of the other options. Its draw for
a decision is seeded by its own ``seed`` and the decision's number: the same bot makes the same
choice for the same decision whatever else happened, and draws nothing from the model's streams.

At a home visit's form (``decision.form == "indicators"``) a bot records the household's true
indicators with probability ``accuracy``; otherwise it makes one of the mistakes a fasilitator
makes (:data:`MISTAKES`, :func:`mistaken`): careless (a member left out, an asset not seen, the
floor taken for the next kind) or biased (the household made poorer: its assets and work left out,
as a neighbour or the household asks; or richer: "jangan pilih-pilih" turned round).
Whom to visit (``choose_visit``) is chosen like any other decision: the first household offered
(the key) with probability ``accuracy``, else another.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from slrt_sim.domain import welfare as Wf

MISTAKES = ("member_left_out", "asset_missed", "floor_misread", "poorer", "richer")
"""The recording mistakes a bot makes (careless: the first three; biased: the last two)."""


def mistaken(truth: Wf.Indicators, mistake: str) -> Wf.Indicators:
    """``truth`` recorded with ``mistake`` (:data:`MISTAKES`); where the household gives no room for
    it (no asset to miss, a single member, already as poor as it can be recorded) the next mistake
    of :data:`MISTAKES` that changes the recording is made instead."""
    i = MISTAKES.index(mistake)
    for m in MISTAKES[i:] + MISTAKES[:i]:
        out = _mistake(truth, m)
        if out != truth:
            return out
    return truth


def _mistake(truth: Wf.Indicators, mistake: str) -> Wf.Indicators:
    floors = tuple(Wf.FLOOR_POINTS)
    if mistake == "member_left_out" and truth.size > 1:
        return replace(truth, size=truth.size - 1)
    if mistake == "asset_missed" and truth.assets:
        return replace(truth, assets=truth.assets - {sorted(truth.assets, key=Wf.ASSETS.index)[0]})
    if mistake == "floor_misread":
        return replace(truth, floor=floors[(floors.index(truth.floor) + 1) % len(floors)])
    if mistake == "richer":
        return replace(truth, floor="keramik", assets=truth.assets | {"motorbike"}, work="steady")
    return replace(truth, assets=frozenset(), work="none")


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
        if getattr(decision, "form", "") == "indicators":
            return Wf.encode(mistaken(Wf.decode(decision.key), MISTAKES[int(rng.integers(len(MISTAKES)))]))
        wrong = [o for o in decision.options if o != decision.key]
        return wrong[int(rng.integers(len(wrong)))] if wrong else decision.key


def team(config, minutes: float = 30.0, accuracy: float = 1.0, seed: int = 0) -> dict[str, Bot]:
    """One bot per player of ``config`` (a :class:`~slrt_sim.training.live.game.GameConfig`), all alike
    but for their seeds."""
    return {p: Bot(minutes, accuracy, seed * 1000 + i) for i, p in enumerate(config.players())}
