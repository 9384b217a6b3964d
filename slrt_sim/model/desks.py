"""Live desks: people deciding inside a running model (the decision policy :class:`LiveDesks`).

A live kelurahan (``slrt_sim.training.live``) puts players at the desks of the one pathway
(:class:`slrt_sim.model.pathway.Pathway`). Where a role decides, the pathway asks the background's
policy through :func:`slrt_sim.model.decisions.decide`; with :class:`LiveDesks` as that policy each
question becomes a :class:`Decision`, a pending SimPy event in its role's queue:

=================  ===============  =====================================================
decision point     role (desk)      answers (strings; the rules' answer is the key)
=================  ===============  =====================================================
``register``       ``fo``           ``record`` / ``close_info``
``refer``          ``bo``           a programme code, ``propose_dtks`` or ``none``
``approve``        ``manager``      ``approve`` / ``refuse``
``record_verval``  ``fasilitator``  a decile ``1`` .. ``10``
``check_verval``   ``supervisor``   a decile ``1`` .. ``10`` (every ``sample_every``-th record;
                                    the key is what the visit measured, the others' record stands)
``choose_visit``   ``fasilitator``  a household to visit (its number), see below
=================  ===============  =====================================================

**The fasilitator's visits.** With ``visit`` (a function ``hh -> (truth, seen)``: the recording the
household's true welfare indicators make, :func:`slrt_sim.domain.welfare.encode`, and what a visitor
sees of it; the live game gives it from the population), ``record_verval`` is a *form*
(``Decision.form == "indicators"``): the player records the indicators seen at the home visit, the
key is the true recording, and the decile that enters the DTKS (and so the referral) is
:func:`slrt_sim.domain.welfare.recorded_decile`: what the visit measured, moved by what the
recording's mistakes do to the score. A careless or biased recording is what the pathway reads.

A fasilitator desk with a player also chooses whom to visit (``choose_visit``, the model's own
fasilitators keep their day plan beside it): whenever the desk is free it is offered up to
:data:`VISIT_CHOICES` households, in the order the model's fasilitators take them (their day
plan, :mod:`slrt_sim.model.outreach`): the households waiting for a verval visit (DTKS
proposals), then the walk-ins the front office referred for a home visit, then the village's
list (households the DTKS lists, poorest by the record first, then those in a visibly unfit
house; only where the scenario's fasilitators do outreach), each household once a game. The key is the first. A verval household chosen is visited
at once (its ``record_verval`` form follows); a referral or a listed household is an outreach
visit: the visit finds the household's open needs (their cases start, as the model's outreach
finds them) and takes ``visit_minutes``. A verval visit that a colleague (an empty fasilitator
desk) made meanwhile is not made twice. A seat with no player takes the verval visits first come,
first served, as before; so does a player who lets a choice run out of time (the rules' choice is
made if it is a verval visit, else no visit: the desk then does what an empty one does).

Each desk (a :class:`Seat`) takes the next decision of its role when it is free (the desks of a
role share one queue, first come first served). A seat with a player offers the decision to the
player; the player's answer (:meth:`LiveDesks.answer`) triggers it. A player who does not answer
within ``answer_minutes`` working minutes, and a seat with no player, are answered by the rules
(:class:`slrt_sim.model.decisions.Rules`): the empty seat after ``rules_minutes`` working minutes
(slowly, by design: the game never stops, and a desk that nobody staffs shows). One decision at a
time per seat: the queue grows whenever the desk is slower than arrivals.

Decisions taken here, for the game:

* before ``start`` (the kelurahan's warm-up) every question is answered by the rules at once;
* a programme the back office chooses against the programme's own rule is returned by it: the
  need is closed as ineligible with the programme's reason (as the role play's wrong letter is);
* the desks draw nothing from the model's random streams, so a run with the same answers at the
  same times is the same run (common random numbers with the rules' own replay).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

import simpy

from slrt_sim.domain import programs as P
from slrt_sim.domain import welfare as Wf
from slrt_sim.model.decisions import Rules

POINT_ROLE = {"register": "fo", "refer": "bo", "approve": "manager", "record_verval": "fasilitator",
              "check_verval": "supervisor", "choose_visit": "fasilitator"}
"""The role (desk) that answers each decision point."""
ROLES = ("fo", "bo", "manager", "fasilitator", "supervisor")
"""The desks of a live kelurahan, in the order of the pathway."""
DECILES = tuple(str(d) for d in range(1, 11))
VISIT_CHOICES = 6
"""Households a fasilitator desk with a player is offered to choose from."""
VISIT_POLL_MINUTES = 30.0
"""A fasilitator with nobody to visit looks again after this many working minutes."""


@dataclass
class Decision:
    """One question asked of a desk: what it is about, the rules' answer (``key``) and what came of it.

    ``by`` names who answered: a player, ``"rules"`` (a desk with no player) or ``"rules_late"``
    (the player did not answer within the desk's time)."""

    id: int
    point: str
    role: str
    hh: int
    case: int
    need: str | None
    options: tuple[str, ...]
    key: str
    facts: dict
    asked: float
    offered: float | None = None
    seat: str | None = None
    answer: str | None = None
    by: str = ""
    answered: float | None = None
    done: Any = field(default=None, repr=False)
    form: str = ""  # "indicators": the answer is a recording (welfare.encode), not one of ``options``
    value: Any = None  # what the answer became for the pathway (e.g. the decile a recording enters)
    key_value: Any = None  # what the key would have become (a form: the decile the visit measured)

    @property
    def correct(self) -> bool:
        return self.answer == self.key

    @property
    def graded(self) -> bool:
        """Whether the answer has one right value. Whom a fasilitator visits (``choose_visit``) is
        a judgement: the key offers the model's order, but another household may be as right, so
        the choice is never marked; its consequences show in the needs found and met."""
        return self.point != "choose_visit"


@dataclass
class Seat:
    """One desk of a role, with its player (``None``: played by the rules)."""

    name: str
    role: str
    player: str | None = None
    current: Decision | None = None
    busy: float = 0.0  # working minutes spent on decisions (offered -> answered)
    served: int = 0


class LiveDesks(Rules):
    """The decision policy of a live kelurahan's background (see the module docstring)."""

    live = True
    by = "live"

    def __init__(self, pathway, cal, seats: list[Seat], *, start: float = 0.0, answer_minutes: float = 120.0,
                 rules_minutes: float = 60.0, sample_every: int = 3, visit=None, visit_minutes: float = 40.0,
                 form_minutes: float = 0.0):
        super().__init__(pathway.limits, pathway.enabled, pathway.s.database.max_decile)
        self.pathway, self.env, self.cal = pathway, pathway.env, cal
        self.seats = {s.name: s for s in seats}
        self.start_time = float(start)
        self.answer_minutes, self.rules_minutes = float(answer_minutes), float(rules_minutes)
        self.form_minutes = max(self.answer_minutes, float(form_minutes))
        self.sample_every = max(1, int(sample_every))
        self.visit, self.visit_minutes = visit, float(visit_minutes)
        self.visited: set[int] = set()  # households a player chose to visit (each once a game)
        self.queues: dict[str, simpy.Store] = {r: simpy.Store(self.env) for r in ROLES}
        self.decisions: list[Decision] = []
        self.offers: deque = deque()  # (seat, decision) offered since the last look (for bots and pages)
        self._records = 0
        for role in ROLES:  # a role with no desk is one empty desk: the rules, slowly
            if not any(s.role == role for s in seats):
                self.seats[role] = Seat(role, role)

    def start(self) -> None:
        """Open the desks (each seat's process)."""
        for seat in self.seats.values():
            self.env.process(self._serve(seat))

    # ------------------------------------------------------------------ asking
    def ask(self, point: str, c, *args):
        """The desk's answer to ``point`` for case ``c`` (a generator: it waits for the desk)."""
        env = self.env
        rules = getattr(Rules, point)(self, *args)
        if env.now < self.start_time or not self._asked(point):
            return rules
        options, key, facts = self._question(point, c, rules, args)
        form = ""
        if point == "record_verval" and self.visit is not None:  # the home visit's form
            key, facts["visit"] = self.visit(int(c.hh))
            options, form = (), "indicators"
        elif key not in options:  # (the rules' answer is always one a player could give)
            options = (*options, key)
        d = Decision(len(self.decisions), point, POINT_ROLE[point], int(c.hh), int(c.id), c.need, options, key,
                     facts, env.now, done=env.event(), form=form, key_value=int(args[0]) if form else None)
        self.decisions.append(d)
        self.queues[d.role].put(d)
        yield d.done
        d.value = self._as_answer(point, d.answer, rules, args, d)
        return d.value

    def _asked(self, point: str) -> bool:
        if point != "check_verval":
            return True
        self._records += 1
        return self._records % self.sample_every == 0

    def _question(self, point: str, c, rules, args) -> tuple[tuple[str, ...], str, dict]:
        view = self.pathway.office_view(c.hh)
        facts = {"village": int(c.village), "office": c.office or "", "in_dtks": bool(view["in_dtks"]),
                 "dtks_decile": int(view["dtks_decile"] or 0)}
        if point == "register":
            return ("record", "close_info"), rules, facts
        if point == "refer":
            need = args[0]
            codes = [p for p in P.NEED_PROGRAMS.get(need, ()) if self.enabled(p)]
            if need != "documents":
                codes.append("DUKCAPIL")
            return (*codes, "propose_dtks", "none"), self._refer_key(rules), facts
        if point == "approve":
            code = args[0]
            facts.update(program=code, waiting=sum(1 for x in self.pathway._places if x[1] == code))
            return ("approve", "refuse"), "approve" if rules else "refuse", facts
        if point == "check_verval":  # the key: what the visit measured (the record, checked, corrected)
            facts["recorded"] = int(args[0])
            return DECILES, str(int(args[1])), facts
        return DECILES, str(int(rules)), facts

    @staticmethod
    def _refer_key(ref: P.Referral) -> str:
        if ref.program:
            return ref.program
        return "propose_dtks" if ref.propose_dtks else "none"

    def _as_answer(self, point: str, answer: str, rules, args, d: Decision | None = None):
        """The pathway's value of a desk's answer (the rules' own object when the answer is the key)."""
        if point == "register":
            return answer
        if point == "approve":
            return answer == "approve"
        if d is not None and d.form == "indicators":
            return Wf.recorded_decile(int(args[0]), Wf.decode(answer), Wf.decode(d.key))
        if point in ("record_verval", "check_verval"):
            return int(answer)
        if answer == self._refer_key(rules):
            return rules
        need, view = args
        if answer == "none":
            return P.Referral(need, None, ())
        if answer == "propose_dtks":
            return P.Referral(need, None, (), propose_dtks=True)
        verdict = P.check(answer, view, self.limits)
        if verdict.eligible and P.already_receives(view, answer):
            verdict = P.Verdict(answer, False, ("oc.reason.already_receives",))
        if not verdict.eligible:
            return P.Referral(need, None, (verdict,))  # the programme returns the letter
        return P.Referral(need, answer, (verdict,), documents_first=answer == "DUKCAPIL" and need != "documents")

    # ------------------------------------------------------------------ the desks
    def _serve(self, seat: Seat):
        if seat.role == "fasilitator" and seat.player is not None:
            yield from self._visits(seat)
            return
        queue = self.queues[seat.role]
        while True:
            d = yield queue.get()
            yield from self._offer(seat, d)

    def _offer(self, seat: Seat, d: Decision):
        """Offer ``d`` at ``seat`` until it is answered (by the player, else the rules)."""
        env, cal = self.env, self.cal
        d.offered, d.seat, seat.current = env.now, seat.name, d
        if seat.player is None:
            yield env.timeout(cal.advance(env.now, self.rules_minutes) - env.now)
            self._settle(d, d.key, "rules")
        else:
            self.offers.append((seat, d))
            late = env.timeout(cal.advance(env.now, self.answer_limit(d)) - env.now)
            yield d.done | late
            if d.answer is None:
                self._settle(d, d.key, "rules_late")
        seat.busy += cal.working_minutes(d.offered, env.now)
        seat.served += 1
        seat.current = None

    def answer_limit(self, d: Decision) -> float:
        """Working minutes a player has to answer ``d``: ``answer_minutes``, and for the fasilitator's
        decisions (whom to visit, the home visit's form) at least ``form_minutes``: reading six
        households or filling in a visit's seven fields takes longer than pressing a button."""
        return self.form_minutes if d.role == "fasilitator" else self.answer_minutes

    # ------------------------------------------------------------------ the fasilitator's visits
    def _visits(self, seat: Seat):
        """A fasilitator desk with a player: choose whom to visit, then visit (module docstring)."""
        env, cal = self.env, self.cal
        queue = self.queues["fasilitator"]
        if env.now < self.start_time:
            yield env.timeout(self.start_time - env.now)
        while True:
            choices = self.visit_choices()
            if not choices:
                yield env.timeout(cal.advance(env.now, VISIT_POLL_MINUTES) - env.now)
                continue
            options = tuple(str(c["hh"]) for c in choices)
            d = Decision(len(self.decisions), "choose_visit", "fasilitator", choices[0]["hh"], -1, None, options,
                         options[0], {"choices": choices}, env.now, done=env.event())
            self.decisions.append(d)
            yield from self._offer(seat, d)
            hh = int(d.answer)
            kind = next(c["kind"] for c in choices if c["hh"] == hh)
            d.value = kind
            if kind == "verval":
                waiting = next((x for x in queue.items if x.hh == hh), None)
                if waiting is not None:  # (else a colleague made that visit meanwhile)
                    queue.items.remove(waiting)
                    yield from self._offer(seat, waiting)
                continue
            if d.by == "rules_late":  # nobody chose: no outreach visit, as at an empty desk
                continue
            self.visited.add(hh)
            self._outreach_visit(hh)
            yield env.timeout(cal.advance(env.now, self.visit_minutes) - env.now)

    def visit_choices(self) -> list[dict]:
        """Whom a fasilitator desk may visit now, in the model's fasilitators' order (at most
        :data:`VISIT_CHOICES`): ``{"hh", "kind", "village", "in_dtks", "dtks_decile", "house_unfit"}``,
        ``kind`` one of ``verval``, ``referral``, ``list``."""
        hh_ = self.pathway.hh
        col = hh_.col
        out: list[dict] = []
        seen: set[int] = set()

        def add(hh: int, kind: str) -> bool:
            if hh in seen or (kind != "verval" and hh in self.visited):
                return len(out) < VISIT_CHOICES
            seen.add(hh)
            out.append({"hh": int(hh), "kind": kind, "village": int(col["village_idx"][hh]),
                        "in_dtks": bool(col["in_dtks"][hh]), "dtks_decile": int(col["dtks_decile"][hh] or 0),
                        "house_unfit": bool(col["house_unfit"][hh])})
            return len(out) < VISIT_CHOICES

        for d in self.queues["fasilitator"].items:
            if not add(d.hh, "verval"):
                return out
        for dq in self.pathway.fas.referrals:
            for hh in dq:
                if not add(int(hh), "referral"):
                    return out
        if not self.pathway.fas.outreach:  # no outreach in this kelurahan: verval visits only
            return out
        for hh in self._village_list():
            if not add(hh, "list"):
                return out
        return out

    def _village_list(self) -> list[int]:
        """The villages' list as the model's fasilitators rank it: households the DTKS lists, poorest
        by the record first, then unlisted ones in a visibly unfit house (by number)."""
        col = self.pathway.hh.col
        listed = [h for h in range(len(col["in_dtks"])) if col["in_dtks"][h] and h not in self.visited]
        listed.sort(key=lambda h: (col["dtks_decile"][h], h))
        unfit = [h for h in range(len(col["in_dtks"])) if not col["in_dtks"][h] and col["house_unfit"][h]
                 and h not in self.visited]
        return listed[:VISIT_CHOICES] + unfit[:VISIT_CHOICES]

    def _outreach_visit(self, hh: int) -> None:
        """A visit the player chose: the household leaves the referrals; its open needs are found."""
        fas, ledger = self.pathway.fas, self.pathway.ledger
        for dq in fas.referrals:
            while hh in dq:
                dq.remove(hh)
        pending = ledger.pending.get(hh)
        if pending:
            for x in ledger.identify(pending[0], "outreach", self.env.now):
                fas.start_case(x, 0.0)

    def _settle(self, d: Decision, answer: str, by: str) -> None:
        d.answer, d.by, d.answered = answer, by, self.env.now
        d.done.succeed(answer)

    def answer(self, decision: int, answer: str, player: str) -> bool:
        """A player's answer to the decision offered at their desk, now. False if it is no longer
        theirs to answer (answered already, by them or by the rules); ``ValueError`` for an answer
        that is not one of the decision's options."""
        d = self.decisions[decision]
        seat = self.seats.get(d.seat or "")
        if d.answer is not None or seat is None or seat.current is not d or seat.player != player:
            return False
        if d.form == "indicators":
            answer = Wf.encode(Wf.decode(answer))  # ValueError for a recording not as the form expects
        elif answer not in d.options:
            raise ValueError(f"decision {decision}: answer {answer!r} is not one of {', '.join(d.options)}")
        self._settle(d, answer, player)
        return True

    def waiting(self, role: str) -> int:
        """Decisions waiting for a desk of ``role`` (not yet offered)."""
        return len(self.queues[role].items)
