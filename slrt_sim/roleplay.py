"""Front office / back office role play: walk-in cases, the simulated DTKS, and grading.

The last module of an SLRT *bimtek* is a role play: a resident walks in, the front office (FO)
registers the household, searches the database and decides; the back office (BO) assesses
and refers. This module makes the cases and grades the front office; the apps
(:mod:`slrt_sim.widgets.front_office`, the BO app, the trainer dashboard) only call it.

**Cases.** :func:`class_cases` draws households of the training scenario
(``scenarios/pelatihan_satu_kelurahan.yaml``, one kelurahan) generated with the class's seed,
so everyone with the same class code gets the same households in the same order
(deterministic for ``(class_code, seed, level)``; ``app`` only labels the cases, so the
FO and BO of a class work on the same households and a case id is shared by both apps).
Each case has a *kind* (why the resident comes) and planted data problems:

============== ======================================================================
kind           the household
============== ======================================================================
listed         in the DTKS at a low decile, documents complete: refer to the BO
unlisted_poor  poor but not in the DTKS: propose DTKS registration
kk_missing     has no KK (family card): Dukcapil first
doc_missing    a member lacks a KTP or birth certificate: Dukcapil first
pkh_already    already receives PKH and asks when the next payment comes (information)
false_sktm     better-off (true decile ≥ 6) yet listed through a false SKTM, brings it
============== ======================================================================

Planted problems (:data:`PROBLEMS`): ``nik_typo_copy`` (the KTP photocopy shows a mistyped
NIK; the KK is right), ``dtks_nik_invalid`` (the DTKS has the head's NIK mistyped: a NIK
search fails, a name search finds it), ``dtks_name_typo`` (the head's name is misspelt in the
DTKS), ``near_duplicate`` (a second, older DTKS record of the same family with a variant name
and a wrong NIK), ``deceased_listed`` (the DTKS still lists a member who died; the story says
so), ``sktm_genuine`` (a poor household brings an SKTM: supporting evidence, not proof).

What each level plants (:data:`LEVEL_PLAN`):

* **mudah** — kinds listed, unlisted_poor, kk_missing, doc_missing, pkh_already; 1–2 needs;
  no planted data problem; every vulnerable member is named in the story.
* **sedang** — adds ``false_sktm`` now and then; 2–3 needs; one planted problem per case
  (NIK on the photocopy, DTKS NIK/name typo, near-duplicate, genuine SKTM); the applicant is
  sometimes the spouse, not the head.
* **sulit** — false SKTMs more often; 2–4 needs; two planted problems per case (adds the
  deceased member still listed); an elderly member (60+) shows only through the birth date on
  the KK, not in the story.

**Answer key and grading.** :func:`answer_key_fo` derives what the FO should record and
decide; the eligibility part comes only from :mod:`slrt_sim.programs` (``refer`` for each
need, ``check``/``Verdict.explain`` for the explanations, ``documents_ok``). The FO decision
is the first that applies of: documents incomplete → *Dukcapil first*; a false SKTM → *close
with information* (the SKTM is not proof; the evidence says better-off, so the rules are read
with the decile a verval would find, ``dtks_decile = true_decile``); a need with an eligible
programme → *refer to the back office* with those programmes; a need a DTKS programme would
meet once listed → *propose DTKS registration*; otherwise *close with information*.

Scoring weights (:data:`WEIGHTS`; the score is scaled to 100): NIK 15, KK 10, head of household
5, members 10, address 5, complaint category 5, DTKS status 5, needs 15, fast-track 5,
decision 15, programmes 10, and SKTM 10 when the resident brought one. Needs and programmes are
graded per element of the union of expected and chosen ones (a missed need and an extra need
each cost a share); a proposed programme that is not in the key is accepted when
``programs.check`` finds the household eligible and it answers a recorded need.
Answer keys stay in the kernel: nothing here is rendered before the trainee submits.
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from . import case_cache, programs
from ._lazy import np  # numpy only when a class is built (role-play kernels stay light)
from .i18n import category_label as label
from .i18n import get_language, t
from .identity import check_nik, format_ids, mistype_nik, nik_problem_text
from .programs import NEED_PROGRAMS, PROGRAMS, check, documents_ok, refer
from .store import LEVELS, norm_code

if TYPE_CHECKING:  # the population (pandas, Faker) is imported only to build a class's cases
    from .population import Population

__all__ = [
    "LEVELS", "KINDS", "PROBLEMS", "LEVEL_PLAN", "NEEDS", "DECISIONS", "CATEGORIES", "SKTM_CHOICES",
    "DTKS_STATUS", "WEIGHTS", "FORM_FIELDS", "RoleplayCase", "Grade", "DtksIndex",
    "TRAINING_SCENARIO", "training_population", "class_cases", "class_dtks", "answer_key_fo",
    "grade_fo", "validate_fo", "plausible_needs", "person_name",
]

TRAINING_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "pelatihan_satu_kelurahan.yaml"

KINDS = ("listed", "unlisted_poor", "kk_missing", "doc_missing", "pkh_already", "false_sktm")
PROBLEMS = ("nik_typo_copy", "dtks_nik_invalid", "dtks_name_typo", "near_duplicate", "deceased_listed",
            "sktm_genuine", "applicant_spouse", "elderly_by_date")
NEEDS = tuple(NEED_PROGRAMS)
"""The needs a trainee can record (``need.*`` catalogue keys), as in :mod:`slrt_sim.programs`."""
DECISIONS = ("close_info", "refer_bo", "propose_dtks", "dukcapil_first")
CATEGORIES = ("request", "information", "documents", "complaint")
SKTM_CHOICES = ("accept", "verify")
DTKS_STATUS = ("listed", "not_listed")

LEVEL_PLAN: dict[str, dict[str, Any]] = {
    "mudah": {"kinds": ("listed", "unlisted_poor", "kk_missing", "listed", "doc_missing", "pkh_already"),
              "needs": (1, 2), "problems": 0,
              "pool": ()},
    "sedang": {"kinds": ("listed", "unlisted_poor", "doc_missing", "pkh_already", "false_sktm", "listed",
                         "kk_missing", "unlisted_poor"),
               "needs": (2, 3), "problems": 1,
               "pool": ("nik_typo_copy", "dtks_nik_invalid", "dtks_name_typo", "near_duplicate",
                        "sktm_genuine", "applicant_spouse")},
    "sulit": {"kinds": ("false_sktm", "listed", "unlisted_poor", "doc_missing", "false_sktm", "pkh_already",
                        "listed", "kk_missing"),
              "needs": (2, 4), "problems": 2,
              "pool": ("nik_typo_copy", "dtks_nik_invalid", "dtks_name_typo", "near_duplicate",
                       "deceased_listed", "sktm_genuine", "applicant_spouse", "elderly_by_date")},
}

WEIGHTS: dict[str, float] = {
    "nik": 15, "kk": 10, "head": 5, "members": 10, "address": 5, "category": 5, "dtks": 5,
    "needs": 15, "fast_track": 5, "decision": 15, "programs": 10, "sktm": 10,
}
FORM_FIELDS = ("nik", "kk", "head", "members", "address", "category", "dtks", "needs", "fast_track",
               "decision", "programs", "sktm")
"""Keys of an FO answer dict (``needs``/``programs`` are lists, ``fast_track`` a bool)."""

_POOR_DECILE = 4          # "poor-ish" households for the walk-in pools and need rules
_FALSE_SKTM_MIN_DECILE = 6


# ------------------------------------------------------------------------------ population
@lru_cache(maxsize=4)
def training_population(seed: int) -> Population:
    """The one-kelurahan training population for ``seed`` (cached; ~1 s the first time)."""
    from .population import generate_population
    from .scenario import load_scenario

    return generate_population(load_scenario(TRAINING_SCENARIO), int(seed), persons=True)


def person_name(first: str, last: str) -> str:
    return f"{first} {last}".strip() if last else str(first)


def _members(pop: Population, i: int) -> list[dict]:
    df = pop.members(i)
    out = []
    for r in df.itertuples(index=False):
        out.append({
            "name": person_name(str(r.first_name), str(r.last_name)),
            "nik": str(format_ids([r.nik])[0]),
            "sex": str(r.sex), "age": int(r.age),
            "birth_date": str(np.datetime64(r.birth_date, "D")),
            "relation": str(r.relation), "in_school": bool(r.in_school), "schooling": str(r.schooling),
            "disability": str(r.disability), "chronic": bool(r.chronic_illness), "pregnant": bool(r.pregnant),
            "has_ktp": bool(r.has_ktp), "has_birth_cert": bool(r.has_birth_cert), "occupation": str(r.occupation),
        })
    return out


def plausible_needs(h: Mapping[str, Any]) -> list[str]:
    """The needs a household's profile makes plausible (in :data:`NEEDS` order, no ``information``)."""
    out = []
    if not documents_ok(h):
        out.append("documents")
    if (h["has_chronic"] or h["has_pregnant"] or h["has_severe_disability"]) and not h["receives_pbi"]:
        out.append("health")
    if h["true_decile"] <= _POOR_DECILE and not h["receives_bpnt"]:
        out.append("food")
    if h["n_school_6_21"] > 0 or h["n_out_of_school_7_18"] > 0:
        out.append("school")
    if h["house_unfit"]:
        out.append("housing")
    if h["true_decile"] <= _POOR_DECILE and h["occupation"] in ("tidak bekerja", "buruh harian", "buruh tani"):
        out.append("income")
    if h["has_disability"] or h["has_elderly_70"]:
        out.append("care")
    return [n for n in NEEDS if n in out]


