"""Programmes and their eligibility rules: the single source of truth.

The simulation refers cases with these functions, and the role-play apps grade
trainees with the very same ones; nothing else in the kit decides eligibility.

A rule reads a household *profile*: a mapping with the household columns of
:mod:`slrt_sim.domain.population` (``in_dtks``, ``dtks_decile``, ``n_child_0_6``, ...).
It returns a :class:`Verdict` whose ``reasons`` are catalogue keys (``rule.*``)
explaining, in Bahasa Indonesia or English, why the household is or is not
eligible, so feedback can quote the rule that applies.

The rules are the simplified ones of ``DOMAIN.md``:

========== =================================================================
PKH        in DTKS, recorded decile ≤ PKH max decile, with a component:
           pregnant, child 0–6, school child 6–21, elderly 70+, severe
           disability
BPNT       in DTKS, recorded decile ≤ BPNT max decile (≈ poorest 25–30%)
PBI_JK     in DTKS, recorded decile ≤ 4 (poorest ~40%)
KIP        a child 6–21 at school, and the family in PKH / with a KKS card
           or in DTKS within the programme's deciles
RUTILAHU   in DTKS within the deciles, owns the land, house unfit
KUBE       in DTKS within the deciles, a member of working age 18–59
ATENSI     a child, person with disability, elderly or victim in need of
           rehabilitation (no DTKS requirement)
DUKCAPIL   anyone missing KK/KTP/birth certificate
LOCAL      district-defined (APBD): verified decile ≤ max decile, DTKS not
           required — the local safety net for households the DTKS missed
========== =================================================================

Programmes other than DUKCAPIL need valid identity documents first (most
programmes check NIK and KK against Dukcapil data).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from slrt_sim.i18n import t

PROGRAMS = ("DUKCAPIL", "PKH", "BPNT", "PBI_JK", "KIP", "RUTILAHU", "KUBE", "ATENSI", "LOCAL")
"""Programme codes, in the order referrals are considered."""

NEED_PROGRAMS: dict[str, tuple[str, ...]] = {
    "information": (),
    "documents": ("DUKCAPIL",),
    "health": ("PBI_JK", "LOCAL"),
    "food": ("BPNT", "LOCAL"),
    "school": ("KIP",),
    "housing": ("RUTILAHU",),
    "income": ("PKH", "KUBE", "LOCAL"),
    "care": ("ATENSI", "PKH"),
}
"""Which programmes answer which need, in order of preference."""

RECEIPT_FLAGS: dict[str, str] = {"PKH": "receives_pkh", "BPNT": "receives_bpnt", "PBI_JK": "receives_pbi"}
"""The programmes whose receipt a household profile records, and the column that records it.
A household already receiving one is not referred to it again (the model sets the flag at enrolment)."""

POSITIVE_REASONS = ("rule.decile_within.", "rule.pkh.component", "rule.kip.school_child", "rule.kip.poor_family",
                    "rule.rutilahu.ok", "rule.kube.working_age", "rule.atensi.target", "rule.dukcapil.missing")
"""Reason keys (or prefixes) saying that a condition of a rule *holds*; every other reason says why not."""

DEFAULT_MAX_DECILE: dict[str, int] = {
    "DUKCAPIL": 10, "PKH": 3, "BPNT": 3, "PBI_JK": 4, "KIP": 4,
    "RUTILAHU": 4, "KUBE": 4, "ATENSI": 10, "LOCAL": 5,
}


CRITERIA: dict[str, tuple[str, ...]] = {
    "DUKCAPIL": ("rules.crit.dukcapil",),
    "PKH": ("rules.crit.documents", "rules.crit.dtks", "rules.crit.pkh"),
    "BPNT": ("rules.crit.documents", "rules.crit.dtks"),
    "PBI_JK": ("rules.crit.documents", "rules.crit.dtks", "rules.crit.pbi"),
    "KIP": ("rules.crit.documents", "rules.crit.kip_child", "rules.crit.kip_poor"),
    "RUTILAHU": ("rules.crit.documents", "rules.crit.dtks", "rules.crit.rutilahu_land", "rules.crit.rutilahu_house"),
    "KUBE": ("rules.crit.documents", "rules.crit.dtks", "rules.crit.kube"),
    "ATENSI": ("rules.crit.documents", "rules.crit.atensi"),
    "LOCAL": ("rules.crit.documents", "rules.crit.local"),
}
"""The conditions each rule below checks, as catalogue keys (``{max}``: the programme's decile
ceiling), so that apps can show a rule before a trainee is graded on it (:func:`criteria`)."""


@dataclass(frozen=True)
class Verdict:
    """Whether a household may be enrolled, and why (catalogue keys)."""

    program: str
    eligible: bool
    reasons: tuple[str, ...] = ()
    needs_documents_first: bool = False

    def explain(self, lang: str | None = None) -> list[str]:
        """The reasons as sentences in the current (or given) language."""
        name = t(f"prog.{self.program}.name", lang=lang)
        return [t(key, lang=lang, program=name) for key in self.reasons]


@dataclass(frozen=True)
class Limits:
    """The decile ceilings of each programme (from the scenario's ``programs``)."""

    max_decile: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_MAX_DECILE))

    @classmethod
    def from_scenario(cls, scenario: Any) -> "Limits":
        return cls({code: p.max_decile for code, p in scenario.programs.items()})


