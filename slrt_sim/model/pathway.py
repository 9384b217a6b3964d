"""The pathway of every household, from identification to the end (DOMAIN.md, "The flow").

One flow for every household of a run, background or role play. Read :meth:`Pathway.case` top to
bottom for the flow of one need in integrated mode:

3. registration: a walk-in at the village Puskesos (where there is one) or at the
   district front office (FO); outreach cases on the fasilitator's tablet, or on paper
   forms that reach the district in batches and are typed in by the district FO (some
   sent back to the fasilitator for correction); ``information`` needs are closed on
   the spot;
4. back office (BO) database check against the DTKS (the household may be unreachable);
5. referral (:meth:`refer_and_enrol`): the decision policy's referral (the rules:
   :func:`slrt_sim.domain.programs.refer`, the same rules that grade the role play); a household
   missing documents goes to Dukcapil first; one that would qualify once listed is proposed
   (:meth:`propose`): village deliberation, verval home visit, operator entry, approval at the
   determination (:mod:`~slrt_sim.model.dtks`); BO assessment and the manager's decision;
6. the programme enrols it at its intake cycle, within its quota (:mod:`~slrt_sim.model.cycles`),
   ranked by what the office knows (:meth:`slrt_sim.model.households.Households.known_decile`);
7. delivery, then the fasilitator's follow-up visit (:meth:`follow_up`): a delivery that failed
   becomes a complaint and goes round again from the BO (at most ``followup.max_rounds``).

A role-play household (:meth:`Pathway.household`, a :class:`~slrt_sim.model.decisions.Script`)
walks in with all its needs at once: its file decides what was recorded and which letters were
written (:class:`~slrt_sim.model.decisions.FileDecisions`); the steps are the same methods. From
the point where the file says nothing more (a complaint, a need that comes back at a follow-up or
a new walk-in, a referral after Dukcapil) the rules decide, through the same :meth:`refer_and_enrol`.

Household-level steps happen once per household: a household already proposed for the DTKS is
not proposed again for its next need (that need waits for the same decision); a household already
waiting for or enrolled in a programme takes no second place in it for another need (the need
follows the first letter); a household already verval-ed in the run keeps the recorded decile
(one value per moment). Every step writes one row of the run's event log
(:class:`~slrt_sim.model.record.EventLog`), except the fasilitator's follow-up visit after a
background case was served (a "no news" visit, queued as work; see :meth:`follow_up`) and the
M/M/c validation's walk-ins, which :class:`~slrt_sim.model.arrivals.ValidationArrivals` closes on
the spot without a pathway (the benchmark's queue, not SLRT's households).

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
from slrt_sim.model.decisions import Background, decide, hidden
from slrt_sim.model.dtks import DtksUpdating
from slrt_sim.model.filed import FiledSteps
from slrt_sim.model.households import Households
from slrt_sim.model.outreach import Fasilitators
from slrt_sim.model.record import EventLog
from slrt_sim.model.resources import Closed, Staff
from slrt_sim.model.streams import Streams


class Pathway(FiledSteps):
    """The steps of every household, handed the offices, the fasilitators and the cycles they use."""

    def __init__(self, env: simpy.Environment, scenario, cal, staff: Staff, ledger: Ledger, households: Households,
                 streams: Streams, fasilitators: Fasilitators, intake: ProgrammeIntake, dtks: DtksUpdating,
                 measure: Callable[[int], int], *, integrated: bool, log: EventLog | None = None):
        self.env, self.s, self.cal, self.staff, self.ledger, self.hh = env, scenario, cal, staff, ledger, households
        self.rs, self.fas, self.intake, self.dtks = streams, fasilitators, intake, dtks
        self.integrated = integrated
        self.limits = P.Limits.from_scenario(scenario)
        self.log = log if log is not None else EventLog(env)
        self._rows = self.log.rows
        self.background = Background(self, measure)
        self._proposals: dict[int, simpy.Event] = {}   # household -> its DTKS proposal's decision
        self._places: dict[tuple[int, str], tuple[Case, simpy.Event]] = {}  # (household, programme) -> holder

    def enabled(self, code: str) -> bool:
        return self.s.programs[code].enabled

    def office_view(self, hh: int) -> dict:
        """What the offices know of household ``hh`` now: its record (the DTKS as it stands, documents,
        receipts), with the decile of a verval visit in place of the record's where one was made;
        never its true decile."""
        view = hidden(self.hh.profile(hh))
        if view["verified_decile"] and view["in_dtks"]:
            view["dtks_decile"] = view["verified_decile"]
        return view

    def note(self, c: Case, event: str, actor: str, place: str = "", program: str | None = None, **detail) -> None:
        """One row of the event log for case ``c`` (as :meth:`EventLog.add <slrt_sim.model.record.EventLog.add>`)."""
        self._rows.append((c.hh, c.id, event, self.env.now, place or c.office or "", actor, c.need, program,
                           detail or None))

    # ------------------------------------------------------------------ one case (background)
    def case(self, c: Case, delay: float = 0.0):
        env = self.env
        s = self.s
        ledger = self.ledger
        bg = self.background
        if delay > 0:
            yield env.timeout(delay)
        prio = 0 if c.fast_track else 1
        self.note(c, "walk_in" if c.route == "walkin" else "outreach_found", "household" if c.route == "walkin"
                  else "fasilitator", "village")
        # 3. registration
        if c.route == "walkin":
            c.office = "puskesos" if self.integrated and c.village in self.staff.fo_pk else "district"
            yield from self.serve_fo(c.village, c.office, self.rs, prio)
            c.t_registered = env.now
            self.note(c, "registered", "fo")
            if s.fo_closes_all or c.need == "information":
                self.note(c, "information_given", "fo")
                ledger.close(c, "served", "closed_on_spot")
                return
            if (yield from decide(bg, "register", c, c.need)) != "record":
                self.refused(c, bg, "closed_info", "fo")
                return
        else:
            c.office = "fasilitator"
            if c.need == "information":
                c.t_registered = env.now
                self.note(c, "information_given", "fasilitator")
                ledger.close(c, "served", "closed_on_spot")
                return
            if s.data_entry.mode == "paper":
                yield from self.paper_entry(c, prio)
            c.t_registered = env.now
            self.note(c, "registered", "fasilitator")
        if not self.integrated:
            yield from self.fragmented(c, prio)
            return
        # 4. database check
        if self.lost(self.rs):
            self.note(c, "lost_unreachable", "household")
            ledger.close(c, "lost", "unreachable")
            return
        yield from self.bo_check(c.village, c.office, self.rs, prio)
        c.t_checked = env.now
        self._dtks_status(c)
        # 5-6. referral and programme
        outcome = yield from self.refer_and_enrol(c, bg, prio)
        if outcome != "delivered":
            return
        # 7. delivery and follow-up
        yield from self.follow_up(c, bg, prio)

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
            self.note(c, "paper_correction", "fo", "district")
            ev = env.event()
            self.fas.task(c.village, "correction", ev)
            yield ev

    # ------------------------------------------------------------------ shared steps
    def serve_fo(self, village: int, office: str, rs, prio: int):
        """Registration at the village Puskesos' FO (``office == "puskesos"``) or the district FO."""
        staff = self.staff
        if office == "puskesos":
            yield from staff.serve(staff.fo_pk[village], staff.logs["fo_puskesos"], rs.t_fo(), prio)
        else:
            yield from staff.serve(staff.fo_district, staff.logs["fo_district"], rs.t_fo(), prio)

    def bo_check(self, village: int, office: str | None, rs, prio: int):
        """The BO's DTKS check: at the Puskesos that registered the household, else at the district."""
        staff = self.staff
        bo = staff.bo_pk.get(village) if office == "puskesos" else None
        if bo is not None and not isinstance(bo, Closed):
            yield from staff.serve(bo, staff.logs["bo_puskesos"], rs.t_bo_check(), prio)
        else:
            yield from staff.serve(staff.bo_district, staff.logs["bo_district"], rs.t_bo_check(), prio)

    def _dtks_status(self, c: Case, actor: str = "bo", **found) -> bool:
        col = self.hh.col
        listed = bool(col["in_dtks"][c.hh])
        self.note(c, "dtks_found" if listed else "dtks_not_listed", actor,
                  decile=int(col["dtks_decile"][c.hh]) if listed else 0, **(found if listed else {}))
        return listed

    def assess(self, rs, prio: int):
        """The BO's assessment and the manager's decision (at the district)."""
        staff = self.staff
        yield from staff.serve(staff.bo_district, staff.logs["bo_district"], rs.t_bo_assess(), prio)
        yield from staff.serve(staff.manager, staff.logs["manager"], rs.t_manager(), prio)

    def record_verval(self, c: Case, track):
        """The verval's decile as the fasilitator records it and the supervisor's check leaves it (once
        per household and moment; a generator: a live desk takes time)."""
        measured = track.measure(c.hh)
        decile = yield from decide(track, "record_verval", c, measured)
        decile = self.hh.verified_decile[c.hh] = yield from decide(track, "check_verval", c, decile, measured)
        return decile

    def refused(self, c: Case, track, event: str, actor: str, program: str | None = None) -> None:
        """A desk's "no" (the FO sends the resident home, the manager refuses): the case ends there."""
        self.note(c, event, actor, program=program, reason=event)
        self.end(c, track, "ineligible", event)

    def propose(self, c: Case, track):
        """A DTKS proposal of ``c``'s household: deliberation, verval, entry and determination.

        Returns whether the village accepted it. A household already proposed is not proposed again:
        the case waits for the same decision."""
        env, hh, v = self.env, c.hh, c.village
        pending = self._proposals.get(hh)
        if pending is not None:
            accepted = yield pending
            return accepted
        done = self._proposals[hh] = env.event()
        self.note(c, "dtks_proposed", "bo")
        accepted = yield self.dtks.deliberate(hh, v)
        if accepted is not None:  # None: the case waited for the household's item already under way
            self.note(c, "dtks_deliberation_accepted" if accepted else "dtks_deliberation_rejected", "village",
                      "village")
        if accepted:
            if self.hh.verified_decile[hh]:
                decile = self.hh.verified_decile[hh]  # verval-ed already in the run: the recorded decile stands
            else:
                yield from track.visit(v, "verval")
                decile = yield from self.record_verval(c, track)
                self.note(c, "verval_done", "fasilitator", "village", decile=decile)
            c.t_verval = env.now
            determined = self.dtks.submit(hh, v, decile)
            if not determined.triggered:  # (triggered at once: the record already says so, nothing to decide)
                determined.callbacks.append(self._determined(c))
            if c.need is None or track.policy.refer(c.need, self.office_view(hh)).program is None:
                yield determined  # nothing opens before the determination
                c.t_dtks = env.now
        del self._proposals[hh]
        done.succeed(accepted)
        return accepted

    def _determined(self, c: Case, removal: bool = False):
        """Log the determination's decision on the household's record (a removal's as kept or removed)."""
        def log(ev) -> None:
            col = self.hh.col
            listed = bool(ev.value)
            event = ("dtks_removal_refused" if listed else "dtks_removed") if removal else "dtks_determined"
            self.note(c, event, "dtks", "district", listed=listed, decile=int(col["dtks_decile"][c.hh]))
        return log

    def refer_and_enrol(self, c: Case, track, prio: int):
        """Steps 5 and 6 by the rules of ``track``'s policy. Returns ``"delivered"`` or ends the case
        and returns ``"closed"`` (``"joined"``: the need follows the household's letter for the same
        programme, and ends with it)."""
        env = self.env
        s = self.s
        proposed = False
        while True:
            ref = yield from decide(track, "refer", c, c.need, self.office_view(c.hh))
            if ref.program is None and ref.propose_dtks and not proposed:
                proposed = True
                yield from self.propose(c, track)
                continue
            if ref.program is None:
                reason = ref.verdicts[-1].reasons[-1] if ref.verdicts else "no_programme"
                self.note(c, "closed_ineligible", "bo", program=ref.verdicts[-1].program if ref.verdicts else None,
                          reason=reason)
                self.end(c, track, "ineligible", reason)
                return "closed"
            code = ref.program
            # BO assessment and the manager's decision
            yield from self.assess(track.rs, prio)
            if not (yield from decide(track, "approve", c, code)):
                self.refused(c, track, "manager_refused", "manager", code)
                return "closed"
            c.t_referred = env.now
            if c.t_decided is None:
                c.t_decided = env.now
            c.t_enrolled = None  # a referral after Dukcapil starts a new enrolment
            c.program = code
            self.note(c, "referred", "manager", "district", code, by=track.by)
            held = self._places.get((c.hh, code))
            if held is not None:
                self.note(c, "same_place", "bo", "district", code)
                state, reason = yield held[1]
                if ref.documents_first and c.need != "documents":
                    continue  # Dukcapil's documents came (or not): the real need is referred again
                self._joined_end(c, track, code, state, reason, held[0].need)
                return "joined"
            ok = yield from self.enrol(c, code, track)
            if not ok:
                return "closed"
            if ref.documents_first and c.need != "documents":
                # documents arrive after Dukcapil's delivery; then the real need is referred
                yield env.timeout(s.programs["DUKCAPIL"].delivery_days)
                self.hh.documents_done(c.hh)
                self.note(c, "documents_ready", "dukcapil", "DUKCAPIL", "DUKCAPIL")
                self._release(c, "served", None)
                continue
            yield env.timeout(s.programs[code].delivery_days)
            if code == "DUKCAPIL":
                self.hh.documents_done(c.hh)
            return "delivered"

    def enrol(self, c: Case, code: str, track):
        """Wait for the programme's intake within its quota, holding the household's place in it."""
        self._places[(c.hh, code)] = (c, self.env.event())
        t0 = self.env.now
        self.note(c, "waiting_quota", "program", code, code)
        ok = yield from self.intake.enrol(c, code, ledger=track.ledger, first=track.first(c))
        if not ok:
            self.note(c, "lost_patience", "program", code, code)
            self._release(c, "lost", "patience")
            return False
        full = sum(1 for t in self.s.programs[code].intake_times(self.intake.horizon) if t0 <= t < self.env.now)
        self.note(c, "enrolled", "program", code, code, cycles_waited=full)
        return True

    def end(self, c: Case, track, state: str, reason: str | None) -> None:
        """Close case ``c`` (and release the programme place it holds, for the needs that follow it)."""
        track.ledger.close(c, state, reason)
        self._release(c, state, reason)

    _CLOSING = {("served", None): "served", ("lost", "patience"): "lost_patience",
                ("lost", "unreachable"): "lost_unreachable", ("lost", "too_many_rounds"): "lost_followup"}

    def _joined_end(self, c: Case, track, code: str, state: str, reason: str | None, held_need: str | None) -> None:
        """A need that followed the household's letter ends as the letter did, in its own row (a
        role-play need that followed a letter for the same need has that letter's row already)."""
        if held_need != c.need or track is self.background:
            self.note(c, self._CLOSING.get((state, reason), "closed_ineligible"), "program", code, code,
                      **({"reason": reason} if state == "ineligible" else {}))
        self.end(c, track, state, reason)

    def _release(self, c: Case, state: str, reason: str | None) -> None:
        key = (c.hh, c.program)
        held = self._places.get(key)
        if held is not None and held[0] is c:
            del self._places[key]
            held[1].succeed((state, reason))

    def follow_up(self, c: Case, track, prio: int):
        """Step 7: a service that did not arrive becomes a complaint, found at the follow-up visit.

        With follow-up off nobody checks: a failed delivery goes unnoticed and the case stays open.
        The follow-up visit after a delivery that arrived still takes the fasilitator's time."""
        env = self.env
        s = self.s
        rs = track.rs
        code = c.program
        failure = s.programs[code].delivery_failure
        delay = s.followup.delay_days
        while True:
            if rs.u_delivery() >= failure:
                self.note(c, "served", "program", code, code)
                self.end(c, track, "served", None)
                if s.followup.enabled:
                    if track is self.background:
                        if delay > 0:
                            env.timeout(delay).callbacks.append(self._followup_due(c.village))
                        else:
                            self.fas.task(c.village, "followup")
                    else:
                        env.process(self._followup_later(c, track))
                return
            if not s.followup.enabled:
                return  # nobody checks: the failure goes unnoticed and the case stays open
            if delay > 0:
                yield env.timeout(delay)  # the fasilitator checks ``followup.delay_days`` after delivery
            yield from track.visit(c.village, "followup")
            track.followed_up()
            if self.lost(rs):
                self.note(c, "lost_unreachable", "household", program=code)
                self.end(c, track, "lost", "unreachable")
                return
            c.rounds += 1
            if c.rounds > s.followup.max_rounds:
                self.note(c, "lost_followup", "household", program=code)
                self.end(c, track, "lost", "too_many_rounds")
                return
            c.t_complaint = env.now
            self.note(c, "complaint_delivery", "fasilitator", "village", code)
            # the back office registers the complaint and takes it up with the programme
            yield from self.bo_check(c.village, None, rs, prio)
            yield env.timeout(self.complaint_days(rs))

    def _followup_later(self, c: Case, track):
        yield self.env.timeout(self.s.followup.delay_days)
        yield from track.visit(c.village, "followup")
        track.followed_up()

    def fragmented(self, c: Case, prio: int):
        """Before SLRT: the one office of the one programme checks only its own list."""
        env = self.env
        staff = self.staff
        yield from staff.serve(staff.bo_district, staff.logs["bo_district"], self.rs.t_bo_check(), prio)
        c.t_checked = env.now
        for code in P.NEED_PROGRAMS.get(c.need, ()):
            if code == "LOCAL" or not self.enabled(code):
                continue
            verdict = P.check(code, self.office_view(c.hh), self.limits)
            if verdict.eligible:
                c.t_referred = c.t_decided = env.now
                c.program = code
                self.note(c, "referred", "program", code, code, by="rules")
                ok = yield from self.enrol(c, code, self.background)
                if not ok:
                    return
                yield env.timeout(self.s.programs[code].delivery_days)
                if self.rs.u_delivery() < self.s.programs[code].delivery_failure:
                    return  # nobody follows up: the case stays unresolved
                self.note(c, "served", "program", code, code)
                self.end(c, self.background, "served", None)
                return
            self.note(c, "closed_ineligible", "program", code, code, reason=verdict.reasons[-1])
            self.ledger.close(c, "ineligible", verdict.reasons[-1])
            return
        self.note(c, "closed_ineligible", "program", reason="no_programme")
        self.ledger.close(c, "ineligible", "no_programme")

    # ------------------------------------------------------------------ helpers
    def _followup_due(self, village: int):
        return lambda _timeout: self.fas.task(village, "followup")

    def lost(self, rs) -> bool:
        return rs.u_lost() < self.s.followup.lost_probability

    def complaint_days(self, rs) -> float:
        f = self.s.followup
        u = rs.u_complaint()
        if u < f.complaint_simple_share:
            return rs.t_complaint_simple()
        if u < f.complaint_simple_share + f.complaint_investigation_share:
            return rs.t_complaint_investigation()
        return rs.t_complaint_normal()