def _pools(pop: Population) -> dict[str, np.ndarray]:
    h = pop.households
    docs_ok = h["has_kk"].to_numpy() & ~h["missing_docs"].to_numpy()
    listed = h["in_dtks"].to_numpy()
    dec = h["dtks_decile"].to_numpy()
    true = h["true_decile"].to_numpy()
    return {
        "listed": np.flatnonzero(listed & (dec <= _POOR_DECILE) & docs_ok & ~h["receives_pkh"].to_numpy()
                                 & ~h["via_sktm"].to_numpy()),
        "unlisted_poor": np.flatnonzero(~listed & (true <= _POOR_DECILE) & docs_ok),
        "kk_missing": np.flatnonzero(~h["has_kk"].to_numpy() & (true <= 6)),
        "doc_missing": np.flatnonzero(h["has_kk"].to_numpy() & h["missing_docs"].to_numpy() & (true <= 6)),
        "pkh_already": np.flatnonzero(h["receives_pkh"].to_numpy() & docs_ok),
        "false_sktm": np.flatnonzero(listed & h["via_sktm"].to_numpy() & (true >= _FALSE_SKTM_MIN_DECILE) & docs_ok),
        # fallbacks: a household with that property is made by editing a poor household's profile
        "_poor_docs_ok": np.flatnonzero((true <= _POOR_DECILE) & docs_ok),
        "_rich_docs_ok": np.flatnonzero((true >= 7) & docs_ok),
    }


# ------------------------------------------------------------------------------ the case
@dataclass
class RoleplayCase:
    """One walk-in resident. ``story`` and ``documents`` are what the trainee sees; the rest is
    the answer key's material and stays in the kernel until the trainee submits."""

    case_id: str
    level: str
    index: int
    app: str
    kind: str
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
        return _render_story(self.story_parts, lang)

    def public(self) -> dict:
        """What may be shown before submitting: the story and the documents."""
        return {"case_id": self.case_id, "level": self.level, "index": self.index, "story": self.story,
                "documents": self.documents}


def _stable(code: str) -> int:
    return zlib.crc32(norm_code(code).encode("utf-8"))


def _rng(class_code: str, seed: int, level: str, *extra: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFFFFFF, _stable(class_code),
                                                         LEVELS.index(level), *extra]))


@lru_cache(maxsize=32)
def _class_cases_cached(code: str, seed: int, level: str, n: int) -> tuple[RoleplayCase, ...]:
    """Built once per class (:mod:`slrt_sim.case_cache`: other kernels load the file)."""
    key = (code, seed, level, n, get_language())  # the stories are rendered in the current language
    return case_cache.cached("fo-cases", key, lambda: _build_class_cases(code, seed, level, n))


def _build_class_cases(code: str, seed: int, level: str, n: int) -> tuple[RoleplayCase, ...]:
    pop = training_population(seed)
    pools = _pools(pop)
    rng = _rng(code, seed, level)
    plan = LEVEL_PLAN[level]
    used: set[int] = set()
    cases = []
    for i in range(n):
        kind = plan["kinds"][i % len(plan["kinds"])]
        crng = np.random.default_rng(rng.integers(0, 2**63 - 1))
        cases.append(_make_case(pop, pools, code, level, i, kind, crng, used))
    return tuple(cases)


