"""The steps of a role-play household: it walks in with its file and the file decides.

:class:`FiledSteps` is a part of :class:`slrt_sim.model.pathway.Pathway` (a mixin, so the steps
share the pathway's offices, event log and common steps): a role-play household
(a :class:`~slrt_sim.model.decisions.HouseholdFile`) walks in with all its needs at once, one
registration records them as its file says, and the letters, the DTKS proposal, Dukcapil or the
SKTM check follow what the file decided. From the point where the file says nothing more (a
complaint, a need that comes back, a referral after Dukcapil) the rules decide through the
pathway's own :meth:`~slrt_sim.model.pathway.Pathway.refer_and_enrol`.
"""
from __future__ import annotations



from slrt_sim.domain import programs as P


class FiledSteps:
    """The role-play household's steps of :class:`~slrt_sim.model.pathway.Pathway`."""

    def household(self, f):
        """A role-play household walks in with its file (a :class:`~slrt_sim.model.decisions.HouseholdFile`):
        one registration for all its needs, then what the file decided."""
        env, sc, pol = self.env, f.script, f.policy
        if sc.arrive > env.now:
            yield env.timeout(sc.arrive - env.now)
        home = f.home
        self.note(home, "walk_in", "household", fast_track=sc.fast_track)
        env.process(self._resurface(f))
        yield from self.serve_fo(f.village, f.office, f.rs, f.prio)
        self.note(home, "registered", pol.registrar, needs=list(sc.needs), nik_ok=sc.nik_ok, fast_track=sc.fast_track)
        for n in sc.true_needs:
            if n not in sc.needs and f.should_serve(n):
                self._note_need(f, n, "need_not_recorded", pol.registrar)
                f.unmet.append(n)
        for n in sc.needs:
            if n == "information":
                c = f.case(n)
                self.note(c, "information_given", pol.by)
                f.close(c, "served", "closed_on_spot")
        real = [n for n in sc.needs if n != "information"]
        if sc.decision == "close_info" or not real:
            for n in real:
                c = f.case(n)
                self.note(c, "closed_info", pol.by)
                f.close(c, "closed_info", "closed_info")
                if f.should_serve(n):
                    f.unmet.append(n)
            if sc.sktm == "verify":
                env.process(self._verify_sktm(f))
        elif sc.decision == "dukcapil_first":
            yield from self._dukcapil_first(f, real)
        elif sc.decision == "propose_dtks":
            yield from self._propose_first(f, real)
        else:
            yield from self._refer_as_filed(f, real)

    def _note_need(self, f, need: str, event: str, actor: str, **detail) -> None:
        self.log.add(f.hh, f.home.id, event, f.office, actor, need, None, detail or None)

    def _check_file(self, f, actor: str):
        """The BO's DTKS check by the NIK on the file: a mistyped NIK finds nothing, so a verval visit
        reads the KK, corrects the NIK, and the check is repeated. True if the household is listed.
        A record the DTKS holds with the NIK mistyped (``script.dtks_nik_wrong``) is found by name: the
        step says so and that a correction is proposed (``nik_fix``: at once, or after that verval)."""
        yield from self.bo_check(f.village, f.office, f.rs, f.prio)
        listed, fix = bool(self.hh.col["in_dtks"][f.hh]), "proposed"
        if listed and not f.nik_ok:
            self.note(f.home, "dtks_nik_not_found", actor)
            yield from f.visit(f.village, "verval")
            f.nik_ok, fix = True, "after_verval"
            self.note(f.home, "verval_nik_corrected", "fasilitator", "village")
            yield from self.bo_check(f.village, f.office, f.rs, f.prio)
        return self._dtks_status(f.home, **({"dtks_nik": "wrong", "nik_fix": fix} if f.script.dtks_nik_wrong else {}))

    def _verify_sktm(self, f):
        """The SKTM is checked by a verval visit; a better-off listed household is delisted at the next
        determination (the removal decided with the recorded decile)."""
        yield from f.visit(f.village, "verval")
        d = yield from self.record_verval(f.home, f)
        self.note(f.home, "sktm_verval", "fasilitator", "village", decile=d)
        if d > self.s.database.max_decile and self.hh.col["in_dtks"][f.hh]:
            determined = self.dtks.submit(f.hh, f.village, d)
            if not determined.triggered:
                determined.callbacks.append(self._determined(f.home, removal=True))

    def _refer_as_filed(self, f, needs: list[str]):
        """``refer_bo``: the BO checks the DTKS, then sends the letters the file asks for; a recorded
        need without a letter that the DTKS misses is proposed, the others have no letter."""
        env, sc, pol = self.env, f.script, f.policy
        if sc.sktm == "verify":
            yield from self._verify_sktm(f)
        if self.lost(f.rs):
            self.note(f.home, "lost_unreachable", "household")
            for n in needs:
                f.close(f.case(n), "lost", "unreachable")
            return
        yield from self._check_file(f, "bo")
        letters = pol.letters(needs)
        f.unmet = [n for n in f.unmet if n not in letters.values()]  # a letter answers it after all
        yield from self.assess(f.rs, f.prio)
        for need in letters.values():
            f.letters[need] = f.letters.get(need, 0) + 1
        procs = [env.process(self._letter(f, code, need)) for code, need in letters.items()]
        covered = set(letters.values())
        for n in needs:
            if n in covered:
                continue
            ref = pol.refer(n, self.office_view(f.hh))
            if ref.program is None and ref.propose_dtks:
                procs.append(env.process(self._by_rules(f, n)))  # the BO proposes a household the DTKS misses
                continue
            c = f.case(n)
            self.note(c, "no_letter", pol.by)
            f.close(c, "unmet", "no_letter")
            if f.should_serve(n):
                f.unmet.append(n)
        for p in procs:
            yield p

    def _letter(self, f, code: str, need: str):
        """One letter of the file: the programme checks its own rule at its next intake (a wrong letter
        is rejected, found at the follow-up and comes back as a complaint), else intake, delivery and
        follow-up."""
        env, pol = self.env, f.policy
        c = f.case(need)
        c.program = code
        c.t_referred = env.now
        if pol.by != "rules":
            self.note(c, "referred", "manager", "district", code, by=pol.by)
        view = self.office_view(f.hh)
        verdict = P.check(code, view, self.limits)
        reason = None
        if not f.nik_ok and code != "DUKCAPIL":
            reason = "oc.reason.nik_mismatch"
        elif not verdict.eligible:
            reason = P.decisive_reason(verdict)
        elif P.already_receives(view, code):
            reason = "oc.reason.already_receives"
        if reason is not None:
            t = next((t for t in self.s.programs[code].intake_times(self.intake.horizon) if t >= env.now), None)
            if t is None:
                f.close(c, "in_process", "letter_pending")
                return
            yield env.timeout(t - env.now)
            self.note(c, "programme_rejected", "program", code, code, reason=reason, by=pol.by)
            f.letters[need] -= 1
            if f.letters[need] > 0 or f.needs[need].state == "served":
                return  # another letter answers this need
            f.close(c, "rejected", reason)
            yield env.timeout(self.s.followup.delay_days)
            yield from f.visit(f.village, "followup")
            f.followed_up()
            if f.should_serve(need):
                self.note(c, "complaint_rejected", "fasilitator", "village", code)
                yield from self._by_rules(f, need, check=True)
            return
        held = self._places.get((f.hh, code))
        if held is not None:
            self.note(c, "same_place", "bo", "district", code)
            state, why = yield held[1]
            self._joined_end(c, f, code, state, why, held[0].need)
            return
        ok = yield from self.enrol(c, code, f)
        if not ok:
            return
        yield env.timeout(self.s.programs[code].delivery_days)
        if code == "DUKCAPIL":
            self.hh.documents_done(f.hh)
        yield from self.follow_up(c, f, f.prio)

    def _by_rules(self, f, need: str, check: bool = False):
        """The back office handles a need by the rules, through the background's own steps."""
        f.nik_ok = True  # a complaint is registered from the KK: the NIK is right from here on
        if check:
            yield from self.bo_check(f.village, f.office, f.rs, f.prio)
        c = f.case(need)
        outcome = yield from self.refer_and_enrol(c, f, f.prio)
        if outcome == "delivered":
            yield from self.follow_up(c, f, f.prio)

    def _propose_first(self, f, needs: list[str]):
        """``propose_dtks``: the BO checks the DTKS first; a household found listed needs no proposal."""
        listed = yield from self._check_file(f, "bo")
        if listed:
            self.note(f.home, "proposal_not_needed", "bo")
        else:
            yield from self.propose(f.home, f)
        procs = [self.env.process(self._by_rules(f, n)) for n in needs]
        for p in procs:
            yield p

    def _dukcapil_first(self, f, needs: list[str]):
        """``dukcapil_first``: Dukcapil completes the documents, then the BO refers the other needs."""
        env = self.env
        verdict = P.check("DUKCAPIL", self.office_view(f.hh), self.limits)
        self.note(f.home, "sent_dukcapil", f.policy.by)
        if verdict.eligible:
            c = f.case("documents")
            c.program = "DUKCAPIL"
            ok = yield from self.enrol(c, "DUKCAPIL", f)
            if not ok:
                return
            yield env.timeout(self.s.programs["DUKCAPIL"].delivery_days)
            self.hh.documents_done(f.hh)
            yield from self.follow_up(c, f, f.prio)
        else:
            yield env.timeout(self.s.programs["DUKCAPIL"].delivery_days)
            self.note(f.home, "dukcapil_nothing", "dukcapil", "DUKCAPIL", reason="rule.dukcapil.complete")
            if "documents" in needs:
                f.close(f.case("documents"), "ineligible", "rule.dukcapil.complete")
        f.nik_ok = True
        procs = [env.process(self._by_rules(f, n, check=True)) for n in needs if n != "documents"]
        for p in procs:
            yield p

    def _resurface(self, f):
        """Unmet needs come back at the first follow-up visit, or when the household walks in again."""
        env = self.env
        again = None
        if f.rs.u_walkin() < self.s.walkin.puskesos_propensity:
            again = env.timeout(f.script.arrive - env.now + f.rs.t_walkin_delay())
        yield (f.first_followup | again) if again is not None else f.first_followup
        route = "complaint_followup" if f.first_followup.triggered else "walk_in_again"
        for n in list(f.unmet):
            self._note_need(f, n, route, "fasilitator" if route == "complaint_followup" else "household")
            env.process(self._by_rules(f, n, check=True))
        f.unmet = []
