"""The SLRT flow as a SimPy model (DOMAIN.md, "The flow"): one replication, assembled.

One :class:`Model` is one replication of one scenario on one population; :meth:`Model.run`
returns a :class:`~slrt_sim.model.record.RunRecord`. The model is made of collaborators,
each handed what it needs (none calls back into the model):

==========================  =================================================================
:mod:`.streams`             seeds and one random stream per source of randomness
:mod:`.cases`               the case record, its states, and the ledger of all cases
:mod:`.households`          the households' columns and what a run changes about them
:mod:`.resources`           staff as queueing resources (FIFO pool, fast-track priority)
:mod:`.arrivals`            needs arising, walk-ins, the validation arrivals
:mod:`.outreach`            fasilitators' days: verval, follow-up, corrections, outreach visits
:mod:`.pathway`             **the flow of every household**: registration → check → referral → programme
:mod:`.decisions`           who decides at the desks: the rules, a role-play file (its household's track)
:mod:`.record`              the run's record and its one event log
:mod:`.cycles`              programme intake cycles
:mod:`.dtks`                DTKS updating: notes, supervisors, musdes, operators, determination
:mod:`.monitoring`          the daily timeline and progress calls
:mod:`.engine`              running the environment while counting events
==========================  =================================================================

Staff are SimPy resources: FO, BO per Puskesos and at the district, the manager (a
priority resource when the scenario has a fast track; without one a FIFO pool that
computes each start from the earliest-free staff member). Events are recorded into
plain lists; DataFrames are built once at the end (:mod:`slrt_sim.experiments.results`).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import simpy

from slrt_sim.domain.calendar import WorkCalendar
from slrt_sim.domain.scenario import Scenario
from slrt_sim.model.arrivals import NeedArrivals, ValidationArrivals, draw_needs
from slrt_sim.model.cases import CASE_FIELDS, STAGES, STATES, Case, Ledger  # noqa: F401 - re-exported
from slrt_sim.model.cycles import ProgrammeIntake
from slrt_sim.model.decisions import HouseholdFile, Script, file_policy
from slrt_sim.model.dtks import DtksUpdating
from slrt_sim.model.engine import run_until
from slrt_sim.model.households import Households
from slrt_sim.model.monitoring import Monitor
from slrt_sim.model.outreach import Fasilitators
from slrt_sim.model.pathway import Pathway
from slrt_sim.model.record import EventLog, RunRecord
from slrt_sim.model.resources import FifoPool, Staff  # noqa: F401 - re-exported
from slrt_sim.model.streams import STREAMS, Streams, population_seed, replication_seed  # noqa: F401


_CALENDARS: dict[tuple, WorkCalendar] = {}


def _calendar(cal, horizon: float) -> WorkCalendar:
    """The working calendar of ``cal`` to ``horizon``, made once per process (it is never changed
    after it is made; the role play's class view makes dozens of runs of one scenario)."""
    key = (cal.kind, cal.start_date, cal.open_hour, cal.close_hour, cal.hours_per_day, tuple(cal.workdays),
           tuple(cal.holidays), float(horizon))
    wc = _CALENDARS.get(key)
    if wc is None:
        if len(_CALENDARS) >= 32:
            _CALENDARS.clear()
        wc = _CALENDARS[key] = WorkCalendar(cal, horizon)
    return wc


class Model:
    """One replication of one scenario on one population."""

    def __init__(self, scenario: Scenario, population: Any, seed: np.random.SeedSequence | int | None = None,
                 progress: Callable[[float], None] | None = None, exact_resources: bool = False,
                 scripts: Sequence[Script] = ()):
        """``seed``: a seed sequence, or a replication number of the scenario's seed.
        ``exact_resources=True`` uses ``simpy.Resource`` even where a FIFO pool gives the
        same result with fewer events (the tests compare the two).

        ``scripts``: role-play households (:class:`~slrt_sim.model.decisions.Script`) that walk in
        with their files instead of drawn needs (:meth:`slrt_sim.model.pathway.Pathway.household`).
        Their record changes only through their own pathway (outreach visits note nothing about
        them), and they draw from their own streams (:class:`~slrt_sim.model.decisions.HouseholdStreams`,
        spawned from the run's seed and the household): two runs that differ only in one file see
        the same background needs, arrivals and service times."""
        self.s = s = scenario
        if seed is None:
            seed = replication_seed(s.seed, 0)
        elif isinstance(seed, int):
            seed = replication_seed(s.seed, seed)
        self.env = env = simpy.Environment()
        self.log = EventLog(env)
        self.scripted_hh = frozenset(int(sc.hh) for sc in scripts)
        self.cal = cal = _calendar(s.calendar, s.horizon_days)
        self.horizon = horizon = float(s.horizon_days)
        self.warmup = warmup = float(s.warmup_days)
        self.integrated = integrated = s.mode == "integrated"
        self.rs = rs = Streams(s, seed)
        villages = [v for _, v in s.region.villages()]
        self.households = hh = Households(population.households, len(villages))
        self.ledger = ledger = Ledger(env, hh.col["vulnerable"], s.walkin.fast_track, integrated)
        # a Puskesos without FO staff registers nobody: its residents walk in to the district FO
        puskesos = [vi for vi, v in enumerate(villages) if v.puskesos and integrated and s.staffing.puskesos_fo > 0]
        n_fac = [s.fasilitators_in(v) for v in villages]
        self.staff = staff = Staff(env, cal, s.staffing, puskesos, fast_track=s.walkin.fast_track,
                                   exact=exact_resources, warmup=warmup, horizon=horizon, fasilitators=sum(n_fac))
        hh.draw_record_errors(rs.gen["record_error"], s.dtks.visit_accuracy_sd)
        sd = s.dtks.verval_accuracy_sd

        def measure(h: int) -> int:
            return hh.verval(h, sd * rs.n_verval())

        self.intake = ProgrammeIntake(env, s, ledger, hh, horizon)
        self.dtks = DtksUpdating(env, s, cal, hh, rs, len(villages), horizon, measure,
                                 outreach_notes=integrated and s.outreach.enabled and s.outreach.update_database)
        self.fasilitators = Fasilitators(
            env, s, cal, villages, n_fac, hh, rs, staff.logs["fasilitator"], ledger,
            outreach=s.outreach.enabled and integrated, warmup=warmup, horizon=horizon,
            start_case=self._start_case, observation=self._observation())
        self.dtks.connect(self.fasilitators.task)
        self.pathway = Pathway(env, s, cal, staff, ledger, hh, rs, self.fasilitators, self.intake, self.dtks, measure,
                               integrated=integrated, log=self.log)
        self.arrivals = NeedArrivals(env, s, cal, ledger, rs, frozenset(puskesos), horizon, self._start_case)
        self.arrivals.refer = self.fasilitators.refer
        self.validation = ValidationArrivals(env, s, ledger, hh, staff, rs, cal,
                                             on_spot_possible=not (integrated and puskesos),
                                             warmup=warmup, horizon=horizon, start_case=self._start_case)
        self.monitor = Monitor(env, ledger.counts, horizon, progress)
        self.events_processed = 0
        self._started = False
        self.files = self._files(scripts, seed, villages)

    def _observation(self):
        """How outreach visits observe households for the DTKS, role-play households left out."""
        obs = self.dtks.observation()
        if obs is None or not self.scripted_hh:
            return obs
        skip, note = self.scripted_hh, obs.note

        def note_unless_scripted(h: int, v: int, z: float) -> None:
            if h not in skip:
                note(h, v, z)
        return obs._replace(note=note_unless_scripted)

    def _files(self, scripts: Sequence[Script], seed: np.random.SeedSequence, villages) -> list[HouseholdFile]:
        base = np.random.SeedSequence(entropy=seed.entropy, spawn_key=tuple(seed.spawn_key) + (7919,))
        col = self.households.col
        out = []
        for i, sc in enumerate(scripts):
            v = int(col["village_idx"][sc.hh])
            hs = np.random.SeedSequence(entropy=base.entropy, spawn_key=base.spawn_key + (int(sc.hh),))
            out.append(HouseholdFile(
                sc, i, hs, self.s, file_policy(sc, self.pathway.limits, self.pathway.enabled, self.s.database.max_decile), env=self.env,
                cal=self.cal, village=v, office="puskesos" if v in self.staff.fo_pk else "district",
                travel_minutes=villages[v].travel_minutes, true_decile=int(col["true_decile"][sc.hh]), log=self.log))
        return out

    def _start_case(self, c: Case, delay: float = 0.0) -> None:
        self.env.process(self.pathway.case(c, delay))

    def start(self) -> None:
        """Schedule the replication's processes (done once; :meth:`run` calls it if needed)."""
        if self._started:
            return
        self._started = True
        s = self.s
        if self.warmup > 0:
            self.env.process(self._listing_after_warmup())
        if s.walkin.rate_per_day:
            self.validation.start(s.walkin.rate_per_day)
        else:
            needs = draw_needs(s, self.households, self.rs, self.horizon)
            if self.scripted_hh:  # the files stand for these households' needs
                needs = [x for x in needs if x[1] not in self.scripted_hh]
            self.arrivals.start(needs, self.households.col["village_idx"])
        for f in self.files:
            self.env.process(self.pathway.household(f))
        self.fasilitators.start()
        self.intake.start()
        if self.integrated:
            self.dtks.start()
        self.monitor.start()

    def _listing_after_warmup(self):
        """At the end of the warm-up, the DTKS listing becomes the run's "start" listing: the
        exclusion and inclusion errors "at the start" are those of the measured period."""
        yield self.env.timeout(self.warmup)
        self.households.snapshot_listing()

    def run(self) -> RunRecord:
        """Run the replication to the horizon and return its record."""
        self.start()
        self.events_processed += run_until(self.env, self.horizon)
        self.monitor.done()
        for f in self.files:
            f.finish()
        return self.record()

    def record(self) -> RunRecord:
        """The run's record (cases, stage logs, DTKS listing, counters) as it stands now."""
        hh = self.households
        return RunRecord(
            scenario=self.s, warmup=self.warmup, horizon=self.horizon,
            working_minutes=self.cal.working_minutes(self.warmup, self.horizon),
            working_days=self.cal.working_days(self.warmup, self.horizon),
            households=hh.n, cases=self.ledger.cases, state_counts=dict(self.ledger.counts),
            stages=self.staff.logs, timeline=self.monitor.timeline,
            dtks_start=hh.dtks_start[0], dtks_end=hh.in_dtks(), true_decile=hh.dtks_start[1],
            outreach_visits=self.fasilitators.visits, events=self.events_processed,
            enrolments=self.intake.enrolments,
            counters={f"dtks_{k}": v for k, v in self.dtks.counters.items()},
            event_log=self.log,
        )
