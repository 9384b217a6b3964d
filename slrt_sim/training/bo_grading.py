"""Grading a back-office queue: small graders per case and per queue.

:data:`CASE_GRADERS` grade each registration (DTKS status, verval, the eligibility of each
candidate programme, one point each); :data:`QUEUE_GRADERS` grade the whole queue (the
referrals the trainee's marks and order give under the quota, the priority order, the time).
Each item carries its points and the rule (catalogue key) that explains it; the right
answers come from :mod:`slrt_sim.training.back_office` and :mod:`slrt_sim.domain.programs`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from slrt_sim.domain import programs
from slrt_sim.i18n import fmt_num, t
from slrt_sim.training.back_office import (NO_QUOTA, PRIORITY_POINTS, STALE_YEARS, STATUSES, TARGET_MINUTES,
                                           TIME_POINTS, BoCase, Queue, allocate, decision, decisive_reason,
                                           effective_profile, open_decisions, passed_for_quota, priority_key, right_priority,
                                           right_referrals, right_status, verval_needed)

__all__ = ["BoGrade", "CASE_GRADERS", "QUEUE_GRADERS", "grade"]


# ============================================================================ grading
@dataclass
class BoGrade:
    score: float
    max_score: float
    items: list[dict]
    referrals: dict[tuple[str, str], str | None]
    minutes: float
    right: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """The right referrals (:func:`right_referrals`): a letter is printed only for one of these."""

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

    def valid_letters(self) -> list[tuple[str, str]]:
        """The letters of :meth:`letters` that the rules support: no letter for a wrong referral
        (its "Alasan rujukan" would say the household is not eligible)."""
        ok = {(cid, prog) for (cid, _need), prog in self.right.items() if prog}
        return [x for x in self.letters() if x in ok]


def _item(item: str, ok: bool, rule: str | None, message: str, section: str, max_points: float = 1.0,
          points: float | None = None) -> dict:
    """One feedback item: ``max_points`` when ``ok`` and nothing otherwise (unless ``points`` is given)."""
    pts = (max_points if ok else 0.0) if points is None else points
    return {"item": item, "ok": bool(ok), "rule": rule, "message": message, "points": float(pts),
            "max_points": float(max_points), "section": section}


@dataclass
class _Ctx:
    """What the graders share: the queue, the trainee's answers, the right referrals and the trainee's."""

    queue: Queue
    answers: Mapping[str, Any]
    lang: str | None
    right_ref: dict
    mine: dict
    minutes: float

    def of(self, cid: str) -> Mapping[str, Any]:
        return self.answers.get("cases", {}).get(cid, {}) or {}

    def label(self, c: BoCase, section: str) -> str:
        return f"{c.case_id} · {c.head_name} · {t(f'bo.fb.section.{section}', lang=self.lang)}"


def _grade_status(x: _Ctx, c: BoCase) -> list[dict]:
    rs, st, lang = right_status(c), x.of(c.case_id).get("status"), x.lang
    rule = {"duplicate": "bo.rule.duplicate", "nik_error": "bo.rule.nik_error",
            "not_listed": "rule.not_in_dtks", "match": "bo.rule.match"}[rs]
    msg = t(f"bo.fb.status.{'ok' if st == rs else 'wrong'}", lang=lang, right=t(f"bo.status.{rs}", lang=lang),
            given=t(f"bo.status.{st}", lang=lang) if st in STATUSES else t("bo.fb.none", lang=lang))
    msg += " " + t(rule, lang=lang, program=t("bo.program_generic", lang=lang), other=c.duplicate_of or "")
    return [_item(x.label(c, "status"), st == rs, rule, msg, "status")]


def _grade_verval(x: _Ctx, c: BoCase) -> list[dict]:
    need, asked = verval_needed(c), bool(x.of(c.case_id).get("verval"))
    if need:
        rule = ("bo.rule.verval_sktm" if c.registration.get("sktm") or c.profile.get("via_sktm")
                else "bo.rule.verval_not_listed" if not c.profile["in_dtks"] else "bo.rule.verval_stale")
    else:
        rule = "bo.rule.verval_duplicate" if c.problem == "duplicate" else "bo.rule.verval_not_needed"
    head = t(f"bo.fb.verval.{'ok' if asked == need else ('missed' if need else 'extra')}", lang=x.lang)
    return [_item(x.label(c, "verval"), asked == need, rule, head + " " + t(rule, lang=x.lang, years=STALE_YEARS),
                  "verval")]


def _grade_decisions(x: _Ctx, c: BoCase) -> list[dict]:
    if c.problem == "duplicate":
        return []
    lang, prof, out = x.lang, effective_profile(c), []
    for p in c.candidates:
        right, v = decision(c, p)
        given = (x.of(c.case_id).get("decisions") or {}).get(p)
        ok = given is not None and bool(given) == right
        pname = t(f"prog.{p}.name", lang=lang)
        if ok:
            head = t("bo.fb.decision.ok", lang=lang, program=pname,
                     verdict=t("bo.eligible" if right else "bo.not_eligible", lang=lang))
        else:
            head = t("bo.fb.decision." + ("missing" if given is None else "inclusion" if given else "exclusion"),
                     lang=lang, program=pname)
        why = v.explain(lang)
        if programs.already_receives(prof, p) and v.eligible:
            why.append(t("bo.rule.already_receives", lang=lang, program=pname))
        out.append(_item(f"{c.case_id} · {c.head_name} · {pname}", ok, decisive_reason(v, prof),
                         head + " " + " ".join(why), "decision"))
    return out


CASE_GRADERS: tuple[Callable[[_Ctx, BoCase], list[dict]], ...] = (_grade_status, _grade_verval, _grade_decisions)
"""Per case: DTKS status, verval, the eligibility of each candidate programme."""


def _referral_why(x: _Ctx, c: BoCase, need: str, prog: str | None) -> tuple[str, str]:
    """The rule and the sentence behind the right referral of one need."""
    lang, nname, eff = x.lang, t(f"need.{need}", lang=x.lang), effective_profile(c)
    if prog is not None:
        rule = "rule.documents_first" if prog == "DUKCAPIL" and need != "documents" else (
            "bo.rule.quota_priority" if prog not in NO_QUOTA else "rule.dukcapil.missing")
        msg = t("bo.fb.referral.to", lang=lang, need=nname, program=t(f"prog.{prog}.name", lang=lang))
        if prog != "DUKCAPIL":
            msg += " " + " ".join(programs.check(prog, eff).explain(lang))
        for code in passed_for_quota(c, need, prog):  # e.g. BPNT full: the APBD programme instead
            msg += " " + t("bo.rule.quota", lang=lang, program=t(f"prog.{code}.name", lang=lang))
        return rule, msg
    ref = programs.refer(need, eff)
    if ref.program is None:
        last = ref.verdicts[-1] if ref.verdicts else None
        rule = "rule.not_in_dtks" if ref.propose_dtks else (decisive_reason(last) if last else "bo.rule.no_referral")
        pn = t(f"prog.{last.program}.name", lang=lang) if last else t("bo.program_generic", lang=lang)
    else:
        rule = "bo.rule.already_receives" if programs.already_receives(eff, ref.program) else "bo.rule.quota"
        pn = t(f"prog.{ref.program}.name", lang=lang)
    return rule, t("bo.fb.referral.none", lang=lang, need=nname) + " " + t(rule, lang=lang, program=pn)


def _grade_referrals(x: _Ctx) -> list[dict]:
    """Each (case, need): the trainee's referral under the quota (their marks and order) against the right one."""
    lang, out = x.lang, []
    for (cid, need), prog in x.right_ref.items():
        c, got = x.queue.case(cid), x.mine.get((cid, need))
        rule, msg = _referral_why(x, c, need, prog)
        if got != prog:
            given = t(f"prog.{got}.name", lang=lang) if got else t("bo.fb.none", lang=lang)
            msg = t("bo.fb.referral.given", lang=lang, program=given) + " " + msg
        out.append(_item(x.label(c, "referral") + f": {t(f'need.{need}', lang=lang)}", got == prog, rule, msg,
                         "referral"))
    for (cid, _need), prog in x.mine.items():  # referrals of a rejected duplicate: no right counterpart
        if (cid, _need) not in x.right_ref and prog:
            c = x.queue.case(cid)
            out.append(_item(x.label(c, "referral"), False, "bo.rule.duplicate",
                             t("bo.fb.referral.double", lang=lang, program=t(f"prog.{prog}.name", lang=lang),
                               other=c.duplicate_of or ""), "referral", max_points=0))
    for c in x.queue.cases:
        if c.problem == "duplicate":
            issued = [p for (cid, _n), p in x.mine.items() if cid == c.case_id and p]
            out.append(_item(x.label(c, "referral"), not issued, "bo.rule.duplicate",
                             t("bo.fb.duplicate_no_letter", lang=lang, other=c.duplicate_of or ""), "referral"))
    return out