def class_cases(class_code: str, seed: int, level: str, n: int = 10, app: str = "fo") -> list[RoleplayCase]:
    """The ``n`` cases of a class, the same for everyone with ``(class_code, seed, level)``."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    cases = _class_cases_cached(norm_code(class_code), int(seed), level, int(n))
    out = []
    for c in cases:
        d = dict(c.__dict__)
        d["app"] = app
        out.append(RoleplayCase(**d))
    return out


def _pick(pool: np.ndarray, rng: np.random.Generator, used: set[int], ok) -> int | None:
    for i in rng.permutation(pool):
        i = int(i)
        if i not in used and ok(i):
            return i
    return None


def _make_case(pop: Population, pools: dict, code: str, level: str, index: int, kind: str,
               rng: np.random.Generator, used: set[int]) -> RoleplayCase:
    plan = LEVEL_PLAN[level]
    lo, hi = plan["needs"]
    k_needs = int(rng.integers(lo, hi + 1))

    def enough(i: int) -> bool:
        h = pop.household(i)
        if kind == "pkh_already":
            return programs.has_component_pkh(h)
        if kind == "false_sktm":
            return True
        n = len(plausible_needs(h))
        return n >= min(lo, 1) and (kind != "listed" or _has_programme(h, plausible_needs(h)))

    hh = _pick(pools[kind], rng, used, enough)
    edits: dict[str, Any] = {}
    if hh is None:  # the kelurahan has no such household left: plant the property on another one
        base = "_rich_docs_ok" if kind == "false_sktm" else "_poor_docs_ok"
        hh = _pick(pools[base], rng, used,
                   lambda i: kind != "pkh_already" or programs.has_component_pkh(pop.household(i)))
        edits = {
            "false_sktm": {"in_dtks": True, "dtks_decile": 2, "via_sktm": True, "dtks_year": 2023},
            "kk_missing": {"has_kk": False, "missing_docs": True, "kk": 0},
            "doc_missing": {"missing_docs": True},
            "pkh_already": {"in_dtks": True, "dtks_decile": 2, "receives_pkh": True, "dtks_year": 2022},
            "listed": {"in_dtks": True, "dtks_decile": 3, "dtks_year": 2023},
            "unlisted_poor": {"in_dtks": False, "dtks_decile": 0, "dtks_year": 0, "receives_pkh": False,
                              "receives_bpnt": False, "receives_pbi": False},
        }[kind]
    used.add(hh)
    h = pop.household(hh)
    h.update(edits)
    members = _members(pop, hh)
    if kind == "doc_missing" and edits:  # planted: the youngest member lacks a document
        last = members[-1]
        last["has_birth_cert" if last["age"] < 18 else "has_ktp"] = False

    # ---- needs
    if kind == "pkh_already":
        others = [n for n in plausible_needs(h) if n not in ("income",)]
        rng.shuffle(others)
        needs = ["information"] + others[: max(0, k_needs - 1) if level != "mudah" else 0]
    elif kind == "false_sktm":
        claim = [n for n in ("food", "health", "income") if n in plausible_needs(h)] or ["food", "health", "income"]
        rng.shuffle(claim)
        needs = claim[: max(1, min(k_needs, len(claim)))]
    else:
        cand = plausible_needs(h)
        must = ["documents"] if "documents" in cand else []
        rest = [n for n in cand if n not in must]
        rng.shuffle(rest)
        if kind == "listed":  # lead with a need the household can be referred for
            rest.sort(key=lambda n: refer(n, h).program is None)
        needs = must + rest[: max(0, k_needs - len(must))]
        if not needs:
            needs = ["information"]
    needs = [n for n in NEEDS if n in needs]

    # ---- planted problems
    planted: list[str] = []
    pool = list(plan["pool"])
    rng.shuffle(pool)
    for p in pool:
        if len(planted) >= plan["problems"]:
            break
        if _can_plant(p, kind, h, members, planted):
            planted.append(p)
    applicant = 0
    if "applicant_spouse" in planted:
        applicant = next(j for j, m in enumerate(members) if m["relation"] in ("istri", "suami"))

    deceased = None
    if "deceased_listed" in planted:
        deceased = _deceased_member(members, rng, pop)

    case_id = f"{code}-{level}-{index + 1:02d}"
    documents = _documents(pop, hh, h, members, kind, planted, applicant, rng)
    parts = _story(pop, hh, h, members, kind, needs, planted, applicant, deceased, documents, level, rng)
    return RoleplayCase(
        case_id=case_id, level=level, index=index, app="fo", kind=kind, hh=hh, household=h, members=members,
        address=pop.address(hh), story=_render_story(parts), documents=documents, needs=needs, planted=planted,
        applicant=applicant, deceased=deceased, story_parts=parts,
    )


def _has_programme(h: Mapping[str, Any], needs: list[str]) -> bool:
    return any(refer(n, h).program for n in needs)


def _can_plant(p: str, kind: str, h: Mapping[str, Any], members: list[dict], planted: list[str]) -> bool:
    if p == "nik_typo_copy":
        return bool(h["has_kk"]) and members[0]["has_ktp"] and "applicant_spouse" not in planted
    if p in ("dtks_nik_invalid", "dtks_name_typo", "near_duplicate", "deceased_listed"):
        return bool(h["in_dtks"])
    if p == "sktm_genuine":
        return kind in ("unlisted_poor", "listed")
    if p == "applicant_spouse":
        return (kind not in ("kk_missing",) and "nik_typo_copy" not in planted
                and any(m["relation"] in ("istri", "suami") for m in members))
    if p == "elderly_by_date":
        return bool(h["has_kk"]) and any(60 <= m["age"] for m in members) and not h["has_disability"]
    return False


def _deceased_member(members: list[dict], rng: np.random.Generator, pop: Population) -> dict:
    from faker.providers.person.id_ID import Provider as Names

    head = members[0]
    female = bool(rng.random() < 0.5)
    pool = Names.first_names_female if female else Names.first_names_male
    first = pool[int(rng.integers(0, len(pool)))]
    age = int(rng.integers(68, 90))
    region = head["nik"][:6]
    year = 2025 - age
    day, month = int(rng.integers(1, 29)), int(rng.integers(1, 13))
    nik = f"{region}{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{int(rng.integers(1, 40)):04d}"
    return {"name": first, "nik": nik, "sex": "P" if female else "L", "age": age, "relation": "orang tua",
            "birth_date": f"{year}-{month:02d}-{day:02d}"}


def _documents(pop, hh, h, members, kind, planted, applicant, rng) -> dict:
    """What the resident hands over (with the planted problems)."""
    app = members[applicant]
    address = pop.address(hh)
    docs: dict[str, Any] = {"ktp": None, "kk": None, "sktm": None, "cards": []}
    if app["has_ktp"]:
        nik = app["nik"]
        if "nik_typo_copy" in planted:
            nik = mistype_nik(nik, rng, kind="swap" if rng.random() < 0.6 else "change")
        docs["ktp"] = {"owner": app["name"], "nik": nik, "birth_date": app["birth_date"], "sex": app["sex"],
                       "address": address, "copy": "nik_typo_copy" in planted or bool(rng.random() < 0.5)}
    if h["has_kk"]:
        docs["kk"] = {"number": pop.kk(hh) if int(h.get("kk") or 0) else "", "head": members[0]["name"],
                      "address": address,
                      "members": [{k: m[k] for k in ("name", "nik", "sex", "birth_date", "relation")}
                                  for m in members]}
        if not docs["kk"]["number"]:  # a planted KK problem removed the number: no KK after all
            docs["kk"] = None
    if kind == "false_sktm" or "sktm_genuine" in planted:
        docs["sktm"] = {"number": f"474/{int(rng.integers(10, 400))}/SKTM/2024",
                        "issuer": f"Kelurahan {pop.villages.iloc[int(h['village_idx'])]['name']}",
                        "holder": members[0]["name"]}
    if h["receives_pkh"]:
        docs["cards"].append("KKS")
    return docs


# ------------------------------------------------------------------------------ stories
def _choice(rng: np.random.Generator, n: int) -> int:
    return int(rng.integers(1, n + 1))


_STORY_VARIANTS = {"open": 5, "intro": 4, "family": 4, "close": 5, "docs": 3,
                   "need.health": 3, "need.food": 3, "need.school": 3, "need.school_oos": 2,
                   "need.housing": 3, "need.income": 3, "need.care": 3, "need.documents_kk": 3,
                   "need.documents_ktp": 2, "need.documents_akta": 2, "need.information": 3,
                   "need.information_general": 2,
                   "sktm": 3, "wealth": 3, "pregnant": 3, "disability": 2, "elderly": 3, "deceased": 3,
                   "spouse": 2}


def _part(rng, key: str, **fields) -> tuple[str, dict]:
    return (f"rp.story.{key}.{_choice(rng, _STORY_VARIANTS[key])}", fields)


def _title(m: dict) -> str:
    return "Bu" if m["sex"] == "P" else "Pak"


def _story(pop, hh, h, members, kind, needs, planted, applicant, deceased, documents, level, rng):
    app = members[applicant]
    head = members[0]
    parts: list[tuple[str, dict]] = []
    occ = {"occupation": ("@pop.occupation", str(app["occupation"]))}
    parts.append(_part(rng, "open", name=app["name"], title=_title(app)))
    parts.append(_part(rng, "intro", name=app["name"], age=app["age"], street=str(h["street"]),
                       rt=f"{int(h['rt']):02d}", rw=f"{int(h['rw']):02d}", **occ))
    if applicant != 0:
        parts.append(_part(rng, "spouse", name=app["name"], head=head["name"]))
    n = len(members)
    kids = [m for m in members if m["relation"] == "anak"]
    if documents["kk"] is None:  # no KK to read the members from: they are told one by one
        others = ", ".join(m["name"] for m in members if m is not app)
        parts.append(("rp.story.family_list", {"n": n, "names": others or "—"}))
    else:
        variant = _choice(rng, _STORY_VARIANTS["family"])
        if variant == 2 and not kids:  # "…, 0 of them children" reads badly
            variant = 1
        parts.append((f"rp.story.family.{variant}", {"n": n, "n_kids": len(kids)}))
    by_date = "elderly_by_date" in planted
    for m in members:
        if m["pregnant"]:
            parts.append(_part(rng, "pregnant", name=m["name"], months=int(rng.integers(3, 9))))
        if m["disability"] != "none":
            parts.append(_part(rng, "disability", name=m["name"],
                               kind=("@rp.story.dis", "severe" if m["disability"] == "severe" else "mild")))
        elif m["age"] >= 60 and not by_date and m is not app:
            parts.append(_part(rng, "elderly", name=m["name"], age=m["age"]))
    for need in needs:
        parts.extend(_need_parts(need, h, members, kind, rng, speaker=app))
    if deceased is not None:
        parts.append(_part(rng, "deceased", name=deceased["name"]))
    if kind == "false_sktm":
        parts.append(_part(rng, "wealth", occupation=("@pop.occupation", str(head["occupation"])),
                           floor=("@pop.floor", str(h["floor"])), wall=("@pop.wall", str(h["wall"])),
                           roof=("@pop.roof", str(h["roof"]))))
    if documents["sktm"] is not None:
        parts.append(_part(rng, "sktm"))
    parts.append(_part(rng, "docs", docs=("@docs", _doc_names(documents))))
    parts.append(_part(rng, "close", title=_title(app)))
    return parts


def _doc_names(documents: dict) -> list[str]:
    names = []
    if documents["ktp"] is not None:
        names.append("ktp_copy" if documents["ktp"]["copy"] else "ktp")
    if documents["kk"] is not None:
        names.append("kk")
    if documents["sktm"] is not None:
        names.append("sktm")
    if documents["cards"]:
        names.append("kks")
    return names


def _need_parts(need, h, members, kind, rng, speaker=None) -> list[tuple[str, dict]]:
    if need == "documents":
        out = []
        if not h["has_kk"]:
            out.append(_part(rng, "need.documents_kk"))
        for m in members:
            if m["age"] >= 17 and not m["has_ktp"]:
                out.append(_part(rng, "need.documents_ktp", name=m["name"]))
            if m["age"] < 18 and not m["has_birth_cert"]:
                out.append(_part(rng, "need.documents_akta", name=m["name"]))
        return out or [_part(rng, "need.documents_kk")]
    if need == "school":
        pupils = [m for m in members if m["in_school"] and 6 <= m["age"] <= 21]
        if pupils:
            p = pupils[0]
            return [_part(rng, "need.school", name=p["name"], level=p["schooling"])]
        oos = [m for m in members if 7 <= m["age"] <= 18 and not m["in_school"]] or members[-1:]
        return [_part(rng, "need.school_oos", name=oos[0]["name"], age=oos[0]["age"])]
    if need == "health":
        sick = [m for m in members if m["chronic"] or m["pregnant"] or m["disability"] == "severe"] or members[:1]
        return [_part(rng, "need.health", name=sick[0]["name"])]
    if need == "housing":
        return [_part(rng, "need.housing", floor=("@pop.floor", str(h["floor"])), wall=("@pop.wall", str(h["wall"])),
                      roof=("@pop.roof", str(h["roof"])))]
    if need == "care":
        cared = [m for m in members if m["disability"] != "none" or m["age"] >= 70] or members[-1:]
        key, fields = _part(rng, "need.care", name=cared[0]["name"], age=cared[0]["age"])
        if speaker is not None and cared[0]["name"] == speaker["name"]:
            key = "rp.story.need.care.1"  # the resident speaking is the one who needs care
        return [(key, fields)]
    if need == "information" and kind != "pkh_already":
        return [_part(rng, "need.information_general")]
    return [_part(rng, f"need.{need}")]


def _render_value(v: Any, lang: str | None) -> str:
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) and v[0].startswith("@"):
        ns, val = v
        if ns == "@docs":
            return _join([t(f"rp.doc.{d}", lang=lang) for d in val], lang)
        if ns.startswith("@pop."):
            text = label(ns[5:], val, lang)
            return text if text[:2].isupper() else text[:1].lower() + text[1:]
        return t(f"{ns[1:]}.{val}", lang=lang)
    return str(v)


def _join(items: list[str], lang: str | None) -> str:
    if not items:
        return t("rp.doc.nothing", lang=lang)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + t("rp.and", lang=lang) + items[-1]


def _render_story(parts: list[tuple[str, dict]], lang: str | None = None) -> str:
    return " ".join(t(key, lang=lang, **{k: _render_value(v, lang) for k, v in fields.items()})
                    for key, fields in parts)


# ------------------------------------------------------------------------------ the DTKS
def _typo_name(name: str, rng: np.random.Generator) -> str:
    """A realistic misspelling: a doubled, dropped or swapped letter, or a common variant."""
    variants = (("y", "i"), ("oe", "u"), ("dj", "j"), ("u", "oe"), ("i", "y"), ("j", "dj"), ("ch", "kh"))
    low = name.lower()
    opts = [(a, b) for a, b in variants if a in low]
    if opts and rng.random() < 0.5:
        a, b = opts[int(rng.integers(0, len(opts)))]
        pos = low.index(a)
        out = name[:pos] + (b.upper() if name[pos].isupper() else b) + name[pos + len(a):]
        return out[0].upper() + out[1:]
    letters = [i for i, c in enumerate(name) if c.isalpha() and i > 0]
    i = letters[int(rng.integers(0, len(letters)))]
    r = rng.random()
    if r < 0.4:
        return name[:i] + name[i] + name[i:]          # doubled
    if r < 0.7 and len(name) > 4:
        return name[:i] + name[i + 1:]                # dropped
    j = min(i + 1, len(name) - 1)
    return name[:i] + name[j] + name[i] + name[j + 1:] if j > i else name[:i] + "h" + name[i:]


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", s.lower()).split())


def _edit1(a: str, b: str) -> bool:
    """Edit distance ≤ 1 (with one transposition counted as one)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [k for k in range(la) if a[k] != b[k]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    k = 0
    while k < len(a) and a[k] == b[k]:
        k += 1
    return a[k:] == b[k + 1:]


class DtksIndex:
    """The simulated DTKS of a class: the training population's listed households, with the
    class's planted data problems (typos, near-duplicates, a deceased member still listed).

    Records are plain dicts: ``record_id``, ``head_name``, ``nik`` (the head's NIK *as recorded*),
    ``kk``, ``address``, ``decile``, ``year``, ``programs`` and ``members`` (``name``, ``nik``,
    ``relation``, ``age``). :meth:`search` finds records by NIK (exact, head or member) or by name
    (every word of the query within one typo of a word of a member's name).
    """

    MAX_RESULTS = 15

    def __init__(self, records: list[dict]):
        self.records = records
        self._by_nik: dict[str, list[int]] = {}
        self._tokens: list[list[set[str]]] = []
        for r_i, rec in enumerate(records):
            people = [{"name": rec["head_name"], "nik": rec["nik"]}] + rec["members"]
            for p in people:
                self._by_nik.setdefault(p["nik"], [])
                if r_i not in self._by_nik[p["nik"]]:
                    self._by_nik[p["nik"]].append(r_i)
            self._tokens.append([set(_norm(p["name"]).split()) for p in people])

    @classmethod
    def build(cls, pop: Population, cases: list[RoleplayCase], rng: np.random.Generator) -> "DtksIndex":
        h = pop.households
        overrides = {c.hh: c for c in cases}
        listed = set(np.flatnonzero(h["in_dtks"].to_numpy()).tolist())
        listed |= {c.hh for c in cases if c.household["in_dtks"]}
        listed -= {c.hh for c in cases if not c.household["in_dtks"]}
        records = []
        for i in sorted(listed):
            case = overrides.get(i)
            prof = case.household if case else pop.household(i)
            members = case.members if case else _members(pop, i)
            rec = _record(pop, i, prof, members)
            if case is not None:
                records.extend(_plant_record(rec, case, rng))
            else:
                records.append(rec)
        order = rng.permutation(len(records))
        return cls([records[k] for k in order])

    def search(self, nik: str = "", name: str = "") -> list[dict]:
        """Records matching the NIK (exact, spaces ignored) and/or the name (typo-tolerant).

        Name hits are ranked: exact words before typo/prefix matches, the head before members.
        """
        hits: list[int] = []
        digits = "".join(str(nik).split())
        if digits:
            hits.extend(self._by_nik.get(digits, []))
        words = [w for w in _norm(name).split() if len(w) >= 2]
        if words:
            scored = []
            for r_i, people in enumerate(self._tokens):
                if r_i in hits:
                    continue
                best = 0.0
                for p_i, toks in enumerate(people):
                    score = 0.0
                    for w in words:
                        if w in toks:
                            score += 2
                        elif any((len(w) >= 4 and _edit1(w, tk)) or (len(w) >= 3 and tk.startswith(w)) for tk in toks):
                            score += 1
                        else:
                            score = 0.0
                            break
                    if score:
                        score += (0.5 if p_i == 0 else 0) + (0.25 if len(toks) == len(words) else 0)
                    best = max(best, score)
                if best:
                    scored.append((-best, r_i))
            hits.extend(r_i for _, r_i in sorted(scored))
        return [_public_record(self.records[k]) for k in hits[: self.MAX_RESULTS]]


def _public_record(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if not k.startswith("_")}


def _record(pop: Population, i: int, prof: Mapping[str, Any], members: list[dict]) -> dict:
    nik = str(format_ids([prof["dtks_nik"]])[0]) if int(prof.get("dtks_nik") or 0) else members[0]["nik"]
    progs = [p for p, col in (("PKH", "receives_pkh"), ("BPNT", "receives_bpnt"), ("PBI_JK", "receives_pbi"))
             if prof.get(col)]
    return {
        "record_id": f"DTKS-{3375010000 + i:010d}"[:16],
        "head_name": members[0]["name"], "nik": nik, "kk": pop.kk(i) if int(prof.get("kk") or 0) else "",
        "address": pop.address(i), "decile": int(prof["dtks_decile"]), "year": int(prof["dtks_year"]),
        "programs": progs,
        "members": [{"name": m["name"], "nik": m["nik"], "relation": m["relation"], "age": int(m["age"])}
                    for m in members[1:]],
        "_hh": i,
    }


def _plant_record(rec: dict, case: RoleplayCase, rng: np.random.Generator) -> list[dict]:
    out = [rec]
    head_nik = case.head["nik"]
    rec["nik"] = head_nik  # planted problems decide the NIK for case households
    if "dtks_nik_invalid" in case.planted:
        rec["nik"] = mistype_nik(head_nik, rng, kind="change")
    if "dtks_name_typo" in case.planted:
        rec["head_name"] = _typo_name(case.head["name"], rng)
    if case.deceased is not None:
        d = case.deceased
        rec["members"] = rec["members"] + [{"name": d["name"], "nik": d["nik"], "relation": d["relation"],
                                            "age": d["age"]}]
    if "near_duplicate" in case.planted:
        dup = dict(rec)
        dup["record_id"] = rec["record_id"][:-2] + f"{int(rng.integers(10, 99))}"
        dup["head_name"] = _typo_name(case.head["name"], rng)
        dup["nik"] = mistype_nik(head_nik, rng, kind="swap")
        dup["year"] = max(2015, rec["year"] - int(rng.integers(3, 7)))
        dup["members"] = rec["members"][: max(0, len(rec["members"]) - 1)]
        dup["programs"] = []
        dup["_duplicate_of"] = rec["record_id"]
        out.append(dup)
    return out


@lru_cache(maxsize=16)
def _class_dtks_cached(code: str, seed: int, level: str, n: int) -> DtksIndex:
    cases = list(_class_cases_cached(code, seed, level, n))
    return case_cache.cached("fo-dtks", (code, seed, level, n),
                             lambda: DtksIndex.build(training_population(seed), cases, _rng(code, seed, level, 1)))


def class_dtks(class_code: str, seed: int, level: str, n: int = 10) -> DtksIndex:
    """The simulated DTKS a class searches (its cases' planted problems included; cached)."""
    return _class_dtks_cached(norm_code(class_code), int(seed), level, int(n))


# ------------------------------------------------------------------------------ answer key
def _verified(case: RoleplayCase) -> dict:
    """The profile the rules read: for a false SKTM, with the decile a verval would find."""
    h = dict(case.household)
    if case.kind == "false_sktm":
        h["dtks_decile"] = int(h["true_decile"])
    return h


def answer_key_fo(case: RoleplayCase) -> dict:
    """What the front office should record and decide for ``case`` (never shown before submit).

    Keys as :data:`FORM_FIELDS`, plus ``referrals`` (need → :class:`programs.Referral`).
    """
    h = case.household
    prof = _verified(case)
    refs = {n: refer(n, prof) for n in case.needs}
    if any(r.documents_first for r in refs.values()) or "documents" in case.needs:
        decision = "dukcapil_first"
    elif case.kind == "false_sktm":
        decision = "close_info"
    elif any(r.program for r in refs.values()):
        decision = "refer_bo"
    elif any(r.propose_dtks for r in refs.values()):
        decision = "propose_dtks"
    else:
        decision = "close_info"
    if decision == "dukcapil_first":
        progs = ["DUKCAPIL"]
    elif decision == "refer_bo":
        progs = [p for p in PROGRAMS if any(r.program == p for r in refs.values())]
    else:
        progs = []
    if case.needs == ["information"]:
        category = "information"
    elif set(case.needs) == {"documents"}:
        category = "documents"
    else:
        category = "request"
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
        "sktm": (("verify",) if case.kind == "false_sktm" else SKTM_CHOICES) if case.documents["sktm"] else None,
        "referrals": refs,
    }


