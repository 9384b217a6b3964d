"""The pathway of one case, from identification to the end (DOMAIN.md, "The flow").

Read :meth:`Pathway.case` top to bottom for the flow in integrated mode:

3. registration: a walk-in at the village Puskesos (where there is one) or at the
   district front office (FO); outreach cases on the fasilitator's tablet, or on paper
   forms that reach the district in batches and are typed in by the district FO (some
   sent back to the fasilitator for correction); ``information`` needs are closed on
   the spot;
4. back office (BO) database check against the DTKS (the household may be unreachable);
5. referral with :func:`slrt_sim.domain.programs.refer` (the same rules that grade the
   role play); a household missing documents goes to Dukcapil first; one that would
   qualify once listed is proposed: village deliberation, verval home visit, operator
   entry, approval at the determination (:mod:`~slrt_sim.model.dtks`); BO assessment and
   the manager's decision;
6. the programme enrols it at its intake cycle, within its quota (:mod:`~slrt_sim.model.cycles`);
7. delivery, then the fasilitator's follow-up visit: a delivery that failed becomes a
   complaint and goes round again from the BO (at most ``followup.max_rounds``).

In *fragmented* mode (:meth:`Pathway.fragmented`, the "before SLRT" comparison) the one
office of the one programme a household needs checks only its own list; nobody follows up.
"""
from __future__ import annotations

import math
from typing import Callable

import simpy

from slrt_sim.domain import programs as P
from slrt_sim.model.cases import Case, Ledger
from slrt_sim.model.cycles import ProgrammeIntake
from slrt_sim.model.dtks import DtksUpdating
from slrt_sim.model.households import Households
from slrt_sim.model.outreach import Fasilitators
from slrt_sim.model.resources import Closed, Staff
from slrt_sim.model.streams import Streams


