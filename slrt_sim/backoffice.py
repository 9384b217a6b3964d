"""The back-office (BO) role play: a queue of registered cases, the answer key and the grading.

A class (code + seed + level) fixes the queue: every trainee of the class gets the same
cases, quotas and answer key (:func:`build_queue`). The queue's households are drawn from
the training population of :mod:`slrt_sim.roleplay` (the one the front office registers),
and some of them carry a *planted* problem the back office must catch:

============== ================================================================================
``clean``      listed in the DTKS, record current: decide from the record
``nik_typo``   the NIK registered at the front office has a typing error: the DTKS search by
               NIK finds nothing, the search by name finds the record (status ``nik_error``)
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

Eligibility is decided by :func:`slrt_sim.programs.check` and :func:`slrt_sim.programs.refer`
on the *effective* profile: the DTKS record, corrected by the verval visit where a visit is
needed (the visit finds the true decile). The back office adds only what the programme rules
do not know: a household already receiving a programme is not referred to it again, the
quota of this cycle, and the priority order (lowest decile first; on equal deciles, the
household with more vulnerable members first).
"""
from __future__ import annotations

import datetime as dt
import html
import zlib
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import programs
from ._lazy import np  # numpy only when a class is built (role-play kernels stay light)
from .i18n import fmt_num, get_language, t

LEVELS = ("mudah", "sedang", "sulit")
STATUSES = ("match", "not_listed", "nik_error", "duplicate")
PROBLEMS = ("clean", "nik_typo", "duplicate", "false_sktm", "stale", "served", "not_listed", "no_docs")
STALE_YEARS = 4
"""A DTKS record older than this many years needs a verval visit before a decision."""

TRAINING_SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "pelatihan_satu_kelurahan.yaml"
PRACTICE_CLASS = {"code": "LATIHAN", "seed": 2018, "level": "sedang", "trainer": ""}
"""A built-in class for practice without a trainer (any other code must exist in the store)."""

# level -> number of cases, planted problems (the rest are clean), quotas made binding
LEVEL_SPEC: dict[str, dict[str, Any]] = {
    "mudah": {"n": 5, "problems": ("served", "not_listed"), "binding": 1},
    "sedang": {"n": 8, "problems": ("nik_typo", "duplicate", "false_sktm", "served", "not_listed"),
               "binding": 1},
    "sulit": {"n": 10, "problems": ("nik_typo", "duplicate", "false_sktm", "false_sktm", "stale", "served",
                                    "not_listed", "no_docs"), "binding": 2},
}
TARGET_MINUTES = {"mudah": 15, "sedang": 25, "sulit": 35}
"""Time within which the time points are full (half points up to twice this)."""

PRIORITY_POINTS = 3.0
TIME_POINTS = 2.0

# Programmes with a receipt flag in the profile (a household already served is not referred again).
RECEIPT_FLAGS = {"PKH": "receives_pkh", "BPNT": "receives_bpnt", "PBI_JK": "receives_pbi"}
NO_QUOTA = frozenset({"DUKCAPIL"})

# Reason keys of programs.check that say a condition *holds* (the others say why not).
_POSITIVE = ("rule.decile_within.", "rule.pkh.component", "rule.kip.school_child", "rule.kip.poor_family",
             "rule.rutilahu.ok", "rule.kube.working_age", "rule.atensi.target", "rule.dukcapil.missing")


# ============================================================================ the queue
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
    duplicate_of: str | None = None
    start_year: int = 2025

    @property
    def candidates(self) -> tuple[str, ...]:
        """Programmes the trainee decides on: those answering the needs (+ Dukcapil if documents lack)."""
        out: list[str] = []
        if not programs.documents_ok(self.truth) or "documents" in self.needs:
            out.append("DUKCAPIL")
        for need in self.needs:
            for code in programs.NEED_PROGRAMS[need]:
                if code not in out:
                    out.append(code)
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
    start_year: int = 2025
    dtks_loader: Any = field(default=None, repr=False)  # builds the class's simulated DTKS (roleplay), if shared
    _dtks: Any = field(default=None, repr=False)

    @property
    def dtks(self):
        """The class's simulated DTKS shared with the front office (built at the first search)."""
        if self._dtks is None and self.dtks_loader is not None:
            self._dtks = self.dtks_loader()
        return self._dtks

    def case(self, case_id: str) -> BoCase:
        for c in self.cases:
            if c.case_id == case_id:
                return c
        raise KeyError(case_id)

    @property
    def programs(self) -> tuple[str, ...]:
        seen: list[str] = []
        for c in self.cases:
            for p in c.candidates:
                if p not in seen:
                    seen.append(p)
        return tuple(p for p in programs.PROGRAMS if p in seen)

    @property
    def district_title(self) -> str:
        name = self.kabupaten
        if name.lower().startswith(("kota ", "kabupaten ", "kab. ")):
            return name
        return f"{'Kota' if self.kind == 'kota' else 'Kabupaten'} {name}"


def _class_rng(class_code: str, seed: int, level: str) -> np.random.Generator:
    key = [int(seed) & 0xFFFFFFFF, zlib.crc32("".join(class_code.split()).upper().encode("utf-8")), LEVELS.index(level),
           zlib.crc32(b"backoffice")]
    return np.random.default_rng(np.random.SeedSequence(key))


@lru_cache(maxsize=4)
def training_population(seed: int):
    """The population the role plays draw from (the front office's, when roleplay provides it)."""
    try:
        from . import roleplay  # the front-office side: same households for both apps
        fn = getattr(roleplay, "training_population", None)
    except ImportError:
        fn = None
    if fn is not None:
        return fn(seed)
    from .population import generate_population
    from .scenario import load_scenario

    return generate_population(load_scenario(TRAINING_SCENARIO), int(seed))


