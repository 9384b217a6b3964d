"""Who decides at the desks: decision policies the pathway asks, and the files people typed.

The pathway (:class:`slrt_sim.model.pathway.Pathway`) is the one flow of every household. Where a
person decides — the front office registering a household, the back office checking the DTKS and
writing referral letters, the fasilitator recording what a verval visit found — it asks a
*decision policy*:

* :class:`Rules` — the answer key: every need recorded, the NIK right, the referral of
  :func:`slrt_sim.domain.programs.refer` read on what the office knows
  (:meth:`slrt_sim.model.pathway.Pathway.office_view`), the verval's measurement recorded as it is.
  Every background household is decided by the rules;
* :class:`FileDecisions` — a role-play household's :class:`Script`: its front-office (or
  back-office) file as the trainee typed it, or as the answer key makes it. From the point where
  the file says nothing more (a complaint, a need that comes back, a referral after Dukcapil) the
  back office follows the rules again;
* :class:`slrt_sim.model.desks.LiveDesks` — a live desk (a player deciding while the model runs),
  a third policy with the same methods; the pathway asks every policy through :func:`decide`.

A policy never reads what the office could not know: the household's true decile and poverty are
not in the office's view, and the waiting lists rank households by the decile the office knows
(a verval measurement, else the DTKS record, else "unknown", ranked last).

:class:`HouseholdStreams` are a role-play household's own random streams (common random numbers:
two runs that differ only in one file see the same background). :class:`Event` and
:class:`NeedResult` are what a role-play household's timeline and end state are made of; both are
read from the run's event log (:class:`slrt_sim.model.record.EventLog`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from slrt_sim.domain import programs as P
from slrt_sim.model.cases import Case
from slrt_sim.model.streams import Sampler, draw_fn, standard_normal, uniform, unit_exponential

SCRIPT_ID_BASE = 10_000_000
"""Case ids of role-play households' needs start here, so background case ids are the same in every run."""

DECISIONS = ("close_info", "refer_bo", "propose_dtks", "dukcapil_first")
"""What a front-office file decides for the household's needs."""
NEED_STATES = ("served", "waiting_quota", "in_process", "rejected", "ineligible", "unmet", "lost", "closed_info")
"""Where a role-play household's need stands at the end (``oc.state.*``)."""


@dataclass(frozen=True)
class Script:
    """One household's file as a person made it at the front office (or the answer key).

    ``needs`` are the needs recorded, ``true_needs`` the household's real ones (the story's);
    ``programs`` the programmes proposed with ``decision == "refer_bo"``; ``sktm`` is
    ``"accept"``, ``"verify"`` or ``None`` (no SKTM brought); ``by`` says whose file it is
    (``"fo"`` or ``"bo"``), so the timeline can say who helped or harmed the household.
    """

    hh: int
    label: str
    arrive: float
    needs: tuple[str, ...]
    true_needs: tuple[str, ...]
    nik_ok: bool = True
    fast_track: bool = False
    decision: str = "refer_bo"
    programs: tuple[str, ...] = ()
    sktm: str | None = None
    real_needs: tuple[str, ...] = ()  # the needs the rules would route (they come back when unmet)
    by: str = "fo"
    letters: tuple[tuple[str, str], ...] = ()  # (programme, need) chosen by the back office, if it decided
    registered_by: str = ""  # who registered the household, if not ``by`` (a BO queue made from FO files)
    dtks_nik_wrong: bool = False  # the DTKS holds the head's NIK mistyped: the BO finds the record by name
    verval_decile: int | None = None  # the decile a person's verval recording gives (None: the visit's measurement)


@dataclass
class Event:
    """One line of a household's timeline (``step`` names an ``oc.step.*`` catalogue key)."""

    day: float
    step: str
    actor: str
    need: str | None = None
    program: str | None = None
    detail: dict = field(default_factory=dict)


@dataclass
class NeedResult:
    """Where one of the household's needs stands at the end of the run."""

    need: str
    state: str = "in_process"
    program: str | None = None
    day_served: float | None = None
    since: float | None = None     # when it started waiting (waiting_quota)
    reason: str | None = None