# ------------------------------------------------------------------------------ validation
def _digits(s: Any) -> str:
    return "".join(str(s or "").split())


def validate_fo(answers: Mapping[str, Any], case: RoleplayCase | None = None) -> dict[str, str]:
    """Form errors that block a submit: ``{field: message}`` (empty when the form can be sent).

    Only the *form* is checked (16 digits, required fields), never the answer key.
    """
    errors: dict[str, str] = {}
    nik = _digits(answers.get("nik"))
    if not nik:
        errors["nik"] = t("rp.err.required")
    else:
        probs = [p for p in check_nik(nik) if p in ("length", "not_digits")]
        if probs:
            errors["nik"] = t("rp.err.nik_digits", n=len(nik))
    kk = _digits(answers.get("kk"))
    if kk and (len(kk) != 16 or not kk.isdigit()):
        errors["kk"] = t("rp.err.kk_digits", n=len(kk))
    if not str(answers.get("head") or "").strip():
        errors["head"] = t("rp.err.required")
    if not _member_lines(answers.get("members")):
        errors["members"] = t("rp.err.required")
    if not str(answers.get("address") or "").strip():
        errors["address"] = t("rp.err.required")
    if answers.get("category") not in CATEGORIES:
        errors["category"] = t("rp.err.choose")
    if answers.get("dtks") not in DTKS_STATUS:
        errors["dtks"] = t("rp.err.choose")
    if not list(answers.get("needs") or []):
        errors["needs"] = t("rp.err.choose")
    if answers.get("decision") not in DECISIONS:
        errors["decision"] = t("rp.err.choose")
    if case is not None and case.documents["sktm"] and answers.get("sktm") not in SKTM_CHOICES:
        errors["sktm"] = t("rp.err.choose")
    return errors


