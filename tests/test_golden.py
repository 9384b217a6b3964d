"""Golden cases: fixed households built by hand, with the right front-office and back-office
answers written out by hand from the rules of DOMAIN.md (as in slrt_sim/domain/programs.py's
table: PKH decile ≤ 3 with a component, BPNT ≤ 3, PBI-JK ≤ 4, KIP a school child of a poor
family, KUBE ≤ 4 with a working-age member, LOCAL a verified decile ≤ 5, Dukcapil first when
documents lack). Nothing here is derived from the answer keys: a wrong rule or key fails."""
from __future__ import annotations

import pytest

from slrt_sim.training import back_office as bo
from slrt_sim.training import bo_grading, fo_grading
from slrt_sim.training import front_office as fo

YEAR = 2025  # the start year written into these hand-made cases


def household(**kw) -> dict:
    h = dict(in_dtks=False, dtks_decile=0, dtks_year=0, true_decile=5, verified_decile=0, has_kk=True,
             missing_docs=False, n_child_0_6=0, n_school_6_21=0, n_out_of_school_7_18=0, n_working_age=1,
             has_pregnant=False, has_elderly_70=False, has_disability=False, has_severe_disability=False,
             has_chronic=False, atensi_target=False, owns_land=True, house_unfit=False, receives_pkh=False,
             receives_bpnt=False, receives_pbi=False, via_sktm=False, vulnerable=False, street="Jl Melati",
             house_no=7, rt=2, rw=3, occupation="buruh harian")
    h.update(kw)
    return h


HEAD = {"name": "Siti Aminah", "nik": "3275014107800001", "sex": "P", "age": 45, "relation": "kepala keluarga",
        "pregnant": False, "disability": "none", "has_ktp": True, "has_birth_cert": True, "birth_date": "1980-07-01"}
CHILD = {"name": "Budi", "nik": "3275010101150002", "sex": "L", "age": 10, "relation": "anak",
         "pregnant": False, "disability": "none", "has_ktp": False, "has_birth_cert": True,
         "birth_date": "2015-01-01"}


def fo_case(problem: str, needs: list[str], kk: bool = True, sktm: bool = False, **kw) -> fo.FoCase:
    docs = {"ktp": {"owner": HEAD["name"], "nik": HEAD["nik"], "copy": False},
            "kk": {"number": "3275010101200003"} if kk else None,
            "sktm": {"number": "474/1/SKTM/2024", "issuer": "Kelurahan Melati"} if sktm else None, "cards": []}
    return fo.FoCase(case_id=f"G-{problem}", level="sedang", index=0, app="fo", problem=problem, hh=0,
                     household=household(**kw), members=[dict(HEAD), dict(CHILD)],
                     address="Jl Melati No. 7, RT 02/RW 03", story="…", documents=docs, needs=needs, planted=[])


# (case, expected FO answers written by hand)
FO_GOLDEN = [
    # listed at decile 2: food → BPNT (≤ 3), health → PBI-JK (≤ 4): refer to the BO
    (fo_case("clean", ["health", "food"], in_dtks=True, dtks_decile=2, dtks_year=YEAR - 1, true_decile=2),
     dict(decision="refer_bo", programs=["BPNT", "PBI_JK"], category="request", dtks="listed", sktm=None)),
    # listed at decile 5: health → PBI-JK closed (5 > 4) but the local programme takes ≤ 5
    (fo_case("clean", ["health"], in_dtks=True, dtks_decile=5, dtks_year=YEAR - 1, true_decile=5),
     dict(decision="refer_bo", programs=["LOCAL"], category="request", dtks="listed", sktm=None)),
    # poor, not listed, a school child: KIP needs a PKH/KKS family or a listing → propose DTKS
    (fo_case("not_listed", ["school"], true_decile=3, n_school_6_21=1),
     dict(decision="propose_dtks", programs=[], category="request", dtks="not_listed", sktm=None)),
    # no KK: Dukcapil first, whatever else is asked
    (fo_case("no_kk", ["documents", "food"], kk=False, has_kk=False, missing_docs=True, true_decile=2),
     dict(decision="dukcapil_first", programs=["DUKCAPIL"], category="request", dtks="not_listed", sktm=None)),
    # false SKTM: listed at decile 2 through an SKTM, true decile 8: read with decile 8 → close, verify
    (fo_case("false_sktm", ["food"], sktm=True, in_dtks=True, dtks_decile=2, dtks_year=YEAR - 2, true_decile=8,
             via_sktm=True),
     dict(decision="close_info", programs=[], category="request", dtks="listed", sktm=("verify",))),
    # already in PKH, asks about the next payment: information, closed on the spot
    (fo_case("served", ["information"], in_dtks=True, dtks_decile=2, dtks_year=YEAR - 3, true_decile=2,
             receives_pkh=True, n_child_0_6=1, vulnerable=True),
     dict(decision="close_info", programs=[], category="information", dtks="listed", sktm=None, fast_track=True)),
]


@pytest.mark.parametrize("case,want", FO_GOLDEN, ids=[c.problem + "-" + "+".join(c.needs) for c, _ in FO_GOLDEN])
def test_front_office_key_matches_the_hand_answer(case, want):
    key = fo.answer_key(case)
    for field, value in want.items():
        assert key[field] == value, field
    assert key["kk"] == (case.documents["kk"]["number"] if case.documents["kk"] else "")
    assert key["members"] == ["Siti Aminah", "Budi"] and key["nik"] == HEAD["nik"]