def _member_rows(pop, i: int) -> list[dict]:
    rows = []
    for r in pop.members(i).itertuples(index=False):
        name = f"{r.first_name} {r.last_name}".strip()
        rows.append({
            "name": name, "nik": str(r.nik).zfill(16), "sex": str(r.sex), "age": int(r.age),
            "relation": str(r.relation), "schooling": str(r.schooling), "disability": str(r.disability),
            "pregnant": bool(r.pregnant), "chronic": bool(r.chronic_illness), "has_ktp": bool(r.has_ktp),
            "has_birth_cert": bool(r.has_birth_cert), "occupation": str(r.occupation),
        })
    return rows


def _needs_for(h: Mapping[str, Any], rng: np.random.Generator, problem: str) -> tuple[str, ...]:
    if problem == "no_docs":
        first = "documents"
    else:
        options = ["food", "health", "income"]
        if h["n_school_6_21"] > 0:
            options.append("school")
        if h["has_elderly_70"] or h["has_disability"]:
            options.append("care")
        if h["house_unfit"] and h["owns_land"]:
            options.append("housing")
        first = options[int(rng.integers(len(options)))]
    needs = [first]
    if rng.random() < 0.35:
        second = [n for n in ("health", "food") if n not in needs]
        needs.append(second[int(rng.integers(len(second)))])
    return tuple(needs)


class PopulationTooSmall(ValueError):
    """The population has too few households of a kind for the cases asked for."""


def _pick(pool: np.ndarray, used: set[int], rng: np.random.Generator) -> int:
    free = [int(i) for i in pool if int(i) not in used]
    if not free:
        raise PopulationTooSmall("the population is too small for this many cases")
    i = free[int(rng.integers(len(free)))]
    used.add(i)
    return i


def plan_problems(level: str, n: int | None = None, duplicates: bool = True) -> list[str]:
    """The planted problems of ``n`` cases at ``level`` (the level's mix, repeated for more cases)."""
    spec = LEVEL_SPEC[level]
    n = spec["n"] if n is None else int(n)
    probs = [p for p in spec["problems"] if duplicates or p != "duplicate"]
    k = round(n * len(spec["problems"]) / spec["n"])
    planned = [probs[j % len(probs)] for j in range(min(k, n))] if probs else []
    return planned + ["clean"] * (n - len(planned))


FO_CASES = 10
"""Cases per class on the front-office side (``roleplay.class_cases`` as the FO app calls it)."""

_FO_PROBLEM = {"listed": "clean", "unlisted_poor": "not_listed", "kk_missing": "no_docs",
               "doc_missing": "no_docs", "pkh_already": "served", "false_sktm": "false_sktm"}


