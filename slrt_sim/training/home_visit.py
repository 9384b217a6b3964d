"""The fasilitator's home visit as a practice (``notebooks/roleplay_home_visit.ipynb``).

A class's home-visit cases are households of its kelurahan (the training population for the
class's seed), each sent to the trainee for a **verval home visit**, the step of the SLRT flow
where a fasilitator records what the house and the family show (DOMAIN.md, flow step 4):

* ``proposal`` — a poor household that walked in with a health need; the back office did not find
  it in the DTKS and proposed it; the village deliberation agreed. The visit decides whether it
  is listed (and so whether PBI-JK can be referred).
* ``sktm`` — a better-off household listed in the DTKS through an SKTM (a planted record:
  listed at decile 2, no programme received yet), asking for food assistance (BPNT); the front
  office asked for the SKTM to be checked. The visit decides whether it stays listed.

The trainee sees what a visitor sees (:func:`story`, :func:`visible_members`): the house, the
land, the head's work, the members and the assets, and sometimes what is said is untrue
(:data:`TRAPS`): an asset denied, work denied, more members claimed than live there, a neighbour
asking not to record a family ("jangan pilih-pilih"), the RT asking to record a better-off family
as poor, an SKTM shown as proof. The truth is always on the page: what is seen, the KK, the
papers. They record the indicators of :mod:`slrt_sim.domain.welfare` (:data:`FIELDS`);
:func:`grade` compares each with the household's truth, and :func:`consequence` tells what the
recording's decile (the one rule, :func:`slrt_sim.domain.welfare.indicator_decile`) does to the
DTKS beside what the true indicators' decile does: listed or not, the programmes it opens, an
inclusion or exclusion error. :func:`hv_outcome` plays it through the kit's one pathway
(:class:`slrt_sim.model.decisions.RecordedVisit`) for the timeline.

Decisions: the "true decile" the app names is the decile of the household's *true indicators*
(the DTKS sees indicators, never consumption); cases are chosen among households whose true
indicators' decile is within one of their consumption decile, so the two never tell different
stories. Assets, which the population does not have, are drawn per case from the class's stream
(:func:`slrt_sim.domain.welfare.draw_assets`). Levels: *mudah* no untrue claim, *sedang* one,
*sulit* two.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from slrt_sim._lazy import np
from slrt_sim.domain import programs as P
from slrt_sim.domain import welfare as Wf
from slrt_sim.i18n import category_label, t
from slrt_sim.training.core import LEVELS, class_rng, member_rows, training_population
from slrt_sim.training.store import norm_code

APP = "hv"
N_CASES = 6
KINDS = ("proposal", "sktm")
FIELDS = ("floor", "wall", "roof", "owns_land", "work", "size", "assets")
"""The form's fields, in order (``assets``: the ticked :data:`slrt_sim.domain.welfare.ASSETS`)."""
FLOORS, WALLS, ROOFS = tuple(Wf.FLOOR_POINTS), tuple(Wf.WALL_POINTS), tuple(Wf.ROOF_POINTS)
TRAPS = {
    "proposal": ("inflated_size", "pressure_exclude"),
    "sktm": ("hidden_asset", "hidden_work", "pressure_include"),
}
"""Untrue or biased things a household or a neighbour may say, by kind of case."""
N_TRAPS = {"mudah": 0, "sedang": 1, "sulit": 2}
NEED = {"proposal": "health", "sktm": "food"}
"""The need the household came with (``proposal``: PBI-JK once listed; ``sktm``: BPNT)."""
MAX_DECILE = 4
"""The DTKS lists deciles 1..4 (``database.max_decile`` of the training scenario)."""
MAX_SIZE = 20


@dataclass(frozen=True)
class HvCase:
    """One home visit: the household, its truth and what the visitor is told."""

    case_id: str
    level: str
    index: int
    kind: str
    hh: int
    household: dict          # the profile as the class's population has it (with the planted record)
    members: tuple           # member rows (:func:`slrt_sim.training.core.member_rows`)
    assets: frozenset
    traps: tuple[str, ...] = ()
    fields: dict = field(default_factory=dict)  # names and values the story's sentences use

    @property
    def truth(self) -> Wf.Indicators:
        return Wf.true_indicators(self.household, self.assets)

    @property
    def need(self) -> str:
        return NEED[self.kind]


# ------------------------------------------------------------------------------ building the cases
def _ok_documents(h: Mapping[str, Any]) -> bool:
    return bool(h["has_kk"]) and not bool(h["missing_docs"])


