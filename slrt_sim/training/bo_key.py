"""The back-office cases and queue (:class:`BoCase`, :class:`Queue`, built by
:func:`slrt_sim.training.back_office.build_queue`) and the answer key: what the back office should
record and decide for each case, from the programme rules of :mod:`slrt_sim.domain.programs`.

The DTKS status (:func:`right_status`), whether a verval visit is needed (:func:`verval_needed`),
the profile decisions rest on (:func:`effective_profile`: the record, or what the needed visit
found), each programme decision (:func:`decision`), the priority order (lowest decile first; on
equal deciles the more vulnerable household first) and the referrals under this cycle's quotas
(:func:`allocate`, :func:`right_referrals`). :func:`answer_key` gathers them in the shape of a
trainee's answers (:func:`empty_answers`); :mod:`slrt_sim.training.bo_grading` grades against it.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Mapping

from slrt_sim.domain import programs
from slrt_sim.training.core import DtksIndex

STALE_YEARS = 4
"""A DTKS record older than this many years needs a verval visit before a decision."""
NO_QUOTA = frozenset({"DUKCAPIL"})
"""Programmes without a quota per cycle (civil registration serves everyone who lacks documents)."""
_DTKS_LOCK = threading.Lock()  # one DTKS build at a time (a queue's is then shared by its later searches)


# ============================================================================ cases and queue
@dataclass
class BoCase:
    """One registration in the back-office queue."""

    case_id: str
    hh: int
    problem: str
    registration: dict            # what the front office registered (name, nik, kk, address, story, documents)
    members: list[dict]
    needs: tuple[str, ...]
    profile: dict                 # the DTKS record as the office has it (programme rules read it)
    truth: dict                   # the profile a verval visit finds
    start_year: int               # the year of the scenario calendar's start ("this year")
    duplicate_of: str | None = None

    @property
    def candidates(self) -> tuple[str, ...]:
        """Programmes the trainee decides on: those answering the needs (+ Dukcapil if documents lack)."""
        out: list[str] = []
        if not programs.documents_ok(self.truth) or "documents" in self.needs:
            out.append("DUKCAPIL")
        for need in self.needs:
            out.extend(code for code in programs.NEED_PROGRAMS[need] if code not in out)
        return tuple(out)

    @property
    def head_name(self) -> str:
        return self.registration["name"]


@dataclass
class Queue:
    class_code: str
    seed: int
    level: str
    kabupaten: str
    kind: str
    province: str
    cases: list[BoCase]
    quota: dict[str, int] = field(default_factory=dict)
    start_year: int = 0
    registered: dict = field(default_factory=dict)  # FO case id -> the FO answers the queue was made from
    dtks_loader: Any = field(default=None, repr=False)  # builds the queue's simulated DTKS (lazily)
    _dtks: Any = field(default=None, repr=False)

    @property
    def dtks(self) -> DtksIndex | None:
        """The simulated DTKS the queue searches (built at the first search, once: the app loads
        it in the background after the login while the trainee reads the first registration)."""
        if self._dtks is None and self.dtks_loader is not None:
            with _DTKS_LOCK:
                if self._dtks is None:
                    self._dtks = self.dtks_loader()
        return self._dtks

    def case(self, case_id: str) -> BoCase:
        for c in self.cases:
            if c.case_id == case_id:
                return c
        raise KeyError(case_id)

    @property
    def programs(self) -> tuple[str, ...]:
        seen = {p for c in self.cases for p in c.candidates}
        return tuple(p for p in programs.PROGRAMS if p in seen)

    @property
    def district_title(self) -> str:
        name = self.kabupaten
        if name.lower().startswith(("kota ", "kabupaten ", "kab. ")):
            return name
        return f"{'Kota' if self.kind == 'kota' else 'Kabupaten'} {name}"


# ============================================================================ the answer key


def verval_needed(case: BoCase) -> bool:
    """A visit is needed for a SKTM claim, a stale record, or a household not in the DTKS."""
    if case.problem == "duplicate":
        return False
    p = case.profile
    if case.registration.get("sktm") or p.get("via_sktm") or not p["in_dtks"]:
        return True
    return bool(p["dtks_year"]) and p["dtks_year"] < case.start_year - STALE_YEARS


def effective_profile(case: BoCase) -> dict:
    """The profile the decisions must rest on: the record, or what the needed verval found."""
    if verval_needed(case):
        return {**case.truth, "decile_from_verval": bool(case.truth["in_dtks"])}
    return {**case.profile, "verified_decile": 0}


def right_status(case: BoCase) -> str:
    """The DTKS status the back office should record, the first that applies of:

    1. ``duplicate`` — the household's second registration;
    2. ``not_listed`` — the household has no DTKS record. Whatever NIK the front office typed,
       there is no record whose NIK could be "one digit off": a name search finds at most other
       households of the same name, so the registration is proposed to the DTKS;
    3. ``nik_error`` — the household is listed but the NIK registered and the NIK recorded differ
       (the front office mistyped it, or the DTKS holds it mistyped): the NIK search finds
       nothing, the name search finds the record;
    4. ``match`` — listed, and the NIK search finds the record.
    """
    if case.problem == "duplicate":
        return "duplicate"
    if not case.profile["in_dtks"]:
        return "not_listed"
    if case.problem == "nik_typo" or case.registration.get("nik_mismatch"):
        return "nik_error"
    return "match"


def decision(case: BoCase, program: str) -> tuple[bool, programs.Verdict]:
    """Whether ``program`` is right for the case, with the verdict of the programme rules."""
    prof = effective_profile(case)
    v = programs.check(program, prof)
    return (v.eligible and not programs.already_receives(prof, program)), v


def decisive_reason(v: programs.Verdict, profile: Mapping[str, Any] | None = None) -> str:
    """The catalogue key that decides a verdict (:func:`programs.decisive_reason`), or
    ``bo.rule.already_receives`` for an eligible household that already receives it."""
    if profile is not None and v.eligible and programs.already_receives(profile, v.program):
        return "bo.rule.already_receives"
    return programs.decisive_reason(v)


def vulnerability(profile: Mapping[str, Any]) -> int:
    return int(bool(profile["has_pregnant"])) + int(profile["n_child_0_6"] > 0) + int(bool(profile["has_elderly_70"])) \
        + int(bool(profile["has_disability"])) + int(bool(profile["has_severe_disability"]))


def priority_key(case: BoCase) -> tuple[int, int]:
    """Lower sorts first: the lowest (effective) decile, then the most vulnerable members."""
    prof = effective_profile(case)
    decile = int(prof.get("verified_decile") or 0) or int(prof["dtks_decile"]) or int(prof["true_decile"])
    return (decile, -vulnerability(prof))


def _right_eligible(queue: Queue) -> dict[str, dict[str, bool]]:
    return {c.case_id: {p: decision(c, p)[0] for p in c.candidates} for c in queue.cases if c.problem != "duplicate"}


def right_priority(queue: Queue) -> list[str]:
    """Case ids with at least one right programme (other than Dukcapil), most urgent first."""
    elig = _right_eligible(queue)
    ids = [cid for cid, d in elig.items() if any(ok for p, ok in d.items() if p not in NO_QUOTA)]
    order = {c.case_id: k for k, c in enumerate(queue.cases)}
    return sorted(ids, key=lambda cid: (priority_key(queue.case(cid)), order[cid]))


def allocate(queue: Queue, eligible: Mapping[str, Mapping[str, bool]], order: list[str]) -> dict[tuple[str, str], str | None]:
    """Referrals (case, need) -> programme, cases taken in ``order``, quotas filled first come first.

    Per need, the first programme (in :data:`programs.NEED_PROGRAMS` order) marked eligible that
    still has a place; documents missing: Dukcapil first.
    """
    left = dict(queue.quota)
    out: dict[tuple[str, str], str | None] = {}
    ordered = [cid for cid in order if cid in eligible] + [cid for cid in eligible if cid not in order]
    for cid in ordered:
        marks, taken = eligible[cid], set()
        for need in queue.case(cid).needs:
            prog = None
            if marks.get("DUKCAPIL") and need != "information":
                prog = "DUKCAPIL"
            else:
                prog = next((code for code in programs.NEED_PROGRAMS[need] if marks.get(code) and (
                    code in taken or code in NO_QUOTA or left.get(code, 0) > 0)), None)
            if prog and prog not in taken and prog not in NO_QUOTA:
                left[prog] = left.get(prog, 0) - 1
            if prog:
                taken.add(prog)
            out[(cid, need)] = prog
    return out


def right_referrals(queue: Queue) -> dict[tuple[str, str], str | None]:
    return allocate(queue, _right_eligible(queue), right_priority(queue))


def binding_quotas(queue: Queue, base_quota: Mapping[str, int], binding: int) -> dict[str, int]:
    """This cycle's places: the ``binding`` most demanded programmes get one place fewer than demand."""
    counts = {p: 0 for p in queue.programs if p not in NO_QUOTA}
    for cid, marks in _right_eligible(queue).items():  # demand: first eligible programme per need
        firsts = {next((code for code in programs.NEED_PROGRAMS[need] if marks.get(code)), None)
                  for need in queue.case(cid).needs}
        for p in firsts:
            if p in counts:
                counts[p] += 1
    ranked = sorted(counts, key=lambda p: (-counts[p], programs.PROGRAMS.index(p)))
    bind = [p for p in ranked if counts[p] >= 2][:binding]
    quota = {}
    for p in counts:
        base = base_quota.get(p, counts[p])
        quota[p] = counts[p] - 1 if p in bind else max(counts[p], min(int(base), counts[p] + 1))
    return quota