def build_queue(class_code: str, seed: int, level: str = "sedang") -> Queue:
    """The queue of a class: deterministic in (class code, seed, level).

    The households are the front office's cases of the same class (:func:`roleplay.class_cases`,
    in the same order) as the front office registered them, searched in the same simulated DTKS
    (:func:`roleplay.class_dtks`); the back office adds what only it sees: a household
    registered twice. Without :mod:`slrt_sim.roleplay` the queue is drawn by :func:`queue_from`.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    try:
        from . import roleplay
    except ImportError:  # pragma: no cover - roleplay ships with the kit
        roleplay = None
    if roleplay is None or not hasattr(roleplay, "class_cases"):
        return queue_from(training_population(int(seed)), class_code, int(seed), level)
    from . import case_cache  # built once per class, loaded by every other kernel

    code = "".join(class_code.split()).upper()
    return case_cache.cached("bo-queue", (code, int(seed), level, get_language()),
                             lambda: _queue_from_fo(roleplay, class_code, int(seed), level))


def _fo_documents(docs: Mapping[str, Any]) -> list[str]:
    out = []
    if docs.get("ktp"):
        k = docs["ktp"]
        out.append(t("bo.doc.ktp_copy_of" if k.get("copy") else "bo.doc.ktp_of", owner=k["owner"], nik=k["nik"]))
    else:
        out.append(t("bo.doc.no_ktp"))
    out.append(t("bo.doc.kk_no", number=docs["kk"]["number"]) if docs.get("kk") else t("bo.doc.no_kk"))
    if docs.get("sktm"):
        out.append(t("bo.doc.sktm_no", number=docs["sktm"]["number"], issuer=docs["sktm"]["issuer"]))
    for card in docs.get("cards") or ():
        out.append(t("bo.doc.card", card=card))
    return out


def _queue_from_fo(roleplay, class_code: str, seed: int, level: str) -> Queue:
    pop = training_population(seed)
    sc = pop.scenario
    start_year = sc.calendar.start_date.year
    code = "".join(class_code.split()).upper()
    rng = _class_rng(code, seed, level)
    spec = LEVEL_SPEC[level]
    n_dup = sum(1 for p in spec["problems"] if p == "duplicate")
    fo = roleplay.class_cases(code, seed, level, n=FO_CASES, app="bo")[: spec["n"] - n_dup]
    cases: list[BoCase] = []
    for c in fo:
        rec = dict(c.household)
        truth = dict(rec)
        truth["dtks_decile"] = int(rec["true_decile"]) if rec["in_dtks"] else 0
        truth["verified_decile"] = int(rec["true_decile"])
        problem = _FO_PROBLEM.get(c.kind, "clean")
        if problem == "clean" and "dtks_nik_invalid" in c.planted:
            problem = "nik_typo"
        elif problem == "clean" and rec["dtks_year"] and rec["dtks_year"] < start_year - STALE_YEARS \
                and not c.documents.get("sktm"):
            problem = "stale"
        kk = c.documents["kk"]["number"] if c.documents.get("kk") else ""
        reg = {"name": c.head["name"], "nik": c.head["nik"], "kk": kk, "address": c.address,
               "channel": "puskesos" if c.index % 2 else "dinas", "documents": _fo_documents(c.documents),
               "sktm": bool(c.documents.get("sktm")), "story": c.story, "ref": c.case_id,
               "planted": list(c.planted), "nik_mismatch": "dtks_nik_invalid" in c.planted}
        cases.append(BoCase("", c.hh, problem, reg, [dict(m) for m in c.members], tuple(c.needs), rec, truth,
                            start_year=start_year))
    for j in range(n_dup):  # a household registered a second time, at the other office
        orig = cases[int(rng.integers(len(cases)))]
        reg = dict(orig.registration)
        reg["channel"] = "puskesos" if orig.registration["channel"] == "dinas" else "dinas"
        reg["ref"] = f"{code}-{level}-{FO_CASES + j + 1:02d}"
        dup = BoCase("", orig.hh, "duplicate", reg, orig.members, orig.needs, dict(orig.profile),
                     dict(orig.truth), start_year=start_year)
        dup.duplicate_of = id(orig)  # resolved to the case id below
        at = cases.index(orig) + 1 + int(rng.integers(len(cases) - cases.index(orig)))
        cases.insert(at, dup)
    ids = {id(c): f"K{k + 1:02d}" for k, c in enumerate(cases)}
    for c in cases:
        c.case_id = ids[id(c)]
        if c.duplicate_of is not None:
            c.duplicate_of = ids[c.duplicate_of]
    queue = Queue(code, seed, level, sc.region.kabupaten, sc.region.kind, sc.region.province, cases,
                  start_year=start_year, dtks_loader=partial(roleplay.class_dtks, code, seed, level, n=FO_CASES))
    queue.quota = _quotas(queue, sc, spec["binding"])
    return queue


def queue_from(pop, class_code: str, seed: int, level: str, n: int | None = None,
               duplicates: bool = True) -> Queue:
    """A queue of ``n`` cases (default: the level's size) drawn from any population."""
    from .identity import mistype_nik

    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    sc = pop.scenario
    start_year = sc.calendar.start_date.year
    rng = _class_rng(class_code, seed, level)
    spec = LEVEL_SPEC[level]
    problems_list = plan_problems(level, n, duplicates)
    problems_list = [problems_list[i] for i in rng.permutation(len(problems_list))]
    for j, pr in enumerate(problems_list):  # a duplicate repeats an earlier registration
        if pr == "duplicate" and not any(q != "duplicate" for q in problems_list[:j]):
            k = next(x for x in range(j + 1, len(problems_list)) if problems_list[x] != "duplicate")
            problems_list[j], problems_list[k] = problems_list[k], problems_list[j]
    hh = pop.households
    docs_ok = hh["has_kk"].to_numpy() & ~hh["missing_docs"].to_numpy()
    dec = hh["true_decile"].to_numpy()
    pools = {
        "poor": np.flatnonzero((dec <= 4) & docs_ok),
        "rich": np.flatnonzero((dec >= 7) & docs_ok),
        "no_docs": np.flatnonzero((dec <= 4) & ~docs_ok),
    }
    used: set[int] = set()
    cases: list[BoCase] = []
    for k, problem in enumerate(problems_list):
        case_id = f"K{k + 1:02d}"
        if problem == "duplicate":
            originals = [c for c in cases if c.problem != "duplicate"]
            orig = originals[int(rng.integers(len(originals)))]
            reg = dict(orig.registration)
            reg["channel"] = "puskesos" if orig.registration["channel"] == "dinas" else "dinas"
            cases.append(BoCase(case_id, orig.hh, "duplicate", reg, orig.members, orig.needs,
                                dict(orig.profile), dict(orig.truth), duplicate_of=orig.case_id,
                                start_year=start_year))
            continue
        pool = pools["rich"] if problem == "false_sktm" else pools["no_docs"] if problem == "no_docs" else pools["poor"]
        if problem == "no_docs" and not len(pool):
            pool = pools["poor"]
        i = _pick(pool, used, rng)
        base = pop.household(i)
        members = _member_rows(pop, i)
        truth = dict(base)
        truth["verified_decile"] = int(base["true_decile"])
        if problem == "no_docs" and programs.documents_ok(truth):
            truth["missing_docs"] = True
        needs = _needs_for(truth, rng, problem)
        # the DTKS record (programme receipt is set by the plant, not left to chance)
        rec = dict(truth)
        rec.pop("verified_decile")
        for flag in RECEIPT_FLAGS.values():
            rec[flag] = truth[flag] = False
        rec.update(in_dtks=True, dtks_decile=int(base["true_decile"]), dtks_year=start_year - 1 - int(rng.integers(2)),
                   via_sktm=False, nik_invalid=False, dtks_nik=int(members[0]["nik"]))
        sktm = False
        if problem == "not_listed":
            rec.update(in_dtks=False, dtks_decile=0, dtks_year=0, dtks_nik=0)
        elif problem == "false_sktm":
            rec.update(dtks_decile=int(rng.integers(1, 4)), via_sktm=True)
            sktm = True
        elif problem == "stale":
            rec.update(dtks_year=start_year - STALE_YEARS - 1 - int(rng.integers(3)),
                       dtks_decile=int(min(10, base["true_decile"] + 3)))
        elif problem == "served":
            progs = [p for n in needs for p in programs.NEED_PROGRAMS[n] if p in RECEIPT_FLAGS]
            if not progs:
                needs = ("food",) + tuple(n for n in needs if n != "food")
                progs = ["BPNT"]
            rec[RECEIPT_FLAGS[progs[0]]] = truth[RECEIPT_FLAGS[progs[0]]] = True
        # the effective truth: the record as a visit corrects it
        truth.update({k: rec[k] for k in ("in_dtks", "dtks_year", "via_sktm", "nik_invalid", "dtks_nik")})
        truth["dtks_decile"] = int(base["true_decile"]) if rec["in_dtks"] else 0
        reg_nik = members[0]["nik"]
        if problem == "nik_typo":
            reg_nik = mistype_nik(reg_nik, rng, kind="change")
        documents = _documents(truth, members, sktm, start_year)
        channel = "puskesos" if rng.random() < 0.5 else "dinas"
        reg = {
            "name": members[0]["name"], "nik": reg_nik, "kk": pop.kk(i), "address": pop.address(i),
            "channel": channel, "documents": documents, "sktm": sktm,
            "story": _story(members, needs, truth, sktm),
        }
        cases.append(BoCase(case_id, i, problem, reg, members, needs, rec, truth, start_year=start_year))
    queue = Queue("".join(class_code.split()).upper(), int(seed), level, sc.region.kabupaten, sc.region.kind,
                  sc.region.province, cases, start_year=start_year)
    queue.quota = _quotas(queue, sc, spec["binding"])
    return queue


def _documents(truth: Mapping[str, Any], members: list[dict], sktm: bool, year: int) -> list[str]:
    docs = []
    if truth["has_kk"]:
        docs.append(t("bo.doc.kk"))
    else:
        docs.append(t("bo.doc.no_kk"))
    if all(m["has_ktp"] for m in members if m["age"] >= 17):
        docs.append(t("bo.doc.ktp"))
    else:
        docs.append(t("bo.doc.no_ktp"))
    if not all(m["has_birth_cert"] for m in members if m["age"] < 18):
        docs.append(t("bo.doc.no_birth_cert"))
    if sktm:
        docs.append(t("bo.doc.sktm", year=year - 1))
    if truth["has_chronic"]:
        docs.append(t("bo.doc.sick_letter"))
    return docs


def _story(members: list[dict], needs: Iterable[str], truth: Mapping[str, Any], sktm: bool) -> str:
    head = members[0]
    from .i18n import category_label as label

    parts = [t("bo.story.intro", name=head["name"], age=head["age"], size=len(members),
               occupation=label("occupation", head["occupation"]).lower())]
    for need in needs:
        parts.append(t(f"bo.story.need.{need}"))
    if sktm:
        parts.append(t("bo.story.sktm"))
    return " ".join(parts)


# ============================================================================ the answer key
def already_receives(profile: Mapping[str, Any], program: str) -> bool:
    flag = RECEIPT_FLAGS.get(program)
    return bool(flag and profile.get(flag))


def verval_needed(case: BoCase) -> bool:
    """A visit is needed for a SKTM claim, a stale record, or a household not in the DTKS."""
    if case.problem == "duplicate":
        return False
    p = case.profile
    if case.registration.get("sktm") or p.get("via_sktm"):
        return True
    if not p["in_dtks"]:
        return True
    return bool(p["dtks_year"]) and p["dtks_year"] < case.start_year - STALE_YEARS


def effective_profile(case: BoCase) -> dict:
    """The profile the decisions must rest on: the record, or what the needed verval found."""
    return dict(case.truth) if verval_needed(case) else {**case.profile, "verified_decile": 0}


def right_status(case: BoCase) -> str:
    if case.problem == "duplicate":
        return "duplicate"
    if case.problem == "nik_typo" or case.registration.get("nik_mismatch"):
        return "nik_error"
    if not case.profile["in_dtks"]:
        return "not_listed"
    return "match"


def decision(case: BoCase, program: str) -> tuple[bool, programs.Verdict]:
    """Whether ``program`` is right for the case, with the verdict of the programme rules."""
    prof = effective_profile(case)
    v = programs.check(program, prof)
    return (v.eligible and not already_receives(prof, program)), v


def decisive_reason(v: programs.Verdict, profile: Mapping[str, Any] | None = None) -> str:
    """The catalogue key that decides a verdict (the failing condition, or the last one met)."""
    if profile is not None and v.eligible and already_receives(profile, v.program):
        return "bo.rule.already_receives"
    if v.eligible:
        return v.reasons[-1] if v.reasons else "bo.rule.eligible"
    for r in v.reasons:
        if not r.startswith(_POSITIVE):
            return r
    return v.reasons[-1] if v.reasons else "bo.rule.not_eligible"


def vulnerability(profile: Mapping[str, Any]) -> int:
    return int(bool(profile["has_pregnant"])) + int(profile["n_child_0_6"] > 0) + int(bool(profile["has_elderly_70"])) \
        + int(bool(profile["has_disability"])) + int(bool(profile["has_severe_disability"]))


def priority_key(case: BoCase) -> tuple[int, int]:
    """Lower sorts first: the lowest (effective) decile, then the most vulnerable members."""
    prof = effective_profile(case)
    decile = int(prof.get("verified_decile") or 0) or int(prof["dtks_decile"]) or int(prof["true_decile"])
    return (decile, -vulnerability(prof))


def _right_eligible(queue: Queue) -> dict[str, dict[str, bool]]:
    out = {}
    for c in queue.cases:
        if c.problem == "duplicate":
            continue
        out[c.case_id] = {p: decision(c, p)[0] for p in c.candidates}
    return out


def right_priority(queue: Queue) -> list[str]:
    """Case ids with at least one right programme (other than Dukcapil), most urgent first."""
    elig = _right_eligible(queue)
    ids = [cid for cid, d in elig.items() if any(ok for p, ok in d.items() if p not in NO_QUOTA)]
    order = {c.case_id: k for k, c in enumerate(queue.cases)}
    return sorted(ids, key=lambda cid: (priority_key(queue.case(cid)), order[cid]))


def allocate(queue: Queue, eligible: Mapping[str, Mapping[str, bool]], order: list[str]) -> dict[tuple[str, str], str | None]:
    """Referrals (case, need) -> programme, cases taken in ``order``, quotas filled first come first.

    Uses :func:`programs.refer`'s order of preference: per need, the first programme marked
    eligible that still has a place (documents missing: Dukcapil first).
    """
    left = dict(queue.quota)
    out: dict[tuple[str, str], str | None] = {}
    taken: dict[str, set[str]] = {}
    ordered = [cid for cid in order if cid in eligible] + [cid for cid in eligible if cid not in order]
    for cid in ordered:
        case = queue.case(cid)
        marks = eligible[cid]
        taken[cid] = set()
        for need in case.needs:
            prog = None
            if marks.get("DUKCAPIL") and need != "information":
                prog = "DUKCAPIL"
            else:
                for code in programs.NEED_PROGRAMS[need]:
                    if not marks.get(code):
                        continue
                    if code in taken[cid] or code in NO_QUOTA or left.get(code, 0) > 0:
                        prog = code
                        break
            if prog and prog not in taken[cid] and prog not in NO_QUOTA:
                left[prog] = left.get(prog, 0) - 1
            if prog:
                taken[cid].add(prog)
            out[(cid, need)] = prog
    return out


def right_referrals(queue: Queue) -> dict[tuple[str, str], str | None]:
    return allocate(queue, _right_eligible(queue), right_priority(queue))


def _quotas(queue: Queue, scenario, binding: int) -> dict[str, int]:
    elig = _right_eligible(queue)
    counts = {p: 0 for p in queue.programs if p not in NO_QUOTA}
    # demand: households whose first eligible programme for a need is p (refer's preference)
    for cid, marks in elig.items():
        case = queue.case(cid)
        firsts = set()
        for need in case.needs:
            for code in programs.NEED_PROGRAMS[need]:
                if marks.get(code):
                    firsts.add(code)
                    break
        for p in firsts:
            if p in counts:
                counts[p] += 1
    quota = {}
    ranked = sorted(counts, key=lambda p: (-counts[p], programs.PROGRAMS.index(p)))
    bind = [p for p in ranked if counts[p] >= 2][:binding]
    for p in counts:
        base = scenario.programs[p].quota_per_cycle if p in scenario.programs else counts[p]
        quota[p] = counts[p] - 1 if p in bind else max(counts[p], min(int(base), counts[p] + 1))
    return quota


def answer_key(queue: Queue) -> dict:
    """The perfect answers, in the same shape as a trainee's (see :func:`empty_answers`)."""
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


# ============================================================================ grading
@dataclass
class BoGrade:
    score: float
    max_score: float
    items: list[dict]
    referrals: dict[tuple[str, str], str | None]
    minutes: float

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    def letters(self) -> list[tuple[str, str]]:
        """(case id, programme) of every referral letter issued, one per programme and household."""
        seen = []
        for (cid, _need), prog in self.referrals.items():
            if prog and (cid, prog) not in seen:
                seen.append((cid, prog))
        return seen


def _item(item: str, ok: bool, rule: str | None, message: str, points: float = 1.0, max_points: float = 1.0,
          section: str = "") -> dict:
    return {"item": item, "ok": bool(ok), "rule": rule, "message": message, "points": float(points),
            "max_points": float(max_points), "section": section}


def _trainee_eligible(queue: Queue, answers: Mapping[str, Any]) -> dict[str, dict[str, bool]]:
    out = {}
    for c in queue.cases:
        a = answers.get("cases", {}).get(c.case_id, {})
        if a.get("status") == "duplicate":
            continue
        out[c.case_id] = {p: bool(v) for p, v in (a.get("decisions") or {}).items()}
    return out


def _trainee_order(queue: Queue, answers: Mapping[str, Any]) -> list[str]:
    order = {c.case_id: k for k, c in enumerate(queue.cases)}

    def key(cid: str):
        pr = answers.get("cases", {}).get(cid, {}).get("priority")
        return (0 if isinstance(pr, (int, float)) and pr > 0 else 1, pr if isinstance(pr, (int, float)) else 0,
                order[cid])

    return sorted(order, key=key)


def grade(queue: Queue, answers: Mapping[str, Any], started_at: float | None = None,
          submitted_at: float | None = None, lang: str | None = None) -> BoGrade:
    """Grade a trainee's answers; every item carries the rule (catalogue key) that decides it."""
    items: list[dict] = []
    A = answers.get("cases", {})
    for c in queue.cases:
        a = A.get(c.case_id, {}) or {}
        label = f"{c.case_id} · {c.head_name}"
        # 1. verification against the DTKS
        rs = right_status(c)
        st = a.get("status")
        rule = {"duplicate": "bo.rule.duplicate", "nik_error": "bo.rule.nik_error",
                "not_listed": "rule.not_in_dtks", "match": "bo.rule.match"}[rs]
        msg = t(f"bo.fb.status.{'ok' if st == rs else 'wrong'}", lang=lang, right=t(f"bo.status.{rs}", lang=lang),
                given=t(f"bo.status.{st}", lang=lang) if st in STATUSES else t("bo.fb.none", lang=lang))
        msg += " " + t(rule, lang=lang, program=t("bo.program_generic", lang=lang),
                       other=c.duplicate_of or "")
        items.append(_item(f"{label} · {t('bo.fb.section.status', lang=lang)}", st == rs, rule, msg,
                           section="status"))
        # 2. verval
        need = verval_needed(c)
        asked = bool(a.get("verval"))
        if need:
            vr = ("bo.rule.verval_sktm" if c.registration.get("sktm") or c.profile.get("via_sktm")
                  else "bo.rule.verval_not_listed" if not c.profile["in_dtks"] else "bo.rule.verval_stale")
        else:
            vr = "bo.rule.verval_duplicate" if c.problem == "duplicate" else "bo.rule.verval_not_needed"
        msg = t(f"bo.fb.verval.{'ok' if asked == need else ('missed' if need else 'extra')}", lang=lang) + " " + \
            t(vr, lang=lang, years=STALE_YEARS)
        items.append(_item(f"{label} · {t('bo.fb.section.verval', lang=lang)}", asked == need, vr, msg,
                           section="verval"))
        # 3. eligibility per programme
        if c.problem != "duplicate":
            prof = effective_profile(c)
            for p in c.candidates:
                right, v = decision(c, p)
                given = (a.get("decisions") or {}).get(p)
                ok = given is not None and bool(given) == right
                rule = decisive_reason(v, prof)
                pname = t(f"prog.{p}.name", lang=lang)
                if ok:
                    head = t("bo.fb.decision.ok", lang=lang, program=pname,
                             verdict=t("bo.eligible" if right else "bo.not_eligible", lang=lang))
                elif given is None:
                    head = t("bo.fb.decision.missing", lang=lang, program=pname)
                elif given:
                    head = t("bo.fb.decision.inclusion", lang=lang, program=pname)
                else:
                    head = t("bo.fb.decision.exclusion", lang=lang, program=pname)
                why = v.explain(lang)
                if already_receives(prof, p) and v.eligible:
                    why.append(t("bo.rule.already_receives", lang=lang, program=pname))
                items.append(_item(f"{label} · {pname}", ok, rule, head + " " + " ".join(why), section="decision"))
    # 4. referrals under the quota (the trainee's marks and order, the queue's quotas)
    right_ref = right_referrals(queue)
    mine = allocate(queue, _trainee_eligible(queue, answers), _trainee_order(queue, answers))
    for (cid, need), prog in right_ref.items():
        c = queue.case(cid)
        got = mine.get((cid, need))
        nname = t(f"need.{need}", lang=lang)
        ok = got == prog
        if prog is None:
            eff = effective_profile(c)
            ref = programs.refer(need, eff)
            if ref.program is None:
                last = ref.verdicts[-1] if ref.verdicts else None
                rule = "rule.not_in_dtks" if ref.propose_dtks else (
                    decisive_reason(last) if last else "bo.rule.no_referral")
                pn = t(f"prog.{last.program}.name", lang=lang) if last else t("bo.program_generic", lang=lang)
            else:
                rule = "bo.rule.already_receives" if already_receives(eff, ref.program) else "bo.rule.quota"
                pn = t(f"prog.{ref.program}.name", lang=lang)
            msg = t("bo.fb.referral.none", lang=lang, need=nname) + " " + t(rule, lang=lang, program=pn)
        else:
            rule = "rule.documents_first" if prog == "DUKCAPIL" and need != "documents" else (
                "bo.rule.quota_priority" if prog not in NO_QUOTA else "rule.dukcapil.missing")
            msg = t("bo.fb.referral.to", lang=lang, need=nname, program=t(f"prog.{prog}.name", lang=lang))
            if prog != "DUKCAPIL":
                msg += " " + " ".join(programs.check(prog, effective_profile(c)).explain(lang))
        if not ok:
            msg = t("bo.fb.referral.given", lang=lang, program=t(f"prog.{got}.name", lang=lang) if got
                    else t("bo.fb.none", lang=lang)) + " " + msg
        items.append(_item(f"{cid} · {c.head_name} · {t('bo.fb.section.referral', lang=lang)}: {nname}", ok, rule,
                           msg, section="referral"))
    for (cid, need), prog in mine.items():  # referrals of a rejected duplicate: no right counterpart
        if (cid, need) not in right_ref and prog:
            c = queue.case(cid)
            items.append(_item(f"{cid} · {c.head_name} · {t('bo.fb.section.referral', lang=lang)}", False,
                               "bo.rule.duplicate", t("bo.fb.referral.double", lang=lang,
                                                      program=t(f"prog.{prog}.name", lang=lang),
                                                      other=c.duplicate_of or ""),
                               points=0, max_points=0, section="referral"))
    for c in queue.cases:
        if c.problem == "duplicate":
            issued = [p for (cid, _n), p in mine.items() if cid == c.case_id and p]
            items.append(_item(f"{c.case_id} · {c.head_name} · {t('bo.fb.section.referral', lang=lang)}",
                               not issued, "bo.rule.duplicate",
                               t("bo.fb.duplicate_no_letter", lang=lang, other=c.duplicate_of or ""),
                               section="referral"))
    # 5. priority order: pairs of cases with different urgency, in the right order
    pri = right_priority(queue)
    tord = _trainee_order(queue, answers)
    pos = {cid: k for k, cid in enumerate(tord)}
    pairs = good = 0
    for i, a_id in enumerate(pri):
        for b_id in pri[i + 1:]:
            if priority_key(queue.case(a_id)) == priority_key(queue.case(b_id)):
                continue
            pairs += 1
            pa = A.get(a_id, {}).get("priority")
            pb = A.get(b_id, {}).get("priority")
            if pa and pb and pa != pb and pos[a_id] < pos[b_id]:
                good += 1
    frac = good / pairs if pairs else 1.0
    right_txt = ", ".join(pri)
    items.append(_item(t("bo.fb.section.priority", lang=lang), frac == 1.0, "bo.rule.priority",
                       t("bo.fb.priority", lang=lang, good=good, pairs=pairs, order=right_txt) + " " +
                       t("bo.rule.priority", lang=lang),
                       points=round(PRIORITY_POINTS * frac, 1), max_points=PRIORITY_POINTS, section="priority"))
    # 6. time
    end = float(submitted_at or 0.0)
    minutes = max(0.0, (end - (float(started_at) if started_at is not None else end)) / 60.0)
    target = TARGET_MINUTES[queue.level]
    tp = TIME_POINTS if minutes <= target else TIME_POINTS / 2 if minutes <= 2 * target else 0.0
    items.append(_item(t("bo.fb.section.time", lang=lang), tp == TIME_POINTS, "bo.rule.time",
                       t("bo.fb.time", lang=lang, minutes=fmt_num(minutes, 1, lang=lang), target=target),
                       points=tp, max_points=TIME_POINTS, section="time"))
    for it in items:
        if it["section"] not in ("priority", "time") and it["max_points"] and not it["ok"]:
            it["points"] = 0.0
    score = round(sum(i["points"] for i in items), 1)
    max_score = round(sum(i["max_points"] for i in items), 1)
    return BoGrade(score, max_score, items, mine, minutes)


# ============================================================================ the letter
_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def date_id(d: dt.date) -> str:
    return f"{d.day} {_MONTHS_ID[d.month - 1]} {d.year}"


def letter_number(seq: int, d: dt.date, class_code: str) -> str:
    return f"460/{seq:03d}/SLRT-{html.escape(class_code)}/{_ROMAN[d.month - 1]}/{d.year}"


LETTER_CSS = """
.slrt-letter{font-family:'DejaVu Serif',Georgia,'Times New Roman',serif;color:#000;background:#fff;
 max-width:180mm;margin:0 auto;padding:12mm 14mm;border:1px solid #ccc;line-height:1.45;font-size:11.5pt}
.slrt-letter .kop{display:flex;align-items:center;gap:12px;border-bottom:3px double #000;padding-bottom:6px}
.slrt-letter .kop .logo{width:56px;height:56px;border:2px solid #000;border-radius:50%;display:flex;
 align-items:center;justify-content:center;font-weight:bold;font-size:10pt}
.slrt-letter .kop .text{flex:1;text-align:center}
.slrt-letter .kop .l1{font-size:13pt;font-weight:bold;letter-spacing:.5px}
.slrt-letter .kop .l2{font-size:16pt;font-weight:bold}
.slrt-letter .kop .l3{font-size:9.5pt}
.slrt-letter table.meta td{padding:0 6px 0 0;vertical-align:top}
.slrt-letter table.hh td{padding:1px 6px 1px 0;vertical-align:top}
.slrt-letter .sign{margin-top:18px;margin-left:55%;text-align:left}
.slrt-letter .synthetic{font-size:8.5pt;color:#555;margin-top:14px;border-top:1px dashed #999;padding-top:4px}
@media print{
 @page{size:A4;margin:15mm}
 body *{visibility:hidden !important}
 .slrt-letter,.slrt-letter *{visibility:visible !important}
 .slrt-letter{position:absolute;left:0;top:0;border:none;margin:0;max-width:none;width:100%}
 .slrt-noprint{display:none !important}
}
"""


def letter_html(queue: Queue, case_id: str, program: str, seq: int = 1, date: dt.date | None = None,
                reasons: list[str] | None = None, standalone: bool = False) -> str:
    """The referral letter (surat rujukan), in Indonesian, as an HTML fragment (or a whole page)."""
    d = date or dt.date.today()
    c = queue.case(case_id)
    e = html.escape
    district = queue.district_title
    gov = ("PEMERINTAH " + district).upper()
    prof = effective_profile(c)
    if reasons is None:
        reasons = programs.check(program, prof).explain("id")
    needs = ", ".join(t(f"need.{n}", lang="id") for n in c.needs)
    reason_html = "".join(f"<li>{e(r)}</li>" for r in reasons)
    pname = t(f"prog.{program}.name", lang="id")
    what = t(f"prog.{program}.what", lang="id") if _has(f"prog.{program}.what") else ""
    body = f"""<div class="slrt-letter" lang="id" data-case="{e(case_id)}" data-program="{e(program)}">
<div class="kop"><div class="logo">DINSOS</div><div class="text">
<div class="l1">{e(gov)}</div><div class="l2">DINAS SOSIAL</div>
<div class="l3">Sekretariat Sistem Layanan dan Rujukan Terpadu (SLRT) · {e(district)}, {e(queue.province)}</div>
</div></div>
<table class="meta" style="margin-top:10px"><tr><td>Nomor</td><td>:</td><td>{letter_number(seq, d, queue.class_code)}</td></tr>
<tr><td>Lampiran</td><td>:</td><td>1 (satu) berkas</td></tr>
<tr><td>Perihal</td><td>:</td><td><b>Surat Rujukan {e(pname)}</b></td></tr></table>
<p style="text-align:right">{e(district)}, {date_id(d)}</p>
<p>Kepada Yth.<br>Pengelola Program {e(pname)}<br>di tempat</p>
<p>Dengan hormat, berdasarkan hasil pemeriksaan data terpadu (DTKS) dan penilaian kebutuhan oleh
Sekretariat SLRT, bersama ini kami merujuk rumah tangga berikut:</p>
<table class="hh">
<tr><td>Nama kepala keluarga</td><td>:</td><td><b>{e(c.head_name)}</b></td></tr>
<tr><td>NIK</td><td>:</td><td>{e(c.members[0]['nik'])}</td></tr>
<tr><td>Nomor KK</td><td>:</td><td>{e(c.registration['kk'] or '-')}</td></tr>
<tr><td>Alamat</td><td>:</td><td>{e(c.registration['address'])}</td></tr>
<tr><td>Jumlah anggota</td><td>:</td><td>{len(c.members)} orang</td></tr>
<tr><td>Kebutuhan</td><td>:</td><td>{e(needs)}</td></tr>
<tr><td>Program rujukan</td><td>:</td><td><b>{e(pname)}</b>{(' — ' + e(what)) if what else ''}</td></tr>
<tr><td>Nomor registrasi</td><td>:</td><td>{e(queue.class_code)}-{e(case_id)}</td></tr>
</table>
<p>Alasan rujukan:</p><ol>{reason_html}</ol>
<p>Mohon rumah tangga tersebut dapat dilayani sesuai ketentuan program. Hasil layanan mohon
diinformasikan kembali kepada Sekretariat SLRT untuk tindak lanjut dan pemutakhiran data.</p>
<div class="sign">Manajer SLRT / a.n. Kepala Dinas Sosial<br>{e(district)}<br><br><br><br>
(................................................)</div>
<div class="synthetic">Dokumen latihan (bimtek SLRT) — data sintetis, bukan surat resmi.</div>
</div>"""
    if not standalone:
        return body
    return (f"<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Surat Rujukan {e(case_id)}"
            f"</title><style>{LETTER_CSS}</style></head><body>{body}</body></html>")


def _has(key: str) -> bool:
    from .i18n import has

    return has(key)


# ============================================================================ class lookup
def resolve_class(code: str, store=None) -> dict | None:
    """The class of ``code`` (from the store; the built-in practice class ``LATIHAN``)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    if store is not None:
        try:
            found = store.get_class(code)
        except Exception:  # noqa: BLE001 - a broken store must not hide the practice class
            found = None
        if found:
            return dict(found)
    if code == PRACTICE_CLASS["code"]:
        return dict(PRACTICE_CLASS)
    return None


# ============================================================================ DTKS search
def _record(case: BoCase) -> dict:
    p = case.profile
    return {"nik": str(p["dtks_nik"]).zfill(16), "name": case.head_name, "kk": case.registration["kk"],
            "address": case.registration["address"], "decile": int(p["dtks_decile"]), "year": int(p["dtks_year"]),
            "sktm": bool(p.get("via_sktm")),
            "receives": [code for code, flag in RECEIPT_FLAGS.items() if p.get(flag)]}


def dtks_search(queue: Queue, nik: str = "", name: str = "") -> list[dict]:
    """Search the DTKS as the back office sees it: by exact NIK, or by the head's full name.

    The queue's households carry their (planted) records; other listed households of the
    training population answer name searches too, so a namesake can turn up.
    """
    nik = "".join(str(nik).split())
    key = " ".join(str(name).split()).casefold()
    if queue.dtks is not None:  # the class's DTKS, shared with the front office
        found = queue.dtks.search(nik=nik) if nik else queue.dtks.search(name=name)
        return [{"nik": r["nik"], "name": r["head_name"], "kk": r["kk"], "address": r["address"],
                 "decile": int(r["decile"]), "year": int(r["year"]), "sktm": None,
                 "receives": list(r.get("programs") or []),
                 "members": [m["name"] for m in r.get("members") or []]} for r in found]
    out: list[dict] = []
    seen: set[int] = set()
    for c in queue.cases:
        if c.hh in seen or not c.profile["in_dtks"]:
            continue
        seen.add(c.hh)
        rec = _record(c)
        if (nik and rec["nik"] == nik) or (key and rec["name"].casefold() == key):
            out.append(rec)
    if key:
        pop = training_population(queue.seed)
        h = pop.households
        heads = pop.persons.iloc[h["head_person"].to_numpy()]
        full = (heads["first_name"].astype(str) + " " + heads["last_name"].astype(str)).str.strip().str.casefold()
        listed = h["in_dtks"].to_numpy()
        for i in [int(i) for i in (full.to_numpy() == key).nonzero()[0]]:
            if i in seen or not listed[i]:
                continue
            p = pop.household(i)
            out.append({"nik": str(p["dtks_nik"]).zfill(16), "name": name.strip(), "kk": pop.kk(i),
                        "address": pop.address(i), "decile": int(p["dtks_decile"]), "year": int(p["dtks_year"]),
                        "sktm": bool(p["via_sktm"]),
                        "receives": [code for code, flag in RECEIPT_FLAGS.items() if p.get(flag)]})
    return out
