"""The front-office (FO) role play: walk-in cases, the answer key and the grading.

A resident walks in; the front office registers the household, searches the DTKS and decides.
The apps (:mod:`slrt_sim.apps.front_office`, the trainer dashboard) only call this module; the
shared parts (population, levels, DTKS search, member rows) are in :mod:`slrt_sim.training.core`
and the stories in :mod:`slrt_sim.training.stories`.

**Cases.** :func:`build_cases` draws households of the training population with the class's
seed, so everyone with the same class code gets the same households in the same order
(deterministic for ``(class_code, seed, level)``; ``app`` only labels the cases). Each case has
a *problem* (why the resident comes, in the back office's words) and planted data problems:

============== ======================================================================
problem        the household
============== ======================================================================
clean          in the DTKS at a low decile, documents complete: refer to the BO
not_listed     poor but not in the DTKS: propose DTKS registration
no_kk          has no KK (family card): Dukcapil first
no_docs        a member lacks a KTP or birth certificate: Dukcapil first
served         already receives PKH and asks when the next payment comes (information)
false_sktm     better-off (true decile ≥ 6) yet listed through a false SKTM, brings it
============== ======================================================================

Planted data problems (:data:`PLANTS`): ``nik_typo_copy`` (the KTP photocopy shows a mistyped
NIK), ``dtks_nik_invalid`` (the DTKS has the head's NIK mistyped: a NIK search fails, a name
search finds it), ``dtks_name_typo``, ``near_duplicate`` (an older DTKS record of the same
family), ``deceased_listed`` (the DTKS still lists a member who died), ``sktm_genuine`` (a poor
household brings an SKTM), ``applicant_spouse`` and ``elderly_by_date`` (an elderly member shows
only through the birth date on the KK).

What each level plants (:data:`LEVEL_SPEC`): *mudah* — no false SKTM, 1–2 needs, no planted
data problem; *sedang* — false SKTMs now and then, 2–3 needs, one planted problem per case;
*sulit* — false SKTMs more often, 2–4 needs, two planted problems per case.

**Answer key and grading.** :func:`answer_key` derives what the FO should record and decide;
the eligibility part comes only from :mod:`slrt_sim.domain.programs`. The decision is the first
that applies of: documents incomplete → *Dukcapil first*; a false SKTM → *close with
information* (the rules are read with the decile a verval would find: :func:`verified_profile`);
a need with an eligible programme → *refer to the back office* with those programmes; a need a
DTKS programme would meet once listed → *propose DTKS registration*; else *close with
information*. :func:`slrt_sim.training.fo_grading.grade` runs one small grader per form field (:data:`GRADERS`), each
returning its items with their points and the rule that explains them. Weights
(:data:`WEIGHTS`, scaled to 100): NIK 15, KK 10, head 5, members 10, address 5, category 5,
DTKS 5, needs 15, fast-track 5, decision 15, programmes 10, SKTM 10 when one was brought.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Mapping


from slrt_sim.domain import programs
from slrt_sim.domain.identity import check_nik, mistype_nik
from slrt_sim.domain.programs import NEED_PROGRAMS, PROGRAMS, documents_ok, refer
from slrt_sim._lazy import np  # numpy only when a class is built (role-play kernels stay light)
from slrt_sim.i18n import get_language, t
from slrt_sim.training import case_cache
from slrt_sim.training import stories
from slrt_sim.training.core import (LEVELS, DtksIndex, class_rng, dtks_record, member_rows, start_date,
                                    training_population, typo_name)
from slrt_sim.training.inputs import MAX_TEXT, too_long
from slrt_sim.training.store import norm_code

__all__ = ["LEVELS", "PROBLEMS", "PLANTS", "LEVEL_SPEC", "NEEDS", "DECISIONS", "CATEGORIES", "SKTM_CHOICES",
           "DTKS_STATUS", "WEIGHTS", "FORM_FIELDS", "FoCase", "build_cases", "class_dtks",
           "answer_key", "validate", "verified_profile", "case_records", "case_record_rng"]

PROBLEMS = ("clean", "not_listed", "no_kk", "no_docs", "served", "false_sktm")
PLANTS = ("nik_typo_copy", "dtks_nik_invalid", "dtks_name_typo", "near_duplicate", "deceased_listed",
          "sktm_genuine", "applicant_spouse", "elderly_by_date")
NEEDS = tuple(NEED_PROGRAMS)
"""The needs a trainee can record (``need.*`` catalogue keys), as in :mod:`slrt_sim.domain.programs`."""
DECISIONS = ("close_info", "refer_bo", "propose_dtks", "dukcapil_first")
CATEGORIES = ("request", "information", "documents", "complaint")
SKTM_CHOICES = ("accept", "verify")
DTKS_STATUS = ("listed", "not_listed")

LEVEL_SPEC: dict[str, dict[str, Any]] = {
    "mudah": {"problems": ("clean", "not_listed", "no_kk", "clean", "no_docs", "served"),
              "needs": (1, 2), "plants": 0, "pool": ()},
    "sedang": {"problems": ("clean", "not_listed", "no_docs", "served", "false_sktm", "clean", "no_kk",
                            "not_listed"),
               "needs": (2, 3), "plants": 1,
               "pool": ("nik_typo_copy", "dtks_nik_invalid", "dtks_name_typo", "near_duplicate",
                        "sktm_genuine", "applicant_spouse")},
    "sulit": {"problems": ("false_sktm", "clean", "not_listed", "no_docs", "false_sktm", "served", "clean",
                           "no_kk"),
              "needs": (2, 4), "plants": 2,
              "pool": ("nik_typo_copy", "dtks_nik_invalid", "dtks_name_typo", "near_duplicate",
                       "deceased_listed", "sktm_genuine", "applicant_spouse", "elderly_by_date")},
}
"""Per level: the problems of the cases in turn, needs per case (min, max), planted data problems per case."""
N_CASES = 10
"""Cases per class in the front-office app."""

WEIGHTS: dict[str, float] = {
    "nik": 15, "kk": 10, "head": 5, "members": 10, "address": 5, "category": 5, "dtks": 5,
    "needs": 15, "fast_track": 5, "decision": 15, "programs": 10, "sktm": 10,
}
FORM_FIELDS = tuple(WEIGHTS)
"""Keys of an FO answer dict (``needs``/``programs`` are lists, ``fast_track`` a bool)."""

_POOR_DECILE = 4          # "poor-ish" households for the walk-in pools
_FALSE_SKTM_MIN_DECILE = 6


# ------------------------------------------------------------------------------ the case
@dataclass
class FoCase:
    """One walk-in resident. ``story`` and ``documents`` are what the trainee sees; the rest is
    the answer key's material and stays in the kernel until the trainee submits."""

    case_id: str
    level: str
    index: int
    app: str
    problem: str
    hh: int
    household: dict                 # the true profile (as programs reads it), after planting
    members: list[dict]             # the true members (head first)
    address: str
    story: str
    documents: dict
    needs: list[str]
    planted: list[str]
    applicant: int = 0              # index in members of the person who walks in
    deceased: dict | None = None    # the member who died but is still in the DTKS
    story_parts: list[tuple[str, dict]] = field(default_factory=list, repr=False)

    @property
    def head(self) -> dict:
        return self.members[0]

    def story_text(self, lang: str | None = None) -> str:
        """The story again, in ``lang``."""
        return stories.render_story(self.story_parts, lang)

    def public(self) -> dict:
        """What may be shown before submitting: the story and the documents."""
        return {"case_id": self.case_id, "level": self.level, "index": self.index, "story": self.story,
                "documents": self.documents}