def hand_answers(case, want) -> dict:
    return {"nik": HEAD["nik"], "kk": case.documents["kk"]["number"] if case.documents["kk"] else "",
            "head": "siti  AMINAH", "members": "Siti Aminah\nBudi", "address": "jl melati 7 rt 2 rw 3",
            "category": want["category"], "dtks": want["dtks"], "needs": list(case.needs),
            "fast_track": want.get("fast_track", False), "decision": want["decision"],
            "programs": list(want["programs"]), "sktm": want["sktm"][0] if want["sktm"] else None}


@pytest.mark.parametrize("case,want", FO_GOLDEN, ids=[c.problem for c, _ in FO_GOLDEN])
def test_front_office_hand_answer_scores_full_and_a_wrong_decision_costs_its_weight(case, want):
    right = hand_answers(case, want)
    assert fo_grading.grade(case, right).score == 100.0
    wrong = dict(right, decision="refer_bo" if want["decision"] != "refer_bo" else "close_info")
    g = fo_grading.grade(case, wrong)
    total = sum(fo.WEIGHTS[k] for k in fo.WEIGHTS if k != "sktm" or want["sktm"])
    assert g.score == round(100 * (total - fo.WEIGHTS["decision"]) / total, 1)
    assert [i["item"] for i in g.mistakes] == ["decision"]


# ------------------------------------------------------------------------------ back office
def bo_case(cid: str, problem: str, needs: tuple[str, ...], truth: dict | None = None, **kw) -> bo.BoCase:
    profile = household(**kw)
    reg = {"name": f"Kepala {cid}", "nik": HEAD["nik"], "kk": "3275010101200003", "address": "Jl Melati 7",
           "channel": "dinas", "documents": [], "sktm": bool(kw.get("via_sktm")), "story": "…"}
    return bo.BoCase(cid, ord(cid[-1]), problem, reg, [dict(HEAD)], needs, profile,
                     household(**{**kw, **(truth or {})}), start_year=YEAR)


@pytest.fixture(scope="module")
def queue():
    cases = [
        # A: listed at decile 2, a child under 6: food → BPNT and LOCAL both right
        bo_case("K01", "clean", ("food",), in_dtks=True, dtks_decile=2, dtks_year=YEAR - 1, true_decile=2,
                n_child_0_6=1),
        # B: a record 6 years old (stale: > 4) says decile 2, the visit finds 7 → nothing
        bo_case("K02", "stale", ("food",), truth={"dtks_decile": 7, "verified_decile": 7}, in_dtks=True,
                dtks_decile=2, dtks_year=YEAR - 6, true_decile=7),
        # C: not listed, the visit finds decile 3: PBI-JK closed (not listed), LOCAL right
        bo_case("K03", "not_listed", ("health",), truth={"verified_decile": 3}, true_decile=3),
        # D: listed at decile 1 and already in BPNT: not BPNT again, LOCAL right
        bo_case("K04", "served", ("food",), in_dtks=True, dtks_decile=1, dtks_year=YEAR - 1, true_decile=1,
                receives_bpnt=True),
        # F: NIK typed wrong at the FO; decile 3, no PKH component: PKH no, KUBE and LOCAL yes
        bo_case("K06", "nik_typo", ("income",), in_dtks=True, dtks_decile=3, dtks_year=YEAR - 1, true_decile=3),
    ]
    dup = bo_case("K05", "duplicate", ("food",), in_dtks=True, dtks_decile=2, dtks_year=YEAR - 1, true_decile=2,
                  n_child_0_6=1)
    dup.duplicate_of = "K01"
    cases.insert(4, dup)
    return bo.Queue("GOLD", 1, "sedang", "Melati", "kota", "Jawa Barat", cases,
                    quota={"BPNT": 1, "LOCAL": 1, "KUBE": 1, "PBI_JK": 1, "PKH": 1}, start_year=YEAR)


BO_KEY = {  # status, verval, decisions — by hand
    "K01": ("match", False, {"BPNT": True, "LOCAL": True}),
    "K02": ("match", True, {"BPNT": False, "LOCAL": False}),
    "K03": ("not_listed", True, {"PBI_JK": False, "LOCAL": True}),
    "K04": ("match", False, {"BPNT": False, "LOCAL": True}),
    "K05": ("duplicate", False, {}),
    "K06": ("nik_error", False, {"PKH": False, "KUBE": True, "LOCAL": True}),
}


def test_back_office_key_matches_the_hand_answer(queue):
    key = bo.answer_key(queue)["cases"]
    for cid, (status, verval, decisions) in BO_KEY.items():
        assert (key[cid]["status"], key[cid]["verval"], key[cid]["decisions"]) == (status, verval, decisions), cid


def test_back_office_priority_and_quota_by_hand(queue):
    # urgency: lowest decile first (K04 d1, K01 d2, K03 d3, K06 d3 in queue order); K02 has nothing right
    assert bo.right_priority(queue) == ["K04", "K01", "K03", "K06"]
    # one LOCAL place goes to K04 (first), so K03's health need gets nothing; K01 takes the BPNT place
    assert bo.right_referrals(queue) == {("K04", "food"): "LOCAL", ("K01", "food"): "BPNT",
                                         ("K03", "health"): None, ("K06", "income"): "KUBE",
                                         ("K02", "food"): None}


def test_back_office_grading_counts_each_mistake_once(queue):
    key = bo.answer_key(queue)
    full = bo_grading.grade(queue, key, 0, 60)
    # 6 statuses + 6 verval + 11 decisions + 5 referrals + 1 duplicate letter + priority 3 + time 2
    assert full.max_score == 6 + 6 + 11 + 5 + 1 + 3 + 2 and full.score == full.max_score
    wrong = {"cases": {**key["cases"], "K02": dict(key["cases"]["K02"], verval=False)}}
    g = bo_grading.grade(queue, wrong, 0, 60)
    assert g.score == full.max_score - 1 and [i["rule"] for i in g.items if not i["ok"]] == ["bo.rule.verval_stale"]
