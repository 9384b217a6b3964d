"""The back-office (BO) role play: a queue of registered cases, the answer key and the grading.

A class (code + seed + level) fixes the queue: every trainee of the class gets the same
cases, quotas and answer key (:func:`build_queue`). The queue's households are the class's
front-office cases (:func:`slrt_sim.training.front_office.build_cases`, in their order) as the
front office registered them, chosen so that the queue has exactly the level's mix of
problems (:data:`LEVEL_SPEC`, :func:`plan_problems`); the back office adds what only it sees:

============== ================================================================================
``clean``      listed in the DTKS, record current: decide from the record
``nik_typo``   the NIK registered or recorded has a typing error: the DTKS search by NIK finds
               nothing, the search by name finds the record (status ``nik_error``)
``duplicate``  the same household registered twice (at the Puskesos and at the Dinas):
               the second registration is rejected, no second referral
``false_sktm`` a better-off household listed through a false SKTM: the record says poor,
               a verval visit shows otherwise (inclusion error if accepted)
``stale``      a record more than :data:`STALE_YEARS` years old: verval before deciding
``served``     the household already receives the programme it asks for
``not_listed`` not in the DTKS: propose it (status ``not_listed``), verval for the local
               programme
``no_docs``    documents missing: Dukcapil first
============== ================================================================================

The answer key lives in :mod:`slrt_sim.training.bo_key` (its functions are read here too).
Eligibility is decided by :func:`slrt_sim.domain.programs.check` on the *effective* profile:
the DTKS record, corrected by the verval visit where a visit is needed (the visit finds the
true decile). The back office adds only what the programme rules do not know: a household
already receiving a programme is not referred to it again, the quota of this cycle, and the
priority order (lowest decile first; on equal deciles, the more vulnerable household first).
:func:`slrt_sim.training.bo_grading.grade` runs small graders per case (:data:`CASE_GRADERS`) and per queue
(:data:`QUEUE_GRADERS`); each returns its items with their points and the rule behind them.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any, Mapping


from slrt_sim._lazy import np  # numpy only when a class is built (role-play kernels stay light)
from slrt_sim.domain import programs
from slrt_sim.domain.identity import mistype_nik
from slrt_sim.i18n import get_language
from slrt_sim.training import case_cache
from slrt_sim.training.bo_key import (NO_QUOTA, STALE_YEARS, BoCase, Queue, allocate, answer_key, binding_quotas,  # noqa: F401 - the key,
                                      decision, decisive_reason, effective_profile,  # read here by
                                      empty_answers, open_decisions, passed_for_quota,  # the apps and graders
                                      priority_key, right_priority, right_referrals, right_status,
                                      verval_needed, vulnerability)
from slrt_sim.training.core import (LEVELS, PRACTICE_CLASS, DtksIndex, class_rng, document_lines, dtks_record,
                                    member_rows, resolve_class, start_date, training_population)
from slrt_sim.training.store import norm_code

__all__ = ["LEVELS", "PRACTICE_CLASS", "resolve_class", "STATUSES", "PROBLEMS", "LEVEL_SPEC", "STALE_YEARS",
           "BoCase", "Queue", "build_queue", "fo_registrations", "queue_from", "plan_problems", "answer_key", "empty_answers",
           "dtks_search", "effective_profile", "verval_needed", "decision",
           "right_referrals", "right_priority", "right_status", "open_decisions"]

STATUSES = ("match", "not_listed", "nik_error", "duplicate")
PROBLEMS = ("clean", "nik_typo", "duplicate", "false_sktm", "stale", "served", "not_listed", "no_docs")

LEVEL_SPEC: dict[str, dict[str, Any]] = {
    "mudah": {"n": 5, "problems": ("served", "not_listed"), "binding": 1},
    "sedang": {"n": 8, "problems": ("nik_typo", "duplicate", "false_sktm", "served", "not_listed"),
               "binding": 1},
    "sulit": {"n": 10, "problems": ("nik_typo", "duplicate", "false_sktm", "false_sktm", "stale", "served",
                                    "not_listed", "no_docs"), "binding": 2},
}
"""Per level: number of cases, the planted problems (the rest are clean), quotas made binding."""
TARGET_MINUTES = {"mudah": 15, "sedang": 25, "sulit": 35}
"""Time within which the time points are full (half points up to twice this)."""

PRIORITY_POINTS = 3.0
TIME_POINTS = 2.0
CASE_POOL = 40
"""Front-office cases of the class the queue may choose from (to meet the level's mix)."""


class PopulationTooSmall(ValueError):
    """The population has too few households of a kind for the cases asked for."""


def plan_problems(level: str, n: int | None = None, duplicates: bool = True) -> list[str]:
    """The planted problems of ``n`` cases at ``level`` (the level's mix, repeated for more cases)."""
    spec = LEVEL_SPEC[level]
    n = spec["n"] if n is None else int(n)
    probs = [p for p in spec["problems"] if duplicates or p != "duplicate"]
    k = round(n * len(spec["problems"]) / spec["n"])
    planned = [probs[j % len(probs)] for j in range(min(k, n))] if probs else []
    return planned + ["clean"] * (n - len(planned))


_FO_PROBLEM = {"clean": "clean", "not_listed": "not_listed", "no_kk": "no_docs", "no_docs": "no_docs",
               "served": "served", "false_sktm": "false_sktm"}
"""The back office's name for the problem of a front-office case."""


def _natural_problem(c, start_year: int) -> str:
    """What the back office finds in a front-office case as it is."""
    problem = _FO_PROBLEM[c.problem]
    if problem == "clean" and "dtks_nik_invalid" in c.planted:
        return "nik_typo"
    rec = c.household
    if problem == "clean" and rec["dtks_year"] and rec["dtks_year"] < start_year - STALE_YEARS \
            and not c.documents.get("sktm"):
        return "stale"
    return problem


def _choose_fo_cases(fo: list, plan: list[str], start_year: int) -> list[tuple[Any, str, str]]:
    """For each planned problem (duplicates aside) a front-office case: ``(case, problem, how)``;
    ``how`` is ``"as_is"`` or, for ``nik_typo``/``stale`` planted on a clean case, ``"plant"``."""
    natural = [_natural_problem(c, start_year) for c in fo]
    used: set[int] = set()
    chosen = []
    for problem in sorted((p for p in plan if p != "duplicate"), key=lambda p: p == "clean"):
        k = next((k for k, p in enumerate(natural) if k not in used and p == problem), None)
        how = "as_is"
        if k is None and problem in ("nik_typo", "stale"):
            k = next((k for k, p in enumerate(natural) if k not in used and p == "clean"), None)
            how = "plant"
        if k is None:
            raise PopulationTooSmall(f"no front-office case of the class for {problem!r}")
        used.add(k)
        chosen.append((k, problem, how))
    return [(fo[k], problem, how) for k, problem, how in sorted(chosen)]


def build_queue(class_code: str, seed: int, level: str = "sedang",
                registered: Mapping[str, Mapping[str, Any]] | None = None) -> Queue:
    """The queue of a class: deterministic in (class code, seed, level), with the level's mix.

    The households are front-office cases of the same class, in the front office's order.
    ``registered`` (FO case id -> a front-office submission's answers) makes a case as
    the class's front office actually registered it — NIK, name, KK and address as typed, the
    needs as recorded — so the back office meets its colleagues' mistakes; the other cases are
    registered as generated.

    The class part (the generated queue, the quotas' base, the DTKS) is built once per class and
    shared through :mod:`slrt_sim.training.case_cache`; only the registrations are applied here
    (cheap, no population: a back-office kernel never imports pandas or Faker).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    seed, code = int(seed), norm_code(class_code)
    base, fo_info, base_quota = _class_queue(code, seed, level, get_language())
    cases = copy.deepcopy(base.cases)
    registered = dict(registered or {})
    by_id = {}
    for c, (fo_id, fo_nik, fo_needs) in zip((c for c in cases if c.problem != "duplicate"), fo_info):
        if registered.get(fo_id):
            _register(c, fo_nik, fo_needs, registered[fo_id])
        by_id[c.case_id] = c
    for c in cases:  # a duplicate repeats its original's registration, at the other office
        if c.problem == "duplicate":
            orig = by_id[c.duplicate_of]
            c.registration = dict(orig.registration, channel=c.registration["channel"], ref=c.registration["ref"])
            c.needs = orig.needs
    queue = Queue(code, seed, level, base.kabupaten, base.kind, base.province, cases, start_year=base.start_year,
                  registered=registered, dtks_loader=lambda: _queue_dtks(code, seed, level))
    queue.quota = binding_quotas(queue, base_quota, LEVEL_SPEC[level]["binding"])
    return queue


@lru_cache(maxsize=16)
def _class_queue(code: str, seed: int, level: str, lang: str) -> tuple[Queue, list[tuple], dict[str, int]]:
    """The generated queue of a class (no registrations applied, no quota), with per case that is
    not a duplicate its front-office case (id, head's NIK, needs), and the scenario's quotas."""
    return case_cache.cached("bo-queue", (code, seed, level, lang), lambda: _build_class_queue(code, seed, level))


def _build_class_queue(code: str, seed: int, level: str) -> tuple[Queue, list[tuple], dict[str, int]]:
    from slrt_sim.training import front_office as fo_mod

    pop = training_population(seed)
    sc = pop.scenario
    start_year = start_date(pop).year
    rng = class_rng(code, seed, level, "backoffice")
    plan = plan_problems(level)
    fo = fo_mod.build_cases(code, seed, level, n=CASE_POOL, app="bo")
    cases, fo_info = [], []
    for c, problem, how in _choose_fo_cases(fo, plan, start_year):
        cases.append(_case_from_fo(c, problem, how, start_year, rng))
        fo_info.append((c.case_id, c.head["nik"], tuple(c.needs)))
    _insert_duplicates(cases, plan.count("duplicate"), rng, f"{code}-{level}", len(fo))
    _name_cases(cases)
    base = Queue(code, seed, level, sc.region.kabupaten, sc.region.kind, sc.region.province, cases,
                 start_year=start_year)
    return base, fo_info, {p: int(prog.quota_per_cycle) for p, prog in sc.programs.items()}


@lru_cache(maxsize=8)
def _queue_dtks(code: str, seed: int, level: str) -> DtksIndex:
    """The simulated DTKS of a class's queue (the records do not depend on the registrations)."""
    return case_cache.cached("bo-dtks", (code, seed, level), lambda: _build_queue_dtks(code, seed, level))


def _build_queue_dtks(code: str, seed: int, level: str) -> DtksIndex:
    from slrt_sim.training import front_office as fo_mod

    pop = training_population(seed)
    base, _info, _quota = _class_queue(code, seed, level, get_language())
    chosen_fo = {c.hh: c for c in fo_mod.build_cases(code, seed, level, n=CASE_POOL, app="bo")}
    drng = class_rng(code, seed, level, "backoffice-dtks")
    overrides = {}
    for bc in base.cases:
        if bc.problem == "duplicate":
            continue
        fo_case = chosen_fo[bc.hh]
        recs = fo_mod.case_records(pop, fo_case, fo_mod.case_record_rng(code, seed, level, fo_case))
        for r in recs[:1]:
            r.update(year=int(bc.profile["dtks_year"]), decile=int(bc.profile["dtks_decile"]))
        overrides[bc.hh] = recs
    return DtksIndex.build(pop, overrides, drng)


def _case_from_fo(c, problem: str, how: str, start_year: int, rng: np.random.Generator) -> BoCase:
    rec = dict(c.household)
    reg_nik = c.head["nik"]
    if how == "plant" and problem == "nik_typo":  # the front office typed the NIK wrong
        reg_nik = mistype_nik(reg_nik, rng, kind="change")
    elif how == "plant" and problem == "stale":   # the record is old and says poorer than today
        rec.update(dtks_year=start_year - STALE_YEARS - 1 - int(rng.integers(3)),
                   dtks_decile=int(min(10, rec["true_decile"] + 3)))
    truth = dict(rec)
    truth["dtks_decile"] = int(rec["true_decile"]) if rec["in_dtks"] else 0
    truth["verified_decile"] = int(rec["true_decile"])
    kk = c.documents["kk"]["number"] if c.documents.get("kk") else ""
    reg = {"name": c.head["name"], "nik": reg_nik, "kk": kk, "address": c.address,
           "channel": "puskesos" if c.index % 2 else "dinas", "documents": document_lines(c.documents),
           "sktm": bool(c.documents.get("sktm")), "story": c.story, "ref": c.case_id,
           "planted": list(c.planted), "nik_mismatch": "dtks_nik_invalid" in c.planted}
    return BoCase("", c.hh, problem, reg, [dict(m) for m in c.members], tuple(c.needs), rec, truth,
                  start_year=start_year)


def _register(case: BoCase, fo_nik: str, fo_needs: tuple[str, ...], fo_answers: Mapping[str, Any]) -> None:
    """Issue 9: the registration as a front-office trainee typed it (``fo_answers``)."""
    reg = case.registration
    typed = "".join(str(fo_answers.get("nik") or "").split())
    reg.update(name=str(fo_answers.get("head") or reg["name"]), nik=typed or reg["nik"],
               kk="".join(str(fo_answers.get("kk") or "").split()), address=str(fo_answers.get("address") or ""),
               by_fo=True, true_needs=list(fo_needs))
    reg["nik_mismatch"] = reg["nik_mismatch"] or typed != fo_nik
    recorded = set(fo_answers.get("needs") or ())
    case.needs = tuple(n for n in programs.NEED_PROGRAMS if n in recorded) or case.needs


def fo_registrations(store, class_code: str) -> dict[str, dict]:
    """The class's front-office registrations by FO case id (per case the best-scored submission,
    :meth:`slrt_sim.training.store.SessionStore.registrations`): what the queue is made from
    (:func:`build_queue`'s ``registered``). Read without pandas."""
    return store.registrations(class_code, "fo")


def _insert_duplicates(cases: list[BoCase], n_dup: int, rng: np.random.Generator, prefix: str, first: int) -> None:
    """A household registered a second time, at the other office, after its first registration."""
    for j in range(n_dup):
        orig = cases[int(rng.integers(len(cases)))]
        reg = dict(orig.registration)
        reg["channel"] = "puskesos" if orig.registration["channel"] == "dinas" else "dinas"
        reg["ref"] = f"{prefix}-{first + j + 1:02d}"
        dup = BoCase("", orig.hh, "duplicate", reg, orig.members, orig.needs, dict(orig.profile),
                     dict(orig.truth), start_year=orig.start_year)
        dup.duplicate_of = id(orig)  # resolved to the case id by _name_cases
        at = cases.index(orig) + 1 + int(rng.integers(len(cases) - cases.index(orig)))
        cases.insert(at, dup)


def _name_cases(cases: list[BoCase]) -> None:
    ids = {id(c): f"K{k + 1:02d}" for k, c in enumerate(cases)}
    for c in cases:
        c.case_id = ids[id(c)]
        if c.duplicate_of is not None:
            c.duplicate_of = ids[c.duplicate_of]


def _needs_for(h: Mapping[str, Any], rng: np.random.Generator, problem: str) -> tuple[str, ...]:
    """One or two needs among those that fit the household (:func:`programs.fitting_needs`)."""
    fits = [n for n in programs.fitting_needs(h) if n != "documents"] or ["information"]
    first = "documents" if problem == "no_docs" else fits[int(rng.integers(len(fits)))]
    needs = [first]
    second = [n for n in fits if n not in needs and n in ("health", "food")]
    if second and rng.random() < 0.35:
        needs.append(second[int(rng.integers(len(second)))])
    return tuple(needs)


def _pick(pool: np.ndarray, used: set[int], rng: np.random.Generator) -> int:
    free = [int(i) for i in pool if int(i) not in used]
    if not free:
        raise PopulationTooSmall("the population is too small for this many cases")
    i = free[int(rng.integers(len(free)))]
    used.add(i)
    return i


def _plant_record(rec: dict, truth: dict, problem: str, needs: tuple[str, ...], base: Mapping[str, Any],
                  start_year: int, rng: np.random.Generator) -> tuple[str, ...]:
    """Set the DTKS record of a drawn household for ``problem``; returns the (possibly changed) needs."""
    if problem == "not_listed":
        rec.update(in_dtks=False, dtks_decile=0, dtks_year=0, dtks_nik=0)
    elif problem == "false_sktm":
        rec.update(dtks_decile=int(rng.integers(1, 4)), via_sktm=True)
    elif problem == "stale":
        rec.update(dtks_year=start_year - STALE_YEARS - 1 - int(rng.integers(3)),
                   dtks_decile=int(min(10, base["true_decile"] + 3)))
    elif problem == "served":
        progs = [p for n in needs for p in programs.NEED_PROGRAMS[n] if p in programs.RECEIPT_FLAGS]
        if not progs:
            needs = ("food",) + tuple(n for n in needs if n != "food")
            progs = ["BPNT"]
        rec[programs.RECEIPT_FLAGS[progs[0]]] = truth[programs.RECEIPT_FLAGS[progs[0]]] = True
    return needs


def _order_problems(level: str, n: int | None, duplicates: bool, rng: np.random.Generator) -> list[str]:
    problems = plan_problems(level, n, duplicates)
    problems = [problems[i] for i in rng.permutation(len(problems))]
    for j, pr in enumerate(problems):  # a duplicate repeats an earlier registration
        if pr == "duplicate" and not any(q != "duplicate" for q in problems[:j]):
            k = next(x for x in range(j + 1, len(problems)) if problems[x] != "duplicate")
            problems[j], problems[k] = problems[k], problems[j]
    return problems


def queue_from(pop, class_code: str, seed: int, level: str, n: int | None = None,
               duplicates: bool = True) -> Queue:
    """A queue of ``n`` cases (default: the level's size) drawn from any population (the printed cards)."""
    from slrt_sim.training import stories

    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    sc = pop.scenario
    start_year = start_date(pop).year
    rng = class_rng(class_code, seed, level, "backoffice")
    hh = pop.households
    docs_ok = hh["has_kk"].to_numpy() & ~hh["missing_docs"].to_numpy()
    dec = hh["true_decile"].to_numpy()
    pools = {"poor": np.flatnonzero((dec <= 4) & docs_ok), "rich": np.flatnonzero((dec >= 7) & docs_ok),
             "no_docs": np.flatnonzero((dec <= 4) & ~docs_ok)}
    used: set[int] = set()
    cases: list[BoCase] = []
    for k, problem in enumerate(_order_problems(level, n, duplicates, rng)):
        case_id = f"K{k + 1:02d}"
        if problem == "duplicate":
            originals = [c for c in cases if c.problem != "duplicate"]
            orig = originals[int(rng.integers(len(originals)))]
            reg = dict(orig.registration, channel="puskesos" if orig.registration["channel"] == "dinas" else "dinas")
            cases.append(BoCase(case_id, orig.hh, "duplicate", reg, orig.members, orig.needs, dict(orig.profile),
                                dict(orig.truth), start_year=start_year, duplicate_of=orig.case_id))
            continue
        pool = pools["rich"] if problem == "false_sktm" else pools["no_docs"] if problem == "no_docs" else pools["poor"]
        i = _pick(pool if len(pool) else pools["poor"], used, rng)
        base = pop.household(i)
        members = member_rows(pop, i)
        truth = dict(base, verified_decile=int(base["true_decile"]))
        if problem == "no_docs" and programs.documents_ok(truth):
            truth["missing_docs"] = True
        needs = _needs_for(truth, rng, problem)
        rec = {k: v for k, v in truth.items() if k != "verified_decile"}
        for flag in programs.RECEIPT_FLAGS.values():  # programme receipt is set by the plant, not left to chance
            rec[flag] = truth[flag] = False
        rec.update(in_dtks=True, dtks_decile=int(base["true_decile"]), dtks_year=start_year - 1 - int(rng.integers(2)),
                   via_sktm=False, nik_invalid=False, dtks_nik=int(members[0]["nik"]))
        needs = _plant_record(rec, truth, problem, needs, base, start_year, rng)
        truth.update({k: rec[k] for k in ("in_dtks", "dtks_year", "via_sktm", "nik_invalid", "dtks_nik")})
        truth["dtks_decile"] = int(base["true_decile"]) if rec["in_dtks"] else 0
        reg_nik = mistype_nik(members[0]["nik"], rng, kind="change") if problem == "nik_typo" else members[0]["nik"]
        sktm = problem == "false_sktm"
        reg = {"name": members[0]["name"], "nik": reg_nik, "kk": pop.kk(i), "address": pop.address(i),
               "channel": "puskesos" if rng.random() < 0.5 else "dinas",
               "documents": stories.registration_documents(truth, members, sktm, start_year), "sktm": sktm,
               "story": stories.registration_story(members, needs, sktm)}
        cases.append(BoCase(case_id, i, problem, reg, members, needs, rec, truth, start_year=start_year))

    def dtks() -> DtksIndex:
        overrides = {c.hh: ([dtks_record(pop, c.hh, c.profile, c.members)] if c.profile["in_dtks"] else [])
                     for c in cases}
        return DtksIndex.build(pop, overrides, class_rng(class_code, seed, level, "backoffice-dtks"))

    queue = Queue(norm_code(class_code), int(seed), level, sc.region.kabupaten, sc.region.kind, sc.region.province,
                  cases, start_year=start_year, dtks_loader=dtks)
    queue.quota = binding_quotas(queue, {p: int(prog.quota_per_cycle) for p, prog in sc.programs.items()},
                          LEVEL_SPEC[level]["binding"])
    return queue


def dtks_search(queue: Queue, nik: str = "", name: str = "") -> list[dict]:
    """Search the queue's DTKS (:meth:`DtksIndex.search`, the kit's one search) by NIK or by name;
    rows as the back office shows them."""
    found = queue.dtks.search(nik=nik) if "".join(str(nik).split()) else queue.dtks.search(name=name)
    return [{"nik": r["nik"], "name": r["head_name"], "kk": r["kk"], "address": r["address"],
             "decile": int(r["decile"]), "year": int(r["year"]), "sktm": r.get("sktm"),
             "receives": list(r.get("programs") or []), "members": [m["name"] for m in r.get("members") or []]}
            for r in found]