class Pathway:
    """The steps of a case, handed the offices, the fasilitators and the cycles they use."""

    def __init__(self, env: simpy.Environment, scenario, cal, staff: Staff, ledger: Ledger, households: Households,
                 streams: Streams, fasilitators: Fasilitators, intake: ProgrammeIntake, dtks: DtksUpdating,
                 measure: Callable[[int], int], *, integrated: bool):
        self.env, self.s, self.cal, self.staff, self.ledger, self.hh = env, scenario, cal, staff, ledger, households
        self.rs, self.fas, self.intake, self.dtks = streams, fasilitators, intake, dtks
        self.measure = measure
        self.integrated = integrated
        self.limits = P.Limits.from_scenario(scenario)

    def start(self, c: Case, delay: float = 0.0) -> None:
        self.env.process(self.case(c, delay))

    # ------------------------------------------------------------------ one case
    def case(self, c: Case, delay: float = 0.0):
        env = self.env
        s = self.s
        staff = self.staff
        ledger = self.ledger
        if delay > 0:
            yield env.timeout(delay)
        prio = 0 if c.fast_track else 1
        v = c.village
        # 3. registration
        if c.route == "walkin":
            if self.integrated and v in staff.fo_pk:
                c.office = "puskesos"
                yield from staff.serve(staff.fo_pk[v], staff.logs["fo_puskesos"], self.rs.t_fo(), prio)
            else:
                c.office = "district"
                yield from staff.serve(staff.fo_district, staff.logs["fo_district"], self.rs.t_fo(), prio)
            c.t_registered = env.now
            if s.fo_closes_all or c.need == "information":
                ledger.close(c, "served", "closed_on_spot")
                return
        else:
            c.office = "fasilitator"
            if c.need == "information":
                c.t_registered = env.now
                ledger.close(c, "served", "closed_on_spot")
                return
            if s.data_entry.mode == "paper":
                yield from self.paper_entry(c, prio)
            c.t_registered = env.now
        if not self.integrated:
            yield from self.fragmented(c, prio)
            return
        # 4. database check
        if self._lost():
            ledger.close(c, "lost", "unreachable")
            return
        bo = staff.bo_pk.get(v) if c.office == "puskesos" else None
        if bo is not None and not isinstance(bo, Closed):
            yield from staff.serve(bo, staff.logs["bo_puskesos"], self.rs.t_bo_check(), prio)
        else:
            yield from staff.serve(staff.bo_district, staff.logs["bo_district"], self.rs.t_bo_check(), prio)
        c.t_checked = env.now
        # 5-6. referral and programme
        outcome = yield from self.refer_and_enrol(c, prio)
        if outcome != "delivered":
            return
        # 7. delivery and follow-up
        yield from self.follow_up(c, prio)

    def paper_entry(self, c: Case, prio: int):
        """Paper forms reach the district in batches, during office hours, and are typed in by the FO.

        The forms' waits in the pile are logged as stage ``fo_paper``; the typing counts as
        work of the district FO staff."""
        env = self.env
        s = self.s
        staff = self.staff
        batch = s.data_entry.paper_batch_days
        while True:
            nxt = self.cal.next_open((math.floor(env.now / batch) + 1) * batch)
            yield env.timeout(nxt - env.now)
            yield from staff.serve(staff.fo_district, staff.logs["fo_paper"], self.rs.t_paper(), prio,
                                   staff.logs["fo_district"])
            if self.rs.u_paper_error() >= s.data_entry.paper_error_rate:
                return
            ev = env.event()
            self.fas.task(c.village, "correction", ev)
            yield ev

    def refer_and_enrol(self, c: Case, prio: int):
        """Steps 5 and 6. Returns ``"delivered"`` or ends the case and returns ``"closed"``."""
        env = self.env
        s = self.s
        staff = self.staff
        enabled = self._enabled
        limits = self.limits
        profile = self.hh.profile
        proposed = False
        while True:
            ref = P.refer(c.need, profile(c.hh), limits, enabled)
            if ref.program is None and ref.propose_dtks and not proposed:
                proposed = True
                # the DTKS proposal: village deliberation, verval visit, operator entry,
                # approval and determination (slrt_sim.model.dtks)
                accepted = yield self.dtks.deliberate(c.hh, c.village)
                if not accepted:
                    continue  # the village did not propose it: explained as not eligible
                ev = env.event()
                self.fas.task(c.village, "verval", ev)
                yield ev
                c.t_verval = env.now
                decile = self.hh.verified_decile[c.hh] = self.measure(c.hh)
                ref = P.refer(c.need, profile(c.hh), limits, enabled)
                if ref.program is None:
                    yield self.dtks.submit(c.hh, c.village, decile)
                    c.t_dtks = env.now
                    continue
            if ref.program is None:
                self.ledger.close(c, "ineligible", ref.verdicts[-1].reasons[-1] if ref.verdicts else "no_programme")
                return "closed"
            # BO assessment and the manager's decision
            yield from staff.serve(staff.bo_district, staff.logs["bo_district"], self.rs.t_bo_assess(), prio)
            yield from staff.serve(staff.manager, staff.logs["manager"], self.rs.t_manager(), prio)
            c.t_referred = env.now
            if c.t_decided is None:
                c.t_decided = env.now
            c.t_enrolled = None  # a referral after Dukcapil starts a new enrolment
            c.program = ref.program
            ok = yield from self.intake.enrol(c, ref.program)
            if not ok:
                return "closed"
            if ref.documents_first and c.need != "documents":
                # documents arrive after Dukcapil's delivery; then the real need is referred
                yield env.timeout(s.programs["DUKCAPIL"].delivery_days)
                self.hh.documents_done(c.hh)
                continue
            yield env.timeout(s.programs[ref.program].delivery_days)
            if ref.program == "DUKCAPIL":
                self.hh.documents_done(c.hh)
            return "delivered"

    def follow_up(self, c: Case, prio: int):
        """Step 7: a service that did not arrive becomes a complaint, found at the follow-up visit."""
        env = self.env
        s = self.s
        staff = self.staff
        ledger = self.ledger
        failure = s.programs[c.program].delivery_failure
        delay = s.followup.delay_days
        while True:
            if self.rs.u_delivery() >= failure:
                ledger.close(c, "served", None)
                if s.followup.enabled:  # the check still takes the fasilitator's time
                    if delay > 0:
                        env.timeout(delay).callbacks.append(self._followup_due(c.village))
                    else:
                        self.fas.task(c.village, "followup")
                return
            if not s.followup.enabled:
                return  # nobody checks: the failure goes unnoticed and the case stays open
            if delay > 0:
                yield env.timeout(delay)  # the fasilitator checks ``followup.delay_days`` after delivery
            ev = env.event()
            self.fas.task(c.village, "followup", ev)
            yield ev
            if self._lost():
                ledger.close(c, "lost", "unreachable")
                return
            c.rounds += 1
            if c.rounds > s.followup.max_rounds:
                ledger.close(c, "lost", "too_many_rounds")
                return
            c.t_complaint = env.now
            # the back office registers the complaint and takes it up with the programme
            yield from staff.serve(staff.bo_district, staff.logs["bo_district"], self.rs.t_bo_check(), prio)
            yield env.timeout(self._complaint_days())

    def fragmented(self, c: Case, prio: int):
        """Before SLRT: the one office of the one programme checks only its own list."""
        env = self.env
        staff = self.staff
        yield from staff.serve(staff.bo_district, staff.logs["bo_district"], self.rs.t_bo_check(), prio)
        c.t_checked = env.now
        for code in P.NEED_PROGRAMS.get(c.need, ()):
            if code == "LOCAL" or not self._enabled(code):
                continue
            verdict = P.check(code, self.hh.profile(c.hh), self.limits)
            if verdict.eligible:
                c.t_referred = c.t_decided = env.now
                c.program = code
                ok = yield from self.intake.enrol(c, code)
                if not ok:
                    return
                yield env.timeout(self.s.programs[code].delivery_days)
                if self.rs.u_delivery() < self.s.programs[code].delivery_failure:
                    return  # nobody follows up: the case stays unresolved
                self.ledger.close(c, "served", None)
                return
            self.ledger.close(c, "ineligible", verdict.reasons[-1])
            return
        self.ledger.close(c, "ineligible", "no_programme")

    # ------------------------------------------------------------------ helpers
    def _followup_due(self, village: int):
        return lambda _timeout: self.fas.task(village, "followup")

    def _enabled(self, code: str) -> bool:
        return self.s.programs[code].enabled

    def _lost(self) -> bool:
        return self.rs.u_lost() < self.s.followup.lost_probability

    def _complaint_days(self) -> float:
        f = self.s.followup
        rs = self.rs
        u = rs.u_complaint()
        if u < f.complaint_simple_share:
            return rs.t_complaint_simple()
        if u < f.complaint_simple_share + f.complaint_investigation_share:
            return rs.t_complaint_investigation()
        return rs.t_complaint_normal()