def _candidates(pop, kind: str, assets_of) -> list[int]:
    """Households that fit ``kind`` and whose true indicators' decile is within one of their decile."""
    h = pop.households
    dec = h["true_decile"].to_numpy()
    if kind == "proposal":
        mask = (~h["in_dtks"].to_numpy()) & (dec <= 3) & ~h["receives_pbi"].to_numpy()
    else:
        mask = (dec >= 6) & (h["size"].to_numpy() >= 2)
    mask &= h["has_kk"].to_numpy() & ~h["missing_docs"].to_numpy()
    cols = {c: h[c].to_numpy() for c in ("floor", "wall", "roof", "owns_land", "occupation", "size")}
    out = []
    for i in np.flatnonzero(mask).tolist():
        key = Wf.indicator_decile(Wf.true_indicators({c: v[i] for c, v in cols.items()}, assets_of(i)))
        if abs(key - int(dec[i])) <= 1 and (key <= MAX_DECILE) == (kind == "proposal"):
            out.append(i)
    return out


def _traps(kind: str, level: str, prof: Mapping[str, Any], assets: frozenset, rng) -> tuple[str, ...]:
    possible = [x for x in TRAPS[kind]
                if not (x == "hidden_asset" and not (assets - {"savings"}))
                and not (x == "hidden_work" and Wf.WORK_OF_OCCUPATION[str(prof["occupation"])] != "steady")]
    k = min(N_TRAPS[level], len(possible))
    return tuple(sorted(rng.choice(possible, size=k, replace=False).tolist(), key=TRAPS[kind].index)) if k else ()


@lru_cache(maxsize=8)
def _cases_cached(code: str, seed: int, level: str, n: int) -> tuple[HvCase, ...]:
    pop = training_population(int(seed))
    rng = class_rng(code, seed, level, "home_visit")
    asset_rng = class_rng(code, seed, level, "home_visit_assets")
    u = asset_rng.random((pop.n_households, len(Wf.ASSETS)))
    dec = pop.households["true_decile"].to_numpy()

    def assets_of(i: int) -> frozenset:
        return Wf.draw_assets(int(dec[i]), dict(zip(Wf.ASSETS, u[i])))

    pools = {k: _candidates(pop, k, assets_of) for k in KINDS}
    cases, used = [], set()
    for index in range(n):
        kind = KINDS[index % 2]
        pool = [i for i in pools[kind] if i not in used]
        hh = int(pool[int(rng.integers(0, len(pool)))])
        used.add(hh)
        prof = pop.household(hh)
        if kind == "sktm":  # the planted record: listed through an SKTM at a poor decile, nothing received yet
            prof.update(in_dtks=True, dtks_decile=2, via_sktm=True, dtks_year=prof.get("dtks_year") or 2024,
                        receives_pkh=False, receives_bpnt=False, receives_pbi=False)
        assets = assets_of(hh)
        members = tuple(member_rows(pop, hh))
        traps = _traps(kind, level, prof, assets, rng)
        extra = {"claimed_size": len(members) + int(rng.integers(2, 4)),
                 "hidden": sorted(assets - {"savings"}, key=Wf.ASSETS.index)[0] if assets - {"savings"} else "",
                 "village": str(pop.villages.iloc[int(prof["village_idx"])]["name"]),
                 "address": pop.address(hh), "sktm_no": f"474/{int(rng.integers(10, 400))}/SKTM/2024"}
        cases.append(HvCase(f"{code}-HV-{level}-{index + 1:02d}", level, index, kind, hh, prof, members, assets,
                            traps, extra))
    return tuple(cases)