class Rules:
    """The answer key: the decisions the rules take on what the office knows."""

    name = "rules"

    def __init__(self, limits: P.Limits, enabled, max_decile: int = 4):
        self.limits, self.enabled, self.max_decile = limits, enabled, max_decile

    def refer(self, need: str, view: dict) -> P.Referral:
        """The back office's referral of one need (programme, Dukcapil first, DTKS proposal or none).

        A household a verval visit found above the DTKS target (``database.max_decile``) is not
        proposed for the DTKS: the office knows the proposal would fail."""
        ref = P.refer(need, view, self.limits, self.enabled)
        if ref.propose_dtks and view.get("verified_decile", 0) > self.max_decile:
            return P.Referral(need, None, ref.verdicts)
        return ref

    def record_verval(self, measured: int) -> int:
        """The decile the fasilitator records after a verval visit: what the visit measured."""
        return measured

    # decision points a live desk plays (:class:`slrt_sim.model.desks.LiveDesks`); the rules'
    # answers are what the pathway did before they were asked, so a run by the rules is unchanged
    live = False
    """Whether the policy's answers take time (a live desk's are pending SimPy events; see :func:`decide`)."""

    def register(self, need: str) -> str:
        """The front office's registration of a walk-in's need: ``"record"`` it (the rules), or
        ``"close_info"`` (sent home with information: the need is not followed)."""
        return "record"

    def approve(self, program: str) -> bool:
        """The manager's approval of a referral under the programme's quota: the rules sign every
        referral the back office drafted by the rules."""
        return True

    def check_verval(self, recorded: int, measured: int) -> int:
        """The decile that stands after the supervisor's check of a verval record: in a run by the
        rules nobody checks, the record stands (a live supervisor's key is what the visit measured:
        :class:`slrt_sim.model.desks.LiveDesks`)."""
        return recorded


def decide(track, point: str, c: Case, *args):
    """The answer of ``track``'s policy at decision point ``point`` (a :class:`Rules` method name).

    A generator for ``yield from`` in the pathway's steps: a policy that is not ``live`` answers at
    once and no SimPy event is made (a background run's events are the same as without the
    question); a live policy's :meth:`ask` waits for its desk."""
    policy = track.policy
    if policy.live:
        return (yield from policy.ask(point, c, *args))
    return getattr(policy, point)(*args)


class FileDecisions(Rules):
    """A role-play household's file (:class:`Script`): the registration and the letters as typed.

    Beyond the file the rules decide (:class:`Rules`): the file's ``by`` names who is answerable
    for what the file decided, ``"rules"`` for the rest."""

    def __init__(self, script: Script, limits: P.Limits, enabled, max_decile: int = 4):
        super().__init__(limits, enabled, max_decile)
        self.script = script
        self.by = script.by
        self.registrar = script.registered_by or script.by

    def recorded(self) -> tuple[str, ...]:
        return self.script.needs

    def letters(self, needs: list[str]) -> dict[str, str]:
        """``programme -> need`` of the letters the file asks for (each letter answers a recorded
        need, one not yet answered first)."""
        sc = self.script
        out: dict[str, str] = {code: need for code, need in sc.letters}
        for code in () if sc.letters else sc.programs:
            answers = [n for n in needs if code in P.NEED_PROGRAMS.get(n, ())]
            need = next((n for n in answers if n not in out.values()), answers[0] if answers else None)
            need = need or next((n for n in sc.true_needs if code in P.NEED_PROGRAMS.get(n, ())), None)
            out[code] = need or (needs[0] if needs else "information")
        return out


class RecordedVisit(FileDecisions):
    """A role-play household whose verval home visit a person recorded (the home-visit practice):
    wherever the pathway asks for the verval's decile (a DTKS proposal, an SKTM check) the answer
    is the decile of their recording (``script.verval_decile``, from
    :func:`slrt_sim.domain.welfare.indicator_decile`), not the visit's measurement."""

    def record_verval(self, measured: int) -> int:
        return int(self.script.verval_decile)


def file_policy(script: Script, limits: P.Limits, enabled, max_decile: int = 4) -> FileDecisions:
    """The policy of a role-play household's file: :class:`RecordedVisit` when the file carries a
    recorded verval decile, else :class:`FileDecisions`."""
    cls = RecordedVisit if script.verval_decile is not None else FileDecisions
    return cls(script, limits, enabled, max_decile)