DEFAULT_LIMITS = Limits()


# ------------------------------------------------------------------ receipt, polarity, needs
def already_receives(h: Mapping[str, Any], program: str) -> bool:
    """True when the profile records that the household already receives ``program``."""
    flag = RECEIPT_FLAGS.get(program)
    return bool(flag and h.get(flag))


def received(h: Mapping[str, Any]) -> list[str]:
    """The programmes the profile records as received, in :data:`RECEIPT_FLAGS` order."""
    return [code for code, flag in RECEIPT_FLAGS.items() if h.get(flag)]


def reason_holds(reason: str) -> bool:
    """Whether a reason key says a condition holds (see :data:`POSITIVE_REASONS`)."""
    return reason.startswith(POSITIVE_REASONS)


def decisive_reason(v: "Verdict") -> str:
    """The reason that decides a verdict: the first failing condition, or the last one met."""
    if not v.eligible:
        for r in v.reasons:
            if not reason_holds(r):
                return r
    return v.reasons[-1] if v.reasons else ("rule.eligible" if v.eligible else "rule.not_eligible")


def need_fits(h: Mapping[str, Any]) -> dict[str, Any]:
    """Which needs can arise in a household: ``{need: bool}`` (or boolean arrays, for columns).

    The one rule of the kit, read from DOMAIN's list of needs ("illness without health
    insurance, a child out of school, no food assistance, an unliveable house, lost income,
    disability or old age without care, missing identity documents"):

    ============ ==============================================================
    information  any household
    documents    no KK, or a member misses a KTP / birth certificate
    health       not covered by PBI-JK (state-paid health insurance)
    food         not receiving BPNT (food assistance)
    school       a child of school age (6–21 at school, or 7–18 out of school)
    housing      the house fails the floor/wall/roof criteria
    income       a member of working age (18–59) whose income can be lost
    care         a member with a disability, an elderly member (70+) or another
                 ATENSI target (the people ATENSI rehabilitates)
    ============ ==============================================================

    ``h`` is a profile (scalars) or a mapping of household columns (arrays); the
    simulation draws its needs with it and the role plays pick their cases' needs with it.
    """
    import numpy as np

    def col(name, dtype=None):
        return np.asarray(h[name], dtype=dtype)

    fits = {
        "information": np.ones(np.shape(col("has_kk")), bool),
        "documents": col("missing_docs", bool) | ~col("has_kk", bool),
        "health": ~col("receives_pbi", bool),
        "food": ~col("receives_bpnt", bool),
        "school": (col("n_school_6_21") + col("n_out_of_school_7_18")) > 0,
        "housing": col("house_unfit", bool),
        "income": col("n_working_age") > 0,
        "care": col("has_disability", bool) | col("has_elderly_70", bool) | col("atensi_target", bool),
    }
    if np.ndim(fits["information"]) == 0:
        return {k: bool(v) for k, v in fits.items()}
    return fits


