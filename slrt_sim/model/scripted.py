"""Scripted households: cases whose front-office file a person decided, played in the model.

The role play's households enter the same SimPy flow as every other case of the kelurahan
(:class:`slrt_sim.model.flow.Model`), at registration, with the file as the trainee (or the
answer key) made it: the NIK as typed, the needs recorded, fast track or not, the decision and
the programmes proposed, the SKTM accepted or verified. From there the model's own rules run:

* the back office checks the DTKS **by the NIK on the file**: a mistyped NIK finds nothing, so a
  verval home visit is needed (the fasilitator reads the KK and corrects the NIK) and the check is
  repeated;
* each proposed programme's office checks its own rule (:func:`slrt_sim.domain.programs.check`)
  on what it sees: the DTKS as it stands, the identity documents, the NIK against Dukcapil. A
  wrong programme is rejected at the office's next intake; the fasilitator's follow-up finds the
  rejection and it comes back as a complaint, which the back office refers by the rules;
* an eligible referral waits for the programme's intake cycle and quota, ranked as the file
  says (fast track first, then the decile on file): an accepted false SKTM therefore ranks as a
  poor family and can take the place of a poorer one;
* a DTKS proposal goes through the verval visit and the periodic determination;
* a need not recorded (or closed without a referral) stays unmet until the household is next
  visited for a follow-up, where it comes back as a complaint, or walks in again;
* delivery failures become complaints at follow-up, at most ``followup.max_rounds`` times.

Common random numbers: a scripted household draws from its own streams (spawned from the run's
seed and the household index), never from the background's, and its fasilitator visits are timed
on the working calendar without taking from the background's outreach budget, so two runs that
differ only in one household's file see the same background needs, arrivals and service times.
The household's background needs are not drawn (the script stands for them).

What happens is recorded as :class:`Event` rows (day, step, actor, need, programme, detail):
plain data that :mod:`slrt_sim.experiments.outcomes` collects and the training layer renders.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from slrt_sim.domain import programs as P
from slrt_sim.model.flow import Model
from slrt_sim.model.resources import Closed
from slrt_sim.model.streams import Sampler, draw_fn, uniform

SCRIPT_ID_BASE = 10_000_000
"""Case ids of scripted needs start here, so background case ids are the same in every run."""

SCRIPT_STREAMS = ("fo", "bo", "assess", "manager", "visit", "travel", "verval", "verval_decile", "delivery", "lost",
                  "complaint", "complaint_simple", "complaint_normal", "complaint_investigation", "walkin",
                  "walkin_delay")
"""A scripted household's own streams (each made only when first drawn from)."""
DECISIONS = ("close_info", "refer_bo", "propose_dtks", "dukcapil_first")
ACTORS = ("household", "fo", "bo", "manager", "fasilitator", "program", "dukcapil", "dtks")
NEED_STATES = ("served", "waiting_quota", "in_process", "rejected", "ineligible", "unmet", "lost", "closed_info")


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


class _LazySampler:
    """A :class:`Sampler` whose generator is made at the first draw (most streams are never used)."""

    __slots__ = ("_seed", "_draw", "_s")

    def __init__(self, seed, draw):
        self._seed, self._draw, self._s = seed, draw, None

    def __call__(self) -> float:
        if self._s is None:
            self._s = Sampler(np.random.Generator(np.random.PCG64(self._seed())), self._draw, 16)
        return self._s()


class _Case:
    """The minimum a programme's waiting list needs from a case (``id``)."""

    __slots__ = ("id", "hh", "need")

    def __init__(self, cid: int, hh: int, need: str):
        self.id, self.hh, self.need = cid, hh, need