def _pools(pop) -> dict[str, np.ndarray]:
    h = pop.households
    docs_ok = h["has_kk"].to_numpy() & ~h["missing_docs"].to_numpy()
    listed = h["in_dtks"].to_numpy()
    dec = h["dtks_decile"].to_numpy()
    true = h["true_decile"].to_numpy()
    return {
        "clean": np.flatnonzero(listed & (dec <= _POOR_DECILE) & docs_ok & ~h["receives_pkh"].to_numpy()
                                & ~h["via_sktm"].to_numpy()),
        "not_listed": np.flatnonzero(~listed & (true <= _POOR_DECILE) & docs_ok),
        "no_kk": np.flatnonzero(~h["has_kk"].to_numpy() & (true <= 6)),
        "no_docs": np.flatnonzero(h["has_kk"].to_numpy() & h["missing_docs"].to_numpy() & (true <= 6)),
        "served": np.flatnonzero(h["receives_pkh"].to_numpy() & docs_ok),
        "false_sktm": np.flatnonzero(listed & h["via_sktm"].to_numpy() & (true >= _FALSE_SKTM_MIN_DECILE) & docs_ok),
        # fallbacks: a household with that property is made by editing a poor household's profile
        "_poor_docs_ok": np.flatnonzero((true <= _POOR_DECILE) & docs_ok),
        "_rich_docs_ok": np.flatnonzero((true >= 7) & docs_ok),
    }