def fitting_needs(h: Mapping[str, Any]) -> list[str]:
    """The needs (other than ``information``) that can arise in one household, in NEED_PROGRAMS order."""
    fits = need_fits(h)
    return [n for n in NEED_PROGRAMS if n != "information" and fits[n]]


# ------------------------------------------------------------------ profile helpers
def has_component_pkh(h: Mapping[str, Any]) -> bool:
    """A PKH component: pregnant, child 0–6, school child 6–21, elderly 70+, severe disability."""
    return bool(
        h["has_pregnant"] or h["n_child_0_6"] > 0 or h["n_school_6_21"] > 0
        or h["has_elderly_70"] or h["has_severe_disability"]
    )


def listed_within(h: Mapping[str, Any], max_decile: int) -> bool:
    return bool(h["in_dtks"]) and 1 <= int(h["dtks_decile"]) <= max_decile


def documents_ok(h: Mapping[str, Any]) -> bool:
    return bool(h["has_kk"]) and not bool(h["missing_docs"])


# ------------------------------------------------------------------ the rules
def _dtks_gate(code: str, h: Mapping[str, Any], limits: Limits, reasons: list[str]) -> bool:
    """Listed within the programme's deciles. A profile whose ``dtks_decile`` was set from a verval
    visit (``decile_from_verval``, e.g. a false SKTM corrected) says "the decile the visit found",
    never "the recorded decile", which the trainee saw lower in the DTKS."""
    if not h["in_dtks"]:
        reasons.append("rule.not_in_dtks")
        return False
    source = "verval." if h.get("decile_from_verval") else ""
    if int(h["dtks_decile"]) > limits.max_decile[code]:
        reasons.append(f"rule.decile_above.{source}{limits.max_decile[code]}")
        return False
    reasons.append(f"rule.decile_within.{source}{limits.max_decile[code]}")
    return True


def _expect(condition: Any, yes: str, no: str, reasons: list[str]) -> bool:
    """Record why a condition of a rule holds (``yes``) or not (``no``); return it."""
    reasons.append(yes if condition else no)
    return bool(condition)


def _rule_pkh(h, limits, reasons):
    listed = _dtks_gate("PKH", h, limits, reasons)
    component = _expect(has_component_pkh(h), "rule.pkh.component", "rule.pkh.no_component", reasons)
    return listed and component


def _rule_bpnt(h, limits, reasons):
    return _dtks_gate("BPNT", h, limits, reasons)


def _rule_pbi(h, limits, reasons):
    ok = _dtks_gate("PBI_JK", h, limits, reasons)
    if h.get("receives_pbi"):
        reasons.append("rule.pbi.already")
        ok = False
    return ok


def _rule_kip(h, limits, reasons):
    pupil = _expect(h["n_school_6_21"] > 0, "rule.kip.school_child", "rule.kip.no_school_child", reasons)
    poor = _expect(h.get("receives_pkh") or listed_within(h, limits.max_decile["KIP"]),
                   "rule.kip.poor_family", "rule.kip.not_poor_family", reasons)
    return pupil and poor


def _rule_rutilahu(h, limits, reasons):
    ok = _dtks_gate("RUTILAHU", h, limits, reasons)
    if not h["owns_land"]:
        reasons.append("rule.rutilahu.no_land")
        ok = False
    if not h["house_unfit"]:
        reasons.append("rule.rutilahu.house_fit")
        ok = False
    if ok:
        reasons.append("rule.rutilahu.ok")
    return ok


def _rule_kube(h, limits, reasons):
    listed = _dtks_gate("KUBE", h, limits, reasons)
    worker = _expect(h["n_working_age"] > 0, "rule.kube.working_age", "rule.kube.no_working_age", reasons)
    return listed and worker


def _rule_atensi(h, limits, reasons):
    return _expect(h["atensi_target"] or h["has_disability"] or h["has_elderly_70"],
                   "rule.atensi.target", "rule.atensi.no_target", reasons)


def _rule_dukcapil(h, limits, reasons):
    return _expect(not documents_ok(h), "rule.dukcapil.missing", "rule.dukcapil.complete", reasons)