class Background:
    """How the background's cases are handled: the run's streams, the rules, the ledger, the
    fasilitators' shared task queue and the run's verval measurement."""

    by = "rules"

    def __init__(self, pathway, measure: Callable[[int], int]):
        self.rs = pathway.rs
        self.policy = Rules(pathway.limits, pathway.enabled, pathway.s.database.max_decile)
        self.ledger = pathway.ledger
        self.measure = measure
        self._fas, self._env = pathway.fas, pathway.env
        self._vulnerable = pathway.hh.col["vulnerable"]

    def visit(self, village: int, kind: str):
        """A fasilitator's task (verval, follow-up) in the village's queue; done when it is made."""
        ev = self._env.event()
        self._fas.task(village, kind, ev)
        yield ev

    def first(self, c: Case) -> bool:
        """Whether the programme ranks the case first (the most vulnerable first)."""
        return bool(self._vulnerable[c.hh])

    def followed_up(self) -> None:
        pass


class _LazySampler:
    """A :class:`Sampler` whose generator is made at the first draw (most streams are never used)."""

    __slots__ = ("_seed", "_draw", "_s")

    def __init__(self, seed, draw):
        self._seed, self._draw, self._s = seed, draw, None

    def __call__(self) -> float:
        if self._s is None:
            self._s = Sampler(np.random.Generator(np.random.PCG64(self._seed())), self._draw, 16)
        return self._s()


HOUSEHOLD_STREAMS = ("fo", "bo", "assess", "manager", "visit", "travel", "verval", "verval_decile", "delivery",
                     "lost", "complaint", "complaint_simple", "complaint_normal", "complaint_investigation",
                     "walkin", "walkin_delay")
"""A role-play household's own streams, in spawn order (never reorder; append new ones)."""


class HouseholdStreams:
    """A role-play household's own samplers, named as :class:`slrt_sim.model.streams.Streams` names them
    (the pathway's steps draw from whichever streams the household has)."""

    def __init__(self, scenario, seed: np.random.SeedSequence):
        def stream(name, draw):  # child i of ``seed``, as ``seed.spawn`` would make it, made lazily
            i = HOUSEHOLD_STREAMS.index(name)
            return _LazySampler(lambda: np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key + (i,)), draw)
        svc, fu = scenario.service, scenario.followup
        self.t_fo = stream("fo", draw_fn(svc.fo_registration))
        self.t_bo_check = stream("bo", draw_fn(svc.bo_check))
        self.t_bo_assess = stream("assess", draw_fn(svc.bo_assessment))
        self.t_manager = stream("manager", draw_fn(svc.manager_decision))
        self.t_followup = stream("visit", draw_fn(svc.followup_visit))
        self.t_verval = stream("verval", draw_fn(svc.verval_visit))
        self.x_travel = stream("travel", unit_exponential)
        self.n_verval = stream("verval_decile", standard_normal)
        self.u_delivery = stream("delivery", uniform)
        self.u_lost = stream("lost", uniform)
        self.u_complaint = stream("complaint", uniform)
        self.t_complaint_simple = stream("complaint_simple", draw_fn(fu.complaint_simple_days))
        self.t_complaint_normal = stream("complaint_normal", draw_fn(fu.complaint_normal_days))
        self.t_complaint_investigation = stream("complaint_investigation", draw_fn(fu.complaint_investigation_days))
        self.u_walkin = stream("walkin", uniform)
        self.t_walkin_delay = stream("walkin_delay", draw_fn(scenario.walkin.delay_days))


def hidden(view: dict[str, Any]) -> dict[str, Any]:
    """``view`` without what no office can know (the true decile, poverty)."""
    view.pop("true_decile", None)
    view.pop("poor", None)
    return view


