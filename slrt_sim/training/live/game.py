"""One live kelurahan: a team staffs the model's desks while it runs, in accelerated time.

:class:`Game` owns one SimPy run of the kit's own model (:class:`slrt_sim.model.flow.Model`) and its
desks (:class:`slrt_sim.model.desks.LiveDesks`), the background's decision policy. It is meant to
live once, on the server (docs/developer.md, "Live kelurahan"); trainees' pages call
:meth:`Game.pending` and :meth:`Game.answer`, the projector :meth:`Game.state`.

The clock. ``clock`` is a function returning wall seconds (``time.monotonic`` by default, a fake
clock in tests). The game runs through office hours only: ``seconds_per_day`` wall seconds are one
working day (:meth:`slrt_sim.domain.calendar.WorkCalendar.advance`), so nobody waits through a
simulated night. Each call (:meth:`advance`, and every other public call first) runs the model
with :func:`slrt_sim.model.engine.run_until` to the time the clock says.

Decisions taken here, for a game:

* the kelurahan plays ``warmup_days`` by the rules before the desks open (queues, quotas and the
  DTKS are in motion when the class starts), then ``days`` calendar days live;
* the kelurahan is busier than the real one: needs arise ``busy`` times as often (default 10; the
  training kelurahan then asks some 3 questions a working day at the FO, 4 at the BO, 2 at the
  manager, fewer of the fasilitator and the supervisor; ``busy=20`` doubles that);
* at a verval home visit the fasilitator desk records the household's welfare indicators
  (:mod:`slrt_sim.domain.welfare`; :meth:`Game.visit_view` is what the visitor sees: the house, the
  land, the head's work, the members and the assets; at half of the visits something untrue is said,
  as in the home-visit practice: an asset or the work denied, more members claimed, a neighbour's
  "don't record them" or the RT's "record them poor"; what is seen and the papers always tell the
  truth, the key is the truth). A household's assets, which the population
  does not have, are drawn from a stream of the game's seed and the household's number
  (:func:`slrt_sim.domain.welfare.draw_assets`): the same in every game and replay of the seed, and
  nothing drawn from the model's streams;
* every answer (a player's or a bot's) is applied at a step boundary and written in
  :attr:`Game.answers` with its simulated time: :meth:`Game.replay` plays the same answers at the
  same times and gives the same event log. Bots (:mod:`slrt_sim.training.live.bots`) answer at
  exact times (``minutes`` after the offer), whatever the wall clock's steps.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping

import numpy as np

from slrt_sim.domain import welfare as Wf
from slrt_sim.domain.scenario import load_scenario
from slrt_sim.model.desks import ROLES, LiveDesks, Seat
from slrt_sim.model.engine import run_until
from slrt_sim.model.flow import Model
from slrt_sim.paths import TRAINING_SCENARIO

CLAIM_SHARE = 0.5
"""Share of home visits at which something untrue is said (a claim the recording must not take)."""


@dataclass(frozen=True)
class GameConfig:
    """What the trainer chooses when a game starts.

    ``desks``: ``(role, player)`` pairs, ``player`` ``None`` for a desk nobody takes (played by the
    rules); a role with no desk at all is one such desk. ``seconds_per_day``: wall seconds per
    working day (60-180 in class: a 30-day game in about 20 minutes at 60). ``answer_minutes``:
    working minutes a player has for a decision before the rules take it; the fasilitator's decisions
    (whom to visit, the home visit's seven-field form) get at least ``form_seconds`` wall seconds
    (:meth:`slrt_sim.model.desks.LiveDesks.answer_limit`): at 40 s a day, 120 working minutes are
    10 s, enough to press a button but not to read a visit and record it on a phone."""

    seed: int = 2018
    scenario: str = str(TRAINING_SCENARIO)
    days: float = 30.0
    warmup_days: float = 28.0
    seconds_per_day: float = 60.0
    busy: float = 10.0
    desks: tuple[tuple[str, str | None], ...] = tuple((r, None) for r in ROLES)
    answer_minutes: float = 120.0
    rules_minutes: float = 60.0
    sample_every: int = 3
    form_seconds: float = 60.0

    def __post_init__(self) -> None:
        from slrt_sim.i18n import t
        for name in ("days", "seconds_per_day", "answer_minutes", "rules_minutes", "busy", "form_seconds"):
            if not float(getattr(self, name)) > 0:
                raise ValueError(t("live.err.positive", field=name, value=getattr(self, name)))
        if float(self.warmup_days) < 0 or int(self.sample_every) < 1:
            raise ValueError(t("live.err.positive", field="warmup_days" if float(self.warmup_days) < 0
                               else "sample_every", value=self.warmup_days if float(self.warmup_days) < 0
                               else self.sample_every))
        for role, _ in self.desks:
            if role not in ROLES:
                raise ValueError(t("live.err.role", role=role, roles=", ".join(ROLES)))

    def players(self) -> list[str]:
        return [p for _, p in self.desks if p]

    def by_rules(self) -> "GameConfig":
        """The same game with every desk played by the rules (the debrief's reference)."""
        return replace(self, desks=tuple((r, None) for r, _ in self.desks))


def _population(config: GameConfig, scenario):
    """The training kelurahan's class population for the seed (the role plays' households), else the
    scenario's population for the seed."""
    seed = config.seed
    if Path(config.scenario).resolve() == Path(TRAINING_SCENARIO).resolve():
        from slrt_sim.training.core import training_population
        return training_population(seed)
    from slrt_sim.domain.population import generate_population
    return generate_population(scenario, seed, persons=True)


def game_scenario(config: GameConfig):
    """The game's scenario: the chosen one, ``busy`` times busier, to the game's end."""
    base = load_scenario(config.scenario)
    return load_scenario(config.scenario, {
        "horizon_days": float(config.warmup_days + config.days), "warmup_days": float(config.warmup_days),
        "needs.incidence_poor": base.needs.incidence_poor * config.busy,
        "needs.incidence_nonpoor": base.needs.incidence_nonpoor * config.busy})


class Game:
    """One team's live kelurahan (see the module docstring)."""

    def __init__(self, config: GameConfig, clock: Callable[[], float] = time.monotonic,
                 bots: Mapping[str, object] | None = None, population=None):
        self.config, self.clock, self.bots = config, clock, dict(bots or {})
        self.scenario = s = game_scenario(config)
        self.population = population if population is not None else _population(config, s)
        self.model = m = Model(s, self.population, 0)
        self.cal = m.cal
        seats, count = [], {}
        for role, player in config.desks:
            count[role] = count.get(role, 0) + 1
            seats.append(Seat(f"{role}{count[role]}", role, player))
        visit = self.visit_view if {"floor", "wall", "roof", "occupation"} <= set(self.population.households.columns) \
            else None
        self.desks = LiveDesks(m.pathway, m.cal, seats, start=config.warmup_days, answer_minutes=config.answer_minutes,
                               rules_minutes=config.rules_minutes, sample_every=config.sample_every, visit=visit,
                               visit_minutes=float(getattr(s.service.home_visit, "mean", 40.0)),
                               form_minutes=config.form_seconds / config.seconds_per_day * m.cal.minutes_per_day)
        m.pathway.background.policy = self.desks
        m.start()
        self.desks.start()
        self.horizon = float(s.horizon_days)
        self.live_start = self.cal.next_open(float(config.warmup_days))
        self.events = run_until(m.env, self.live_start)
        self.answers: list[tuple[float, int, str, str]] = []  # (time, decision, answer, player)
        self.wall0 = clock()
        self.ended = False
        self._bot_due: dict[int, float] = {}
        self._step = min((b.minutes for b in self.bots.values()), default=None)

    # ------------------------------------------------------------------ the clock
    @property
    def now(self) -> float:
        return self.model.env.now

    def clock_time(self) -> float:
        """The simulated time the wall clock says now (office hours only), at most the horizon."""
        minutes = max(0.0, self.clock() - self.wall0) / self.config.seconds_per_day * self.cal.minutes_per_day
        return min(self.horizon, self.cal.advance(self.live_start, minutes))

    def advance(self) -> float:
        """Run the model to the wall clock's time (bots answering on the way); the simulated time."""
        if not self.ended:
            self.run_to(self.clock_time())
        return self.now

    def run_to(self, target: float) -> None:
        """Run to ``target``, stopping where a bot answers (exact times, whatever the steps)."""
        env, desks = self.model.env, self.desks
        target = min(target, self.horizon)
        while True:
            self._note_offers()
            due = min(self._bot_due.values(), default=None)
            stop = target if due is None or due > target else due
            if self._step is not None:  # no offer to a bot can be due before the step's end
                stop = min(stop, self.cal.advance(env.now, self._step))
            if stop > env.now:
                self.events += run_until(env, stop)
                if env.now < stop:
                    return  # nothing is left to happen (an empty schedule): the clock stays
            if due is None or due > env.now:
                if env.now >= target:
                    return
                continue
            for did, t in sorted(self._bot_due.items(), key=lambda x: (x[1], x[0])):
                if t <= env.now:
                    del self._bot_due[did]
                    d = desks.decisions[did]
                    self._apply(d.id, self.bots[desks.seats[d.seat].player].choose(d), desks.seats[d.seat].player)

    def _note_offers(self) -> None:
        offers = self.desks.offers
        while offers:
            seat, d = offers.popleft()
            bot = self.bots.get(seat.player)
            if bot is not None:
                self._bot_due[d.id] = self.cal.advance(d.offered, bot.minutes)

    def _apply(self, decision: int, answer: str, player: str) -> bool:
        ok = self.desks.answer(decision, answer, player)
        if ok:
            self.answers.append((self.now, decision, answer, player))
        return ok

    # ------------------------------------------------------------------ players
    def pending(self, player: str) -> list[dict]:
        """The decisions offered to ``player`` now (one per desk they hold), for their page."""
        self.advance()
        out = []
        for seat in self.desks.seats.values():
            d = seat.current
            if seat.player != player or d is None or d.answer is not None:
                continue
            deadline = self.cal.advance(d.offered, self.desks.answer_limit(d))
            left = self.cal.working_minutes(self.now, deadline) / self.cal.minutes_per_day * self.config.seconds_per_day
            out.append({"id": d.id, "desk": seat.name, "role": d.role, "point": d.point, "hh": d.hh, "need": d.need,
                        "options": list(d.options), "facts": self._facts(d), "offered": d.offered, "form": d.form,
                        "deadline": deadline, "seconds_left": left, "waiting": self.desks.waiting(seat.role)})
        return out

    def _facts(self, d) -> dict:
        """A decision's facts for the page (the households to choose from named, as the role plays name them)."""
        facts = dict(d.facts)
        if d.point == "choose_visit":
            from slrt_sim.training.live.projector import household_name
            facts["choices"] = [{**c, "name": household_name(self, c["hh"])} for c in facts["choices"]]
        return facts

    def visit_view(self, hh: int) -> tuple[str, dict]:
        """What a fasilitator sees at household ``hh``'s home visit, and the recording its true
        indicators make (the form's key, :func:`slrt_sim.domain.welfare.encode`): ``(key, seen)``,
        ``seen`` with ``floor``, ``wall``, ``roof``, ``owns_land``, ``occupation``, ``work``, ``size``
        (the people living there) and ``assets``."""
        h = self.population.household(hh)
        rng = np.random.default_rng([int(self.config.seed), int(hh), 48])  # the household's assets, fixed
        assets = Wf.draw_assets(int(h["true_decile"]), dict(zip(Wf.ASSETS, rng.random(len(Wf.ASSETS)))))
        truth = Wf.true_indicators(h, assets)
        claim = self._claim(truth, int(h["true_decile"]), rng)
        hidden = sorted(assets - {"savings"}, key=Wf.ASSETS.index)[0] if claim == "hidden_asset" else ""
        seen = {"floor": truth.floor, "wall": truth.wall, "roof": truth.roof, "owns_land": truth.owns_land,
                "occupation": str(h["occupation"]), "work": truth.work, "size": truth.size,
                "assets": [a for a in Wf.ASSETS if a in assets and a != hidden], "claim": claim, "hidden": hidden,
                "claimed_size": truth.size + 2}
        return Wf.encode(truth), seen

    @staticmethod
    def _claim(truth: Wf.Indicators, decile: int, rng) -> str:
        """What is said at the visit that the record must not take (the home-visit practice's untrue
        claims, :data:`slrt_sim.training.home_visit.TRAPS`): at half of the visits one, drawn from
        those the household gives room for; ``""`` at the others."""
        possible = ["inflated_size", "pressure_exclude" if decile <= 4 else "pressure_include"]
        if truth.assets - {"savings"}:
            possible.append("hidden_asset")
        if truth.work == "steady":
            possible.append("hidden_work")
        u, i = rng.random(), int(rng.integers(len(possible)))
        return possible[i] if u < CLAIM_SHARE else ""

    def household(self, hh: int) -> dict:
        """What a desk sees of household ``hh`` (its story's facts, members, house and assets as the
        office knows them now; never its true decile): the office's view, and its members' rows when
        the population has people."""
        out = {k: (v.item() if hasattr(v, "item") else v) for k, v in self.model.pathway.office_view(hh).items()}
        members = getattr(self.population, "members", None)
        if callable(members):
            out["members"] = members(hh).to_dict("records")
        return out

    def answer(self, player: str, decision: int, answer: str) -> bool:
        """``player`` answers ``decision`` now. False if it is no longer theirs (the rules answered);
        ``ValueError`` for an unknown decision or an answer that is not one of its options."""
        self.advance()
        if not 0 <= int(decision) < len(self.desks.decisions):
            raise ValueError(f"decision {decision}: no such decision in this game")
        if self.ended:
            return False
        return self._apply(int(decision), str(answer), player)

    # ------------------------------------------------------------------ end, replay
    def end(self, at: float | None = None) -> "Game":
        """End the game at simulated time ``at`` (the trainer stops it where it stands: ``game.now``),
        by default at the horizon (its time is up). Nothing runs after the end."""
        if not self.ended:
            self.run_to(self.horizon if at is None else at)
            self.ended = True
            self.model.monitor.done()
        return self

    def play(self) -> "Game":
        """Play the whole game at once (bots and empty desks only: nobody else can answer)."""
        return self.end()

    @classmethod
    def replay(cls, config: GameConfig, answers: list[tuple[float, int, str, str]], population=None) -> "Game":
        """The game again from its answers (each at its simulated time): the same event log."""
        g = cls(config, clock=lambda: 0.0, population=population)
        for t, decision, answer, player in answers:
            g.run_to(t)
            if not g._apply(decision, answer, player):
                raise ValueError(f"replay: decision {decision} was not open for {player} at {t}")
        return g.end()

    @property
    def log(self) -> list[tuple]:
        """The run's event log rows (:class:`slrt_sim.model.record.EventLog`)."""
        return self.model.log.rows

    def state(self) -> dict:
        """What the projector shows now (see :func:`slrt_sim.training.live.projector.state`)."""
        from slrt_sim.training.live.projector import state
        self.advance()
        return state(self)
