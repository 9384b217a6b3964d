"""Grading a front-office answer: one small grader per form field.

:data:`GRADERS` maps each form field of :data:`slrt_sim.training.front_office.FORM_FIELDS` to a
function ``(case, answer key, answers) -> items``; each item carries its points (the field's
weight, or a share of it for needs and programmes) and the rule (catalogue key) that explains
it. The score is the sum, scaled to 100. Nothing here decides eligibility: the key and the
explanations come from :mod:`slrt_sim.domain.programs` through
:func:`slrt_sim.training.front_office.answer_key`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from slrt_sim.domain import programs
from slrt_sim.domain.identity import check_nik, nik_problem_text
from slrt_sim.i18n import category_label as label
from slrt_sim.domain.programs import NEED_PROGRAMS, PROGRAMS, check
from slrt_sim.i18n import t
from slrt_sim.training.core import norm_text
from slrt_sim.training.front_office import (CATEGORIES, DECISIONS, NEEDS, WEIGHTS, FoCase, _digits, _member_lines,
                                            answer_key, verified_profile)

__all__ = ["FoGrade", "GRADERS", "grade"]


# ------------------------------------------------------------------------------ grading
@dataclass
class FoGrade:
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
    """One feedback item: full ``weight`` when ``ok``, else nothing, with the rule that decides it."""
    return {"item": item, "ok": bool(ok), "rule": rule, "message": message,
            "points": float(weight if ok else 0.0), "max_points": float(weight)}


def _grade_nik(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    nik, w = _digits(a.get("nik")), WEIGHTS["nik"]
    if nik == key["nik"]:
        return [_fb("nik", True, None, t("rp.fb.nik.ok"), w)]
    ktp = case.documents["ktp"]
    if ktp is not None and "nik_typo_copy" in case.planted and nik == ktp["nik"]:
        rule, extra = "rp.fb.nik.copy_typo", t("rp.fb.nik.copy_typo")
    elif case.applicant != 0 and ktp is not None and nik == ktp["nik"]:
        rule, extra = "rp.fb.nik.applicant", t("rp.fb.nik.applicant")
    else:
        probs = check_nik(nik, kecamatan_code=key["nik"][:6]) if nik else ["length"]
        if probs:
            rule, extra = f"pop.nik.{probs[0]}", "; ".join(nik_problem_text(p) for p in probs) + "."
        else:
            rule, extra = "rp.fb.nik.other", t("rp.fb.nik.other")
    return [_fb("nik", False, rule, t("rp.fb.nik.wrong", expected=key["nik"], given=nik or "—") + " " + extra, w)]


def _grade_kk(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    kk, w = _digits(a.get("kk")), WEIGHTS["kk"]
    if kk == key["kk"]:
        return [_fb("kk", True, None, t("rp.fb.kk.ok") if kk else t("rp.fb.kk.none_ok"), w)]
    if not key["kk"]:
        return [_fb("kk", False, "rule.dukcapil.missing", t("rp.fb.kk.none_expected", given=kk), w)]
    return [_fb("kk", False, "rp.fb.kk.wrong", t("rp.fb.kk.wrong", expected=key["kk"], given=kk or "—"), w)]


def _grade_head(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    head, w = " ".join(str(a.get("head") or "").split()), WEIGHTS["head"]
    if norm_text(head) == norm_text(key["head"]):
        return [_fb("head", True, None, t("rp.fb.head.ok"), w)]
    spouse = case.applicant != 0 and norm_text(head) == norm_text(case.members[case.applicant]["name"])
    rule = "rp.fb.head.applicant" if spouse else "rp.fb.head.wrong"
    return [_fb("head", False, rule, t(rule, expected=key["head"], given=head or "—"), w)]


def _grade_members(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    lines, w = _member_lines(a.get("members")), WEIGHTS["members"]
    given = {norm_text(x) for x in lines}
    want = {norm_text(x) for x in key["members"]}
    missing = [x for x in key["members"] if norm_text(x) not in given]
    extra = [x for x in lines if norm_text(x) not in want]
    if not missing and not extra:
        return [_fb("members", True, None, t("rp.fb.members.ok", n=len(want)), w)]
    dead = case.deceased is not None and any(norm_text(x) == norm_text(case.deceased["name"]) for x in extra)
    msg = " ".join([t("rp.fb.members.wrong", n=len(want))]  # only the parts that apply
                   + ([t("rp.fb.members.missing", names=", ".join(missing))] if missing else [])
                   + ([t("rp.fb.members.extra", names=", ".join(extra))] if extra else []))
    if dead:
        msg += " " + t("rp.fb.members.deceased", name=case.deceased["name"])
    return [_fb("members", False, "rp.fb.members.deceased" if dead else "rp.fb.members.wrong", msg, w)]


def _grade_address(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    addr, h, w = str(a.get("address") or ""), case.household, WEIGHTS["address"]
    street = re.sub(r"^(jl|gg)\s+", "", norm_text(str(h["street"])))
    nums = {int(x) for x in re.findall(r"\d+", addr)}
    ok = street in norm_text(addr) and {int(h["house_no"]), int(h["rt"]), int(h["rw"])} <= nums
    if ok:
        return [_fb("address", True, None, t("rp.fb.address.ok"), w)]
    return [_fb("address", False, "rp.fb.address.wrong", t("rp.fb.address.wrong", expected=case.address), w)]


def _grade_category(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    cat = a.get("category")
    if cat == key["category"]:
        return [_fb("category", True, None, t("rp.fb.category.ok"), WEIGHTS["category"])]
    msg = t("rp.fb.category.wrong", expected=t(f"rp.cat.{key['category']}"),
            given=t(f"rp.cat.{cat}") if cat in CATEGORIES else "—")
    return [_fb("category", False, "rp.fb.category.wrong", msg, WEIGHTS["category"])]


def _grade_dtks(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    if a.get("dtks") == key["dtks"]:
        return [_fb("dtks", True, None, t(f"rp.fb.dtks.ok.{key['dtks']}"), WEIGHTS["dtks"])]
    rule = "rp.fb.dtks.missed_listed" if key["dtks"] == "listed" else "rp.fb.dtks.false_listed"
    if key["dtks"] == "listed" and "dtks_nik_invalid" in case.planted:
        rule = "rp.fb.dtks.nik_invalid"
    return [_fb("dtks", False, rule, t(rule), WEIGHTS["dtks"])]


def _grade_needs(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    """One item per element of (expected ∪ chosen): a missed and an extra need each cost a share."""
    chosen = set(a.get("needs") or [])
    union = [n for n in NEEDS if n in chosen | set(key["needs"])]
    w = WEIGHTS["needs"] / max(len(union), 1)
    out = []
    for n in union:
        name = t(f"need.{n}")
        if n in key["needs"] and n in chosen:
            out.append(_fb(f"needs:{n}", True, None, t("rp.fb.need.ok", need=name), w))
        elif n in key["needs"]:
            out.append(_fb(f"needs:{n}", False, "rp.fb.need.missed", t("rp.fb.need.missed", need=name), w))
        else:
            out.append(_fb(f"needs:{n}", False, "rp.fb.need.extra", t("rp.fb.need.extra", need=name), w))
    return out


def _grade_fast_track(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    ft, w = bool(a.get("fast_track")), WEIGHTS["fast_track"]
    if ft == key["fast_track"]:
        return [_fb("fast_track", True, None, t("rp.fb.fast.ok_yes") if ft else t("rp.fb.fast.ok_no"), w)]
    if key["fast_track"]:
        return [_fb("fast_track", False, "rp.fb.fast.missed", t("rp.fb.fast.missed", who=_vulnerable_people(case)),
                    w)]
    return [_fb("fast_track", False, "rp.fb.fast.extra", t("rp.fb.fast.extra"), w)]


def _lower_first(text: str) -> str:
    """ "Wiraswasta" -> "wiraswasta" inside a sentence; an acronym ("PNS/TNI/Polri") stays."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