def _member_lines(text: Any) -> list[str]:
    if isinstance(text, (list, tuple)):
        lines = [str(x) for x in text]
    else:
        lines = re.split(r"[\n;]+", str(text or ""))
    return [" ".join(x.split()) for x in lines if x.strip()]


# ------------------------------------------------------------------------------ grading
@dataclass
class Grade:
    """The result of one submission: ``score`` out of ``max_score`` (100) and the feedback items
    (``item``, ``ok``, ``rule`` (catalogue key or None), ``message``, ``points``, ``max_points``)."""

    score: float
    max_score: float
    items: list[dict]

    @property
    def mistakes(self) -> list[dict]:
        return [i for i in self.items if not i["ok"]]

    def item(self, name: str) -> list[dict]:
        """The feedback items of one form field (``needs``/``programs`` have one per element)."""
        return [i for i in self.items if i["item"] == name or i["item"].startswith(name + ":")]


def _fb(item: str, ok: bool, rule: str | None, message: str, weight: float) -> dict:
    return {"item": item, "ok": bool(ok), "rule": rule, "message": message,
            "points": float(weight if ok else 0.0), "max_points": float(weight)}


def _explain(verdicts, lang=None) -> str:
    return " ".join(s for v in verdicts for s in v.explain(lang))


def _prog_name(p: str) -> str:
    return t(f"prog.{p}.name")