def passed_for_quota(case: BoCase, need: str, prog: str | None) -> list[str]:
    """The programmes that answer ``need`` before ``prog`` (all of them when ``prog`` is None)
    and that the case is right for, yet it is not referred to: their quota went to more urgent
    households. The reason a referral goes to e.g. the APBD programme instead of BPNT."""
    out = []
    for code in programs.NEED_PROGRAMS.get(need, ()):
        if code == prog:
            break
        if code not in NO_QUOTA and decision(case, code)[0]:
            out.append(code)
    return out


def answer_key(queue: Queue) -> dict:
    """The right answers, in the same shape as a trainee's (see :func:`empty_answers`)."""
    pri = right_priority(queue)
    cases = {}
    for c in queue.cases:
        dec = {} if c.problem == "duplicate" else {p: decision(c, p)[0] for p in c.candidates}
        cases[c.case_id] = {"checked": True, "status": right_status(c), "verval": verval_needed(c),
                            "decisions": dec, "priority": (pri.index(c.case_id) + 1) if c.case_id in pri else None}
    return {"cases": cases}


def empty_answers(queue: Queue) -> dict:
    return {"cases": {c.case_id: {"checked": False, "status": None, "verval": False,
                                  "decisions": {p: None for p in c.candidates}, "priority": None}
                      for c in queue.cases}}


def open_decisions(queue: Queue, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The decisions still to make, as ``(case id, "status" or programme)``: each registration's
    DTKS status and, unless the trainee marked it a duplicate (a second registration is rejected,
    nothing to decide), each of its candidate programmes. A queue whose every decision is made
    has none, so the app never asks about "empty decisions" then."""
    cases = (answers or {}).get("cases") or {}
    out = []
    for c in queue.cases:
        a = cases.get(c.case_id) or {}
        if a.get("status") is None:
            out.append((c.case_id, "status"))
        if a.get("status") == "duplicate":
            continue
        out.extend((c.case_id, p) for p in c.candidates if (a.get("decisions") or {}).get(p) is None)
    return out