def _fallback_edits(problem: str, year: int) -> dict:
    """What turns a poor (or, for a false SKTM, a better-off) household into a case of ``problem``."""
    return {
        "false_sktm": {"in_dtks": True, "dtks_decile": 2, "via_sktm": True, "dtks_year": year - 2},
        "no_kk": {"has_kk": False, "missing_docs": True, "kk": 0},
        "no_docs": {"missing_docs": True},
        "served": {"in_dtks": True, "dtks_decile": 2, "receives_pkh": True, "dtks_year": year - 3},
        "clean": {"in_dtks": True, "dtks_decile": 3, "dtks_year": year - 2},
        "not_listed": {"in_dtks": False, "dtks_decile": 0, "dtks_year": 0, "receives_pkh": False,
                       "receives_bpnt": False, "receives_pbi": False},
    }[problem]


@lru_cache(maxsize=32)
def _cases_cached(code: str, seed: int, level: str, n: int) -> tuple[FoCase, ...]:
    """Built once per class (:mod:`slrt_sim.training.case_cache`: other kernels load the file)."""
    key = (code, seed, level, n, get_language())  # the stories are rendered in the current language
    return case_cache.cached("fo-cases", key, lambda: _build_cases(code, seed, level, n))


def _build_cases(code: str, seed: int, level: str, n: int) -> tuple[FoCase, ...]:
    pop = training_population(seed)
    pools = _pools(pop)
    rng = class_rng(code, seed, level)
    problems = LEVEL_SPEC[level]["problems"]
    used: set[int] = set()
    cases = []
    for i in range(n):
        crng = np.random.default_rng(rng.integers(0, 2**63 - 1))
        cases.append(_make_case(pop, pools, code, level, i, problems[i % len(problems)], crng, used))
    return tuple(cases)