def grade_fo(case: RoleplayCase, answers: Mapping[str, Any]) -> Grade:
    """Grade a front-office answer against :func:`answer_key_fo` (rules from :mod:`slrt_sim.programs`)."""
    key = answer_key_fo(case)
    prof = _verified(case)
    items: list[dict] = []
    W = WEIGHTS

    # --- NIK
    nik = _digits(answers.get("nik"))
    if nik == key["nik"]:
        items.append(_fb("nik", True, None, t("rp.fb.nik.ok"), W["nik"]))
    else:
        ktp = case.documents["ktp"]
        rule, extra = None, ""
        if ktp is not None and "nik_typo_copy" in case.planted and nik == ktp["nik"]:
            rule, extra = "rp.fb.nik.copy_typo", t("rp.fb.nik.copy_typo")
        elif case.applicant != 0 and ktp is not None and nik == ktp["nik"]:
            rule, extra = "rp.fb.nik.applicant", t("rp.fb.nik.applicant")
        else:
            probs = check_nik(nik, kecamatan_code=key["nik"][:6]) if nik else ["length"]
            if probs:
                rule = f"pop.nik.{probs[0]}"
                extra = "; ".join(nik_problem_text(p) for p in probs) + "."
            else:
                rule, extra = "rp.fb.nik.other", t("rp.fb.nik.other")
        items.append(_fb("nik", False, rule, t("rp.fb.nik.wrong", expected=key["nik"], given=nik or "—") + " " + extra,
                         W["nik"]))

    # --- KK
    kk = _digits(answers.get("kk"))
    if kk == key["kk"]:
        items.append(_fb("kk", True, None, t("rp.fb.kk.ok") if kk else t("rp.fb.kk.none_ok"), W["kk"]))
    elif not key["kk"]:
        items.append(_fb("kk", False, "rule.dukcapil.missing", t("rp.fb.kk.none_expected", given=kk), W["kk"]))
    else:
        items.append(_fb("kk", False, "rp.fb.kk.wrong", t("rp.fb.kk.wrong", expected=key["kk"], given=kk or "—"), W["kk"]))

    # --- head of household
    head = " ".join(str(answers.get("head") or "").split())
    if _norm(head) == _norm(key["head"]):
        items.append(_fb("head", True, None, t("rp.fb.head.ok"), W["head"]))
    else:
        rule = "rp.fb.head.applicant" if case.applicant != 0 and _norm(head) == _norm(case.members[case.applicant]["name"]) \
            else "rp.fb.head.wrong"
        items.append(_fb("head", False, rule, t(rule, expected=key["head"], given=head or "—"), W["head"]))

    # --- members
    given = {_norm(x) for x in _member_lines(answers.get("members"))}
    want = {_norm(x) for x in key["members"]}
    missing = [x for x in key["members"] if _norm(x) not in given]
    extra = [x for x in _member_lines(answers.get("members")) if _norm(x) not in want]
    if not missing and not extra:
        items.append(_fb("members", True, None, t("rp.fb.members.ok", n=len(want)), W["members"]))
    else:
        dead = case.deceased and any(_norm(x) == _norm(case.deceased["name"]) for x in extra)
        rule = "rp.fb.members.deceased" if dead else "rp.fb.members.wrong"
        msg = t("rp.fb.members.wrong", n=len(want), missing=", ".join(missing) or "—", extra=", ".join(extra) or "—")
        if dead:
            msg += " " + t("rp.fb.members.deceased", name=case.deceased["name"])
        items.append(_fb("members", False, rule, msg, W["members"]))

    # --- address
    addr = str(answers.get("address") or "")
    h = case.household
    street = re.sub(r"^(jl|gg)\s+", "", _norm(str(h["street"])))
    nums = {int(x) for x in re.findall(r"\d+", addr)}
    need_nums = {int(h["house_no"]), int(h["rt"]), int(h["rw"])}
    if street in _norm(addr) and need_nums <= nums:
        items.append(_fb("address", True, None, t("rp.fb.address.ok"), W["address"]))
    else:
        items.append(_fb("address", False, "rp.fb.address.wrong", t("rp.fb.address.wrong", expected=case.address),
                         W["address"]))

    # --- complaint category
    cat = answers.get("category")
    ok = cat == key["category"]
    items.append(_fb("category", ok, None if ok else "rp.fb.category.wrong",
                     t("rp.fb.category.ok") if ok else t("rp.fb.category.wrong",
                                                        expected=t(f"rp.cat.{key['category']}"),
                                                        given=t(f"rp.cat.{cat}") if cat in CATEGORIES else "—"),
                     W["category"]))

    # --- DTKS status
    dt = answers.get("dtks")
    ok = dt == key["dtks"]
    if ok:
        msg, rule = t(f"rp.fb.dtks.ok.{key['dtks']}"), None
    else:
        rule = "rp.fb.dtks.missed_listed" if key["dtks"] == "listed" else "rp.fb.dtks.false_listed"
        msg = t(rule)
        if key["dtks"] == "listed" and "dtks_nik_invalid" in case.planted:
            rule, msg = "rp.fb.dtks.nik_invalid", t("rp.fb.dtks.nik_invalid")
    items.append(_fb("dtks", ok, rule, msg, W["dtks"]))

    # --- needs: one item per element of (expected ∪ chosen)
    chosen = [n for n in NEEDS if n in set(answers.get("needs") or [])]
    union = [n for n in NEEDS if n in set(chosen) | set(key["needs"])]
    w = W["needs"] / max(len(union), 1)
    for n in union:
        name = t(f"need.{n}")
        if n in key["needs"] and n in chosen:
            items.append(_fb(f"needs:{n}", True, None, t("rp.fb.need.ok", need=name), w))
        elif n in key["needs"]:
            items.append(_fb(f"needs:{n}", False, "rp.fb.need.missed", t("rp.fb.need.missed", need=name), w))
        else:
            items.append(_fb(f"needs:{n}", False, "rp.fb.need.extra", t("rp.fb.need.extra", need=name), w))

    # --- fast track
    ft = bool(answers.get("fast_track"))
    if ft == key["fast_track"]:
        items.append(_fb("fast_track", True, None,
                         t("rp.fb.fast.ok_yes") if ft else t("rp.fb.fast.ok_no"), W["fast_track"]))
    elif key["fast_track"]:
        who = _vulnerable_people(case)
        items.append(_fb("fast_track", False, "rp.fb.fast.missed", t("rp.fb.fast.missed", who=who), W["fast_track"]))
    else:
        items.append(_fb("fast_track", False, "rp.fb.fast.extra", t("rp.fb.fast.extra"), W["fast_track"]))

    # --- SKTM
    if key["sktm"] is not None:
        s = answers.get("sktm")
        ok = s in key["sktm"]
        if case.kind == "false_sktm":
            rule = None if ok else "rp.fb.sktm.false_accepted"
            msg = t("rp.fb.sktm.false_ok") if ok else t("rp.fb.sktm.false_accepted")
            msg += " " + t("rp.fb.sktm.evidence", decile=int(h["true_decile"]), occupation=label("occupation", h["occupation"]))
        else:
            rule, msg = None, t("rp.fb.sktm.genuine")
        items.append(_fb("sktm", ok, rule, msg, W["sktm"]))

    # --- decision, explained with the rules of slrt_sim.programs
    dec = answers.get("decision")
    refs = key["referrals"]
    verdicts = [v for r in refs.values() for v in r.verdicts]
    why = _explain(verdicts)
    main_rule = _decision_rule(key["decision"], refs)
    if case.kind == "false_sktm":
        why = t("rp.fb.decision.sktm_basis") + " " + why
    ok = dec == key["decision"]
    msg = (t("rp.fb.decision.ok", decision=t(f"rp.decision.{dec}")) if ok else
           t("rp.fb.decision.wrong", expected=t(f"rp.decision.{key['decision']}"),
             given=t(f"rp.decision.{dec}") if dec in DECISIONS else "—"))
    items.append(_fb("decision", ok, None if ok else main_rule, (msg + " " + why).strip(), W["decision"]))

    # --- programmes: one item per element of (expected ∪ chosen)
    chosen_p = [p for p in PROGRAMS if p in set(answers.get("programs") or [])]
    union_p = [p for p in PROGRAMS if p in set(chosen_p) | set(key["programs"])]
    if not union_p:
        items.append(_fb("programs", True, None, t("rp.fb.prog.none_ok"), W["programs"]))
    w = W["programs"] / max(len(union_p), 1)
    answered = {p for n in case.needs for p in NEED_PROGRAMS[n]}
    for p in union_p:
        v = check(p, prof)
        name = _prog_name(p)
        if p in key["programs"] and p in chosen_p:
            items.append(_fb(f"programs:{p}", True, None,
                             t("rp.fb.prog.ok", program=name) + " " + " ".join(v.explain()), w))
        elif p in key["programs"]:
            items.append(_fb(f"programs:{p}", False, "rp.fb.prog.missed",
                             t("rp.fb.prog.missed", program=name) + " " + " ".join(v.explain()), w))
        elif (v.eligible and p in answered and key["decision"] == "refer_bo"
              and not (p == "PKH" and case.household.get("receives_pkh"))):
            items.append(_fb(f"programs:{p}", True, None,
                             t("rp.fb.prog.acceptable", program=name) + " " + " ".join(v.explain()), w))
        else:
            if p == "PKH" and case.household.get("receives_pkh"):
                rule, why = "rp.fb.prog.already_pkh", t("rp.fb.prog.already_pkh")
            elif not v.eligible:
                rule = next((r for r in v.reasons if r in _NEGATIVE_RULES or r.startswith("rule.decile_above")),
                            v.reasons[0] if v.reasons else "rp.fb.prog.extra")
                why = " ".join(v.explain())
            elif p not in answered:
                rule, why = "rp.fb.prog.no_need", t("rp.fb.prog.no_need")
            else:
                rule, why = "rp.fb.prog.not_now", t("rp.fb.prog.not_now", decision=t(f"rp.decision.{key['decision']}"))
            items.append(_fb(f"programs:{p}", False, rule, t("rp.fb.prog.extra", program=name) + " " + why, w))

    total = sum(i["points"] for i in items)
    maximum = sum(i["max_points"] for i in items)
    return Grade(score=round(100.0 * total / maximum, 1), max_score=100.0, items=items)