def _grade_priority(x: _Ctx) -> list[dict]:
    """Pairs of cases with different urgency, ranked by the trainee in the right order (a share of the points)."""
    pri = right_priority(x.queue)
    pos = {cid: k for k, cid in enumerate(_trainee_order(x.queue, x.answers))}
    pairs = good = 0
    for i, a_id in enumerate(pri):
        for b_id in pri[i + 1:]:
            if priority_key(x.queue.case(a_id)) == priority_key(x.queue.case(b_id)):
                continue
            pairs += 1
            pa, pb = x.of(a_id).get("priority"), x.of(b_id).get("priority")
            good += bool(pa and pb and pa != pb and pos[a_id] < pos[b_id])
    frac = good / pairs if pairs else 1.0
    msg = t("bo.fb.priority", lang=x.lang, good=good, pairs=pairs, order=", ".join(pri)) + " " + \
        t("bo.rule.priority", lang=x.lang)
    return [_item(t("bo.fb.section.priority", lang=x.lang), frac == 1.0, "bo.rule.priority", msg, "priority",
                  max_points=PRIORITY_POINTS, points=round(PRIORITY_POINTS * frac, 1))]


def _grade_time(x: _Ctx) -> list[dict]:
    """Full points within the level's target time, half up to twice it."""
    target = TARGET_MINUTES[x.queue.level]
    tp = TIME_POINTS if x.minutes <= target else TIME_POINTS / 2 if x.minutes <= 2 * target else 0.0
    msg = t("bo.fb.time", lang=x.lang, minutes=fmt_num(x.minutes, 1, lang=x.lang), target=target)
    return [_item(t("bo.fb.section.time", lang=x.lang), tp == TIME_POINTS, "bo.rule.time", msg, "time",
                  max_points=TIME_POINTS, points=tp)]