class ScriptedHousehold:
    """The pathway of one scripted household inside a running :class:`Model`."""

    def __init__(self, model: Model, script: Script, index: int, seed: np.random.SeedSequence):
        self.m, self.sc, self.index = model, script, index
        s = model.s
        def stream(name, draw):  # child i of ``seed``, as ``seed.spawn`` would make it, made lazily
            i = SCRIPT_STREAMS.index(name)
            return _LazySampler(lambda: np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key + (i,)), draw)
        svc, fu = s.service, s.followup
        self.t_fo = stream("fo", draw_fn(svc.fo_registration))
        self.t_bo = stream("bo", draw_fn(svc.bo_check))
        self.t_assess = stream("assess", draw_fn(svc.bo_assessment))
        self.t_manager = stream("manager", draw_fn(svc.manager_decision))
        self.t_visit = stream("visit", draw_fn(svc.followup_visit))
        self.t_verval = stream("verval", draw_fn(svc.verval_visit))
        self.u_travel = stream("travel", lambda gen, n: gen.exponential(1.0, n))
        self.n_verval = stream("verval_decile", lambda gen, n: gen.normal(0.0, 1.0, n))
        self.u_delivery = stream("delivery", uniform)
        self.u_lost = stream("lost", uniform)
        self.u_complaint = stream("complaint", uniform)
        self.t_simple = stream("complaint_simple", draw_fn(fu.complaint_simple_days))
        self.t_normal = stream("complaint_normal", draw_fn(fu.complaint_normal_days))
        self.t_invest = stream("complaint_investigation", draw_fn(fu.complaint_investigation_days))
        self.u_walkin = stream("walkin", uniform)
        self.t_walkin = stream("walkin_delay", draw_fn(s.walkin.delay_days))
        self.events: list[Event] = []
        self.needs: dict[str, NeedResult] = {n: NeedResult(n) for n in script.true_needs}
        for n in script.needs:
            self.needs.setdefault(n, NeedResult(n))
        self.nik_ok = script.nik_ok
        self.found_in_dtks: bool | None = None
        self.first_followup = model.env.event()
        self.unmet: list[str] = []
        self._ids = 0
        self.letters: dict[str, int] = {}  # letters still open per need
        self.prio = 0 if script.fast_track else 1

    # ------------------------------------------------------------------ helpers
    def ev(self, step: str, actor: str, need: str | None = None, program: str | None = None, **detail: Any) -> None:
        self.events.append(Event(self.m.env.now, step, actor, need, program, detail))

    def _new_id(self) -> int:
        self._ids += 1
        return SCRIPT_ID_BASE + self.index * 1000 + self._ids

    def world(self) -> dict:
        """The household as the offices can see it now (DTKS as it stands, true documents)."""
        return self.m.households.profile(self.sc.hh)

    def should_serve(self, need: str) -> bool:
        """Whether the need is real (the household keeps it, and comes back with it, until it is met)."""
        return need in self.sc.real_needs

    def _verified_world(self) -> dict:
        prof = self.world()
        d = self.m.households.verified_decile[self.sc.hh]
        if self.sc.sktm == "verify" and d and prof["in_dtks"]:
            prof["dtks_decile"] = d  # the back office reads the decile the SKTM's verval found
        return prof

    def _lost(self) -> bool:
        return self.u_lost() < self.m.s.followup.lost_probability

    def _serve_fo(self):
        m = self.m
        v = m.households.col["village_idx"][self.sc.hh]
        if v in m.staff.fo_pk:
            yield from m.staff.serve(m.staff.fo_pk[v], m.staff.logs["fo_puskesos"], self.t_fo(), self.prio)
        else:
            yield from m.staff.serve(m.staff.fo_district, m.staff.logs["fo_district"], self.t_fo(), self.prio)

    def _serve_bo_check(self):
        m = self.m
        v = m.households.col["village_idx"][self.sc.hh]
        bo = m.staff.bo_pk.get(v)
        if bo is not None and not isinstance(bo, Closed):
            yield from m.staff.serve(bo, m.staff.logs["bo_puskesos"], self.t_bo(), self.prio)
        else:
            yield from m.staff.serve(m.staff.bo_district, m.staff.logs["bo_district"], self.t_bo(), self.prio)

    def _visit(self, kind: str):
        """A fasilitator's visit on the next working day (own stream; see the module docstring)."""
        m = self.m
        cal = m.cal
        start = cal.next_work_day(int(m.env.now) + 1) + (0.0 if cal.continuous else cal.open)
        minutes = (self.t_verval() if kind == "verval" else self.t_visit())
        minutes += m.village_list[m.households.col["village_idx"][self.sc.hh]].travel_minutes * self.u_travel()
        yield m.env.timeout(cal.advance(start, minutes) - m.env.now)

    def _next_intake(self, code: str) -> float | None:
        now = self.m.env.now
        return next((t for t in self.m.s.programs[code].intake_times(self.m.horizon) if t >= now), None)

    # ------------------------------------------------------------------ the pathway
    def run(self):
        m, sc, env = self.m, self.sc, self.m.env
        if sc.arrive > env.now:
            yield env.timeout(sc.arrive - env.now)
        self.ev("walk_in", "household", fast_track=sc.fast_track)
        env.process(self._resurface())
        yield from self._serve_fo()
        registrar = sc.registered_by or sc.by
        self.ev("registered", registrar, needs=list(sc.needs), nik_ok=sc.nik_ok, fast_track=sc.fast_track)
        for n in sc.true_needs:
            if n not in sc.needs and self.should_serve(n):
                self.ev("need_not_recorded", registrar, need=n)
                self.unmet.append(n)
        for n in sc.needs:
            if n == "information":
                self._close(n, "served", "closed_on_spot")
                self.ev("information_given", sc.by, need=n)
        real = [n for n in sc.needs if n != "information"]
        procs = []
        if sc.decision == "close_info" or not real:
            for n in real:
                self.ev("closed_info", sc.by, need=n)
                self._close(n, "closed_info", "closed_info")
                if self.should_serve(n):
                    self.unmet.append(n)
            if sc.sktm == "verify":
                env.process(self._verify_sktm())
        elif sc.decision == "dukcapil_first":
            procs.append(env.process(self._dukcapil_first(real)))
        elif sc.decision == "propose_dtks":
            procs.append(env.process(self._propose(real)))
        else:
            procs.append(env.process(self._refer_as_filed(real)))
        for p in procs:
            yield p

    def _close(self, need: str, state: str, reason: str | None, program: str | None = None) -> None:
        r = self.needs.setdefault(need, NeedResult(need))
        if r.state == "served" and state != "served":
            return  # another letter already met this need
        r.state, r.reason = state, reason
        if program:
            r.program = program
        if state == "served":
            r.day_served = self.m.env.now

    def _check_dtks(self, actor: str):
        """The back office's DTKS check by the NIK on the file; True if the record was found."""
        yield from self._serve_bo_check()
        listed = bool(self.world()["in_dtks"])
        if listed and not self.nik_ok:
            self.ev("dtks_nik_not_found", actor)
            yield from self._visit("verval")
            self.nik_ok = True
            self.ev("verval_nik_corrected", "fasilitator")
            yield from self._serve_bo_check()
        self.found_in_dtks = listed
        self.ev("dtks_found" if listed else "dtks_not_listed", "bo",
                decile=int(self.world()["dtks_decile"]) if listed else 0)
        return listed

    def _verify_sktm(self):
        """The SKTM is checked by a verval visit; a better-off household is delisted at the next determination."""
        yield from self._visit("verval")
        m, hh = self.m, self.sc.hh
        d = self._measure()
        m.households.verified_decile[hh] = d
        self.ev("sktm_verval", "fasilitator", decile=d)
        if d > m.s.database.max_decile and m.households.col["in_dtks"][hh]:
            # a removal, decided with the decile the visit measured (operator, determination)
            m.dtks.submit(hh, int(m.households.col["village_idx"][hh]), d)

    def _measure(self) -> int:
        m = self.m
        d = int(round(m.households.col["true_decile"][self.sc.hh] + m.s.dtks.verval_accuracy_sd * self.n_verval()))
        return min(10, max(1, d))

    def _refer_as_filed(self, needs: list[str]):
        """``refer_bo``: the BO checks the DTKS, then sends the letters the FO proposed."""
        sc, env = self.sc, self.m.env
        if sc.sktm == "verify":
            yield from self._verify_sktm()
        if self._lost():
            self.ev("lost_unreachable", "household")
            for n in needs:
                self._close(n, "lost", "unreachable")
            return
        yield from self._check_dtks("bo")
        letters: dict[str, str] = {code: need for code, need in sc.letters}
        for code in () if sc.letters else sc.programs:  # each letter answers a recorded need, one not yet answered first
            answers = [n for n in needs if code in P.NEED_PROGRAMS.get(n, ())]
            need = next((n for n in answers if n not in letters.values()), answers[0] if answers else None)
            need = need or next((n for n in sc.true_needs if code in P.NEED_PROGRAMS.get(n, ())), None)
            letters[code] = need or (needs[0] if needs else "information")
        yield from self._assess()
        for need in letters.values():
            self.letters[need] = self.letters.get(need, 0) + 1
        procs = [env.process(self._programme(code, need, sc.by)) for code, need in letters.items()]
        covered = set(letters.values())
        propose = []
        for n in needs:
            if n in covered:
                continue
            ref = P.refer(n, self._verified_world(), self.m.pathway.limits, self.m.pathway._enabled)
            if ref.program is None and ref.propose_dtks:
                propose.append(n)  # step 4: the BO proposes a household the DTKS misses
                continue
            self.ev("no_letter", sc.by, need=n)
            self._close(n, "unmet", "no_letter")
            if self.should_serve(n):
                self.unmet.append(n)
        if propose:
            procs.append(env.process(self._propose_rest(propose)))
        for p in procs:
            yield p

    def _propose_rest(self, needs: list[str]):
        yield from self._dtks_proposal(None)
        procs = [self.m.env.process(self._by_rules(n)) for n in needs]
        for p in procs:
            yield p

    def _assess(self):
        m = self.m
        yield from m.staff.serve(m.staff.bo_district, m.staff.logs["bo_district"], self.t_assess(), self.prio)
        yield from m.staff.serve(m.staff.manager, m.staff.logs["manager"], self.t_manager(), self.prio)

    def _programme(self, code: str, need: str, by: str):
        """One referral letter: the programme's check, intake and quota, delivery, follow-up."""
        m, env, hh = self.m, self.m.env, self.sc.hh
        if by != "rules":
            self.ev("referred", "manager", need=need, program=code, by=by)
        verdict = P.check(code, self.world(), m.pathway.limits)
        reason = None
        if not self.nik_ok and code != "DUKCAPIL":
            reason = "oc.reason.nik_mismatch"
        elif not verdict.eligible:
            reason = P.decisive_reason(verdict)
        elif P.already_receives(self.world(), code):
            reason = "oc.reason.already_receives"
        if reason is not None:
            t = self._next_intake(code)
            if t is None:
                self._close(need, "in_process", "letter_pending", code)
                return False
            yield env.timeout(t - env.now)
            self.ev("programme_rejected", "program", need=need, program=code, reason=reason, by=by)
            self.letters[need] -= 1
            if self.letters[need] > 0 or self.needs[need].state == "served":
                return False  # another letter answers this need
            self._close(need, "rejected", reason, code)
            yield env.timeout(m.s.followup.delay_days)
            yield from self._visit("followup")
            self._followed_up()
            if self.should_serve(need):
                self.ev("complaint_rejected", "fasilitator", need=need, program=code)
                yield from self._by_rules(need, check=True)
            return False
        ok = yield from self._enrol(code, need)
        if not ok:
            return False
        yield from self._deliver(code, need)
        return True

    def _enrol(self, code: str, need: str):
        m, env, hh = self.m, self.m.env, self.sc.hh
        c = _Case(self._new_id(), hh, need)
        w = self.world()
        decile = int(w["dtks_decile"]) if w["in_dtks"] else int(m.households.verified_decile[hh] or w["true_decile"])
        prio = (self.prio, decile, env.now, c.id)
        ev = env.event()
        m.intake.waiting[code].append((prio, c, ev))
        self.ev("waiting_quota", "program", need=need, program=code)
        r = self.needs.setdefault(need, NeedResult(need))
        r.state, r.program, r.since = "waiting_quota", code, env.now
        t0 = env.now
        ok = yield ev
        if not ok:
            self.ev("lost_patience", "program", need=need, program=code)
            self._close(need, "lost", "patience", code)
            return False
        full = [t for t in m.s.programs[code].intake_times(m.horizon) if t0 <= t < env.now]
        self.ev("enrolled", "program", need=need, program=code, cycles_waited=len(full))
        r.state = "in_process"
        key = P.RECEIPT_FLAGS.get(code)
        if key:
            m.households.col[key][hh] = True
        return True

    def _deliver(self, code: str, need: str):
        m, env, s = self.m, self.m.env, self.m.s
        prog = s.programs[code]
        rounds = 0
        while True:
            yield env.timeout(prog.delivery_days)
            if code == "DUKCAPIL":
                m.households.col["has_kk"][self.sc.hh] = True
                m.households.col["missing_docs"][self.sc.hh] = False
            if self.u_delivery() >= prog.delivery_failure or not s.followup.enabled:
                self.ev("served", "program", need=need, program=code)
                self._close(need, "served", None, code)
                env.process(self._followup_later())
                return
            yield env.timeout(s.followup.delay_days)
            yield from self._visit("followup")
            self._followed_up()
            rounds += 1
            if self._lost() or rounds > s.followup.max_rounds:
                self.ev("lost_followup", "household", need=need, program=code)
                self._close(need, "lost", "too_many_rounds", code)
                return
            self.ev("complaint_delivery", "fasilitator", need=need, program=code)
            yield from self._serve_bo_check()
            yield env.timeout(self._complaint_days())

    def _followup_later(self):
        yield self.m.env.timeout(self.m.s.followup.delay_days)
        yield from self._visit("followup")
        self._followed_up()

    def _followed_up(self) -> None:
        if not self.first_followup.triggered:
            self.ev("followup_visit", "fasilitator")
            self.first_followup.succeed()

    def _complaint_days(self) -> float:
        f = self.m.s.followup
        u = self.u_complaint()
        if u < f.complaint_simple_share:
            return self.t_simple()
        if u < f.complaint_simple_share + f.complaint_investigation_share:
            return self.t_invest()
        return self.t_normal()

    def _by_rules(self, need: str, check: bool = False):
        """The back office handles a need by the rules (:func:`programs.refer` on the checked file)."""
        m, env = self.m, self.m.env
        self.nik_ok = True  # a complaint is registered from the KK: the NIK is right from here on
        if check:
            yield from self._serve_bo_check()
        proposed = False
        while True:
            ref = P.refer(need, self._verified_world(), m.pathway.limits, m.pathway._enabled)
            if ref.program is None and ref.propose_dtks and not proposed:
                proposed = True
                ok = yield from self._dtks_proposal(need)
                if not ok:
                    return
                continue
            if ref.program is None:
                reason = ref.verdicts[-1].reasons[-1] if ref.verdicts else "no_programme"
                self.ev("closed_ineligible", "bo", need=need, reason=reason)
                self._close(need, "ineligible", reason)
                return
            yield from self._assess()
            self.letters[need] = self.letters.get(need, 0) + 1
            self.ev("referred", "manager", need=need, program=ref.program, by="rules")
            ok = yield from self._enrol(ref.program, need)
            if not ok:
                return
            yield from self._deliver(ref.program, need)
            if ref.documents_first and need != "documents":
                continue
            return

    def _dtks_proposal(self, need: str | None):
        """Verval visit, then wait for the DTKS determination; True once the household is decided."""
        m, env, hh = self.m, self.m.env, self.sc.hh
        self.ev("dtks_proposed", "bo", need=need)
        village = int(m.households.col["village_idx"][hh])
        accepted = yield m.dtks.deliberate(hh, village)  # the village's musdes/muskel
        if not accepted:
            self.ev("dtks_deliberation_rejected", "village")
            return True
        self.ev("dtks_deliberation_accepted", "village")
        yield from self._visit("verval")
        self.nik_ok = True
        d = self._measure()
        m.households.verified_decile[hh] = d
        self.ev("verval_done", "fasilitator", decile=d)
        yield m.dtks.submit(hh, village, d)  # operator entry, approval, determination
        listed = bool(m.households.col["in_dtks"][hh])
        self.ev("dtks_determined", "dtks", listed=listed, decile=int(m.households.col["dtks_decile"][hh]))
        return True

    def _propose(self, needs: list[str]):
        """``propose_dtks``: the BO checks the DTKS first; a household found listed is referred by the rules."""
        listed = yield from self._check_dtks("bo")
        if listed:
            self.ev("proposal_not_needed", "bo")
        else:
            yield from self._dtks_proposal(None)
        procs = [self.m.env.process(self._by_rules(n)) for n in needs]
        for p in procs:
            yield p

    def _dukcapil_first(self, needs: list[str]):
        """``dukcapil_first``: Dukcapil completes the documents, then the BO refers the other needs."""
        m, env = self.m, self.m.env
        verdict = P.check("DUKCAPIL", self.world(), m.pathway.limits)
        self.ev("sent_dukcapil", self.sc.by)
        if verdict.eligible:
            ok = yield from self._enrol("DUKCAPIL", "documents")
            if not ok:
                return
            yield from self._deliver("DUKCAPIL", "documents")
        else:
            yield env.timeout(m.s.programs["DUKCAPIL"].delivery_days)
            self.ev("dukcapil_nothing", "dukcapil", reason="rule.dukcapil.complete")
        self.nik_ok = True
        others = [n for n in needs if n != "documents"]
        if "documents" in needs and not verdict.eligible:
            self._close("documents", "ineligible", "rule.dukcapil.complete")
        procs = [env.process(self._by_rules(n, check=True)) for n in others]
        for p in procs:
            yield p

    def _resurface(self):
        """Unmet needs come back at the first follow-up visit, or when the household walks in again."""
        m, env = self.m, self.m.env
        walk = m.s.walkin
        again = None
        if self.u_walkin() < walk.puskesos_propensity:
            again = env.timeout(self.sc.arrive - env.now + self.t_walkin())
        yield (self.first_followup | again) if again is not None else self.first_followup
        route = "complaint_followup" if self.first_followup.triggered else "walk_in_again"
        for n in list(self.unmet):
            self.ev(route, "fasilitator" if route == "complaint_followup" else "household", need=n)
            env.process(self._by_rules(n, check=True))
        self.unmet = []

    def finish(self) -> None:
        """At the horizon: needs never routed are unmet."""
        for n in self.unmet:
            r = self.needs.setdefault(n, NeedResult(n))
            if r.state not in ("served",):
                r.state = "unmet"