_NEGATIVE_RULES = {
    "rule.documents_first", "rule.not_in_dtks", "rule.pkh.no_component", "rule.pbi.already",
    "rule.kip.no_school_child", "rule.kip.not_poor_family", "rule.rutilahu.no_land", "rule.rutilahu.house_fit",
    "rule.kube.no_working_age", "rule.atensi.no_target", "rule.dukcapil.complete", "rule.local.not_verified",
}


def _decision_rule(decision: str, refs: dict) -> str:
    if decision == "dukcapil_first":
        return "rule.documents_first" if any(r.documents_first for r in refs.values()) else "rule.dukcapil.missing"
    if decision == "propose_dtks":
        return "rule.not_in_dtks"
    if decision == "refer_bo":
        return "rp.fb.decision.refer_rule"
    return "rp.fb.decision.close_rule"


def _vulnerable_people(case: RoleplayCase) -> str:
    out = []
    for m in case.members:
        if m["pregnant"]:
            out.append(t("rp.fb.fast.pregnant", name=m["name"]))
        elif m["disability"] != "none":
            out.append(t("rp.fb.fast.disability", name=m["name"]))
        elif m["age"] >= 60:
            out.append(t("rp.fb.fast.elderly", name=m["name"], age=m["age"]))
    return ", ".join(out) or "—"