QUEUE_GRADERS: tuple[Callable[[_Ctx], list[dict]], ...] = (_grade_referrals, _grade_priority, _grade_time)
"""Per queue: referrals under the quota, priority order, time."""


def _trainee_eligible(queue: Queue, answers: Mapping[str, Any]) -> dict[str, dict[str, bool]]:
    out = {}
    for c in queue.cases:
        a = answers.get("cases", {}).get(c.case_id, {}) or {}
        if a.get("status") != "duplicate":
            out[c.case_id] = {p: bool(v) for p, v in (a.get("decisions") or {}).items()}
    return out


def _trainee_order(queue: Queue, answers: Mapping[str, Any]) -> list[str]:
    order = {c.case_id: k for k, c in enumerate(queue.cases)}

    def key(cid: str):
        pr = (answers.get("cases", {}).get(cid, {}) or {}).get("priority")
        ranked = isinstance(pr, (int, float)) and pr > 0
        return (0 if ranked else 1, pr if ranked else 0, order[cid])

    return sorted(order, key=key)


def _undecided(queue: Queue, answers: Mapping[str, Any], items: list[dict], lang: str | None) -> None:
    """Empty means empty: an item earns points only for a decision the trainee made.

    An item right *by omission* — no verval asked where none is needed, no referral where none is
    right, no letter for a duplicate — counts only once the trainee has decided what it rests on:

    * verval not needed and not asked: the registration's DTKS status is chosen;
    * a need with no right referral: the status is chosen and every programme decision of the
      registration is made;
    * no letter for a duplicate: the registration is marked ``duplicate``;
    * the priority order and the time: every decision of the queue is made
      (:func:`slrt_sim.training.back_office.open_decisions` is empty).

    So a submission with only "Cek DTKS" pressed scores 0, and a fully decided queue loses nothing.
    """
    cases = (answers or {}).get("cases") or {}
    complete = not open_decisions(queue, answers)

    def status_given(cid: str) -> bool:
        return (cases.get(cid) or {}).get("status") is not None

    def all_decided(cid: str) -> bool:
        a = cases.get(cid) or {}
        return status_given(cid) and (a.get("status") == "duplicate" or all(
            (a.get("decisions") or {}).get(p) is not None for p in queue.case(cid).candidates))

    for it in items:
        cid = it["item"].split(" ", 1)[0]
        if not it["points"]:
            continue
        sec, a = it["section"], cases.get(cid) or {}
        earned = True
        if sec == "verval" and not a.get("verval"):
            earned = status_given(cid)
        elif sec == "referral" and queue.case(cid).problem == "duplicate":
            earned = a.get("status") == "duplicate"
        elif sec == "referral":
            earned = all_decided(cid)
        elif sec in ("priority", "time"):
            earned = complete
        if not earned:
            it["message"] = t("bo.fb.untouched", lang=lang) + " " + it["message"]
            it["points"], it["ok"] = 0.0, False


def grade(queue: Queue, answers: Mapping[str, Any], started_at: float | None = None,
          submitted_at: float | None = None, lang: str | None = None) -> BoGrade:
    """Grade a trainee's answers; every item carries its points and the rule (catalogue key) that decides it."""
    end = float(submitted_at or 0.0)
    minutes = max(0.0, (end - (float(started_at) if started_at is not None else end)) / 60.0)
    mine = allocate(queue, _trainee_eligible(queue, answers), _trainee_order(queue, answers))
    x = _Ctx(queue, answers, lang, right_referrals(queue), mine, minutes)
    items = [it for c in queue.cases for g in CASE_GRADERS for it in g(x, c)]
    items += [it for g in QUEUE_GRADERS for it in g(x)]
    _undecided(queue, answers, items, lang)
    score = round(sum(i["points"] for i in items), 1)
    max_score = round(sum(i["max_points"] for i in items), 1)
    return BoGrade(score, max_score, items, mine, minutes, right=x.right_ref)