def build_cases(class_code: str, seed: int, level: str, n: int = N_CASES) -> list[HvCase]:
    """The class's home visits (the same for every trainee of the class; cached)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    return list(_cases_cached(norm_code(class_code), int(seed), level, int(n)))


# ------------------------------------------------------------------------------ what the visitor sees
def _title(m: Mapping[str, Any]) -> str:
    return "Bu" if m["sex"] == "P" else "Pak"


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Buruh harian" -> "buruh harian" (an acronym like "PNS" stays)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def visible_members(case: HvCase) -> list[dict]:
    """The members as the KK and the visit show them: name, relation, sex, age (no occupation: the
    head's work is in the story)."""
    return [{"name": m["name"], "relation": category_label("relation", m["relation"]), "sex": m["sex"],
             "age": m["age"]} for m in case.members]


def story(case: HvCase, lang: str | None = None) -> list[str]:
    """The visit as paragraphs: why you came, the house, the land, the work, the assets, what is said."""
    h, head = case.household, case.members[0]
    who = f"{_title(head)} {head['name']}"
    f = {"who": who, "village": case.fields["village"], "address": case.fields["address"],
         "sktm_no": case.fields["sktm_no"]}
    out = [t(f"hv.story.intro.{case.kind}", lang=lang, **f)]
    out.append(t("hv.story.house", lang=lang, floor=t(f"hv.floor.{h['floor']}", lang=lang),
                 wall=t(f"hv.wall.{h['wall']}", lang=lang), roof=t(f"hv.roof.{h['roof']}", lang=lang)))
    out.append(t("hv.story.land.own" if h["owns_land"] else "hv.story.land.rent", lang=lang, **f))
    occupation = _in_sentence(category_label("occupation", h["occupation"], lang))
    if "hidden_work" in case.traps:
        out.append(t("hv.story.trap.hidden_work", lang=lang, occupation=occupation, **f))
    else:
        out.append(t(f"hv.story.work.{Wf.WORK_OF_OCCUPATION[str(h['occupation'])]}", lang=lang,
                     occupation=occupation, **f))
    hidden = case.fields["hidden"] if "hidden_asset" in case.traps else ""
    shown = [a for a in Wf.ASSETS if a in case.assets and a != hidden]
    if shown:
        out.append(t("hv.story.assets.seen", lang=lang,
                     assets=", ".join(t(f"hv.asset.{a}.seen", lang=lang) for a in shown)))
    if not case.assets or not shown:
        out.append(t("hv.story.assets.none", lang=lang))
    if hidden:
        out.append(t(f"hv.story.trap.hidden_asset.{hidden}", lang=lang, **f))
    if "inflated_size" in case.traps:
        out.append(t("hv.story.trap.inflated_size", lang=lang, n=case.fields["claimed_size"], **f))
    if "pressure_exclude" in case.traps:
        out.append(t("hv.story.trap.pressure_exclude", lang=lang, **f))
    if "pressure_include" in case.traps:
        out.append(t("hv.story.trap.pressure_include", lang=lang, **f))
    if case.kind == "sktm":
        out.append(t("hv.story.sktm_claim", lang=lang, **f))
    out.append(t("hv.story.members", lang=lang, n=len(case.members)))
    return out


# ------------------------------------------------------------------------------ the form
def answer_key(case: HvCase) -> dict:
    """The form as the household's truth fills it."""
    tr = case.truth
    return {"floor": tr.floor, "wall": tr.wall, "roof": tr.roof, "owns_land": "yes" if tr.owns_land else "no",
            "work": tr.work, "size": str(tr.size), "assets": [a for a in Wf.ASSETS if a in tr.assets]}


def validate(answers: Mapping[str, Any]) -> dict[str, str]:
    """``field -> message`` for each field not filled as the form expects (nothing else is judged)."""
    errors = {}
    for name, options in (("floor", FLOORS), ("wall", WALLS), ("roof", ROOFS), ("owns_land", ("yes", "no")),
                          ("work", Wf.WORK_KINDS)):
        if answers.get(name) not in options:
            errors[name] = t("hv.err.choose")
    size = str(answers.get("size") or "").strip()
    if not size.isdigit() or not 1 <= int(size) <= MAX_SIZE:
        errors["size"] = t("hv.err.size", max=MAX_SIZE)
    if any(a not in Wf.ASSETS for a in answers.get("assets") or ()):
        errors["assets"] = t("hv.err.choose")
    return errors


def recorded(answers: Mapping[str, Any]) -> Wf.Indicators:
    """A valid form (:func:`validate`) as indicators."""
    return Wf.Indicators(answers["floor"], answers["wall"], answers["roof"], answers["owns_land"] == "yes",
                         answers["work"], int(str(answers["size"]).strip()), frozenset(answers.get("assets") or ()))


@dataclass
class HvGrade:
    score: int
    max_score: int
    items: list[dict]
    decile: int          # the recording's decile
    key_decile: int      # the true indicators' decile


def _shown(name: str, value: Any) -> str:
    if name in ("floor", "wall", "roof"):
        return t(f"hv.{name}.{value}")
    if name == "owns_land":
        return t(f"hv.yesno.{value}")
    if name == "work":
        return t(f"hv.work.{value}")
    return str(value)


def grade(case: HvCase, answers: Mapping[str, Any]) -> HvGrade:
    """Item by item against the truth: each indicator, and each asset ticked or not."""
    key = answer_key(case)
    items = []
    for name in FIELDS[:-1]:
        given, expected = str(answers.get(name)).strip(), key[name]
        ok = given == expected
        items.append({"item": name, "ok": ok, "given": _shown(name, given), "expected": _shown(name, expected),
                      "rule": f"hv.rule.{name}", "message": t("hv.fb.ok" if ok else "hv.fb.wrong",
                                                               item=t(f"hv.f.{name}"), given=_shown(name, given),
                                                               expected=_shown(name, expected))})
    ticked = set(answers.get("assets") or ())
    for a in Wf.ASSETS:
        has, says = a in case.assets, a in ticked
        ok = has == says
        msg = "hv.fb.asset_ok" if ok else ("hv.fb.asset_missed" if has else "hv.fb.asset_extra")
        items.append({"item": f"asset.{a}", "ok": ok, "given": says, "expected": has,
                      "rule": "hv.rule.assets", "message": t(msg, asset=t(f"hv.asset.{a}"))})
    score = sum(1 for i in items if i["ok"])
    return HvGrade(score, len(items), items, Wf.indicator_decile(recorded(answers)), Wf.indicator_decile(case.truth))


# ------------------------------------------------------------------------------ what it does to the DTKS
def _view(case: HvCase, decile: int) -> dict:
    listed = decile <= MAX_DECILE
    return dict(case.household, in_dtks=listed, dtks_decile=decile if listed else 0, verified_decile=decile,
                receives_pkh=False, receives_bpnt=False, receives_pbi=False, decile_from_verval=True)


def open_programmes(case: HvCase, decile: int, limits: P.Limits | None = None) -> list[str]:
    """The programmes (besides Dukcapil and ATENSI, which do not read the DTKS) the household
    could be referred to with ``decile`` recorded (:func:`slrt_sim.domain.programs.check`)."""
    view = _view(case, decile)
    return [c for c in P.PROGRAMS if c not in ("DUKCAPIL", "ATENSI")
            and P.check(c, view, limits or P.DEFAULT_LIMITS).eligible]


def consequence(case: HvCase, decile: int) -> dict:
    """What ``decile`` (a recording's) does beside the true indicators' decile: ``listed``,
    ``key_listed``, the programmes each opens and the DTKS ``error`` (``"inclusion"``: a household
    above the target listed; ``"exclusion"``: one within it left out; ``None``)."""
    key = Wf.indicator_decile(case.truth)
    listed, key_listed = decile <= MAX_DECILE, key <= MAX_DECILE
    error = "inclusion" if listed and not key_listed else "exclusion" if key_listed and not listed else None
    return {"decile": decile, "key_decile": key, "listed": listed, "key_listed": key_listed, "error": error,
            "programs": open_programmes(case, decile), "key_programs": open_programmes(case, key)}


# ------------------------------------------------------------------------------ through the pathway
def hv_script(case: HvCase, decile: int, arrive: float):
    """The household's file: registered by the front office as the rules would, its verval decile
    the one recorded (``decile``)."""
    from slrt_sim.model.decisions import Script

    need = case.need
    if case.kind == "proposal":
        return Script(hh=case.hh, label=case.case_id, arrive=arrive, needs=(need,), true_needs=(need,),
                      decision="propose_dtks", real_needs=(need,), by="fo", verval_decile=int(decile))
    return Script(hh=case.hh, label=case.case_id, arrive=arrive, needs=(need,), true_needs=(need,),
                  decision="refer_bo", programs=("BPNT",), sktm="verify", real_needs=(), by="fo",
                  verval_decile=int(decile))


@lru_cache(maxsize=4)
def _class(code: str, seed: int, level: str, n: int):
    from slrt_sim.experiments.outcomes import outcome_seed, run_scripts
    from slrt_sim.training import outcomes as O

    cases = build_cases(code, seed, level, n)
    pop = O.class_population(seed, cases)
    days = O.arrival_days(len(cases))
    keys = [hv_script(c, Wf.indicator_decile(c.truth), days[i]) for i, c in enumerate(cases)]
    sseed = outcome_seed(seed, zlib.crc32(f"hv:{code}".encode("utf-8")) ^ LEVELS.index(level))
    return cases, pop, keys, sseed, run_scripts(O.outcome_scenario(), pop, keys, sseed)


def hv_outcome(class_code: str, seed: int, level: str, deciles: Mapping[int, int], n: int = N_CASES):
    """The pair of runs (:class:`slrt_sim.experiments.outcomes.PairOutcome`): the trainee's recorded
    deciles (by case index; the key's for the others) against the key's, on the same seed."""
    from slrt_sim.experiments.outcomes import run_pair
    from slrt_sim.training import outcomes as O

    cases, pop, keys, sseed, key_run = _class(norm_code(class_code), int(seed), level, int(n))
    days = O.arrival_days(len(cases))
    mine = [hv_script(c, int(deciles[i]), days[i]) if i in deciles else keys[i] for i, c in enumerate(cases)]
    return run_pair(O.outcome_scenario(), pop, mine, keys, sseed, key_run=key_run)