class ScriptedModel(Model):
    """A :class:`Model` whose listed households follow their :class:`Script` instead of drawn needs."""

    def __init__(self, scenario, population, seed: np.random.SeedSequence, scripts: list[Script], **kw):
        super().__init__(scenario, population, seed, **kw)
        self.village_list = [v for _, v in scenario.region.villages()]
        self.scripted = []
        skip = frozenset(int(sc.hh) for sc in scripts)
        start = self.arrivals.start

        def start_without_scripted(needs, village_of):  # the scripts stand for these households' needs
            return start([x for x in needs if x[1] not in skip], village_of)
        self.arrivals.start = start_without_scripted
        obs = self.fasilitators.observation
        if obs is not None:  # a scripted household's record changes only through its own case
            note = obs.note

            def note_unless_scripted(h: int, v: int, z: float) -> None:
                if h not in skip:
                    note(h, v, z)
            self.fasilitators.observation = obs._replace(note=note_unless_scripted)
        base = np.random.SeedSequence(entropy=seed.entropy, spawn_key=tuple(seed.spawn_key) + (7919,))
        for i, sc in enumerate(scripts):
            hs = np.random.SeedSequence(entropy=base.entropy, spawn_key=base.spawn_key + (int(sc.hh),))
            h = ScriptedHousehold(self, sc, i, hs)
            self.scripted.append(h)
            self.env.process(h.run())

    def run(self):
        record = super().run()
        for h in self.scripted:
            h.finish()
        return record