def _rule_local(h, limits, reasons):
    verified = int(h.get("verified_decile") or 0)
    decile = verified or (int(h["dtks_decile"]) if h["in_dtks"] else 0)
    if decile == 0:
        reasons.append("rule.local.not_verified")
        return False
    source = "verval." if verified else ""  # a verval's decile is not "recorded" in the DTKS
    if decile > limits.max_decile["LOCAL"]:
        reasons.append(f"rule.decile_above.{source}{limits.max_decile['LOCAL']}")
        return False
    reasons.append(f"rule.decile_within.{source}{limits.max_decile['LOCAL']}")
    return True


RULES: dict[str, Callable[[Mapping[str, Any], Limits, list[str]], bool]] = {
    "DUKCAPIL": _rule_dukcapil, "PKH": _rule_pkh, "BPNT": _rule_bpnt, "PBI_JK": _rule_pbi,
    "KIP": _rule_kip, "RUTILAHU": _rule_rutilahu, "KUBE": _rule_kube, "ATENSI": _rule_atensi,
    "LOCAL": _rule_local,
}


def check(program: str, household: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> Verdict:
    """Decide whether ``household`` is eligible for ``program``, with the reasons."""
    if program not in RULES:
        raise KeyError(f"unknown programme {program!r}")
    reasons: list[str] = []
    if program != "DUKCAPIL" and not documents_ok(household):
        reasons.append("rule.documents_first")
        RULES[program](household, limits, reasons)
        return Verdict(program, False, tuple(reasons), needs_documents_first=True)
    ok = RULES[program](household, limits, reasons)
    return Verdict(program, bool(ok), tuple(reasons))


def criteria(program: str, limits: "Limits | None" = None, lang: str | None = None) -> list[str]:
    """The conditions of ``program``'s rule as sentences (the content of an app's "Aturan" panel)."""
    limit = (limits or DEFAULT_LIMITS).max_decile[program]
    return [t(key, lang=lang, max=limit) for key in CRITERIA[program]]


@dataclass(frozen=True)
class Referral:
    """What the back office decides for one need: where to refer, or why not."""

    need: str
    program: str | None
    verdicts: tuple[Verdict, ...]
    propose_dtks: bool = False
    documents_first: bool = False

    @property
    def closed_on_spot(self) -> bool:
        return self.need == "information"


def refer(need: str, household: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS,
          enabled: Callable[[str], bool] | None = None) -> Referral:
    """The referral decision for one need of one household.

    * ``information`` needs are closed by the front office (no programme);
    * a household missing documents goes to Dukcapil first;
    * otherwise the first eligible programme answering the need is chosen;
    * if none is eligible but one would be once the household is listed in the DTKS
      at a poor decile (it is not listed, or its record is stale), a DTKS proposal is
      advised (:func:`would_qualify_if_listed`).
    """
    if need == "information":
        return Referral(need, None, ())
    verdicts = []
    if need != "documents" and not documents_ok(household):
        v = check("DUKCAPIL", household, limits)
        return Referral(need, "DUKCAPIL", (v,), documents_first=True)
    for code in NEED_PROGRAMS[need]:
        if enabled is not None and not enabled(code):
            continue
        v = check(code, household, limits)
        verdicts.append(v)
        if v.eligible:
            return Referral(need, code, tuple(verdicts))
    return Referral(need, None, tuple(verdicts), propose_dtks=would_qualify_if_listed(need, household, limits, enabled))


def would_qualify_if_listed(need: str, household: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS,
                            enabled: Callable[[str], bool] | None = None) -> bool:
    """True when listing the household in the DTKS (at a poor decile) would open a
    programme for this need that is closed today: the case for a DTKS proposal, whose
    verval visit then finds out whether the household really is poor."""
    if household["in_dtks"] and 1 <= int(household["dtks_decile"]) <= 1:
        return False
    listed = dict(household, in_dtks=True, dtks_decile=1)
    for code in NEED_PROGRAMS.get(need, ()):
        if enabled is not None and not enabled(code):
            continue
        if check(code, household, limits).eligible:
            return False
        if check(code, listed, limits).eligible:
            return True
    return False