def build_cases(class_code: str, seed: int, level: str, n: int = N_CASES, app: str = "fo") -> list[FoCase]:
    """The ``n`` cases of a class, the same for everyone with ``(class_code, seed, level)``.

    The first ``k`` cases do not depend on ``n`` (cases are drawn one after the other)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    return [FoCase(**dict(c.__dict__, app=app)) for c in _cases_cached(norm_code(class_code), int(seed), level,
                                                                        int(n))]


def _pick(pool: np.ndarray, rng: np.random.Generator, used: set[int], ok: Callable[[int], bool]) -> int | None:
    for i in rng.permutation(pool):
        i = int(i)
        if i not in used and ok(i):
            return i
    return None


def _household(pop, pools, problem: str, rng, used: set[int]) -> tuple[int, dict]:
    """A household of ``problem`` not used yet (planted on another one when none is left)."""
    def enough(i: int) -> bool:
        h = pop.household(i)
        if problem == "served":
            return programs.has_component_pkh(h)
        if problem == "false_sktm":
            return True
        fits = programs.fitting_needs(h)
        return bool(fits) and (problem != "clean" or any(refer(n, h).program for n in fits))

    hh = _pick(pools[problem], rng, used, enough)
    edits: dict[str, Any] = {}
    if hh is None:
        base = "_rich_docs_ok" if problem == "false_sktm" else "_poor_docs_ok"
        hh = _pick(pools[base], rng, used,
                   lambda i: problem != "served" or programs.has_component_pkh(pop.household(i)))
        edits = _fallback_edits(problem, start_date(pop).year)
    used.add(hh)
    h = pop.household(hh)
    h.update(edits)
    return hh, h


def _pick_needs(h: Mapping[str, Any], problem: str, k_needs: int, level: str, rng) -> list[str]:
    """The needs the resident states: among those that fit the household (programs.fitting_needs)."""
    fits = programs.fitting_needs(h)
    if problem == "served":
        others = [n for n in fits if n != "income"]
        rng.shuffle(others)
        needs = ["information"] + others[: max(0, k_needs - 1) if level != "mudah" else 0]
    elif problem == "false_sktm":
        claim = [n for n in ("food", "health", "income") if n in fits] or ["food", "health", "income"]
        rng.shuffle(claim)
        needs = claim[: max(1, min(k_needs, len(claim)))]
    else:
        must = ["documents"] if "documents" in fits else []
        rest = [n for n in fits if n not in must]
        rng.shuffle(rest)
        if problem == "clean":  # lead with a need the household can be referred for
            rest.sort(key=lambda n: refer(n, h).program is None)
        needs = must + rest[: max(0, k_needs - len(must))] or ["information"]
    return [n for n in NEEDS if n in needs]


def _make_case(pop, pools: dict, code: str, level: str, index: int, problem: str,
               rng: np.random.Generator, used: set[int]) -> FoCase:
    spec = LEVEL_SPEC[level]
    lo, hi = spec["needs"]
    k_needs = int(rng.integers(lo, hi + 1))
    hh, h = _household(pop, pools, problem, rng, used)
    members = member_rows(pop, hh)
    if problem == "no_docs" and documents_ok(pop.household(hh)):  # planted: the youngest lacks a document
        last = members[-1]
        last["has_birth_cert" if last["age"] < 18 else "has_ktp"] = False
    needs = _pick_needs(h, problem, k_needs, level, rng)

    planted: list[str] = []
    pool = list(spec["pool"])
    rng.shuffle(pool)
    for p in pool:
        if len(planted) >= spec["plants"]:
            break
        if _can_plant(p, problem, h, members, planted):
            planted.append(p)
    applicant = 0
    if "applicant_spouse" in planted:
        applicant = next(j for j, m in enumerate(members) if m["relation"] in ("istri", "suami"))
    year = start_date(pop).year
    deceased = stories.deceased_member(members, rng, year) if "deceased_listed" in planted else None
    documents = stories.documents(pop, hh, h, members, problem, planted, applicant, rng, year)
    parts = stories.story(pop, hh, h, members, problem, needs, planted, applicant, deceased, documents, level, rng)
    return FoCase(
        case_id=f"{code}-{level}-{index + 1:02d}", level=level, index=index, app="fo", problem=problem, hh=hh,
        household=h, members=members, address=pop.address(hh), story=stories.render_story(parts),
        documents=documents, needs=needs, planted=planted, applicant=applicant, deceased=deceased,
        story_parts=parts,
    )


def _can_plant(p: str, problem: str, h: Mapping[str, Any], members: list[dict], planted: list[str]) -> bool:
    if p == "nik_typo_copy":
        return bool(h["has_kk"]) and members[0]["has_ktp"] and "applicant_spouse" not in planted
    if p in ("dtks_nik_invalid", "dtks_name_typo", "near_duplicate", "deceased_listed"):
        return bool(h["in_dtks"])
    if p == "sktm_genuine":
        return problem in ("not_listed", "clean")
    if p == "applicant_spouse":
        return (problem != "no_kk" and "nik_typo_copy" not in planted
                and any(m["relation"] in ("istri", "suami") for m in members))
    if p == "elderly_by_date":
        return bool(h["has_kk"]) and any(60 <= m["age"] for m in members) and not h["has_disability"]
    return False


# ------------------------------------------------------------------------------ the class's DTKS
def case_record_rng(class_code: str, seed: int, level: str, case: FoCase) -> np.random.Generator:
    """The random stream of one case's DTKS records (its planted typos): fixed by the class and
    the case alone, so the front office's DTKS and the back office's queue DTKS hold the same
    records — one NIK per household — whichever other cases each of them builds."""
    return class_rng(class_code, seed, level, "dtks-case", case.index)


def case_records(pop, case: FoCase, rng: np.random.Generator) -> list[dict]:
    """The DTKS records of a case household, with its planted data problems (``rng``:
    :func:`case_record_rng`)."""
    if not case.household["in_dtks"]:
        return []
    rec = dtks_record(pop, case.hh, case.household, case.members)
    out = [rec]
    head_nik = case.head["nik"]
    rec["nik"] = head_nik  # planted problems decide the NIK for case households
    if "dtks_nik_invalid" in case.planted:
        rec["nik"] = mistype_nik(head_nik, rng, kind="change")
    if "dtks_name_typo" in case.planted:
        rec["head_name"] = typo_name(case.head["name"], rng)
    if case.deceased is not None:
        d = case.deceased
        rec["members"] = rec["members"] + [{"name": d["name"], "nik": d["nik"], "relation": d["relation"],
                                            "age": d["age"]}]
    if "near_duplicate" in case.planted:
        dup = dict(rec)
        dup["record_id"] = rec["record_id"][:-2] + f"{int(rng.integers(10, 99))}"
        dup["head_name"] = typo_name(case.head["name"], rng)
        dup["nik"] = mistype_nik(head_nik, rng, kind="swap")
        dup["year"] = max(2015, rec["year"] - int(rng.integers(3, 7)))
        dup["members"] = rec["members"][: max(0, len(rec["members"]) - 1)]
        dup["programs"] = []
        dup["_duplicate_of"] = rec["record_id"]
        out.append(dup)
    return out


@lru_cache(maxsize=16)
def _dtks_cached(code: str, seed: int, level: str, n: int) -> DtksIndex:
    return case_cache.cached("fo-dtks", (code, seed, level, n), lambda: _build_dtks(code, seed, level, n))


def _build_dtks(code: str, seed: int, level: str, n: int) -> DtksIndex:
    pop = training_population(seed)
    rng = class_rng(code, seed, level, 1)
    overrides = {c.hh: case_records(pop, c, case_record_rng(code, seed, level, c))
                 for c in _cases_cached(code, seed, level, n)}
    return DtksIndex.build(pop, overrides, rng)


def class_dtks(class_code: str, seed: int, level: str, n: int = N_CASES) -> DtksIndex:
    """The simulated DTKS a class searches (its first ``n`` cases' planted problems included; cached)."""
    return _dtks_cached(norm_code(class_code), int(seed), level, int(n))


# ------------------------------------------------------------------------------ answer key
def verified_profile(case: FoCase) -> dict:
    """The profile the rules read: for a false SKTM, with the decile a verval would find."""
    h = dict(case.household)
    if case.problem == "false_sktm":
        h["dtks_decile"] = int(h["true_decile"])
        h["verified_decile"] = int(h["true_decile"])
        h["decile_from_verval"] = True  # the rules then speak of the visit's decile, not the record's
    return h


def answer_key(case: FoCase) -> dict:
    """What the front office should record and decide for ``case`` (never shown before submit).

    Keys as :data:`FORM_FIELDS`, plus ``referrals`` (need → :class:`programs.Referral`).
    """
    h = case.household
    refs = {n: refer(n, verified_profile(case)) for n in case.needs}
    if any(r.documents_first for r in refs.values()) or "documents" in case.needs:
        decision = "dukcapil_first"
    elif case.problem == "false_sktm":
        decision = "close_info"
    elif any(r.program for r in refs.values()):
        decision = "refer_bo"
    elif any(r.propose_dtks for r in refs.values()):
        decision = "propose_dtks"
    else:
        decision = "close_info"
    progs = (["DUKCAPIL"] if decision == "dukcapil_first" else
             [p for p in PROGRAMS if any(r.program == p for r in refs.values())] if decision == "refer_bo" else [])
    category = ("information" if case.needs == ["information"] else
                "documents" if set(case.needs) == {"documents"} else "request")
    sktm = None
    if case.documents["sktm"]:
        sktm = ("verify",) if case.problem == "false_sktm" else SKTM_CHOICES
    return {
        "nik": case.head["nik"],
        "kk": case.documents["kk"]["number"] if case.documents["kk"] else "",
        "head": case.head["name"],
        "members": [m["name"] for m in case.members],
        "address": case.address,
        "category": category,
        "dtks": "listed" if h["in_dtks"] else "not_listed",
        "needs": list(case.needs),
        "fast_track": bool(h["vulnerable"]),
        "decision": decision,
        "programs": progs,
        "sktm": sktm,
        "referrals": refs,
    }


# ------------------------------------------------------------------------------ validation
def _digits(s: Any) -> str:
    return "".join(str(s or "").split())


def _member_lines(text: Any) -> list[str]:
    lines = [str(x) for x in text] if isinstance(text, (list, tuple)) else re.split(r"[\n;]+", str(text or ""))
    return [" ".join(x.split()) for x in lines if x.strip()]


def _not_digits(s: str) -> str:
    """The characters of ``s`` that are not digits, each once, quoted: ``"O", "-"``."""
    return ", ".join(f'"{c}"' for c in dict.fromkeys(c for c in s if not c.isdigit()))


def validate(answers: Mapping[str, Any], case: FoCase | None = None) -> dict[str, str]:
    """Form errors that block a submit: ``{field: message}`` (empty when the form can be sent).

    Only the *form* is checked (16 digits, required fields, lengths), never the answer key.
    """
    errors: dict[str, str] = {}
    nik = _digits(answers.get("nik"))
    if not nik:
        errors["nik"] = t("rp.err.required")
    elif not nik.isdigit():  # a letter or another sign: say so, not "16 digits (now 16)"
        errors["nik"] = t("rp.err.nik_chars", chars=_not_digits(nik))
    elif [p for p in check_nik(nik) if p in ("length", "not_digits")]:
        errors["nik"] = t("rp.err.nik_digits", n=len(nik))
    kk = _digits(answers.get("kk"))
    if kk and not kk.isdigit():
        errors["kk"] = t("rp.err.kk_chars", chars=_not_digits(kk))
    elif kk and len(kk) != 16:
        errors["kk"] = t("rp.err.kk_digits", n=len(kk))
    for name in ("head", "address"):
        if not str(answers.get(name) or "").strip():
            errors[name] = t("rp.err.required")
    if not _member_lines(answers.get("members")):
        errors["members"] = t("rp.err.required")
    for name in ("head", "address", "members"):
        if too_long(answers.get(name), MAX_TEXT):
            errors[name] = t("input.err.too_long", max=MAX_TEXT)
    for name, allowed in (("category", CATEGORIES), ("dtks", DTKS_STATUS), ("decision", DECISIONS)):
        if answers.get(name) not in allowed:
            errors[name] = t("rp.err.choose")
    if not list(answers.get("needs") or []):
        errors["needs"] = t("rp.err.choose_many")
    if case is not None and case.documents["sktm"] and answers.get("sktm") not in SKTM_CHOICES:
        errors["sktm"] = t("rp.err.choose")
    return errors