class HouseholdFile:
    """A role-play household in a run: its file's policy, its own streams and where its needs stand.

    It is the household's *track* for :class:`slrt_sim.model.pathway.Pathway`'s steps: the streams
    they draw from (``rs``), the policy they ask (``policy``), the book they close cases in
    (``ledger``: the household's :class:`NeedResult` per need; role-play needs are not background
    cases), how a fasilitator's visit is timed (:meth:`visit`) and how a verval measures.

    Decisions made here, for the role play:

    * a fasilitator's visit to the household comes on the next working day (the visit's and the
      travel's minutes on the working calendar), without taking from the background fasilitators'
      queue: a trainee's file never changes the background's outreach;
    * a verval visit finds the household's decile as its story tells it (the fact the class
      discusses: the feedback, the answer key and the timeline name the same decile).
    """

    by = "rules"

    def __init__(self, script: Script, index: int, seed: np.random.SeedSequence, scenario, policy: FileDecisions, *,
                 env, cal, village: int, office: str, travel_minutes: float, true_decile: int, log):
        self.script, self.index, self.policy = script, index, policy
        self.hh, self.village, self.office = int(script.hh), village, office
        self.rs = HouseholdStreams(scenario, seed)
        self.env, self.cal, self.travel_minutes, self._decile, self._log = env, cal, travel_minutes, true_decile, log
        self.needs: dict[str, NeedResult] = {n: NeedResult(n) for n in script.true_needs}
        for n in script.needs:
            self.needs.setdefault(n, NeedResult(n))
        self.nik_ok = script.nik_ok
        self.first_followup = env.event()
        self.unmet: list[str] = []
        self.letters: dict[str, int] = {}  # letters still open per need
        self.prio = 0 if script.fast_track else 1
        self.ledger = self
        self._ids = 0
        self.home = self.case(None)  # the household-level steps (walk-in, DTKS check, verval)

    @property
    def ids(self) -> range:
        """The case ids this household's needs used in the run."""
        base = SCRIPT_ID_BASE + self.index * 1000
        return range(base + 1, base + self._ids + 1)

    def case(self, need: str | None):
        """A new case of one of the household's needs (ids from :data:`SCRIPT_ID_BASE`)."""
        self._ids += 1
        c = Case(SCRIPT_ID_BASE + self.index * 1000 + self._ids, self.hh, self.village, need, self.env.now)
        c.office, c.fast_track, c.state = self.office, self.script.fast_track, "in_process"
        return c

    def first(self, c) -> bool:
        """The programme ranks first what the file marks as fast track."""
        return self.script.fast_track

    def measure(self, hh: int) -> int:
        return self._decile

    def should_serve(self, need: str) -> bool:
        """Whether the need is real (the household keeps it, and comes back with it, until it is met)."""
        return need in self.script.real_needs

    def visit(self, village: int, kind: str):
        """A fasilitator's visit on the next working day (see the class docstring)."""
        cal, env = self.cal, self.env
        start = cal.next_work_day(int(env.now) + 1) + (0.0 if cal.continuous else cal.open)
        minutes = self.rs.t_verval() if kind == "verval" else self.rs.t_followup()
        minutes += self.travel_minutes * self.rs.x_travel()
        yield env.timeout(cal.advance(start, minutes) - env.now)

    def followed_up(self) -> None:
        if not self.first_followup.triggered:
            self._log.add(self.hh, self.home.id, "followup_visit", "village", "fasilitator")
            self.first_followup.succeed()

    # the book of the household's needs (as :class:`slrt_sim.model.cases.Ledger` for a background case)
    def set_state(self, c, state: str) -> None:
        c.state = state
        r = self.needs.setdefault(c.need, NeedResult(c.need))
        if r.state == "served":
            return
        r.state = state
        if state == "waiting_quota":
            r.program, r.since = c.program, self.env.now

    def close(self, c, state: str, reason: str | None) -> None:
        c.state, c.reason, c.t_closed = state, reason, self.env.now
        r = self.needs.setdefault(c.need, NeedResult(c.need))
        if r.state == "served" and state != "served":
            return  # another letter already met this need
        r.state, r.reason = state, reason
        if c.program:
            r.program = c.program
        if state == "served":
            r.day_served = self.env.now

    def finish(self) -> None:
        """At the horizon: needs never routed are unmet."""
        for n in self.unmet:
            r = self.needs.setdefault(n, NeedResult(n))
            if r.state != "served":
                r.state = "unmet"