BETTER_OFF_OCCUPATIONS = frozenset({"wiraswasta", "karyawan swasta", "PNS/TNI/Polri"})
"""Occupations the SKTM feedback may cite as a sign of being better off; any other (a farmer, a
retired or not working head) is no evidence, and the feedback then cites only the house."""


def _grade_sktm(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    if key["sktm"] is None:
        return []
    ok = a.get("sktm") in key["sktm"]
    if case.problem != "false_sktm":
        return [_fb("sktm", ok, None, t("rp.fb.sktm.genuine"), WEIGHTS["sktm"])]
    h = case.household
    evidence = (t("rp.fb.sktm.evidence", decile=int(h["true_decile"]),
                  occupation=_lower_first(label("occupation", h["occupation"])))
                if h["occupation"] in BETTER_OFF_OCCUPATIONS else t("rp.fb.sktm.evidence_house",
                                                                     decile=int(h["true_decile"])))
    msg = (t("rp.fb.sktm.false_ok") if ok else t("rp.fb.sktm.false_accepted")) + " " + evidence
    return [_fb("sktm", ok, None if ok else "rp.fb.sktm.false_accepted", msg, WEIGHTS["sktm"])]


def _grade_decision(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    dec, refs = a.get("decision"), key["referrals"]
    why = " ".join(s for r in refs.values() for v in r.verdicts for s in v.explain())
    if case.problem == "false_sktm":
        why = t("rp.fb.decision.sktm_basis") + " " + why
    ok = dec == key["decision"]
    msg = (t("rp.fb.decision.ok", decision=t(f"rp.decision.{dec}")) if ok else
           t("rp.fb.decision.wrong", expected=t(f"rp.decision.{key['decision']}"),
             given=t(f"rp.decision.{dec}") if dec in DECISIONS else "—"))
    rule = None if ok else _decision_rule(key["decision"], refs)
    return [_fb("decision", ok, rule, (msg + " " + why).strip(), WEIGHTS["decision"])]


def _grade_programs(case: FoCase, key: dict, a: Mapping[str, Any]) -> list[dict]:
    """One item per element of (expected ∪ chosen); a programme outside the key is accepted when
    the household is eligible, it answers a recorded need and the decision is a referral."""
    chosen = set(a.get("programs") or [])
    union = [p for p in PROGRAMS if p in chosen | set(key["programs"])]
    if not union:
        return [_fb("programs", True, None, t("rp.fb.prog.none_ok"), WEIGHTS["programs"])]
    w = WEIGHTS["programs"] / len(union)
    prof = verified_profile(case)
    answered = {p for n in case.needs for p in NEED_PROGRAMS[n]}
    out = []
    for p in union:
        v, name = check(p, prof), t(f"prog.{p}.name")
        rules = " ".join(v.explain())
        served = p == "PKH" and programs.already_receives(case.household, p)
        if p in key["programs"]:
            ok = p in chosen
            out.append(_fb(f"programs:{p}", ok, None if ok else "rp.fb.prog.missed",
                           t("rp.fb.prog.ok" if ok else "rp.fb.prog.missed", program=name) + " " + rules, w))
        elif v.eligible and p in answered and key["decision"] == "refer_bo" and not served:
            out.append(_fb(f"programs:{p}", True, None, t("rp.fb.prog.acceptable", program=name) + " " + rules, w))
        else:
            if served:
                rule, why = "rp.fb.prog.already_pkh", t("rp.fb.prog.already_pkh")
            elif not v.eligible:
                rule, why = programs.decisive_reason(v), rules
            elif p not in answered:
                rule, why = "rp.fb.prog.no_need", t("rp.fb.prog.no_need")
            else:
                rule, why = "rp.fb.prog.not_now", t("rp.fb.prog.not_now", decision=t(f"rp.decision.{key['decision']}"))
            out.append(_fb(f"programs:{p}", False, rule, t("rp.fb.prog.extra", program=name) + " " + why, w))
    return out


GRADERS: dict[str, Callable[[FoCase, dict, Mapping[str, Any]], list[dict]]] = {
    "nik": _grade_nik, "kk": _grade_kk, "head": _grade_head, "members": _grade_members,
    "address": _grade_address, "category": _grade_category, "dtks": _grade_dtks, "needs": _grade_needs,
    "fast_track": _grade_fast_track, "sktm": _grade_sktm, "decision": _grade_decision,
    "programs": _grade_programs,
}
"""One grader per form field: (case, answer key, answers) → feedback items with their points."""


def grade(case: FoCase, answers: Mapping[str, Any]) -> FoGrade:
    """Grade a front-office answer against :func:`answer_key` (rules from :mod:`slrt_sim.domain.programs`)."""
    key = answer_key(case)
    items = [it for grader in GRADERS.values() for it in grader(case, key, answers)]
    total = sum(i["points"] for i in items)
    maximum = sum(i["max_points"] for i in items)
    return FoGrade(score=round(100.0 * total / maximum, 1), max_score=100.0, items=items)


def _decision_rule(decision: str, refs: dict) -> str:
    if decision == "dukcapil_first":
        return "rule.documents_first" if any(r.documents_first for r in refs.values()) else "rule.dukcapil.missing"
    if decision == "propose_dtks":
        return "rule.not_in_dtks"
    if decision == "refer_bo":
        return "rp.fb.decision.refer_rule"
    return "rp.fb.decision.close_rule"


def _vulnerable_people(case: FoCase) -> str:
    out = []
    for m in case.members:
        if m["pregnant"]:
            out.append(t("rp.fb.fast.pregnant", name=m["name"]))
        elif m["disability"] != "none":
            out.append(t("rp.fb.fast.disability", name=m["name"]))
        elif m["age"] >= 60:
            out.append(t("rp.fb.fast.elderly", name=m["name"], age=m["age"]))
    return ", ".join(out) or "—"
